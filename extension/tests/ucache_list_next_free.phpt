--TEST--
A list keeps its next free index: $got[] lands where it would have landed in the stored array
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
$a = [10, 20, 30];
unset($a[2]);                 // still a list (0, 1), but the next index is 3
wincache_ucache_set('l', $a);
$got = wincache_ucache_get('l');
$a[] = 'x';
$got[] = 'x';
var_dump(array_keys($a), array_keys($got) === array_keys($a));
$h = ['k' => 1, 5 => 2];
unset($h[5]);
wincache_ucache_set('h', $h);
$got = wincache_ucache_get('h');
$got[] = 'y';
var_dump(array_keys($got));
?>
--EXPECT--
array(3) {
  [0]=>
  int(0)
  [1]=>
  int(1)
  [2]=>
  int(3)
}
bool(true)
array(2) {
  [0]=>
  string(1) "k"
  [1]=>
  int(6)
}
