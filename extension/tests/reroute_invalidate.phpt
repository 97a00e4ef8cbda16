--TEST--
reroute: unlink, rename and rmdir invalidate what they touched: with chkinterval=0 (a stored file is trusted until something says otherwise) a file renamed over is seen at once by the rerouted file_get_contents and by include (a regular file renamed over a regular file: the entry forgotten, no epoch move), an unlinked one is gone for both, an rmdir moves the epoch, a failed call changes nothing; a rename made outside PHP (mv) is kept by include but seen at once by the rerouted file_get_contents, which stats and replaces the stored copy
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
wincache.reroute_enabled=1
wincache.fcndetect=0
wincache.chkinterval=0
--FILE--
<?php
include __DIR__ . '/fcache.inc';
include __DIR__ . '/reroute.inc';
$d = wc_dir('rrinval');
$old = time() - 100;  // every version's mtime: only the size, ctime or inode tells them apart
$f = "$d/conf.php";
wc_write($f, "<?php return 'v1';\n", $old);
for ($i = 0; $i < 3; $i++) { $inc = include $f; $fgc = file_get_contents($f); }
echo "v1: include $inc, fgc ", trim($fgc), ", served from the cache: ", wc_served() > 0 && rr('file_get_contents')['hits_here'] > 0 ? 'yes' : 'no', "\n";

// PHP's rename() over it (the deploy pattern), same size and mtime.
file_put_contents("$d/new.tmp", "<?php return 'v2';\n");
touch("$d/new.tmp", $old);
$delta = rr_delta('rename', fn() => rename("$d/new.tmp", $f));
echo "rename: ", implode(' ', $delta), "\n";
echo "v2: include ", include $f, ", fgc ", trim(file_get_contents($f)), "\n";
wc_settle();
for ($i = 0; $i < 3; $i++) file_get_contents($f);
$h = rr('file_get_contents')['hits_here'];
file_get_contents($f);
echo "v2 served again: ", rr('file_get_contents')['hits_here'] === $h + 1 ? 'yes' : 'no', "\n";

// A rename PHP's rename() did not make (a shell's mv): include trusts its stored copy
// (chkinterval=0); the rerouted read stats, sees the change at once and replaces the stored
// copy, which include then gets too.
file_put_contents("$d/ext.tmp", "<?php return 'v3';\n");
touch("$d/ext.tmp", $old);
exec('mv ' . escapeshellarg("$d/ext.tmp") . ' ' . escapeshellarg($f));
wc_settle();
echo "external mv: include ", include $f, ", fgc ", trim(file_get_contents($f)), ", include ", include $f, "\n";

// unlink: gone for both.
$delta = rr_delta('unlink', fn() => unlink($f));
echo "unlink: ", implode(' ', $delta), "\n";
var_dump(@file_get_contents($f), @include $f);

// rmdir: the epoch moves (every entry re-checked once).
mkdir("$d/sub");
$e = wc_fc()['epoch'];
$delta = rr_delta('rmdir', fn() => rmdir("$d/sub"));
echo "rmdir: ", implode(' ', $delta), ", epoch moved: ", wc_fc()['epoch'] !== $e ? 'yes' : 'no', "\n";
// A failed call invalidates nothing.
$delta = rr_delta('unlink', fn() => @unlink("$d/nothing"));
echo "failed unlink: ", implode(' ', $delta), "\n";
--EXPECT--
v1: include v1, fgc <?php return 'v1';, served from the cache: yes
rename: forgotten+1
v2: include v2, fgc <?php return 'v2';
v2 served again: yes
external mv: include v2, fgc <?php return 'v3';, include v3
unlink: forgotten+1
bool(false)
bool(false)
rmdir: refreshes+1, epoch moved: yes
failed unlink: passed+1
