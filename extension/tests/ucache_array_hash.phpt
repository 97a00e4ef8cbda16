--TEST--
wincache_ucache: hash arrays keep keys, order and value types
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_clear();
$h = ['b' => 1, 'a' => 'x', 10 => 2.5, '' => null, "k\0ey" => false, '-5' => 'neg', 'z' => []];
var_dump(wincache_ucache_set('h', $h));
$got = wincache_ucache_get('h');
var_dump($got === $h);
var_dump(json_encode(array_keys($got)));
var_dump(array_values($got) === array_values($h));
// many string keys
$big = [];
for ($i = 0; $i < 2000; $i++) { $big["key$i"] = $i * 3; }
var_dump(wincache_ucache_set('big', $big));
$got = wincache_ucache_get('big');
var_dump($got === $big, $got['key1999'], array_key_first($got), array_key_last($got));
// a deleted element in the middle (hash with tombstone)
unset($big['key5']);
var_dump(wincache_ucache_set('big', $big));
$got = wincache_ucache_get('big');
var_dump($got === $big, isset($got['key5']), count($got));
?>
--EXPECT--
bool(true)
bool(true)
string(34) "["b","a",10,"","k\u0000ey",-5,"z"]"
bool(true)
bool(true)
bool(true)
int(5997)
string(4) "key0"
string(7) "key1999"
bool(true)
bool(true)
bool(false)
int(1999)
