--TEST--
wincache_ucache: keys up to 4096 bytes work, longer keys fail without a warning
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_clear();
$k4096 = str_repeat('k', 4096);
$k4097 = str_repeat('k', 4097);
var_dump(wincache_ucache_set($k4096, 'max'));
var_dump(wincache_ucache_get($k4096), wincache_ucache_exists($k4096));
var_dump(wincache_ucache_set($k4097, 'over'));
var_dump(wincache_ucache_add($k4097, 'over'));
var_dump(wincache_ucache_get($k4097), wincache_ucache_exists($k4097));
var_dump(wincache_ucache_get($k4097, $ok), $ok);
var_dump(wincache_ucache_delete($k4097));
$r = wincache_ucache_set([$k4097 => 1, 'short' => 2]);
var_dump(count($r), $r[$k4097], wincache_ucache_get('short'));
$r = wincache_ucache_add([$k4097 => 1, 'short2' => 2]);
var_dump(count($r), $r[$k4097]);
$info = wincache_ucache_info(false, $k4096);
var_dump(strlen($info['ucache_entries'][1]['key_name']));
var_dump(wincache_ucache_delete($k4096), wincache_ucache_exists($k4096));
?>
--EXPECT--
bool(true)
string(3) "max"
bool(true)
bool(false)
bool(false)
bool(false)
bool(false)
bool(false)
bool(false)
bool(false)
int(1)
int(-1)
int(2)
int(1)
int(-1)
int(4096)
bool(true)
bool(false)
