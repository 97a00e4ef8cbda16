<?php
// bench/php/session_page.php: the pages bench/sessions.sh drives through nginx + php-fpm.
//
// The same page for every session handler: the handler is the pool's session.save_handler
// (wincache, files, redis, memcached); nothing here knows which one runs. The session id comes
// from the PHPSESSID cookie, as in an ordinary application (session.use_cookies=1).
//
// Requests:
//   session_page.php              page A, the measured page: session_start() (the handler
//                                 locks and reads the ~1 KB session), checks that the session is
//                                 the one populated for this id, changes a few fields (a counter,
//                                 a timestamp, a rotated token, one cart line), writes it
//                                 (session_write_close()); body "ok visits=V". A session that is
//                                 missing or not its own, a failed start or a failed write: 500.
//   ?op=populate&n=N              creates the N sessions "sess" + 28 digits (0 .. N-1) with the
//                                 payload, one after another in this request (no cookie needed);
//                                 body "populated=N handler=H bytes=B" (B: one payload serialized)
//   ?op=inc                       page B: session_start(), $_SESSION['n'] += 1,
//                                 session_write_close(); body "n=V" (the new value); 500 with
//                                 "fail ..." when the start or the write fails
//   ?op=get                       page B's check: the session's counter, read-only
//                                 (read_and_close: no lock held past the read); body "n=V"
//   ?op=empty                     "ok" without a session: the nginx + fpm ceiling
//   ?op=ini                       the session settings in effect, "name=value" a line
// All answers are text/plain. Errors go to the PHP error log (display_errors=0), which
// bench/sessions.sh checks.
const PAYLOAD_ITEMS = 6;

// The session of id $id: ~1 KB once serialized by session.serialize_handler=php.
function bench_payload(string $id): array
{
    $cart = [];
    for ($i = 0; $i < PAYLOAD_ITEMS; $i++) {
        $cart[] = ['sku' => sprintf('SKU-%06d', crc32("$id/$i") % 1000000), 'qty' => 1 + $i % 3,
                   'price' => 9.99 + $i, 'title' => "item $i of the bench cart"];
    }
    return [
        'sid' => $id,
        'user' => ['id' => crc32($id) & 0xffff, 'name' => "bench user of $id", 'email' => "$id@example.com",
                   'roles' => ['reader', 'writer'], 'locale' => 'en_US', 'tz' => 'Europe/Berlin'],
        'cart' => $cart,
        'csrf' => md5("csrf/$id"),
        'flash' => [],
        'visits' => 0,
        'last' => 0,
    ];
}

function fail(string $why): void
{
    if (session_status() === PHP_SESSION_ACTIVE) session_abort();  // nothing written at shutdown
    http_response_code(500);
    echo "fail $why\n";
    exit;
}

header('Content-Type: text/plain');
$op = $_GET['op'] ?? '';

if ($op === '') {
    if (!session_start()) fail('session_start');
    $s = &$_SESSION;
    if (($s['sid'] ?? null) !== session_id() || !isset($s['cart'][PAYLOAD_ITEMS - 1], $s['user']['email'])) {
        fail('session ' . session_id() . ' is missing or not its own');
    }
    $s['visits']++;
    $s['last'] = time();
    $s['csrf'] = md5($s['csrf'] . $s['visits']);
    $line = $s['visits'] % PAYLOAD_ITEMS;
    $s['cart'][$line]['qty'] = 1 + $s['visits'] % 5;
    $visits = $s['visits'];
    unset($s);
    if (!session_write_close()) fail('session_write_close');
    echo "ok visits=$visits\n";
} elseif ($op === 'inc') {
    if (!session_start()) fail('session_start');
    $n = ($_SESSION['n'] ?? 0) + 1;
    $_SESSION['n'] = $n;
    if (!session_write_close()) fail('session_write_close');
    echo "n=$n\n";
} elseif ($op === 'get') {
    if (!session_start(['read_and_close' => true])) fail('session_start');
    echo 'n=', (int)($_SESSION['n'] ?? 0), "\n";
} elseif ($op === 'empty') {
    echo "ok\n";
} elseif ($op === 'ini') {
    // the settings in effect, one "name=value" a line (bench/sessions.sh checks them)
    foreach (['session.save_handler', 'session.save_path', 'session.gc_probability', 'session.use_cookies',
              'session.lazy_write', 'session.serialize_handler', 'redis.session.locking_enabled',
              'redis.session.lock_retries', 'redis.session.lock_wait_time', 'redis.session.lock_expire',
              'memcached.sess_locking', 'memcached.sess_persistent', 'memcached.sess_lock_wait_min',
              'memcached.sess_lock_wait_max', 'memcached.sess_lock_retries', 'memcached.sess_lock_expire',
              'wincache.sessionlockwait', 'wincache.scachesize', 'wincache.redis', 'max_execution_time'] as $k) {
        $v = ini_get($k);
        if ($v !== false) echo "$k=$v\n";
    }
} elseif ($op === 'populate') {
    $n = (int)($_GET['n'] ?? 0);
    if ($n < 1 || $n > 100000) fail('n');
    ini_set('session.use_cookies', '0');  // no Set-Cookie header per session created here
    for ($i = 0; $i < $n; $i++) {
        $id = sprintf('sess%028d', $i);
        session_id($id);
        if (!session_start()) fail("session_start $id");
        $_SESSION = bench_payload($id);
        if (!session_write_close()) fail("session_write_close $id");
    }
    session_id(sprintf('sess%028d', 0));
    if (!session_start() || ($_SESSION['sid'] ?? '') !== sprintf('sess%028d', 0)) {
        fail('session 0 did not read back');
    }
    $bytes = strlen(session_encode());
    session_abort();
    echo "populated=$n handler=", session_module_name(), " bytes=$bytes\n";
} else {
    http_response_code(400);
    echo "unknown op\n";
}
