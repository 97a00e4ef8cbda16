--TEST--
wincache: the user cache and lock functions exist with WinCache's parameters
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
$fns = ['wincache_ucache_get' => [1, 2], 'wincache_ucache_set' => [1, 3], 'wincache_ucache_add' => [1, 3],
        'wincache_ucache_delete' => [1, 1], 'wincache_ucache_clear' => [0, 0], 'wincache_ucache_exists' => [1, 1],
        'wincache_ucache_info' => [0, 2], 'wincache_ucache_meminfo' => [0, 0], 'wincache_ucache_inc' => [1, 3],
        'wincache_ucache_dec' => [1, 3], 'wincache_ucache_cas' => [3, 3], 'wincache_lock' => [1, 2],
        'wincache_unlock' => [1, 1]];
foreach ($fns as $fn => [$req, $all]) {
    if (!function_exists($fn)) { echo "$fn missing\n"; continue; }
    $r = new ReflectionFunction($fn);
    if ($r->getNumberOfRequiredParameters() !== $req || $r->getNumberOfParameters() !== $all) {
        echo "$fn: ", $r->getNumberOfRequiredParameters(), '/', $r->getNumberOfParameters(), "\n";
    }
}
$byref = [];
foreach ($fns as $fn => $_) {
    foreach ((new ReflectionFunction($fn))->getParameters() as $p) {
        if ($p->isPassedByReference()) $byref[] = "$fn#" . $p->getPosition();
    }
}
var_dump($byref);
echo "done\n";
?>
--EXPECT--
array(3) {
  [0]=>
  string(21) "wincache_ucache_get#1"
  [1]=>
  string(21) "wincache_ucache_inc#2"
  [2]=>
  string(21) "wincache_ucache_dec#2"
}
done
