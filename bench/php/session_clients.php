<?php
// bench/php/session_clients.php: page B's load (bench/sessions.sh): C concurrent HTTP clients,
// all on ONE session, each sending session_page.php?op=inc requests back to back until the
// deadline, then finishing the request it has in flight. Unlike wrk, nothing is left in flight
// when the run ends, so "successful responses" and the session's final counter can be compared
// exactly: every increment the server made was answered to a client.
//
//   php8.2 -n session_clients.php --port P --sid ID [--clients 8] [--seconds 5] [--path /session_page.php]
//
// Each client is a forked process with one keep-alive HTTP/1.1 connection to nginx (reopened if
// the server closes it). Prints one line:
//   CLIENTS ok=N fail=F sockerr=E secs=S rps=R distinct=D max=M [first_fail="..."]
// ok: 200 with a body "n=<number>"; fail: any other status or body (the first such body is
// shown); sockerr: connect/read/write errors and timeouts; secs: wall time from the common start
// to the last client's end; rps = ok / secs; distinct: how many different values the ok
// responses returned (fewer than ok means two requests returned the same new value: a lost
// update seen by the clients themselves); max: the highest value returned.
declare(strict_types=1);

$o = getopt('', ['port:', 'sid:', 'clients:', 'seconds:', 'path:']);
$port = (int)($o['port'] ?? 0);
$sid = (string)($o['sid'] ?? '');
$clients = (int)($o['clients'] ?? 8);
$seconds = (float)($o['seconds'] ?? 5);
$path = (string)($o['path'] ?? '/session_page.php');
if ($port <= 0 || $sid === '' || $clients < 1 || $seconds <= 0) {
    fwrite(STDERR, "usage: session_clients.php --port P --sid ID [--clients 8] [--seconds 5]\n");
    exit(2);
}
if (!function_exists('pcntl_fork')) {
    fwrite(STDERR, "session_clients.php: needs pcntl (php8.2-cli has it)\n");
    exit(77);
}

// One response on $s: [status, body] or null on a socket error / timeout / malformed answer.
function read_response($s): ?array
{
    $line = fgets($s);
    if ($line === false || !preg_match('#^HTTP/1\.[01] (\d{3})#', $line, $m)) return null;
    $status = (int)$m[1];
    $len = null;
    $chunked = false;
    $close = false;
    while (true) {
        $h = fgets($s);
        if ($h === false) return null;
        $h = rtrim($h, "\r\n");
        if ($h === '') break;
        [$k, $v] = array_pad(explode(':', $h, 2), 2, '');
        $k = strtolower(trim($k));
        $v = trim($v);
        if ($k === 'content-length') $len = (int)$v;
        if ($k === 'transfer-encoding' && stripos($v, 'chunked') !== false) $chunked = true;
        if ($k === 'connection' && strcasecmp($v, 'close') === 0) $close = true;
    }
    $body = '';
    if ($chunked) {
        while (true) {
            $sz = fgets($s);
            if ($sz === false) return null;
            $n = hexdec(trim(explode(';', $sz)[0]));
            if ($n === 0) {
                while (($t = fgets($s)) !== false && rtrim($t, "\r\n") !== '');  // trailers
                if ($t === false) return null;
                break;
            }
            $chunk = stream_get_contents($s, (int)$n);
            if ($chunk === false || strlen($chunk) !== (int)$n) return null;
            $body .= $chunk;
            fgets($s);  // CRLF after the chunk
        }
    } elseif ($len !== null) {
        $body = $len > 0 ? stream_get_contents($s, $len) : '';
        if ($body === false || strlen($body) !== $len) return null;
    } else {
        $body = stream_get_contents($s);  // until the server closes
        $close = true;
    }
    return [$status, $body, $close];
}

function client(int $port, string $sid, string $path, float $until, $out): void
{
    $req = "GET $path?op=inc HTTP/1.1\r\nHost: 127.0.0.1:$port\r\nCookie: PHPSESSID=$sid\r\n\r\n";
    $ok = $fail = $sockerr = 0;
    $values = [];
    $first_fail = '';
    $s = null;
    while (microtime(true) < $until) {
        if ($s === null) {
            $s = @stream_socket_client("tcp://127.0.0.1:$port", $errno, $errstr, 10);
            if ($s === false) { $s = null; $sockerr++; usleep(10000); continue; }
            stream_set_timeout($s, 60);
        }
        if (@fwrite($s, $req) !== strlen($req)) { $sockerr++; fclose($s); $s = null; continue; }
        $r = read_response($s);
        if ($r === null) { $sockerr++; fclose($s); $s = null; continue; }
        [$status, $body, $close] = $r;
        if ($status === 200 && preg_match('/^n=(\d+)\s*$/', $body, $m)) {
            $ok++;
            $values[] = (int)$m[1];
        } else {
            $fail++;
            if ($first_fail === '') $first_fail = "$status " . trim(substr($body, 0, 200));
        }
        if ($close) { fclose($s); $s = null; }
    }
    if ($s !== null) fclose($s);
    fwrite($out, json_encode(['ok' => $ok, 'fail' => $fail, 'sockerr' => $sockerr, 'end' => microtime(true),
                              'values' => $values, 'first_fail' => $first_fail]));
}

$start = microtime(true) + 0.05;  // a common start, after every fork
$until = $start + $seconds;
$pipes = [];
$pids = [];
for ($c = 0; $c < $clients; $c++) {
    $pair = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, STREAM_IPPROTO_IP);
    $pid = pcntl_fork();
    if ($pid < 0) { fwrite(STDERR, "session_clients.php: fork failed\n"); exit(1); }
    if ($pid === 0) {
        fclose($pair[0]);
        while (microtime(true) < $start) usleep(1000);
        client($port, $sid, $path, $until, $pair[1]);
        fclose($pair[1]);
        exit(0);
    }
    fclose($pair[1]);
    $pipes[] = $pair[0];
    $pids[] = $pid;
}
$ok = $fail = $sockerr = 0;
$end = $start;
$values = [];
$first_fail = '';
foreach ($pipes as $i => $p) {
    $r = json_decode((string)stream_get_contents($p), true);
    fclose($p);
    pcntl_waitpid($pids[$i], $st);
    if (!is_array($r)) { fwrite(STDERR, "session_clients.php: client $i reported nothing\n"); exit(1); }
    $ok += $r['ok'];
    $fail += $r['fail'];
    $sockerr += $r['sockerr'];
    $end = max($end, $r['end']);
    array_push($values, ...$r['values']);
    if ($first_fail === '') $first_fail = $r['first_fail'];
}
$secs = $end - $start;
printf("CLIENTS ok=%d fail=%d sockerr=%d secs=%.3f rps=%.2f distinct=%d max=%d%s\n", $ok, $fail, $sockerr,
       $secs, $secs > 0 ? $ok / $secs : 0, count(array_unique($values)), $values ? max($values) : 0,
       $first_fail === '' ? '' : ' first_fail="' . str_replace('"', "'", $first_fail) . '"');
