--TEST--
Sessions: the handler is chosen with ini_set() (as in .user.ini) where PHP allows session.save_handler
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
wincache.apppoolid=phpt_session_ini_set
session.save_handler=files
session.use_cookies=0
session.cache_limiter=
--FILE--
<?php
$d = sys_get_temp_dir() . '/wcsess_iniset_' . getmypid();
@mkdir($d, 0700);
ini_set('session.save_path', $d);   // before any output: PHP refuses session settings after it
$old = ini_set('session.save_handler', 'wincache');
var_dump($old, ini_get('session.save_handler'));
session_id('iniset1');
var_dump(session_start());
$_SESSION['k'] = 'v';
session_write_close();
var_dump(count(glob("$d/wincache-*/s_iniset1")), count(glob("$d/sess_*")));
foreach (glob("$d/wincache-*/*") as $f) unlink($f);
foreach (glob("$d/wincache-*") as $f) rmdir($f);
rmdir($d);
?>
--EXPECT--
string(5) "files"
string(8) "wincache"
bool(true)
int(1)
int(0)
