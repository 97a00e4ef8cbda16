--TEST--
wincache_ucache: eviction prefers expired entries, then the least often used outside the recency window (the most recently used stays)
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
wincache.ucachesize=5
--FILE--
<?php
wincache_ucache_clear();
$chunk = str_repeat('l', 100 * 1024);
wincache_ucache_set('hot', 'hot' . $chunk);
wincache_ucache_set('expiring', 'exp' . $chunk, 1);
wincache_ucache_set('cold', 'cold' . $chunk);
usleep(2100000);  // past 2 s (the cache clock is the coarse tick)
for ($i = 0; $i < 200; $i++) {
    wincache_ucache_get('hot');                 // keep 'hot' recently used
    wincache_ucache_set("f$i", $chunk);
}
var_dump(wincache_ucache_get('hot') === 'hot' . $chunk);
var_dump(wincache_ucache_exists('cold'), wincache_ucache_exists('expiring'));
var_dump(wincache_ucache_exists('f199'), wincache_ucache_exists('f0'));
?>
--EXPECT--
bool(true)
bool(false)
bool(false)
bool(true)
bool(false)
