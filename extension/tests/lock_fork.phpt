--TEST--
wincache_lock: mutual exclusion between forked processes (read-modify-write stays exact)
--SKIPIF--
<?php include __DIR__ . '/skipif.inc';
if (!function_exists('pcntl_fork')) die('skip pcntl not available'); ?>
--INI--
wincache.enablecli=1
wincache.apppoolid=phpt_lock_fork
--FILE--
<?php
// apppoolid puts the script and its forked children in one group (see ucache_fork_shared.phpt)
wincache_ucache_clear();
wincache_ucache_set('total', 0);
wincache_ucache_set('log', []);
function work($who, $n) {
    for ($i = 0; $i < $n; $i++) {
        if (!wincache_lock('rmw')) { echo "lock failed\n"; exit(1); }
        $v = wincache_ucache_get('total');
        if ($i % 50 === 0) usleep(100);     // widen the race window
        wincache_ucache_set('total', $v + 1);
        wincache_unlock('rmw');
    }
}
$kids = [];
for ($c = 0; $c < 3; $c++) {
    $pid = pcntl_fork();
    if ($pid === 0) { work("child$c", 300); exit(0); }
    $kids[] = $pid;
}
work('parent', 300);
foreach ($kids as $pid) { pcntl_waitpid($pid, $st); var_dump(pcntl_wexitstatus($st)); }
var_dump(wincache_ucache_get('total'));
// the lock is free again
var_dump(wincache_lock('rmw'), wincache_unlock('rmw'));
?>
--EXPECT--
int(0)
int(0)
int(0)
int(1200)
bool(true)
bool(true)
