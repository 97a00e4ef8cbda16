--TEST--
wincache_ucache: __serialize/__unserialize and Serializable-free custom state
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
final class Money {
    private int $cents;
    private string $cur;
    public function __construct(int $cents, string $cur) { $this->cents = $cents; $this->cur = $cur; }
    public function __serialize(): array { echo "serialize\n"; return ['c' => $this->cents, 'u' => $this->cur]; }
    public function __unserialize(array $d): void { echo "unserialize\n"; $this->cents = $d['c'] * 1; $this->cur = strtoupper($d['u']); }
    public function __toString(): string { return sprintf('%d.%02d %s', intdiv($this->cents, 100), $this->cents % 100, $this->cur); }
}
wincache_ucache_clear();
$m = new Money(12345, 'eur');
var_dump(wincache_ucache_set('m', $m));
echo wincache_ucache_get('m'), "\n";
var_dump(wincache_ucache_add('list', [new Money(1, 'usd'), new Money(250, 'gbp')]));
foreach (wincache_ucache_get('list') as $x) { echo $x, "\n"; }
// array form of set serializes each object value
var_dump(wincache_ucache_set(['m1' => new Money(100, 'chf'), 'm2' => 'plain']));
echo wincache_ucache_get('m1'), "\n";
?>
--EXPECT--
serialize
bool(true)
unserialize
123.45 EUR
serialize
serialize
bool(true)
unserialize
unserialize
0.01 USD
2.50 GBP
serialize
array(0) {
}
unserialize
1.00 CHF
