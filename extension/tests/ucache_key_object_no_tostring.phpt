--TEST--
An object key without __toString: its Error only, no "blank key" warning (set, add, get, delete)
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
foreach (['wincache_ucache_set', 'wincache_ucache_add', 'wincache_ucache_get', 'wincache_ucache_delete'] as $f) {
    try {
        in_array($f, ['wincache_ucache_set', 'wincache_ucache_add']) ? $f(new stdClass, 1) : $f(new stdClass);
        echo "$f: no error\n";
    } catch (Error $e) {
        echo "$f: ", get_class($e), ": ", $e->getMessage(), "\n";
    }
}
var_dump(wincache_ucache_info(true)['total_item_count']);
?>
--EXPECT--
wincache_ucache_set: Error: Object of class stdClass could not be converted to string
wincache_ucache_add: Error: Object of class stdClass could not be converted to string
wincache_ucache_get: Error: Object of class stdClass could not be converted to string
wincache_ucache_delete: Error: Object of class stdClass could not be converted to string
int(0)
