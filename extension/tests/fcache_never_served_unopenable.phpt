--TEST--
file cache: a stored file is never served to a process that could not open it itself: one with an open_basedir that excludes it, or (chmod 000, run as an unprivileged user) one without permission; the entry is trusted (chkinterval=0), so only the per-process verification stands between
--SKIPIF--
<?php include __DIR__ . '/skipif.inc';
include __DIR__ . '/fcache.inc';
if (!wc_so()) die('skip needs /proc/self/maps');
if (!function_exists('proc_open')) die('skip needs proc_open');
if (function_exists('posix_geteuid') && posix_geteuid() === 0 && !function_exists('posix_setuid')) die('skip root without posix_setuid');
if (!function_exists('posix_geteuid') && getmyuid() === 0) die('skip root without posix'); ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
include __DIR__ . '/fcache.inc';
$d = wc_dir('fcnever');
chmod($d, 0777);
// Every child runs as an unprivileged user (nobody when this test runs as root: root reads a
// chmod 000 file), with the same settings: the children of this process share one group.
$prelude = '<?php if (function_exists("posix_geteuid") && posix_geteuid() === 0) {'
         . ' posix_setgid(65534); posix_setuid(65534); } ';
file_put_contents("$d/holder.php", $prelude . '
$f = $argv[1];
file_put_contents($f, "<?php return \"secret\";\n");
$t = microtime(true); while (microtime(true) - $t < 0.06) usleep(10000);  // past the racy window
for ($i = 0; $i < 3; $i++) $r = include $f;
$e = wincache_extra_info()["fcache"];
echo "holder: $r, served from the cache ", $e["served_trusted_here"] > 0 ? "yes" : "no", "\n";
chmod($f, 0);
echo "ready\n";
fgets(STDIN);  // stays in the group until the test is done
');
file_put_contents("$d/reader.php", $prelude . '
$f = $argv[1];
$listed = false;
foreach (wincache_fcache_fileinfo()["file_entries"] as $e) $listed = $listed || $e["file_name"] === $f;
echo "reader: the file is in the cache: ", $listed ? "yes" : "no", "\n";
$r = include $f;
echo "reader: include gave ", var_export($r, true), "\n";
$e = wincache_extra_info()["fcache"];
echo "reader: served from the cache: ", $e["served_trusted_here"] + $e["served_after_stat_here"], "\n";
');
chmod("$d/holder.php", 0644);
chmod("$d/reader.php", 0644);
// Started without a shell (an array command): every child's parent is this process, so they
// share one group. posix (for the change of user) is loaded where PHP builds it shared.
$php = [PHP_BINARY, '-n', '-d', 'extension=' . wc_so(), '-d', 'wincache.enablecli=1',
        '-d', 'wincache.fcndetect=0', '-d', 'wincache.chkinterval=0', '-d', 'display_errors=1',
        '-d', 'error_reporting=-1', '-d', 'html_errors=0'];
if (is_file(ini_get('extension_dir') . '/posix.so')) array_push($php, '-d', 'extension=posix');
$f = "$d/secret.php";
$holder = proc_open(array_merge($php, ["$d/holder.php", $f]),
                    [0 => ['pipe', 'r'], 1 => ['pipe', 'w']], $pipes);
while (($line = fgets($pipes[1])) !== false && trim($line) !== 'ready') echo $line;
function run(array $cmd): string {
    $p = proc_open($cmd, [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['redirect', 1]], $io);
    fclose($io[0]);
    $out = stream_get_contents($io[1]);
    fclose($io[1]);
    proc_close($p);
    return $out;
}
// 1. open_basedir excludes the file: PHP's own open refuses, so the cache never serves it.
echo run(array_merge($php, ['-d', 'open_basedir=/nonexistent', "$d/reader.php", $f]));
// 2. no permission (mode 000): the same.
echo run(array_merge($php, ["$d/reader.php", $f]));
fwrite($pipes[0], "done\n");
fclose($pipes[0]);
fclose($pipes[1]);
proc_close($holder);
?>
--EXPECTF--
holder: secret, served from the cache yes
reader: the file is in the cache: yes

Warning: include(): open_basedir restriction in effect. File(%s/secret.php) is not within the allowed path(s): (/nonexistent) in %s/reader.php on line %d

Warning: include(%s/secret.php): Failed to open stream: Operation not permitted in %s/reader.php on line %d

Warning: include(): Failed opening '%s/secret.php' for inclusion (include_path='%s') in %s/reader.php on line %d
reader: include gave false
reader: served from the cache: 0
reader: the file is in the cache: yes

Warning: include(%s/secret.php): Failed to open stream: Permission denied in %s/reader.php on line %d

Warning: include(): Failed opening '%s/secret.php' for inclusion (include_path='%s') in %s/reader.php on line %d
reader: include gave false
reader: served from the cache: 0
