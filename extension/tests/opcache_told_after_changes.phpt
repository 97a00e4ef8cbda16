--TEST--
OPcache told (issue 19): under the built-in server (OPcache loaded before or after wincache) (one process, many requests), a file rewritten in place and a directory symlink swapped are served fresh at the next request with opcache.validate_timestamps=0, with JIT on, with validate_timestamps=1 and a long revalidate_freq, with OPcache off and without OPcache; with opcache.restrict_api not covering the scripts nothing is called (no warning) and, as with wincache.opcache_invalidate=0, OPcache serves the old code (the control)
--SKIPIF--
<?php include __DIR__ . '/skipif.inc';
include __DIR__ . '/fcache.inc';
if (PHP_OS_FAMILY !== 'Linux') die('skip inotify');
if (!wc_so()) die('skip needs /proc/self/maps');
if (!function_exists('proc_open')) die('skip needs proc_open');
include __DIR__ . '/opcache.inc';
if (!opc_so()) die('skip opcache.so not found'); ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
include __DIR__ . '/opcache.inc';
$opc = ['opcache.enable' => 1, 'opcache.file_update_protection' => 0, 'opcache.revalidate_path' => 0];
$variants = [
    'validate_timestamps=0' => ['before', $opc + ['opcache.validate_timestamps' => 0]],
    'validate_timestamps=0, OPcache loaded after wincache' => ['after', $opc + ['opcache.validate_timestamps' => 0]],
    'validate_timestamps=0, JIT' => ['before', $opc + ['opcache.validate_timestamps' => 0,
        'opcache.jit' => 'tracing', 'opcache.jit_buffer_size' => '16M']],
    'validate_timestamps=1, revalidate_freq=600' => ['before', $opc + ['opcache.validate_timestamps' => 1,
        'opcache.revalidate_freq' => 600]],
    'control: wincache.opcache_invalidate=0' => ['before', $opc + ['opcache.validate_timestamps' => 0,
        'wincache.opcache_invalidate' => 0]],
    'opcache.restrict_api elsewhere' => ['before', $opc + ['opcache.validate_timestamps' => 0,
        'opcache.restrict_api' => '/nonexistent/']],
    'opcache.enable=0' => ['before', ['opcache.enable' => 0]],
    'no OPcache' => ['', []],
];
foreach ($variants as $name => [$load, $ini]) {
    $d = opc_root('opctold', [
        'main.php' => "<?php echo include __DIR__ . '/app/x.php';",
        'app/x.php' => "<?php return 'v1';",
        'main2.php' => "<?php echo include __DIR__ . '/cur/y.php';",
        'r1/y.php' => "<?php return 'r1';",
        'r2/y.php' => "<?php return 'r2';",
    ]);
    symlink("$d/r1", "$d/cur");
    $srv = opc_server($d, $ini + ['realpath_cache_ttl' => 120], $load);
    $warm = opc_get($srv, 'main.php') . opc_get($srv, 'main.php') . opc_get($srv, 'main2.php') . opc_get($srv, 'main2.php');
    $watching = opc_watching($srv);
    // a rewrite in place, same size
    $head = opc_info($srv)['opcache']['log_head'];
    file_put_contents("$d/app/x.php", "<?php return 'v2';");
    $logged = wc_until(fn() => opc_info($srv)['opcache']['log_head'] > $head);
    $after_rewrite = opc_get($srv, 'main.php');
    // the release symlink swapped (ln -s + rename, atomic)
    $gen = opc_info($srv)['fcache']['resolve_gen'];
    symlink("$d/r2", "$d/cur.new");
    rename("$d/cur.new", "$d/cur");
    $moved = wc_until(fn() => opc_info($srv)['fcache']['resolve_gen'] > $gen);
    $after_swap = opc_get($srv, 'main2.php');
    $o = opc_info($srv)['opcache'];
    opc_stop($srv);
    printf("%s: warm %s, watching %s, logged %s, moved %s; after the rewrite %s, after the swap %s; OPcache %s, told %s, invalidated %s, reset %s, restricted %s\n",
        $name, $warm, var_export($watching, true), var_export($logged, true), var_export($moved, true),
        $after_rewrite, $after_swap, $o['opcache'], var_export($o['told'], true),
        $o['invalidated_here'] > 0 ? 'yes' : 'no', $o['resets_here'] > 0 ? 'yes' : 'no', $o['restricted_here'] > 0 ? 'yes' : 'no');
}
?>
--EXPECT--
validate_timestamps=0: warm v1v1r1r1, watching true, logged true, moved true; after the rewrite v2, after the swap r2; OPcache on, told true, invalidated yes, reset yes, restricted no
validate_timestamps=0, OPcache loaded after wincache: warm v1v1r1r1, watching true, logged true, moved true; after the rewrite v2, after the swap r2; OPcache on, told true, invalidated yes, reset yes, restricted no
validate_timestamps=0, JIT: warm v1v1r1r1, watching true, logged true, moved true; after the rewrite v2, after the swap r2; OPcache on, told true, invalidated yes, reset yes, restricted no
validate_timestamps=1, revalidate_freq=600: warm v1v1r1r1, watching true, logged true, moved true; after the rewrite v2, after the swap r2; OPcache on, told true, invalidated yes, reset yes, restricted no
control: wincache.opcache_invalidate=0: warm v1v1r1r1, watching true, logged true, moved true; after the rewrite v1, after the swap r1; OPcache on, told false, invalidated no, reset no, restricted no
opcache.restrict_api elsewhere: warm v1v1r1r1, watching true, logged true, moved true; after the rewrite v1, after the swap r1; OPcache on, told true, invalidated no, reset no, restricted yes
opcache.enable=0: warm v1v1r1r1, watching true, logged true, moved true; after the rewrite v2, after the swap r2; OPcache off, told false, invalidated no, reset no, restricted no
no OPcache: warm v1v1r1r1, watching true, logged true, moved true; after the rewrite v2, after the swap r2; OPcache not loaded, told false, invalidated no, reset no, restricted no
