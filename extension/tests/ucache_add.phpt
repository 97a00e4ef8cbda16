--TEST--
wincache_ucache_add: only adds missing keys; existing key gives a warning
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_clear();
var_dump(wincache_ucache_add('k', 'first'));
var_dump(wincache_ucache_add('k', 'second'));
var_dump(wincache_ucache_get('k'));
var_dump(wincache_ucache_set('k', 'third'));
var_dump(wincache_ucache_get('k'));
var_dump(wincache_ucache_delete('k'));
var_dump(wincache_ucache_add('k', 'fourth'));
var_dump(wincache_ucache_get('k'));
// a stored null/false still counts as existing
var_dump(wincache_ucache_add('n', null));
var_dump(wincache_ucache_add('n', 1));
var_dump(wincache_ucache_get('n'));
// add with ttl
var_dump(wincache_ucache_add('t', [1], 100));
$i = wincache_ucache_info(false, 't');
var_dump($i['ucache_entries'][1]['ttl_seconds']);
// int key
var_dump(wincache_ucache_add(7, 'seven'), wincache_ucache_get('7'));
var_dump(wincache_ucache_add('7', 'again'));
?>
--EXPECTF--
bool(true)

Warning: wincache_ucache_add(): function called with a key which already exists in %s on line %d
bool(false)
string(5) "first"
bool(true)
string(5) "third"
bool(true)
bool(true)
string(6) "fourth"
bool(true)

Warning: wincache_ucache_add(): function called with a key which already exists in %s on line %d
bool(false)
NULL
bool(true)
int(100)
bool(true)
string(5) "seven"

Warning: wincache_ucache_add(): function called with a key which already exists in %s on line %d
bool(false)
