<?php
// tests/soak/report.php: the soak's verdicts from its records (scripts/soak.sh runs it).
// php report.php DIR BOUND
//   DIR/clients/*.out   the clients' records (client.php), DIR/chaos.out the chaos loop's aimed
//   requests (the same L and S records), DIR/deploy.log (deployer.php), DIR/ctr (the counter
//   file), DIR/sessions.txt ("PORT SID items" of every session read through every front end).
// Prints "name=value" lines (the figures soak.sh reports) and "detail: ..." lines.
declare(strict_types=1);
[$_, $dir, $bound] = $argv;
$bound = (float) $bound;
$n = ['requests' => 0, 'complete' => 0, 'errors' => 0, 'hangs' => 0, 'corrupt' => 0,
      'lock_commits' => 0, 'sess_commits' => 0, 'includes' => 0, 'uc' => 0];
$L = []; $S = []; $I = []; $details = [];
$files = glob("$dir/clients/*.out");
$files[] = "$dir/chaos.out";
$clients_done = 0;
foreach ($files as $f) {
    if (!is_file($f)) continue;
    foreach (file($f, FILE_IGNORE_NEW_LINES) as $line) {
        $w = explode(' ', $line);
        switch ($w[0]) {
        case 'L': $L[] = (int) $w[1]; break;
        case 'S': $S[$w[1]][$w[2]] = true; break;
        case 'I': $I[] = $w; break;
        case 'C': case 'H': $details[] = "$line (" . basename($f) . ')'; break;
        case 'N':
            $clients_done++;
            foreach (array_slice($w, 1) as $kv) { [$k, $v] = explode('=', $kv); $n[$k] += (int) $v; }
            break;
        }
    }
}
// chaos.out's records are not counted by N lines: its committed requests count here
$chaos = is_file("$dir/chaos.out") ? file("$dir/chaos.out", FILE_IGNORE_NEW_LINES) : [];
foreach ($chaos as $line) {
    if ($line[0] === 'L') $n['lock_commits']++;
    if ($line[0] === 'S') $n['sess_commits']++;
}

// lost lock-protected increments: every committed increment wrote a distinct value, and the
// counter never went back below one of them
$final = (int) @file_get_contents("$dir/ctr");
$dup = count($L) - count(array_unique($L));
$above = count(array_filter($L, fn($v) => $v > $final));
$lost_inc = $dup + $above;
if ($lost_inc) $details[] = "lock increments: " . count($L) . " committed, $dup duplicate values, $above above the final counter $final";

// lost committed session writes: every committed item is in its session, through every front end
$lost_sess = 0; $sess_reads = 0; $sess_read_failed = 0;
$seen = [];
foreach (is_file("$dir/sessions.txt") ? file("$dir/sessions.txt", FILE_IGNORE_NEW_LINES) : [] as $line) {
    $w = explode(' ', $line, 3);
    if (count($w) < 3 || $w[2] === 'FAILED') { $sess_read_failed++; $details[] = "session read failed: $line"; continue; }
    $sess_reads++;
    $items = array_flip(explode(',', $w[2]));
    foreach ($S[$w[1]] ?? [] as $item => $_) {
        if (!isset($items[$item])) { $seen["$w[1] $item"] = true; }
    }
}
$lost_sess = count($seen);
if ($lost_sess) $details[] = 'lost session items (sid item): ' . implode(', ', array_slice(array_keys($seen), 0, 10));

// stale includes: a read sent at T0 saw a version older than the last step of that file
// completed before T0 - BOUND; a half-written read (-1) counts unless a write of the file
// overlapped [T0 - BOUND, T1]. A version not yet started when the answer came is impossible.
$steps = ['a' => [], 'b' => [], 'c' => []];
foreach (is_file("$dir/deploy.log") ? file("$dir/deploy.log", FILE_IGNORE_NEW_LINES) : [] as $line) {
    $w = explode(' ', $line);
    $steps[$w[1]][] = [(int) $w[2], (float) $w[3], (float) $w[4]];
}
// the watcher owner killed or stopped at D (chaos.log): the lease's documented window
// (docs/invariants/watch_lease.md: up to stale_ms + beat period, 1.25 s, nobody watches and
// entries of the old epoch are served) comes on top of the bound for reads up to D + 1.25 + BOUND
$owner_events = [];
foreach (is_file("$dir/chaos.log") ? file("$dir/chaos.log", FILE_IGNORE_NEW_LINES) : [] as $line)
    if (str_ends_with($line, 'watcher owner')) $owner_events[] = (float) $line;
$window = 1.25;
$stale = 0; $torn = 0; $impossible = 0; $lag_max = 0.0; $owner_window_reads = 0;
$lag_file = ['a' => 0.0, 'b' => 0.0, 'c' => 0.0];
$ndeploy = array_sum(array_map('count', $steps));
foreach ($I as $w) {
    [$_, $t0, $t1] = [$w[0], (float) $w[1], (float) $w[2]];
    $b = $bound;
    foreach ($owner_events as $d)
        if ($d <= $t1 && $t0 <= $d + $window + $bound) { $b = $bound + $window; $owner_window_reads++; break; }
    foreach (['a' => 3, 'b' => 4, 'c' => 5] as $f => $col) {
        $v = (int) $w[$col];
        $req = 0; $started = 0; $overlap = false; $newer_end = null;
        foreach ($steps[$f] as [$k, $s, $e]) {
            if ($e < $t0 - $b) $req = max($req, $k);
            if ($s <= $t1) $started = max($started, $k);
            if ($s <= $t1 && $e >= $t0 - $b) $overlap = true;
            if ($k > $v && $v >= 0 && ($newer_end === null || $e < $newer_end)) $newer_end = $e;
        }
        if ($v < 0) {
            $torn++;
            if (!$overlap) { $stale++; $details[] = "stale: $f half-written at " . sprintf('%.3f', $t0) . " (port $w[6]), no write near"; }
            continue;
        }
        if ($newer_end !== null && $t0 > $newer_end) {
            $lag_max = max($lag_max, $t0 - $newer_end);
            $lag_file[$f] = max($lag_file[$f], $t0 - $newer_end);
        }
        if ($v < $req) { $stale++; $details[] = sprintf('stale: %s v%d read at %.3f (port %s), v%d complete before %.3f', $f, $v, $t0, $w[6], $req, $t0 - $b); }
        if ($v > $started) { $impossible++; $details[] = "impossible: $f v$v read before it was written"; }
    }
}
$out = [
    'clients_done' => $clients_done,
    'requests' => $n['requests'] + count($chaos), 'complete' => $n['complete'], 'errors' => $n['errors'],
    'hangs' => $n['hangs'], 'corrupt' => $n['corrupt'] + $impossible,
    'uc_requests' => $n['uc'], 'lock_commits' => $n['lock_commits'], 'counter' => $final,
    'lost_increments' => $lost_inc, 'sess_commits' => $n['sess_commits'], 'sess_reads' => $sess_reads,
    'sess_read_failed' => $sess_read_failed, 'lost_sess' => $lost_sess,
    'include_reads' => count($I), 'deploy_steps' => $ndeploy, 'torn_reads' => $torn, 'stale' => $stale,
    'max_stale_lag_s' => sprintf('%.2f', $lag_max),
    'lag_by_file' => sprintf('symlink swap %.2f s, in place %.2f s, renamed over %.2f s', $lag_file['a'], $lag_file['b'], $lag_file['c']), 'owner_window_reads' => $owner_window_reads,
];
foreach ($out as $k => $v) echo "$k=$v\n";
foreach (array_slice($details, 0, 40) as $d) echo "detail: $d\n";
if (count($details) > 40) echo 'detail: ... ' . (count($details) - 40) . " more\n";
