--TEST--
wincache_ucache_info: $summaryonly and the $key filter (missing key gives an empty entry list)
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_clear();
wincache_ucache_set(['green' => 9, 'pink' => 10, 'chartreuse' => '11']);
$s = wincache_ucache_info(true);
var_dump($s['total_item_count'], $s['ucache_entries']);
$one = wincache_ucache_info(false, 'pink');
var_dump($one['total_item_count'], count($one['ucache_entries']));
var_dump($one['ucache_entries'][1]['key_name'], $one['ucache_entries'][1]['value_type']);
// the key filter wins over summaryonly
$one = wincache_ucache_info(true, 'green');
var_dump(count($one['ucache_entries']), $one['ucache_entries'][1]['key_name']);
// a missing key: still an array, with no entries
$none = wincache_ucache_info(false, 'no-such-key');
var_dump(is_array($none), $none['total_item_count'], $none['ucache_entries']);
$all = wincache_ucache_info(false);
$names = array_column($all['ucache_entries'], 'key_name');
sort($names);
var_dump($names);
?>
--EXPECT--
int(3)
array(0) {
}
int(3)
int(1)
string(4) "pink"
string(4) "long"
int(1)
string(5) "green"
bool(true)
int(3)
array(0) {
}
array(3) {
  [0]=>
  string(10) "chartreuse"
  [1]=>
  string(5) "green"
  [2]=>
  string(4) "pink"
}
