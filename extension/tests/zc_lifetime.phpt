--TEST--
zero-copy: a value deleted, replaced, cleared or evicted while the request holds it stays valid to the request's end; its memory is retired and comes back after
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; if (PHP_OS_FAMILY === 'Windows') die('skip POSIX read-only mode'); ?>
--INI--
wincache.enablecli=1
wincache.ucache_zero_copy=1
wincache.protect_memory=1
wincache.ucachesize=5
wincache.apppoolid=phpt_zc_lifetime
--FILE--
<?php
wincache_ucache_clear();
$make = fn($tag) => ['tag' => $tag, 'list' => range(1, 2000), 'strs' => array_map(fn($i) => "$tag-$i", range(1, 500))];
foreach (['del', 'rep', 'clr', 'evi'] as $k) wincache_ucache_set($k, $make($k));
wincache_ucache_set('str', str_repeat('s', 100000));
$held = [];
foreach (['del', 'rep', 'clr', 'evi', 'str'] as $k) $held[$k] = wincache_ucache_get($k);
$x = wincache_extra_info()['ucache'];
echo "pinned: ", var_export($x['pinned'], true), "\n";
wincache_ucache_delete('del');
wincache_ucache_set('rep', 'replaced');
wincache_ucache_delete('str');
// overwrite what was freed, if it had been: many stores of other bytes
for ($i = 0; $i < 50; $i++) wincache_ucache_set("fill$i", str_repeat(chr(65 + $i % 26), 20000));
wincache_ucache_clear();
// evict: 5 MB of new values through the 5 MB cache
for ($i = 0; $i < 60; $i++) wincache_ucache_set("big$i", str_repeat('b', 100000));
foreach (['del', 'rep', 'clr', 'evi'] as $k) echo "$k intact: ", var_export($held[$k] === $make($k), true), "\n";
echo "str intact: ", var_export($held['str'] === str_repeat('s', 100000), true), "\n";
$x = wincache_extra_info()['ucache'];
echo "retired while pinned: ", var_export($x['retired_entries'] >= 5 && $x['retired_bytes'] > 100000, true), "\n";
// The memory comes back once the request that pinned has ended: two requests of one process
// (the built-in server runs every request in the process it started in).
preg_match('~\s(/\S*wincache\S*\.so)$~m', file_get_contents('/proc/self/maps'), $m);
$dir = sys_get_temp_dir() . '/zc_lifetime_' . getmypid();
@mkdir($dir);
file_put_contents("$dir/index.php", '<?php
if ($_GET["step"] === "hold") {
    wincache_ucache_set("k", range(1, 5000));
    $v = wincache_ucache_get("k");
    wincache_ucache_delete("k");
    $x = wincache_extra_info()["ucache"];
    echo $x["pinned"] ? "pinned " : "not pinned ", $x["retired_entries"], " ", count($v), "\n";
} else {
    wincache_ucache_set("other", 1);   // a writer frees what no live reader can hold
    $x = wincache_extra_info()["ucache"];
    echo $x["pinned"] ? "pinned " : "not pinned ", $x["retired_entries"], " ", $x["retired_bytes"], "\n";
}');
$port = 20000 + getmypid() % 20000;
$cmd = [PHP_BINARY, '-n', '-d', "extension=$m[1]", '-d', 'wincache.ucache_zero_copy=1', '-d', 'wincache.protect_memory=1',
        '-d', 'wincache.apppoolid=phpt_zc_lifetime_srv', '-S', "127.0.0.1:$port", '-t', $dir];
$srv = proc_open($cmd, [0 => ['pipe', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes);
$get = function ($step) use ($port) {
    for ($i = 0; $i < 200; $i++) {
        $r = @file_get_contents("http://127.0.0.1:$port/index.php?step=$step");
        if ($r !== false) return $r;
        usleep(50000);
    }
    return "no answer\n";
};
echo "request 1: ", $get('hold');
echo "request 2: ", $get('after');
proc_terminate($srv);
proc_close($srv);
unlink("$dir/index.php");
rmdir($dir);
?>
--EXPECT--
pinned: true
del intact: true
rep intact: true
clr intact: true
evi intact: true
str intact: true
retired while pinned: true
request 1: pinned 1 5000
request 2: not pinned 0 0
