--TEST--
Nesting: 4096 levels are stored and read back; deeper is refused with a warning, never stored unreadable
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
function nest($n, $leaf) { $a = $leaf; for ($i = 0; $i < $n; $i++) $a = [$a]; return $a; }
function depth($a) { $d = 0; while (is_array($a)) { $a = $a[0]; $d++; } return $d; }
wincache_ucache_clear();
foreach ([4096, 4097, 5000] as $n) {
    $ok = wincache_ucache_set("d$n", nest($n, 'leaf'));
    $got = wincache_ucache_get("d$n", $hit);
    echo "$n: set ", var_export($ok, true), ", hit ", var_export($hit, true), ", depth ",
         $hit ? depth($got) : '-', "\n";
}
// the same limit through the serializer (an object at the bottom)
$ok = wincache_ucache_set('o4097', nest(4097, new stdClass));
var_dump($ok, wincache_ucache_exists('o4097'));
$ok = wincache_ucache_set('o4000', nest(4000, new stdClass));
var_dump($ok, depth(wincache_ucache_get('o4000')));
?>
--EXPECTF--
4096: set true, hit true, depth 4096

Warning: wincache_ucache_set(): value is nested deeper than 4096 levels in %s on line %d
4097: set false, hit false, depth -

Warning: wincache_ucache_set(): value is nested deeper than 4096 levels in %s on line %d
5000: set false, hit false, depth -

Warning: wincache_ucache_set(): value is nested deeper than 4096 levels in %s on line %d
bool(false)
bool(false)
bool(true)
int(4000)
