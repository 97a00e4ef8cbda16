--TEST--
file cache: a file one process loaded is served to a sibling process of its group from shared memory (after the sibling's own first open), without the sibling reading it
--SKIPIF--
<?php include __DIR__ . '/skipif.inc';
include __DIR__ . '/fcache.inc';
if (!wc_so()) die('skip needs /proc/self/maps');
if (!function_exists('proc_open')) die('skip needs proc_open'); ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
include __DIR__ . '/fcache.inc';
$d = wc_dir('fcshared');
wc_write("$d/shared.php", "<?php return 'shared bytes';\n");
file_put_contents("$d/holder.php", '<?php
for ($i = 0; $i < 2; $i++) include $argv[1];
$e = wincache_extra_info()["fcache"];
echo "holder: loaded ", $e["loaded_here"], "\n", "ready\n";
fgets(STDIN);
');
file_put_contents("$d/reader.php", '<?php
$r = [];
for ($i = 0; $i < 3; $i++) $r[] = include $argv[1];
$e = wincache_extra_info()["fcache"];
echo "reader: ", implode(", ", $r), "; loaded ", $e["loaded_here"], ", opened itself ",
     $e["verified_opens_here"], ", served from shared memory ", $e["served_trusted_here"] + $e["served_after_stat_here"], "\n";
');
// No shell between: both children's parent is this process, so they share one group.
$php = [PHP_BINARY, '-n', '-d', 'extension=' . wc_so(), '-d', 'wincache.enablecli=1'];
$holder = proc_open(array_merge($php, ["$d/holder.php", "$d/shared.php"]), [0 => ['pipe', 'r'], 1 => ['pipe', 'w']], $hp);
while (($line = fgets($hp[1])) !== false && trim($line) !== 'ready') echo $line;
$reader = proc_open(array_merge($php, ["$d/reader.php", "$d/shared.php"]), [1 => ['pipe', 'w']], $rp);
echo stream_get_contents($rp[1]);
proc_close($reader);
fwrite($hp[0], "done\n");
fclose($hp[0]);
fclose($hp[1]);
proc_close($holder);
?>
--EXPECT--
holder: loaded 1
reader: shared bytes, shared bytes, shared bytes; loaded 0, opened itself 1, served from shared memory 2
