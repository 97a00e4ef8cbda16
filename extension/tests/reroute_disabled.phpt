--TEST--
reroute: wincache.reroute_enabled=0 (the default) changes nothing: every call goes to PHP's own function, nothing is answered from the cache or invalidated, and the setting cannot be changed at run time (PHP_INI_SYSTEM|PHP_INI_PERDIR, as WinCache)
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
include __DIR__ . '/fcache.inc';
include __DIR__ . '/reroute.inc';
$d = wc_dir('rroff');
wc_write("$d/a.txt", "abc\n");
var_dump(ini_get('wincache.reroute_enabled'), ini_set('wincache.reroute_enabled', '1'));
// 8 calls below (wc_write renamed too): all passed to PHP.
for ($i = 0; $i < 3; $i++) $r = file_get_contents("$d/a.txt");
ob_start(); $n = readfile("$d/a.txt"); $o = ob_get_clean();
var_dump($r, $n, $o, rename("$d/a.txt", "$d/b.txt"), unlink("$d/b.txt"), @file_get_contents("$d/b.txt"));
$x = rr();
unset($x['functions']);
var_dump($x);
--EXPECT--
string(1) "0"
bool(false)
string(4) "abc
"
int(4)
string(4) "abc
"
bool(true)
bool(true)
bool(false)
array(8) {
  ["enabled"]=>
  bool(false)
  ["installed"]=>
  bool(true)
  ["hits_here"]=>
  int(0)
  ["loads_here"]=>
  int(0)
  ["verified_here"]=>
  int(0)
  ["passed_here"]=>
  int(8)
  ["forgotten_here"]=>
  int(0)
  ["refreshes_here"]=>
  int(0)
}
