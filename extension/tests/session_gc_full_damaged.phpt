--TEST--
Sessions: gc reclaims idle sessions (not a held one), a full store drops no session, a damaged record is dropped alone
--SKIPIF--
<?php include __DIR__ . '/skipif.inc';
if (!is_readable('/proc/self/maps') || !function_exists('proc_open')) die('skip Linux /proc and proc_open needed'); ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
require __DIR__ . '/session.inc';
$d = sess_dir('gcfull');
$strip = fn($s) => preg_replace('~ in (\S+|Command line code) on line \d+~', '', $s);
echo "-- gc by idle time; a session a live request holds is kept\n";
// gc runs only where the test calls it: with PHP's default session.gc_probability (1/100) the
// holder's or the gc runner's session_start() would now and then collect old1/old2 itself, and
// session_gc() would then find nothing to do.
$nogc = ['session.gc_probability' => 0, 'session.gc_maxlifetime' => 1000];
echo sess_php($d, 'foreach (["old1", "old2", "held1"] as $id) { session_id($id); session_start(); $_SESSION["v"] = $id; session_write_close(); }'), "\n";
foreach (['old1', 'old2', 'held1'] as $id) touch(glob("$d/wincache-*/s_$id")[0], time() - 3600);
// The holder keeps held1 until the test has looked (hold until told, see session.inc): its
// release rewrites held1, which would then be kept for being fresh rather than for being held.
$told = "$d/release_held1";
$holder = sess_popen($d, 'session_id("held1"); session_start(); echo "holding\n"; ' .
                         sess_wait_code($told) . ' session_write_close();', $nogc);
echo fgets($holder);
echo sess_php($d, 'session_id("gcrunner"); session_start(); var_dump(session_gc());', $nogc), "\n";
clearstatcache();
var_dump(glob("$d/wincache-*/s_old*"), count(glob("$d/wincache-*/s_held1")));
// still idle past gc_maxlifetime when gc passed it: being held is what kept it
var_dump(filemtime(glob("$d/wincache-*/s_held1")[0]) < time() - 1000);
sess_tell($told);
echo stream_get_contents($holder);
pclose($holder);
echo "-- a full store (5 MB, 60 sessions of 200 KB): every session is still readable\n";
echo sess_php($d, '
  $big = str_repeat("x", 200 * 1024);
  for ($i = 0; $i < 60; $i++) { session_id("big$i"); session_start(); $_SESSION["b"] = $big . $i; session_write_close(); }
  $ok = 0;
  for ($i = 0; $i < 60; $i++) { session_id("big$i"); session_start(["read_and_close" => true]); $ok += ($_SESSION["b"] ?? "") === $big . $i; }
  var_dump($ok, wincache_extra_info()["sessions"]["evictions"] > 0, wincache_extra_info()["sessions"]["loaded_from_backing_here"] > 0);
', ['wincache.scachesize' => 5]), "\n";
echo "-- a damaged record is dropped on its own, reported; the others stay\n";
echo sess_php($d, 'foreach (["dmg1", "fine1"] as $id) { session_id($id); session_start(); $_SESSION["v"] = $id; session_write_close(); }'), "\n";
$f = glob("$d/wincache-*/s_dmg1")[0];
$bytes = file_get_contents($f);
$bytes[40] = chr(ord($bytes[40]) ^ 0xff);  // in the data of its only intact copy
file_put_contents($f, $bytes);
echo $strip(sess_php($d, '
  session_id("dmg1"); session_start(); var_dump($_SESSION); session_write_close();
  session_id("fine1"); session_start(); var_dump($_SESSION["v"]);
  var_dump(wincache_extra_info()["sessions"]["damaged_records_dropped_here"]);
')), "\n";
echo "-- wincache.scachesize is clamped to 5..85 and shown as clamped\n";
echo sess_php($d, 'var_dump(ini_get("wincache.scachesize"));', ['wincache.scachesize' => 1]), "\n";
echo sess_php($d, 'var_dump(ini_get("wincache.scachesize"));', ['wincache.scachesize' => 100]), "\n";
sess_cleanup($d);
?>
--EXPECTF--
-- gc by idle time; a session a live request holds is kept

holding
int(2)
array(0) {
}
int(1)
bool(true)
-- a full store (5 MB, 60 sessions of 200 KB): every session is still readable
int(60)
bool(true)
bool(true)
-- a damaged record is dropped on its own, reported; the others stay

Warning: session_start(): wincache: the stored record of session dmg1 was damaged (no intact copy: checksum) and has been dropped
array(0) {
}
string(5) "fine1"
int(1)
-- wincache.scachesize is clamped to 5..85 and shown as clamped
string(1) "5"
string(2) "85"
