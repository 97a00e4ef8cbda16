--TEST--
Defect 5: a set re-entered from __serialize()/__sleep()/Serializable::serialize() never corrupts the outer value
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
error_reporting=E_ALL & ~E_DEPRECATED
--FILE--
<?php
class ViaSerialize {
    public $v = 'a';
    public function __serialize(): array { wincache_ucache_set('side1', str_repeat('1', 500)); return ['v' => $this->v]; }
    public function __unserialize(array $d): void { $this->v = $d['v']; }
}
class ViaSleep {
    public $v = 'b';
    public function __sleep() { wincache_ucache_set('side2', [1, 2, 3]); return ['v']; }
}
class ViaSerializable implements Serializable {
    public $v = 'c';
    public function serialize() { wincache_ucache_set('side3', new ViaSleep); return $this->v; }
    public function unserialize($d) { $this->v = $d; }
}
wincache_ucache_clear();
foreach ([new ViaSerialize, new ViaSleep, new ViaSerializable] as $i => $o) {
    var_dump(wincache_ucache_set("o$i", $o));
    var_dump(wincache_ucache_set("a$i", ['pre' => str_repeat('p', 100), 'o' => $o, 'post' => 7]));
}
foreach ([0, 1, 2] as $i) {
    $o = wincache_ucache_get("o$i", $ok1);
    $a = wincache_ucache_get("a$i", $ok2);
    echo get_class($o), ' ', $o->v, ' ', var_export($ok1, true), ' ', get_class($a['o']), ' ',
         strlen($a['pre']), ' ', $a['post'], ' ', var_export($ok2, true), "\n";
}
var_dump(wincache_ucache_get('side1') === str_repeat('1', 500), wincache_ucache_get('side2'));
var_dump(get_class(wincache_ucache_get('side3')));
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
ViaSerialize a true ViaSerialize 100 7 true
ViaSleep b true ViaSleep 100 7 true
ViaSerializable c true ViaSerializable 100 7 true
bool(true)
array(3) {
  [0]=>
  int(1)
  [1]=>
  int(2)
  [2]=>
  int(3)
}
string(8) "ViaSleep"
