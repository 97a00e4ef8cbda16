<?php
// tests/soak/client.php: one load client of the soak (scripts/soak.sh starts several).
// php client.php ID SEED END_EPOCH PORTS(comma) OUT HANG [nolock]
// Sends requests one after another until END_EPOCH, each to one of the nginx front ends (php-fpm,
// php-cgi children, separate php-cgi processes), the operation and its arguments drawn from SEED.
// A request is given HANG + 15 s; one that takes longer than HANG s is a hang. Writes to OUT, one
// record a line:
//   L V                  a committed lock-protected increment that wrote the counter value V
//   S SID ITEM           a committed session append (the answer said committed=1, end=1)
//   I T0 T1 A B C        an include read: sent at T0, answered at T1, the versions it saw
//   C PORT DETAIL        a corrupt read reported by the page
//   H SECONDS PORT QUERY a hang (no answer within HANG s)
//   N requests=.. complete=.. (the last line: counts)
declare(strict_types=1);
[$_, $id, $seed, $end, $ports, $outf, $hang] = $argv + array_fill(0, 7, '');
$nolock = ($argv[7] ?? '') === 'nolock';
$id = (int) $id; $end = (float) $end; $hang = (int) $hang;
$ports = array_map('intval', explode(',', $ports));
mt_srand((int) $seed);
$out = fopen($outf, 'w');
$count = ['requests' => 0, 'complete' => 0, 'errors' => 0, 'hangs' => 0, 'corrupt' => 0,
          'lock_commits' => 0, 'sess_commits' => 0, 'includes' => 0, 'uc' => 0];
$sids = 8;   // sessions shared by every client: several concurrent requests per session
$seq = 0;

// get PORT QUERY -> [status, body, seconds]; status 0: no complete HTTP answer
function get(int $port, string $q, int $hang): array {
    $t = microtime(true);
    $s = @stream_socket_client("tcp://127.0.0.1:$port", $en, $es, 5);
    if (!$s) return [0, '', microtime(true) - $t];
    stream_set_timeout($s, $hang + 15);
    fwrite($s, "GET /soak.php?$q HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    $r = '';
    while (!feof($s)) {
        $c = fread($s, 65536);
        if ($c === false || ($c === '' && stream_get_meta_data($s)['timed_out'])) break;
        $r .= $c;
        if (microtime(true) - $t > $hang + 15) break;
    }
    fclose($s);
    $dt = microtime(true) - $t;
    if (!preg_match('#^HTTP/1\.\d (\d+)#', $r, $m)) return [0, '', $dt];
    $p = strpos($r, "\r\n\r\n");
    return [(int) $m[1], $p === false ? '' : substr($r, $p + 4), $dt];
}
function fields(string $body): array {
    $f = [];
    foreach (explode("\n", $body) as $l) {
        $p = strpos($l, '=');
        if ($p !== false && !isset($f[substr($l, 0, $p)])) $f[substr($l, 0, $p)] = substr($l, $p + 1);
    }
    return $f;
}
function rec($out, string $line): void { fwrite($out, $line . "\n"); }

while (microtime(true) < $end) {
    $port = $ports[mt_rand(0, count($ports) - 1)];
    $r = mt_rand(0, 99);
    $seq++;
    if ($r < 40) {         // user cache
        $acts = ['set', 'set', 'set', 'add', 'get', 'get', 'get', 'get', 'many', 'many', 'delete',
                 'inc', 'inc', 'cas', 'cas'];
        $act = mt_rand(0, 199) ? $acts[mt_rand(0, count($acts) - 1)] : 'clear';
        $kind = mt_rand(0, 3) ? 'str' : 'arr';
        // sizes from bytes to ~1 MB (log-uniform), arrays up to 20,000 elements
        $sz = $kind === 'str' ? (int) round(exp(mt_rand(0, 1386) / 100)) : mt_rand(1, mt_rand(0, 9) ? 2000 : 20000);
        $q = "op=uc&act=$act&k=" . mt_rand(0, 31) . "&sz=$sz&kind=$kind";
        $kind_of = 'uc';
    } elseif ($r < 60) {   // lock-protected increment of the counter file
        $q = 'op=lock' . ($nolock ? '&nolock=1' : '');
        $kind_of = 'lock';
    } elseif ($r < 80) {   // session append
        $sid = 'soak' . mt_rand(0, $sids - 1);
        $item = "c$id.$seq";
        $q = "op=sess&sid=$sid&item=$item" . (mt_rand(0, 4) ? '' : '&hold=' . mt_rand(1, 50));
        $kind_of = 'sess';
    } else {               // includes through the file cache
        $q = 'op=inc';
        $kind_of = 'inc';
    }
    $t0 = microtime(true);
    [$st, $body, $dt] = get($port, $q, $hang);
    $t1 = microtime(true);
    $count['requests']++;
    if ($dt > $hang) { $count['hangs']++; rec($out, sprintf('H %.1f %d %s', $dt, $port, $q)); }
    $f = fields($body);
    if ($st !== 200 || ($f['end'] ?? '') !== '1') { $count['errors']++; continue; }
    $count['complete']++;
    if (isset($f['corrupt']) && $f['corrupt'] !== '0') {
        $count['corrupt'] += (int) $f['corrupt'];
        rec($out, "C $port pid {$f['pid']} $q: " . ($f['why'] ?? ''));
    }
    switch ($kind_of) {
    case 'uc': $count['uc']++; break;
    case 'lock':
        if (($f['committed'] ?? '') === '1') { $count['lock_commits']++; rec($out, "L {$f['v']}"); }
        break;
    case 'sess':
        if (($f['committed'] ?? '') === '1') { $count['sess_commits']++; rec($out, "S $sid $item"); }
        break;
    case 'inc':
        $count['includes']++;
        rec($out, sprintf('I %.3f %.3f %s %s %s %d', $t0, $t1, $f['a'] ?? -1, $f['b'] ?? -1, $f['c'] ?? -1, $port));
        break;
    }
}
$line = 'N';
foreach ($count as $k => $v) $line .= " $k=$v";
rec($out, $line);
fclose($out);
