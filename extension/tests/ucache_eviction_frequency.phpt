--TEST--
wincache_ucache: a key asked for often survives a one-pass scan that LRU would flush; every successful set reads back at once
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
wincache.ucachesize=5
--FILE--
<?php
wincache_ucache_clear();
$chunk = str_repeat('s', 100 * 1024);
wincache_ucache_set('popular', 'p' . $chunk);
for ($i = 0; $i < 50; $i++) {
    wincache_ucache_get('popular');
}
// 200 new keys of 100 KB, each stored once and never asked for again: four times the cache.
// LRU would evict 'popular' (not used since); the frequency order keeps it.
$readback = true;
for ($i = 0; $i < 200; $i++) {
    $ok = wincache_ucache_set("scan$i", $chunk);
    $readback = $readback && $ok && wincache_ucache_get("scan$i") === $chunk;
}
var_dump($readback);
var_dump(wincache_ucache_get('popular') === 'p' . $chunk);
var_dump(wincache_ucache_exists('scan0'));
$x = wincache_extra_info()['ucache'];
var_dump($x['evictions'] > 100, $x['sketch_bytes'] > 0, $x['eviction_window_permille'] >= 10);
// The window's ghosts: their table, and no store here was of a key evicted before.
var_dump($x['ghost_bytes'] > 0, $x['ghost_misses_young'] + $x['ghost_misses_old']);
?>
--EXPECT--
bool(true)
bool(true)
bool(false)
bool(true)
bool(true)
bool(true)
bool(true)
int(0)
