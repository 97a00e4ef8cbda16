--TEST--
wincache_ucache: with an app pool id, a forked child and its parent see one cache (values, inc atomicity)
--SKIPIF--
<?php include __DIR__ . '/skipif.inc';
if (!function_exists('pcntl_fork')) die('skip pcntl not available'); ?>
--INI--
wincache.enablecli=1
wincache.apppoolid=phpt_fork_shared
--FILE--
<?php
// Without wincache.apppoolid the group is named after the parent pid, so a child forked by this
// script would join a different group than the script itself (WinCache's per-parent sharing).
wincache_ucache_clear();
wincache_ucache_set('from_parent', ['p' => 1]);
wincache_ucache_set('counter', 0);
$children = [];
for ($c = 0; $c < 2; $c++) {
    $pid = pcntl_fork();
    if ($pid === 0) {
        $seen = wincache_ucache_get('from_parent');
        wincache_ucache_set("from_child$c", ['seen' => $seen, 'c' => $c]);
        for ($i = 0; $i < 2000; $i++) { wincache_ucache_inc('counter'); }
        exit(0);
    }
    $children[] = $pid;
}
for ($i = 0; $i < 2000; $i++) { wincache_ucache_inc('counter'); }
foreach ($children as $pid) { pcntl_waitpid($pid, $status); var_dump(pcntl_wexitstatus($status)); }
var_dump(wincache_ucache_get('counter'));
var_dump(wincache_ucache_get('from_child0'), wincache_ucache_get('from_child1')['c']);
?>
--EXPECT--
int(0)
int(0)
int(6000)
array(2) {
  ["seen"]=>
  array(1) {
    ["p"]=>
    int(1)
  }
  ["c"]=>
  int(0)
}
int(1)
