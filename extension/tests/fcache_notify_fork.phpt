--TEST--
file cache, notifications: a child fork()ed from the watcher's owner (a process of its own group: its parent is its group's anchor, as php-fpm's workers) inherits no watcher thread and exits cleanly (MSHUTDOWN never joins the parent's thread nor releases the parent's lease); the parent stays the owner and keeps applying events
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; if (PHP_OS_FAMILY !== 'Linux') die('skip inotify');
if (!function_exists('pcntl_fork')) die('skip pcntl'); ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
include __DIR__ . '/fcache.inc';
$d = wc_dir('fcnfork');
wc_write("$d/a.php", "<?php return 'v1';\n", time() - 100);
include "$d/a.php";
var_dump(wc_watching());
$me = getmypid();
echo "owner is the parent: ", var_export(wc_fc()['watcher_pid'] === $me && wc_fc()['watcher_here'], true), "\n";
$pid = pcntl_fork();
if ($pid === 0) {
    $f = wc_fc();
    $v = include "$d/a.php";
    $f2 = wc_fc();
    file_put_contents("$d/child.txt", $v);
    exit(0);
}
pcntl_waitpid($pid, $status);
echo "child: ", file_get_contents("$d/child.txt"), "; exit ", pcntl_wexitstatus($status), "\n";
@unlink("$d/child.txt");
echo "owner is still the parent: ", var_export(wc_fc()['watcher_pid'] === $me && wc_fc()['watcher_here'], true), "\n";
$ev = wc_fc()['events_applied'];
wc_write("$d/a.php", "<?php return 'v2';\n", time() - 100);
var_dump(wc_applied_since($ev));
echo include "$d/a.php", "\n";
?>
--EXPECT--
bool(true)
owner is the parent: true
child: v1; exit 0
owner is still the parent: true
bool(true)
v2
