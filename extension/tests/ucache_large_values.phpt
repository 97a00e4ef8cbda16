--TEST--
wincache_ucache: large strings and large arrays in the default 8 MB cache
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
memory_limit=512M
--FILE--
<?php
wincache_ucache_clear();
$s = random_bytes(3 * 1024 * 1024);
var_dump(wincache_ucache_set('s', $s));
var_dump(wincache_ucache_get('s') === $s);
$a = range(1, 100000);
var_dump(wincache_ucache_set('a', $a));
var_dump(wincache_ucache_get('a') === $a);
$h = [];
for ($i = 0; $i < 20000; $i++) { $h["k$i"] = "v$i"; }
var_dump(wincache_ucache_set('h', $h));
var_dump(wincache_ucache_get('h') === $h);
// replacing a big value by a small one frees the space
$before = wincache_ucache_meminfo()['memory_free'];
wincache_ucache_set('s', 'small');
var_dump(wincache_ucache_meminfo()['memory_free'] - $before >= 3 * 1024 * 1024 - 4096);
var_dump(wincache_ucache_info(true)['total_item_count']);
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
int(3)
