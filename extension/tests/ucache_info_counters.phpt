--TEST--
wincache_ucache_info: hit/miss counters, per-entry hitcount and age
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_clear();
$b = wincache_ucache_info(true);
wincache_ucache_set('a', 1);
wincache_ucache_set('b', 2);
wincache_ucache_get('a');
wincache_ucache_get('a');
wincache_ucache_get('b');
wincache_ucache_get('missing');
wincache_ucache_get(['a', 'nope1', 'nope2']);
$a = wincache_ucache_info(false);
var_dump($a['total_hit_count'] - $b['total_hit_count']);
var_dump($a['total_miss_count'] - $b['total_miss_count']);
foreach ($a['ucache_entries'] as $e) { $h[$e['key_name']] = $e['hitcount']; }
ksort($h);
var_dump($h);
// overwriting resets the entry's hit count
wincache_ucache_set('a', 3);
var_dump(wincache_ucache_info(false, 'a')['ucache_entries'][1]['hitcount']);
// age grows
usleep(1100000);  // past 1 s (the cache clock is the coarse tick)
var_dump(wincache_ucache_info(false, 'b')['ucache_entries'][1]['age_seconds'] >= 1);
var_dump(wincache_ucache_info(true)['total_cache_uptime'] >= 1);
?>
--EXPECT--
int(4)
int(3)
array(2) {
  ["a"]=>
  int(3)
  ["b"]=>
  int(1)
}
int(0)
bool(true)
bool(true)
