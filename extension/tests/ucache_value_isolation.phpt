--TEST--
wincache_ucache: stored values are copies, independent of the caller's variables and of fetched copies
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_clear();
$s = 'hello';
wincache_ucache_set('s', $s);
$s .= ' world';
var_dump(wincache_ucache_get('s'));

$a = ['x' => [1, 2], 'y' => 'str'];
wincache_ucache_set('a', $a);
$a['x'][] = 3;
$a['y'] .= '!';
$a['new'] = true;
var_dump(wincache_ucache_get('a'));

$got = wincache_ucache_get('a');
$got['x'][0] = 'mutated';
unset($got['y']);
var_dump(wincache_ucache_get('a') === ['x' => [1, 2], 'y' => 'str']);

$o = new stdClass;
$o->p = 'before';
wincache_ucache_set('o', $o);
$o->p = 'after';
$g1 = wincache_ucache_get('o');
$g2 = wincache_ucache_get('o');
var_dump($g1->p, $g1 === $o, $g1 === $g2, $g1 == $g2);
$g1->p = 'mutated';
var_dump(wincache_ucache_get('o')->p);

// objects inside arrays are snapshotted too
$inner = new stdClass;
$inner->v = 1;
wincache_ucache_set('ao', ['obj' => $inner]);
$inner->v = 2;
var_dump(wincache_ucache_get('ao')['obj']->v);
?>
--EXPECT--
string(5) "hello"
array(2) {
  ["x"]=>
  array(2) {
    [0]=>
    int(1)
    [1]=>
    int(2)
  }
  ["y"]=>
  string(3) "str"
}
bool(true)
string(6) "before"
bool(false)
bool(false)
bool(true)
string(6) "before"
int(1)
