<?php
// bench/php/one.php: the one-process user-cache benchmark, run once per backend by
// bench/php/one_driver.php (never by hand needed). It detects which cache is loaded
// (wincache or APCu), runs every operation for a fixed number of iterations, and prints one
// JSON object: {"backend": "...", "ns": {"op name": ns per op, ...}}.
//
//   php -n -d extension=wincache.so -d wincache.enablecli=1 one.php [SCALE]
//   php -n -d extension=apcu -d apc.enable_cli=1 one.php [SCALE]
//
// SCALE (default 1.0) multiplies every iteration count (--quick uses 0.05). Each timing
// includes the PHP loop around the call (the same few ns for both backends), so the ratios
// are, if anything, understated.
declare(strict_types=1);

$scale = (float)($argv[1] ?? 1.0);
// GETS_ONLY (the zero-copy rows, bench/php/run.php): each key is set once, then only the gets are
// timed. A CLI run is one request; with zero-copy on it pins from its first get to its end, so
// every later replacement stays retired (docs/extension.md) and a set loop would fill the cache.
$getsOnly = ($argv[2] ?? '') === 'gets-only';
$wc = function_exists('wincache_ucache_get');
if (!$wc && !function_exists('apcu_fetch')) {
    fwrite(STDERR, "one.php: neither wincache nor apcu is loaded\n");
    exit(2);
}
if ($wc) {
    $get = 'wincache_ucache_get';
    $set = 'wincache_ucache_set';
    $inc = 'wincache_ucache_inc';
    $clear = 'wincache_ucache_clear';
    $backend = 'wincache';
} else {
    $get = 'apcu_fetch';
    $set = 'apcu_store';
    $inc = 'apcu_inc';
    $clear = 'apcu_clear_cache';
    $backend = 'apcu';
    if (!apcu_enabled()) {
        fwrite(STDERR, "one.php: apcu is loaded but disabled (apc.enable_cli=1?)\n");
        exit(2);
    }
}
$clear();

// Values. Keys cycle through a small set so the index lookups are not all on one slot.
$nkeys = 64;
$values = [
    'int' => 123456789,
    'small string' => str_repeat('abcdefgh', 4),           // 32 bytes
    '1 KB string' => str_repeat('0123456789abcdef', 64),   // 1024 bytes
    '100-element array' => null,
    '10,000-element array' => null,
];
$row = static fn(int $i): array => ['id' => $i, 'name' => "user$i", 'score' => $i * 1.5,
                                    'active' => ($i & 1) === 1];
$a100 = [];
for ($i = 0; $i < 100; $i++) {
    $a100["field$i"] = $i % 3 === 0 ? $i : ($i % 3 === 1 ? "value-$i" : $row($i));
}
$values['100-element array'] = $a100;
$a10k = [];
for ($i = 0; $i < 10000; $i++) {
    $a10k[] = $i % 2 === 0 ? $i : "item-$i";
}
$values['10,000-element array'] = $a10k;

// Iterations per operation (before SCALE): about 0.05-0.5 s each on a 2-core VM.
$iters = [
    'int' => 200000,
    'small string' => 200000,
    '1 KB string' => 100000,
    '100-element array' => 20000,
    '10,000-element array' => 400,
];

$ns = [];
$check = static function (bool $ok, string $what) {
    if (!$ok) {
        fwrite(STDERR, "one.php: check failed: $what\n");
        exit(1);
    }
};

foreach ($values as $kind => $v) {
    $n = max(10, (int)($iters[$kind] * $scale));
    $keys = [];
    for ($k = 0; $k < $nkeys; $k++) {
        $keys[] = "bench:$kind:$k";
    }
    // set
    $t = hrtime(true);
    for ($i = 0, $ns_ = $getsOnly ? $nkeys : $n; $i < $ns_; $i++) {
        $set($keys[$i & 63], $v);
    }
    $ns["set $kind"] = (hrtime(true) - $t) / $n;
    // get (all hits)
    $t = hrtime(true);
    for ($i = 0; $i < $n; $i++) {
        $r = $get($keys[$i & 63]);
    }
    $ns["get $kind"] = (hrtime(true) - $t) / $n;
    $check($get($keys[5]) === $v, "get $kind returns what was set");
}

if ($getsOnly) {
    $clear();
    echo json_encode(['backend' => $backend, 'php' => PHP_VERSION, 'ns' => $ns]), "\n";
    exit(0);
}

// inc on an existing int key
$n = max(10, (int)(200000 * $scale));
$set('bench:counter', 0);
$t = hrtime(true);
for ($i = 0; $i < $n; $i++) {
    $inc('bench:counter');
}
$ns['inc'] = (hrtime(true) - $t) / $n;
$check($get('bench:counter') === $n, 'inc counted every call');

// misses: get of keys that were never set
$missKeys = [];
for ($k = 0; $k < $nkeys; $k++) {
    $missKeys[] = "bench:missing:$k";
}
$t = hrtime(true);
for ($i = 0; $i < $n; $i++) {
    $r = $get($missKeys[$i & 63]);
}
$ns['miss'] = (hrtime(true) - $t) / $n;
$check($r === false, 'a miss returns false');

$clear();
echo json_encode(['backend' => $backend, 'php' => PHP_VERSION, 'ns' => $ns]), "\n";
