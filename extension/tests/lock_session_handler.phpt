--TEST--
Defect 7: named locks stay held through the session handler's write() and are released after it
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
session.use_cookies=0
session.cache_limiter=
session.use_strict_mode=0
session.save_handler=files
--FILE--
<?php
// A user session handler that locks the session in read() and unlocks it in write(), as many
// frameworks do. The session module calls write() in its own RSHUTDOWN, after the script.
class LockingHandler implements SessionHandlerInterface {
    public function open($path, $name): bool { return true; }
    public function close(): bool { return true; }
    public function read($id): string|false {
        echo "read: locked: ", var_export(wincache_lock("sess_$id"), true), "\n";
        return '';
    }
    public function write($id, $data): bool {
        // still ours: a second lock of the same name by this process is refused
        echo "write: still held: ", var_export(wincache_lock("sess_$id") === false, true), "\n";
        var_dump(wincache_unlock("sess_$id"));
        // a lock taken here, after the script, is released after the request too
        var_dump(wincache_lock('taken_in_write'));
        return true;
    }
    public function destroy($id): bool { return true; }
    public function gc($max): int|false { return 0; }
}
session_set_save_handler(new LockingHandler, true);
session_id('abc123');
session_start();
$_SESSION['n'] = 1;
echo "end of script\n";
?>
--EXPECTF--
read: locked: true
end of script
write: still held: true
bool(true)
bool(true)
%Swincache_lock: the lock 'taken_in_write' was not released by the script; released at request end%A
