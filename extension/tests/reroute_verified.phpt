--TEST--
reroute: a file another process stored is not served to this one until this process's own read of it succeeded (PHP's read, counted as verified; then hits); a process whose open_basedir excludes it gets PHP's warning and never the stored bytes
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
$d = wc_dir('rrverif');
mkdir("$d/other");
file_put_contents("$d/holder.php", '<?php
$f = $argv[1];
file_put_contents($f, "stored\n");
$t = microtime(true); while (microtime(true) - $t < 0.06) usleep(10000);  // past the racy window
for ($i = 0; $i < 3; $i++) file_get_contents($f);
$r = wincache_extra_info()["reroute"];
echo "holder: loads ", $r["loads_here"], ", hits ", $r["hits_here"], "\n";
echo "ready\n";
fgets(STDIN);  // stays in the group until the test is done
');
file_put_contents("$d/reader.php", '<?php
$f = $argv[1];
for ($i = 0; $i < 3; $i++) $got[] = @file_get_contents($f);
$e = error_get_last();
$r = wincache_extra_info()["reroute"];
echo "reader", ini_get("open_basedir") ? " (open_basedir elsewhere)" : "", ": ", json_encode($got),
     ", loads ", $r["loads_here"], ", verified ", $r["verified_here"], ", hits ", $r["hits_here"],
     $e ? ", last warning: " . str_replace(dirname($f), "D", $e["message"]) : "", "\n";
');
// Children of this process share one group (no shell: an array command).
$php = [PHP_BINARY, '-n', '-d', 'extension=' . wc_so(), '-d', 'wincache.enablecli=1',
        '-d', 'wincache.reroute_enabled=1', '-d', 'display_errors=1'];
$f = "$d/data.txt";
$holder = proc_open(array_merge($php, ["$d/holder.php", $f]), [0 => ['pipe', 'r'], 1 => ['pipe', 'w']], $hp);
while (($line = fgets($hp[1])) !== false && trim($line) !== 'ready') echo $line;
function run(array $cmd): string {
    $p = proc_open($cmd, [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['redirect', 1]], $io);
    fclose($io[0]);
    $out = stream_get_contents($io[1]);
    proc_close($p);
    return $out;
}
echo run(array_merge($php, ['-d', "open_basedir=$d/other:$d/reader.php", "$d/reader.php", $f]));
echo run(array_merge($php, ["$d/reader.php", $f]));
fwrite($hp[0], "done\n");
proc_close($holder);
--EXPECT--
holder: loads 1, hits 2
reader (open_basedir elsewhere): [false,false,false], loads 0, verified 0, hits 0, last warning: file_get_contents(D/data.txt): Failed to open stream: Operation not permitted
reader: ["stored\n","stored\n","stored\n"], loads 0, verified 1, hits 2
