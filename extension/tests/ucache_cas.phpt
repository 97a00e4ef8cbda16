--TEST--
wincache_ucache_cas: compare-and-swap on int entries
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_clear();
wincache_ucache_set('counter', 2922);
var_dump(wincache_ucache_cas('counter', 2922, 1));
var_dump(wincache_ucache_get('counter'));
var_dump(wincache_ucache_cas('counter', 2922, 5));
var_dump(wincache_ucache_get('counter'));
var_dump(wincache_ucache_cas('counter', 1, 1));
var_dump(wincache_ucache_cas('counter', 1, -9));
var_dump(wincache_ucache_get('counter'));
// missing key: false, not created, no warning
var_dump(wincache_ucache_cas('missing', 0, 1), wincache_ucache_exists('missing'));
// non-int values
wincache_ucache_set('s', '1');
var_dump(wincache_ucache_cas('s', 1, 2), wincache_ucache_get('s'));
wincache_ucache_set('f', 1.0);
var_dump(wincache_ucache_cas('f', 1, 2));
// the entry keeps its ttl
wincache_ucache_set('t', 1, 60);
var_dump(wincache_ucache_cas('t', 1, 2), wincache_ucache_info(false, 't')['ucache_entries'][1]['ttl_seconds']);
try {
    wincache_ucache_cas('counter', 1);
} catch (ArgumentCountError $e) {
    echo get_class($e), "\n";
}
?>
--EXPECTF--
bool(true)
int(1)
bool(false)
int(1)
bool(true)
bool(true)
int(-9)
bool(false)
bool(false)

Warning: wincache_ucache_cas(): function can only be called for key whose value is long in %s on line %d
bool(false)
string(1) "1"

Warning: wincache_ucache_cas(): function can only be called for key whose value is long in %s on line %d
bool(false)
bool(true)
int(60)
ArgumentCountError
