--TEST--
wincache_lock: a lock left by a process that ended (normally or killed) does not block others
--SKIPIF--
<?php include __DIR__ . '/skipif.inc';
if (!function_exists('pcntl_fork') || !function_exists('posix_kill')) die('skip pcntl/posix not available'); ?>
--INI--
wincache.enablecli=1
wincache.apppoolid=phpt_lock_abandoned
--FILE--
<?php
// apppoolid puts the script and its forked children in one group (see ucache_fork_shared.phpt)
pcntl_alarm(30);   // a hang ends the test instead of blocking run-tests
wincache_ucache_clear();
// 1. the child ends its request normally without unlocking: released at its request end
$pid = pcntl_fork();
if ($pid === 0) {
    wincache_lock('left');
    wincache_ucache_set('child1', 'locked');
    exit(0);
}
pcntl_waitpid($pid, $st);
echo "child1 done\n";
var_dump(wincache_ucache_get('child1'));
var_dump(wincache_lock('left'), wincache_unlock('left'));
// 2. the child is killed while holding the lock
$pid = pcntl_fork();
if ($pid === 0) {
    wincache_lock('killed');
    wincache_ucache_set('child2', 'locked');
    posix_kill(posix_getpid(), SIGKILL);
    exit(1);
}
pcntl_waitpid($pid, $st);
var_dump(pcntl_wifsignaled($st), wincache_ucache_get('child2'));
var_dump(wincache_lock('killed'), wincache_unlock('killed'));
?>
--EXPECTF--
%AWarning: %Swincache_lock: the lock 'left' was not released by the script%A
child1 done
string(6) "locked"
bool(true)
bool(true)
bool(true)
string(6) "locked"
bool(true)
bool(true)
