--TEST--
file cache, notifications: wincache_refresh_if_changed() with notifications on forces a re-check: the epoch moves, the next include of a trusted file is stat'ed (not trusted), and the watcher re-marks its directories so that the file is trusted again afterwards
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; if (PHP_OS_FAMILY !== 'Linux') die('skip inotify'); ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
include __DIR__ . '/fcache.inc';
$d = wc_dir('fcnrefresh');
wc_write("$d/a.php", "<?php return 'v1';\n", time() - 100);
include "$d/a.php";
var_dump(wc_watching());
include "$d/a.php";
$e = wc_fc()['epoch'];
$b = wc_fc();
include "$d/a.php";
echo "trusted before: ", wc_fc()['served_trusted_here'] - $b['served_trusted_here'], "\n";
var_dump(wincache_refresh_if_changed());
echo "epoch moved: ", var_export(wc_fc()['epoch'] > $e, true), "\n";
$b = wc_fc();
include "$d/a.php";
$a = wc_fc();
echo "after the refresh: trusted ", $a['served_trusted_here'] - $b['served_trusted_here'],
     ", stat'ed ", $a['served_after_stat_here'] - $b['served_after_stat_here'], "\n";
var_dump(wc_watching());
include "$d/a.php";
$b = wc_fc();
include "$d/a.php";
echo "trusted again: ", wc_fc()['served_trusted_here'] - $b['served_trusted_here'], "\n";
?>
--EXPECT--
bool(true)
trusted before: 1
bool(true)
epoch moved: true
after the refresh: trusted 0, stat'ed 1
bool(true)
trusted again: 1
