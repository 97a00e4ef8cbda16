--TEST--
file cache: fcenabled=0 (at run time) and wincache.ignorelist (basenames, any case, '|'-separated, set at run time) pass includes through to PHP untouched; a directory and a stream-wrapper path pass through too
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
include __DIR__ . '/fcache.inc';
$d = wc_dir('fcignore');
foreach (['Keep', 'skip', 'Other'] as $n) wc_write("$d/$n.php", "<?php return '$n';\n");
function stored(string $d): string {
    $s = [];
    foreach (wincache_fcache_fileinfo()['file_entries'] as $e)
        if (dirname($e['file_name']) === realpath($d)) $s[] = basename($e['file_name']);
    sort($s);
    return implode(',', $s) ?: '-';
}
ini_set('wincache.fcenabled', '0');
include "$d/Keep.php";
echo "fcenabled=0: ", stored($d), "\n";
ini_set('wincache.fcenabled', '1');
ini_set('wincache.ignorelist', 'SKIP.PHP|nothing.php');
foreach (['Keep', 'skip', 'Other'] as $n) echo include "$d/$n.php", " ";
echo "\nignorelist SKIP.PHP: ", stored($d), "\n";
ini_set('wincache.ignorelist', '');
include "$d/skip.php";
echo "ignorelist empty: ", stored($d), "\n";
// A directory (not a regular file) and a stream-wrapper path: PHP's answer, nothing stored.
var_dump(@include $d);
wc_write("$d/wrapped.php", "<?php return 'wrapped';\n");
var_dump(include "file://$d/wrapped.php");
echo "after a directory and a wrapper: ", stored($d), "\n";
?>
--EXPECT--
fcenabled=0: -
Keep skip Other 
ignorelist SKIP.PHP: Keep.php,Other.php
ignorelist empty: Keep.php,Other.php,skip.php
bool(false)
string(7) "wrapped"
after a directory and a wrapper: Keep.php,Other.php,skip.php
