--TEST--
wincache_ucache: resources are rejected (warning + false; array form -1 without warning)
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_clear();
$fp = fopen('php://memory', 'r');
var_dump(wincache_ucache_set('res', $fp));
var_dump(wincache_ucache_add('res', $fp));
var_dump(wincache_ucache_exists('res'));
var_dump(wincache_ucache_set(['r' => $fp, 'ok' => 1]));
var_dump(wincache_ucache_add(['r2' => $fp, 'ok2' => 2]));
var_dump(wincache_ucache_exists('r'), wincache_ucache_exists('r2'), wincache_ucache_get('ok'), wincache_ucache_get('ok2'));
// a resource nested inside an array value: not stored
$r = @wincache_ucache_set('nested', ['fp' => $fp]);
var_dump($r, wincache_ucache_exists('nested'));
// an existing entry survives a rejected overwrite
wincache_ucache_set('keep', 'v');
var_dump(wincache_ucache_set('keep', $fp), wincache_ucache_get('keep'));
fclose($fp);
?>
--EXPECTF--
Warning: wincache_ucache_set(): value cannot be a resource in %s on line %d
bool(false)

Warning: wincache_ucache_add(): value cannot be a resource in %s on line %d
bool(false)
bool(false)
array(1) {
  ["r"]=>
  int(-1)
}
array(1) {
  ["r2"]=>
  int(-1)
}
bool(false)
bool(false)
int(1)
int(2)
bool(false)
bool(false)

Warning: wincache_ucache_set(): value cannot be a resource in %s on line %d
bool(false)
string(1) "v"
