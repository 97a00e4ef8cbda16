--TEST--
Sessions: strict mode, lazy_write (update_timestamp), regenerate, destroy, create_sid, malformed ids
--SKIPIF--
<?php include __DIR__ . '/skipif.inc';
if (!is_readable('/proc/self/maps')) die('skip Linux /proc needed'); ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
require __DIR__ . '/session.inc';
$d = sess_dir('contract');
$strip = fn($s) => preg_replace('~ in (\S+|Command line code) on line \d+~', '', $s);
echo "-- strict mode on: an unknown id is refused (a new one is made), a known one is kept\n";
echo sess_php($d, 'session_id("known1"); session_start(); $_SESSION["x"] = 1;', ['session.use_strict_mode' => 0]), "\n";
echo sess_php($d, '
  session_id("unknown1"); session_start(); var_dump(session_id() === "unknown1", strlen(session_id())); session_write_close();
  session_id("known1"); session_start(); var_dump(session_id(), $_SESSION["x"]);
', ['session.use_strict_mode' => 1]), "\n";
echo "-- strict mode off: any valid id is taken as is\n";
echo sess_php($d, 'session_id("fresh1"); session_start(); var_dump(session_id());', ['session.use_strict_mode' => 0]), "\n";
echo "-- lazy_write: unchanged data is not rewritten, its idle time starts again\n";
$rec = fn($id) => glob("$d/wincache-*/s_$id")[0] ?? null;
touch($rec('known1'), time() - 100);
clearstatcache();
$before = filemtime($rec('known1'));
echo sess_php($d, 'session_id("known1"); session_start(); session_write_close();', ['session.lazy_write' => 1]), "\n";
clearstatcache();
var_dump(filemtime($rec('known1')) > $before);
echo "-- regenerate (delete old): the old session is gone, the new one has the data\n";
echo sess_php($d, '
  session_id("regen1"); session_start(); $_SESSION["k"] = "v"; session_write_close();
  session_id("regen1"); session_start(); session_regenerate_id(true); $new = session_id();
  session_write_close(); echo "new id ", strlen($new), " chars\n";
  session_id($new); session_start(); var_dump($_SESSION["k"]);
'), "\n";
var_dump($rec('regen1'));
echo "-- destroy\n";
echo sess_php($d, '
  session_id("gone1"); session_start(); $_SESSION["k"] = 1; session_write_close();
  session_id("gone1"); session_start(); var_dump(session_destroy());
  session_id("gone1"); session_start(); var_dump($_SESSION);
'), "\n";
echo "-- create_sid: new ids, never one that exists\n";
echo sess_php($d, '$ids = []; for ($i = 0; $i < 20; $i++) { session_start(); $ids[] = session_id(); $_SESSION["n"] = $i; session_write_close(); session_id(""); } var_dump(count(array_unique($ids)));'), "\n";
echo "-- malformed ids are refused as the files handler refuses them, never stored\n";
echo $strip(sess_php($d, 'session_id("bad/id"); var_dump(session_start());')), "\n";
echo $strip(sess_php($d, 'session_id(str_repeat("a", 300)); var_dump(session_start());')), "\n";
var_dump(count(glob("$d/wincache-*/s_bad*")));
sess_cleanup($d);
?>
--EXPECTF--
-- strict mode on: an unknown id is refused (a new one is made), a known one is kept

bool(false)
int(%d)
string(6) "known1"
int(1)
-- strict mode off: any valid id is taken as is
string(6) "fresh1"
-- lazy_write: unchanged data is not rewritten, its idle time starts again

bool(true)
-- regenerate (delete old): the old session is gone, the new one has the data
new id %d chars
string(1) "v"
NULL
-- destroy
bool(true)
array(0) {
}
-- create_sid: new ids, never one that exists
int(20)
-- malformed ids are refused as the files handler refuses them, never stored
Warning: session_start(): Session ID is too long or contains illegal characters. Only the A-Z, a-z, 0-9, "-", and "," characters are allowed

Warning: session_start(): Failed to read session data: wincache (path: %s)
bool(false)
Warning: session_start(): Session ID is too long or contains illegal characters. Only the A-Z, a-z, 0-9, "-", and "," characters are allowed

Warning: session_start(): Failed to read session data: wincache (path: %s)
bool(false)
int(0)
