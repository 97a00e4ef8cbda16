--TEST--
file cache, notifications: the request thread's pin never meets the watcher thread's write (both use this process's one reader slot, so the core's lock would report misuse): while another process rewrites a file in a watched directory as fast as it can and the watcher applies each event under the file store's write lock, 1.5 s of includes from that directory are all served, with no pin refused
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; if (PHP_OS_FAMILY !== 'Linux') die('skip inotify'); ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
include __DIR__ . '/fcache.inc';
$d = wc_dir('fcpinrace');
wc_write("$d/a.php", "<?php return 'a';\n", time() - 100);
include "$d/a.php";
var_dump(wc_watching());
include "$d/a.php";                       // validated under the watch: trusted from now on
// The writer: PHP without wincache, rewriting w.txt beside a.php for 1.5 s (each write is an
// event the watcher applies under the file store's write lock).
$p = proc_open([PHP_BINARY, '-n', '-r', '$t = microtime(true); $n = 0;
    while (microtime(true) - $t < 1.5) { file_put_contents($argv[1], "x" . $n++); }
    echo $n;', "$d/w.txt"], [1 => ['pipe', 'w']], $pipes);
$ev = wc_fc()['events_applied'];
$pins0 = wc_fc()['pins_refused_here'];
$served0 = wc_served();
$n = 0;
$t = microtime(true);
while (microtime(true) - $t < 1.5) {
    if ((include "$d/a.php") !== 'a') { echo "wrong value\n"; break; }
    $n++;
}
$writes = (int)stream_get_contents($pipes[1]);
proc_close($p);
@unlink("$d/w.txt");
$applied = wc_fc()['events_applied'] - $ev;
echo "writes > 100: ", var_export($writes > 100, true), "\n";
echo "events applied > 100: ", var_export($applied > 100, true), "\n";
echo "pins refused: ", wc_fc()['pins_refused_here'] - $pins0, "\n";
echo "every include served from the cache: ", var_export(wc_served() - $served0 === $n, true), "\n";
?>
--EXPECT--
bool(true)
writes > 100: true
events applied > 100: true
pins refused: 0
every include served from the cache: true
