<?php
// tests/soak/www/soak.php: the one page of the soak (scripts/soak.sh), served by php-fpm behind
// nginx and by php-cgi (children and separate processes) behind nginx, all of one group.
// Answers "name=value" lines and "end=1" last; a request is committed only if its answer ends
// with end=1 and says committed=1 (the client, tests/soak/client.php, decides that).
//
//   op=uc&act=set|add|get|many|delete|clear|inc|cas&k=N[&sz=BYTES&kind=str|arr]
//       user cache: values carry an md5 of their own payload; every value read is verified
//       (corrupt=N counts the reads whose checksum or shape is wrong)
//   op=lock[&hold=MS&tok=T&nolock=1]
//       a read-modify-write of the counter FILE data/ctr under wincache_lock('soak_ctr'):
//       committed=1 v=NEW (nolock=1: the deliberately broken page, no lock)
//   op=sess&sid=S&item=I[&hold=MS&tok=T]    append I to $_SESSION['items'] (committed=1 when
//       session_write_close() said true);  op=sess_get&sid=S: items=a,b,...
//   op=inc      include app/current/a.php, app/stable/b.php, app/stable/c.php: a=V b=V c=V
//               (V = -1: the file was read half-written, an in-place rewrite being non-atomic)
//   op=mem[&clear=1]   used bytes of the user cache (and the others), after a clear if asked
// tok=T: the page writes its pid to data/holder_T once it holds the lock / the session, so the
// chaos loop can kill or stop exactly that process.
declare(strict_types=1);
header('Content-Type: text/plain');
function out(string $k, $v): void { echo $k, '=', is_bool($v) ? (int) $v : $v, "\n"; }
$data = getenv('SOAK_DATA') ?: (__DIR__ . '/../data');
$app = getenv('SOAK_APP') ?: (__DIR__ . '/../app');
$op = (string) ($_GET['op'] ?? '');
$hold = min(10000, max(0, (int) ($_GET['hold'] ?? 0)));
$tok = preg_replace('/[^A-Za-z0-9_]/', '', (string) ($_GET['tok'] ?? ''));
out('pid', getmypid());

function payload(int $sz, string $kind) {
    if ($kind === 'arr') {  // a big array: $sz elements, nested, mixed types
        $a = [];
        for ($i = 0; $i < $sz; $i++)
            $a[$i % 3 ? "k$i" : $i] = $i % 5 ? random_int(PHP_INT_MIN, PHP_INT_MAX)
                                             : ['s' => bin2hex(random_bytes(4)), 'f' => $i / 7];
        return $a;
    }
    return random_bytes(max(1, $sz));
}
// verify VALUE: '' if it is a well-formed value of ours, else what is wrong
function verify($v): string {
    if (!is_array($v) || !isset($v['sum'], $v['n']) || !array_key_exists('p', $v)) return 'shape ' . gettype($v);
    $sum = md5(serialize($v['p']));
    if ($sum !== $v['sum']) return "checksum (len " . (is_string($v['p']) ? strlen($v['p']) : count($v['p'])) . ", n {$v['n']})";
    return '';
}

switch ($op) {
case 'uc':
    $act = (string) ($_GET['act'] ?? 'get');
    $k = 'v' . (int) ($_GET['k'] ?? 0);
    $nk = 'n' . ((int) ($_GET['k'] ?? 0) % 4);
    $corrupt = [];
    $check = function ($v, string $key) use (&$corrupt) {
        if ($v === false || $v === null) return;
        $why = verify($v);
        if ($why !== '') $corrupt[] = "$key: $why";
    };
    switch ($act) {
    case 'set': case 'add':
        $p = payload((int) ($_GET['sz'] ?? 1), (string) ($_GET['kind'] ?? 'str'));
        $v = ['n' => (int) ($_GET['sz'] ?? 1), 'w' => getmypid(), 'p' => $p, 'sum' => md5(serialize($p))];
        $r = $act === 'set' ? wincache_ucache_set($k, $v, random_int(0, 3) ? 0 : 5)
                            : @wincache_ucache_add($k, $v);
        out('ok', $r);
        $check(wincache_ucache_get($k), $k);
        break;
    case 'get':
        $check(wincache_ucache_get($k, $hit), $k);
        out('hit', $hit);
        break;
    case 'many':
        $keys = [];
        for ($i = 0; $i < 8; $i++) $keys[] = 'v' . random_int(0, 31);
        $r = wincache_ucache_get($keys);
        if (is_array($r)) foreach ($r as $key => $v) $check($v, (string) $key);
        out('hits', is_array($r) ? count($r) : 0);
        break;
    case 'delete':
        out('ok', wincache_ucache_delete($k));
        break;
    case 'clear':
        out('ok', wincache_ucache_clear());
        break;
    case 'inc':
        $r = wincache_ucache_inc($nk, 1, $ok);
        if (!$ok) @wincache_ucache_add($nk, 0);
        elseif (!is_int($r)) $corrupt[] = "$nk: inc returned " . gettype($r);
        out('ok', $ok);
        break;
    case 'cas':
        $old = wincache_ucache_get($nk);
        if ($old !== false && !is_int($old)) $corrupt[] = "$nk: " . gettype($old);
        out('ok', is_int($old) && wincache_ucache_cas($nk, $old, $old + 1));
        break;
    default:
        http_response_code(400);
        out('error', 'unknown act');
    }
    // the numeric entries are ints whenever they exist
    $n = wincache_ucache_get($nk);
    if ($n !== false && !is_int($n)) $corrupt[] = "$nk: " . gettype($n);
    out('corrupt', count($corrupt));
    if ($corrupt) { out('why', implode('; ', $corrupt)); error_log('soak: corrupt read: ' . implode('; ', $corrupt)); }
    break;
case 'lock':
    $locked = !empty($_GET['nolock']) || wincache_lock('soak_ctr');
    if (!$locked) { out('committed', 0); out('why', 'lock refused'); break; }
    if ($tok !== '') file_put_contents("$data/holder_$tok", (string) getmypid());
    $v = (int) file_get_contents("$data/ctr");
    usleep($hold ? $hold * 1000 : random_int(500, 3000));   // a window a missing lock loses in
    $tmp = "$data/ctr." . getmypid();
    $w = file_put_contents($tmp, (string) ($v + 1)) !== false && rename($tmp, "$data/ctr");
    if (empty($_GET['nolock'])) $w = wincache_unlock('soak_ctr') && $w;
    out('committed', $w);
    out('v', $v + 1);
    break;
case 'sess':
case 'sess_get':
    ini_set('session.use_cookies', '0');
    ini_set('session.use_strict_mode', '0');
    ini_set('session.cache_limiter', '');
    session_id(preg_replace('/[^A-Za-z0-9]/', '', (string) ($_GET['sid'] ?? 'x')));
    $started = session_start($op === 'sess_get' ? ['read_and_close' => true] : []);
    if (!$started) { out('committed', 0); out('why', 'session_start'); break; }
    $items = $_SESSION['items'] ?? [];
    if ($op === 'sess_get') { out('items', implode(',', $items)); out('count', count($items)); break; }
    $_SESSION['items'][] = (string) ($_GET['item'] ?? '');
    if ($tok !== '') file_put_contents("$data/holder_$tok", (string) getmypid());
    if ($hold) usleep($hold * 1000);
    out('committed', session_write_close());
    break;
case 'inc':
    foreach (['a' => "$app/current/a.php", 'b' => "$app/stable/b.php", 'c' => "$app/stable/c.php"] as $n => $f) {
        try { $r = include $f; } catch (\Throwable $e) { $r = null; }
        out($n, is_array($r) && ($r['k'] ?? '') === 'ok' . ($r['v'] ?? '') ? $r['v'] : -1);
    }
    break;
case 'mem':
    if (!empty($_GET['clear'])) out('cleared', wincache_ucache_clear());
    $m = wincache_ucache_meminfo();
    out('uc_used', $m['memory_total'] - $m['memory_free']);
    out('uc_used_blks', $m['num_used_blks']);
    out('uc_free_blks', $m['num_free_blks']);
    out('uc_items', wincache_ucache_info(true)['total_item_count']);
    $x = wincache_extra_info();
    out('group', $x['group']);
    out('uc_scope', $x['ucache']['scope']);
    out('uc_recoveries', $x['ucache']['recoveries']);
    out('locks_taken_over', $x['locks']['taken_over']);
    out('sess_recoveries', $x['sessions']['recoveries'] ?? 0);
    out('sess_stale_locks_broken', $x['sessions']['stale_locks_broken'] ?? 0);
    out('fc_recoveries', $x['fcache']['recoveries'] ?? 0);
    out('change_detection', $x['fcache']['change_detection']);
    $o = function_exists('opcache_get_status') ? @opcache_get_status(false) : false;
    out('opcache', is_array($o) && !empty($o['opcache_enabled']) ? 'on' : 'off');
    foreach (['scache' => 'wincache_scache_meminfo', 'fcache' => 'wincache_fcache_meminfo'] as $n => $fn) {
        $m = function_exists($fn) ? $fn() : false;
        if (is_array($m)) out("{$n}_used", $m['memory_total'] - $m['memory_free']);
    }
    break;
default:
    http_response_code(400);
    out('error', 'unknown op');
}
out('end', 1);
