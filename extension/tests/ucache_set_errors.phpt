--TEST--
wincache_ucache_set/add: negative ttl, blank key, missing value
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_clear();
var_dump(wincache_ucache_set('k', 'v', -1));
var_dump(wincache_ucache_add('k', 'v', -100));
var_dump(wincache_ucache_exists('k'));
var_dump(wincache_ucache_set(['a' => 1, 'b' => 2], null, -1));
var_dump(wincache_ucache_exists('a'));
var_dump(wincache_ucache_set('', 'v'));
var_dump(wincache_ucache_add('', 'v'));
var_dump(wincache_ucache_set("\0abc", 'v'));
var_dump(wincache_ucache_set(null, 'v'));
var_dump(wincache_ucache_set(false, 'v'));
// string key without a value: false, no warning
var_dump(wincache_ucache_set('novalue'));
var_dump(wincache_ucache_add('novalue'));
var_dump(wincache_ucache_exists('novalue'));
// explicit null is a value
var_dump(wincache_ucache_set('null', null), wincache_ucache_exists('null'));
// ttl 0 is fine
var_dump(wincache_ucache_set('zero', 1, 0));
// ttl is checked before the resource check
$fp = fopen('php://memory', 'r');
var_dump(wincache_ucache_set('x', $fp, -1));
?>
--EXPECTF--
Warning: wincache_ucache_set(): ttl cannot be less than 0 in %s on line %d
bool(false)

Warning: wincache_ucache_add(): ttl cannot be less than 0 in %s on line %d
bool(false)
bool(false)

Warning: wincache_ucache_set(): ttl cannot be less than 0 in %s on line %d
bool(false)
bool(false)

Warning: wincache_ucache_set(): key cannot be blank string in %s on line %d
bool(false)

Warning: wincache_ucache_add(): key cannot be blank string in %s on line %d
bool(false)

Warning: wincache_ucache_set(): key cannot be blank string in %s on line %d
bool(false)

Warning: wincache_ucache_set(): key cannot be blank string in %s on line %d
bool(false)

Warning: wincache_ucache_set(): key cannot be blank string in %s on line %d
bool(false)
bool(false)
bool(false)
bool(false)
bool(true)
bool(true)
bool(true)

Warning: wincache_ucache_set(): ttl cannot be less than 0 in %s on line %d
bool(false)
