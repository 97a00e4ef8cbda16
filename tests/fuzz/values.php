<?php
// tests/fuzz/values.php: the fuzzer's random values and the classes whose magic methods throw or
// call back into the cache (docs/fuzz.md). Loaded by fuzz.php after its error handler is set, so
// that anything PHP says while declaring them is collected too.

final class FzBoom extends Exception {}

/** The key the value being generated will be stored under: a callback object acts on it. */
final class FzCtx {
  public static string $key = 'fz_none';
  public static int $depth = 0;         // callbacks act only at depth 0 (no endless re-entry)
  public static int $callbacks = 0;     // how many ran (for the report)
  /** One cache call on $key from inside a magic method: set, get, delete, exists or inc. */
  public static function poke(string $key, int $what): void {
    if (self::$depth > 0) return;
    self::$depth++;
    self::$callbacks++;
    try {
      switch ($what % 5) {
        case 0: wincache_ucache_set($key, 'from-callback'); break;
        case 1: wincache_ucache_get($key); break;
        case 2: wincache_ucache_delete($key); break;
        case 3: wincache_ucache_exists($key); break;
        case 4: wincache_ucache_set([$key => 1, $key . '_cb' => [1, 2]]); break;
      }
    } finally {
      self::$depth--;
    }
  }
}

/** __serialize / __unserialize: throw, or call back into the cache on the key it is stored under. */
final class FzSer {
  public string $key;
  public function __construct(public int $mode, public mixed $payload = null) { $this->key = FzCtx::$key; }
  public function __serialize(): array {
    if ($this->mode === 1) throw new FzBoom('__serialize');
    if ($this->mode === 3) FzCtx::poke($this->key, $this->mode + strlen($this->key));
    return ['m' => $this->mode, 'k' => $this->key, 'p' => $this->payload];
  }
  public function __unserialize(array $d): void {
    $this->mode = $d['m']; $this->key = $d['k']; $this->payload = $d['p'];
    if ($this->mode === 2) throw new FzBoom('__unserialize');
    if ($this->mode === 3 || $this->mode === 4) FzCtx::poke($this->key, $this->mode + 2 * strlen($this->key));
  }
}

/** __sleep / __wakeup: throw, or call back into the cache. */
final class FzSleep {
  public string $key;
  public $res = null;
  public function __construct(public int $mode, public mixed $payload = null) { $this->key = FzCtx::$key; }
  public function __sleep(): array {
    if ($this->mode === 1) throw new FzBoom('__sleep');
    if ($this->mode === 3) FzCtx::poke($this->key, 7);
    if ($this->mode === 5) return ['mode', 'key', 'payload', 'nosuchprop'];  // PHP warns
    return ['mode', 'key', 'payload'];
  }
  public function __wakeup(): void {
    if ($this->mode === 2) throw new FzBoom('__wakeup');
    if ($this->mode === 3 || $this->mode === 4) FzCtx::poke($this->key, 8);
  }
}

/** Properties serialized as they are: a resource among them is refused by the cache. */
final class FzPlain { public $a; public $b; public ?FzPlain $self = null; }

enum FzSuit: string { case Hearts = 'H'; case Spades = 'S'; }
enum FzPure { case One; case Two; }

final class FzGen {
  /** @var resource[] kept open so that resources stay valid */
  public static array $keep = [];

  public static function str(int $max = 40): string {
    $n = mt_rand(0, $max);
    switch (mt_rand(0, 5)) {
      case 0: return str_repeat(chr(mt_rand(0, 255)), $n);
      case 1: $s = ''; for ($i = 0; $i < $n; $i++) $s .= chr(mt_rand(0, 255)); return $s;
      case 2: return 'r' . dechex(mt_rand());
      case 3: return "r\0" . mt_rand(0, 9);
      case 4: return (string)mt_rand(-5, 5);
      default: return 'r' . str_repeat('x', $n);
    }
  }

  public static function big(): string {
    $n = mt_rand(0, 3) === 0 ? mt_rand(65537, 300000) : mt_rand(1000, 20000);
    return str_repeat(chr(mt_rand(65, 90)) . "\0", intdiv($n, 2)) . 'e';
  }

  public static function scalar(): mixed {
    switch (mt_rand(0, 11)) {
      case 0: return null;
      case 1: return (bool)mt_rand(0, 1);
      case 2: return mt_rand(-1000, 1000);
      case 3: return [PHP_INT_MAX, PHP_INT_MIN, 0, -1, 1][mt_rand(0, 4)];
      case 4: return mt_rand() / 7.0;
      case 5: return [NAN, INF, -INF, -0.0, 0.0, PHP_FLOAT_EPSILON][mt_rand(0, 5)];
      case 6: return '';
      case 7: return self::big();
      default: return self::str();
    }
  }

  /** A value the model can compare (serialize() equality): scalars, strings, arrays, references. */
  public static function plain(int $depth = 0): mixed {
    $r = mt_rand(0, 9);
    if ($depth > 3 || $r < 6) return self::scalar();
    $a = [];
    $n = mt_rand(0, 6);
    $list = mt_rand(0, 1) === 0;
    for ($i = 0; $i < $n; $i++) {
      $v = self::plain($depth + 1);
      if ($list) $a[] = $v; else $a[mt_rand(0, 2) ? self::str(6) : mt_rand(-3, 100)] = $v;
    }
    if (count($a) > 1 && mt_rand(0, 3) === 0) {            // an alias inside the value
      $ks = array_keys($a);
      $a[$ks[0]] = &$a[$ks[1]];
    }
    if ($n > 0 && mt_rand(0, 6) === 0) {            // a self-referencing array (the reference held
      $a['self'] = &$a;                             // twice: it outlives this frame, and the stored
      $a['self2'] = &$a;                            // copy keeps the aliasing)
    }
    if (mt_rand(0, 10) === 0) {                     // holes: a sparse list
      unset($a[0]);
    }
    return $a;
  }

  /** Anything: objects that throw or call back, enums, closures, resources, generators, deep nests. */
  public static function any(int $depth = 0): mixed {
    if ($depth > 4) return self::scalar();
    switch (mt_rand(0, 22)) {
      case 0: return new FzSer(mt_rand(0, 4), $depth < 3 ? self::any($depth + 1) : 1);
      case 1: return new FzSleep(mt_rand(0, 5), $depth < 3 ? self::plain(2) : 1);
      case 2: return mt_rand(0, 1) ? FzSuit::Hearts : FzPure::Two;
      case 3: return function () { return 1; };
      case 4: return fn($x) => $x;
      case 5: { $f = fopen('php://memory', 'r+'); self::$keep[] = $f; return $f; }
      case 6: { $f = fopen('php://memory', 'r'); fclose($f); return $f; }   // a closed resource
      case 7: return (function () { yield 1; })();
      case 8: { $o = new FzPlain(); $o->a = self::plain(2); $o->b = $depth < 3 ? self::any($depth + 1) : 2; if (mt_rand(0, 2) === 0) $o->self = $o; return $o; }
      case 9: { $o = new stdClass(); $o->{"p" . bin2hex(self::str(3))} = self::plain(2); $o->x = $o; return $o; }
      case 10: return new ArrayObject([1, 2, self::plain(2)]);
      case 11: { $d = mt_rand(0, 4) === 0 ? mt_rand(4090, 4100) : mt_rand(10, 200); $a = 1; for ($i = 0; $i < $d; $i++) $a = [$a]; return $a; }
      case 12: { $a = [self::any($depth + 1), 'x' => self::any($depth + 1)]; return $a; }
      case 13: { $x = self::any($depth + 1); $a = [&$x, &$x]; return $a; }
      case 14: { $a = [1]; $a[] = &$a; return $a; }   // the reference held once: endless nesting, refused
      case 15: return new DateTime('@' . mt_rand(0, 2000000000));
      case 16: return new SplObjectStorage();
      default: return self::plain($depth);
    }
  }
}
