--TEST--
wincache_ucache: non-string keys are converted to strings (int, float, bool)
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_clear();
var_dump(wincache_ucache_set(123, 'int key'));
var_dump(wincache_ucache_get('123'), wincache_ucache_get(123), wincache_ucache_exists('123'));
var_dump(wincache_ucache_set(-7, 'negative'));
var_dump(wincache_ucache_get('-7'));
var_dump(wincache_ucache_set(1.5, 'float key'));
var_dump(wincache_ucache_get('1.5'));
var_dump(wincache_ucache_set(true, 'true key'));
var_dump(wincache_ucache_get('1'));
wincache_ucache_set('0', 'zero');
var_dump(wincache_ucache_get(0));
$info = wincache_ucache_info(false, '123');
var_dump($info['ucache_entries'][1]['key_name']);
var_dump(wincache_ucache_inc('123'));
wincache_ucache_set('55', 55);
var_dump(wincache_ucache_inc(55), wincache_ucache_dec(55, 10), wincache_ucache_cas(55, 46, 1), wincache_ucache_get(55));
var_dump(wincache_ucache_delete(123), wincache_ucache_exists('123'));
// null/false keys become "" (a miss for get/delete, no warning)
var_dump(wincache_ucache_get(null), wincache_ucache_get(false), wincache_ucache_delete(null));
?>
--EXPECTF--
bool(true)
string(7) "int key"
string(7) "int key"
bool(true)
bool(true)
string(8) "negative"
bool(true)
string(9) "float key"
bool(true)
string(8) "true key"
string(4) "zero"
string(3) "123"

Warning: wincache_ucache_inc(): function can only be called for key whose value is long in %s on line %d
bool(false)
int(56)
int(46)
bool(true)
int(1)
bool(true)
bool(false)
bool(false)
bool(false)
bool(false)
