--TEST--
file cache, notifications: once its directory is watched and the file validated once, a warm include is served with no system call (served trusted, never re-stat'ed, never reloaded), 200 times
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; if (PHP_OS_FAMILY !== 'Linux') die('skip inotify'); ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
include __DIR__ . '/fcache.inc';
$d = wc_dir('fcwarm');
wc_write("$d/a.php", "<?php return 'v1';\n", time() - 100);
include "$d/a.php";             // loaded; its directory requested
var_dump(wc_watching());        // the watcher's OS watch is in place
include "$d/a.php";             // one stat: unchanged, validated under the watch
$before = wc_fc();
for ($i = 0; $i < 200; $i++) $v = include "$d/a.php";
$after = wc_fc();
echo $v, "\n";
echo "trusted: ", $after['served_trusted_here'] - $before['served_trusted_here'], "\n";
echo "after a stat: ", $after['served_after_stat_here'] - $before['served_after_stat_here'], "\n";
echo "loaded: ", $after['loaded_here'] - $before['loaded_here'], "\n";
?>
--EXPECT--
bool(true)
v1
trusted: 200
after a stat: 0
loaded: 0
