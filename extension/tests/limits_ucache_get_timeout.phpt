--TEST--
Resource limits: max_execution_time, or trigger_error(E_USER_ERROR), inside a __wakeup() / __unserialize() that wincache_ucache_get() runs leaves no cache lock held; the value is intact
--SKIPIF--
<?php include __DIR__ . '/skipif.inc';
if (!is_readable('/proc/self/maps') || !is_executable('/usr/bin/timeout')) die('skip /proc and timeout(1) needed'); ?>
--INI--
wincache.enablecli=1
wincache.apppoolid=phpt_limits_ucache_timeout
wincache.ucachesize=16
--FILE--
<?php
include __DIR__ . '/limits.inc';
wincache_ucache_clear();
// Both are a longjmp (a bailout) out of user code that the decode called: a decode under the
// cache's read lock would leave it held by a live process, and every writer of the group would
// wait forever (the robust lock recovers a death only).
$classes = 'class Spin { public $n = 0; public $tag = "";
    function __wakeup(): void { if (getenv("LIM_ARMED")) { $t = microtime(true); while (true) { $t += 0; } } } }
  class Boom { public $n = 0;
    function __serialize(): array { return ["n" => $this->n]; }
    function __unserialize(array $d): void { $this->n = $d["n"]; if (getenv("LIM_ARMED")) trigger_error("boom", E_USER_ERROR); } }';
eval($classes);
$s = new Spin; $s->n = 1; $s->tag = str_repeat('s', 1000);
$b = new Boom; $b->n = 2;
var_dump(wincache_ucache_set('spin', [$s, 'x' => range(1, 1000)]), wincache_ucache_set('boom', $b));
$before = wincache_extra_info()['ucache'];
$probe = lim_probe_code($classes . 'putenv("LIM_ARMED"); var_dump(wincache_ucache_set("after", 1)); $v = wincache_ucache_get("spin");' .
                        ' var_dump($v[0]->n, $v[0]->tag === str_repeat("s", 1000), count($v["x"]));', 15);
putenv('LIM_ARMED=1');
echo "-- max_execution_time in a __wakeup()\n";
echo lim_clean(lim_run($classes . $probe . 'set_time_limit(1); $v = wincache_ucache_get("spin"); echo "not reached\n";', [], 40)), "\n";
echo "-- E_USER_ERROR in an __unserialize()\n";
echo lim_clean(lim_run($classes . $probe . '$v = wincache_ucache_get("boom"); echo "not reached\n";', [], 40)), "\n";
putenv('LIM_ARMED');
$after = wincache_extra_info()['ucache'];
foreach (['lock_reaped_readers', 'lock_writer_takeovers', 'recoveries', 'resets'] as $k)
    echo "$k unchanged: ", var_export($after[$k] === $before[$k], true), "\n";
var_dump(wincache_ucache_get('boom')->n, wincache_ucache_get('spin')[0]->n);
?>
--EXPECTF--
bool(true)
bool(true)
-- max_execution_time in a __wakeup()
%AFatal error: Maximum execution time of 1 second exceeded
probe while this process lives: bool(true) int(1) bool(true) int(1000)
-- E_USER_ERROR in an __unserialize()
%AFatal error: boom
probe while this process lives: bool(true) int(1) bool(true) int(1000)
lock_reaped_readers unchanged: true
lock_writer_takeovers unchanged: true
recoveries unchanged: true
resets unchanged: true
int(2)
int(1)
