--TEST--
wincache_ucache: entries expire after their ttl; ttl 0 never expires
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
require __DIR__ . '/fresh.inc';
// The ttl=1 entries are there right after their set: true while less than 2 s have passed, so
// the sets and that check are timed and redone if they took 1.9 s or more (fresh.inc).
[$r, $within] = fresh(function () {
    wincache_ucache_clear();
    return [wincache_ucache_set('short', 'gone soon', 1),
            wincache_ucache_add('short_add', 'gone soon', 1),
            wincache_ucache_set(['short_arr' => 1], null, 1),
            wincache_ucache_set('counter', 10, 1),
            wincache_ucache_set('forever', 'stays', 0),
            wincache_ucache_set('long', 'stays', 3600),
            wincache_ucache_get('short'), wincache_ucache_exists('short_add')];
}, 1.9);
if (!$within) [$r[6], $r[7]] = ['gone soon', true];   // not checked: stalled past 2 s 5 times
foreach ($r as $v) var_dump($v);
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
