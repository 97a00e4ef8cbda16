--TEST--
Defect 1: a get re-entered from Serializable::unserialize() decodes from memory the outer call owns
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
error_reporting=E_ALL & ~E_DEPRECATED
--FILE--
<?php
// Serializable::unserialize() runs while PHP is still parsing the outer value; the get inside it
// used to overwrite the process-wide buffer the outer parse was reading (use after free).
class Peek implements Serializable {
    public $seen;
    public function serialize() { return 'p'; }
    public function unserialize($data) { $this->seen = wincache_ucache_get('filler'); }
}
class PeekLeaf implements Serializable {
    public $seen;
    public function serialize() { return 'l'; }
    public function unserialize($data) { $this->seen = wincache_ucache_get('leaf'); }
}
wincache_ucache_clear();
$value = ['first' => new Peek, 'tail' => str_repeat('t', 300), 'n' => 42];
var_dump(wincache_ucache_set('outer', $value));
// a string long enough to overwrite everything after the object in a shared buffer
var_dump(wincache_ucache_set('filler', str_repeat('x', 4000)));
for ($i = 0; $i < 3; $i++) {
    $got = wincache_ucache_get('outer', $ok);
    var_dump($ok, strlen($got['first']->seen), $got['tail'] === str_repeat('t', 300), $got['n']);
}
// nested twice: the filler itself holds an object whose unserialize() reads the cache again
wincache_ucache_set('leaf', str_repeat('z', 5000));
wincache_ucache_set('filler', [new PeekLeaf, str_repeat('y', 4000)]);
$got = wincache_ucache_get('outer');
var_dump($got['first']->seen[0]->seen === str_repeat('z', 5000), $got['first']->seen[1] === str_repeat('y', 4000));
var_dump($got['tail'] === str_repeat('t', 300), $got['n']);
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
int(4000)
bool(true)
int(42)
bool(true)
int(4000)
bool(true)
int(42)
bool(true)
int(4000)
bool(true)
int(42)
bool(true)
bool(true)
bool(true)
int(42)
