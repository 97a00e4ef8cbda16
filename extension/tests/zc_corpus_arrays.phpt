--TEST--
zero-copy corpus: foreach, nested writes, append/unset, references, sorts (read-only segment)
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
zc_check('foreach by value', function ($v) { $o = []; foreach ($v as $k => $x) { $o[] = [$k, is_array($x) ? count($x) : $x]; } foreach ($v['list'] as $x) { $o[] = $x * 2; } return $o; });
zc_check('foreach by reference', function ($v) { foreach ($v['list'] as &$x) { $x *= 2; } unset($x); foreach ($v as $k => &$y) { if (is_array($y)) { $y[] = 'added'; } } unset($y); return $v; });
zc_check('foreach by reference, nested', function ($v) { foreach ($v['rows'] as &$r) { foreach ($r['tags'] as &$t) { $t .= '!'; } unset($t); $r['seen'] = true; } unset($r); return $v['rows']; });
zc_check('nested writes', function ($v) { $v['nested']['x']['y']['z'] = 'changed'; $v['nested']['x']['y']['n'][2][] = 5; $v['rows'][1]['tags'][] = 'new'; return $v; });
zc_check('append', function ($v) { $v['list'][] = 21; $v[] = 'appended'; $v['neg'][] = 'after neg'; $v['emptied'][] = 'after emptied'; $v['holes'][] = 'h'; $v['empty'][] = 'first'; return $v; });
zc_check('unset', function ($v) { unset($v['map']['a'], $v['list'][0], $v['nested']['x']['y']['n'], $v[10]); return $v; });
zc_check('reference to an element', function ($v) { $r = &$v['map']['b']; $r = 99; $s = &$v['nested']['x']['y']['z']; $s .= '!'; unset($r, $s); return $v; });
zc_check('destructuring with references', function ($v) { [&$x, $y] = $v['list']; $x = 100; ['a' => &$z] = $v['map']; $z = -1; unset($x, $z); return [$v['list'], $v['map'], $y]; });
zc_check('copy then write both', function ($v) { $w = $v; $w['list'][0] = 'w'; $v['list'][1] = 'v'; return [$v['list'], $w['list']]; });
zc_check('sort', function ($v) { sort($v['list']); rsort($v['strs']); return [$v['list'], $v['strs']]; });
zc_check('usort uasort uksort', function ($v) { usort($v['list'], fn($a, $b) => $b <=> $a); uasort($v['map'], fn($a, $b) => $a <=> $b); uksort($v['map'], fn($a, $b) => strcmp($b, $a)); return [$v['list'], $v['map']]; });
zc_check('ksort krsort asort arsort', function ($v) { ksort($v['map']); $a = $v['map']; krsort($a); $b = $v['strs']; asort($b); $c = $v['strs']; arsort($c); ksort($v); return [$v['map'], $a, $b, $c, array_keys($v)]; });
zc_check('shuffle (seeded)', function ($v) { mt_srand(42); shuffle($v['list']); return $v['list']; });
zc_check('array_multisort', function ($v) { $a = $v['list']; $b = $v['list']; array_multisort($a, SORT_DESC, $b); array_multisort($v['strs']); return [$a, $b, $v['strs']]; });
zc_check('sort of a nested row set', function ($v) { usort($v['rows'], fn($a, $b) => strcmp($a['name'], $b['name'])); return $v['rows']; });
zc_check('natsort natcasesort', function ($v) { natsort($v['strs']); $s = $v['strs']; natcasesort($s); return [$v['strs'], $s]; });
zc_check('a 1,000-element array written', function ($v) { $big = wincache_ucache_get('big'); $big[500] = 'x'; $big[] = 'y'; unset($big[0]); return [count($big), $big[500], $big[1000]]; });
zc_really();
?>
--EXPECT--
foreach by value: ok
foreach by reference: ok
foreach by reference, nested: ok
nested writes: ok
append: ok
unset: ok
reference to an element: ok
destructuring with references: ok
copy then write both: ok
sort: ok
usort uasort uksort: ok
ksort krsort asort arsort: ok
shuffle (seeded): ok
array_multisort: ok
sort of a nested row set: ok
natsort natcasesort: ok
a 1,000-element array written: ok
handed out without copying: true
