--TEST--
wincache_ucache: keys with spaces, punctuation, UTF-8 and similar prefixes are distinct
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_clear();
$keys = ['a', 'a ', ' a', 'A', 'a/b\\c', 'key:with:colons', "tab\there", "new\nline", "\u{00E9}t\u{00E9}",
         "\u{65E5}\u{672C}", '0', '00', '0.0', '-0', '__wclocks__x', str_repeat('z', 1000), 'a*', '%s%d'];
foreach ($keys as $i => $k) { if (!wincache_ucache_set($k, $i)) echo "set failed for #$i\n"; }
$bad = 0;
foreach ($keys as $i => $k) { if (wincache_ucache_get($k) !== $i) { echo "wrong value for #$i\n"; $bad++; } }
var_dump($bad, wincache_ucache_info(true)['total_item_count'] === count($keys));
$names = array_column(wincache_ucache_info()['ucache_entries'], 'key_name');
sort($names, SORT_STRING); $sorted = $keys; sort($sorted, SORT_STRING);
var_dump($names === $sorted);
?>
--EXPECT--
int(0)
bool(true)
bool(true)
