--TEST--
resolve-path cache: a name that did not resolve is remembered as a miss for at most min(check interval, 2 s) (listed by wincache_rplist_fileinfo); a file created under that name is included by include and include_once once that has passed (here chkinterval=300: 2 s)
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
wincache.fcndetect=0
wincache.chkinterval=300
--FILE--
<?php
include __DIR__ . '/fcache.inc';
include __DIR__ . '/fresh.inc';
$d = wc_dir('rpmiss');
set_include_path($d);
$n = 0;
// The miss, then the file; an include right after it still meets the remembered miss, which is
// checked only when measured within 1.5 s of the miss (redone otherwise, fresh.inc).
[$r, $within] = fresh(function () use ($d, &$n, &$t_miss) {
    $n++;
    $t_miss = microtime(true);
    $miss = [@include_once "late$n.php", @include "later$n.php"];
    file_put_contents("$d/late$n.php", "<?php return 'late';\n");
    file_put_contents("$d/later$n.php", "<?php return 'later';\n");
    return array_merge($miss, [@include_once "late$n.php", @include "later$n.php"]);
}, 1.5);
if (!$within) [$r[2], $r[3]] = [false, false];
var_dump($r);
$names = array_column(wincache_rplist_fileinfo()['rplist_entries'], 'resolve_path');
echo "misses listed: ", in_array("late$n.php", $names) && in_array("later$n.php", $names) ? "yes" : "no", "\n";
while (microtime(true) < $t_miss + 2.05) usleep(20000);
var_dump(include_once "late$n.php", include "later$n.php");
?>
--EXPECT--
array(4) {
  [0]=>
  bool(false)
  [1]=>
  bool(false)
  [2]=>
  bool(false)
  [3]=>
  bool(false)
}
misses listed: yes
string(4) "late"
string(5) "later"
