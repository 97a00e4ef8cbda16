--TEST--
TTL as WinCache counted it: visible while floor(elapsed seconds) <= ttl, so ttl=1 lives 2 s
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
// No timing luck: "still there" is asserted only when the clock proves less than 2 s passed, and
// "gone" only once more than 2 s have passed (the cache's coarse clock is at most a few ms off).
wincache_ucache_clear();
$t0 = microtime(true);
wincache_ucache_set('one', 'v', 1);
$set_done = microtime(true);
usleep(1300000);
$there = wincache_ucache_exists('one');
$checked = microtime(true);
echo "at 1.3 s: ", ($checked - $t0 < 1.95) ? var_export($there, true) : "true (not checked: slow machine)", "\n";
while (microtime(true) - $set_done < 2.05) usleep(20000);
var_dump(wincache_ucache_exists('one'), wincache_ucache_get('one'));
?>
--EXPECT--
at 1.3 s: true
bool(false)
bool(false)
