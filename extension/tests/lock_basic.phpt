--TEST--
wincache_lock/unlock: acquire, double lock, unlock, unlock when not held
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_clear();
var_dump(wincache_unlock('never'));      // nothing locked yet
var_dump(wincache_lock('a'));
var_dump(wincache_lock('a'));            // already held by this process
var_dump(wincache_unlock('a'));
var_dump(wincache_unlock('a'));          // no longer held
var_dump(wincache_lock('a'));            // can be taken again
var_dump(wincache_unlock('a'));
var_dump(wincache_unlock('other'));
// several locks at once, released in any order
var_dump(wincache_lock('x'), wincache_lock('y'), wincache_lock('z'));
var_dump(wincache_unlock('y'), wincache_unlock('x'), wincache_unlock('z'));
// global locks
var_dump(wincache_lock('g', true));
var_dump(wincache_lock('g', true));
var_dump(wincache_unlock('g'));
// keys are case sensitive and independent
var_dump(wincache_lock('K'), wincache_lock('k'));
var_dump(wincache_unlock('K'), wincache_unlock('k'));
// lock keys are independent of cache keys
wincache_ucache_set('a', 1);
var_dump(wincache_lock('a'), wincache_ucache_get('a'), wincache_unlock('a'));
?>
--EXPECT--
bool(false)
bool(true)
bool(false)
bool(true)
bool(false)
bool(true)
bool(true)
bool(false)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(false)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
int(1)
bool(true)
