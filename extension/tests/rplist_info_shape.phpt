--TEST--
wincache_rplist_fileinfo / wincache_rplist_meminfo: WinCache's keys in its order, 1-based entries; resolve_path is the name as given, subkey_data "cwd|executing directory"; a miss is listed too
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
include __DIR__ . '/fcache.inc';
$d = wc_dir('rpshape');
wc_write("$d/inc.php", "<?php return 1;\n");
chdir($d);
set_include_path($d);
include_once 'inc.php';
var_dump(@include_once 'does-not-exist.php');

function shape(array $a): string {
    $s = [];
    foreach ($a as $k => $v) $s[] = "$k:" . gettype($v);
    return implode(' ', $s);
}
$info = wincache_rplist_fileinfo();
echo shape($info), "\n";
echo "1-based: ", array_keys($info['rplist_entries'])[0] === 1 ? "yes" : "no", "\n";
echo "count: ", $info['total_file_count'] === count($info['rplist_entries']) ? "matches" : "differs", "\n";
$seen = [];
foreach ($info['rplist_entries'] as $e) {
    $seen[$e['resolve_path']] = $e;
}
foreach (['inc.php', 'does-not-exist.php'] as $n) {
    echo "$n: ", isset($seen[$n]) ? shape($seen[$n]) : "absent", "\n";
    if (isset($seen[$n])) echo "  subkey ", $seen[$n]['subkey_data'] === "$d|" . __DIR__ ? "cwd|dir" : $seen[$n]['subkey_data'], "\n";
}
$sum = wincache_rplist_fileinfo(true);
echo shape($sum), " ", count($sum['rplist_entries']), "\n";
echo shape(wincache_rplist_meminfo()), "\n";
?>
--EXPECT--
bool(false)
total_file_count:integer rplist_entries:array
1-based: yes
count: matches
inc.php: resolve_path:string subkey_data:string
  subkey cwd|dir
does-not-exist.php: resolve_path:string subkey_data:string
  subkey cwd|dir
total_file_count:integer rplist_entries:array 0
memory_total:integer memory_free:integer num_used_blks:integer num_free_blks:integer memory_overhead:integer
