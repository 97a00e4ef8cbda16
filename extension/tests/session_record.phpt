--TEST--
Sessions: a record is rewritten in place (same file) until it outgrows its slots; a torn newest copy reads as the previous one, unreported; a record with no intact copy is dropped
--SKIPIF--
<?php include __DIR__ . '/skipif.inc';
if (!is_readable('/proc/self/maps')) die('skip Linux /proc needed'); ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
require __DIR__ . '/session.inc';
$d = sess_dir('record');
$strip = fn($s) => preg_replace('~ in (\S+|Command line code) on line \d+~', '', $s);
$put = fn($v) => sess_php($d, 'session_id("rec1"); session_start(); $_SESSION["v"] = ' . var_export($v, true) . '; session_write_close();');
// A fresh process each time, and an empty store (another pool id), so the read comes from the file.
$get = fn() => $strip(sess_php($d, 'session_id("rec1"); session_start(["read_and_close" => true]); var_dump(strlen($_SESSION["v"] ?? ""), substr($_SESSION["v"] ?? "", 0, 3));', ['wincache.apppoolid' => 'other' . mt_rand()]));
$file = fn() => glob("$d/wincache-*/s_rec1")[0];

echo "-- the first write creates the file, rewrites reuse it\n";
echo $put(str_repeat('a', 100));
clearstatcache();
$ino = fileinode($file());
$size = filesize($file());
var_dump($size % 1024 === 0);
echo $put(str_repeat('b', 120)), $put(str_repeat('c', 140));
clearstatcache();
var_dump(fileinode($file()) === $ino, filesize($file()) === $size);
echo $get(), "\n";

echo "-- a torn newest copy: the previous value, no warning\n";
$bytes = file_get_contents($file());
$half = strlen($bytes) / 2;
// 'c' went to the slot 'b' was not in: 'a' slot 0, 'b' slot 1, 'c' slot 0.
$bytes[40] = chr(ord($bytes[40]) ^ 0xff);
file_put_contents($file(), $bytes);
echo $get(), "\n";

echo "-- a write after it goes to the torn slot, the intact one stays until it is done\n";
echo $put(str_repeat('d', 150));
echo $get(), "\n";

echo "-- growth past the slot replaces the file\n";
echo $put(str_repeat('e', 5000));
clearstatcache();
var_dump(fileinode($file()) !== $ino, filesize($file()) >= 2 * 5032);
echo $get(), "\n";

echo "-- both copies damaged: dropped and reported\n";
echo $put(str_repeat('f', 4000));
$bytes = file_get_contents($file());
$half = strlen($bytes) / 2;
$bytes[40] = chr(ord($bytes[40]) ^ 0xff);
$bytes[$half + 40] = chr(ord($bytes[$half + 40]) ^ 0xff);
file_put_contents($file(), $bytes);
echo $get(), "\n";
clearstatcache();
var_dump(glob("$d/wincache-*/s_rec1"));
sess_cleanup($d);
?>
--EXPECTF--
-- the first write creates the file, rewrites reuse it
bool(true)
bool(true)
bool(true)
int(140)
string(3) "ccc"
-- a torn newest copy: the previous value, no warning
int(120)
string(3) "bbb"
-- a write after it goes to the torn slot, the intact one stays until it is done
int(150)
string(3) "ddd"
-- growth past the slot replaces the file
bool(true)
bool(true)
int(5000)
string(3) "eee"
-- both copies damaged: dropped and reported
Warning: session_start(): wincache: the stored record of session rec1 was damaged (no intact copy: checksum) and has been dropped
int(0)
string(0) ""
array(0) {
}
