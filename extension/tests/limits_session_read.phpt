--TEST--
Resource limits: memory_limit, max_execution_time or exit() while session_start() reads a session neither wipes nor destroys it, and leaves its lock free
--SKIPIF--
<?php include __DIR__ . '/skipif.inc';
if (!is_readable('/proc/self/maps') || !is_executable('/usr/bin/timeout')) die('skip /proc and timeout(1) needed'); ?>
--INI--
wincache.enablecli=1
wincache.apppoolid=phpt_limits_session_read
wincache.ucachesize=16
memory_limit=-1
--FILE--
<?php
include __DIR__ . '/limits.inc';
$d = sys_get_temp_dir() . '/wclim_sread_' . getmypid();
@mkdir($d, 0700);
$ini = ['session.save_handler' => 'wincache', 'session.save_path' => $d, 'session.use_cookies' => '0',
        'session.cache_limiter' => '', 'wincache.sessionlockwait' => '20'];
// A session of 4 MB and an object whose __wakeup() spins (max_execution_time) or calls exit()
// when LIM_ARMED says so. Before the fix: a bailout in our read (the 4 MB string past
// memory_limit) left $_SESSION empty and the session module's request shutdown wrote that back;
// a bailout or an out-of-memory error in its decode made it destroy the session.
$cls = 'class W { public $v = "w"; function __wakeup(): void { $a = getenv("LIM_ARMED");
    if ($a === "spin") { while (true) {} } if ($a === "exit") exit(3); } }';
$write = $cls . 'session_id("lim1"); session_start(); $_SESSION["a"] = 1; $_SESSION["w"] = new W;' .
         ' $_SESSION["big"] = str_repeat("b", 4 << 20); $_SESSION["z"] = 2; session_write_close(); echo "written\n";';
$check = $cls . 'putenv("LIM_ARMED"); $t = microtime(true); session_id("lim1"); var_dump(session_start());' .
         ' echo "intact: ", var_export(array_keys($_SESSION) === ["a", "w", "big", "z"] && strlen($_SESSION["big"]) === 4 << 20' .
         ' && $_SESSION["w"] instanceof W, true), "; lock released by that request (none broken): ",' .
         ' var_export(wincache_extra_info()["sessions"]["stale_locks_broken"] === 0, true), "\n";';
echo lim_run($write, $ini), "\n";
$cases = [
    'memory_limit in our read (4 MB string)' => [[], ['memory_limit' => '5M']],
    'memory_limit in the decode' => [[], ['memory_limit' => '8M']],
    'max_execution_time in a __wakeup()' => [['LIM_ARMED' => 'spin'], ['max_execution_time' => '1']],
    'exit() in a __wakeup()' => [['LIM_ARMED' => 'exit'], []],
];
foreach ($cases as $what => [$env, $more]) {
    echo "-- $what\n";
    foreach ($env as $k => $v) putenv("$k=$v");
    $out = lim_clean(lim_run($cls . 'session_id("lim1"); session_start(); echo "decoded: ", count($_SESSION), "\n";',
                             $ini + $more, 40));
    foreach ($env as $k => $v) putenv($k);
    // what the process said, without the warnings' details
    echo preg_match('~Fatal error: [^\n(]*~', $out, $m) ? trim($m[0]) : 'no fatal error', "\n";
    echo lim_run($check, $ini, 40), "\n";
}
foreach (glob("$d/wincache-*/*") as $f) unlink($f);
foreach (glob("$d/wincache-*") as $f) rmdir($f);
rmdir($d);
?>
--EXPECT--
written
-- memory_limit in our read (4 MB string)
Fatal error: Allowed memory size of 5242880 bytes exhausted
bool(true)
intact: true; lock released by that request (none broken): true
-- memory_limit in the decode
Fatal error: Allowed memory size of 8388608 bytes exhausted
bool(true)
intact: true; lock released by that request (none broken): true
-- max_execution_time in a __wakeup()
Fatal error: Maximum execution time of 1 second exceeded
bool(true)
intact: true; lock released by that request (none broken): true
-- exit() in a __wakeup()
no fatal error
bool(true)
intact: true; lock released by that request (none broken): true
