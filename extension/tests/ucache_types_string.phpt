--TEST--
wincache_ucache: strings are binary safe (NUL bytes, all byte values, empty, large)
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_clear();
$all = '';
for ($i = 0; $i < 256; $i++) { $all .= chr($i); }
$cases = [
    'empty' => '',
    'nul' => "\0",
    'nuls' => "a\0b\0\0c\0",
    'all' => $all,
    'utf8' => "gr\u{00FC}\u{00DF}e \u{1F600}",
    'numeric' => '0123',
    'big' => str_repeat("x\0y", 350000),
];
foreach ($cases as $k => $v) {
    var_dump(wincache_ucache_set($k, $v));
}
foreach ($cases as $k => $v) {
    $got = wincache_ucache_get($k, $ok);
    printf("%s: %s %s %d\n", $k, var_export($ok, true), var_export($got === $v, true), strlen($got));
}
var_dump(wincache_ucache_get('empty'));
var_dump(bin2hex(wincache_ucache_get('nuls')));
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
empty: true true 0
nul: true true 1
nuls: true true 7
all: true true 256
utf8: true true 12
numeric: true true 4
big: true true 1050000
string(0) ""
string(14) "61006200006300"
