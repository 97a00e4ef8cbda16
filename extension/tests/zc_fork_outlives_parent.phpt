--TEST--
zero-copy: a pcntl_fork()ed child keeps the values it inherited after its parent's request has ended and the value was deleted (the child's fork hold, ZC-4)
--SKIPIF--
<?php if (getenv('SKIP_ASAN')) die('skip starts other php processes, outside the ASan preload'); include __DIR__ . '/skipif.inc'; if (!function_exists('pcntl_fork')) die('skip pcntl not available'); if (PHP_OS_FAMILY === 'Windows') die('skip POSIX'); ?>
--INI--
wincache.enablecli=1
wincache.ucache_zero_copy=1
wincache.apppoolid=phpt_zc_fork_outlives
--FILE--
<?php
// This process keeps the group alive. P (a php-cli of its own) is handed a value, forks C,
// deletes the value and ends (its request's pin with it). C waits until P is gone, then stores
// values of the same size, whose blocks would reuse the deleted value's bytes were it freed,
// and checks what it inherited. Without the fork hold C's stores free and overwrite them.
wincache_ucache_set('keeper', 1);  // attached: the group's user cache outlives P
preg_match('~\s(/\S*wincache\S*\.so)$~m', file_get_contents('/proc/self/maps'), $m);
$script = sys_get_temp_dir() . '/zc_fork_outlives_' . getmypid() . '.php';
$result = $script . '.out';
@unlink($result);
file_put_contents($script, '<?php
$make = fn($tag) => ["tag" => $tag, "list" => range(1, 2000), "map" => ["a" => str_repeat($tag, 300)]];
wincache_ucache_set("v", $make("p"));
$v = wincache_ucache_get("v");
$parent = getmypid();
$pid = pcntl_fork();
if ($pid !== 0) {
    wincache_ucache_delete("v");  // retired: held by this request pin and the child hold
    exit(0);
}
for ($i = 0; $i < 2000 && file_exists("/proc/$parent"); ++$i) usleep(10000);
$out = "parent gone: " . var_export(!file_exists("/proc/$parent"), true) . "\n";
for ($i = 0; $i < 40; ++$i) {
    wincache_ucache_set("k$i", $make(chr(97 + $i % 26)));
    wincache_ucache_delete("k$i");
}
$out .= "child still reads what it inherited: " . var_export($v === $make("p"), true) . "\n";
$out .= "retired while held: " . var_export(wincache_extra_info()["ucache"]["retired_entries"] >= 1, true) . "\n";
file_put_contents($argv[1] . ".tmp", $out);
rename($argv[1] . ".tmp", $argv[1]);
');
$cmd = [PHP_BINARY, '-n', '-d', "extension=$m[1]", '-d', 'wincache.enablecli=1', '-d', 'wincache.ucache_zero_copy=1',
        '-d', 'wincache.protect_memory=1', '-d', 'wincache.apppoolid=phpt_zc_fork_outlives', $script, $result];
$p = proc_open($cmd, [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
fclose($pipes[0]);
fclose($pipes[1]);  // the child keeps its copies: read nothing from them
fclose($pipes[2]);
echo "P: ", proc_close($p), "\n";
for ($i = 0; $i < 3000 && !file_exists($result); ++$i) usleep(10000);
echo file_exists($result) ? file_get_contents($result) : "no result from the child\n";
@unlink($result);
unlink($script);
?>
--EXPECT--
P: 0
parent gone: true
child still reads what it inherited: true
retired while held: true
