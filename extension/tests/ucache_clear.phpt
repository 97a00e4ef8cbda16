--TEST--
wincache_ucache_clear: removes every entry
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
var_dump(wincache_ucache_clear());
for ($i = 0; $i < 500; $i++) { wincache_ucache_set("k$i", str_repeat('v', $i)); }
$info = wincache_ucache_info(true);
var_dump($info['total_item_count']);
$before = wincache_ucache_meminfo()['memory_free'];
var_dump(wincache_ucache_clear());
$info = wincache_ucache_info();
var_dump($info['total_item_count'], count($info['ucache_entries']));
var_dump(wincache_ucache_exists('k0'), wincache_ucache_get('k499'));
var_dump(wincache_ucache_meminfo()['memory_free'] > $before);
var_dump(wincache_ucache_clear());
// WinCache refused any argument with a plain false (and cleared nothing)
wincache_ucache_set('kept', 1);
var_dump(@wincache_ucache_clear('extra') === true, wincache_ucache_exists('kept'));
var_dump(wincache_ucache_add('k0', 'again'), wincache_ucache_get('k0'));
?>
--EXPECT--
bool(true)
int(500)
bool(true)
int(0)
int(0)
bool(false)
bool(false)
bool(true)
bool(true)
bool(false)
bool(true)
bool(true)
string(5) "again"
