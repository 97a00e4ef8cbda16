<?php
// bench/php/run.php: the PHP parts of the benchmark that need no web server, ours vs APCu,
// with the php binary that runs this script (PHP_BINARY) for both:
//
//   one       one process: get/set of ints, small strings, 1 KB strings, 100- and 10,000-
//             element arrays; inc; misses (bench/php/one.php)
//   pressure  memory pressure: the cache holds a half or a quarter of the working set,
//             cache-aside on Zipf 0.8 / 1.0 / 1.2 keys, a moving hot set, and Zipf with a scan
//             mixed in (bench/php/pressure.php)
//
//   php bench/php/run.php --so PATH/wincache.so --out ROWS.jsonl [--reps N] [--quick]
//                         [--parts one,pressure]
//
// Every run is a fresh `php -n` process with only the cache under test loaded; the backends
// alternate run by run (ours, APCu, ours, ...) so that machine noise hits both alike. Rows are
// medians over the runs, appended to ROWS.jsonl in the format docs/benchmarks.md describes.
declare(strict_types=1);

$opt = getopt('', ['so:', 'out:', 'reps:', 'quick', 'parts:']);
$so = $opt['so'] ?? '';
$out = $opt['out'] ?? '';
$quick = isset($opt['quick']);
$reps = (int)($opt['reps'] ?? ($quick ? 1 : 5));
$parts = explode(',', $opt['parts'] ?? 'one,pressure');
if ($so === '' || $out === '' || !is_file($so)) {
    fwrite(STDERR, "usage: php run.php --so PATH/wincache.so --out ROWS.jsonl [--reps N] [--quick]\n");
    exit(2);
}
$so = realpath($so);
$dir = __DIR__;

// The cache size both get in part one (MB); APCu's default is 32M, ours 8: give both 32.
const ONE_MB = 32;
$backends = [
    'ours' => ['-d', "extension=$so", '-d', 'wincache.enablecli=1'],
    'apcu' => ['-d', 'extension=apcu', '-d', 'apc.enable_cli=1'],
    // Zero-copy gets (docs/extension.md): php-fpm's default, forced on in the CLI. One CLI run is
    // one request, pinned from its first get to its end: only its get rows are reported.
    'ourszc' => ['-d', "extension=$so", '-d', 'wincache.enablecli=1', '-d', 'wincache.ucache_zero_copy=1'],
];
$size_args = static fn(string $b, int $mb): array => $b !== 'apcu'
    ? ['-d', "wincache.ucachesize=$mb"] : ['-d', "apc.shm_size={$mb}M"];

// Runs one script under one backend; returns its decoded JSON line or exits loudly.
$run = static function (string $b, int $mb, string $script, array $args) use ($backends, $size_args, $dir): array {
    $cmd = array_merge([PHP_BINARY, '-n'], $backends[$b], $size_args($b, $mb),
                       ['-d', 'memory_limit=512M', "$dir/$script"], $args);
    $line = implode(' ', array_map('escapeshellarg', $cmd));
    $output = [];
    exec($line . ' 2>&1', $output, $rc);
    $json = $rc === 0 ? json_decode((string)end($output), true) : null;
    if (!is_array($json) || count($output) !== 1) {
        fwrite(STDERR, "run.php: FAILED ($rc): $line\n" . implode("\n", $output) . "\n");
        exit(1);
    }
    return $json;
};

$median = static function (array $xs): float {
    sort($xs);
    $n = count($xs);
    return $n % 2 ? (float)$xs[intdiv($n, 2)] : ($xs[$n / 2 - 1] + $xs[$n / 2]) / 2.0;
};
$rows = [];
$row = static function (string $part, string $name, string $unit, string $better, float $ours,
                        ?float $peer, ?array $target, string $target_text, int $n,
                        string $note = '') use (&$rows): void {
    $rows[] = ['part' => $part, 'name' => $name, 'unit' => $unit, 'better' => $better,
               'ours' => round($ours, 4), 'peer' => $peer === null ? null : round($peer, 4),
               'peer_name' => 'APCu', 'target' => $target, 'target_text' => $target_text,
               'n' => $n, 'note' => $note];
};

if (in_array('one', $parts, true)) {
    $scale = $quick ? '0.05' : '1';
    $ns = ['ours' => [], 'ourszc' => [], 'apcu' => []];
    for ($r = 0; $r < $reps; $r++) {
        foreach (['ours', 'ourszc', 'apcu'] as $b) {
            $res = $run($b, ONE_MB, 'one.php', $b === 'ourszc' ? [$scale, 'gets-only'] : [$scale]);
            foreach ($res['ns'] as $op => $v) {
                $ns[$b][$op][] = $v;
            }
        }
        fprintf(STDOUT, "php one process: run %d of %d done\n", $r + 1, $reps);
    }
    foreach ($ns['ours'] as $op => $samples) {
        $ours = 1e9 / $median($samples);
        $peer = 1e9 / $median($ns['apcu'][$op]);
        $array = str_contains($op, 'array');
        $getset = str_starts_with($op, 'get ') || str_starts_with($op, 'set ');
        // Targets: get/set at least 1.2x APCu; arrays no slower than APCu (for now).
        [$target, $text] = !$getset ? [null, ''] : ($array ? [['ratio' => 1.0], 'no slower than APCu']
                                                             : [['ratio' => 1.2], '>= 1.2x APCu']);
        $note = $array ? 'APCu: apc.serializer=php (its default) for arrays' : '';
        $row('php', "one process: $op", 'ops/s', 'higher', $ours, $peer, $target, $text, $reps, $note);
    }
    // Zero-copy gets: the same values handed out without copying (issue 16: the 10,000-element
    // array at least 100x APCu, the 100-element one at least 10x).
    foreach ($ns['ourszc'] as $op => $samples) {
        if (!str_starts_with($op, 'get ')) {
            continue;
        }
        $ours = 1e9 / $median($samples);
        $peer = 1e9 / $median($ns['apcu'][$op]);
        [$target, $text] = str_contains($op, '10,000-element') ? [['ratio' => 100.0], '>= 100x APCu']
                         : (str_contains($op, '100-element') ? [['ratio' => 10.0], '>= 10x APCu'] : [null, '']);
        $row('php', "one process, zero-copy: $op", 'ops/s', 'higher', $ours, $peer, $target, $text, $reps,
             'wincache.ucache_zero_copy=1 (php-fpm\'s default); APCu copies');
    }
}

if (in_array('pressure', $parts, true)) {
    // 20,000 keys of about 1 KB: a 19.5 MB working set; the cache: 10 MB (half of it) or 5 MB
    // (a quarter; wincache's minimum). Zipf 0.8, 1.0 and 1.2 at both sizes, then the recency
    // trace (a moving hot set, where LRU is at its best) and Zipf(1) with a one-pass scan mixed
    // in, at both sizes (bench/php/pressure.php). --quick: 10,000 keys, 5 MB, Zipf 1.0, recency
    // and scan, fewer steps.
    [$keys, $warm, $steps] = $quick ? [10000, 20000, 40000] : [20000, 100000, 300000];
    $configs = [];
    foreach ($quick ? [5] : [10, 5] as $mb) {
        foreach ($quick ? [['zipf', '1.0']] : [['zipf', '0.8'], ['zipf', '1.0'], ['zipf', '1.2']] as $z) {
            $configs[] = [$mb, $z[0], $z[1]];
        }
        $configs[] = [$mb, 'recency', '1'];
        $configs[] = [$mb, 'scan', '1'];
    }
    $pr = $quick ? 1 : max(3, intdiv($reps, 2) + 1);
    $col = static fn(array $runs, string $k): array => array_map(static fn($x) => $x[$k], $runs);
    foreach ($configs as [$mb, $trace, $zs]) {
        $res = ['ours' => [], 'apcu' => []];
        for ($r = 0; $r < $pr; $r++) {
            foreach (['ours', 'apcu'] as $b) {
                $res[$b][] = $run($b, $mb, 'pressure.php',
                                  [(string)$keys, (string)$warm, (string)$steps, $trace, $zs]);
            }
        }
        $o = $res['ours'][0];
        $ws = $o['working_set_bytes'];
        $label = sprintf('%d keys, %.1f MB working set, %d MB cache (%d%%), %s', $keys,
                         $ws / 1048576, $mb, (int)round(100 * $mb * 1048576 / $ws), $o['trace']);
        fprintf(STDOUT, "php memory pressure: %s: %d runs done\n", $label, $pr);
        // The models replay the same sequence: every run gives the same figures.
        $note = sprintf('exact LRU model %.1f%%', $o['lru_model']);
        if (isset($o['oracle'])) {
            $note .= sprintf(', oracle of the most popular keys %.1f%%, of the most probability per'
                             . ' byte %.1f%% (stricter)', $o['oracle_popular'], $o['oracle']);
        }
        $note .= sprintf('; ours: %s evictions; APCu: %s expunges (median per run)',
                         $median($col($res['ours'], 'evictions')),
                         $median($col($res['apcu'], 'expunges')));
        // The issue's targets: within 1.5 points of its oracle (the most popular keys that fit)
        // on Zipf; never below LRU (the model) on the recency and scan traces. The stricter
        // oracle is in the note. The zipf 1.0 row at 10 MB keeps its old target too (APCu + 20
        // points, docs/benchmarks.md).
        $ours = $median($col($res['ours'], 'hit_rate'));
        [$target, $text] = isset($o['oracle_popular'])
            ? [['min' => round($o['oracle_popular'] - 1.5, 2)],
               sprintf('>= oracle of the most popular keys - 1.5 (%.1f)', $o['oracle_popular'] - 1.5)]
            : [['min' => round($o['lru_model'], 2)], sprintf('>= LRU (%.1f)', $o['lru_model'])];
        $row('pressure', "memory pressure hit rate: $label", '%', 'higher', $ours,
             $median($col($res['apcu'], 'hit_rate')), $target, $text, $pr, $note);
        $row('pressure', "memory pressure throughput: $label", 'ops/s', 'higher',
             $median($col($res['ours'], 'steps_per_s')), $median($col($res['apcu'], 'steps_per_s')),
             null, '', $pr, 'get, and set on a miss');
    }
}

$fh = fopen($out, 'ab');
foreach ($rows as $r) {
    fwrite($fh, json_encode($r, JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION) . "\n");
}
fclose($fh);
printf("run.php: %d rows appended to %s\n", count($rows), $out);
