--TEST--
wincache_ucache_inc/dec: missing key gives false and is not created; non-int value gives a warning
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_clear();
$ok = 'x';
var_dump(wincache_ucache_inc('missing', 1, $ok), $ok);
var_dump(wincache_ucache_exists('missing'));
$ok = 'x';
var_dump(wincache_ucache_dec('missing', 1, $ok), $ok);
var_dump(wincache_ucache_exists('missing'));
// values that are not ints, including numeric strings and floats
foreach (['str' => 'abc', 'numstr' => '5', 'float' => 1.0, 'arr' => [1], 'null' => null, 'bool' => true] as $k => $v) {
    wincache_ucache_set($k, $v);
    $ok = 'x';
    var_dump(wincache_ucache_inc($k, 1, $ok), $ok);
    var_dump(wincache_ucache_get($k) === $v);
}
var_dump(wincache_ucache_dec('numstr'));
try {
    wincache_ucache_inc('str', 'notanumber');
} catch (TypeError $e) {
    echo get_class($e), "\n";
}
?>
--EXPECTF--
bool(false)
bool(false)
bool(false)
bool(false)
bool(false)
bool(false)

Warning: wincache_ucache_inc(): function can only be called for key whose value is long in %s on line %d
bool(false)
bool(false)
bool(true)

Warning: wincache_ucache_inc(): function can only be called for key whose value is long in %s on line %d
bool(false)
bool(false)
bool(true)

Warning: wincache_ucache_inc(): function can only be called for key whose value is long in %s on line %d
bool(false)
bool(false)
bool(true)

Warning: wincache_ucache_inc(): function can only be called for key whose value is long in %s on line %d
bool(false)
bool(false)
bool(true)

Warning: wincache_ucache_inc(): function can only be called for key whose value is long in %s on line %d
bool(false)
bool(false)
bool(true)

Warning: wincache_ucache_inc(): function can only be called for key whose value is long in %s on line %d
bool(false)
bool(false)
bool(true)

Warning: wincache_ucache_dec(): function can only be called for key whose value is long in %s on line %d
bool(false)
TypeError
