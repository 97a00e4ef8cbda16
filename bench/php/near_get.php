<?php
// bench/php/near_get.php: one variant of the near-cache rows (bench/near.sh), in one process.
//   php near_get.php near|phpredis small|array SECONDS SOCKET PREFIX
// near: wincache_ucache_get of a value the host's near cache holds (wincache.redis with
// ucache=near; the listener trusted first); phpredis: Redis::get + unserialize() of the same
// value. Prints "ops=<per second> checks=<ok>".
[, $variant, $size, $seconds, $sock, $prefix] = $argv;
$value = $size === 'small' ? ['id' => 42, 'name' => 'a small value', 'ok' => true]
                           : range(1, 10000);
$key = "bench_$size";
if ($variant === 'near') {
  wincache_ucache_set($key, $value) or exit("set failed\n");
  $until = microtime(true) + 10;  // the listener: started by the first call, trusted after a canary
  while (!(wincache_extra_info()['redis']['near']['trusted'] ?? false) && microtime(true) < $until) usleep(20000);
  for ($i = 0; $i < 3; $i++) { wincache_ucache_get($key); usleep(300000); }  // past our own invalidation
  $h0 = wincache_extra_info()['redis']['near']['hits'];
  $get = fn() => wincache_ucache_get($key);
} else {
  $r = new Redis();
  $r->connect($sock) or exit("connect failed\n");
  $r->set("$prefix:pr:$key", serialize($value));
  $get = fn() => unserialize($r->get("$prefix:pr:$key"));
}
$ok = $get() == $value;
$n = 0;
$t0 = microtime(true);
$end = $t0 + (float)$seconds;
do {
  for ($i = 0; $i < 100; $i++) $get();
  $n += 100;
} while (($t = microtime(true)) < $end);
$hits = $variant === 'near' ? wincache_extra_info()['redis']['near']['hits'] - $h0 : $n;
printf("ops=%.1f checks=%d local=%d\n", $n / ($t - $t0), $ok, $hits >= $n);
