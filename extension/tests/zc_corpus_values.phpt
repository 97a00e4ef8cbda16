--TEST--
zero-copy corpus: dumpers, serialize/json, comparisons, handed-out strings, GC (read-only segment)
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
function cap(callable $f) { ob_start(); $f(); return ob_get_clean(); }
zc_check('var_dump print_r var_export', function ($v) { return [cap(fn() => var_dump($v)), print_r($v, true), var_export($v, true)]; });
zc_check('debug_zval_dump runs', function ($v) { $s = cap(fn() => debug_zval_dump($v)); return strlen($s) > 100; });
zc_check('serialize unserialize', function ($v) { $u = unserialize(serialize($v)); $u['list'][] = 1; return [serialize($v), $u['list']]; });
zc_check('json', function ($v) { $j = json_encode($v); $d = json_decode($j, true); $d['map']['x'] = 1; return [$j, $d['map'], json_encode($v['strs'], JSON_UNESCAPED_UNICODE), json_encode($v['map'], JSON_PRETTY_PRINT)]; });
zc_check('comparisons', function ($v) { $w = zc_fresh(); return [$v == $w, $v === $w, $v <=> $w, $v['list'] < $v['map'], $v['map'] == ['b' => 2, 'a' => 1, 'c' => 3, 'd' => 0], $v['strs'][2] === $v['strs'][3], $v['strs'][0] <=> $v['strs'][1], $v['list'] === range(1, 20)]; });
zc_check('strings: concatenation, offsets, increment', function ($v) { $s = $v['strs'][0]; $s .= '!'; $t = $v['strs'][2]; $t[0] = 'X'; $u = $v['strs'][4]; $u++; $n = $v['strs'][5] + $v['strs'][6]; $w = $v['strs'][2]; $w .= $w; return [$s, $t, $u, $n, $w, $v['strs']]; });
zc_check('strings: functions', function ($v) { $s = $v['strs'][0]; return [strtoupper($s), substr($s, 1, 3), str_replace('l', 'L', $s), md5($s), strlen($s), preg_match_all('/./us', $s), ucfirst($v['strs'][2]), str_pad($v['strs'][2], 6, '*'), sprintf('%s-%s', ...$v['strs']), strrev($v['strs'][1]), trim(' ' . $s), explode('l', $s)]; });
zc_check('strings: preg /u', function ($v) { $s = $v['strs'][1]; preg_match('/w(.)r/u', $s, $m); return [$m, preg_replace('/ö/u', 'o', $s), preg_split('//u', $s, -1, PREG_SPLIT_NO_EMPTY), preg_match_all('/\w/u', $v['strs'][0]), preg_quote($s), preg_grep('/^a/', $v['strs'])]; });
zc_check('strings as array keys', function ($v) { $a = []; foreach ($v['strs'] as $s) { $a[$s] = ($a[$s] ?? 0) + 1; } $b = [$v['strs'][0] => 1]; $o = new stdClass; $o->{$v['strs'][2]} = 1; return [$a, isset($a[$v['strs'][2]]), $b, (array) $o, array_key_exists($v['strs'][1], $a)]; });
zc_check('numeric strings as keys', function ($v) { $a = [$v['strs'][5] => 'ten', $v['strs'][6] => 'nine']; return [$a, array_keys($a), is_int(array_key_first($a))]; });
zc_check('a handed-out top-level string', function ($v) { $s = wincache_ucache_get('s'); $t = $s; $t .= '!'; $u = $s; $u[0] = 'A'; $k = [$s => 1]; return [$s, $t, $u, $k, strlen($s), md5($s), preg_match('/ünï/u', $s)]; });
zc_check('gc_collect_cycles with cycles holding values', function ($v) { for ($i = 0; $i < 50; $i++) { $o = new stdClass; $o->self = $o; $o->v = $v; $o->l = $v['list']; $a = [$v['map']]; $a[] = &$a; unset($o, $a); } return [gc_collect_cycles() >= 0, $v['map']]; });
zc_check('objects holding values, destructors', function ($v) { $o = new class($v) { public $v; function __construct($v) { $this->v = $v; } function __destruct() { $this->v['list'][] = 'd'; } }; $o->v['map']['o'] = 1; $r = $o->v['map']; unset($o); return $r; });
zc_check('exceptions carrying values', function ($v) { try { throw new Exception($v['strs'][0]); } catch (Exception $e) { return [$e->getMessage(), count($e->getTrace()) >= 0]; } });
zc_check('array_map with keys preserved on strings', function ($v) { return array_map(fn($s) => $s . $s, $v['strs']); });
zc_check('stored again from a handed-out value', function ($v) { wincache_ucache_set('copy', $v); $c = wincache_ucache_get('copy'); wincache_ucache_set('copy2', $c['nested']); return [$c === $v, wincache_ucache_get('copy2')]; });
zc_check('unset of the handed-out value', function ($v) { $a = zc_get(); $b = $a; unset($a); $b['list'][] = 1; unset($b); return true; });
zc_really();
?>
--EXPECT--
var_dump print_r var_export: ok
debug_zval_dump runs: ok
serialize unserialize: ok
json: ok
comparisons: ok
strings: concatenation, offsets, increment: ok
strings: functions: ok
strings: preg /u: ok
strings as array keys: ok
numeric strings as keys: ok
a handed-out top-level string: ok
gc_collect_cycles with cycles holding values: ok
objects holding values, destructors: ok
exceptions carrying values: ok
array_map with keys preserved on strings: ok
stored again from a handed-out value: ok
unset of the handed-out value: ok
handed out without copying: true
