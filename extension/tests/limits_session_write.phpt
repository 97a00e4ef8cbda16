--TEST--
Resource limits: max_execution_time or E_USER_ERROR inside the session write path (an __serialize() that session_write_close() runs): the stored session is a whole write, and its lock is released by the request
--SKIPIF--
<?php include __DIR__ . '/skipif.inc';
if (!is_readable('/proc/self/maps') || !is_executable('/usr/bin/timeout')) die('skip /proc and timeout(1) needed'); ?>
--INI--
wincache.enablecli=1
wincache.apppoolid=phpt_limits_session_write
wincache.ucachesize=16
--FILE--
<?php
include __DIR__ . '/limits.inc';
$d = sys_get_temp_dir() . '/wclim_swrite_' . getmypid();
@mkdir($d, 0700);
$ini = ['session.save_handler' => 'wincache', 'session.save_path' => $d, 'session.use_cookies' => '0',
        'session.cache_limiter' => '', 'wincache.sessionlockwait' => '20'];
// The first __serialize() of a request stops it (a timeout, or E_USER_ERROR) when LIM_ARMED says
// so; the session module then writes the session again at request end (no time limit there).
$cls = 'class S { public $gen = 0; public static $calls = 0;
    function __serialize(): array { $a = self::$calls++ === 0 ? getenv("LIM_ARMED") : "";
        if ($a === "spin") { while (true) {} } if ($a === "error") trigger_error("boom", E_USER_ERROR);
        return ["gen" => $this->gen]; }
    function __unserialize(array $d): void { $this->gen = $d["gen"]; } }';
$write = $cls . 'session_id("lim2"); session_start(); $g = ($_SESSION["s"] ?? null)?->gen ?? 0;' .
         ' $_SESSION["s"] = new S; $_SESSION["s"]->gen = $g + 1; $_SESSION["pad"] = str_repeat((string)($g + 1), 100000);' .
         ' session_write_close(); echo "not reached when armed\n";';
$check = $cls . 'putenv("LIM_ARMED"); session_id("lim2"); var_dump(session_start()); $g = $_SESSION["s"]->gen;' .
         ' echo "generation $g, whole: ", var_export($_SESSION["pad"] === str_repeat((string)$g, 100000), true),' .
         '"; none broken: ", var_export(wincache_extra_info()["sessions"]["stale_locks_broken"] === 0, true), "\n";' .
         ' session_write_close();';
echo lim_run($write, $ini), "\n";
foreach (['spin' => ['max_execution_time' => '1'], 'error' => []] as $armed => $more) {
    echo "-- $armed\n";
    putenv("LIM_ARMED=$armed");
    $out = lim_clean(lim_run($write, $ini + $more, 40));
    putenv('LIM_ARMED');
    echo preg_match('~Fatal error: [^\n(]*~', $out, $m) ? trim($m[0]) : 'no fatal error', "\n";
    echo lim_run($check, $ini, 40), "\n";
}
foreach (glob("$d/wincache-*/*") as $f) unlink($f);
foreach (glob("$d/wincache-*") as $f) rmdir($f);
rmdir($d);
?>
--EXPECTF--
not reached when armed
-- spin
Fatal error: Maximum execution time of 1 second exceeded
bool(true)
generation %d, whole: true; none broken: true
-- error
Fatal error: boom
bool(true)
generation %d, whole: true; none broken: true
