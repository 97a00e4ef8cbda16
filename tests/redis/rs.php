<?php
// tests/redis/rs.php: the page of the Redis session tests (test_redis_sessions.sh), served by
// php-fpm masters that play separate hosts. Every answer ends with end=1 when it ran to the end.
//   op=inc&sid=S[&ms=N][&item=I]  start S, n += 1, append item I, hold N ms, write: n=, wrote=
//   op=get&sid=S                  read_and_close: n=, items=, data= (json), host_copy= (served
//                                 from this host's copy so far, this worker)
//   op=set&sid=S&v=V              start, $_SESSION['v'] = V, write: wrote=
//   op=hold&sid=S&ms=N&pidfile=F  start S, write this pid to F, hold N ms, set v=held, write
//   op=late&sid=S&ms=N&v=V        start S, hold N ms, set v=V, write: wrote= (false: fenced off)
//   op=setobj&sid=S&v=V           v=V and an object whose __wakeup() times out on op=boom
//   op=boom&sid=S                 session_start() whose decode ends on max_execution_time
//   op=touch&sid=S                start S, change nothing, write_close: wrote=
//   op=strict&sid=S               strict mode start with the id S: id= (the id in use)
//   op=destroy&sid=S              start S, session_destroy: destroyed=
//   op=info                       wincache_extra_info()['redis'] as json
// lw=S sets wincache.sessionlockwait; h=phpredis&rport=P uses php8.2-redis's handler instead.
// A value whose decode ends the request when the query says so (op=boom): max_execution_time
// inside session_start()'s decode (a bailout) must neither wipe nor destroy the stored session.
class Boom {
  public $n = 1;
  public function __wakeup() {
    if (!empty($GLOBALS['boom'])) { set_time_limit(1); for (;;) {} }
  }
}
$boom = ($_GET['op'] ?? '') === 'boom';
ini_set('session.use_cookies', '0');
ini_set('session.cache_limiter', '');
$q = $_GET;
$op = $q['op'] ?? '';
if (isset($q['lw'])) ini_set('wincache.sessionlockwait', $q['lw']);
if (($q['h'] ?? '') === 'phpredis') {  // the control: php8.2-redis's handler, its defaults
  ini_set('session.save_handler', 'redis');
  ini_set('session.save_path', 'tcp://127.0.0.1:' . (int)$q['rport']);
}
$warnings = [];
set_error_handler(function ($no, $msg) use (&$warnings) { $warnings[] = $msg; return true; });
header('Content-Type: text/plain');
$t0 = microtime(true);
$start = function ($sid, $opts = []) use (&$t0) {
  session_id($sid);
  $t0 = microtime(true);
  $ok = @session_start($opts);
  echo "started=", $ok ? 1 : 0, "\n";
  echo "start_ms=", (int)round((microtime(true) - $t0) * 1000), "\n";
  return $ok;
};
// session_write_close() is true even when the handler refused the write (PHP only warns
// "Failed to write session data"): a write counts as done only without that warning.
$close = function () use (&$warnings) {
  $r = session_write_close();
  foreach ($warnings as $w) if (strpos($w, 'Failed to write session data') !== false) return false;
  return $r;
};
switch ($op) {
  case 'inc':
    if ($start($q['sid'])) {
      $_SESSION['n'] = ($_SESSION['n'] ?? 0) + 1;
      if (isset($q['item'])) $_SESSION['items'][] = $q['item'];
      if (!empty($q['ms'])) usleep((int)$q['ms'] * 1000);
      $w = $close();
      echo "n=", $_SESSION['n'], "\nwrote=", $w ? 1 : 0, "\n";
    }
    break;
  case 'get':
    if ($start($q['sid'], ['read_and_close' => true])) {
      echo "n=", $_SESSION['n'] ?? 0, "\n";
      echo "items=", implode(',', $_SESSION['items'] ?? []), "\n";
      echo "v=", $_SESSION['v'] ?? '', "\n";
    }
    $i = wincache_extra_info();
    echo "host_copy=", is_array($i) ? $i['redis']['sessions']['served_from_host_copy'] : -1, "\n";
    break;
  case 'set':
    if ($start($q['sid'])) {
      $_SESSION['v'] = $q['v'];
      echo "wrote=", $close() ? 1 : 0, "\n";
    }
    break;
  case 'hold':
    if ($start($q['sid'])) {
      file_put_contents($q['pidfile'] . '.tmp', getmypid());
      rename($q['pidfile'] . '.tmp', $q['pidfile']);
      usleep((int)$q['ms'] * 1000);
      $_SESSION['v'] = 'held';
      echo "wrote=", $close() ? 1 : 0, "\n";
    }
    break;
  case 'setobj':  // v=V and a Boom object
    if ($start($q['sid'])) {
      $_SESSION = ['o' => new Boom(), 'v' => $q['v']];  // the object first: v is decoded after it
      echo "wrote=", $close() ? 1 : 0, "\n";
    }
    break;
  case 'boom':  // session_start() whose decode calls exit() in Boom::__wakeup
    $start($q['sid']);
    break;
  case 'touch':  // unchanged data: with lazy_write, PHP calls update_timestamp
    if ($start($q['sid'])) echo "wrote=", $close() ? 1 : 0, "\n";
    break;
  case 'late':
    if ($start($q['sid'])) {
      usleep((int)$q['ms'] * 1000);
      $_SESSION['v'] = $q['v'];
      echo "wrote=", $close() ? 1 : 0, "\n";
    }
    break;
  case 'strict':
    ini_set('session.use_strict_mode', '1');
    if ($start($q['sid'])) {
      echo "id=", session_id(), "\n";
      $_SESSION['v'] = 'strict';
      session_write_close();
    }
    break;
  case 'destroy':
    if ($start($q['sid'])) echo "destroyed=", session_destroy() ? 1 : 0, "\n";
    break;
  case 'info':
    echo "info=", json_encode(wincache_extra_info()['redis'] ?? null), "\n";
    break;
}
echo "ms=", (int)round((microtime(true) - $t0) * 1000), "\n";
foreach ($warnings as $w) echo "warning=", str_replace("\n", ' ', $w), "\n";
echo "end=1\n";
