<?php
// bench/php/pressure.php: memory pressure, run once per backend by bench/php/run.php.
//
// A cache-aside loop over a key space twice the size of the cache: each step draws a key from a
// Zipf distribution (s = 1), gets it, and on a miss stores it. The cache is configured by the
// caller to hold about half of the working set (the sum of the value sizes): wincache evicts
// (expired entries, then the least recently used), APCu expunges (with apc.ttl=0, its default,
// it empties the whole cache when a store does not fit).
//
//   php -n -d extension=... pressure.php KEYS WARMUP STEPS
// Prints one JSON object: backend, working-set bytes, hit rate (%) and steps/s of the measured
// steps, and the backend's own count of evictions / expunges.
declare(strict_types=1);

[$keys, $warm, $steps] = [(int)($argv[1] ?? 20000), (int)($argv[2] ?? 100000),
                          (int)($argv[3] ?? 300000)];
$wc = function_exists('wincache_ucache_get');
if (!$wc && !function_exists('apcu_fetch')) {
    fwrite(STDERR, "pressure.php: neither wincache nor apcu is loaded\n");
    exit(2);
}
[$get, $set] = $wc ? ['wincache_ucache_get', 'wincache_ucache_set'] : ['apcu_fetch', 'apcu_store'];
$wc ? wincache_ucache_clear() : apcu_clear_cache();

// Value sizes: 256..1791 bytes, fixed by the key number (about 1 KB on average).
$len = static fn(int $i): int => 256 + ($i * 7919) % 1536;
$working = 0;
for ($i = 0; $i < $keys; $i++) {
    $working += $len($i);
}

// Zipf(s = 1) over ranks 1..KEYS: the cumulative weights, then a binary search per draw. The
// same seed for both backends: both see the very same key sequence.
$cdf = [];
$sum = 0.0;
for ($r = 1; $r <= $keys; $r++) {
    $sum += 1.0 / $r;
    $cdf[] = $sum;
}
$draw = static function () use ($cdf, $sum, $keys): int {
    $u = mt_rand() / mt_getrandmax() * $sum;
    $lo = 0;
    $hi = $keys - 1;
    while ($lo < $hi) {
        $mid = ($lo + $hi) >> 1;
        if ($cdf[$mid] < $u) {
            $lo = $mid + 1;
        } else {
            $hi = $mid;
        }
    }
    return $lo;
};
mt_srand(20261121);
$pad = str_repeat('v', 2048);

$hits = 0;
$run = static function (int $n, bool $verify) use ($draw, $get, $set, $len, $pad, &$hits): void {
    for ($s = 0; $s < $n; $s++) {
        $i = $draw();
        $k = "p:$i";
        $v = $get($k);
        if ($v === false) {
            $set($k, $i . ':' . substr($pad, 0, $len($i) - strlen((string)$i) - 1));
        } else {
            ++$hits;
            if ($verify && strlen($v) !== $len($i)) {
                fwrite(STDERR, "pressure.php: key $k returned a value of the wrong size\n");
                exit(1);
            }
        }
    }
};
$run($warm, false);
$hits = 0;
$t = hrtime(true);
$run($steps, true);
$secs = (hrtime(true) - $t) / 1e9;

if ($wc) {
    $removed = wincache_extra_info()['ucache']['evictions'] ?? null;
    $what = 'evictions';
} else {
    $info = apcu_cache_info(true);
    $removed = $info['expunges'] ?? null;
    $what = 'expunges';
}
echo json_encode([
    'backend' => $wc ? 'wincache' : 'apcu',
    'keys' => $keys,
    'working_set_bytes' => $working,
    'hit_rate' => 100.0 * $hits / $steps,
    'steps_per_s' => $steps / $secs,
    $what => $removed,
]), "\n";
