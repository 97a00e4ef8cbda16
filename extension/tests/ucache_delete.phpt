--TEST--
wincache_ucache_delete: string and array forms
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_clear();
wincache_ucache_set(['green' => 1, 'Blue' => 2, 'cyan' => 3, '5' => 5, 'x' => 'x']);
var_dump(wincache_ucache_delete('x'));
var_dump(wincache_ucache_delete('x'));
var_dump(wincache_ucache_delete('never'));
var_dump(wincache_ucache_delete(['green', 'Blue', 'yellow', 'cyan', 5]));
var_dump(wincache_ucache_exists('green'), wincache_ucache_exists('cyan'), wincache_ucache_exists('5'));
var_dump(wincache_ucache_delete(['green', 'nope']));
var_dump(wincache_ucache_delete([]));
wincache_ucache_set('i', 1);
var_dump(wincache_ucache_delete(['i', 2.5]));
// int key in string form
wincache_ucache_set('42', 'answer');
var_dump(wincache_ucache_delete(42), wincache_ucache_exists('42'));
?>
--EXPECTF--
bool(true)
bool(false)
bool(false)
array(4) {
  [0]=>
  string(5) "green"
  [1]=>
  string(4) "Blue"
  [2]=>
  string(4) "cyan"
  [3]=>
  string(1) "5"
}
bool(false)
bool(false)
bool(false)
array(0) {
}
array(0) {
}

Warning: wincache_ucache_delete(): key array elements can only be string or long in %s on line %d
bool(false)
bool(true)
bool(false)
