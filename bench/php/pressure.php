<?php
// bench/php/pressure.php: memory pressure, run once per backend by bench/php/run.php.
//
// A cache-aside loop over a key space larger than the cache: each step draws a key, gets it, and
// on a miss stores it. The cache is configured by the caller to hold a part of the working set
// (the sum of the value sizes): wincache evicts (expired entries, then by frequency, UC-5 and
// STORE-4), APCu expunges (with apc.ttl=0, its default, it empties the whole cache when a store
// does not fit). Traces:
//   zipf S    keys from Zipf(S) over KEYS keys
//   recency   90% of the draws uniform over a hot set of KEYS/20 keys that slides by one key
//             every 10 steps (a key is hot for about 9 draws, then never asked for again), 10%
//             uniform over all keys: recency predicts, frequency misleads
//   scan      Zipf(1), and every other step the next key of a one-pass scan (new keys, each asked
//             for once)
//
//   php -n -d extension=... pressure.php KEYS WARMUP STEPS [TRACE [S]]
// Prints one JSON object: backend, working-set bytes, hit rate (%) and steps/s of the measured
// steps, and the backend's own count of evictions / expunges. Under wincache also two models of
// the same trace in the same capacity (the arena's free bytes after a clear; an entry costs its
// value plus 96 bytes, about what our store's entry record, key and block head take): an exact
// LRU ("lru_model") and, for zipf, two static oracles: the issue's ("oracle_popular": the most
// popular keys that fit, taken in popularity order, a key that does not fit passed over) and a
// stricter one ("oracle": the set of keys of the greatest total probability that fits, taken
// greedily by probability per byte, so it also knows which keys are cheap to keep).
declare(strict_types=1);

[$keys, $warm, $steps] = [(int)($argv[1] ?? 20000), (int)($argv[2] ?? 100000),
                          (int)($argv[3] ?? 300000)];
$trace = $argv[4] ?? 'zipf';
$zs = (float)($argv[5] ?? 1.0);
if (!in_array($trace, ['zipf', 'recency', 'scan'], true) || $zs <= 0) {
    fwrite(STDERR, "pressure.php: TRACE is zipf, recency or scan; S > 0\n");
    exit(2);
}
if ($trace !== 'zipf') {
    $zs = 1.0;
}
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

// Zipf(s) over ranks 1..KEYS: the cumulative weights, then a binary search per draw. The
// same seed for both backends: both see the very same key sequence.
$cdf = [];
$sum = 0.0;
for ($r = 1; $r <= $keys; $r++) {
    $sum += $r ** -$zs;
    $cdf[] = $sum;
}
$zipf = static function () use ($cdf, $sum, $keys): int {
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
$t = 0;
$scan_next = $keys;
$hot = max(1, intdiv($keys, 20));
$draw = match ($trace) {
    'zipf' => $zipf,
    'recency' => static function () use (&$t, $hot, $keys): int {
        $b = intdiv($t++, 10);
        return mt_rand(1, 10) <= 9 ? ($b + mt_rand(0, $hot - 1)) % $keys : mt_rand(0, $keys - 1);
    },
    'scan' => static function () use (&$t, &$scan_next, $zipf): int {
        return $t++ % 2 ? $scan_next++ : $zipf();
    },
};
// The whole key sequence first (the models replay it).
$seq = [];
for ($s = 0; $s < $warm + $steps; $s++) {
    $seq[] = $draw();
}

$hits = 0;
$pos = 0;
$run = static function (int $n, bool $verify) use (&$seq, &$pos, $get, $set, $len, $pad, &$hits): void {
    for ($s = 0; $s < $n; $s++) {
        $i = $seq[$pos++];
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

$models = [];
if ($wc) {
    $removed = wincache_extra_info()['ucache']['evictions'] ?? null;
    $what = 'evictions';
    wincache_ucache_clear();
    $cap = wincache_ucache_meminfo()['memory_free'];
    $cost = static fn(int $i): int => $len($i) + 96;
    // Exact LRU over the same sequence: a PHP array in use order, the oldest first.
    $lru = [];
    $bytes = 0;
    $lru_hits = 0;
    foreach ($seq as $n => $i) {
        if (isset($lru[$i])) {
            unset($lru[$i]);
            $lru[$i] = true;
            $lru_hits += $n >= $warm ? 1 : 0;
            continue;
        }
        $lru[$i] = true;
        $bytes += $cost($i);
        while ($bytes > $cap) {
            $old = array_key_first($lru);
            unset($lru[$old]);
            $bytes -= $cost($old);
        }
    }
    $models['lru_model'] = 100.0 * $lru_hits / $steps;
    if ($trace === 'zipf') {
        // A static cache filled in the order given: each key that still fits is taken, one that
        // does not is passed over; its hit rate is the probability of the keys taken.
        $prob = static fn(int $i): float => ($cdf[$i] - ($i ? $cdf[$i - 1] : 0.0)) / $sum;
        $fill = static function (iterable $order) use ($prob, $cost, $cap): float {
            $used = 0;
            $p = 0.0;
            foreach ($order as $i) {
                if ($used + $cost($i) <= $cap) {
                    $used += $cost($i);
                    $p += $prob($i);
                }
            }
            return 100.0 * $p;
        };
        $by = [];
        for ($i = 0; $i < $keys; $i++) {
            $by[$i] = $prob($i) / $cost($i);
        }
        arsort($by);
        $models['oracle'] = $fill(array_keys($by));
        $models['oracle_popular'] = $fill(range(0, $keys - 1));  // key $i has rank $i + 1
    }
} else {
    $info = apcu_cache_info(true);
    $removed = $info['expunges'] ?? null;
    $what = 'expunges';
}
echo json_encode([
    'backend' => $wc ? 'wincache' : 'apcu',
    'keys' => $keys,
    'trace' => $trace === 'zipf' ? sprintf('zipf %.1f', $zs) : $trace,
    'working_set_bytes' => $working,
    'hit_rate' => 100.0 * $hits / $steps,
    'steps_per_s' => $steps / $secs,
    $what => $removed,
] + $models), "\n";
