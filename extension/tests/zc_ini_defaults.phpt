--TEST--
zero-copy: wincache.ucache_zero_copy defaults per SAPI (cli copies; cgi-fcgi hands out); an explicit value wins
--SKIPIF--
<?php if (getenv('SKIP_ASAN')) die('skip starts other php processes, outside the ASan preload'); include __DIR__ . '/skipif.inc'; if (PHP_OS_FAMILY === 'Windows') die('skip POSIX');
if (!is_executable('/usr/bin/php-cgi8.2') && !is_executable('/usr/bin/php-cgi')) die('skip php-cgi not installed'); ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_set('v', [1, 2, 3]);
$v = wincache_ucache_get('v');
$x = wincache_extra_info()['ucache'];
echo "cli: zero_copy=", var_export($x['zero_copy'], true), " copied=", $x['copied_gets'], " pinned=", var_export($x['pinned'], true), "\n";
echo ini_get('wincache.ucache_zero_copy'), "\n";
preg_match('~\s(/\S*wincache\S*\.so)$~m', file_get_contents('/proc/self/maps'), $m);
$cgi = is_executable('/usr/bin/php-cgi8.2') ? '/usr/bin/php-cgi8.2' : '/usr/bin/php-cgi';
$script = sys_get_temp_dir() . '/zc_ini_' . getmypid() . '.php';
file_put_contents($script, '<?php wincache_ucache_set("v", [1, 2]); wincache_ucache_get("v"); $x = wincache_extra_info()["ucache"]; echo php_sapi_name(), ": zero_copy=", var_export($x["zero_copy"], true), " handed out=", $x["zero_copy_gets"], "\n";');
foreach (['', '-d wincache.ucache_zero_copy=0'] as $ini) {
    $env = 'REDIRECT_STATUS=200 SCRIPT_FILENAME=' . escapeshellarg($script) . ' REQUEST_METHOD=GET';
    $out = shell_exec("env -i $env $cgi -n -d extension=" . escapeshellarg($m[1]) . " $ini");
    echo trim(substr($out, strpos($out, "\r\n\r\n") + 4)), ($ini ? " ($ini)" : ''), "\n";
}
unlink($script);
?>
--EXPECT--
cli: zero_copy=false copied=1 pinned=false
auto
cgi-fcgi: zero_copy=true handed out=1
cgi-fcgi: zero_copy=false handed out=0 (-d wincache.ucache_zero_copy=0)
