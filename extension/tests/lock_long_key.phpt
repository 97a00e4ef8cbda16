--TEST--
wincache_lock: keys up to 150 characters work, longer keys are refused with "lock key should be less than 150 characters"
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
$k150 = str_repeat('L', 150);
var_dump(wincache_lock($k150), wincache_unlock($k150));
var_dump(wincache_lock(''), wincache_unlock(''));
echo "next\n";
// WinCache raised E_ERROR here (the script ends); a warning + false is accepted too
var_dump(wincache_lock(str_repeat('L', 151)));
?>
--EXPECTF--
bool(true)
bool(true)
bool(true)
bool(true)
next

%s: wincache_lock(): lock key should be less than 150 characters in %s on line %d
%A
