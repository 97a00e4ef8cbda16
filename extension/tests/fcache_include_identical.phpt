--TEST--
file cache: an include served from shared memory is byte-identical (its output, __FILE__, a binary heredoc, an inline HTML tail), at every size up to maxfilesize; a larger file passes through to PHP
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
wincache.maxfilesize=10
--FILE--
<?php
include __DIR__ . '/fcache.inc';
$d = wc_dir('fcident');
mt_srand(7);
$sizes = [0, 1, 100, 4095, 4096, 4097, 8000, 10240, 10241, 20000];
foreach ($sizes as $i => $n) {
    $blob = '';
    for ($j = 0; $j < $n; $j++) $blob .= chr(mt_rand(0, 255));
    $body = "<?php return [__FILE__, base64_decode('" . base64_encode($blob) . "'), <<<'EOT'\n" .
            str_replace("\nEOT", "\nEOX", $blob) . "\nEOT];\n";
    // pad or cut the file to the exact size wanted (whole-file size matters for maxfilesize)
    $src[$i] = $body;
    wc_write("$d/f$i.php", $body);
}
wc_write("$d/html.php", "<?php echo 'x'; ?>\nline\n\tTAIL\0with nul\n");
// What PHP alone makes of each file (the cache off for these includes: fcenabled is
// PHP_INI_ALL), then what the cache serves, three times (load, verify, serve).
function run_all(string $d, array $sizes): array {
    $out = [];
    foreach ($sizes as $i => $n) $out["f$i"] = include "$d/f$i.php";
    ob_start();
    include "$d/html.php";
    $out['html'] = ob_get_clean();
    return $out;
}
ini_set('wincache.fcenabled', '0');
$ref = run_all($d, $sizes);
ini_set('wincache.fcenabled', '1');
$bad = 0;
for ($round = 0; $round < 3; $round++) {
    foreach (run_all($d, $sizes) as $k => $v) if ($v !== $ref[$k]) { $bad++; echo "round $round: $k differs\n"; }
}
foreach ($sizes as $i => $n) if ($ref["f$i"][0] !== realpath("$d/f$i.php") || strlen($ref["f$i"][1]) !== $n) echo "f$i: PHP itself?\n";
echo "differences: $bad\n";
$entries = [];
foreach (wincache_fcache_fileinfo()['file_entries'] as $e) $entries[basename($e['file_name'])] = $e['file_size'];
foreach ($sizes as $i => $n) {
    $size = filesize("$d/f$i.php");
    $stored = isset($entries["f$i.php"]);
    echo "f$i: ", $size <= 10240 ? "<= maxfilesize" : "> maxfilesize", ", ",
         $stored ? ($entries["f$i.php"] === $size ? "stored, size right" : "stored, size WRONG") : "not stored", "\n";
}
echo "served from shared memory: ", wc_served() > 0 ? "yes" : "no", "\n";
?>
--EXPECT--
differences: 0
f0: <= maxfilesize, stored, size right
f1: <= maxfilesize, stored, size right
f2: <= maxfilesize, stored, size right
f3: <= maxfilesize, stored, size right
f4: <= maxfilesize, stored, size right
f5: <= maxfilesize, stored, size right
f6: > maxfilesize, not stored
f7: > maxfilesize, not stored
f8: > maxfilesize, not stored
f9: > maxfilesize, not stored
served from shared memory: yes
