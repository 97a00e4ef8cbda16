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
    sleep(60);
    exit(0);
}
while (!wincache_ucache_get('holding')) usleep(10000);
posix_kill($pid, SIGKILL);
pcntl_waitpid($pid, $st);
$t = microtime(true);
session_id('kill1');
var_dump(session_start(), $_SESSION['v']);
echo "the dead holder blocked for less than 1 s: ", var_export(microtime(true) - $t < 1.0, true), "\n";
var_dump(wincache_extra_info()['sessions']['stale_locks_broken'] >= 1);
session_write_close();
foreach (glob("$d/wincache-*/*") as $f) unlink($f);
foreach (glob("$d/wincache-*") as $f) rmdir($f);
rmdir($d);
?>
--EXPECT--
bool(true)
string(9) "committed"
the dead holder blocked for less than 1 s: true
bool(true)
