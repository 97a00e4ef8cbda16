--TEST--
Defect 8: a huge ttl (PHP_INT_MAX) never expires sooner than a smaller one
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_clear();
foreach ([PHP_INT_MAX, PHP_INT_MAX - 1, intdiv(PHP_INT_MAX, 1000), intdiv(PHP_INT_MAX, 1000) + 1,
          1 << 62, 4102444800, 3600] as $i => $ttl) {
    var_dump(wincache_ucache_set("k$i", $i, $ttl));
    var_dump(wincache_ucache_get("k$i"), wincache_ucache_exists("k$i"));
}
$e = wincache_ucache_info(false, 'k0')['ucache_entries'][1];
var_dump($e['ttl_seconds'] === PHP_INT_MAX);
var_dump(wincache_ucache_add('k0', 'again'));    // present: add refuses
var_dump(wincache_ucache_inc('k1'), wincache_ucache_cas('k2', 2, 20), wincache_ucache_get('k2'));
?>
--EXPECTF--
bool(true)
int(0)
bool(true)
bool(true)
int(1)
bool(true)
bool(true)
int(2)
bool(true)
bool(true)
int(3)
bool(true)
bool(true)
int(4)
bool(true)
bool(true)
int(5)
bool(true)
bool(true)
int(6)
bool(true)
bool(true)

Warning: wincache_ucache_add(): function called with a key which already exists in %s on line %d
bool(false)
int(2)
bool(true)
int(20)
