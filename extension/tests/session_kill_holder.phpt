--TEST--
Sessions: a request killed holding its session (kill -9, mid-write or not) blocks the next one only until its next poll; the last committed state wins
--SKIPIF--
<?php include __DIR__ . '/skipif.inc';
if (!function_exists('pcntl_fork') || !function_exists('posix_kill')) die('skip pcntl/posix needed'); ?>
--INI--
wincache.enablecli=1
wincache.apppoolid=phpt_session_kill
session.save_handler=wincache
session.use_cookies=0
session.cache_limiter=
--FILE--
<?php
pcntl_alarm(60);
$parent = getmypid();
$d = sys_get_temp_dir() . '/wcsess_kill_' . getmypid();
@mkdir($d, 0700);
ini_set('session.save_path', $d);
// committed state
$pid = pcntl_fork();
if ($pid === 0) { session_id('kill1'); session_start(); $_SESSION['v'] = 'committed'; session_write_close(); exit(0); }
pcntl_waitpid($pid, $st);
// a holder that changes the session and is killed before writing it
$pid = pcntl_fork();
if ($pid === 0) {
    session_id('kill1'); session_start(); $_SESSION['v'] = 'never written';
    wincache_ucache_set('holding', 1);
    // held until the parent kills it; bounded, so that a parent that died leaves no process behind
    for ($i = 0; $i < 600 && posix_getppid() === $parent; $i++) usleep(100000);
    exit(0);
}
while (!wincache_ucache_get('holding')) usleep(10000);
posix_kill($pid, SIGKILL);
pcntl_waitpid($pid, $st);
// The holder is dead and reaped before this request looks, so its next poll is its first look:
// it takes the lock over there, without waiting at all. That is counted, not timed (a wall-clock
// bound would also count how long a loaded machine keeps this process off the CPU). No request
// of this group waited before (the first holder was done before the second started), so the
// group's lock_waits stays 0. Without the take-over, session_start() would wait out the lock
// wait (30 s here) and fail.
session_id('kill1');
var_dump(session_start(), $_SESSION['v']);
$x = wincache_extra_info()['sessions'];
echo "the dead holder was taken over at the first look, without a wait: ",
     var_export($x['lock_waits'] === 0, true), "\n";
var_dump($x['stale_locks_broken'] >= 1);
session_write_close();
foreach (glob("$d/wincache-*/*") as $f) unlink($f);
foreach (glob("$d/wincache-*") as $f) rmdir($f);
rmdir($d);
?>
--EXPECT--
bool(true)
string(9) "committed"
the dead holder was taken over at the first look, without a wait: true
bool(true)
