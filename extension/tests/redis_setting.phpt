--TEST--
wincache.redis: a malformed endpoint, an unreachable Redis, and extra_info's redis part (no server needed)
--SKIPIF--
<?php include __DIR__ . '/skipif.inc';
require __DIR__ . '/session.inc';
if (sess_php(sys_get_temp_dir(), 'echo (int)wincache_extra_info()["redis"]["available"];') !== '1')
  die('skip built without hiredis'); ?>
--INI--
wincache.enablecli=1
session.use_cookies=0
session.save_handler=wincache
--FILE--
<?php
require __DIR__ . '/session.inc';
// each case in a process of its own: wincache.redis is a startup (or per-directory) setting
$d = sess_dir('redis_setting');
function run($endpoint, $code) {
  global $d;
  $t0 = microtime(true);
  $out = sess_php($d, $code, ['wincache.redis' => '"' . $endpoint . '"']);
  return [$out, microtime(true) - $t0];
}
$start = 'session_id("r1"); var_dump(session_start()); $r = wincache_extra_info()["redis"]; echo $r["endpoint_error"], "|", $r["prefix"], "\n";';
foreach (['127.0.0.1:x', 'unix:relative.sock', '127.0.0.1:6379?prefix=', '127.0.0.1:6379?lock_ttl=0',
          '127.0.0.1:6379?nosuch=1', '127.0.0.1:6379?read_timeout=abc', '127.0.0.1:6379?ucache=far',
          '127.0.0.1:6379?ucache=near&staleness=10'] as $e) {
  [$out] = run($e, $start);
  echo "$e\n$out\n";
}
// a port nobody listens on: refused at once, the session does not start, the reason is given
$s = stream_socket_server('tcp://127.0.0.1:0');
$port = (int)substr(strrchr(stream_socket_get_name($s, false), ':'), 1);
fclose($s);
[$out, $secs] = run("127.0.0.1:$port?prefix=app1&connect_timeout=1", $start);
echo preg_replace('/:\d+: /', ':PORT: ', $out), "\n";
var_dump($secs < 5);
// the keys of extra_info()['redis'] (ours; not WinCache's)
[$out] = run("127.0.0.1:$port?prefix=app1", 'echo implode(",", array_keys(wincache_extra_info()["redis"])), "\n", implode(",", array_keys(wincache_extra_info()["redis"]["sessions"]));');
echo $out, "\n";
sess_cleanup($d);
?>
--EXPECTF--
127.0.0.1:x
Warning: session_start(): wincache: wincache.redis = "127.0.0.1:x" is not valid: the port is not a number in 1..65535 in %s

Warning: session_start(): Failed to initialize storage module: wincache (path: %s) in %s
bool(false)
the port is not a number in 1..65535|wincache
unix:relative.sock
Warning: session_start(): wincache: wincache.redis = "unix:relative.sock" is not valid: a unix socket needs an absolute path (unix:/run/redis.sock) in %s

Warning: session_start(): Failed to initialize storage module: wincache (path: %s) in %s
bool(false)
a unix socket needs an absolute path (unix:/run/redis.sock)|wincache
127.0.0.1:6379?prefix=
Warning: session_start(): wincache: wincache.redis = "127.0.0.1:6379?prefix=" is not valid: prefix must have 1..200 characters in %s

Warning: session_start(): Failed to initialize storage module: wincache (path: %s) in %s
bool(false)
prefix must have 1..200 characters|wincache
127.0.0.1:6379?lock_ttl=0
Warning: session_start(): wincache: wincache.redis = "127.0.0.1:6379?lock_ttl=0" is not valid: lock_ttl must be whole seconds in 1..86400 in %s

Warning: session_start(): Failed to initialize storage module: wincache (path: %s) in %s
bool(false)
lock_ttl must be whole seconds in 1..86400|wincache
127.0.0.1:6379?nosuch=1
Warning: session_start(): wincache: wincache.redis = "127.0.0.1:6379?nosuch=1" is not valid: unknown option 'nosuch' in %s

Warning: session_start(): Failed to initialize storage module: wincache (path: %s) in %s
bool(false)
unknown option 'nosuch'|wincache
127.0.0.1:6379?read_timeout=abc
Warning: session_start(): wincache: wincache.redis = "127.0.0.1:6379?read_timeout=abc" is not valid: read_timeout must be in (0, 3600] seconds in %s

Warning: session_start(): Failed to initialize storage module: wincache (path: %s) in %s
bool(false)
read_timeout must be in (0, 3600] seconds|wincache
127.0.0.1:6379?ucache=far
Warning: session_start(): wincache: wincache.redis = "127.0.0.1:6379?ucache=far" is not valid: ucache must be near or local in %s

Warning: session_start(): Failed to initialize storage module: wincache (path: %s) in %s
bool(false)
ucache must be near or local|wincache
127.0.0.1:6379?ucache=near&staleness=10
Warning: session_start(): wincache: wincache.redis = "127.0.0.1:6379?ucache=near&staleness=10" is not valid: staleness must be whole ms in 50..60000 in %s

Warning: session_start(): Failed to initialize storage module: wincache (path: %s) in %s
bool(false)
staleness must be whole ms in 50..60000|wincache
Warning: session_start(): wincache: session r1 could not be read: cannot connect to Redis at 127.0.0.1:PORT: Connection refused in %s

Warning: session_start(): Failed to read session data: wincache (path: %s) in %s
bool(false)
|app1
bool(true)
available,endpoint,endpoint_error,prefix,connects_here,connect_failures_here,commands_here,errors_here,script_loads_here,sessions,near
reads,served_from_host_copy,writes,writes_fenced_off,lock_waits,lock_timeouts,dead_holders_broken,failures
