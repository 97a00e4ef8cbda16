--TEST--
wincache_ucache: a full cache evicts old entries instead of failing (ucachesize=5)
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
wincache.ucachesize=5
--FILE--
<?php
wincache_ucache_clear();
$chunk = str_repeat('e', 100 * 1024);
$n = 200;                               // 20 MB through a 5 MB cache
$fails = 0;
for ($i = 0; $i < $n; $i++) {
    if (wincache_ucache_set("k$i", $i . $chunk) !== true) { $fails++; }
}
var_dump($fails);
// the newest entries are present and intact
$ok = true;
for ($i = $n - 10; $i < $n; $i++) {
    $ok = $ok && wincache_ucache_get("k$i") === $i . $chunk;
}
var_dump($ok);
// the oldest were evicted
var_dump(wincache_ucache_exists('k0'), wincache_ucache_exists('k1'), wincache_ucache_exists('k10'));
$info = wincache_ucache_info(true);
$evicted = wincache_extra_info()['ucache']['evictions'];   // our figure, beside WinCache's info
var_dump($evicted > 0);
var_dump($info['total_item_count'] < $n, $info['total_item_count'] >= 10);
var_dump($info['total_item_count'] + $evicted === $n);
// a value larger than the whole cache cannot be stored
var_dump(@wincache_ucache_set('huge', str_repeat('h', 6 * 1024 * 1024)));
var_dump(wincache_ucache_exists('huge'));
// and the cache still works afterwards
var_dump(wincache_ucache_set('after', 'fine'), wincache_ucache_get('after'));
var_dump(wincache_ucache_get('k' . ($n - 1)) === ($n - 1) . $chunk);
?>
--EXPECT--
int(0)
bool(true)
bool(false)
bool(false)
bool(false)
bool(true)
bool(true)
bool(true)
bool(true)
bool(false)
bool(false)
bool(true)
string(4) "fine"
bool(true)
