--TEST--
wincache.namesalt is cut to 8 characters; apppoolid is kept as given; the cache works with both
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
wincache.namesalt=abcdefghijkl
wincache.apppoolid=MyPool
--FILE--
<?php
var_dump(ini_get('wincache.namesalt'), ini_get('wincache.apppoolid'));
wincache_ucache_clear();
var_dump(wincache_ucache_set('salted', 1), wincache_ucache_get('salted'));
var_dump(wincache_lock('salted'), wincache_unlock('salted'));
?>
--EXPECT--
string(8) "abcdefgh"
string(6) "MyPool"
bool(true)
int(1)
bool(true)
bool(true)
