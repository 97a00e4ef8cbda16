--TEST--
Defect 10: out of memory (an address-space limit) is a warning and false, never an abort: at start-up and on a large get
--SKIPIF--
<?php include __DIR__ . '/skipif.inc';
if (getenv('SKIP_ASAN')) die('skip limits the address space: not under ASan (its shadow memory needs terabytes)');
if (!is_readable('/proc/self/maps') || !function_exists('proc_open')) die('skip Linux /proc and proc_open needed'); ?>
--INI--
wincache.enablecli=1
wincache.apppoolid=phpt_address_space
wincache.ucachesize=128
memory_limit=-1
--FILE--
<?php
// The extension under test, as run-tests loaded it.
preg_match('~\s(/\S*wincache\S*\.so)$~m', file_get_contents('/proc/self/maps'), $m);
$so = $m[1];
$php = PHP_BINARY;
function child($limit_kb, $ini, $code) {
    global $php, $so;
    $cmd = ($limit_kb ? "ulimit -v $limit_kb; " : '') . escapeshellarg($php) . " -n -d extension=" .
           escapeshellarg($so) . " -d wincache.enablecli=1 -d memory_limit=-1 $ini -r " .
           escapeshellarg($code) . " 2>&1; echo \"exit=\$?\"";
    return trim(shell_exec($cmd));
}
// The size of a php that has mapped this group's 128 MB cache.
$probe = 'wincache_ucache_exists("x"); preg_match("/^VmSize:\\s+(\\d+)/m", file_get_contents("/proc/self/status"), $m); echo $m[1];';
$vm = (int)child(0, '-d wincache.apppoolid=phpt_address_space -d wincache.ucachesize=128', $probe);
echo "probe ran: ", var_export($vm > 0, true), "\n";

// 1. A large get: a 60 MB value cannot be copied out with only 30 MB of address space to spare.
var_dump(wincache_ucache_set('big', str_repeat('b', 60 << 20)));
$out = child($vm + 30 * 1024, '-d wincache.apppoolid=phpt_address_space -d wincache.ucachesize=128',
             'var_dump(wincache_ucache_get("big", $ok), $ok); var_dump(wincache_ucache_set("after", 1), wincache_ucache_get("after"));');
echo preg_replace('~ in (/\S+|Command line code) on line \d+~', '', $out), "\n";
var_dump(wincache_ucache_get('after'));   // the child's set landed in the shared cache

// 2. Start-up: a 512 MB cache cannot be mapped (nor a local one) within the limit.
$out = child($vm + 30 * 1024, '-d wincache.apppoolid=phpt_address_space_big -d wincache.ucachesize=512',
             'var_dump(wincache_ucache_set("k", 1), wincache_ucache_get("k"), wincache_ucache_info());');
echo preg_replace('~ in (/\S+|Command line code) on line \d+~', '', $out), "\n";
?>
--EXPECTF--
probe ran: true
bool(true)
Warning: wincache_ucache_get(): not enough memory to fetch the value of key 'big' (%d bytes)
bool(false)
bool(false)
bool(true)
int(1)
exit=0
int(1)
PHP Warning:  wincache: group %s: this process runs on a private user cache: %s

Warning: wincache_ucache_set(): the user cache is not available in this process: %s
bool(false)
bool(false)
bool(false)
exit=0
