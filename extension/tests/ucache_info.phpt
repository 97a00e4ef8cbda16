--TEST--
wincache_ucache_info: array shape, entry fields and value_type strings
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
require __DIR__ . '/fresh.inc';
$values = ['n' => null, 'b' => true, 'bf' => false, 'l' => 1, 'd' => 1.5, 's' => 'str',
           'a' => [1], 'o' => new stdClass];
// Right after the sets every age is 0: true while less than 1 s passes, so the sets and the
// info are timed and redone if they took 0.95 s or more (fresh.inc).
[$info, $within] = fresh(function () use ($values) {
    wincache_ucache_clear();
    foreach ($values as $k => $v) { wincache_ucache_set($k, $v, $k === 's' ? 300 : 0); }
    return wincache_ucache_info();
}, 0.95);
if (!$within) foreach ($info['ucache_entries'] as &$e) $e['age_seconds'] = 0;   // not checked: stalled 5 times
unset($e);
$wc = ['total_cache_uptime', 'is_local_cache', 'total_item_count', 'total_hit_count', 'total_miss_count', 'ucache_entries'];
// exactly WinCache's keys, in WinCache's order, and nothing else
var_dump(array_keys($info) === $wc);
var_dump(is_int($info['total_cache_uptime']), $info['total_cache_uptime'] >= 0);
var_dump($info['is_local_cache'], $info['total_item_count']);
var_dump(is_int($info['total_hit_count']), is_int($info['total_miss_count']));
var_dump(array_keys($info['ucache_entries']) === range(1, 8));
$byname = [];
foreach ($info['ucache_entries'] as $e) {
    $byname[$e['key_name']] = $e;
}
ksort($byname);
foreach ($byname as $k => $e) {
    echo $k, ' ', $e['value_type'], ' ', $e['ttl_seconds'], ' ', $e['age_seconds'], ' ', $e['hitcount'],
         ' ', var_export(is_int($e['value_size']) && $e['value_size'] >= 0, true), "\n";
}
var_dump(array_keys($info['ucache_entries'][1]));
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
bool(false)
int(8)
bool(true)
bool(true)
bool(true)
a array 0 0 0 true
b bool 0 0 0 true
bf bool 0 0 0 true
d double 0 0 0 true
l long 0 0 0 true
n null 0 0 0 true
o object 0 0 0 true
s string 300 0 0 true
array(6) {
  [0]=>
  string(8) "key_name"
  [1]=>
  string(10) "value_type"
  [2]=>
  string(10) "value_size"
  [3]=>
  string(11) "ttl_seconds"
  [4]=>
  string(11) "age_seconds"
  [5]=>
  string(8) "hitcount"
}
