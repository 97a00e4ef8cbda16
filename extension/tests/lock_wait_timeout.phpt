--TEST--
Defect 9: a wait for a lock held by a live (stuck) process ends in false and a warning, bounded by wall-clock time
--SKIPIF--
<?php include __DIR__ . '/skipif.inc';
if (!function_exists('pcntl_fork') || !function_exists('posix_kill')) die('skip pcntl/posix not available'); ?>
--INI--
wincache.enablecli=1
wincache.apppoolid=phpt_lock_wait_timeout
wincache.locktimeout=1
--FILE--
<?php
pcntl_alarm(60);   // a hang ends the test instead of blocking run-tests
// The holder: takes the lock, says so, then sleeps (alive, never releasing) until killed.
$parent = getmypid();
$pid = pcntl_fork();
if ($pid === 0) {
    wincache_lock('stuck');
    wincache_ucache_set('holder_ready', 1);
    for ($i = 0; $i < 60 && posix_getppid() === $parent; $i++) sleep(1);
    exit(0);
}
while (!wincache_ucache_get('holder_ready')) usleep(10000);
// 1. wincache.locktimeout=1: gives up after about a second (sleeping does not count as CPU time,
//    so max_execution_time alone would never end this wait on Linux)
$t = microtime(true);
var_dump(wincache_lock('stuck'));
$waited = microtime(true) - $t;
echo "waited at least 1 s: ", var_export($waited >= 0.95, true), "\n";
// 2. the remaining max_execution_time, counted as wall time, bounds it too
ini_set('wincache.locktimeout', '3600');
set_time_limit(2);   // counts from now
$t = microtime(true);
var_dump(wincache_lock('stuck'));
$waited = microtime(true) - $t;
echo "bounded by max_execution_time: ", var_export($waited >= 1.5 && $waited < 30, true), "\n";
set_time_limit(0);
// 3. once the holder is gone, the lock is taken at once (taken over from the dead holder)
posix_kill($pid, SIGKILL);
pcntl_waitpid($pid, $st);
var_dump(wincache_lock('stuck'), wincache_unlock('stuck'));
?>
--EXPECTF--
Warning: wincache_lock(): gave up waiting for the lock 'stuck' (wincache.locktimeout or max_execution_time reached) in %s on line %d
bool(false)
waited at least 1 s: true

Warning: wincache_lock(): gave up waiting for the lock 'stuck' (wincache.locktimeout or max_execution_time reached) in %s on line %d
bool(false)
bounded by max_execution_time: true
bool(true)
bool(true)
