--TEST--
file cache with OPcache (opcache.enable_cli=1): zend_extension=opcache loaded before or after wincache, or not at all, gives identical output for includes, include_once/require_once through include_path, nested includes and recompiles (opcache_invalidate) served from the cache
--SKIPIF--
<?php include __DIR__ . '/skipif.inc';
include __DIR__ . '/fcache.inc';
if (!wc_so()) die('skip needs /proc/self/maps');
if (!function_exists('proc_open')) die('skip needs proc_open');
if (!is_file(ini_get('extension_dir') . '/opcache.so')) die('skip opcache.so not found'); ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
include __DIR__ . '/fcache.inc';
$d = wc_dir('fcopc');
mkdir("$d/lib");
wc_write("$d/lib/util.php", "<?php function util_twice(\$x) { return 2 * \$x; }\n");
wc_write("$d/lib/conf.php", "<?php return ['name' => 'conf', 'file' => basename(__FILE__), 'dir' => basename(__DIR__)];\n");
wc_write("$d/nested.php", "<?php return 'nested:' . (include __DIR__ . '/lib/conf.php')['name'];\n");
wc_write("$d/main.php", '<?php
set_include_path(__DIR__ . "/lib");
require_once "util.php";
require_once "util.php";
$out = [];
for ($i = 0; $i < 4; $i++) {
    $c = include "conf.php";
    $out[] = $c["file"] . "@" . $c["dir"] . ":" . util_twice($i);
    $out[] = include __DIR__ . "/nested.php";
    if (function_exists("opcache_invalidate")) {  // recompiled next time: opened again
        opcache_invalidate(__DIR__ . "/lib/conf.php", true);
        opcache_invalidate(__DIR__ . "/nested.php", true);
    }
}
var_dump(include_once "conf.php", @include "missing.php");
echo implode("\n", $out), "\n";
$f = wincache_extra_info()["fcache"];
fwrite(STDERR, "served " . ($f["served_trusted_here"] + $f["served_after_stat_here"]) . "\n");
fwrite(STDERR, "opcache " . (function_exists("opcache_get_status") && opcache_get_status(false)["opcache_enabled"] ? "on" : "off") . "\n");
');
$so = wc_so();
$opc = ini_get('extension_dir') . '/opcache.so';
$base = [PHP_BINARY, '-n', '-d', 'wincache.enablecli=1', '-d', 'opcache.enable_cli=1'];
$runs = [
    'opcache first' => array_merge($base, ['-d', "zend_extension=$opc", '-d', "extension=$so"]),
    'wincache first' => array_merge($base, ['-d', "extension=$so", '-d', "zend_extension=$opc"]),
    'no opcache' => array_merge($base, ['-d', "extension=$so"]),
];
$outs = [];
foreach ($runs as $name => $cmd) {
    $p = proc_open(array_merge($cmd, ["$d/main.php"]), [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $io);
    $outs[$name] = stream_get_contents($io[1]);
    $err = stream_get_contents($io[2]);
    proc_close($p);
    echo "$name: served from the cache ", preg_match('/^served ([1-9]\d*)$/m', $err) ? "yes" : "no ($err)",
         ", opcache ", preg_match('/^opcache (on|off)$/m', $err, $m) ? $m[1] : "?", "\n";
}
echo count(array_unique($outs)) === 1 ? "identical output\n" : "outputs differ:\n" . print_r($outs, true);
echo $outs['no opcache'];
?>
--EXPECT--
opcache first: served from the cache yes, opcache on
wincache first: served from the cache yes, opcache on
no opcache: served from the cache yes, opcache off
identical output
bool(true)
bool(false)
conf.php@lib:0
nested:conf
conf.php@lib:2
nested:conf
conf.php@lib:4
nested:conf
conf.php@lib:6
nested:conf
