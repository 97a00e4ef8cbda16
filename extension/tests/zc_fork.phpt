--TEST--
zero-copy: a pcntl_fork()ed child reads the values it inherited and gets copies of its own (its own group)
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; if (!function_exists('pcntl_fork')) die('skip pcntl not available'); if (PHP_OS_FAMILY === 'Windows') die('skip POSIX'); ?>
--INI--
wincache.enablecli=1
wincache.ucache_zero_copy=1
wincache.protect_memory=1
--FILE--
<?php
$make = fn() => ['list' => range(1, 1000), 'map' => ['a' => 'x', 'b' => ['c' => 'd']], 's' => str_repeat('q', 5000)];
wincache_ucache_set('v', $make());
$v = wincache_ucache_get('v');
$pid = pcntl_fork();
if ($pid === 0) {
    $ok = $v === $make();                              // inherited: still readable
    $v['list'][] = 1;                                  // and copied on write, in the child
    $copies = wincache_extra_info()['ucache']['copied_gets'];
    $w = wincache_ucache_get('v');                      // the child's own get
    $ok = $ok && ($w === false || $w === $make());      // another group (the parent's pid): a miss
    wincache_ucache_set('child', $make());
    $c = wincache_ucache_get('child');
    $ok = $ok && $c === $make();
    $ok = $ok && wincache_extra_info()['ucache']['copied_gets'] > $copies;  // copied: the request forked
    exit($ok ? 0 : 1);
}
pcntl_waitpid($pid, $status);
echo "child: ", pcntl_wexitstatus($status), "\n";
echo "parent still reads: ", var_export($v === $make(), true), "\n";
?>
--EXPECT--
child: 0
parent still reads: true
