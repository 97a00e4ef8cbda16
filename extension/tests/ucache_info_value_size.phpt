--TEST--
info() value_size as WinCache reported it: 16 for a scalar (its zval), the stored bytes for strings and arrays
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_clear();
foreach (['n' => null, 't' => true, 'f' => false, 'i' => PHP_INT_MAX, 'd' => 0.5,
          's' => 'twelve chars', 'e' => '', 'a' => [1, 2, 3]] as $k => $v) {
    wincache_ucache_set($k, $v);
    $e = wincache_ucache_info(false, $k)['ucache_entries'][1];
    echo $k, ' ', $e['value_type'], ' ', $e['value_size'], "\n";
}
?>
--EXPECTF--
n null 16
t bool 16
f bool 16
i long 16
d double 16
s string 12
e string 0
a array %d
