--TEST--
wincache_ucache: nested arrays (deep and wide) round trip
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_clear();
$deep = 'bottom';
for ($i = 0; $i < 64; $i++) { $deep = ['level' => $i, 'next' => $deep, 'list' => [$i, $i + 1]]; }
var_dump(wincache_ucache_set('deep', $deep));
$got = wincache_ucache_get('deep');
var_dump($got === $deep);
$x = $got; $n = 0;
while (is_array($x)) { $x = $x['next']; $n++; }
var_dump($n, $x);

$wide = [];
for ($i = 0; $i < 200; $i++) { $wide["k$i"] = ['id' => $i, 'tags' => ["t$i", "u$i"], 'n' => [$i => [$i]]]; }
var_dump(wincache_ucache_set('wide', $wide));
var_dump(wincache_ucache_get('wide') === $wide);

// the same inner array stored twice inside one value
$inner = ['shared' => range(1, 10)];
$outer = ['a' => $inner, 'b' => $inner, 'c' => [$inner, $inner]];
var_dump(wincache_ucache_set('outer', $outer));
$got = wincache_ucache_get('outer');
var_dump($got === $outer);
$got['a']['shared'][0] = 'changed';
var_dump($got['b']['shared'][0], $got['c'][1]['shared'][0]);
var_dump(wincache_ucache_get('outer') === $outer);
?>
--EXPECT--
bool(true)
bool(true)
int(64)
string(6) "bottom"
bool(true)
bool(true)
bool(true)
bool(true)
int(1)
int(1)
bool(true)
