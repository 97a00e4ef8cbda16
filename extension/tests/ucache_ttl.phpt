--TEST--
wincache_ucache: entries expire after their ttl; ttl 0 never expires
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_clear();
var_dump(wincache_ucache_set('short', 'gone soon', 1));
var_dump(wincache_ucache_add('short_add', 'gone soon', 1));
var_dump(wincache_ucache_set(['short_arr' => 1], null, 1));
var_dump(wincache_ucache_set('counter', 10, 1));
var_dump(wincache_ucache_set('forever', 'stays', 0));
var_dump(wincache_ucache_set('long', 'stays', 3600));
var_dump(wincache_ucache_get('short'), wincache_ucache_exists('short_add'));
usleep(2100000);  // ttl=1 lives while floor(elapsed s) <= 1, so past 2 s
var_dump(wincache_ucache_get('short', $ok), $ok);
var_dump(wincache_ucache_exists('short'), wincache_ucache_exists('short_add'), wincache_ucache_exists('short_arr'));
var_dump(wincache_ucache_get(['short', 'short_arr', 'forever']));
var_dump(wincache_ucache_delete('short_arr'));
var_dump(wincache_ucache_inc('counter'), wincache_ucache_cas('counter', 10, 11));
var_dump(wincache_ucache_get('forever'), wincache_ucache_get('long'));
// an expired key can be added again without a warning
var_dump(wincache_ucache_add('short', 'new'));
var_dump(wincache_ucache_get('short'));
$i = wincache_ucache_info(false, 'short');
var_dump($i['ucache_entries'][1]['ttl_seconds']);
// an expired entry is not listed by info(false, key)
$i = wincache_ucache_info(false, 'short_add');
var_dump(count($i['ucache_entries']));
?>
--EXPECT--
bool(true)
bool(true)
array(0) {
}
bool(true)
bool(true)
bool(true)
string(9) "gone soon"
bool(true)
bool(false)
bool(false)
bool(false)
bool(false)
bool(false)
array(1) {
  ["forever"]=>
  string(5) "stays"
}
bool(false)
bool(false)
bool(false)
string(5) "stays"
string(5) "stays"
bool(true)
string(3) "new"
int(0)
int(0)
