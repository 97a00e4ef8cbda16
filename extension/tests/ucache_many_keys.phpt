--TEST--
wincache_ucache: thousands of keys, similar names, all retrievable
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_clear();
$n = 5000;
$fail = 0;
for ($i = 0; $i < $n; $i++) {
    if (!wincache_ucache_set("key:$i", ['i' => $i, 's' => md5((string)$i)])) $fail++;
}
var_dump($fail);
$bad = 0;
for ($i = 0; $i < $n; $i++) {
    $v = wincache_ucache_get("key:$i");
    if (!is_array($v) || $v['i'] !== $i || $v['s'] !== md5((string)$i)) $bad++;
}
var_dump($bad);
var_dump(wincache_ucache_info(true)['total_item_count']);
var_dump(count(wincache_ucache_info()['ucache_entries']));
for ($i = 0; $i < $n; $i += 2) { wincache_ucache_delete("key:$i"); }
var_dump(wincache_ucache_info(true)['total_item_count']);
var_dump(wincache_ucache_exists('key:2'), wincache_ucache_exists('key:3'));
?>
--EXPECT--
int(0)
int(0)
int(5000)
int(5000)
int(2500)
bool(false)
bool(true)
