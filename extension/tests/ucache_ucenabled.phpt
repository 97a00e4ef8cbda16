--TEST--
wincache.ucenabled=0 at runtime: user cache functions return false silently
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_clear();
wincache_ucache_set('k', 'v');
var_dump(ini_set('wincache.ucenabled', '0'));
var_dump(wincache_ucache_get('k', $ok), $ok);
var_dump(wincache_ucache_set('k2', 'v'));
var_dump(wincache_ucache_add('k3', 'v'));
var_dump(wincache_ucache_exists('k'));
var_dump(wincache_ucache_delete('k'));
var_dump(wincache_ucache_inc('k'));
var_dump(wincache_ucache_dec('k'));
var_dump(wincache_ucache_cas('k', 1, 2));
var_dump(wincache_ucache_clear());
ini_set('wincache.ucenabled', '1');
var_dump(wincache_ucache_get('k'), wincache_ucache_exists('k2'));
?>
--EXPECT--
string(1) "1"
bool(false)
NULL
bool(false)
bool(false)
bool(false)
bool(false)
bool(false)
bool(false)
bool(false)
bool(false)
string(1) "v"
bool(false)
