--TEST--
wincache_ucache: references inside a stored array keep their aliasing within the value; the stored copy never aliases the caller's variables
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_clear();
$x = 1;
$arr = ['a' => &$x, 'b' => 2];
var_dump(wincache_ucache_set('r', $arr));
$x = 99;                 // write through the reference after storing
$arr['b'] = 3;
var_dump(wincache_ucache_get('r'));

// a reference inside a nested packed array
$y = 'orig';
$nested = [[1, &$y], ['k' => [&$y]]];
var_dump(wincache_ucache_set('n', $nested));
$y = 'changed';
$got = wincache_ucache_get('n');
var_dump($got[0][1], $got['1']['k'][0]);
$got[0][1] = 'aliased';              // the two slots are one reference in the fetched copy too
var_dump($got[1]['k'][0]);

// two slots referencing the same variable
$z = 10;
$two = [&$z, &$z];
var_dump(wincache_ucache_set('two', $two));
$z = 20;
$got = wincache_ucache_get('two');
var_dump($got[0], $got[1]);
// whatever the fetched copy does, the cache is unaffected
$got[0] = 30;
var_dump($got[1]);
$again = wincache_ucache_get('two');
var_dump($again[0], $again[1]);

// a reference to an array
$inner = [1, 2];
$outer = ['in' => &$inner];
var_dump(wincache_ucache_set('ra', $outer));
$inner[] = 3;
var_dump(count(wincache_ucache_get('ra')['in']));

// array form of set with a reference value
$v = 'first';
$multi = ['m1' => &$v, 'm2' => 'plain'];
var_dump(wincache_ucache_set($multi));
$v = 'second';
var_dump(wincache_ucache_get('m1'));
// a reference held in an object property
$p = 'prop';
$obj = new stdClass;
$obj->r = &$p;
var_dump(wincache_ucache_set('objref', $obj));
$p = 'changed';
var_dump(wincache_ucache_get('objref')->r);
// the issue's case: an element referencing another element of the same array
$a = ['x' => 1];
$a['y'] = &$a['x'];
var_dump(wincache_ucache_set('self', $a));
$a['x'] = 7;                          // the caller's later write does not reach the cache
$got = wincache_ucache_get('self');
var_dump($got['x'], $got['y']);
$got['y'] = 5;
var_dump($got['x']);
// serialize() agrees on the aliasing
$s = unserialize(serialize(wincache_ucache_get('self')));
$s['y'] = 6;
var_dump($s['x']);
echo "done\n";
?>
--EXPECT--
bool(true)
array(2) {
  ["a"]=>
  int(1)
  ["b"]=>
  int(2)
}
bool(true)
string(4) "orig"
string(4) "orig"
string(7) "aliased"
bool(true)
int(10)
int(10)
int(30)
int(10)
int(10)
bool(true)
int(2)
array(0) {
}
string(5) "first"
bool(true)
string(4) "prop"
bool(true)
int(1)
int(1)
int(5)
int(6)
done
