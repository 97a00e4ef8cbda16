--TEST--
wincache_ucache_set: overwriting replaces value, type and ttl (the ttl restarts)
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_clear();
wincache_ucache_set('k', 'string', 1);
var_dump(wincache_ucache_set('k', [1, 2, 3], 0));
usleep(2100000);  // past 2 s (the cache clock is the coarse tick)
var_dump(wincache_ucache_get('k'));
$i = wincache_ucache_info(false, 'k')['ucache_entries'][1];
var_dump($i['value_type'], $i['ttl_seconds']);
wincache_ucache_set('k', 5, 1);
$i = wincache_ucache_info(false, 'k')['ucache_entries'][1];
var_dump($i['value_type'], $i['ttl_seconds'], $i['age_seconds']);
usleep(2100000);  // past 2 s (the cache clock is the coarse tick)
var_dump(wincache_ucache_exists('k'));
?>
--EXPECT--
bool(true)
array(3) {
  [0]=>
  int(1)
  [1]=>
  int(2)
  [2]=>
  int(3)
}
string(5) "array"
int(0)
string(4) "long"
int(1)
int(0)
bool(false)
