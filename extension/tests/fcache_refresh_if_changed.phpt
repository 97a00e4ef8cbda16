--TEST--
wincache_refresh_if_changed(): with chkinterval=0 nothing is re-checked, until a name (string), names (array) or everything (null) is refreshed; a name that does not resolve or an element that is not a string gives false
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
wincache.fcndetect=0
wincache.chkinterval=0
--FILE--
<?php
include __DIR__ . '/fcache.inc';
$d = wc_dir('fcrefresh');
set_include_path($d);
$old = time() - 100;
foreach (['a', 'b', 'c', 'e'] as $n) wc_write("$d/$n.php", "<?php return '$n-1';\n", $old);
function all(string $d): string {
    $r = [];
    foreach (['a', 'b', 'c', 'e'] as $n) $r[] = include "$d/$n.php";
    return implode(' ', $r);
}
all($d); all($d); all($d);  // loaded, verified, served
foreach (['a', 'b', 'c', 'e'] as $n) wc_rewrite_in_place("$d/$n.php", "<?php return '$n-2';\n", $old);
echo "changed, never re-checked: ", all($d), "\n";
var_dump(wincache_refresh_if_changed("$d/a.php"));
echo "a refreshed:               ", all($d), "\n";
var_dump(wincache_refresh_if_changed(["$d/b.php", 'e.php']));  // e.php through include_path
echo "b, e refreshed:            ", all($d), "\n";
foreach (['a', 'b', 'c', 'e'] as $n) wc_rewrite_in_place("$d/$n.php", "<?php return '$n-3';\n", $old);
var_dump(wincache_refresh_if_changed());
echo "all refreshed (null):      ", all($d), "\n";
var_dump(wincache_refresh_if_changed(null));
var_dump(wincache_refresh_if_changed("$d/nope.php"));
var_dump(wincache_refresh_if_changed([123]));
var_dump(wincache_refresh_if_changed(["$d/a.php", "$d/nope.php"]));
var_dump(wincache_refresh_if_changed([]));
try {
    wincache_refresh_if_changed(new stdClass);
} catch (TypeError $e) {
    echo get_class($e), ": ", $e->getMessage(), "\n";
}
?>
--EXPECT--
changed, never re-checked: a-1 b-1 c-1 e-1
bool(true)
a refreshed:               a-2 b-1 c-1 e-1
bool(true)
b, e refreshed:            a-2 b-2 c-1 e-2
bool(true)
all refreshed (null):      a-3 b-3 c-3 e-3
bool(true)
bool(false)
bool(false)
bool(false)
bool(true)
TypeError: wincache_refresh_if_changed(): Argument #1 ($files) must be of type array|string|null, stdClass given
