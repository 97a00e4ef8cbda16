--TEST--
wincache_ucache: objects are serialized; __sleep runs at store, __wakeup at every fetch
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
class Conn {
    public $dsn;
    public $handle;
    public $secret = 'not stored';
    public static $wakeups = 0;
    public function __construct($dsn) { $this->dsn = $dsn; $this->handle = 'live'; }
    public function __sleep() { echo "sleep\n"; return ['dsn']; }
    public function __wakeup() { self::$wakeups++; echo "wakeup\n"; $this->handle = 'reconnected'; }
}
wincache_ucache_clear();
$c = new Conn('mysql:x');
var_dump(wincache_ucache_set('c', $c));
$g = wincache_ucache_get('c');
var_dump($g->dsn, $g->handle, $g->secret);
$g2 = wincache_ucache_get('c');
var_dump(Conn::$wakeups, $g2 !== $g);
// inside an array too
var_dump(wincache_ucache_set('arr', ['conn' => $c, 'n' => 1]));
$a = wincache_ucache_get('arr');
var_dump($a['conn']->handle, $a['n']);
// info reports the type as object
$info = wincache_ucache_info(false, 'c');
var_dump($info['ucache_entries'][1]['value_type']);
?>
--EXPECT--
sleep
bool(true)
wakeup
string(7) "mysql:x"
string(11) "reconnected"
string(10) "not stored"
wakeup
int(2)
bool(true)
sleep
bool(true)
wakeup
string(11) "reconnected"
int(1)
string(6) "object"
