--TEST--
reroute: file_get_contents and readfile of a stored file are answered from the cache (a hit counted) with PHP's answer: the same bytes (empty, binary, 256 KB), the same return value, through a relative name, ./, a symlink, include_path (use_include_path=true), an explicit null context and named arguments; the first read loads the file and goes to PHP
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
wincache.reroute_enabled=1
--FILE--
<?php
include __DIR__ . '/fcache.inc';
include __DIR__ . '/reroute.inc';
$d = wc_dir('rrserved');
$files = ['empty.txt' => '', 'small.txt' => "hello\n", 'bin.dat' => "\0\1\2" . str_repeat("\xff\0", 500),
          'k256.bin' => str_repeat('0123456789abcdef', 16384)];
foreach ($files as $n => $b) wc_write("$d/$n", $b);
symlink("$d/small.txt", "$d/link");
chdir($d);
foreach ($files as $n => $b) {
    $first = rr_delta('file_get_contents', function () use ($n, $b) {
        if (file_get_contents($n) !== $b) echo "$n: wrong bytes (first)\n";
    });
    $second = rr_delta('file_get_contents', function () use ($n, $b) {
        if (file_get_contents($n) !== $b) echo "$n: wrong bytes (second)\n";
    });
    echo "$n: first ", implode(' ', $first), ", then ", implode(' ', $second), "\n";
}
$delta = rr_delta('readfile', function () use ($d, &$same) {
    ob_start();
    $r = readfile("$d/bin.dat");
    $o = ob_get_clean();
    $same = $r === strlen($o) && $o === file_get_contents("$d/bin.dat", false, null);
});
echo 'readfile: ', $same ? 'same bytes and length' : 'DIFFERENT', ' ', implode(' ', $delta), "\n";
set_include_path("/nonexistent:$d");
foreach (['./small.txt' => [], 'link' => [], 'small.txt' => [true], "$d/small.txt" => [false, null]] as $name => $more) {
    $got = null;
    $delta = rr_delta('file_get_contents', function () use ($name, $more, &$got) {
        $got = file_get_contents($name, ...$more);
    });
    echo str_replace($d, 'D', $name), ': ', json_encode($got), ' ', implode(' ', $delta), "\n";
}
chdir('/');
$delta = rr_delta('file_get_contents', function () use (&$got) {
    $got = [file_get_contents('small.txt', true),
            file_get_contents(filename: 'small.txt', use_include_path: true, context: null)];
});
echo 'include_path: ', json_encode($got), ' ', implode(' ', $delta), "\n";
$delta = rr_delta('readfile', function () use (&$got) {
    $got = readfile('small.txt', true);
});
echo "\nreadfile include_path: ", json_encode($got), ' ', implode(' ', $delta), "\n";
$r = rr();
echo "hits counted: ", $r['hits_here'] === $r['functions']['file_get_contents']['hits_here'] + $r['functions']['readfile']['hits_here'] ? 'yes' : 'no', "\n";
--EXPECT--
empty.txt: first loads+1 passed+1, then hits+1
small.txt: first loads+1 passed+1, then hits+1
bin.dat: first loads+1 passed+1, then hits+1
k256.bin: first loads+1 passed+1, then hits+1
readfile: same bytes and length hits+1
./small.txt: "hello\n" hits+1
link: "hello\n" hits+1
small.txt: "hello\n" hits+1
D/small.txt: "hello\n" hits+1
include_path: ["hello\n","hello\n"] hits+2
hello

readfile include_path: 6 hits+1
hits counted: yes
