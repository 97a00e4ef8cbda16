--TEST--
zero-copy: a second, separately started php-cgi (another address-space layout) reads the values the first wrote, handed out from the read-only segment (cgi-fcgi's default)
--SKIPIF--
<?php if (getenv('SKIP_ASAN')) die('skip starts other php processes, outside the ASan preload'); include __DIR__ . '/skipif.inc'; if (PHP_OS_FAMILY === 'Windows') die('skip POSIX');
if (!is_executable('/usr/bin/php-cgi8.2') && !is_executable('/usr/bin/php-cgi')) die('skip php-cgi not installed'); ?>
--INI--
wincache.enablecli=1
wincache.apppoolid=phpt_zc_two_cgi
--FILE--
<?php
// This process keeps the group (and its segment) alive between the two php-cgi runs.
wincache_ucache_clear();
preg_match('~\s(/\S*wincache\S*\.so)$~m', file_get_contents('/proc/self/maps'), $m);
$cgi = is_executable('/usr/bin/php-cgi8.2') ? '/usr/bin/php-cgi8.2' : '/usr/bin/php-cgi';
$script = sys_get_temp_dir() . '/zc_two_cgi_' . getmypid() . '.php';
file_put_contents($script, '<?php
$make = fn() => ["rows" => array_map(fn($i) => ["id" => $i, "name" => "n$i", "tags" => ["t$i"]], range(1, 300)), "s" => "ünïcode", "e" => [], "n" => [[]]];
if ($_GET["w"] ?? false) {
    echo wincache_ucache_set("shared", $make()) ? "stored" : "not stored", " ", wincache_ucache_set("str", str_repeat("z", 100000)) ? "stored" : "not stored", "\n";
} else {
    $v = wincache_ucache_get("shared");
    $s = wincache_ucache_get("str");
    $x = wincache_extra_info()["ucache"];
    $same = $v === $make() && $s === str_repeat("z", 100000);
    $v["rows"][0]["name"] = "written";   // a copy on write, in this process
    $s .= "more";
    echo "same: ", var_export($same, true), ", handed out: ", var_export($x["zero_copy"] && $x["zero_copy_gets"] == 2, true), ", read-only: ", var_export($x["protect_memory"], true), "\n";
    echo "pid ", getmypid(), " ", $x["scope"], "\n";
}');
$run = function ($query) use ($cgi, $m, $script) {
    $env = ['REDIRECT_STATUS' => '200', 'SCRIPT_FILENAME' => $script, 'REQUEST_METHOD' => 'GET', 'QUERY_STRING' => $query, 'PATH' => getenv('PATH')];
    $cmd = [$cgi, '-n', '-d', "extension=$m[1]", '-d', 'wincache.apppoolid=phpt_zc_two_cgi', '-d', 'wincache.protect_memory=1'];
    $p = proc_open($cmd, [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env);
    fclose($pipes[0]);
    $out = stream_get_contents($pipes[1]);
    $err = stream_get_contents($pipes[2]);
    $rc = proc_close($p);
    $body = substr($out, strpos($out, "\r\n\r\n") + 4);
    return "rc=$rc " . $body . $err;
};
echo $run('w=1');
$r1 = $run('');
$r2 = $run('');
echo preg_replace('/pid \d+ /', '', $r1), preg_replace('/pid \d+ /', '', $r2);
unlink($script);
var_dump(wincache_ucache_get('str') === str_repeat('z', 100000));
?>
--EXPECT--
rc=0 stored stored
rc=0 same: true, handed out: true, read-only: true
global
rc=0 same: true, handed out: true, read-only: true
global
bool(true)
