--TEST--
wincache_ucache_add: array form reports existing keys as -1 without a warning
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_clear();
$bar = ['green' => 5, 'Blue' => '6', 'yellow', 'cyan' => 'eight'];
var_dump(wincache_ucache_add($bar, null));
var_dump(wincache_ucache_add(['green' => 13, 'black' => 14]));
var_dump(wincache_ucache_get('green'), wincache_ucache_get('black'));
var_dump(wincache_ucache_add($bar));
var_dump(wincache_ucache_add([]));
var_dump(wincache_ucache_add(['x' => 1], null, 30));
$i = wincache_ucache_info(false, 'x');
var_dump($i['ucache_entries'][1]['ttl_seconds']);
?>
--EXPECT--
array(0) {
}
array(1) {
  ["green"]=>
  int(-1)
}
int(5)
int(14)
array(4) {
  ["green"]=>
  int(-1)
  ["Blue"]=>
  int(-1)
  [0]=>
  int(-1)
  ["cyan"]=>
  int(-1)
}
array(0) {
}
array(0) {
}
int(30)
