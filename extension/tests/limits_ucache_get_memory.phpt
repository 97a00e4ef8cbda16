--TEST--
Resource limits: memory_limit hit while wincache_ucache_get() decodes a big array, or inside an __unserialize() it calls, leaves no cache lock held; the value is intact
--SKIPIF--
<?php include __DIR__ . '/skipif.inc';
if (!is_readable('/proc/self/maps') || !is_executable('/usr/bin/timeout')) die('skip /proc and timeout(1) needed');
if (getenv('SKIP_ASAN')) die('skip memory_limit as Zend\'s allocator enforces it: not under ASan (USE_ZEND_ALLOC=0 and tracked allocations: the probe in the shutdown function runs out of memory too)'); ?>
--INI--
wincache.enablecli=1
wincache.apppoolid=phpt_limits_ucache_memory
wincache.ucachesize=64
memory_limit=-1
--FILE--
<?php
include __DIR__ . '/limits.inc';
wincache_ucache_clear();
// 40,000 strings of 100 bytes (about 6.5 MB once decoded), then one of 3 MB. Under a memory_limit
// of 8M the decode fails on the way. (PHP fails an allocation of more than 2 MB at once; smaller
// ones that pass the limit fail at once too, or, in builds with delayed out-of-memory errors
// such as Debian's 8.2.36, only at the next VM interrupt, up to twice the limit.)
$big = [];
for ($i = 0; $i < 40000; $i++) $big["k$i"] = str_repeat(chr(65 + $i % 26), 100);
$big['last'] = str_repeat('z', 3 << 20);
var_dump(wincache_ucache_set('big', $big));
$sum = md5(serialize($big));
$hog_class = 'class Hog { public $n = 0; public $blob;
    function __serialize(): array { return ["n" => $this->n]; }
    function __unserialize(array $d): void { $this->n = $d["n"]; $this->blob = str_repeat("h", 64 << 20); } }';
eval($hog_class);
$h = new Hog; $h->n = 7;
var_dump(wincache_ucache_set('hog', $h));
$before = wincache_extra_info()['ucache'];

// While the process that hit the limit is still alive (its shutdown function), a second one
// writes (the cache's write lock: blocked forever behind a read lock a live process kept) and
// reads the value back whole.
$probe = lim_probe_code('var_dump(wincache_ucache_set("after", 1)); $b = wincache_ucache_get("big");' .
                        ' var_dump(md5(serialize($b)) === ' . var_export($sum, true) . ');');
echo "-- the decode of a big array runs out of memory\n";
echo lim_clean(lim_run($probe . '$v = wincache_ucache_get("big"); echo "not reached\n";',
                       ['memory_limit' => '8M'])), "\n";
echo "-- an __unserialize() called by the decode runs out of memory\n";
echo lim_clean(lim_run($hog_class . $probe . '$v = wincache_ucache_get("hog"); echo "not reached\n";',
                       ['memory_limit' => '16M'])), "\n";

// Nothing was held when those processes ended: no reader was reaped, no lock taken over.
$after = wincache_extra_info()['ucache'];
foreach (['lock_reaped_readers', 'lock_writer_takeovers', 'recoveries', 'resets'] as $k)
    echo "$k unchanged: ", var_export($after[$k] === $before[$k], true), "\n";
var_dump(md5(serialize(wincache_ucache_get('big'))) === $sum, wincache_ucache_get('after'));
var_dump(wincache_ucache_get('hog')->n);
?>
--EXPECTF--
bool(true)
bool(true)
-- the decode of a big array runs out of memory
%AFatal error: Allowed memory size of 8388608 bytes exhausted%s
probe while this process lives: bool(true) bool(true)
-- an __unserialize() called by the decode runs out of memory
%AFatal error: Allowed memory size of 16777216 bytes exhausted%s
probe while this process lives: bool(true) bool(true)
lock_reaped_readers unchanged: true
lock_writer_takeovers unchanged: true
recoveries unchanged: true
resets unchanged: true
bool(true)
int(1)
int(7)
