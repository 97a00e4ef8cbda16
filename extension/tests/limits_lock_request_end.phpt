--TEST--
Resource limits: a request that ends by exit(), E_USER_ERROR, max_execution_time or memory_limit while it holds wincache_lock() releases the lock; the next request of the same (live) process and another process get it at once
--SKIPIF--
<?php include __DIR__ . '/skipif.inc';
if (!is_readable('/proc/self/maps') || !function_exists('proc_open') || !function_exists('stream_socket_server')) die('skip /proc, proc_open needed'); ?>
--INI--
wincache.enablecli=1
wincache.apppoolid=phpt_limits_lock_end
wincache.ucachesize=16
wincache.locktimeout=10
--FILE--
<?php
include __DIR__ . '/limits.inc';
// One built-in server process (no workers): it serves the requests one after the other, so the
// next request is served by the very process whose request died holding the lock. A lock it
// kept would be held by a LIVE process: the robust lock frees a dead holder's only.
$dir = sys_get_temp_dir() . '/wclim_lock_' . getmypid();
@mkdir($dir, 0755);
file_put_contents("$dir/hold.php", '<?php
header("X-Pid: " . getmypid());
var_dump(wincache_lock("L"));
flush();
switch ($_GET["how"]) {
    case "exit": exit("exit()\n");
    case "error": trigger_error("boom", E_USER_ERROR);
    case "timeout": set_time_limit(1); while (true) {}
    case "memory": ini_set("memory_limit", "16M"); $a = []; while (true) $a[] = str_repeat("m", 1000);
}');
file_put_contents("$dir/next.php", '<?php echo getmypid(), " ", var_export(wincache_lock("L"), true), " ", var_export(wincache_unlock("L"), true);');
$srv = stream_socket_server('tcp://127.0.0.1:0');
$port = (int)substr(strrchr(stream_socket_get_name($srv, false), ':'), 1);
fclose($srv);
$cmd = [PHP_BINARY, '-n', '-d', 'extension=' . lim_so(), '-d', 'wincache.apppoolid=' . ini_get('wincache.apppoolid'),
        '-d', 'wincache.ucachesize=16', '-d', 'wincache.locktimeout=10', '-d', 'display_errors=1',
        '-d', 'html_errors=0', '-S', "127.0.0.1:$port", '-t', $dir];
$server = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['file', "$dir/server.log", 'w'], 2 => ['file', "$dir/server.log", 'a']], $pipes);
$ctx = stream_context_create(['http' => ['timeout' => 60, 'ignore_errors' => true]]);
for ($i = 0; $i < 200 && @file_get_contents("http://127.0.0.1:$port/next.php", false, $ctx) === false; $i++) usleep(50000);
$first = explode(' ', file_get_contents("http://127.0.0.1:$port/next.php", false, $ctx))[0];
$before = wincache_extra_info()['locks']['taken_over'];
foreach (['exit', 'error', 'timeout', 'memory'] as $how) {
    echo "-- $how\n";
    $out = file_get_contents("http://127.0.0.1:$port/hold.php?how=$how", false, $ctx);
    $out = lim_clean($out);
    echo preg_match('~Fatal error: [^\n(]*~', $out, $m) ? trim($m[0]) : trim($out), "\n";
    // Another process at once (a held lock would refuse it after wincache.locktimeout, 10 s).
    echo "other process: ", lim_run('echo var_export(wincache_lock("L"), true), " ", var_export(wincache_unlock("L"), true);',
                                    ['wincache.locktimeout' => '10'], 40), "\n";
    // The same server process's next request.
    [$pid, $l, $u] = explode(' ', file_get_contents("http://127.0.0.1:$port/next.php", false, $ctx));
    echo "next request, same process: ", var_export($pid === $first, true), " $l $u\n";
}
echo "released, none taken over from a dead holder: ",
     var_export(wincache_extra_info()['locks']['taken_over'] === $before, true), "\n";
proc_terminate($server);
proc_close($server);
echo "the server logged the releases: ", substr_count(file_get_contents("$dir/server.log"), "was not released by the script"), "\n";
foreach (glob("$dir/*") as $f) unlink($f);
rmdir($dir);
?>
--EXPECT--
-- exit
bool(true)
exit()
other process: true true
next request, same process: true true true
-- error
Fatal error: boom
other process: true true
next request, same process: true true true
-- timeout
Fatal error: Maximum execution time of 1 second exceeded
other process: true true
next request, same process: true true true
-- memory
Fatal error: Allowed memory size of 16777216 bytes exhausted
other process: true true
next request, same process: true true true
released, none taken over from a dead holder: true
the server logged the releases: 4
