--TEST--
wincache_ucache_inc/dec: change an existing int entry and return the new value
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_clear();
var_dump(wincache_ucache_set('c', 0));
var_dump(wincache_ucache_inc('c'));
var_dump(wincache_ucache_inc('c', 10));
var_dump(wincache_ucache_dec('c'));
var_dump(wincache_ucache_dec('c', 5));
var_dump(wincache_ucache_inc('c', -20));
var_dump(wincache_ucache_dec('c', -4));
var_dump(wincache_ucache_inc('c', 0));
var_dump(wincache_ucache_get('c'));
$ok = null;
var_dump(wincache_ucache_inc('c', 1, $ok), $ok);
$ok = null;
var_dump(wincache_ucache_dec('c', 1, $ok), $ok);
// the entry keeps its ttl and type
wincache_ucache_set('t', 5, 100);
wincache_ucache_inc('t', 2);
$e = wincache_ucache_info(false, 't')['ucache_entries'][1];
var_dump($e['value_type'], $e['ttl_seconds'], wincache_ucache_get('t'));
// large values
wincache_ucache_set('big', PHP_INT_MAX - 1);
var_dump(wincache_ucache_inc('big'));
wincache_ucache_set('small', PHP_INT_MIN + 1);
var_dump(wincache_ucache_dec('small'));
// overflow wraps around like WinCache's C arithmetic
wincache_ucache_set('wrap', PHP_INT_MAX);
var_dump(wincache_ucache_inc('wrap'), wincache_ucache_dec('wrap'));
// many increments
wincache_ucache_set('loop', 0);
for ($i = 0; $i < 1000; $i++) { wincache_ucache_inc('loop'); }
var_dump(wincache_ucache_get('loop'));
$p = (new ReflectionFunction('wincache_ucache_inc'))->getParameters();
var_dump(count($p), $p[2]->isPassedByReference());
?>
--EXPECT--
bool(true)
int(1)
int(11)
int(10)
int(5)
int(-15)
int(-11)
int(-11)
int(-11)
int(-10)
bool(true)
int(-11)
bool(true)
string(4) "long"
int(100)
int(7)
int(9223372036854775807)
int(-9223372036854775808)
int(-9223372036854775808)
int(9223372036854775807)
int(1000)
int(3)
bool(true)
