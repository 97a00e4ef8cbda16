--TEST--
the file watcher thread's fault (the sanitized build with WINCACHE_SANITIZE_TWIN=watcher_throw: a std::bad_alloc as the thread applies a batch naming watcher_fault.trigger) stops the watcher, not the process: it says why, gives the lease back, and a file changed afterwards is served as it is now (by polling)
--INI--
wincache.enablecli=1
realpath_cache_size=0
--FILE--
<?php
include getenv('WC_EXT_TESTS') . '/fcache.inc';
$d = wc_dir('fcfault');
$old = time() - 100;
wc_write("$d/a.php", "<?php return 'a-v1';\n", $old);
echo include "$d/a.php", "\n";
var_dump(wc_watching());
wc_write("$d/watcher_fault.trigger", "x", $old);  // the event the fault strikes on
var_dump(wc_until(function () { return str_contains(wc_fc()['watcher_why_not_here'], 'stopped'); }));
echo wc_fc()['watcher_why_not_here'], "\n";
wc_write("$d/a.php", "<?php return 'a-version-2';\n", $old);
var_dump(wc_until(function () use ($d) { clearstatcache(); return (include "$d/a.php") === 'a-version-2'; }));
echo "alive\n";
?>
--EXPECT--
a-v1
bool(true)
bool(true)
the watcher thread stopped: std::bad_alloc
bool(true)
alive
