--TEST--
reroute: calls the cache cannot answer exactly go to PHP's own function and give PHP's answer (return value, output, warnings, exceptions: compared with a child run by PHP alone): a context, an offset or a length, use_include_path not a bool, a missing file, a directory, an empty name, a NUL, file:// and php:// names, a file over maxfilesize, a user wrapper registered for file://, an open_basedir refusal; a stored file is still served where PHP would serve it (after a change of open_basedir, once PHP's own read succeeded under the new value)
--SKIPIF--
<?php include __DIR__ . '/skipif.inc';
if (!function_exists('proc_open')) die('skip needs proc_open'); ?>
--INI--
wincache.enablecli=1
wincache.reroute_enabled=1
--FILE--
<?php
include __DIR__ . '/fcache.inc';
include __DIR__ . '/reroute.inc';
$d = wc_dir('rrpass');
mkdir("$d/in");
wc_write("$d/in/small.txt", "hello\n");
wc_write("$d/big.bin", str_repeat('x', 300000));
wc_write("$d/out.txt", "outside\n");
// The cases, run here (PHP + wincache, reroutes on) and by a child `php -n` (PHP alone).
file_put_contents("$d/cases.php", <<<'PHP'
<?php
class FileShadow {
    public $context;
    public function stream_open($p, $m, $o, &$op) { echo "[user wrapper: $p]"; return false; }
    public function url_stat($p, $f) { return false; }
}
function rr_cases(string $d): array {
    $out = [];
    set_error_handler(function ($no, $str) use (&$diag) { $diag[] = "$no $str"; return true; });
    $calls = [
        'warm' => fn() => file_get_contents("$d/in/small.txt"),
        'context' => fn() => file_get_contents("$d/in/small.txt", false, stream_context_create()),
        'offset' => fn() => file_get_contents("$d/in/small.txt", false, null, 1),
        'length' => fn() => file_get_contents("$d/in/small.txt", false, null, 0, 3),
        'uip_int' => fn() => file_get_contents("$d/in/small.txt", 1),
        'missing' => fn() => file_get_contents("$d/in/nope.txt"),
        'directory' => fn() => file_get_contents("$d/in"),
        'empty' => fn() => file_get_contents(''),
        'nul' => fn() => file_get_contents("$d/in/small.txt\0x"),
        'file_url' => fn() => file_get_contents("file://$d/in/small.txt"),
        'php_memory' => fn() => file_get_contents('php://memory'),
        'big' => fn() => strlen(file_get_contents("$d/big.bin")),
        'readfile_ctx' => fn() => readfile("$d/in/small.txt", false, stream_context_create()),
        'readfile_missing' => fn() => readfile("$d/in/nope.txt"),
        'served' => fn() => file_get_contents("$d/in/small.txt"),
        'obd_outside' => function () use ($d) { ini_set('open_basedir', "$d/in"); return file_get_contents("$d/out.txt"); },
        'obd_inside' => fn() => file_get_contents("$d/in/small.txt"),
        'obd_inside_again' => fn() => file_get_contents("$d/in/small.txt"),
        'obd_readfile' => fn() => readfile("$d/out.txt"),
        'user_file_wrapper' => function () use ($d) {
            stream_wrapper_unregister('file');
            stream_wrapper_register('file', 'FileShadow');
            return file_get_contents("$d/in/small.txt");
        },
    ];
    foreach ($calls as $name => $f) {
        $diag = [];
        ob_start();
        try {
            $r = json_encode($f(), JSON_UNESCAPED_SLASHES);
        } catch (Throwable $e) {
            $r = get_class($e) . ': ' . $e->getMessage();
        }
        $o = ob_get_clean();
        $out[$name] = str_replace($d, 'D', "$r | out " . json_encode($o, JSON_UNESCAPED_SLASHES) . ' | ' . implode('; ', $diag));
    }
    restore_error_handler();
    return $out;
}
if (($argv[1] ?? '') === '--alone') echo json_encode(rr_cases($argv[2]));
PHP);
$p = proc_open([PHP_BINARY, '-n', "$d/cases.php", '--alone', $d], [1 => ['pipe', 'w']], $io);
$alone = json_decode(stream_get_contents($io[1]), true);
proc_close($p);
include "$d/cases.php";
$before = rr();
$here = rr_cases($d);
$after = rr();
foreach ($here as $name => $line) {
    echo $name, ': ', $line === ($alone[$name] ?? null) ? 'same as PHP alone' : "DIFFERENT\n  here:  $line\n  alone: " . ($alone[$name] ?? '(none)'), "\n";
}
echo "hits: ", $after['hits_here'] - $before['hits_here'], "\n";
echo $here['directory'], "\n", $here['obd_outside'], "\n", $here['user_file_wrapper'], "\n";
--CLEAN--
<?php include __DIR__ . '/fcache.inc'; wc_clean_stale('rrpass'); ?>
--EXPECTF--
warm: same as PHP alone
context: same as PHP alone
offset: same as PHP alone
length: same as PHP alone
uip_int: same as PHP alone
missing: same as PHP alone
directory: same as PHP alone
empty: same as PHP alone
nul: same as PHP alone
file_url: same as PHP alone
php_memory: same as PHP alone
big: same as PHP alone
readfile_ctx: same as PHP alone
readfile_missing: same as PHP alone
served: same as PHP alone
obd_outside: same as PHP alone
obd_inside: same as PHP alone
obd_inside_again: same as PHP alone
obd_readfile: same as PHP alone
user_file_wrapper: same as PHP alone
hits: 2
"" | out "" | 8 file_get_contents(): Read of %d bytes failed with errno=21 Is a directory
false | out "" | 2 file_get_contents(): open_basedir restriction in effect. File(D/out.txt) is not within the allowed path(s): (D/in); 2 file_get_contents(D/out.txt): Failed to open stream: Operation not permitted
false | out "[user wrapper: D/in/small.txt]" | 2 file_get_contents(D/in/small.txt): Failed to open stream: "FileShadow::stream_open" call failed
