<?php
// bench/php/page.php: the page bench/fpm.sh drives with wrk through nginx + php-fpm.
//
// Backend: wincache_ucache_get/set if the wincache module is loaded, else apcu_fetch/apcu_store.
// Both loops below are written the same way; only the two function names differ.
//
// Key space: K = 10,000 keys "k<i>", i in [0, K), popularity Zipf with s ~ 1.
// A rank is drawn by inverting the CDF of the continuous density 1/x on [1, K+1):
//   F(x) = ln(x) / ln(K+1)   =>   x = (K+1)^u = exp(u * ln(K+1)),  u uniform in [0, 1)
//   rank r = floor(x) in 1..K, key index i = r - 1.
// So P(r) = ln((r+1)/r) / ln(K+1) ~ 1 / (r ln(K+1)): Zipf(1) up to the discretisation of the
// head (P(r=1) = 0.075 here vs 1/H_K = 0.102 for exact Zipf; from r ~ 5 on the two agree within a
// few percent, and the log-log slope is -1). One mt_rand() and one exp() per key: cheap.
// (`php8.2 -n bench/php/page.php zipf` samples it and prints the check: slope -0.998 over ranks
// 10..1000, top-100 share 0.50 vs 0.53 for exact Zipf(1).)
//
// Values by i % 3: 0 -> an int, 1 -> a 200-byte string, 2 -> a 10-field associative array (a
// database "row").
//
// Requests:
//   page.php              the measured page: 20 gets of Zipf keys (a miss sets the key and is
//                         counted), then 2 sets of Zipf keys with fresh values; body
//                         "ok hits=H misses=M" (~91% of the 22 cache operations are reads)
//   page.php?op=populate  sets all K keys (run once per fpm start, before any measurement);
//                         body "populated=K entries=E backend=B"
//   page.php?op=stats     the backend's own counters: "backend=B hits=H misses=M entries=E"
//   page.php?op=empty     "ok" without touching the cache: the nginx + fpm ceiling
//   php page.php zipf     (CLI) samples the rank generator and prints the Zipf check
// With $wc_floor set by an including script, the page runs its loops around no cache at all (the
// floor that bench/page_instr.sh measures).
const K = 10000;

function bench_value(int $i, int $fresh)
{
    switch ($i % 3) {
        case 0:
            return $i * 1000003 + $fresh;
        case 1:
            return str_pad("value of k$i, version $fresh: ", 200, 'x');
        default:
            return [
                'id' => $i,
                'name' => "user $i",
                'email' => "user$i@example.com",
                'created' => 1700000000 + $i,
                'updated' => 1700000000 + $i + $fresh,
                'flags' => $i & 0xff,
                'score' => $i * 0.25,
                'active' => ($i & 1) === 0,
                'country' => 'DE',
                'version' => $fresh,
            ];
    }
}

if (PHP_SAPI === 'cli' && ($argv[1] ?? '') === 'zipf') {
    // Sample the generator exactly as the page does and compare with Zipf(1).
    $n = 2000000;
    $lnk1 = log(K + 1);
    $inv = 1.0 / (mt_getrandmax() + 1.0);
    $c = array_fill(0, K, 0);
    for ($j = 0; $j < $n; $j++) {
        $i = (int) exp(mt_rand() * $inv * $lnk1) - 1;
        if ($i >= K) $i = K - 1;
        $c[$i]++;
    }
    $hk = 0.0;
    for ($r = 1; $r <= K; $r++) $hk += 1.0 / $r;
    printf("%6s %10s %10s %10s\n", 'rank', 'sampled', 'this F', 'Zipf(1)');
    foreach ([1, 2, 3, 5, 10, 30, 100, 1000, 10000] as $r) {
        printf("%6d %10.6f %10.6f %10.6f\n", $r, $c[$r - 1] / $n, log(($r + 1) / $r) / $lnk1, 1.0 / ($r * $hk));
    }
    // least-squares slope of log(frequency) on log(rank) over ranks 10..1000
    $sx = $sy = $sxx = $sxy = 0.0; $m = 0;
    for ($r = 10; $r <= 1000; $r++) {
        if ($c[$r - 1] == 0) continue;
        $x = log($r); $y = log($c[$r - 1] / $n);
        $sx += $x; $sy += $y; $sxx += $x * $x; $sxy += $x * $y; $m++;
    }
    printf("log-log slope over ranks 10..1000: %.3f (Zipf s=1: -1)\n", ($m * $sxy - $sx * $sy) / ($m * $sxx - $sx * $sx));
    $top = 0; for ($r = 0; $r < 100; $r++) $top += $c[$r];
    printf("share of the top 100 keys: %.3f (Zipf(1): %.3f)\n", $top / $n, (function () use ($hk) { $s = 0.0; for ($r = 1; $r <= 100; $r++) $s += 1.0 / $r; return $s / $hk; })());
    exit(0);
}

$wc = function_exists('wincache_ucache_get');
$op = $_GET['op'] ?? '';

if ($op !== '') {
    header('Content-Type: text/plain');
    $backend = $wc ? 'wincache' : 'apcu';
    if ($op === 'empty') {
        echo "ok\n";
    } elseif ($op === 'populate') {
        for ($i = 0; $i < K; $i++) {
            $ok = $wc ? wincache_ucache_set("k$i", bench_value($i, 0)) : apcu_store("k$i", bench_value($i, 0));
            if (!$ok) { http_response_code(500); echo "set k$i failed\n"; exit; }
        }
        $e = $wc ? wincache_ucache_info(true)['total_item_count'] : apcu_cache_info(true)['num_entries'];
        echo 'populated=', K, " entries=$e backend=$backend\n";
    } elseif ($op === 'stats') {
        if ($wc) {
            $s = wincache_ucache_info(true);
            echo "backend=$backend hits={$s['total_hit_count']} misses={$s['total_miss_count']} entries={$s['total_item_count']}\n";
        } else {
            $s = apcu_cache_info(true);
            echo "backend=$backend hits={$s['num_hits']} misses={$s['num_misses']} entries={$s['num_entries']}\n";
        }
    } else {
        http_response_code(400);
        echo "unknown op\n";
    }
    exit;
}

$lnk1 = log(K + 1);
$inv = 1.0 / (mt_getrandmax() + 1.0);
$hits = 0;
$misses = 0;
if (isset($wc_floor)) {
    // Set by bench/page_instr.sh's wrapper for its "none" run, never in a request: the same page
    // around a cache that costs nothing, not even a call: every get hits, every set's key and
    // value are built and dropped. What is left is the page's own work that any cache pays. (The
    // test is one opcode, paid alike by both backends' pages.)
    for ($n = 0; $n < 20; $n++) {
        $i = (int) exp(mt_rand() * $inv * $lnk1) - 1;
        if ($i >= K) $i = K - 1;
        $v = "k$i";
        $hits++;
    }
    for ($n = 0; $n < 2; $n++) {
        $i = (int) exp(mt_rand() * $inv * $lnk1) - 1;
        if ($i >= K) $i = K - 1;
        $k = "k$i";
        $v = bench_value($i, mt_rand());
    }
} elseif ($wc) {
    for ($n = 0; $n < 20; $n++) {
        $i = (int) exp(mt_rand() * $inv * $lnk1) - 1;
        if ($i >= K) $i = K - 1;
        $v = wincache_ucache_get("k$i", $ok);
        if ($ok) {
            $hits++;
        } else {
            wincache_ucache_set("k$i", bench_value($i, 0));
            $misses++;
        }
    }
    for ($n = 0; $n < 2; $n++) {
        $i = (int) exp(mt_rand() * $inv * $lnk1) - 1;
        if ($i >= K) $i = K - 1;
        wincache_ucache_set("k$i", bench_value($i, mt_rand()));
    }
} else {
    for ($n = 0; $n < 20; $n++) {
        $i = (int) exp(mt_rand() * $inv * $lnk1) - 1;
        if ($i >= K) $i = K - 1;
        $v = apcu_fetch("k$i", $ok);
        if ($ok) {
            $hits++;
        } else {
            apcu_store("k$i", bench_value($i, 0));
            $misses++;
        }
    }
    for ($n = 0; $n < 2; $n++) {
        $i = (int) exp(mt_rand() * $inv * $lnk1) - 1;
        if ($i >= K) $i = K - 1;
        apcu_store("k$i", bench_value($i, mt_rand()));
    }
}
echo "ok hits=$hits misses=$misses\n";
