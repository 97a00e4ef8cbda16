<?php
// bench/report.php: turns the benchmark's row files into one table.
//
//   php bench/report.php --out-dir DIR [--meta key=value ...] ROWS.jsonl...
//
// Reads every JSON line of the row files (the format is in docs/benchmarks.md), computes for
// each row how ours compares with the peer and whether the row's target is met, and writes
//   DIR/results.md    the markdown table (also printed on stdout)
//   DIR/results.json  {"meta": {...}, "rows": [...]} with the computed fields added
//   DIR/results.csv   one line per row
// Exit status 1 if a row file is missing or a line is not a valid row (a missed target is
// reported, never an error: benchmarks print, they do not assert).
declare(strict_types=1);

$args = array_slice($argv, 1);
$dir = null;
$meta = [];
$files = [];
for ($i = 0; $i < count($args); $i++) {
    if ($args[$i] === '--out-dir') {
        $dir = $args[++$i] ?? null;
    } elseif ($args[$i] === '--meta') {
        [$k, $v] = array_pad(explode('=', $args[++$i] ?? '', 2), 2, '');
        $meta[$k] = $v;
    } else {
        $files[] = $args[$i];
    }
}
if ($dir === null || !$files) {
    fwrite(STDERR, "usage: php report.php --out-dir DIR [--meta k=v ...] ROWS.jsonl...\n");
    exit(2);
}

$rows = [];
foreach ($files as $f) {
    $lines = @file($f, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES);
    if ($lines === false) {
        fwrite(STDERR, "report.php: cannot read $f\n");
        exit(1);
    }
    foreach ($lines as $n => $l) {
        $r = json_decode($l, true);
        $need = ['part', 'name', 'unit', 'better', 'ours', 'peer', 'peer_name', 'target', 'n'];
        if (!is_array($r) || array_diff($need, array_keys($r)) ||
            !in_array($r['better'], ['higher', 'lower'], true) || !is_numeric($r['ours'])) {
            fwrite(STDERR, "report.php: $f line " . ($n + 1) . " is not a row: $l\n");
            exit(1);
        }
        $rows[] = $r;
    }
}

// How ours compares: a ratio (> 1: ours is better) for rates and times; a difference in
// points (> 0: ours is better) for percentages.
foreach ($rows as &$r) {
    $r['ratio'] = null;
    $r['diff'] = null;
    $r['met'] = null;
    $o = (float)$r['ours'];
    $p = $r['peer'] === null ? null : (float)$r['peer'];
    $t = $r['target'];
    if (is_array($t) && isset($t['max'])) {
        // an absolute bound on ours (e.g. lost updates: none), judged with or without a peer
        $r['met'] = $o <= (float)$t['max'];
    }
    if (is_array($t) && isset($t['min'])) {
        // an absolute floor for ours (e.g. a hit rate against a model of the same trace)
        $r['met'] = $o >= (float)$t['min'];
    }
    if ($p !== null) {
        $sign = $r['better'] === 'higher' ? 1.0 : -1.0;
        $r['diff'] = $sign * ($o - $p);
        if ($o > 0 && $p > 0) {
            $r['ratio'] = $r['better'] === 'higher' ? $o / $p : $p / $o;
        }
        $t = $r['target'];
        if (is_array($t) && isset($t['ratio']) && $r['ratio'] !== null) {
            $r['met'] = $r['ratio'] >= (float)$t['ratio'];
        } elseif (is_array($t) && isset($t['ratio'])) {
            // A figure at or below 0 (a time "beyond the empty page" that came out below it: the
            // difference is inside the run's noise) has no ratio. A target is shown met only when
            // measured met, so this one is not met; the row says why.
            $r['met'] = false;
            $r['note'] = trim(($r['note'] ?? '') . ' Not judged met: a ratio needs both figures above 0, '
                              . 'and a figure at or below 0 is inside the measurement\'s noise.');
        } elseif (is_array($t) && isset($t['diff'])) {
            $r['met'] = $r['diff'] >= (float)$t['diff'];
        }
    }
}
unset($r);

$num = static function (?float $x, string $unit): string {
    if ($x === null) {
        return '–';
    }
    if ($unit === '%') {
        return number_format($x, 1);
    }
    if ($unit === 'count') {
        return number_format($x, 0);
    }
    $a = abs($x);
    return number_format($x, $a >= 1000 ? 0 : ($a >= 10 ? 1 : 2));
};
$versus = static function (array $r): string {
    if ($r['unit'] === '%' && $r['diff'] !== null) {
        return sprintf('%+.1f pts', $r['diff']);
    }
    if ($r['unit'] === 'count' && $r['diff'] !== null) {
        // counts (lost updates, failed requests): how many fewer (or more) ours has
        $d = $r['diff'];
        $w = $r['better'] === 'lower' ? ['fewer', 'more'] : ['more', 'fewer'];
        return $d == 0 ? 'same' : number_format(abs($d)) . ' ' . ($d > 0 ? $w[0] : $w[1]);
    }
    if ($r['ratio'] === null) {
        // a peer and a ratio target, yet no ratio: a figure at or below 0 (judged above)
        return $r['peer'] !== null && isset($r['target']['ratio']) ? '– (a figure ≤ 0)' : '–';
    }
    return sprintf('%.2fx', $r['ratio']);
};

$parts = ['core' => 'Core (C++)', 'php' => 'PHP, one process', 'fpm' => 'PHP, php-fpm + nginx + wrk',
          'pressure' => 'PHP, memory pressure', 'sessions' => 'PHP sessions, php-fpm + nginx', 'redis' => 'PHP sessions on Redis, 2 hosts',
          'files' => 'PHP files (includes, reroutes), php-fpm + nginx'];
$md = [];
if ($meta) {
    $md[] = '| run | |';
    $md[] = '|---|---|';
    foreach ($meta as $k => $v) {
        $md[] = "| $k | " . str_replace('|', '/', $v) . ' |';
    }
    $md[] = '';
}
$md[] = '| part | measurement | unit | ours | peer | peer value | ours vs peer | target | met |';
$md[] = '|---|---|---|---:|---|---:|---:|---|---|';
$met = $missed = 0;
foreach ($rows as $r) {
    $m = $r['met'] === null ? '' : ($r['met'] ? 'yes' : '**no**');
    $r['met'] === true && $met++;
    $r['met'] === false && $missed++;
    $unit = $r['unit'] . ($r['better'] === 'lower' ? ' ↓' : ' ↑');
    $md[] = sprintf('| %s | %s | %s | %s | %s | %s | %s | %s | %s |',
                    $parts[$r['part']] ?? $r['part'], $r['name'], $unit, $num((float)$r['ours'], $r['unit']),
                    $r['peer_name'] ?? '–', $num($r['peer'] === null ? null : (float)$r['peer'], $r['unit']),
                    $versus($r), $r['target_text'] ?? '', $m);
}
$md[] = '';
$md[] = sprintf('%d rows; targets met: %d, missed: %d. ↑ higher is better, ↓ lower is better; '
                . '"ours vs peer" > 1x (or > 0 pts) means ours is better. Medians of n runs each '
                . '(see results.json).', count($rows), $met, $missed);
$text = implode("\n", $md) . "\n";

if (!is_dir($dir) && !mkdir($dir, 0777, true)) {
    fwrite(STDERR, "report.php: cannot create $dir\n");
    exit(1);
}
file_put_contents("$dir/results.md", $text);
file_put_contents("$dir/results.json", json_encode(['meta' => $meta, 'rows' => $rows],
    JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION) . "\n");
$csv = fopen("$dir/results.csv", 'wb');
fputcsv($csv, ['part', 'name', 'unit', 'better', 'ours', 'peer_name', 'peer', 'ratio', 'diff',
               'target', 'met', 'n', 'note']);
foreach ($rows as $r) {
    fputcsv($csv, [$r['part'], $r['name'], $r['unit'], $r['better'], $r['ours'], $r['peer_name'],
                   $r['peer'], $r['ratio'] === null ? '' : round($r['ratio'], 4),
                   $r['diff'] === null ? '' : round($r['diff'], 4), $r['target_text'] ?? '',
                   $r['met'] === null ? '' : ($r['met'] ? 'yes' : 'no'), $r['n'], $r['note'] ?? '']);
}
fclose($csv);
echo $text;
