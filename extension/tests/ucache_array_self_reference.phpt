--TEST--
Defect 6: a self-referencing array is stored once per array (no endless walk), aliasing kept
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
max_execution_time=20
--FILE--
<?php
$a = [];
$a[0] = &$a;
$a[1] = &$a;
var_dump(wincache_ucache_set('self', $a));
$got = wincache_ucache_get('self', $ok);
var_dump($ok, count($got), is_array($got[0]), is_array($got[0][1][0][1]));
$got[0]['marker'] = 'm';              // both slots are the same reference
var_dump($got[1]['marker']);
// the same with an object inside (the serializer path walks it once too)
$b = ['o' => new stdClass];
$b['me'] = &$b;
$b['me2'] = &$b;
var_dump(wincache_ucache_set('self_obj', $b));
$got = wincache_ucache_get('self_obj');
var_dump(get_class($got['o']), is_array($got['me']['me2']['me']));
// a resource deep inside such a structure is still found (and refused)
$c = ['f' => [1]];
$c['loop'] = &$c;
$c['loop2'] = &$c;
$c['f'][] = new stdClass;
$c['f'][] = STDIN;
var_dump(@wincache_ucache_set('self_res', $c), wincache_ucache_exists('self_res'));
?>
--EXPECT--
bool(true)
bool(true)
int(2)
bool(true)
bool(true)
string(1) "m"
bool(true)
string(8) "stdClass"
bool(true)
bool(false)
bool(false)
