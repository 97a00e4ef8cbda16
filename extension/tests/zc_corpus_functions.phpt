--TEST--
zero-copy corpus: array_* functions, internal pointer, iterators, generators, extract/compact (read-only segment)
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; if (PHP_OS_FAMILY === 'Windows') die('skip POSIX read-only mode'); ?>
--INI--
wincache.enablecli=1
wincache.ucache_zero_copy=1
wincache.protect_memory=1
--FILE--
<?php
include __DIR__ . '/zc.inc';
zc_setup();
zc_check('array_walk array_walk_recursive', function ($v) { array_walk($v['list'], function (&$x, $k) { $x = $x * 10 + $k; }); array_walk_recursive($v['nested'], function (&$x) { $x = is_int($x) ? $x + 1 : strtoupper($x); }); return $v; });
zc_check('array_splice', function ($v) { $cut = array_splice($v['list'], 2, 3, ['a', 'b']); array_splice($v['strs'], 1, 0, 'ins'); return [$cut, $v['list'], $v['strs']]; });
zc_check('push pop shift unshift', function ($v) { array_push($v['list'], 'p1', 'p2'); $p = array_pop($v['map']); $s = array_shift($v['strs']); array_unshift($v['list'], 'u'); $e = array_pop($v['empty']); return [$v['list'], $v['map'], $v['strs'], $p, $s, $e]; });
zc_check('merge values keys flip', function ($v) { return [array_merge($v['list'], $v['map']), array_merge($v['map']), array_values($v['map']), array_keys($v), array_flip($v['strs']), array_merge_recursive($v['nested'], $v['nested']), array_replace($v['map'], ['a' => 'r']), $v['map'] + $v['list']]; });
zc_check('map filter reduce reverse slice', function ($v) { return [array_map(fn($x) => $x * 2, $v['list']), array_filter($v['list'], fn($x) => $x % 2), array_reduce($v['list'], fn($c, $x) => $c + $x, 0), array_reverse($v['map'], true), array_slice($v['list'], 3, 4), array_slice($v['map'], 1, 2, true), array_map(null, $v['list'], $v['list'])]; });
zc_check('search keys columns unique counts', function ($v) { return [array_search(5, $v['list']), in_array('abc', $v['strs'], true), array_key_exists('b', $v['map']), isset($v['nested']['x']['y']['z']), array_column($v['rows'], 'name', 'id'), array_unique($v['strs']), array_count_values($v['strs']), array_key_first($v), array_key_last($v['map']), array_sum($v['list']), array_product(array_slice($v['list'], 0, 5)), count($v, COUNT_RECURSIVE), max($v['list']), min($v['map'])]; });
zc_check('combine fill chunk pad diff intersect', function ($v) { return [array_combine($v['strs'], $v['strs']), array_fill_keys($v['strs'], 0), array_chunk($v['list'], 6, true), array_pad($v['map'], 6, 'p'), array_diff($v['list'], [1, 2]), array_diff_key($v['map'], ['a' => 1]), array_intersect($v['strs'], ['abc']), array_intersect_key($v, ['list' => 1]), array_diff_assoc($v['map'], $v['map'])]; });
zc_check('implode explode str keys', function ($v) { return [implode(',', $v['list']), implode('|', $v['strs']), array_map('strrev', $v['strs']), array_is_list($v['list']), array_is_list($v['holes'])]; });
zc_check('current next reset end key prev', function ($v) { $o = [current($v['list']), next($v['list']), next($v['list']), key($v['list']), prev($v['list']), end($v['map']), key($v['map']), reset($v['map']), current($v['empty']), end($v['holes']), key($v['holes'])]; return $o; });
zc_check('internal pointer on temporaries', function ($v) { return [current(zc_get()['list']), key(zc_get()['map']), current(zc_get())]; });
zc_check('each-style loop', function ($v) { $o = []; $a = $v['map']; reset($a); while (($k = key($a)) !== null) { $o[] = $k . '=' . current($a); next($a); } return $o; });
zc_check('ArrayIterator', function ($v) { $it = new ArrayIterator($v['map']); $o = []; foreach ($it as $k => $x) { $o[$k] = $x; } $it['z'] = 26; $it->offsetUnset('a'); $it->ksort(); return [$o, $it->getArrayCopy(), count($it)]; });
zc_check('ArrayObject', function ($v) { $ao = new ArrayObject($v); $ao['new'] = 1; $ao->append('x'); $old = $ao->exchangeArray($v['list']); $ao[] = 'y'; return [$ao->getArrayCopy(), count($old), isset($old['new'])]; });
zc_check('RecursiveIteratorIterator', function ($v) { $o = []; foreach (new RecursiveIteratorIterator(new RecursiveArrayIterator($v['nested'])) as $k => $x) { $o[] = "$k:$x"; } return $o; });
zc_check('generators and yield from', function ($v) { $g = function ($a) { yield from $a; yield 'end' => 1; }; $h = function ($a) { foreach ($a as $k => $x) { yield $k => $x; } }; return [iterator_to_array($g($v['map'])), iterator_to_array($h($v['list']), false)]; });
zc_check('spread and named args', function ($v) { $f = fn(...$a) => $a; $g = fn($b, $a, ...$rest) => [$a, $b, $rest]; return [$f(...$v['list']), $g(...$v['map']), [...$v['list'], ...$v['map']]]; });
zc_check('extract compact', function ($v) { $n = extract($v['map']); $o = compact('a', 'b', 'c'); $m = $v['map']; extract($m, EXTR_REFS); $a = 'changed'; return [$n, $o, $m]; });
zc_check('closures by value and by reference', function ($v) { $f = function () use ($v) { $v['list'][] = 1; return $v['list']; }; $g = function () use (&$v) { $v['map']['q'] = 1; }; $r = $f(); $g(); return [$r, $v['map']]; });
zc_check('static and typed properties, constants', function ($v) { static $n = 0; $c = new class { public array $a = []; public static $s; }; $c->a = $v['map']; $c->a['t'] = 1; $c::$s = $v['list']; $c::$s[] = 's'; if (!defined('ZC_' . ++$n)) define('ZC_' . $n, $v['strs']); return [$c->a, $c::$s, constant('ZC_' . $n)]; });
zc_check('casts and settype', function ($v) { $o = (object) $v['map']; $o->new = 1; $x = $v['strs'][5]; settype($x, 'integer'); $y = $v['nested']; settype($y, 'object'); return [(array) $o, $x, (array) $y, (bool) $v['empty'], (array) $v['strs'][0]]; });
zc_check('globals', function ($v) { $GLOBALS['zc_g'] = $v; $GLOBALS['zc_g']['list'][] = 1; $r = $GLOBALS['zc_g']['list']; unset($GLOBALS['zc_g']); return $r; });
zc_really();
?>
--EXPECT--
array_walk array_walk_recursive: ok
array_splice: ok
push pop shift unshift: ok
merge values keys flip: ok
map filter reduce reverse slice: ok
search keys columns unique counts: ok
combine fill chunk pad diff intersect: ok
implode explode str keys: ok
current next reset end key prev: ok
internal pointer on temporaries: ok
each-style loop: ok
ArrayIterator: ok
ArrayObject: ok
RecursiveIteratorIterator: ok
generators and yield from: ok
spread and named args: ok
extract compact: ok
closures by value and by reference: ok
static and typed properties, constants: ok
casts and settype: ok
globals: ok
handed out without copying: true
