<?php
// test_deploy.sh's harness, prepended to every request (auto_prepend_file; not part of the app):
//   pid=       the worker
//   t_start=   the request's start (REQUEST_TIME_FLOAT)
//   barrier=   with bar=<dir>&n=<count>: lib.sh's spread barrier, as in demo/api.php (a file named
//              after the pid in /tmp/<dir>, then wait until <count> files are there, 40 s at most)
//   t_check=   after the barrier: the app's files are looked at from here on
//   wincache=, fcache=   the extension is loaded; it has the file cache WITH change notifications
//              (wincache_extra_info()['fcache']['change_detection'] says "notifications"): the
//              1 s freshness this test checks is that mode's promise. A build without the watcher polls
//              and reports fcache=0 here, and its rows are not checked.
//   opcsync=   the extension tells OPcache what changed (issue 19: wincache.opcache_invalidate,
//              wincache_extra_info()['opcache']['enabled']): the rows with OPcache are checked.
// and after the app: opc=<app files OPcache holds>/<app files> (with opc=1 only: it asks OPcache)
// and end=1, only if the app ran to its last line (ver=).
header('Content-Type: text/plain');
function deploy_barrier(string $dir, int $n): int {
    if (!preg_match('~^wcmp_[A-Za-z0-9_.]+/[A-Za-z0-9_]+$~', $dir)) return -1;
    $d = "/tmp/$dir";
    if (is_link(dirname($d)) || is_link($d) || !is_dir($d)) return -1;
    if (@file_put_contents("$d/" . getmypid(), '') === false) return -1;
    $until = microtime(true) + 40;
    do {
        $seen = count(glob("$d/[0-9]*") ?: []);
        if ($seen >= $n) break;
        usleep(2000);
    } while (microtime(true) < $until);
    return $seen;
}
echo 'pid=', getmypid(), "\n";
printf("t_start=%.6f\n", $_SERVER['REQUEST_TIME_FLOAT']);
if (isset($_GET['bar'])) echo 'barrier=', deploy_barrier((string) $_GET['bar'], (int) ($_GET['n'] ?? 1)), "\n";
printf("t_check=%.6f\n", microtime(true));
echo 'wincache=', (int) extension_loaded('wincache'), "\n";
echo 'fcache=', (int) (function_exists('wincache_fcache_fileinfo') &&
    str_starts_with((string) (wincache_extra_info()['fcache']['change_detection'] ?? ''), 'notifications')), "\n";
echo 'opcsync=', (int) (function_exists('wincache_extra_info') &&
    !empty(wincache_extra_info()['opcache']['enabled'])), "\n";
ob_start();
register_shutdown_function(function (): void {
    $body = (string) ob_get_clean();
    echo $body;
    if (!preg_match('/^ver=/m', $body)) return;
    if (!empty($_GET['opc'])) {
        $files = array_values(array_filter(get_included_files(), fn($f) => $f !== __FILE__));
        $cached = 0;
        foreach ($files as $f)
            $cached += function_exists('opcache_is_script_cached') && opcache_is_script_cached($f) ? 1 : 0;
        echo 'opc=', $cached, '/', count($files), "\n";
    }
    echo "end=1\n";
});
