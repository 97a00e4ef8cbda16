--TEST--
reroute: with chkinterval=0, what unlink and rename change beyond one stored file moves the epoch, so includes see it at once: a symlink unlinked (its name no longer resolves), a directory renamed (everything under it), a file renamed to a name that was a miss; a failed call invalidates nothing
--SKIPIF--
<?php include __DIR__ . '/skipif.inc';
if (!function_exists('symlink')) die('skip needs symlink'); ?>
--INI--
wincache.enablecli=1
wincache.reroute_enabled=1
wincache.fcndetect=0
wincache.chkinterval=0
--FILE--
<?php
include __DIR__ . '/fcache.inc';
include __DIR__ . '/reroute.inc';
$d = wc_dir('rrlinks');
mkdir("$d/dir");
wc_write("$d/target.php", "<?php return 'target';\n");
wc_write("$d/dir/x.php", "<?php return 'dir-x';\n");
wc_write("$d/moved.php", "<?php return 'moved';\n");
symlink("$d/target.php", "$d/link.php");
chdir($d);
for ($i = 0; $i < 3; $i++) { include 'link.php'; include 'dir/x.php'; @include 'later.php'; }
echo "stored and served: ", wc_served() > 0 ? 'yes' : 'no', "\n";

echo "unlink symlink: ", implode(' ', rr_delta('unlink', fn() => unlink('link.php'))), "\n";
var_dump(@include 'link.php', include 'target.php');

echo "rename directory: ", implode(' ', rr_delta('rename', fn() => rename('dir', 'dir2'))), "\n";
var_dump(@include 'dir/x.php', include 'dir2/x.php');

echo "rename to a missed name: ", implode(' ', rr_delta('rename', fn() => rename('moved.php', 'later.php'))), "\n";
var_dump(include 'later.php');

echo "failed rename: ", implode(' ', rr_delta('rename', fn() => @rename('nothing.php', 'x.php'))), "\n";
--EXPECT--
stored and served: yes
unlink symlink: refreshes+1
bool(false)
string(6) "target"
rename directory: refreshes+1
bool(false)
string(5) "dir-x"
rename to a missed name: refreshes+1
string(5) "moved"
failed rename: passed+1
