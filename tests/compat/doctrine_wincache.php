<?php
/*
 * Compatibility replay: Doctrine Cache's WinCache driver against this extension.
 *
 * Library read: doctrine/cache (1.x line; WinCache support was dropped in 2.0).
 *   - lib/Doctrine/Common/Cache/WinCacheCache.php, blob at commit 2b0e130afa0d70bafaf3da6c6d2022649562bc97
 *     (the version with doSaveMultiple/doDeleteMultiple; older 4cbf9428 has no multi-put/multi-delete).
 *   - lib/Doctrine/Common/Cache/CacheProvider.php, the 1.x version with saveMultiple/deleteMultiple,
 *     array_key_exists() in fetchMultiple and (int) cast in getNamespaceVersion().
 *   - tests/Doctrine/Tests/Common/Cache/CacheTest.php at 91b06ecf (the expectations replayed below).
 *
 * The classes below are our own minimal re-implementation of that logic (not the library's code). Calls made:
 *   doFetch          wincache_ucache_get(string $id)                 -> value | false (no $success)
 *   doContains       wincache_ucache_exists(string $id)              -> bool
 *   doSave           wincache_ucache_set(string $id, $data, int $ttl) -> bool   (also used for the namespace
 *                    version key 'DoctrineNamespaceCacheKey[<ns>]', value int)
 *   doDelete         wincache_ucache_delete(string $id)              -> bool (false when the key was missing)
 *   doFlush          wincache_ucache_clear()                         -> bool
 *   doFetchMultiple  wincache_ucache_get(array $ids)                 -> [id => value] for hits only
 *   doSaveMultiple   empty(wincache_ucache_set(array $kv, null, int $ttl))   i.e. success == no -1 entries
 *   doDeleteMultiple $r = wincache_ucache_delete(array $ids); is_array($r) && count($r) !== count($ids)
 *                    (copied from the APCu driver, where delete(array) returns the FAILED keys; WinCache returns
 *                    the DELETED keys, so Doctrine reports false exactly when every key was deleted)
 *   doGetStats       wincache_ucache_info()['total_hit_count'|'total_miss_count'|'total_cache_uptime'],
 *                    wincache_ucache_meminfo()['memory_total'|'memory_free']
 *
 * Output: "ok N - ..." / "not ok N - ..." lines; exit status 1 if any assertion failed.
 */

require __DIR__ . '/tap.inc';

/** Namespacing / versioning layer of Doctrine's CacheProvider, reduced to what the driver sees. */
abstract class ReplayCacheProvider
{
    public const NAMESPACE_KEY_FORMAT = 'DoctrineNamespaceCacheKey[%s]';

    private string $ns = '';
    private ?int $nsVersion = null;

    public function setNamespace($namespace): void
    {
        $this->ns = (string) $namespace;
        $this->nsVersion = null;
    }

    public function fetch($id)
    {
        return $this->doFetch($this->idFor($id));
    }

    public function fetchMultiple(array $keys): array
    {
        if ($keys === []) {
            return [];
        }
        $mapped = array_combine($keys, array_map([$this, 'idFor'], $keys));
        $items = $this->doFetchMultiple($mapped);
        $found = [];
        foreach ($mapped as $requested => $nsKey) {
            if (isset($items[$nsKey]) || array_key_exists($nsKey, $items)) {
                $found[$requested] = $items[$nsKey];
            }
        }
        return $found;
    }

    public function saveMultiple(array $keysAndValues, $lifetime = 0)
    {
        $mapped = [];
        foreach ($keysAndValues as $k => $v) {
            $mapped[$this->idFor((string) $k)] = $v;
        }
        return $this->doSaveMultiple($mapped, $lifetime);
    }

    public function contains($id)
    {
        return $this->doContains($this->idFor($id));
    }

    public function save($id, $data, $lifeTime = 0)
    {
        return $this->doSave($this->idFor($id), $data, $lifeTime);
    }

    public function deleteMultiple(array $keys)
    {
        return $this->doDeleteMultiple(array_map([$this, 'idFor'], $keys));
    }

    public function delete($id)
    {
        return $this->doDelete($this->idFor($id));
    }

    public function getStats()
    {
        return $this->doGetStats();
    }

    public function flushAll()
    {
        return $this->doFlush();
    }

    public function deleteAll()
    {
        $next = $this->version() + 1;
        if ($this->doSave(sprintf(self::NAMESPACE_KEY_FORMAT, $this->ns), $next)) {
            $this->nsVersion = $next;
            return true;
        }
        return false;
    }

    public function idFor(string $id): string
    {
        return sprintf('%s[%s][%s]', $this->ns, $id, $this->version());
    }

    private function version(): int
    {
        if ($this->nsVersion === null) {
            $this->nsVersion = (int) $this->doFetch(sprintf(self::NAMESPACE_KEY_FORMAT, $this->ns)) ?: 1;
        }
        return $this->nsVersion;
    }

    abstract protected function doFetch($id);
    abstract protected function doContains($id);
    abstract protected function doSave($id, $data, $lifeTime = 0);
    abstract protected function doDelete($id);
    abstract protected function doFlush();
    abstract protected function doFetchMultiple(array $keys);
    abstract protected function doSaveMultiple(array $keysAndValues, $lifetime = 0);
    abstract protected function doDeleteMultiple(array $keys);
    abstract protected function doGetStats();
}

/** The WinCache driver: one extension call per primitive, same argument shapes and result handling. */
final class ReplayWinCacheCache extends ReplayCacheProvider
{
    public const STATS_HITS = 'hits';
    public const STATS_MISSES = 'misses';
    public const STATS_UPTIME = 'uptime';
    public const STATS_MEMORY_USAGE = 'memory_usage';
    public const STATS_MEMORY_AVAILABLE = 'memory_available';

    protected function doFetch($id)
    {
        return wincache_ucache_get($id);
    }

    protected function doContains($id)
    {
        return wincache_ucache_exists($id);
    }

    protected function doSave($id, $data, $lifeTime = 0)
    {
        return wincache_ucache_set($id, $data, $lifeTime);
    }

    protected function doDelete($id)
    {
        return wincache_ucache_delete($id);
    }

    protected function doFlush()
    {
        return wincache_ucache_clear();
    }

    protected function doFetchMultiple(array $keys)
    {
        return wincache_ucache_get($keys);
    }

    protected function doSaveMultiple(array $keysAndValues, $lifetime = 0)
    {
        $failed = wincache_ucache_set($keysAndValues, null, $lifetime);
        return empty($failed);
    }

    protected function doDeleteMultiple(array $keys)
    {
        $deleted = wincache_ucache_delete($keys);
        return is_array($deleted) && count($deleted) !== count($keys);
    }

    protected function doGetStats()
    {
        $info = wincache_ucache_info();
        $mem = wincache_ucache_meminfo();
        return [
            self::STATS_HITS => $info['total_hit_count'],
            self::STATS_MISSES => $info['total_miss_count'],
            self::STATS_UPTIME => $info['total_cache_uptime'],
            self::STATS_MEMORY_USAGE => $mem['memory_total'],
            self::STATS_MEMORY_AVAILABLE => $mem['memory_free'],
        ];
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Scenario (follows doctrine/cache's CacheTest expectations where WinCache can meet them).

if (!Tap::ok(function_exists('wincache_ucache_get'), 'wincache user-cache functions are available')) {
    Tap::finish();
}
Tap::watchErrors();
Tap::note('extension_loaded(wincache)=' . var_export(extension_loaded('wincache'), true)
    . ' enablecli=' . var_export(ini_get('wincache.enablecli'), true));

$cache = new ReplayWinCacheCache();
Tap::same(true, $cache->flushAll(), 'flushAll() on a fresh cache');

// testSetContainsFetchDelete / testUpdateExistingEntry over the same value set Doctrine uses.
$values = [
    'array' => ['one', 2, 3.01],
    'string' => 'value',
    'integer' => 1,
    'float' => 1.5,
    'object' => new ArrayObject(['x' => 1]),
    'true' => true,
    'null' => null,
    'false' => false,
    'array_empty' => [],
    'string_zero' => '0',
    'integer_zero' => 0,
    'float_zero' => 0.0,
    'string_empty' => '',
];
foreach ($values as $label => $value) {
    Tap::same(true, $cache->save('key', 'old-value'), "save(old) before $label");
    Tap::same(true, $cache->save('key', $value), "save($label) overwrites");
    Tap::same(true, $cache->contains('key'), "contains() after save($label)");
    $got = $cache->fetch('key');
    if (is_object($value)) {
        Tap::ok($got instanceof ArrayObject && $got == $value && $got !== $value, "fetch($label) equal copy", $value, $got);
    } else {
        Tap::same($value, $got, "fetch($label) same type and value");
    }
    Tap::same(true, $cache->delete('key'), "delete() after $label");
    Tap::same(false, $cache->contains('key'), "contains() false after delete ($label)");
    Tap::same(false, $cache->fetch('key'), "fetch() false after delete ($label)");
}

// testCacheKeyIsCaseSensitive
$cache->save('key', 'value');
Tap::same(false, $cache->contains('KEY'), 'keys are case sensitive (contains)');
Tap::same(false, $cache->fetch('KEY'), 'keys are case sensitive (fetch)');
$cache->delete('KEY');
Tap::same(true, $cache->contains('key'), 'delete(KEY) leaves key alone');
$cache->delete('key');

// testFetchMissShouldReturnFalse
Tap::same(false, $cache->fetch('nonexistent_key'), 'fetch miss returns false, not null');

// Deleting a missing key: WinCache's delete() returns false here (Doctrine's own CacheTest expects true, a
// library-side mismatch that exists with the original WinCache too).
Tap::same(false, $cache->delete('never_there'), 'delete(missing) returns false as WinCache did');

// testFetchMulti / testFetchMultiWithEmptyKeysArray / testFetchMultiWithFalsey
$cache->deleteAll();
Tap::same(true, $cache->save('key1', 'value1'), 'save key1');
Tap::same(true, $cache->save('key2', 'value2'), 'save key2');
Tap::same(['key1' => 'value1', 'key2' => 'value2'], $cache->fetchMultiple(['key1', 'key2']), 'fetchMultiple two hits');
Tap::same(['key1' => 'value1', 'key2' => 'value2'], $cache->fetchMultiple(['key1', 'key3', 'key2']), 'fetchMultiple skips a miss in the middle');
Tap::same(['key1' => 'value1', 'key2' => 'value2'], $cache->fetchMultiple(['key1', 'key2', 'key3']), 'fetchMultiple skips a trailing miss');
Tap::same([], $cache->fetchMultiple([]), 'fetchMultiple([]) is [] without a call');
Tap::same([], $cache->fetchMultiple(['nope1', 'nope2']), 'fetchMultiple all misses is []');

$cache->deleteAll();
$falsey = ['string' => 'str', 'integer' => 1, 'boolean' => true, 'null' => null, 'array_empty' => [],
    'integer_zero' => 0, 'string_empty' => '', 'boolean_false' => false];
foreach ($falsey as $k => $v) {
    $cache->save($k, $v);
}
Tap::same($falsey, $cache->fetchMultiple(array_keys($falsey)), 'fetchMultiple keeps null/false/0/""/[] hits');

// Raw shape of get(array): keys are the namespaced ids as given, hits only.
$raw = wincache_ucache_get([$cache->idFor('integer'), $cache->idFor('absent')]);
Tap::same([$cache->idFor('integer') => 1], $raw, 'wincache_ucache_get(array) returns [key => value] for hits only');

// saveMultiple (MultiPutCache): success means set(array) returned an empty failure map.
$cache->deleteAll();
$batch = ['m1' => 'one', 'm2' => ['nested' => [1, 2, 3]], 'm3' => 3.25, 'm4' => null];
Tap::same(true, $cache->saveMultiple($batch), 'saveMultiple returns true (empty -1 map)');
Tap::same($batch, $cache->fetchMultiple(array_keys($batch)), 'saveMultiple values readable via fetchMultiple');
Tap::same('one', $cache->fetch('m1'), 'saveMultiple value readable via fetch');
$res = fopen('php://memory', 'r');
$rawFail = wincache_ucache_set(['raw_bad' => $res, 'raw_ok' => 2], null, 0);
Tap::same(['raw_bad' => -1], $rawFail, 'raw set(array) maps only the failed (resource) key to -1');
Tap::same(2, wincache_ucache_get('raw_ok'), 'raw set(array) stored the other key');
wincache_ucache_delete('raw_ok');
Tap::same(false, $cache->saveMultiple(['' => 'blank-key-is-fine-once-namespaced', 'x' => $res]),
    'saveMultiple with a resource value returns false (non-empty -1 map)');
Tap::same(true, $cache->contains(''), 'the valid item of a partly failed saveMultiple is stored');
fclose($res);

// deleteMultiple (MultiDeleteCache) with Doctrine's count() comparison.
Tap::same(false, $cache->deleteMultiple(['m1', 'm2']), 'deleteMultiple(all present) -> false (Doctrine count() quirk)');
Tap::same([], $cache->fetchMultiple(['m1', 'm2']), 'deleteMultiple removed both entries');
Tap::same(true, $cache->deleteMultiple(['m3', 'absent']), 'deleteMultiple(partly present) -> true');
Tap::same(false, $cache->contains('m3'), 'deleteMultiple removed the present entry');
Tap::same(true, $cache->deleteMultiple(['gone1', 'gone2']), 'deleteMultiple(none present) -> true');
$rawDel = wincache_ucache_delete([$cache->idFor('m4'), $cache->idFor('absent')]);
Tap::same([$cache->idFor('m4')], $rawDel, 'wincache_ucache_delete(array) returns the deleted keys');

// testDeleteAll / namespace versioning between providers (shared storage).
$cache = new ReplayWinCacheCache();
$cache->flushAll();
Tap::same(true, $cache->save('key1', 1), 'save key1 (version 1)');
Tap::same(true, $cache->save('key2', 2), 'save key2 (version 1)');
Tap::same('[key1][1]', $cache->idFor('key1'), 'namespaced id format [id][version]');
Tap::same(true, $cache->deleteAll(), 'deleteAll bumps the namespace version');
Tap::same(2, wincache_ucache_get('DoctrineNamespaceCacheKey[]'), 'namespace version stored as int 2');
Tap::same(false, $cache->contains('key1'), 'key1 invisible after deleteAll');
Tap::same(false, $cache->contains('key2'), 'key2 invisible after deleteAll');

$c1 = new ReplayWinCacheCache();
$c2 = new ReplayWinCacheCache();
$c1->flushAll();
Tap::same(true, $c1->save('key1', 1), 'c1 save key1');
Tap::same(true, $c2->save('key2', 2), 'c2 save key2');
Tap::ok($c1->contains('key2') && $c2->contains('key1'), 'providers on shared storage see each other');
Tap::same(true, $c1->deleteAll(), 'c1 deleteAll');
Tap::ok(!$c1->contains('key1') && !$c1->contains('key2'), 'c1 no longer sees old entries');
Tap::ok($c2->contains('key1') && $c2->contains('key2'), 'c2 keeps its cached version and still sees them');
$c3 = new ReplayWinCacheCache();
Tap::ok(!$c3->contains('key1') && !$c3->contains('key2'), 'a new provider reads version 2 from the cache');

// testFlushAllAndNamespaceVersioningBetweenCaches
$c1 = new ReplayWinCacheCache();
$c2 = new ReplayWinCacheCache();
$c1->deleteAll();
Tap::same(true, $c1->save('key1', 1), 'after deleteAll c1 saves key1');
Tap::same(true, $c2->save('key2', 2), 'c2 initialises with the same version');
Tap::ok($c1->contains('key2') && $c2->contains('key1'), 'both see both');
Tap::same(true, $c1->flushAll(), 'flushAll');
Tap::ok(!$c1->contains('key1') && !$c2->contains('key2'), 'flushAll removed everything');
Tap::same(true, $c1->save('key1', 1), 'save after flushAll');
Tap::same(true, $c2->contains('key1'), 'c2 still shares c1 version');
$c3 = new ReplayWinCacheCache();
Tap::same(false, $c3->contains('key1'), 'new provider after flush starts at version 1 again');
Tap::same(true, $c3->save('key3', 3), 'new provider saves');
Tap::same(true, $c3->contains('key3'), 'new provider reads its own entry');

// testNamespace / testDeleteAllNamespace
$cache = new ReplayWinCacheCache();
$cache->setNamespace('ns1');
Tap::same(false, $cache->contains('key1'), 'ns1 empty');
$cache->save('key1', 'test');
Tap::same(true, $cache->contains('key1'), 'ns1 has key1');
$cache->setNamespace('ns2');
Tap::same(false, $cache->contains('key1'), 'ns2 does not see ns1 key');
$cache->save('key1', 'test');
$cache->setNamespace('ns1');
Tap::same(true, $cache->contains('key1'), 'back in ns1');
$cache->deleteAll();
Tap::same(false, $cache->contains('key1'), 'ns1 deleteAll hides key1');
$cache->setNamespace('ns2');
Tap::same(true, $cache->contains('key1'), 'ns2 unaffected by ns1 deleteAll');
$cache->deleteAll();
Tap::same(false, $cache->contains('key1'), 'ns2 deleteAll hides key1');

// testCanHandleSpecialCacheIds / testNoCacheIdCollisions
$cache = new ReplayWinCacheCache();
$cache->flushAll();
$ids = [':', '\\', '/', '<', '>', '"', '*', '?', '|', '[', ']', 'ä', 'a', 'é', 'e', '.', '..', '-', '_', '$', '%', ' ',
    "\0", '', str_repeat('a', 300)];
foreach ($ids as $i => $id) {
    $label = 'id#' . $i . ' ' . json_encode($id);
    if (strlen($label) > 40) {
        $label = substr($label, 0, 40) . '...';
    }
    Tap::same(true, $cache->save($id, 'value'), "save special $label");
    Tap::same(true, $cache->contains($id), "contains special $label");
    Tap::same('value', $cache->fetch($id), "fetch special $label");
    Tap::same(true, $cache->delete($id), "delete special $label");
    Tap::same(false, $cache->contains($id), "gone special $label");
}
foreach ($ids as $i => $id) {
    $cache->save($id, $i);
}
$collisions = [];
foreach ($ids as $i => $id) {
    $v = $cache->fetch($id);
    if ($v !== $i) {
        $collisions[] = [$i, $v];
    }
}
Tap::same([], $collisions, 'no cache id collisions among the special ids');

// testCachedObject / testFetchMultipleObjects
$cache->deleteAll();
$o1 = new stdClass();
$o1->foo = 'bar';
$o2 = new stdClass();
$o2->bar = 'foo';
$o2->obj = $o1;
$o1->obj2 = $o2;
Tap::same(true, $cache->save('obj', $o1), 'save cyclic object graph');
$f = $cache->fetch('obj');
Tap::ok($f instanceof stdClass && $f->foo === 'bar' && $f->obj2->bar === 'foo' && $f->obj2->obj === $f,
    'cyclic object graph restored with identity');
$a = new stdClass();
$a->foo = 'bar';
$b = new stdClass();
$b->bar = 'baz';
$cache->save('obj1', $a);
$cache->save('obj2', $b);
$fm = $cache->fetchMultiple(['obj1', 'obj2']);
Tap::ok(($fm['obj1'] ?? null) instanceof stdClass && $fm['obj1']->foo === 'bar' && $fm['obj2']->bar === 'baz',
    'fetchMultiple unserializes objects');

// testSaveReturnsTrueWithAndWithoutTTlSet + actual expiry.
$cache->deleteAll();
Tap::same(true, $cache->save('without_ttl', 'without_ttl'), 'save without ttl');
Tap::same(true, $cache->save('with_ttl', 'with_ttl', 3600), 'save with ttl 3600');
Tap::same(true, $cache->save('short_ttl', 'short', 1), 'save with ttl 1');
Tap::same(true, $cache->saveMultiple(['short_m1' => 1, 'short_m2' => 2], 1), 'saveMultiple with ttl 1');
Tap::same('short', $cache->fetch('short_ttl'), 'ttl 1 entry visible immediately');
sleep(2);
Tap::same(false, $cache->contains('short_ttl'), 'ttl 1 entry expired after 2s (contains)');
Tap::same(false, $cache->fetch('short_ttl'), 'ttl 1 entry expired after 2s (fetch)');
Tap::same([], $cache->fetchMultiple(['short_m1', 'short_m2']), 'saveMultiple ttl 1 entries expired');
Tap::same('with_ttl', $cache->fetch('with_ttl'), 'ttl 3600 entry still there');
Tap::same('without_ttl', $cache->fetch('without_ttl'), 'ttl 0 entry still there');

// testGetStats (DCOM-43): keys and plausible values; the counters move with our own hits and misses.
$stats = $cache->getStats();
foreach ([ReplayWinCacheCache::STATS_HITS, ReplayWinCacheCache::STATS_MISSES, ReplayWinCacheCache::STATS_UPTIME,
        ReplayWinCacheCache::STATS_MEMORY_USAGE, ReplayWinCacheCache::STATS_MEMORY_AVAILABLE] as $k) {
    Tap::ok(array_key_exists($k, $stats) && is_int($stats[$k]) && $stats[$k] >= 0, "getStats()[$k] is a non-negative int",
        'int >= 0', $stats[$k] ?? '(missing)');
}
Tap::ok($stats[ReplayWinCacheCache::STATS_MEMORY_AVAILABLE] <= $stats[ReplayWinCacheCache::STATS_MEMORY_USAGE]
    && $stats[ReplayWinCacheCache::STATS_MEMORY_USAGE] > 0, 'memory_free <= memory_total and memory_total > 0',
    'free <= total', $stats);
$cache->fetch('without_ttl');
$cache->fetch('no_such_entry');
$after = $cache->getStats();
Tap::ok($after[ReplayWinCacheCache::STATS_HITS] >= $stats[ReplayWinCacheCache::STATS_HITS] + 1,
    'total_hit_count grew after a hit', '>= ' . ($stats[ReplayWinCacheCache::STATS_HITS] + 1), $after[ReplayWinCacheCache::STATS_HITS]);
Tap::ok($after[ReplayWinCacheCache::STATS_MISSES] >= $stats[ReplayWinCacheCache::STATS_MISSES] + 1,
    'total_miss_count grew after a miss', '>= ' . ($stats[ReplayWinCacheCache::STATS_MISSES] + 1), $after[ReplayWinCacheCache::STATS_MISSES]);

Tap::same(true, $cache->flushAll(), 'final flushAll');
Tap::finish();
