--TEST--
zero-copy: an array that contains itself through a reference held once is never stored as an image (it would be cyclic: the copy path and the dumpers would follow it forever)
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
wincache.ucache_zero_copy=1
wincache.protect_memory=1
--FILE--
<?php
$a = ['x'];
$a[] = &$a;
$v = $a;      // $v's table holds the reference, whose value is that same table
unset($a);    // the reference is now held once: it no longer looks like an alias
var_dump(wincache_ucache_set('cyc', $v));
var_dump(wincache_ucache_get('cyc'));
var_dump(wincache_ucache_set('fine', ['x', ['y']]), wincache_ucache_get('fine') === ['x', ['y']]);
?>
--EXPECTF--
Warning: wincache_ucache_set(): value is nested deeper than %d levels in %s on line %d
bool(false)
bool(false)
bool(true)
bool(true)
