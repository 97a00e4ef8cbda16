--TEST--
wincache_stats_entries / _memory / _locks (ours, for wincache.php): paging, sorting, filtering in the extension; the free-block histogram; lock holders and name hashes; bad input is a warning and false
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_clear();
for ($i = 0; $i < 250; $i++) wincache_ucache_set(sprintf('k%03d', $i), str_repeat('v', $i));
wincache_ucache_set('<script>', 7);
wincache_ucache_get('k010'); wincache_ucache_get('k010');

$all = wincache_stats_entries('user', 0, 1000);
$info = wincache_ucache_info();
echo "listed ", $all['listed'], " matched ", $all['matched'], " items ", $all['total_item_count'], "\n";
// the same rows as wincache_ucache_info, with the same values
$byk = [];
foreach ($info['ucache_entries'] as $e) $byk[$e['key_name']] = $e;
$same = true;
foreach ($all['entries'] as $e) {
    $w = $byk[$e['key_name']] ?? null;
    foreach (['value_type', 'value_size', 'ttl_seconds', 'hitcount'] as $f) $same = $same && $w && $w[$f] === $e[$f];
}
var_dump($same, count($all['entries']) === count($info['ucache_entries']));
var_dump($all['total_hit_count'] === $info['total_hit_count'], $all['total_miss_count'] === $info['total_miss_count']);
// pages in key order, without repeats or gaps
$keys = [];
for ($o = 0; $o < 300; $o += 40) foreach (wincache_stats_entries('user', $o, 40)['entries'] as $e) $keys[] = $e['key_name'];
$sorted = $keys; sort($sorted, SORT_STRING);
var_dump(count($keys), $keys === $sorted, $keys[0]);
// sorting by size (descending), by hits
$p = wincache_stats_entries('user', 0, 3, 'size', true);
echo implode(',', array_column($p['entries'], 'key_name')), "\n";
echo wincache_stats_entries('user', 0, 1, 'hits', true)['entries'][0]['key_name'], "\n";
// filter: case-insensitive substring
$f = wincache_stats_entries('user', 0, 100, 'key', false, 'K24');
echo $f['matched'], ' ', implode(',', array_column($f['entries'], 'key_name')), "\n";
echo wincache_stats_entries('user', 0, 10, 'key', false, 'SCRIPT')['entries'][0]['key_name'], "\n";
// past the end: no rows, the counts still there
$e = wincache_stats_entries('user', 5000, 10);
var_dump($e['entries'], $e['matched']);
// histograms cover every entry
var_dump(array_sum(array_column($all['by_size'], 'count')) === $all['listed'],
         array_sum(array_column($all['by_age'], 'count')) === $all['listed']);

$m = wincache_stats_memory('user');
$mi = wincache_ucache_meminfo();
var_dump($m['memory_total'] === $mi['memory_total'], $m['num_free_blks'] === array_sum(array_column($m['free_blocks_by_size'], 'count')));
var_dump(is_array(wincache_stats_memory('file')), is_array(wincache_stats_memory('resolve')));

var_dump(wincache_lock('stats-lock'));
$l = wincache_stats_locks(['stats-lock', 'other']);
$h = $l['names']['stats-lock'];
$mine = array_values(array_filter($l['held'], fn($r) => $r['name_hash'] === $h));
var_dump(count($mine), $mine[0]['pid'] === getmypid(), $mine[0]['alive'], $mine[0]['this_process'], $l['waiting']);
wincache_unlock('stats-lock');
$l = wincache_stats_locks(['stats-lock']);
var_dump(count(array_filter($l['held'], fn($r) => $r['name_hash'] === $h)));

// bad input
var_dump(wincache_stats_entries('nope'));
var_dump(wincache_stats_entries('user', -1));
var_dump(wincache_stats_entries('user', 0, 10001));
var_dump(wincache_stats_entries('user', 0, 10, 'weight'));
var_dump(wincache_stats_entries('file'));
var_dump(wincache_stats_memory('nope'));
?>
--EXPECTF--
listed 251 matched 251 items 251
bool(true)
bool(true)
bool(true)
bool(true)
int(251)
bool(true)
string(8) "<script>"
k249,k248,k247
k010
10 k240,k241,k242,k243,k244,k245,k246,k247,k248,k249
<script>
array(0) {
}
int(251)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
int(1)
bool(true)
bool(true)
bool(true)
array(0) {
}
int(0)

Warning: wincache_stats_entries(): cache must be "user" or "session" in %s on line %d
bool(false)

Warning: wincache_stats_entries(): offset must be >= 0 and limit 0..10000 in %s on line %d
bool(false)

Warning: wincache_stats_entries(): offset must be >= 0 and limit 0..10000 in %s on line %d
bool(false)

Warning: wincache_stats_entries(): sort must be one of key, type, size, ttl, age, hits, idle in %s on line %d
bool(false)

Warning: wincache_stats_entries(): cache must be "user" or "session" in %s on line %d
bool(false)

Warning: wincache_stats_memory(): cache must be "user", "session", "file" or "resolve" in %s on line %d
bool(false)
