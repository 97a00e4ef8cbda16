--TEST--
file cache, notifications: a rename of an ANCESTOR of a watched directory (which inotify does not report to the directory itself) makes its trusted files re-checked: the old path no longer includes, the new path serves the file (FC-8)
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; if (PHP_OS_FAMILY !== 'Linux') die('skip inotify'); ?>
--INI--
wincache.enablecli=1
realpath_cache_size=0
--FILE--
<?php
include __DIR__ . '/fcache.inc';
$d = wc_dir('fcnanc');
mkdir("$d/app"); mkdir("$d/app/src");
wc_write("$d/app/src/x.php", "<?php return 'x';\n", time() - 100);
register_shutdown_function(function () use ($d) {
    foreach (['app', 'app.old'] as $a) { @unlink("$d/$a/src/x.php"); @rmdir("$d/$a/src"); @rmdir("$d/$a"); }
});
include "$d/app/src/x.php";
var_dump(wc_watching());
include "$d/app/src/x.php";
$b = wc_fc();
echo include "$d/app/src/x.php", "\n";
echo "trusted: ", wc_fc()['served_trusted_here'] - $b['served_trusted_here'], "\n";
$ev = wc_fc()['events_applied'];
$e = wc_fc()['epoch'];
rename("$d/app", "$d/app.old");   // the ancestor of the watched app/src
var_dump(wc_applied_since($ev));
echo "epoch moved: ", var_export(wc_fc()['epoch'] > $e, true), "\n";
var_dump(@include "$d/app/src/x.php");
echo include "$d/app.old/src/x.php", "\n";
?>
--EXPECT--
bool(true)
x
trusted: 1
bool(true)
epoch moved: true
bool(false)
x
