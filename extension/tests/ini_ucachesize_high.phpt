--TEST--
wincache.ucachesize above the maximum is clamped to 930 at startup
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
wincache.ucachesize=2000
--FILE--
<?php
var_dump(ini_get('wincache.ucachesize'));
$m = wincache_ucache_meminfo();
var_dump($m['memory_total'] > 900 * 1024 * 1024 && $m['memory_total'] <= 931 * 1024 * 1024);
var_dump(wincache_ucache_set('k', 'v'), wincache_ucache_get('k'));
?>
--EXPECT--
string(3) "930"
bool(true)
bool(true)
string(1) "v"
