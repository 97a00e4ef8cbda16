--TEST--
wincache_ucache: scalar values keep type and value (null, bool, int, float)
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_clear();
$values = [
    'null' => null,
    'true' => true,
    'false' => false,
    'zero' => 0,
    'int' => 42,
    'neg' => -17,
    'max' => PHP_INT_MAX,
    'min' => PHP_INT_MIN,
    'float' => 3.25,
    'negzero' => -0.0,
    'tiny' => 1.0E-300,
    'inf' => INF,
    'ninf' => -INF,
];
foreach ($values as $k => $v) {
    var_dump(wincache_ucache_set($k, $v));
}
foreach ($values as $k => $v) {
    $ok = null;
    $got = wincache_ucache_get($k, $ok);
    echo $k, ': ';
    var_dump($ok, $got === $v || (is_float($v) && is_nan($v) && is_nan($got)));
    var_dump($got);
}
var_dump(wincache_ucache_set('nan', NAN));
$got = wincache_ucache_get('nan', $ok);
var_dump($ok, is_float($got) && is_nan($got));
// a stored null/false is distinguishable from a miss only through $success
var_dump(wincache_ucache_get('false', $ok), $ok);
var_dump(wincache_ucache_get('nosuch', $ok), $ok);
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
null: bool(true)
bool(true)
NULL
true: bool(true)
bool(true)
bool(true)
false: bool(true)
bool(true)
bool(false)
zero: bool(true)
bool(true)
int(0)
int: bool(true)
bool(true)
int(42)
neg: bool(true)
bool(true)
int(-17)
max: bool(true)
bool(true)
int(9223372036854775807)
min: bool(true)
bool(true)
int(-9223372036854775808)
float: bool(true)
bool(true)
float(3.25)
negzero: bool(true)
bool(true)
float(-0)
tiny: bool(true)
bool(true)
float(1.0E-300)
inf: bool(true)
bool(true)
float(INF)
ninf: bool(true)
bool(true)
float(-INF)
bool(true)
bool(true)
bool(true)
bool(false)
bool(true)
bool(false)
bool(false)
