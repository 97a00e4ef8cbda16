--TEST--
reroute: the stat-type functions and realpath keep PHP's handlers (no exact answer from the cache saves their system call): after a stored, served file is deleted outside PHP, file_exists, is_readable and is_file answer as PHP does at once (is_file from PHP's own stat cache until clearstatcache), and file_get_contents, which stats, goes to PHP and warns
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
wincache.reroute_enabled=1
--FILE--
<?php
include __DIR__ . '/fcache.inc';
include __DIR__ . '/reroute.inc';
$d = wc_dir('rrstat');
$f = "$d/f.txt";
wc_write($f, "data\n");
for ($i = 0; $i < 3; $i++) file_get_contents($f);
echo "served: ", rr('file_get_contents')['hits_here'], "\n";
var_dump(is_file($f), filesize($f), realpath($f) === $f);
exec('rm ' . escapeshellarg($f));
var_dump(file_exists($f), is_readable($f), is_file($f), filesize($f));
clearstatcache();
var_dump(is_file($f), @filesize($f), realpath($f) === $f);
$h = rr('file_get_contents')['hits_here'];
var_dump(@file_get_contents($f), error_get_last()['message'] === "file_get_contents($f): Failed to open stream: No such file or directory");
echo "served after the delete: ", rr('file_get_contents')['hits_here'] - $h, "\n";
echo "keys: ", implode(' ', array_keys(rr()['functions'])), "\n";
--EXPECT--
served: 2
bool(true)
int(5)
bool(true)
bool(false)
bool(false)
bool(true)
int(5)
bool(false)
bool(false)
bool(true)
bool(false)
bool(true)
served after the delete: 0
keys: file_get_contents readfile unlink rename rmdir
