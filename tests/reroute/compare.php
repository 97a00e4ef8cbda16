<?php
/*
 * tests/reroute/compare.php: compares two recordings of corpus.php case by case.
 *
 *   php compare.php [--label L] [--expect-ext] [--max-diffs N] [--info] PHP.jsonl EXT.jsonl
 *       PHP.jsonl is the run by PHP alone, EXT.jsonl the run with wincache.so and its reroutes.
 *       Prints "PASS <label> <group> (n cases)" or "FAIL <label> <group> (k of n cases differ)" per
 *       group, then each difference: the case id, the call, the cwd, and both sides' return value,
 *       warnings, exception, output and after-state (the fields that differ are marked "!=").
 *       Exit 0 only if the recordings are identical (and, with --expect-ext, the first run had no
 *       wincache and the second had it loaded with wincache.reroute_enabled=1; a run where the
 *       extension failed to load must not pass). --max-diffs bounds the differences printed per
 *       group (default 25, 0: all). --info: report, but always exit 0 (for comparisons that are
 *       expected to differ, such as CLI against CGI). --names A,B renames the two sides in the
 *       report (default php,ext).
 *
 *   php compare.php --summary FILE...
 *       The coverage of recordings (one per setting): calls per function, distinct path forms,
 *       argument variants, and (function, path form, variant, setting) combinations.
 *
 * A recording is one JSON object per line (see corpus.php); any other line (a fatal error PHP
 * printed, stray output) is kept in order and compared as the pseudo-group "(output)". Exit 2 on
 * bad usage or an unreadable file.
 */

const CMP_FUNCS = ['rmdir', 'file_exists', 'file_get_contents', 'filesize', 'is_dir', 'is_file',
                   'is_readable', 'is_writable', 'is_writeable', 'readfile', 'realpath', 'unlink',
                   'rename'];
const CMP_FIELDS = ['r' => 'return', 'd' => 'warnings', 'x' => 'exception', 'o' => 'output',
                    'a' => 'after', 'c' => 'call', 'w' => 'cwd', 'f' => 'function', 'p' => 'form',
                    'v' => 'variant', 's' => 'setting', 'g' => 'group', 'n' => 'note'];

function cmp_usage(): never
{
    fwrite(STDERR, "usage: compare.php [--label L] [--expect-ext] [--max-diffs N] [--info] [--names A,B] PHP.jsonl EXT.jsonl\n"
        . "       compare.php --summary FILE...\n");
    exit(2);
}

/** @return array{recs: array<string,array>, order: list<string>, meta: array<string,array>, noise: list<string>} */
function cmp_load(string $file): array
{
    $lines = @file($file, FILE_IGNORE_NEW_LINES);
    if ($lines === false) {
        fwrite(STDERR, "compare.php: cannot read $file\n");
        exit(2);
    }
    $recs = [];
    $order = [];
    $meta = [];
    $noise = [];
    foreach ($lines as $n => $line) {
        $r = ($line !== '' && $line[0] === '{') ? json_decode($line, true) : null;
        if (!is_array($r) || !isset($r['i'])) {
            $noise[] = $line;
            continue;
        }
        if ($r['i'][0] === '#') {
            $meta[$r['i']] = $r;
            continue;
        }
        if (isset($recs[$r['i']])) {
            $noise[] = "(duplicate case id at line " . ($n + 1) . ") $line";
            continue;
        }
        $recs[$r['i']] = $r;
        $order[] = $r['i'];
    }
    return ['recs' => $recs, 'order' => $order, 'meta' => $meta, 'noise' => $noise];
}

function cmp_show(mixed $v): string
{
    if ($v === null) {
        return '-';
    }
    if (is_array($v)) {
        return $v === [] ? '(none)' : implode("\n" . str_repeat(' ', 16), array_map('strval', $v));
    }
    return (string) $v;
}

function cmp_group_of(string $id, ?array $r): string
{
    return $r['g'] ?? explode('/', $id, 2)[0];
}

function cmp_summary(array $files): int
{
    $fn = [];
    $groups = [];
    $total = 0;
    $combos = [];
    foreach ($files as $file) {
        $d = cmp_load($file);
        foreach ($d['recs'] as $r) {
            if (!in_array($r['f'] ?? '', CMP_FUNCS, true)) {
                continue;
            }
            $total++;
            $f = $r['f'];
            $fn[$f]['calls'] = ($fn[$f]['calls'] ?? 0) + 1;
            if (in_array($r['g'], ['seq', 'tighten'], true)) {
                $fn[$f]['steps'] = ($fn[$f]['steps'] ?? 0) + 1;
            } else {
                $fn[$f]['forms'][$r['p']] = true;
                $fn[$f]['vars'][$r['v']] = true;
            }
            $fn[$f]['combos'][$r['p'] . "\0" . $r['v'] . "\0" . $r['s']] = true;
            $combos[$f . "\0" . $r['p'] . "\0" . $r['v'] . "\0" . $r['s']] = true;
            $groups[$r['g']] = ($groups[$r['g']] ?? 0) + 1;
        }
    }
    // forms / variants: outside the sequences; seq steps: calls inside sequences (seq, tighten);
    // combos: distinct (path form, variant, setting), sequences' steps included.
    printf("%-18s %7s %6s %8s %9s %7s\n", 'function', 'calls', 'forms', 'variants', 'seq-steps', 'combos');
    $steps = 0;
    foreach (CMP_FUNCS as $f) {
        $x = $fn[$f] ?? [];
        $steps += $x['steps'] ?? 0;
        printf("%-18s %7d %6d %8d %9d %7d\n", $f, $x['calls'] ?? 0, count($x['forms'] ?? []), count($x['vars'] ?? []),
               $x['steps'] ?? 0, count($x['combos'] ?? []));
    }
    printf("%-18s %7d %6s %8s %9d %7d\n", 'total', $total, '', '', $steps, count($combos));
    $g = [];
    foreach ($groups as $name => $n) {
        $g[] = "$name=$n";
    }
    echo 'calls by group: ', implode(' ', $g), "\n";
    echo "CORPUS calls=$total combos=" . count($combos) . "\n";
    return 0;
}

// ---------------------------------------------------------------------------------------------
$args = array_slice($argv, 1);
$label = '';
$expectExt = false;
$maxDiffs = 25;
$info = false;
$names = ['php', 'ext'];
$files = [];
$summary = false;
for ($k = 0; $k < count($args); $k++) {
    $a = $args[$k];
    if ($a === '--label') {
        $label = $args[++$k] ?? cmp_usage();
    } elseif ($a === '--expect-ext') {
        $expectExt = true;
    } elseif ($a === '--max-diffs') {
        $maxDiffs = (int) ($args[++$k] ?? cmp_usage());
    } elseif ($a === '--names') {
        $names = explode(',', $args[++$k] ?? cmp_usage());
        if (count($names) !== 2) {
            cmp_usage();
        }
    } elseif ($a === '--info') {
        $info = true;
    } elseif ($a === '--summary') {
        $summary = true;
    } elseif ($a !== '' && $a[0] === '-') {
        cmp_usage();
    } else {
        $files[] = $a;
    }
}
if ($summary) {
    if (!$files) {
        cmp_usage();
    }
    exit(cmp_summary($files));
}
if (count($files) !== 2) {
    cmp_usage();
}
$L = $label === '' ? '' : "$label ";
$A = cmp_load($files[0]);
$B = cmp_load($files[1]);
$verdict = $info ? 'INFO' : 'FAIL';

// Setup checks: both runs finished; the extension is absent from the first and loaded in the second.
$setup = [];
$notes = [];
foreach (['php' => $A, 'ext' => $B] as $side => $d) {
    if (!isset($d['meta']['#meta'])) {
        $setup[] = "$side run: no #meta record (did it start?)";
    }
    if (!isset($d['meta']['#end'])) {
        $setup[] = "$side run: no #end record (it stopped early)";
    }
}
if ($expectExt) {
    $ma = $A['meta']['#meta'] ?? [];
    $mb = $B['meta']['#meta'] ?? [];
    if (($ma['wincache'] ?? null) !== false) {
        $setup[] = 'php run: wincache is loaded (it must run without it)';
    }
    if (($mb['wincache'] ?? null) !== true) {
        $setup[] = 'ext run: wincache is not loaded (extension= failed?)';
    } elseif (($mb['sapi'] ?? '') === 'cli' && ($mb['ini']['wincache.enablecli'] ?? '') !== '1') {
        $setup[] = 'ext run: CLI without wincache.enablecli=1 (the extension would stay inactive)';
    } elseif (($mb['ini']['wincache.reroute_enabled'] ?? '') === '(none)') {
        // Before the reroutes exist the extension does not register the setting: nothing is
        // rerouted, and the comparison is (rightly) trivial. Said, not failed.
        $notes[] = 'ext run: this wincache.so has no wincache.reroute_enabled setting (no reroutes yet)';
    } elseif (($mb['ini']['wincache.reroute_enabled'] ?? '') !== '1') {
        $setup[] = 'ext run: wincache.reroute_enabled is ' . json_encode($mb['ini']['wincache.reroute_enabled'] ?? null)
            . ', not "1"';
    } else {
        // The ext run must have answered calls from the cache itself (its own counters,
        // wincache_extra_info()['reroute'], in #end): a run that rerouted nothing would make the
        // comparison trivial.
        $rr = $B['meta']['#end']['reroute'] ?? null;
        if (!is_array($rr)) {
            $setup[] = "ext run: no reroute counters in #end (wincache_extra_info()['reroute'] missing)";
        } elseif (($rr['hits_here'] ?? 0) <= 0) {
            $setup[] = 'ext run: no call was answered from the cache (reroute hits_here=0): the comparison is trivial';
        } else {
            $notes[] = 'ext run: answered from the cache ' . $rr['hits_here'] . ' calls (loads ' . ($rr['loads_here'] ?? '?')
                . ', passed to PHP ' . ($rr['passed_here'] ?? '?') . ', invalidations '
                . (($rr['forgotten_here'] ?? 0) + ($rr['refreshes_here'] ?? 0)) . ')';
        }
    }
}
foreach (['sapi', 'setting', 'euid', 'php'] as $k) {
    $va = $A['meta']['#meta'][$k] ?? null;
    $vb = $B['meta']['#meta'][$k] ?? null;
    if ($va !== $vb) {
        $setup[] = "the runs differ in $k: " . json_encode($va) . ' vs ' . json_encode($vb);
    }
}
$ea = $A['meta']['#end']['calls'] ?? null;
$eb = $B['meta']['#end']['calls'] ?? null;
if ($ea !== $eb) {
    $setup[] = 'the runs made different numbers of calls: ' . json_encode($ea) . ' vs ' . json_encode($eb);
}

// Case by case, in the first run's order, then cases only the second run has.
$groups = [];     // group => [n, [diff texts]]
$ids = $A['order'];
foreach ($B['order'] as $id) {
    if (!isset($A['recs'][$id])) {
        $ids[] = $id;
    }
}
$differing = 0;
foreach ($ids as $id) {
    $ra = $A['recs'][$id] ?? null;
    $rb = $B['recs'][$id] ?? null;
    $g = cmp_group_of($id, $ra ?? $rb);
    $groups[$g] ??= [0, []];
    $groups[$g][0]++;
    if ($ra === null || $rb === null) {
        $have = $ra ?? $rb;
        $groups[$g][1][] = "  DIFF $id\n    only in the " . ($ra === null ? $names[1] : $names[0]) . " run\n"
            . '    call:       ' . cmp_show($have['c'] ?? null) . "\n"
            . '    return:     ' . cmp_show($have['r'] ?? null) . "\n"
            . '    warnings:   ' . cmp_show($have['d'] ?? null) . "\n";
        $differing++;
        continue;
    }
    $diffFields = [];
    foreach (array_unique(array_merge(array_keys($ra), array_keys($rb))) as $k) {
        if (($ra[$k] ?? null) !== ($rb[$k] ?? null)) {
            $diffFields[$k] = true;
        }
    }
    if (!$diffFields) {
        continue;
    }
    $differing++;
    $t = "  DIFF $id\n";
    $t .= '    call:       ' . cmp_show($ra['c'] ?? null) . "\n";
    $t .= '    cwd:        ' . cmp_show($ra['w'] ?? null)
        . (isset($diffFields['w']) ? "  != {$names[1]} cwd " . cmp_show($rb['w'] ?? null) : '') . "\n";
    if (($ra['n'] ?? null) !== null) {
        $t .= '    note:       ' . $ra['n'] . "\n";
    }
    foreach (['r', 'd', 'x', 'o', 'a'] as $k) {
        $always = $k === 'r' || $k === 'd';
        if (!$always && !isset($diffFields[$k])) {
            continue;
        }
        $mark = isset($diffFields[$k]) ? '!=' : '  ';
        $name = CMP_FIELDS[$k];
        $t .= sprintf("    %-10s%s %s: %s\n", $name, $mark, $names[0], cmp_show($ra[$k] ?? null));
        $t .= sprintf("    %-10s%s %s: %s\n", '', $mark, $names[1], cmp_show($rb[$k] ?? null));
    }
    foreach (array_keys($diffFields) as $k) {
        if (in_array($k, ['r', 'd', 'x', 'o', 'a', 'w'], true)) {
            continue;
        }
        $t .= sprintf("    %-10s!= %s: %s\n    %-10s!= %s: %s\n", CMP_FIELDS[$k] ?? $k, $names[0],
                      cmp_show(is_array($ra[$k] ?? null) ? json_encode($ra[$k]) : ($ra[$k] ?? null)), '', $names[1],
                      cmp_show(is_array($rb[$k] ?? null) ? json_encode($rb[$k]) : ($rb[$k] ?? null)));
    }
    $groups[$g][1][] = $t;
}
if ($A['noise'] !== $B['noise']) {
    $groups['(output)'] = [max(count($A['noise']), count($B['noise'])), [
        "  DIFF (output): lines that are not records differ\n    {$names[0]}:\n      "
        . (implode("\n      ", $A['noise']) ?: '(none)') . "\n    {$names[1]}:\n      "
        . (implode("\n      ", $B['noise']) ?: '(none)') . "\n"]];
    $differing++;
}

$rc = 0;
foreach ($notes as $s) {
    echo "note: {$L}$s\n";
}
if ($setup) {
    echo "{$verdict} {$L}setup\n";
    foreach ($setup as $s) {
        echo "  $s\n";
    }
    $rc = 1;
}
foreach ($groups as $g => [$n, $diffs]) {
    if (!$diffs) {
        echo "PASS {$L}$g ($n cases)\n";
        continue;
    }
    $rc = 1;
    echo "{$verdict} {$L}$g (" . count($diffs) . " of $n cases differ)\n";
    $show = $maxDiffs > 0 ? array_slice($diffs, 0, $maxDiffs) : $diffs;
    echo implode('', $show);
    if (count($show) < count($diffs)) {
        echo '  ... and ' . (count($diffs) - count($show)) . " more differences in $g (--max-diffs 0 shows all)\n";
    }
}
$calls = 0;
$combos = [];
foreach ($A['recs'] as $r) {
    if (in_array($r['f'] ?? '', CMP_FUNCS, true)) {
        $calls++;
        $combos[$r['f'] . "\0" . $r['p'] . "\0" . $r['v'] . "\0" . $r['s']] = true;
    }
}
echo "{$L}cases=" . count($ids) . " calls=$calls combos=" . count($combos) . " differing=$differing"
    . ($setup ? ' setup-problems=' . count($setup) : '') . "\n";
exit($info ? 0 : $rc);
