<?php
// Finding 2 of the fuzzer (docs/fuzz.md), replayed in one process against the fuzzer's own model
// (tests/fuzz/model.php): the two clears that other workers made in the CI run are made here,
// the first before wincache_ucache_add(array) and the second from a value's __serialize() inside
// it, after "p2m1" was stored. The check loop's first key ("p2m5", present in the model, stored
// over) sends it to fz_gone, which resyncs (the sentinel went with the first clear) and sets a
// NEW sentinel; "p2m1" went with the second clear. A model that then takes the call's word that
// "p2m1" was stored reports a lost key at the next get with the sentinel present: a finding of
// the model's, not the cache's.
//
// Exit 0: the preconditions held (the loop resynced, "p2m1" is absent and the sentinel present at
// the next get) and the model reported nothing. Exit 1: a finding, or a scenario that did not
// happen as described. Run by tests/fuzz/resync_gap.sh (and with FUZZ_BREAK=resync_gap, its twin,
// which must report the finding).
$BREAK = getenv('FUZZ_BREAK') ?: '';
$PROC = 2;
$SENT = "p{$PROC}sentinel";
$M = [];
$U = [];
$EVICT = 0;
$STATS = ['resync' => 0];
$NEVER = ['', "\0x", str_repeat('k', 4097), str_repeat('h', 70000)];
function fz_fail(string $why): never {
  echo "FINDING: $why\n";
  exit(1);
}
function fz_repr(mixed $v): string { return var_export($v, true); }
function gap_require(bool $cond, string $what): void {
  if (!$cond) { echo "SCENARIO NOT REPLAYED: $what\n"; exit(1); }
}
require __DIR__ . '/model.php';

/** The clear another worker makes while this one is inside its add (once). */
final class ClearsOnce {
  public static int $clears = 0;
  public function __serialize(): array {
    if (self::$clears++ === 0) wincache_ucache_clear();
    return [];
  }
  public function __unserialize(array $d): void {}
}

wincache_ucache_clear();
fz_resync();                                   // the sentinel
// An earlier call: "p2m5" set, known present.
gap_require(wincache_ucache_set('p2m5', 'five') === true, 'set p2m5');
$M['p2m5'] = ['v' => serialize('five')];
// Another worker clears; nothing of this process's looks at the cache meanwhile.
wincache_ucache_clear();
// The call, with the second clear inside it after "p2m1" is stored.
$vals = ['p2m5' => [1], 'p2m1' => [4 => [1, 2, 3, 4, 5]], 'p2m9' => new ClearsOnce()];
$r = wincache_ucache_add($vals);
gap_require($r === [], 'add(array) returned ' . json_encode($r) . ', not []');
gap_require(ClearsOnce::$clears === 1, 'the clear inside the add ran');
gap_require(!wincache_ucache_exists('p2m1') && !wincache_ucache_exists($SENT), 'p2m1 and the sentinel went with the second clear');
$before = $STATS['resync'];
fz_check_put_array('wincache_ucache_add', true, $vals, $r);
gap_require($STATS['resync'] === $before + 1, 'the check loop resynced once (p2m5 stored over, sentinel gone)');
gap_require(wincache_ucache_exists($SENT), 'the resync set a new sentinel');
// The next call: get("p2m1"), checked as fuzz.php checks a get of a known key.
$ok = null;
wincache_ucache_get('p2m1', $ok);
gap_require(!$ok, 'p2m1 is absent');
if (!isset($U['p2m1']) && isset($M['p2m1'])) fz_gone('p2m1', 'get of present key p2m1 missed');
echo 'no finding: p2m1 ' . (isset($U['p2m1']) ? 'unknown' : (isset($M['p2m1']) ? 'present' : 'absent')) . " in the model after the resync\n";
exit(0);
