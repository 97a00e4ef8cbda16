<?php
wincache_ucache_clear();
wincache_ucache_set('k', 'string', 1);
var_dump(wincache_ucache_set('k', [1, 2, 3], 0));
sleep(2);
var_dump(wincache_ucache_get('k'));
$i = wincache_ucache_info(false, 'k')['ucache_entries'][1];
var_dump($i['value_type'], $i['ttl_seconds']);
wincache_ucache_set('k', 5, 1);
$i = wincache_ucache_info(false, 'k')['ucache_entries'][1];
var_dump($i['value_type'], $i['ttl_seconds'], $i['age_seconds']);
sleep(2);
var_dump(wincache_ucache_exists('k'));
?>
