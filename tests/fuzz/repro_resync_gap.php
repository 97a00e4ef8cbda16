<?php
// The fuzzer's finding 2 (docs/fuzz.md) replayed deterministically in ONE process: two clears
// that other workers make in the real run are made here by this script (the first before the
// add, the second from a value's __serialize() during the add, after "p2m1" was stored).
// fz_resync / fz_gone / fz_evictions and the array-add check loop are copied verbatim from
// tests/fuzz/fuzz.php (main at 1f54f03); only fz_fail prints instead of exiting.
//
//   php -n -d extension=.../wincache.so -d wincache.enablecli=1 -d wincache.apppoolid=rr$$ \
//       -d wincache.namesalt=rr tests/fuzz/repro_resync_gap.php [fixed]
$FIXED = ($argv[1] ?? '') === 'fixed';
$PROC = 2;
$SENT = "p{$PROC}sentinel";
$M = [];
$U = [];
$EVICT = 0;
$STATS = ['resync' => 0];
$NEVER = ['', "\0x", str_repeat('k', 4097), str_repeat('h', 70000)];
$FOUND = null;
function fz_fail(string $why): void { global $FOUND; $FOUND = $FOUND ?? $why; }
function fz_expect(bool $cond, string $what): void { if (!$cond) fz_fail('model: ' . $what); }
function fz_repr($v) { return var_export($v, true); }

// ---- verbatim from fuzz.php ----
function fz_evictions(): int { return (int)(wincache_extra_info()['ucache']['evictions'] ?? 0); }
function fz_resync(): void {
  global $M, $U, $SENT, $EVICT, $STATS;
  $STATS['resync']++;
  wincache_ucache_set($SENT, 1);
  $EVICT = fz_evictions();
  foreach ($M as $k => $e) {
    $ok = false;
    $v = wincache_ucache_get($k, $ok);
    if (!$ok) unset($M[$k]);
    elseif (serialize($v) !== $e['v']) fz_fail('resync: key ' . fz_repr($k) . ' holds ' . fz_repr($v) . ', the model says ' . $e['v']);
  }
}
function fz_gone(string $k, string $what, array $keys = []): void {
  global $SENT, $EVICT, $M, $U;
  if (!wincache_ucache_exists($SENT) || fz_evictions() !== $EVICT) {
    foreach ($keys ?: [$k] as $kk) { unset($M[$kk]); $U[$kk] = true; }
    fz_resync();
    return;
  }
  $ok = null;
  $v = @wincache_ucache_get($k, $ok);
  fz_fail($what . ' (now: get ' . ($ok ? 'hit' : 'miss') . ', exists ' . fz_repr(wincache_ucache_exists($k)) . ', sentinel present)');
}
// --------------------------------

/** Stands for the clear another worker makes while this one is inside its add (once). */
final class ClearsOnce {
  public static bool $done = false;
  public function __serialize(): array {
    if (!self::$done) { self::$done = true; wincache_ucache_clear(); }
    return [];
  }
  public function __unserialize(array $d): void {}
}

wincache_ucache_clear();
fz_resync();                                              // the sentinel
// Earlier calls: "p2m5" set (known present).
wincache_ucache_set('p2m5', 'five');
$M['p2m5'] = ['v' => serialize('five')];
// Another worker clears (the model does not look: nothing of ours is read meanwhile).
wincache_ucache_clear();
// The call: add([p2m5, p2m1, p2m9]); a second clear lands after p2m1 was stored.
$fn = 'wincache_ucache_add';
$op = 1;
$vals = ['p2m5' => [1], 'p2m1' => [4 => [1, 2, 3, 4, 5]], 'p2m9' => new ClearsOnce()];
$r = $fn($vals);
printf("add(array) returned %s; in the cache now: p2m5 %s, p2m1 %s, p2m9 %s, sentinel %s\n", json_encode($r),
       var_export(wincache_ucache_exists('p2m5'), true), var_export(wincache_ucache_exists('p2m1'), true),
       var_export(wincache_ucache_exists('p2m9'), true), var_export(wincache_ucache_exists($SENT), true));
$resyncs = $STATS['resync'];
// ---- verbatim: fuzz.php case 10, op <= 1, the check of the result ----
        fz_expect(is_array($r), "$fn(array) returns an array");
        foreach ($vals as $kk => $v) {
          $kk = (string)$kk;
          $never = in_array($kk, $NEVER, true);
          $failed = isset($r[$kk]) && $r[$kk] === -1;
          if ($never) { fz_expect($failed, "$fn(array) reports " . fz_repr($kk) . ' as -1'); continue; }
          if (isset($U[$kk])) {
            // the proposed fix: a resync during this loop set a newer sentinel than this call's
            // store, so a clear between the two is not seen: the key stays unknown
            if ($FIXED && $STATS['resync'] !== $resyncs) continue;
            if (!$failed) { unset($U[$kk]); $M[$kk] = ['v' => serialize($v)]; } continue;
          }
          $want_fail = $op === 1 && isset($M[$kk]);
          if ($want_fail && !$failed) { fz_gone($kk, "$fn(array) stored over present $kk", array_map('strval', array_keys($vals))); continue; }
          fz_expect($failed === $want_fail, "$fn(array) on " . fz_repr($kk) . ($want_fail ? ' fails' : ' succeeds'));
          if (!$failed) $M[$kk] = ['v' => serialize($v)];
        }
// ----------------------------------------------------------------------
printf("model after the call: known present %s, unknown %s\n", json_encode(array_keys($M)), json_encode(array_keys($U)));
// The next call: get("p2m1") (fuzz.php case 3/4, verbatim check).
$k = 'p2m1';
$known = !isset($U[$k]);
$present = isset($M[$k]);
$ok = null;
$got = wincache_ucache_get($k, $ok);
if ($known && $present && !$ok) fz_gone($k, "get of present key $k missed");
echo $FOUND === null ? "no finding\n" : "FINDING (false): $FOUND\n";
