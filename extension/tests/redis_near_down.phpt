--TEST--
wincache.redis ucache=near with Redis unreachable: the user cache fails open (false, one warning per request), locks fail closed, extra_info's near part (no server needed)
--SKIPIF--
<?php include __DIR__ . '/skipif.inc';
require __DIR__ . '/session.inc';
if (sess_php(sys_get_temp_dir(), 'echo (int)wincache_extra_info()["redis"]["available"];') !== '1')
  die('skip built without hiredis'); ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
require __DIR__ . '/session.inc';
$d = sess_dir('redis_near_down');
$s = stream_socket_server('tcp://127.0.0.1:0');
$port = (int)substr(strrchr(stream_socket_get_name($s, false), ':'), 1);
fclose($s);
$code = '
var_dump(wincache_ucache_set("k", 1), wincache_ucache_get("k", $ok), $ok, wincache_ucache_inc("k"),
         wincache_ucache_exists("k"), wincache_ucache_delete("k"), wincache_ucache_get(["a", "b"]));
var_dump(wincache_lock("L"), wincache_unlock("L"));
$n = wincache_extra_info()["redis"]["near"];
echo implode(",", array_keys($n)), "\n";
var_dump($n["enabled"], $n["trusted"], $n["hits"]);
';
echo preg_replace('/:\d+: /', ':PORT: ', sess_php($d, $code, ['wincache.redis' => "\"127.0.0.1:$port?prefix=nd&ucache=near&breaker=0\""])), "\n";
// without ucache=near the user cache stays on this host, whatever wincache.redis says
echo sess_php($d, 'var_dump(wincache_ucache_set("k", 1), wincache_ucache_inc("k"), wincache_extra_info()["redis"]["near"]["enabled"]);',
              ['wincache.redis' => "\"127.0.0.1:$port?prefix=nd\""]), "\n";
sess_cleanup($d);
?>
--EXPECTF--
Warning: wincache_ucache_set(): the user cache on Redis is unavailable: cannot connect to Redis at 127.0.0.1:PORT: Connection refused in %s
bool(false)
bool(false)
bool(false)
bool(false)
bool(false)
bool(false)
array(0) {
}

Warning: wincache_lock(): the lock 'L' is not taken: cannot connect to Redis at 127.0.0.1:PORT: Connection refused in %s
bool(false)
bool(false)
enabled,staleness_ms,epoch,trusted,heartbeat_age_ms,listener_pid,listener_starts,hits,misses,bypasses,guard_rejections,fills,invalidations,flushes,canaries,doubts,breaker,breaker_trips,breaker_skips
bool(true)
bool(false)
int(0)
bool(true)
int(2)
bool(false)
