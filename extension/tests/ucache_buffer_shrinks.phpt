--TEST--
Defect 14: the memory a get copies a huge value through is given back (no worker keeps its size)
--SKIPIF--
<?php include __DIR__ . '/skipif.inc';
if (getenv('SKIP_ASAN')) die('skip measures the process memory: not under ASan (its quarantine keeps freed memory)');
if (!is_readable('/proc/self/status')) die('skip no /proc/self/status'); ?>
--INI--
wincache.enablecli=1
wincache.ucachesize=256
memory_limit=512M
--FILE--
<?php
// The process's private memory (RssAnon): the copy a get makes lives there; the segment's pages
// (RssShmem) do not, so whether the kernel counts them resident does not matter here.
function anon_mb() {
    if (!preg_match('/^RssAnon:\s+(\d+) kB/m', file_get_contents('/proc/self/status'), $m))
        preg_match('/^VmRSS:\s+(\d+) kB/m', file_get_contents('/proc/self/status'), $m);
    return intdiv((int)$m[1], 1024);
}
wincache_ucache_clear();
$big = str_repeat('b', 100 * 1024 * 1024);
var_dump(wincache_ucache_set('big', $big));
unset($big);
$before = anon_mb();
$got = wincache_ucache_get('big');
var_dump(strlen($got));
unset($got);
wincache_ucache_set('small', 'x');
var_dump(wincache_ucache_get('small'));
$after = anon_mb();
// The 100 MB copy is gone again.
echo "process memory grew by less than 50 MB: ", var_export($after - $before < 50, true), "\n";
if ($after - $before >= 50) echo "private memory before the get $before MB, after $after MB\n";
var_dump(wincache_extra_info()['process']['buffer_bytes'] <= 1024 * 1024);
?>
--EXPECT--
bool(true)
int(104857600)
string(1) "x"
process memory grew by less than 50 MB: true
bool(true)
