--TEST--
Defect 2: a group holds far more than 64 processes at once without any falling back (100 here; 1,024 in the posix tests)
--SKIPIF--
<?php include __DIR__ . '/skipif.inc';
if (!function_exists('pcntl_fork')) die('skip pcntl not available'); ?>
--INI--
wincache.enablecli=1
wincache.apppoolid=phpt_many_processes
--FILE--
<?php
pcntl_alarm(120);
$n = 100;
wincache_ucache_clear();
wincache_ucache_set('joined', 0);
wincache_ucache_set('critical', 0);
$pids = [];
for ($i = 0; $i < $n; $i++) {
    $pid = pcntl_fork();
    if ($pid === 0) {
        wincache_ucache_inc('joined');
        // stay until every process is in: they are all members at once (a wait for that, with
        // a hang bound far beyond what forking 100 processes takes on a loaded machine)
        $end = microtime(true) + 90;
        while (wincache_ucache_get('joined') < $n && microtime(true) < $end) usleep(10000);
        $all = wincache_ucache_get('joined') >= $n;
        $local = wincache_ucache_info(true)['is_local_cache'];
        $lock = wincache_lock('shared_lock');
        wincache_ucache_inc('critical');
        wincache_unlock('shared_lock');
        wincache_ucache_set("r$i", ['local' => $local, 'lock' => $lock, 'all' => $all]);
        exit(0);
    }
    $pids[] = $pid;
}
foreach ($pids as $p) pcntl_waitpid($p, $st);
$local = $locked = $all = 0;
for ($i = 0; $i < $n; $i++) {
    $r = wincache_ucache_get("r$i");
    $local += $r['local'] ? 1 : 0;
    $locked += $r['lock'] ? 1 : 0;
    $all += $r['all'] ? 1 : 0;
}
var_dump(wincache_ucache_get('joined'), $local, $locked, wincache_ucache_get('critical'));
echo "processes that saw all $n members at once: $all\n";
?>
--EXPECT--
int(100)
int(0)
int(100)
int(100)
processes that saw all 100 members at once: 100
