--TEST--
wincache_ucache: nested objects, shared sub-objects and objects in arrays
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
class Node { public $name; public $children = []; public $parent = null;
    function __construct($n) { $this->name = $n; } }
wincache_ucache_clear();
$root = new Node('root');
foreach (['a', 'b', 'c'] as $n) { $c = new Node($n); $c->parent = $root; $root->children[] = $c; }
$root->children[0]->children[] = new Node('a1');
var_dump(wincache_ucache_set('tree', $root));
$t = wincache_ucache_get('tree');
var_dump($t->name, count($t->children), $t->children[0]->children[0]->name);
// back references inside one stored value point to the same fetched instance
var_dump($t->children[1]->parent === $t, $t->children[2]->parent === $t);

$shared = new stdClass; $shared->v = 1;
$holder = ['x' => $shared, 'y' => $shared, 'list' => [$shared]];
var_dump(wincache_ucache_set('h', $holder));
$h = wincache_ucache_get('h');
// (whether the two slots come back as one instance is not specified; WinCache serialized each slot separately)
var_dump($h['x'] == $h['y'], $h['list'][0] == $h['x']);
$h['x']->v = 2;
var_dump(wincache_ucache_get('h')['y']->v);

// objects holding arrays holding objects
$o = new stdClass;
$o->items = [new ArrayObject([1, 2]), ['deep' => new stdClass]];
$o->items[1]['deep']->flag = true;
var_dump(wincache_ucache_set('o', $o));
$g = wincache_ucache_get('o');
var_dump(count($g->items[0]), $g->items[1]['deep']->flag);
?>
--EXPECT--
bool(true)
string(4) "root"
int(3)
string(2) "a1"
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
int(1)
bool(true)
int(2)
bool(true)
