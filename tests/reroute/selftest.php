<?php
/*
 * tests/reroute/selftest.php: proves that compare.php, the comparator the corpus run uses, reports
 * each kind of difference a broken reroute could cause, and exits non-zero on it.
 *
 *   php selftest.php PHP_BINARY COMPARE_PHP RECORDING.jsonl WORKDIR
 *
 * RECORDING is a real recording of corpus.php (run.sh --self-test makes one: PHP alone, CLI,
 * plain). From it this writes copies with known differences into WORKDIR and runs
 * PHP_BINARY -n COMPARE_PHP on each pair, checking the verdict, the exit code and that every
 * planted difference is reported (case id, both values) and nothing else is.
 * Prints "ok N - ..." / "not ok N - ..." lines; exit 0 only if all are ok.
 */

[$self, $php, $compare, $recording, $dir] = array_pad($argv, 5, null);
if ($dir === null || !is_file($recording) || !is_file($compare) || !is_dir($dir)) {
    fwrite(STDERR, "usage: selftest.php PHP_BINARY COMPARE_PHP RECORDING.jsonl WORKDIR\n");
    exit(2);
}

$lines = file($recording, FILE_IGNORE_NEW_LINES);
$recs = [];
foreach ($lines as $k => $l) {
    $recs[$k] = json_decode($l, true);
}
$n = 0;
$failed = 0;
function ok(bool $cond, string $what, string $detail = ''): void
{
    global $n, $failed;
    $n++;
    echo ($cond ? 'ok' : 'not ok') . " $n - $what\n";
    if (!$cond) {
        $failed++;
        if ($detail !== '') {
            echo '  # ' . str_replace("\n", "\n  # ", rtrim($detail)) . "\n";
        }
    }
}

/** The first record (line index) matching $pred; the self-test fails loudly if there is none. */
function pick(callable $pred, string $what, array $exclude = []): int
{
    global $recs;
    foreach ($recs as $k => $r) {
        if (is_array($r) && isset($r['g']) && !in_array($k, $exclude, true) && $pred($r)) {
            return $k;
        }
    }
    ok(false, "the recording has a case for: $what (the corpus changed? update selftest.php)");
    exit(1);
}

function write(string $name, array $lines): string
{
    global $dir;
    $f = "$dir/$name";
    file_put_contents($f, implode("\n", $lines) . "\n");
    return $f;
}

function compare(array $flags, string $a, string $b): array
{
    global $php, $compare;
    $cmd = array_merge([$php, '-n', $compare], $flags, [$a, $b]);
    $p = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
    $out = stream_get_contents($pipes[1]);
    $err = stream_get_contents($pipes[2]);
    fclose($pipes[1]);
    fclose($pipes[2]);
    $rc = proc_close($p);
    return [$rc, $out . $err];
}

$base = write('php.jsonl', $lines);

// 1. Identical recordings: all PASS, exit 0.
[$rc, $out] = compare([], $base, write('same.jsonl', $lines));
ok($rc === 0, 'identical recordings: exit 0', $out);
ok(!str_contains($out, 'FAIL') && str_contains($out, 'PASS') && str_contains($out, 'differing=0'),
   'identical recordings: only PASS lines, differing=0', $out);

// 2. The planted differences, all in one copy; each must be reported with both values.
$mut = $lines;
$planted = [];   // id => [description, php value, ext value]
$used = [];
$plant = static function (int $k, string $field, mixed $newValue, string $what) use (&$mut, &$planted, &$used, $recs): void {
    $r = $recs[$k];
    $old = $r[$field] ?? null;
    $r[$field] = $newValue;
    $mut[$k] = json_encode($r, JSON_UNESCAPED_SLASHES);
    $planted[$r['i']] = [$what, $field, $old, $newValue];
    $used[] = $k;
};

$k = pick(static fn($r) => $r['f'] === 'filesize' && str_starts_with($r['r'], 'int('), 'filesize returning an int');
$plant($k, 'r', 'int(999999)', 'a changed return value');

$k = pick(static fn($r) => $r['f'] === 'file_get_contents' && count($r['d']) >= 1, 'a file_get_contents warning', $used);
$plant($k, 'd', array_slice($recs[$k]['d'], 0, -1), 'a missing warning');

$k = pick(static fn($r) => $r['f'] === 'unlink' && count($r['d']) >= 1, 'an unlink warning', $used);
$d = $recs[$k]['d'];
$d[0] .= ' (served from cache)';
$plant($k, 'd', $d, 'a warning with different text');

$k = pick(static fn($r) => $r['f'] === 'filesize' && count($r['d']) >= 1 && str_starts_with($r['d'][0], 'E_WARNING'),
          'a filesize E_WARNING', $used);
$d = $recs[$k]['d'];
$d[0] = 'E_NOTICE' . substr($d[0], strlen('E_WARNING'));
$plant($k, 'd', $d, 'a warning of a different class');

$k = pick(static fn($r) => $r['f'] === 'realpath' && $r['r'] === 'false' && $r['d'] === [] && $r['x'] === null,
          'a quiet realpath() false', $used);
$plant($k, 'd', ['E_WARNING realpath(): an extra warning'], 'an extra warning');

$k = pick(static fn($r) => is_string($r['x'] ?? null) && str_starts_with($r['x'], 'ValueError: '), 'a ValueError', $used);
$plant($k, 'x', 'TypeError: ' . substr($recs[$k]['x'], strlen('ValueError: ')), 'a different exception class');

$k = pick(static fn($r) => in_array($r['f'], ['is_file', 'file_exists'], true) && $r['r'] === 'true', 'a true is_file/file_exists', $used);
$plant($k, 'x', 'Error: thrown instead of returning', 'an exception where PHP returned');

$k = pick(static fn($r) => $r['f'] === 'readfile' && ($r['o'] ?? null) !== null, 'readfile output', $used);
$plant($k, 'o', 'string(5) "hell\\n"', 'different readfile output');

$k = pick(static fn($r) => $r['g'] === 'rename' && ($r['a'] ?? null) !== null && $r['r'] === 'true', 'a rename with an after-state', $used);
$plant($k, 'a', $recs[$k]['a'] . ' w/ghost.txt:1:00000000:644', 'a different state after the call');

$k = pick(static fn($r) => $r['g'] === 'seq' && $r['f'] === 'file_get_contents', 'a sequence step', $used);
$droppedId = $recs[$k]['i'];
unset($mut[$k]);
$used[] = $k;
foreach ($recs as $k => $r) {
    if (is_array($r) && ($r['i'] ?? '') === '#end') {
        $r['calls']--;     // consistent with the dropped call
        $mut[$k] = json_encode($r, JSON_UNESCAPED_SLASHES);
    }
}
$mut[] = 'PHP Fatal error:  planted stray output';

[$rc, $out] = compare(['--max-diffs', '0'], $base, write('ext.jsonl', array_values($mut)));
ok($rc === 1, 'planted differences: exit 1', "rc=$rc\n$out");
foreach ($planted as $id => [$what, $field, $old, $new]) {
    $block = '';
    if (preg_match('/^  DIFF ' . preg_quote($id, '/') . '\n(?:    .*\n|                .*\n)*/m', $out, $m)) {
        $block = $m[0];
    }
    $show = static fn($v) => is_array($v) ? ($v === [] ? '(none)' : $v[0]) : (string) $v;
    $hasBoth = $block !== '' && str_contains($block, $show($old) === '' ? '-' : $show($old))
        && str_contains($block, $show($new));
    $marked = $block !== '' && preg_match('/^    \S+\s*!= php: /m', $block) === 1;
    ok($block !== '' && $hasBoth && $marked, "reported: $what ($id), with both values and the field marked",
       $block === '' ? "no DIFF block for $id in:\n" . substr($out, 0, 3000) : $block);
}
ok(preg_match('/^  DIFF ' . preg_quote($droppedId, '/') . '\n    only in the php run/m', $out) === 1,
   "reported: a case missing from the ext run ($droppedId)", substr($out, 0, 3000));
ok(str_contains($out, 'DIFF (output)') && str_contains($out, 'planted stray output'),
   'reported: stray output lines', substr($out, 0, 3000));
ok(str_contains($out, 'setup') && str_contains($out, 'different numbers of calls'),
   'reported: the runs made different numbers of calls', substr($out, 0, 3000));
$want = count($planted) + 2;
ok(preg_match('/differing=(\d+)/', $out, $m) === 1 && (int) $m[1] === $want,
   "exactly the planted differences: differing=$want", $m[0] ?? $out);
$failGroups = [];
foreach (explode("\n", $out) as $l) {
    if (preg_match('/^FAIL (\S+)/', $l, $m)) {
        $failGroups[] = $m[1];
    }
}
$wantGroups = ['setup'];
foreach ($planted as $id => $_) {
    $wantGroups[] = explode('/', $id, 2)[0];
}
$wantGroups[] = explode('/', $droppedId, 2)[0];
$wantGroups[] = '(output)';
ok(array_values(array_unique($wantGroups)) == array_values(array_unique(array_intersect($wantGroups, $failGroups)))
   && !array_diff($failGroups, $wantGroups),
   'FAIL lines for exactly the groups with planted differences (' . implode(' ', array_unique($wantGroups)) . ')',
   $out);

// 3. One difference at a time: each alone makes compare.php exit 1.
foreach ($planted as $id => [$what, $field, $old, $new]) {
    $one = $lines;
    foreach ($recs as $k => $r) {
        if (is_array($r) && ($r['i'] ?? '') === $id) {
            $r[$field] = $new;
            $one[$k] = json_encode($r, JSON_UNESCAPED_SLASHES);
        }
    }
    [$rc, $out] = compare([], $base, write('one.jsonl', $one));
    ok($rc === 1 && str_contains($out, "DIFF $id") && str_contains($out, 'differing=1'), "alone: $what makes it fail", $out);
}

// 4. --expect-ext: a run where the extension did not load (here: two runs without it) must fail,
// as must an ext run with wincache.reroute_enabled off.
[$rc, $out] = compare(['--expect-ext'], $base, $base);
ok($rc === 1 && str_contains($out, 'wincache is not loaded'), '--expect-ext: an ext run without wincache fails', $out);
$ext = $lines;
foreach ($recs as $k => $r) {
    if (is_array($r) && ($r['i'] ?? '') === '#meta') {
        $r['wincache'] = true;
        $r['ini']['wincache.enablecli'] = '1';
        $r['ini']['wincache.reroute_enabled'] = '0';
        $ext[$k] = json_encode($r, JSON_UNESCAPED_SLASHES);
    }
}
[$rc, $out] = compare(['--expect-ext'], $base, write('ext-off.jsonl', $ext));
ok($rc === 1 && str_contains($out, 'wincache.reroute_enabled is "0"'), '--expect-ext: reroute_enabled=0 fails', $out);
foreach ($recs as $k => $r) {
    if (is_array($r) && ($r['i'] ?? '') === '#meta') {
        $r['wincache'] = true;
        $r['ini']['wincache.enablecli'] = '0';
        $r['ini']['wincache.reroute_enabled'] = '1';
        $ext[$k] = json_encode($r, JSON_UNESCAPED_SLASHES);
    }
}
[$rc, $out] = compare(['--expect-ext'], $base, write('ext-on.jsonl', $ext));
ok($rc === 1 && str_contains($out, 'without wincache.enablecli=1'), '--expect-ext: a CLI run without enablecli=1 fails', $out);
foreach ($recs as $k => $r) {
    if (is_array($r) && ($r['i'] ?? '') === '#meta') {
        $r['wincache'] = true;
        $r['ini']['wincache.reroute_enabled'] = '1';
        $r['ini']['wincache.enablecli'] = '1';
        $ext[$k] = json_encode($r, JSON_UNESCAPED_SLASHES);
    }
}
// An ext run must show that it answered calls from the cache (its #end counters).
[$rc, $out] = compare(['--expect-ext'], $base, write('ext-on.jsonl', $ext));
ok($rc === 1 && str_contains($out, 'no reroute counters'), '--expect-ext: an ext run without reroute counters fails', $out);
$withHits = static function (int $hits) use ($ext, $recs): array {
    foreach ($recs as $k => $r) {
        if (is_array($r) && ($r['i'] ?? '') === '#end') {
            $r['reroute'] = ['enabled' => true, 'installed' => true, 'hits_here' => $hits, 'loads_here' => 1,
                             'verified_here' => 0, 'passed_here' => 10, 'forgotten_here' => 0, 'refreshes_here' => 0];
            $ext[$k] = json_encode($r, JSON_UNESCAPED_SLASHES);
        }
    }
    return $ext;
};
[$rc, $out] = compare(['--expect-ext'], $base, write('ext-on.jsonl', $withHits(0)));
ok($rc === 1 && str_contains($out, 'the comparison is trivial'), '--expect-ext: an ext run that answered nothing from the cache fails', $out);
[$rc, $out] = compare(['--expect-ext'], $base, write('ext-on.jsonl', $withHits(7)));
ok($rc === 0 && str_contains($out, 'answered from the cache 7 calls'),
   '--expect-ext: wincache loaded with enablecli=1, reroute_enabled=1, calls answered from the cache and identical calls passes', $out);

// 5. A run that stopped early (no #end record) fails even if every case it made matched.
$cut = array_slice($lines, 0, intdiv(count($lines), 2));
[$rc, $out] = compare([], $base, write('cut.jsonl', $cut));
ok($rc === 1 && str_contains($out, 'no #end record'), 'a truncated run fails (no #end)', substr($out, 0, 2000));

// 6. --info never fails.
[$rc, $out] = compare(['--info'], $base, "$dir/ext.jsonl");
ok($rc === 0 && str_contains($out, 'INFO'), '--info reports differences as INFO and exits 0', substr($out, 0, 2000));

echo $failed === 0 ? "# all $n self-test checks passed\n" : "# $failed of $n self-test checks FAILED\n";
exit($failed === 0 ? 0 : 1);
