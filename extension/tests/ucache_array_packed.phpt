--TEST--
wincache_ucache: packed arrays (PHP 8.2 packed layout) round trip
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_clear();
$small = [1, 2, 3];
$big = range(1, 1000);
$mixed = [1, 'two', 3.0, null, true, [4, 5]];
$empty = [];
$holes = [0 => 'a', 1 => 'b', 5 => 'c'];   // still packed, with holes
$floats = range(0.5, 50, 0.5);
$strs = array_map('strval', range(1, 300));
foreach (compact('small', 'big', 'mixed', 'empty', 'holes', 'floats', 'strs') as $k => $v) {
    var_dump(wincache_ucache_set($k, $v));
    $got = wincache_ucache_get($k);
    echo $k, ': ', var_export($got === $v, true), ' ', count($got), ' ', var_export(array_is_list($got), true), "\n";
}
var_dump(wincache_ucache_get('small'));
// the fetched array is an ordinary array: appending continues after the last index
$got = wincache_ucache_get('holes');
$got[] = 'd';
var_dump(array_keys($got));
$got = wincache_ucache_get('big');
$got[] = 1001;
var_dump(count($got), $got[1000], array_sum($got));
var_dump(wincache_ucache_get('big') === range(1, 1000));
?>
--EXPECT--
bool(true)
small: true 3 true
bool(true)
big: true 1000 true
bool(true)
mixed: true 6 true
bool(true)
empty: true 0 true
bool(true)
holes: true 3 false
bool(true)
floats: true 100 true
bool(true)
strs: true 300 true
array(3) {
  [0]=>
  int(1)
  [1]=>
  int(2)
  [2]=>
  int(3)
}
array(4) {
  [0]=>
  int(0)
  [1]=>
  int(1)
  [2]=>
  int(5)
  [3]=>
  int(6)
}
int(1001)
int(1001)
int(501501)
bool(true)
