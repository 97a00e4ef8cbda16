<?php
// bench/php/evict_pause.php: the eviction pauses of a full user cache (docs/benchmarks.md
// "Eviction pauses", docs/extension.md "Memory full"). One CLI process stores N keys "k<i>" that
// are never read, so every sketch estimate is 0 and every rank ties; each store that has to make
// room ranks every entry under the write lock. Prints the stores that took over 1 ms (each one a
// batch): their count, median and maximum.
//
//   php -n -d extension=build/extension/wincache.so -d wincache.enablecli=1 \
//       -d wincache.ucachesize=MB bench/php/evict_pause.php N [VALUE_BYTES]
//   (docs: N = MB x 14,000 with small ints, VALUE_BYTES absent; N = MB x 3,000 with 1000)
$n = (int)($argv[1] ?? 0);
$bytes = isset($argv[2]) ? (int)$argv[2] : 0;
if ($n <= 0) { fwrite(STDERR, "usage: evict_pause.php N [VALUE_BYTES]\n"); exit(2); }
$value = $bytes > 0 ? str_repeat('x', $bytes) : null;
$slow = [];
for ($i = 0; $i < $n; $i++) {
  $t = hrtime(true);
  wincache_ucache_set("k$i", $value ?? $i);
  $d = hrtime(true) - $t;
  if ($d > 1000000) $slow[] = $d / 1e6;
}
$x = wincache_extra_info()['ucache'];
sort($slow);
printf("items %d evictions %d sets over 1 ms: %d, median %.1f ms, max %.1f ms\n",
       wincache_ucache_info(true)['total_item_count'], $x['evictions'], count($slow),
       $slow ? $slow[intdiv(count($slow), 2)] : 0, $slow ? end($slow) : 0);
