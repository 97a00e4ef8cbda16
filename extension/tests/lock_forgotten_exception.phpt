--TEST--
wincache_lock: locks held when the script dies with an uncaught exception are released with a warning
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
display_errors=1
--FILE--
<?php
wincache_ucache_clear();
var_dump(wincache_lock('l1'));
var_dump(wincache_lock('l2', true));
throw new RuntimeException('boom');
?>
--EXPECTF--
bool(true)
bool(true)

Fatal error: Uncaught RuntimeException: boom in %s:%d
Stack trace:
#0 {main}
  thrown in %s on line %d
%AWarning: %Swincache_lock: the lock 'l%d' was not released by the script%A
