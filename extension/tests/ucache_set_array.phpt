--TEST--
wincache_ucache_set: array form stores each pair and returns the failed keys mapped to -1
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_clear();
$r = wincache_ucache_set(['green' => 5, 'Blue' => '6', 'yellow', 'cyan' => 'eight']);
var_dump($r);
var_dump(wincache_ucache_get('green'), wincache_ucache_get('Blue'), wincache_ucache_get('cyan'));
// the list element 'yellow' has integer key 0: it is stored under key "0"
var_dump(wincache_ucache_get('0'), wincache_ucache_get(0), wincache_ucache_exists('yellow'));
// the second argument is ignored in array form, the third is the ttl
var_dump(wincache_ucache_set(['t1' => 'a', 't2' => 'b'], 'ignored', 50));
$i = wincache_ucache_info(false, 't2');
var_dump($i['ucache_entries'][1]['ttl_seconds'], wincache_ucache_get('t1'));
// existing keys are overwritten
var_dump(wincache_ucache_set(['green' => 9, 10 => 'ten']));
var_dump(wincache_ucache_get('green'), wincache_ucache_get('10'));
// empty array
var_dump(wincache_ucache_set([]));
// failures are reported per key
$fp = fopen('php://memory', 'r');
$r = wincache_ucache_set(['good' => 1, 'bad' => $fp, str_repeat('x', 5000) => 2, 'good2' => [2]]);
var_dump(array_map('strlen', array_keys($r)), array_values($r));
var_dump(wincache_ucache_get('good'), wincache_ucache_get('good2'));
?>
--EXPECT--
array(0) {
}
int(5)
string(1) "6"
string(5) "eight"
string(6) "yellow"
string(6) "yellow"
bool(false)
array(0) {
}
int(50)
string(1) "a"
array(0) {
}
int(9)
string(3) "ten"
array(0) {
}
array(2) {
  [0]=>
  int(3)
  [1]=>
  int(5000)
}
array(2) {
  [0]=>
  int(-1)
  [1]=>
  int(-1)
}
int(1)
array(1) {
  [0]=>
  int(2)
}
