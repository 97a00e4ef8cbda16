--TEST--
A resource is refused wherever the stored value would carry it: in an object's properties too
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_clear();
$o = new stdClass;
$o->fh = STDIN;
var_dump(wincache_ucache_set('o', $o), wincache_ucache_exists('o'));
$nested = new stdClass;
$nested->inner = new stdClass;
$nested->inner->list = [1, [STDOUT]];
var_dump(wincache_ucache_set('n', ['x' => $nested]), wincache_ucache_exists('n'));
var_dump(wincache_ucache_set(['a' => $o, 'b' => 1]));
// A class that chooses what it stores (__sleep here) leaves its handle out: that is stored.
class Conn {
    public $dsn = 'db';
    public $handle;
    public function __sleep() { return ['dsn']; }
}
$c = new Conn;
$c->handle = STDERR;
var_dump(wincache_ucache_set('c', $c), wincache_ucache_get('c')->dsn);
?>
--EXPECTF--
Warning: wincache_ucache_set(): value cannot be a resource in %s on line %d
bool(false)
bool(false)

Warning: wincache_ucache_set(): value cannot be a resource in %s on line %d
bool(false)
bool(false)
array(1) {
  ["a"]=>
  int(-1)
}
bool(true)
string(2) "db"
