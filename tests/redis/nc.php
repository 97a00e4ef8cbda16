<?php
// tests/redis/nc.php: the page of the near-cache tests (test_redis_near.sh), served by php-fpm
// masters that play separate hosts (wincache.redis with ucache=near). Ends with end=1.
//   op=set&k=K&v=V[&ttl=S][&arr=N]  wincache_ucache_set: ok=, t= (microtime after the call);
//                            arr=N: the value is the array ['v' => V, 'pad' => range(1, N)]
//   op=get&k=K[&n=N]         N gets (default 1): v= (the last; "false" on a miss; an array's 'v'),
//                            hits= (local hits during the call, from the host's counters), zc=
//                            (this process's zero-copy hand-outs during the call), rej= (the
//                            host's guard rejections during the call), zcmode= (ucache_zero_copy)
//   op=poll&k=K&old=V&ms=N   get until the value is not V (at most N ms): v=, t= (when seen)
//   op=writer&k=K&ms=N       wincache_ucache_inc(K) for N ms; the log (end time, value) to log=F
//   op=reader&k=K&ms=N       get(K) for N ms; the log (start, end, value) to log=F
//   op=incs&k=K&n=N&d=D      N times inc (d=1) or dec (d=-1): ok= (successful calls)
//   op=rmw&k=K&n=N           N times get+set(v+1) (the lost-update control): done=
//   op=lock&name=L&ms=N      wincache_lock, hold N ms, unlock: got=, released=, t0=, t1=
//   op=info                  wincache_extra_info()['redis']['near'] as key=value lines
$q = $_GET;
$warnings = [];
set_error_handler(function ($no, $msg) use (&$warnings) { $warnings[] = $msg; return true; });
header('Content-Type: text/plain');
$k = $q['k'] ?? 'k';
$near = function () { return wincache_extra_info()['redis']['near'] ?? []; };
$show = function ($v) {
  if (is_array($v) && isset($v['v'], $v['pad'])) return $v['v'] . '/' . count($v['pad']);
  return $v === false ? 'false' : (is_scalar($v) ? (string)$v : json_encode($v));
};
switch ($q['op'] ?? '') {
  case 'set':
    $v = is_numeric($q['v']) ? (int)$q['v'] : $q['v'];
    if (isset($q['arr'])) $v = ['v' => $v, 'pad' => range(1, (int)$q['arr'])];
    $ok = wincache_ucache_set($k, $v, (int)($q['ttl'] ?? 0));
    echo "ok=", (int)$ok, "\nt=", sprintf('%.6f', microtime(true)), "\n";
    break;
  case 'get':
    $h0 = $near()['hits'] ?? 0;
    $r0 = $near()['guard_rejections'] ?? 0;
    $z0 = wincache_extra_info()['ucache']['zero_copy_gets'] ?? 0;
    for ($i = 0, $n = (int)($q['n'] ?? 1); $i < $n; $i++) $v = wincache_ucache_get($k);
    $x = wincache_extra_info()['ucache'];
    echo "v=", $show($v), "\nhits=", ($near()['hits'] ?? 0) - $h0, "\nzc=", ($x['zero_copy_gets'] ?? 0) - $z0,
      "\nrej=", ($near()['guard_rejections'] ?? 0) - $r0, "\nzcmode=", (int)($x['zero_copy'] ?? 0), "\n";
    break;
  case 'poll':
    $end = microtime(true) + (int)$q['ms'] / 1000;
    do { $v = wincache_ucache_get($k); $t = microtime(true); } while ($show($v) === $q['old'] && $t < $end && usleep(1000) === null);
    echo "v=", $show($v), "\nt=", sprintf('%.6f', $t), "\n";
    break;
  case 'writer':
  case 'reader':
    $end = microtime(true) + (int)$q['ms'] / 1000;
    $log = fopen($q['log'], 'a');
    while (($t0 = microtime(true)) < $end) {
      $v = $q['op'] === 'writer' ? wincache_ucache_inc($k) : wincache_ucache_get($k);
      fwrite($log, sprintf("%.6f %.6f %s\n", $t0, microtime(true), $show($v)));
      usleep($q['op'] === 'writer' ? 3000 : 200);
    }
    fclose($log);
    break;
  case 'incs':
    $ok = 0;
    for ($i = 0, $n = (int)$q['n']; $i < $n; $i++)
      $ok += ((int)$q['d'] > 0 ? wincache_ucache_inc($k) : wincache_ucache_dec($k)) !== false;
    echo "ok=$ok\n";
    break;
  case 'rmw':
    for ($i = 0, $n = (int)$q['n']; $i < $n; $i++) wincache_ucache_set($k, (int)wincache_ucache_get($k) + 1);
    echo "done=1\n";
    break;
  case 'lock':
    $t0 = microtime(true);
    $got = wincache_lock($q['name']);
    $t1 = microtime(true);
    if ($got) usleep((int)$q['ms'] * 1000);
    $rel = $got ? wincache_unlock($q['name']) : false;
    printf("got=%d\nreleased=%d\nt0=%.6f\nt1=%.6f\n", $got, $rel, $t0, $t1);
    break;
  case 'info':
    foreach ($near() as $key => $v) echo "$key=", $show($v), "\n";
    break;
}
foreach ($warnings as $w) echo "warning=", str_replace("\n", ' ', $w), "\n";
echo "end=1\n";
