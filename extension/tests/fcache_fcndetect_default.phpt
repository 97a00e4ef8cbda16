--TEST--
file cache, fcndetect=1 (the default): the first file-cache use of a request takes the group's watcher lease when nobody holds it; change detection then says "notifications", with no check interval, whatever chkinterval says
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; if (PHP_OS_FAMILY !== 'Linux') die('skip inotify'); ?>
--INI--
wincache.enablecli=1
wincache.chkinterval=300
--FILE--
<?php
include __DIR__ . '/fcache.inc';
$d = wc_dir('fcdetect');
wc_write("$d/a.php", "<?php return 'v1';\n", time() - 100);
echo include "$d/a.php", "\n";
var_dump(wc_watching());
$f = wc_fc();
echo $f['change_detection'], ", ", $f['check_interval_ms'], " ms, owner here: ",
     var_export($f['watcher_here'], true), ", owner pid is mine: ",
     var_export($f['watcher_pid'] === getmypid(), true), "\n";
echo "takeovers >= 1: ", var_export($f['takeovers'] >= 1, true), "\n";
?>
--EXPECT--
v1
bool(true)
notifications, 0 ms, owner here: true, owner pid is mine: true
takeovers >= 1: true
