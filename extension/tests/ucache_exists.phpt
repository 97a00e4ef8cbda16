--TEST--
wincache_ucache_exists: true for stored keys (any value), false otherwise
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_clear();
foreach ([null, false, 0, '', [], 0.0] as $i => $v) {
    wincache_ucache_set("e$i", $v);
    var_dump(wincache_ucache_exists("e$i"));
}
var_dump(wincache_ucache_exists('nope'));
var_dump(wincache_ucache_exists(''));
wincache_ucache_set('123', 1);
var_dump(wincache_ucache_exists(123));
// exists does not count as a hit or a miss
$before = wincache_ucache_info(true);
wincache_ucache_exists('e0');
wincache_ucache_exists('nope');
$after = wincache_ucache_info(true);
var_dump($after['total_hit_count'] - $before['total_hit_count'], $after['total_miss_count'] - $before['total_miss_count']);
try {
    wincache_ucache_exists(['a']);
} catch (TypeError $e) {
    echo get_class($e), "\n";
}
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(false)
bool(false)
bool(true)
int(0)
int(0)
TypeError
