--TEST--
Fuzz finding: a value whose class's __serialize()/__sleep() carries 4096 nested arrays is refused, never stored unreadable
--DESCRIPTION--
Found by tests/fuzz (FUZZ_SEED=5, FUZZ_PROCS=1, call 3102): an object with __serialize() holding a
nest of 4096 arrays was stored (set returned true), then every get failed ("Maximum depth of 4096
exceeded" from PHP's unserializer, then "could not be decoded"). codec.cpp's Inspector treats a
class that decides what it stores as one level; the depth its data adds is not counted.
docs/extension.md "Values" promises: deeper than 4,096 is refused with a warning, never stored
unreadable.
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
function nest($n) { $a = 1; for ($i = 0; $i < $n; $i++) $a = [$a]; return $a; }
final class Ser { public function __construct(public $p) {} public function __serialize(): array { return ['p' => $this->p]; } public function __unserialize(array $d): void { $this->p = $d['p']; } }
final class Sleep { public function __construct(public $p) {} public function __sleep(): array { return ['p']; } }
wincache_ucache_clear();
foreach (['Ser', 'Sleep'] as $c) {
    foreach ([4094, 4096, 5000] as $n) {
        $set = wincache_ucache_set("$c$n", new $c(nest($n)));
        $got = @wincache_ucache_get("$c$n", $hit);
        // what set accepted must come back; what cannot come back must be refused
        echo "$c $n: ", $set === $hit ? 'consistent' : 'set ' . var_export($set, true) . ' but get ' . var_export($hit, true), "\n";
    }
}
?>
--EXPECTF--
Ser 4094: consistent

Warning: wincache_ucache_set(): value is nested deeper than 4096 levels in %s on line %d
Ser 4096: consistent

Warning: wincache_ucache_set(): value is nested deeper than 4096 levels in %s on line %d
Ser 5000: consistent
Sleep 4094: consistent

Warning: wincache_ucache_set(): value is nested deeper than 4096 levels in %s on line %d
Sleep 4096: consistent

Warning: wincache_ucache_set(): value is nested deeper than 4096 levels in %s on line %d
Sleep 5000: consistent
