--TEST--
wincache_ucache: objects round trip with public, protected and private properties
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
class Point {
    public $x;
    protected $y;
    private $z;
    public ?Point $next = null;
    public function __construct($x, $y, $z) { $this->x = $x; $this->y = $y; $this->z = $z; }
    public function sum() { return $this->x + $this->y + $this->z; }
}
wincache_ucache_clear();
$p = new Point(1, 2, 3);
$p->next = new Point(4, 5, 6);
var_dump(wincache_ucache_set('p', $p));
$got = wincache_ucache_get('p');
var_dump(get_class($got), $got->sum(), $got->next->sum());
var_dump($got == $p, $got === $p);
var_dump($got);

$std = new stdClass;
$std->a = [1, 2];
$std->{'0'} = 'zero';
$std->{'with space'} = null;
var_dump(wincache_ucache_set('std', $std));
var_dump(wincache_ucache_get('std'));

enum Suit: string { case Hearts = 'H'; case Spades = 'S'; }
var_dump(wincache_ucache_set('enum', [Suit::Hearts, Suit::Spades]));
$e = wincache_ucache_get('enum');
var_dump($e[0] === Suit::Hearts, $e[1] === Suit::Spades);

$dt = new DateTimeImmutable('2020-02-29 12:34:56', new DateTimeZone('UTC'));
var_dump(wincache_ucache_set('dt', $dt));
var_dump(wincache_ucache_get('dt')->format('Y-m-d H:i:s e'));

$ao = new ArrayObject(['k' => 'v']);
var_dump(wincache_ucache_set('ao', $ao));
var_dump(wincache_ucache_get('ao')['k']);
?>
--EXPECTF--
bool(true)
string(5) "Point"
int(6)
int(15)
bool(true)
bool(false)
object(Point)#%d (4) {
  ["x"]=>
  int(1)
  ["y":protected]=>
  int(2)
  ["z":"Point":private]=>
  int(3)
  ["next"]=>
  object(Point)#%d (4) {
    ["x"]=>
    int(4)
    ["y":protected]=>
    int(5)
    ["z":"Point":private]=>
    int(6)
    ["next"]=>
    NULL
  }
}
bool(true)
object(stdClass)#%d (3) {
  ["a"]=>
  array(2) {
    [0]=>
    int(1)
    [1]=>
    int(2)
  }
  ["0"]=>
  string(4) "zero"
  ["with space"]=>
  NULL
}
bool(true)
bool(true)
bool(true)
bool(true)
string(23) "2020-02-29 12:34:56 UTC"
bool(true)
string(1) "v"
