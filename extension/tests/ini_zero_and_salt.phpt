--TEST--
wincache INI directives: chkinterval/ttlmax 0 stay 0, namesalt is cut to 8 characters
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
wincache.chkinterval=0
wincache.ttlmax=0
wincache.namesalt=abcdefghijkl
wincache.apppoolid=MyPool
--FILE--
<?php
var_dump(ini_get('wincache.chkinterval'), ini_get('wincache.ttlmax'));
var_dump(ini_get('wincache.namesalt'), ini_get('wincache.apppoolid'));
var_dump(wincache_ucache_set('salted', 1), wincache_ucache_get('salted'));
?>
--EXPECT--
string(1) "0"
string(1) "0"
string(8) "abcdefgh"
string(6) "MyPool"
bool(true)
int(1)
