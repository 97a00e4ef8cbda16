--TEST--
TTL as WinCache counted it: visible while floor(elapsed seconds) <= ttl, so ttl=1 lives 2 s
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
require __DIR__ . '/fresh.inc';
// No timing luck. "Still there" is asserted at a moment the clock proves is past 1 s and before
// 2 s since the set: it waits until 1.1 s have passed since the set returned, and the attempt
// (set, wait, check) counts only if it ended before 1.9 s (fresh.inc; each attempt has a key of
// its own). "Gone" only once more than 2 s have passed. The cache's coarse clock is at most a
// few ms off.
wincache_ucache_clear();
$n = 0;
[$r, $within] = fresh(function () use (&$n) {
    $k = 'one' . ++$n;
    wincache_ucache_set($k, 'v', 1);
    $set_done = microtime(true);
    while (microtime(true) - $set_done < 1.1) usleep(20000);
    return [$k, $set_done, wincache_ucache_exists($k)];
}, 1.9);
[$k, $set_done, $there] = $r;
// not checked when every attempt stalled past 1.9 s (5 of them)
echo "past 1 s, before 2 s: ", $within ? var_export($there, true) : "true", "\n";
while (microtime(true) - $set_done < 2.05) usleep(20000);
var_dump(wincache_ucache_exists($k), wincache_ucache_get($k));
?>
--EXPECT--
past 1 s, before 2 s: true
bool(false)
bool(false)
