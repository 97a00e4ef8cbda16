--TEST--
wincache_lock: a lock the script does not release is released at request end with a warning
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
display_errors=1
--FILE--
<?php
wincache_ucache_clear();
function take() { return wincache_lock('forgotten'); }
var_dump(take());
var_dump(wincache_lock('released'), wincache_unlock('released'));
register_shutdown_function(function () {
    // shutdown functions still run inside the request: the lock is still held here
    var_dump(wincache_lock('forgotten'));
    echo "shutdown\n";
});
echo "end of script\n";
?>
--EXPECTF--
bool(true)
bool(true)
bool(true)
end of script
bool(false)
shutdown
%AWarning: %Swincache_lock: the lock 'forgotten' was not released by the script%A
