--TEST--
wincache_ucache: set, get, exists, delete round trip
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
var_dump(wincache_ucache_clear());
var_dump(wincache_ucache_exists('foo'));
var_dump(wincache_ucache_get('foo'));
var_dump(wincache_ucache_set('foo', 'bar'));
var_dump(wincache_ucache_exists('foo'));
var_dump(wincache_ucache_get('foo'));
var_dump(wincache_ucache_set('foo', 'baz'));
var_dump(wincache_ucache_get('foo'));
var_dump(wincache_ucache_delete('foo'));
var_dump(wincache_ucache_exists('foo'));
var_dump(wincache_ucache_get('foo'));
var_dump(wincache_ucache_delete('foo'));
// keys are case sensitive
var_dump(wincache_ucache_set('Key', 1), wincache_ucache_set('key', 2));
var_dump(wincache_ucache_get('Key'), wincache_ucache_get('key'), wincache_ucache_get('KEY'));
?>
--EXPECT--
bool(true)
bool(false)
bool(false)
bool(true)
bool(true)
string(3) "bar"
bool(true)
string(3) "baz"
bool(true)
bool(false)
bool(false)
bool(false)
bool(true)
bool(true)
int(1)
int(2)
bool(false)
