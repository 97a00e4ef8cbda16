--TEST--
OPcache told (issue 19): wincache.opcache_invalidate (1; 0 turns it off), wincache_extra_info()['opcache'] with its keys, and what it says with OPcache not loaded, off (opcache.enable_cli=0) and on, in the CLI; no warning in any case
--SKIPIF--
<?php include __DIR__ . '/skipif.inc';
include __DIR__ . '/fcache.inc';
if (!wc_so()) die('skip needs /proc/self/maps');
if (!function_exists('proc_open')) die('skip needs proc_open');
include __DIR__ . '/opcache.inc';
if (!opc_so()) die('skip opcache.so not found'); ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
include __DIR__ . '/opcache.inc';
var_dump(ini_get('wincache.opcache_invalidate'));
echo implode(' ', array_keys(wincache_extra_info()['opcache'])), "\n";
$d = wc_dir('opcset');
wc_write("$d/inc.php", "<?php return 1;\n");
file_put_contents("$d/main.php", '<?php include __DIR__ . "/inc.php"; $o = wincache_extra_info()["opcache"];
echo json_encode([$o["enabled"], $o["opcache"], $o["told"], $o["resets_here"], $o["failed_here"]]), "\n";');
$opc = opc_so();
$runs = ['not loaded' => [], 'setting off' => ['-d', 'wincache.opcache_invalidate=0'],
    'OPcache off in the CLI' => ['-d', "zend_extension=$opc", '-d', 'opcache.enable_cli=0'],
    'OPcache on' => ['-d', "zend_extension=$opc", '-d', 'opcache.enable_cli=1'],
    'OPcache on, setting off' => ['-d', "zend_extension=$opc", '-d', 'opcache.enable_cli=1', '-d', 'wincache.opcache_invalidate=0']];
foreach ($runs as $name => $args) {
    $cmd = array_merge([PHP_BINARY, '-n', '-d', 'extension=' . wc_so(), '-d', 'wincache.enablecli=1',
                        '-d', 'display_errors=1', '-d', 'error_reporting=-1'], $args, ["$d/main.php"]);
    $p = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $io);
    $out = stream_get_contents($io[1]) . stream_get_contents($io[2]);
    proc_close($p);
    echo "$name: ", trim($out), "\n";
}
?>
--EXPECT--
string(1) "1"
enabled opcache told log_head instance_seq instance_gen records_applied_here invalidated_here straddled_here resets_here losses_here restricted_here failed_here realpath_deletes_here realpath_cleans_here records_logged_here
not loaded: [true,"not loaded",false,0,0]
setting off: [false,"not loaded",false,0,0]
OPcache off in the CLI: [true,"off",false,0,0]
OPcache on: [true,"on",true,0,0]
OPcache on, setting off: [false,"on",false,0,0]
