--TEST--
wincache.ucachesize below the minimum is clamped to 5 at startup
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
wincache.ucachesize=1
--FILE--
<?php
var_dump(ini_get('wincache.ucachesize'));
$m = wincache_ucache_meminfo();
var_dump($m['memory_total'] > 4 * 1024 * 1024 && $m['memory_total'] <= 6 * 1024 * 1024);
var_dump(wincache_ucache_set('k', str_repeat('x', 2 * 1024 * 1024)));
?>
--EXPECT--
string(1) "5"
bool(true)
bool(true)
