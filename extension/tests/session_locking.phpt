--TEST--
Sessions: a session is locked from read to write/close; concurrent requests lose no update; a bounded wait fails clearly
--SKIPIF--
<?php include __DIR__ . '/skipif.inc';
if (!is_readable('/proc/self/maps') || !function_exists('proc_open')) die('skip Linux /proc and proc_open needed'); ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
require __DIR__ . '/session.inc';
$d = sess_dir('lock');
// 10 processes of one session at once, each appending its number while holding the session
$procs = [];
for ($i = 0; $i < 10; $i++) {
    $cmd = 'session_id("lock1"); session_start(); $_SESSION["items"][] = ' . $i . '; usleep(30000); session_write_close();';
    $procs[] = popen(escapeshellarg(PHP_BINARY) . ' -n -d extension=' . escapeshellarg(sess_so()) .
        ' -d wincache.enablecli=1 -d session.save_handler=wincache -d session.save_path=' . escapeshellarg($d) .
        ' -d session.use_cookies=0 -d session.cache_limiter= -d wincache.apppoolid=' . basename($d) .
        ' -r ' . escapeshellarg($cmd) . ' 2>&1', 'r');
}
$out = '';
foreach ($procs as $p) { $out .= stream_get_contents($p); pclose($p); }
echo "output of the 10: '", $out, "'\n";
echo sess_php($d, 'session_id("lock1"); session_start(); $x = $_SESSION["items"]; sort($x); echo implode(",", $x), "\n";'), "\n";
// A holder that keeps the session until told (see session.inc); a second request with
// sessionlockwait=1 gives up clearly. The wait is timed inside that request, so the start of a
// process is no part of it: at least the 1 s asked for (the wait ends once the clock passes
// its deadline), and a generous hang bound far below the 30 s it would wait by default.
$told = "$d/release_lock2";
$holder = sess_popen($d, 'session_id("lock2"); session_start(); echo "holding\n"; ' .
                         sess_wait_code($told) . ' $_SESSION["h"] = 1; session_write_close(); echo "released\n";');
echo fgets($holder);
echo preg_replace('~ in (\S+|Command line code) on line \d+~', '', sess_php($d, '
  session_id("lock2"); $t = microtime(true); var_dump(session_start()); $w = microtime(true) - $t;
  echo "gave up after about 1 s: ", var_export($w >= 0.95 && $w < 15, true), "\n";
', ['wincache.sessionlockwait' => 1])), "\n";
sess_tell($told);
echo stream_get_contents($holder);
pclose($holder);
// Once released, the next request gets it at once, with the holder's write
echo sess_php($d, 'session_id("lock2"); session_start(); var_dump($_SESSION["h"]);'), "\n";
// session_write_close(), read_and_close and session_abort() all release early
echo sess_php($d, '
  session_id("lock3"); session_start(); session_write_close();
  session_start(); session_abort();
  session_start(["read_and_close" => true]);
  var_dump(session_start());          // each released the lock: this one gets it at once
  session_write_close();
  $x = wincache_extra_info()["sessions"]; var_dump($x["lock_timeouts_here"]);
', ['wincache.sessionlockwait' => 1]), "\n";
sess_cleanup($d);
?>
--EXPECTF--
output of the 10: ''
0,1,2,3,4,5,6,7,8,9
holding
Warning: session_start(): wincache: gave up waiting for the lock of session lock2 after %d ms (wincache.sessionlockwait, max_execution_time); another request holds it

Warning: session_start(): Failed to read session data: wincache (path: %s)
bool(false)
gave up after about 1 s: true
released
int(1)
bool(true)
int(0)
