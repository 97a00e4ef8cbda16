--TEST--
file cache, fcndetect=1 (the default) until the directory watcher lands: polling every second, whatever chkinterval says; a rename over (mtime kept) is served as it was within the second and as it is past it
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
wincache.chkinterval=300
--FILE--
<?php
include __DIR__ . '/fcache.inc';
include __DIR__ . '/fresh.inc';
$d = wc_dir('fcdetect');
$old = time() - 100;
echo wc_fc()['check_interval_ms'], " ms\n";
$attempt = 0;
[$seen, $within] = fresh(function () use ($d, $old, &$attempt, &$t_change) {
    $f = "$d/f" . ++$attempt . ".php";
    wc_write($f, "<?php return 'v1';\n", $old);
    for ($k = 0; $k < 3; $k++) include $f;
    $t_change = microtime(true);
    wc_write($f, "<?php return 'v2';\n", $old);
    return include $f;
}, 0.8);
if (!$within) $seen = 'v1';
echo "within the second: $seen\n";
while (microtime(true) < $t_change + 1.05) usleep(20000);
echo "past it: ", include "$d/f$attempt.php", "\n";
?>
--EXPECT--
1000 ms
within the second: v1
past it: v2
