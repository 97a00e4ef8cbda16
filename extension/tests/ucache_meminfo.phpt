--TEST--
wincache_ucache_meminfo: shape and accounting
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
wincache.ucachesize=8
--FILE--
<?php
wincache_ucache_clear();
$m = wincache_ucache_meminfo();
var_dump(array_keys($m));
foreach ($m as $k => $v) { echo $k, ' ', gettype($v), "\n"; }
var_dump($m['memory_total'] > 7 * 1024 * 1024 && $m['memory_total'] <= 9 * 1024 * 1024);
var_dump($m['memory_free'] > 0 && $m['memory_free'] <= $m['memory_total']);
var_dump(wincache_ucache_set('big', str_repeat('x', 1024 * 1024)));
$m2 = wincache_ucache_meminfo();
var_dump($m['memory_free'] - $m2['memory_free'] >= 1024 * 1024);
var_dump($m2['memory_total'] === $m['memory_total']);
var_dump($m2['num_used_blks'] > $m['num_used_blks']);
wincache_ucache_delete('big');
$m3 = wincache_ucache_meminfo();
var_dump($m3['memory_free'] - $m2['memory_free'] >= 1024 * 1024);
?>
--EXPECT--
array(5) {
  [0]=>
  string(12) "memory_total"
  [1]=>
  string(11) "memory_free"
  [2]=>
  string(13) "num_used_blks"
  [3]=>
  string(13) "num_free_blks"
  [4]=>
  string(15) "memory_overhead"
}
memory_total integer
memory_free integer
num_used_blks integer
num_free_blks integer
memory_overhead integer
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
