--TEST--
wincache_ucache: sparse and negative-index integer arrays
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_clear();
$s = [5 => 'five', 100 => 'hundred', -3 => 'minus three', PHP_INT_MAX => 'max', 7 => null];
var_dump(wincache_ucache_set('s', $s));
$got = wincache_ucache_get('s');
var_dump($got === $s);
var_dump($got);
$sparse = [];
for ($i = 0; $i < 100000; $i += 997) { $sparse[$i] = $i; }
var_dump(wincache_ucache_set('sp', $sparse));
$got = wincache_ucache_get('sp');
var_dump($got === $sparse, count($got));
// array that was packed, then had its first elements removed
$a = range(0, 9);
unset($a[0], $a[1], $a[5]);
var_dump(wincache_ucache_set('a', $a));
$got = wincache_ucache_get('a');
var_dump($got === $a, array_keys($got) === [2, 3, 4, 6, 7, 8, 9]);
$got[] = 'next';
var_dump(array_key_last($got));
?>
--EXPECT--
bool(true)
bool(true)
array(5) {
  [5]=>
  string(4) "five"
  [100]=>
  string(7) "hundred"
  [-3]=>
  string(11) "minus three"
  [9223372036854775807]=>
  string(3) "max"
  [7]=>
  NULL
}
bool(true)
bool(true)
int(101)
bool(true)
bool(true)
bool(true)
int(10)
