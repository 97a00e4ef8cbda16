--TEST--
wincache_ucache: an exception thrown by __wakeup/__unserialize at fetch reaches the caller; the entry stays usable
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
class Fragile {
    public $v = 1;
    public static $fail = true;
    public function __wakeup() { if (self::$fail) throw new DomainException('cannot wake'); }
}
wincache_ucache_clear();
var_dump(wincache_ucache_set('f', new Fragile));
var_dump(wincache_ucache_set('arr', ['x' => 1, 'f' => new Fragile]));
foreach (['f', 'arr', 'f'] as $k) {
    $ok = 'untouched';
    try {
        var_dump(wincache_ucache_get($k, $ok));
    } catch (DomainException $e) {
        echo $k, ': ', $e->getMessage(), ', success ', var_export($ok, true), "\n";
    }
}
var_dump(wincache_ucache_exists('f'));
Fragile::$fail = false;
var_dump(wincache_ucache_get('f')->v, wincache_ucache_get('arr')['f']->v);
var_dump(wincache_ucache_delete('f'));
?>
--EXPECT--
bool(true)
bool(true)
f: cannot wake, success false
arr: cannot wake, success false
f: cannot wake, success false
bool(true)
int(1)
int(1)
bool(true)
