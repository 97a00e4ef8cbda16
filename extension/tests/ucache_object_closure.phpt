--TEST--
wincache_ucache: a Closure cannot be stored ("Serialization of 'Closure' is not allowed")
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_clear();
$f = function ($a) { return $a * 2; };
foreach (['set', 'add'] as $fn) {
    try {
        var_dump(call_user_func("wincache_ucache_$fn", 'c', $f));
    } catch (Exception $e) {
        echo get_class($e), ': ', $e->getMessage(), "\n";
    }
    var_dump(wincache_ucache_exists('c'));
}
// nested inside an array
try {
    var_dump(wincache_ucache_set('arr', ['ok' => 1, 'f' => $f]));
} catch (Exception $e) {
    echo get_class($e), ': ', $e->getMessage(), "\n";
}
var_dump(wincache_ucache_exists('arr'));
// inside an object
$o = new stdClass; $o->cb = fn() => 1;
try {
    var_dump(wincache_ucache_set('obj', $o));
} catch (Exception $e) {
    echo get_class($e), ': ', $e->getMessage(), "\n";
}
var_dump(wincache_ucache_exists('obj'));
// an existing value is left untouched by a failed overwrite
wincache_ucache_set('keep', 'old');
try { wincache_ucache_set('keep', $f); } catch (Exception $e) { echo $e->getMessage(), "\n"; }
var_dump(wincache_ucache_get('keep'));
// the cache still works afterwards
var_dump(wincache_ucache_set('c', 'fine'), wincache_ucache_get('c'));
?>
--EXPECT--
Exception: Serialization of 'Closure' is not allowed
bool(false)
Exception: Serialization of 'Closure' is not allowed
bool(false)
Exception: Serialization of 'Closure' is not allowed
bool(false)
Exception: Serialization of 'Closure' is not allowed
bool(false)
Serialization of 'Closure' is not allowed
string(3) "old"
bool(true)
string(4) "fine"
