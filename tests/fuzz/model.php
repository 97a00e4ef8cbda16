<?php
// The fuzzer's model of its own user-cache keys (tests/fuzz/fuzz.php; docs/fuzz.md "The model"):
// the resync after a clear or an eviction by another process, the excuse for a key gone missing,
// and the check of an array set/add. Included by fuzz.php and by resync_gap.php, which replays
// finding 2 against these very functions. The includer defines fz_fail() and fz_repr() and the
// globals $M, $U, $SENT, $EVICT, $STATS, $NEVER, $BREAK.

function fz_evictions(): int { return (int)(wincache_extra_info()['ucache']['evictions'] ?? 0); }

/** Re-reads the model from the cache after a clear or an eviction by someone else (see resync in docs/fuzz.md). */
function fz_resync(): void {
  global $M, $U, $SENT, $EVICT, $STATS;
  $STATS['resync']++;
  // the sentinel and the eviction count first: a clear or an eviction while the keys are read
  // back is then seen at the next mismatch
  wincache_ucache_set($SENT, 1);
  $EVICT = fz_evictions();
  foreach ($M as $k => $e) {
    $ok = false;
    $v = wincache_ucache_get($k, $ok);
    if (!$ok) unset($M[$k]);
    elseif (serialize($v) !== $e['v']) fz_fail('resync: key ' . fz_repr($k) . ' holds ' . fz_repr($v) . ', the model says ' . $e['v']);
  }
}

/**
 * The cache behaved as if $k were absent while the model says present: excused only by a clear
 * (this process's sentinel key is gone) or an eviction (the counter moved). The keys of the call
 * become unknown (the call may have changed them), the others are read back.
 */
function fz_gone(string $k, string $what, array $keys = []): void {
  global $SENT, $EVICT, $M, $U;
  if (!wincache_ucache_exists($SENT) || fz_evictions() !== $EVICT) {
    foreach ($keys ?: [$k] as $kk) { unset($M[$kk]); $U[$kk] = true; }
    fz_resync();
    return;
  }
  $ok = null;
  $v = @wincache_ucache_get($k, $ok);
  $info = wincache_ucache_info(true);
  $x = wincache_extra_info()['ucache'];
  fz_fail($what . ' (now: get ' . ($ok ? 'hit ' . fz_repr($v) : 'miss') . ', exists ' . fz_repr(wincache_ucache_exists($k))
          . ", sentinel present, items {$info['total_item_count']}, evictions {$x['evictions']} (was $EVICT), expirations {$x['expirations']}, resets {$x['resets']}, recoveries {$x['recoveries']})");
}

function fz_expect(bool $cond, string $what): void { if (!$cond) fz_fail('model: ' . $what); }

/**
 * The check of wincache_ucache_set/add(array) ($add: add), whose result $r lists the keys that
 * failed (=> -1). Keys are checked in the call's order; a key the model had present that the add
 * stored over goes to fz_gone, which (a clear or an eviction excusing it) makes every key of the
 * call unknown and resyncs.
 */
function fz_check_put_array(string $fn, bool $add, array $vals, mixed $r): void {
  global $M, $U, $STATS, $NEVER, $BREAK;
  fz_expect(is_array($r), "$fn(array) returns an array");
  $resyncs = $STATS['resync'];
  foreach ($vals as $kk => $v) {
    $kk = (string)$kk;
    $never = in_array($kk, $NEVER, true);
    $failed = isset($r[$kk]) && $r[$kk] === -1;
    if ($never) { fz_expect($failed, "$fn(array) reports " . fz_repr($kk) . ' as -1'); continue; }
    if (isset($U[$kk])) {
      // An unknown key the call stored becomes known, unless a resync ran in this loop (an
      // earlier key's fz_gone): its sentinel is newer than the call's stores, so a clear by
      // another process between the two would go unseen, and the key would be "present" in a
      // cache that lost it with the sentinel still there (finding 2, docs/fuzz.md). It stays
      // unknown. (FUZZ_BREAK=resync_gap: the gap back, the twin of tests/fuzz/resync_gap.php.)
      if (!$failed && ($STATS['resync'] === $resyncs || $BREAK === 'resync_gap')) {
        unset($U[$kk]);
        $M[$kk] = ['v' => serialize($v)];
      }
      continue;
    }
    $want_fail = $add && isset($M[$kk]);
    if ($want_fail && !$failed) { fz_gone($kk, "$fn(array) stored over present $kk", array_map('strval', array_keys($vals))); continue; }
    fz_expect($failed === $want_fail, "$fn(array) on " . fz_repr($kk) . ($want_fail ? ' fails' : ' succeeds'));
    if (!$failed) $M[$kk] = ['v' => serialize($v)];
  }
  fz_expect(count($r) === count(array_filter($r, fn($x) => $x === -1)), "$fn(array) lists only -1");
}
