--TEST--
reroute: readfile as the first read of a settled file loads it into the cache and prints it once (the load's bytes were also printed before PHP's own read: every byte twice)
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
wincache.reroute_enabled=1
--FILE--
<?php
include __DIR__ . '/fcache.inc';
include __DIR__ . '/reroute.inc';
$d = wc_dir('rrfirst');
wc_write("$d/a.txt", "first line\nsecond line\n");
$ret = null;
$delta = rr_delta('readfile', function () use ($d, &$ret, &$out) {
    ob_start();
    $ret = readfile("$d/a.txt");
    $out = ob_get_clean();
});
var_dump($ret, $out);
echo 'first: ', implode(' ', $delta), "\n";
$delta = rr_delta('readfile', function () use ($d, &$ret, &$out) {
    ob_start();
    $ret = readfile("$d/a.txt");
    $out = ob_get_clean();
});
var_dump($ret, $out);
echo 'second: ', implode(' ', $delta), "\n";
?>
--EXPECT--
int(23)
string(23) "first line
second line
"
first: loads+1 passed+1
int(23)
string(23) "first line
second line
"
second: hits+1
