--TEST--
Sessions: session.save_handler = wincache stores, reads back in a new process, and keeps WinCache's info shapes
--SKIPIF--
<?php include __DIR__ . '/skipif.inc';
if (!is_readable('/proc/self/maps')) die('skip Linux /proc needed'); ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
require __DIR__ . '/session.inc';
$d = sess_dir('basic');
echo sess_php($d, '
  var_dump(ini_get("session.save_handler"));
  session_id("basic1"); var_dump(session_start());
  $_SESSION["a"] = [1, "two", 3.5]; $_SESSION["o"] = new ArrayObject([4]);
  var_dump(session_write_close());
  $i = wincache_scache_info();
  var_dump(array_keys($i), $i["is_local_cache"], $i["total_item_count"]);
  var_dump(array_keys($i["scache_entries"][1]), $i["scache_entries"][1]["key_name"],
           $i["scache_entries"][1]["value_type"], $i["scache_entries"][1]["ttl_seconds"]);
  var_dump(array_keys(wincache_scache_meminfo()), wincache_scache_info(true)["scache_entries"]);
'), "\n";
// another process (the first one's shared memory is gone with it: the backing has the session)
echo sess_php($d, 'session_id("basic1"); session_start(); var_dump($_SESSION["a"], $_SESSION["o"]->count());'), "\n";
// the backing: one private record in a private directory of ours
$files = glob("$d/wincache-*/s_basic1");
var_dump(count($files), substr(sprintf('%o', fileperms($files[0])), -3),
         substr(sprintf('%o', fileperms(dirname($files[0]))), -3));
// a process that never opened a session: WinCache's zeros
echo sess_php($d, 'var_dump(wincache_scache_info()["total_item_count"], wincache_scache_meminfo()["memory_total"]);'), "\n";
sess_cleanup($d);
?>
--EXPECT--
string(8) "wincache"
bool(true)
bool(true)
array(6) {
  [0]=>
  string(18) "total_cache_uptime"
  [1]=>
  string(14) "is_local_cache"
  [2]=>
  string(16) "total_item_count"
  [3]=>
  string(15) "total_hit_count"
  [4]=>
  string(16) "total_miss_count"
  [5]=>
  string(14) "scache_entries"
}
bool(false)
int(1)
array(6) {
  [0]=>
  string(8) "key_name"
  [1]=>
  string(10) "value_type"
  [2]=>
  string(10) "value_size"
  [3]=>
  string(11) "ttl_seconds"
  [4]=>
  string(11) "age_seconds"
  [5]=>
  string(8) "hitcount"
}
string(6) "basic1"
string(6) "string"
int(1440)
array(5) {
  [0]=>
  string(12) "memory_total"
  [1]=>
  string(11) "memory_free"
  [2]=>
  string(13) "num_used_blks"
  [3]=>
  string(13) "num_free_blks"
  [4]=>
  string(15) "memory_overhead"
}
array(0) {
}
array(3) {
  [0]=>
  int(1)
  [1]=>
  string(3) "two"
  [2]=>
  float(3.5)
}
int(1)
int(1)
string(3) "600"
string(3) "700"
int(0)
int(0)
