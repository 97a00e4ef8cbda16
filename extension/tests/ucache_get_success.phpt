--TEST--
wincache_ucache_get: the $success by-reference parameter
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_clear();
$ok = 'untouched';
var_dump(wincache_ucache_get('missing', $ok), $ok);
wincache_ucache_set('f', false);
$ok = 'untouched';
var_dump(wincache_ucache_get('f', $ok), $ok);
wincache_ucache_set('v', 'value');
var_dump(wincache_ucache_get('v', $ok), $ok);
var_dump(wincache_ucache_get('missing', $ok), $ok);
// an undefined variable is created
var_dump(wincache_ucache_get('v', $fresh), $fresh);
// an array element
$arr = [];
wincache_ucache_get('v', $arr['s']);
var_dump($arr);
// through a reference
$target = null;
$ref = &$target;
wincache_ucache_get('v', $ref);
var_dump($target);
// the parameter is declared by reference
$p = (new ReflectionFunction('wincache_ucache_get'))->getParameters();
var_dump(count($p), $p[1]->isPassedByReference(), $p[1]->isOptional());
?>
--EXPECT--
bool(false)
bool(false)
bool(false)
bool(true)
string(5) "value"
bool(true)
bool(false)
bool(false)
string(5) "value"
bool(true)
array(1) {
  ["s"]=>
  bool(true)
}
bool(true)
int(2)
bool(true)
bool(true)
