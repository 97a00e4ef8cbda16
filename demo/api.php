<?php
// demo/api.php?op=...: a small text API over the wincache user cache, for scripts and the
// multiprocess tests (tests/multiprocess). Every answer is "name=value" lines, the first one
// pid=<worker pid>, the last one end=1 (a complete answer).
//   op=pid                        the worker pid
//   op=set&k=&v=[&ttl=]  op=add&k=&v=   op=get&k=   op=delete&k=   op=inc&k=[&d=]
//   op=addinc&k=                  add k with 0 if missing, then inc it: value=<new value>
//   op=info  op=meminfo           summary numbers
//   (lock ops take g=1 for a machine-wide lock: wincache_lock(k, true), and t= for
//    wincache.locktimeout in seconds)
//   op=lock_sleep&k=&s=[&until=]  wincache_lock(k), record holder_<k> = pid, sleep s (<= 60) or,
//                                 with until=K, until the cache holds K (s: the bound), unlock
//   op=lock_try&k=[&w=1]          wincache_lock(k), say how long it took, unlock (w=1: first
//                                 record waiter_<k> = pid, so that a test sees it is about to wait)
//   op=lock_forget&k=             wincache_lock(k) and never unlock (released at request end)
//   op=lock_incr&k=&n=            n times: lock k, plain_<k> = get + 1 (not atomic alone), unlock
//   op=csum_burst&p=&n=&ver=&m=[&x=]  n sets of checksummed values to keys p0..p(m-1) (x: x times longer)
//   op=csum_verify&p=             every cached key starting with p verifies its checksum:
//                                 listed (in info()), seen (still there to get), bad
//   op=selfcheck&k=[&ms=]         sleep ms (<= 5000), then info(), meminfo(), set k_<pid>, get it
//                                 back: ok=1 if all work (a key per process: run at once in many)
//   (session ops: the pool's session.save_handler; sid= is the session id)
//   op=sess_append&sid=&item=[&ms=]  session_start, append item to $_SESSION['items'], sleep ms
//                                 (<= 5000) while holding the session, write: count=, wait_ms= (lock)
//   op=sess_get&sid=              read_and_close: items= (comma-separated), count=
//   op=sess_hold&sid=&s=          session_start, append "uncommitted", record holder_<sid> = pid in the
//                                 user cache, sleep s (<= 60) holding the session (to be killed)
//   op=fill&p=&n=[&size=]           n sets of p0..p(n-1), values of `size` bytes (<= 4096; the
//                                 statistics page's tests: 100,000 entries to page through)
//   op=includes                   includes demo/inc/*.php by absolute and by relative names (file
//                                 cache and resolve-path cache entries): included=<count>
// Any op takes bar=<dir>&n=<count> (the multiprocess tests): before the op, a barrier. The
// request puts a file named after its pid in /tmp/<dir> (a directory the test made; nothing is
// created otherwise) and waits until n files are there (at most 40 s), then says barrier=<files
// seen>. A process serves one request at a time, so n requests inside the barrier at once are
// served by n different processes: the tests force the distribution over workers with it.
header('Content-Type: text/plain');
$op = $_GET['op'] ?? 'pid';
$k = (string) ($_GET['k'] ?? '');
$global = !empty($_GET['g']);  // lock ops: wincache_lock($k, true), machine-wide
function out($name, $v) {
    if (is_bool($v)) $v = $v ? 1 : 0;
    elseif (!is_scalar($v)) $v = json_encode($v);
    echo $name, '=', $v, "\n";
}
// Checksummed values: key:ver:md5(key.ver) repeated (x times longer with x > 1; odd versions
// are arrays). csum_ok() recomputes them from the key and the version found in the value.
function csum_value(string $key, int $ver, int $x = 1) {
    $h = md5($key . $ver);
    if ($ver % 2 && $x == 1) return ['k' => $key, 'v' => $ver, 'h' => $h, 'pad' => range(0, $ver % 32)];
    return "$key:$ver:" . str_repeat($h, (1 + $ver % 16) * $x);
}
function csum_ok(string $key, $val): bool {
    if (is_array($val)) return isset($val['v']) && $val === csum_value($key, (int) $val['v']);
    if (!is_string($val) || !preg_match('/^(.*?):(\d+):/s', $val, $m) || $m[1] !== $key) return false;
    $rest = substr($val, strlen($m[0]));
    $n = intdiv(strlen($rest), 32);
    return $n > 0 && $rest === str_repeat(md5($key . $m[2]), $n);
}
// The barrier (see the head): -1 if there is no such directory, else the files seen.
function barrier(string $dir, int $n): int {
    if (!preg_match('~^wcmp_[A-Za-z0-9_.]+/[A-Za-z0-9_]+$~', $dir)) return -1;
    $d = "/tmp/$dir";
    if (is_link(dirname($d)) || is_link($d) || !is_dir($d)) return -1;
    if (@file_put_contents("$d/" . getmypid(), '') === false) return -1;
    $until = microtime(true) + 40;
    do {
        $seen = count(glob("$d/[0-9]*") ?: []);
        if ($seen >= $n) break;
        usleep(2000);
    } while (microtime(true) < $until);
    return $seen;
}
out('pid', getmypid());
if (isset($_GET['bar'])) out('barrier', barrier((string) $_GET['bar'], (int) ($_GET['n'] ?? 1)));
if (isset($_GET['t'])) ini_set('wincache.locktimeout', (string) max(1, (int) $_GET['t']));
switch ($op) {
case 'pid':
    break;
case 'set':
    out('ok', wincache_ucache_set($k, $_GET['v'] ?? '', (int) ($_GET['ttl'] ?? 0)));
    break;
case 'add':
    out('ok', @wincache_ucache_add($k, $_GET['v'] ?? '', (int) ($_GET['ttl'] ?? 0)));
    break;
case 'get':
    $v = wincache_ucache_get($k, $ok);
    out('ok', $ok);
    out('value', $v);
    break;
case 'delete':
    out('ok', wincache_ucache_delete($k));
    break;
case 'inc':
    $v = wincache_ucache_inc($k, (int) ($_GET['d'] ?? 1), $ok);
    out('ok', $ok);
    out('value', $v);
    break;
case 'addinc':
    @wincache_ucache_add($k, 0);
    $v = wincache_ucache_inc($k, 1, $ok);
    out('ok', $ok);
    out('value', $v);
    break;
case 'info':
    $i = wincache_ucache_info();
    if ($i === false) { out('ok', false); break; }
    out('ok', true);
    foreach (['total_cache_uptime', 'is_local_cache', 'total_item_count', 'total_hit_count',
              'total_miss_count'] as $f)
        out($f, $i[$f] ?? 'missing');
    // our figures live beside WinCache's info array
    $x = function_exists('wincache_extra_info') ? wincache_extra_info() : false;
    out('total_evict_count', $x['ucache']['evictions'] ?? 0);
    out('group', $x['group'] ?? '');
    out('entries', is_array($i['ucache_entries'] ?? null) ? count($i['ucache_entries']) : 'missing');
    break;
case 'meminfo':
    $m = wincache_ucache_meminfo();
    if ($m === false) { out('ok', false); break; }
    out('ok', true);
    foreach (['memory_total', 'memory_free', 'num_used_blks', 'num_free_blks', 'memory_overhead'] as $f)
        out($f, $m[$f] ?? 'missing');
    break;
case 'lock_sleep':
    $t = microtime(true);
    $ok = wincache_lock($k, $global);
    out('locked', $ok);
    out('wait_ms', (int) ((microtime(true) - $t) * 1000));
    if ($ok) {
        wincache_ucache_set("holder_$k", getmypid());
        $s = min(60, max(0, (int) ($_GET['s'] ?? 1)));
        if (isset($_GET['until'])) {  // hold until the cache has the key (s: a hang bound)
            $end = microtime(true) + $s;
            $held = 'timeout';
            while (microtime(true) < $end) {
                wincache_ucache_get((string) $_GET['until'], $there);
                if ($there) { $held = 'until'; break; }
                usleep(10000);
            }
            out('held', $held);
        } else {
            sleep($s);
        }
        wincache_ucache_delete("holder_$k");
        out('unlocked', wincache_unlock($k));
    }
    break;
case 'lock_try':
    if (!empty($_GET['w'])) wincache_ucache_set("waiter_$k", getmypid());
    $t = microtime(true);
    $ok = wincache_lock($k, $global);
    out('locked', $ok);
    out('wait_ms', (int) ((microtime(true) - $t) * 1000));
    if ($ok) out('unlocked', wincache_unlock($k));
    break;
case 'lock_incr':  // a read-modify-write of a plain entry under wincache_lock(k): n times
    $n = min(100, max(1, (int) ($_GET['n'] ?? 1)));
    $bad = 0;
    for ($i = 0; $i < $n; $i++) {
        if (!wincache_lock($k, $global)) { $bad++; continue; }
        $v = wincache_ucache_get("plain_$k", $ok);
        usleep(500);
        wincache_ucache_set("plain_$k", ($ok ? $v : 0) + 1);
        if (!wincache_unlock($k)) $bad++;
    }
    out('bad', $bad);
    break;
case 'lock_forget':
    out('locked', wincache_lock($k, $global));
    break;
case 'csum_burst':
    $p = (string) ($_GET['p'] ?? 'c');
    $n = min(20000, (int) ($_GET['n'] ?? 10));
    $m = max(1, (int) ($_GET['m'] ?? 20));
    $ver = (int) ($_GET['ver'] ?? 0);
    $x = max(1, min(4096, (int) ($_GET['x'] ?? 1)));
    $fail = $bad = $miss = 0;
    for ($i = 0; $i < $n; $i++) {
        $key = $p . (($ver * $n + $i) % $m);
        if (!wincache_ucache_set($key, csum_value($key, $ver * $n + $i, $x))) $fail++;
        if ($i % 7 == 3) {  // read one back and check it (a miss may be an eviction)
            $v = wincache_ucache_get($key, $ok);
            if (!$ok) $miss++;
            elseif (!csum_ok($key, $v)) $bad++;
        }
    }
    out('set_fail', $fail);
    out('bad', $bad);
    out('miss', $miss);
    break;
case 'csum_verify':
    $p = (string) ($_GET['p'] ?? 'c');
    $i = wincache_ucache_info();
    $listed = $seen = $bad = 0;
    foreach (($i['ucache_entries'] ?? []) as $e) {
        $key = (string) $e['key_name'];
        if ($p === '' || strncmp($key, $p, strlen($p)) !== 0) continue;
        $listed++;
        $v = wincache_ucache_get($key, $ok);
        if (!$ok) continue;  // deleted or evicted since info()
        $seen++;
        if (!csum_ok($key, $v)) { $bad++; out('bad_key', $key); }
    }
    out('listed', $listed);
    out('seen', $seen);
    out('bad', $bad);
    break;
case 'selfcheck':
    usleep(1000 * min(5000, max(0, (int) ($_GET['ms'] ?? 0))));
    $i = wincache_ucache_info(true);
    $m = wincache_ucache_meminfo();
    $v = "selfcheck_" . getmypid() . "_" . mt_rand();
    $s = wincache_ucache_set($k . '_' . getmypid(), $v);
    $g = wincache_ucache_get($k . '_' . getmypid(), $ok);
    out('info', is_array($i));
    out('meminfo', is_array($m));
    out('set', $s);
    out('get', $ok && $g === $v);
    out('ok', is_array($i) && is_array($m) && $s && $ok && $g === $v);
    break;
case 'sess_append':
case 'sess_hold':
case 'sess_get':
    session_id((string) ($_GET['sid'] ?? ''));
    $t = microtime(true);
    $started = session_start($op === 'sess_get' ? ['read_and_close' => true] : []);
    out('started', $started);
    out('wait_ms', (int) ((microtime(true) - $t) * 1000));
    if (!$started) break;
    $items = $_SESSION['items'] ?? [];
    if ($op === 'sess_get') {
        out('items', implode(',', $items));
        out('count', count($items));
        break;
    }
    if ($op === 'sess_hold') {
        $_SESSION['items'][] = 'uncommitted';
        wincache_ucache_set('holder_' . session_id(), getmypid());
        sleep(min(60, max(0, (int) ($_GET['s'] ?? 1))));
    } else {
        $_SESSION['items'][] = (string) ($_GET['item'] ?? '');
        usleep(1000 * min(5000, max(0, (int) ($_GET['ms'] ?? 0))));
    }
    out('written', session_write_close());
    out('count', count($_SESSION['items']));
    break;
case 'fill':
    $p = (string) ($_GET['p'] ?? 'fill:');
    $n = max(0, min(1000000, (int) ($_GET['n'] ?? 0)));
    $v = str_repeat('x', max(0, min(4096, (int) ($_GET['size'] ?? 16))));
    $done = 0;
    for ($i = 0; $i < $n; $i++) $done += wincache_ucache_set($p . $i, $v) ? 1 : 0;
    out('stored', $done);
    break;
case 'includes':
    $n = 0;
    foreach (glob(__DIR__ . '/inc/*.php') ?: [] as $f) {
        $n += (include $f) ? 1 : 0;              // absolute name
        $n += (include 'inc/' . basename($f)) ? 1 : 0;  // relative: the include path and this directory
    }
    out('included', $n);
    break;
default:
    http_response_code(400);
    out('error', 'unknown op');
}
out('end', 1);
