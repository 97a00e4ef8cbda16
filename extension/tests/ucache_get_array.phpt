--TEST--
wincache_ucache_get: array of keys returns the hits only
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_clear();
wincache_ucache_set(['a' => 1, 'b' => [2], '5' => 'five', 'n' => null]);
var_dump(wincache_ucache_get(['a', 'missing', 'b', 5, 'n']));
var_dump(wincache_ucache_get([], $ok), $ok);
var_dump(wincache_ucache_get(['nope', 'nada'], $ok), $ok);
// keys are taken from the values, array keys are ignored
var_dump(wincache_ucache_get(['x' => 'a', 'y' => 'a']));
// elements must be strings or ints
var_dump(wincache_ucache_get(['a', 1.5]));
var_dump(wincache_ucache_get(['a', ['b']], $ok), $ok);
?>
--EXPECTF--
array(4) {
  ["a"]=>
  int(1)
  ["b"]=>
  array(1) {
    [0]=>
    int(2)
  }
  [5]=>
  string(4) "five"
  ["n"]=>
  NULL
}
array(0) {
}
bool(true)
array(0) {
}
bool(true)
array(1) {
  ["a"]=>
  int(1)
}

Warning: wincache_ucache_get(): key array elements can only be string or long in %s on line %d
bool(false)

Warning: wincache_ucache_get(): key array elements can only be string or long in %s on line %d
bool(false)
bool(false)
