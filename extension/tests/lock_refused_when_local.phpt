--TEST--
Defect 2: a process that cannot use its group's shared segments refuses named locks (never a private lock table), and its local cache is not committed up front
--SKIPIF--
<?php include __DIR__ . '/skipif.inc';
if (!is_readable('/proc/self/maps')) die('skip Linux /proc needed'); ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
preg_match('~\s(/\S*wincache\S*\.so)$~m', file_get_contents('/proc/self/maps'), $m);
function child($code) {
    global $m;
    $cmd = escapeshellarg(PHP_BINARY) . " -n -d extension=" . escapeshellarg($m[1]) .
           " -d wincache.enablecli=1 -d wincache.apppoolid=phpt_lock_refused -d wincache.ucachesize=512 -r " .
           escapeshellarg($code) . " 2>&1";
    return trim(shell_exec($cmd));
}
// Where and under which name this group lives (the group goes when that process exits).
list($group, $dir) = explode("\n", child('$i = wincache_extra_info(); echo $i["group"], "\n", $i["location"];'));
// Something at the registry's name that is no registry and cannot be replaced (a directory
// that is not empty; a file of another size or owner would be replaced: OBJ-REPLACE): the
// next process cannot join.
@mkdir($dir, 0700);
$reg = "$dir/{$group}_reg";
var_dump(mkdir($reg, 0700), file_put_contents("$reg/x", 'not a registry'));
echo child('
    var_dump(wincache_lock("x"));
    var_dump(wincache_lock("x", true) && wincache_unlock("x"));   // the machine-wide group is another group
    $i = wincache_ucache_info(true);
    var_dump($i["is_local_cache"], wincache_ucache_set("k", 1), wincache_ucache_get("k"));
    $x = wincache_extra_info();
    echo "locks: ", $x["locks"]["scope"], ", ucache: ", $x["ucache"]["scope"], "\n";
    echo "why: ", $x["locks"]["why_unavailable"] !== "" ? "given" : "missing", "\n";
    preg_match("/^VmRSS:\s+(\d+) kB/m", file_get_contents("/proc/self/status"), $r);
    echo "resident under 100 MB with a 512 MB local cache: ", var_export($r[1] < 100 * 1024, true), "\n";
'), "\n";
unlink("$reg/x");
rmdir($reg);
@rmdir($dir);
?>
--EXPECTF--
bool(true)
int(14)
PHP Warning:  wincache: group %s: this process runs on a private user cache: %s(a directory that is not empty sits at the object's name)

Warning: wincache_lock(): the lock 'x' is not taken: this process cannot use its group's shared lock table (%s) in Command line code on line %d
bool(false)
bool(true)
bool(true)
bool(true)
int(1)
locks: unavailable, ucache: local
why: given
resident under 100 MB with a 512 MB local cache: true
