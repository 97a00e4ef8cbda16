--TEST--
wincache_fcache_fileinfo / wincache_fcache_meminfo: WinCache's keys in its order, 1-based entries, int and bool types; a first load is a miss, later uses are hits
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
include __DIR__ . '/fcache.inc';
$d = wc_dir('fcshape');
wc_write("$d/a.php", "<?php return 'a';\n");
wc_write("$d/b.php", "<?php return 'bb';\n");
for ($i = 0; $i < 3; $i++) include "$d/a.php";
include "$d/b.php";

function shape(array $a): string {
    $s = [];
    foreach ($a as $k => $v) $s[] = "$k:" . gettype($v);
    return implode(' ', $s);
}
$info = wincache_fcache_fileinfo();
echo shape($info), "\n";
// Every file included so far is listed (this test's two and fcache.inc).
var_dump($info['is_local_cache'], $info['total_file_count'] === count($info['file_entries']),
         array_keys($info['file_entries']) === range(1, count($info['file_entries'])));
$by = [];
foreach ($info['file_entries'] as $e) if (dirname($e['file_name']) === realpath($d)) $by[$e['file_name']] = $e;
ksort($by);
foreach ($by as $name => $e) {
    echo shape($e), "\n";
    echo basename($name), " size ", $e['file_size'], " hits ", $e['hit_count'],
         " canonical ", $name === realpath($name) ? "yes" : "no", "\n";
}
echo "misses >= 2: ", $info['total_miss_count'] >= 2 ? "yes" : "no", "\n";
echo "hits >= 2: ", $info['total_hit_count'] >= 2 ? "yes" : "no", "\n";
$sum = wincache_fcache_fileinfo(true);
echo shape($sum), "\n";
var_dump($sum['file_entries'], $sum['total_file_count'] === $info['total_file_count']);
echo shape(wincache_fcache_meminfo()), "\n";
$m = wincache_fcache_meminfo();
echo "total 24 MB: ", $m['memory_total'] > 20 << 20 && $m['memory_total'] <= 24 << 20 ? "yes" : "no", "\n";
echo "free < total: ", $m['memory_free'] < $m['memory_total'] ? "yes" : "no", "\n";
?>
--EXPECT--
total_cache_uptime:integer is_local_cache:boolean total_file_count:integer total_hit_count:integer total_miss_count:integer file_entries:array
bool(false)
bool(true)
bool(true)
file_name:string add_time:integer use_time:integer last_check:integer file_size:integer hit_count:integer
a.php size 18 hits 2 canonical yes
file_name:string add_time:integer use_time:integer last_check:integer file_size:integer hit_count:integer
b.php size 19 hits 0 canonical yes
misses >= 2: yes
hits >= 2: yes
total_cache_uptime:integer is_local_cache:boolean total_file_count:integer total_hit_count:integer total_miss_count:integer file_entries:array
array(0) {
}
bool(true)
memory_total:integer memory_free:integer num_used_blks:integer num_free_blks:integer memory_overhead:integer
total 24 MB: yes
free < total: yes
