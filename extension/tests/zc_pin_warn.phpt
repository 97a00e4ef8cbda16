--TEST--
zero-copy: a pin held longer than wincache.ucache_pin_warn is reported in the error log, once per process, and never waited on
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; if (PHP_OS_FAMILY === 'Windows') die('skip zero-copy is POSIX-only'); ?>
--INI--
wincache.enablecli=1
wincache.ucache_zero_copy=1
wincache.ucache_pin_warn=1
wincache.apppoolid=phpt_zc_pin_warn
log_errors=1
--FILE--
<?php
$log = sys_get_temp_dir() . '/zc_pin_warn_' . getmypid() . '.log';
@unlink($log);
ini_set('error_log', $log);
wincache_ucache_clear();
wincache_ucache_set('a', range(1, 100));
$v = wincache_ucache_get('a');           // the first zero-copy get of the request pins
$pinned_at = hrtime(true);
$x = wincache_extra_info()['ucache'];
echo "pinned: ", var_export($x['pinned'], true), "\n";
for ($i = 0; $i < 200; $i++) wincache_ucache_get('a');
// (a machine that stalled this process past the limit may rightly have reported already)
$early = is_file($log) && str_contains(file_get_contents($log), 'pinned the user cache');
echo "logged before the limit: ", var_export($early && hrtime(true) - $pinned_at < 1000000000, true), "\n";
usleep(1200000);                         // past wincache.ucache_pin_warn = 1 s
for ($i = 0; $i < 200; $i++) wincache_ucache_get('a');
$text = is_file($log) ? file_get_contents($log) : '';
echo "reported: ", var_export(str_contains($text, 'has pinned the user cache for 1 s (wincache.ucache_pin_warn = 1)'), true), "\n";
usleep(1200000);
for ($i = 0; $i < 200; $i++) wincache_ucache_get('a');
echo "reported once: ", var_export(substr_count(file_get_contents($log), 'pinned the user cache') === 1, true), "\n";
echo "value intact: ", var_export($v === range(1, 100), true), "\n";
@unlink($log);
?>
--EXPECT--
pinned: true
logged before the limit: false
reported: true
reported once: true
value intact: true
