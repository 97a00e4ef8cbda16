--TEST--
file cache, notifications: a rewrite in place (same size, mtime put back), a rename over (mtime kept), a delete, a new file in a watched directory and a swap of a directory symlink are each served as they are by the first include after the watcher applied the event (a bounded wait on events_applied, never a fixed sleep); until then the trusted entry is what was served
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; if (PHP_OS_FAMILY !== 'Linux') die('skip inotify'); ?>
--INI--
wincache.enablecli=1
; PHP's own realpath cache (120 s) would hide a symlink swap from PHP itself, with or without
; us: making it notice is issue 19's (docs/design/files.md §7). Off here: this tests our caches.
realpath_cache_size=0
--FILE--
<?php
include __DIR__ . '/fcache.inc';
$d = wc_dir('fcnotify');
$old = time() - 100;
foreach (['a', 'b', 'c'] as $n) wc_write("$d/$n.php", "<?php return '$n-v1';\n", $old);
mkdir("$d/r1"); mkdir("$d/r2");
wc_write("$d/r1/x.php", "<?php return 'release-1';\n", $old);
wc_write("$d/r2/x.php", "<?php return 'release-2';\n", $old);
symlink("$d/r1", "$d/current");
register_shutdown_function(function () use ($d) {
    @unlink("$d/current"); foreach (['r1', 'r2'] as $r) { @unlink("$d/$r/x.php"); @rmdir("$d/$r"); }
});
foreach (['a', 'b', 'c'] as $n) include "$d/$n.php";
include "$d/current/x.php";
var_dump(@include "$d/new.php");
var_dump(wc_watching());
// validated once under the watch, then trusted
foreach (['a', 'b', 'c'] as $n) include "$d/$n.php";
include "$d/current/x.php";
$t = wc_fc()['served_trusted_here'];
foreach (['a', 'b', 'c'] as $n) echo include "$d/$n.php", " ";
echo include "$d/current/x.php", "\n";
echo "trusted: ", wc_fc()['served_trusted_here'] - $t, "\n";

$ev = wc_fc()['events_applied'];
wc_rewrite_in_place("$d/a.php", "<?php return 'a-v2';\n", $old);   // same size, mtime back
var_dump(wc_applied_since($ev));
echo include "$d/a.php", "\n";

$ev = wc_fc()['events_applied'];
wc_write("$d/b.php", "<?php return 'b-v2';\n", $old);              // rename over, mtime kept
var_dump(wc_applied_since($ev));
echo include "$d/b.php", "\n";

$ev = wc_fc()['events_applied'];
unlink("$d/c.php");
var_dump(wc_applied_since($ev));
var_dump(@include "$d/c.php");

$ev = wc_fc()['events_applied'];
wc_write("$d/new.php", "<?php return 'new';\n", $old);
var_dump(wc_applied_since($ev));
echo include "$d/new.php", "\n";

$ev = wc_fc()['events_applied'];
symlink("$d/r2", "$d/current.tmp");
rename("$d/current.tmp", "$d/current");                             // ln -sfn, atomically
var_dump(wc_applied_since($ev));
echo include "$d/current/x.php", "\n";
?>
--EXPECT--
bool(false)
bool(true)
a-v1 b-v1 c-v1 release-1
trusted: 4
bool(true)
a-v2
bool(true)
b-v2
bool(true)
bool(false)
bool(true)
new
bool(true)
release-2
