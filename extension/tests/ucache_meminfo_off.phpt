--TEST--
Cache not initialised (the CLI without wincache.enablecli): info false, meminfo null, the rest false, silently
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=0
--FILE--
<?php
var_dump(wincache_ucache_meminfo(), wincache_ucache_info(), wincache_ucache_set('k', 1),
         wincache_ucache_get('k'), wincache_lock('l'), wincache_extra_info());
?>
--EXPECT--
NULL
bool(false)
bool(false)
bool(false)
bool(false)
bool(false)
