<?php

declare(strict_types=1);

/*
 * Compatibility replay: yiisoft/cache-wincache (PSR-16 adapter) against this extension.
 *
 * Library read: yiisoft/cache-wincache, src/WinCache.php at commits d7e5b508e35d98800861c923098dde1541956c57 and
 * 085d7c0d15e040c127f7f41adb0fcafafcb16fa8 (they differ only in validateKey(): the latter also rejects the PSR-16
 * reserved characters {}()/\@:), tests/WinCacheTest.php at 09c92fe6 and tests/TestCase.php (data provider).
 * The file declares strict_types=1, so every extension call below is made under strict typing, as the library does.
 *
 * The class below is our own minimal re-implementation of that adapter (not the library's code). Calls made:
 *   get($k, $default)      wincache_ucache_get(string $k, &$success); returns $success ? value : $default
 *                          (so a cached false/null is a hit, told apart only through $success)
 *   set($k, $v, $ttl)      ttl normalised (null -> 0, DateInterval -> seconds since epoch 0, numeric string -> int);
 *                          ttl < 0 -> delete($k) (so the result is false when the key did not exist);
 *                          else wincache_ucache_set(string $k, $v, int $ttl) -> bool
 *   delete($k)             wincache_ucache_delete(string $k) -> bool (false for a missing key)
 *   clear()                wincache_ucache_clear()
 *   getMultiple($ks, $d)   wincache_ucache_get(array $ks) -> [k => v] hits only, copied element by element
 *                          (normalizeWinCacheOutput: WinCache added numeric-string keys such as '123' as string hash
 *                          keys that $a['123'] cannot find), then $values[$k] = $fromCache[$k] ?? $default
 *   setMultiple($kv, $ttl) wincache_ucache_set(array $kv, null, int $ttl) === []   (any -1 entry -> false)
 *   deleteMultiple($ks)    $deleted = wincache_ucache_delete(array $ks); array_flip($deleted); true only if every
 *                          requested key is among the returned (deleted) keys
 *   has($k)                wincache_ucache_exists(string $k)
 *
 * Output: "ok N - ..." / "not ok N - ..." lines; exit status 1 if any assertion failed.
 */

require __DIR__ . '/tap.inc';

final class ReplayInvalidArgumentException extends InvalidArgumentException
{
}

/** Same calls, argument shapes and result interpretation as Yiisoft\Cache\WinCache\WinCache. */
final class ReplayYiiWinCache
{
    private const TTL_INFINITY = 0;

    public function get($key, $default = null)
    {
        $this->checkKey($key);
        $value = \wincache_ucache_get($key, $success);
        return $success ? $value : $default;
    }

    public function set($key, $value, $ttl = null): bool
    {
        $this->checkKey($key);
        $seconds = $this->ttlSeconds($ttl);
        if ($seconds < 0) {
            return $this->delete($key);
        }
        return \wincache_ucache_set($key, $value, $seconds);
    }

    public function delete($key): bool
    {
        $this->checkKey($key);
        return \wincache_ucache_delete($key);
    }

    public function clear(): bool
    {
        return \wincache_ucache_clear();
    }

    public function getMultiple($keys, $default = null): iterable
    {
        $keys = $this->toArray($keys);
        array_walk($keys, function ($k) {
            $this->checkKey($k);
        });
        $hits = [];
        foreach (\wincache_ucache_get($keys) as $k => $v) {
            $hits[$k] = $v;
        }
        $out = array_fill_keys($keys, $default);
        foreach ($out as $k => $v) {
            $out[$k] = $hits[$k] ?? $v;
        }
        return $out;
    }

    public function setMultiple($values, $ttl = null): bool
    {
        $values = $this->toArray($values);
        foreach (array_keys($values) as $k) {
            $this->checkKey((string) $k);
        }
        return \wincache_ucache_set($values, null, $this->ttlSeconds($ttl)) === [];
    }

    public function deleteMultiple($keys): bool
    {
        $keys = $this->toArray($keys);
        array_walk($keys, function ($k) {
            $this->checkKey($k);
        });
        $deleted = array_flip(\wincache_ucache_delete($keys));
        foreach ($keys as $k) {
            if (!isset($deleted[$k])) {
                return false;
            }
        }
        return true;
    }

    public function has($key): bool
    {
        $this->checkKey($key);
        return \wincache_ucache_exists($key);
    }

    /** Exposed for the normalisation checks (the library's normalizeTtl is private). */
    public function ttlSeconds($ttl): ?int
    {
        $t = $ttl;
        if ($ttl instanceof DateInterval) {
            $t = (new DateTime('@0'))->add($ttl)->getTimestamp();
        }
        if (is_string($t)) {
            $t = (int) $t;
        }
        return $t ?? self::TTL_INFINITY;
    }

    private function toArray($iterable): array
    {
        if (!is_iterable($iterable)) {
            throw new ReplayInvalidArgumentException('Iterable is expected, got ' . gettype($iterable));
        }
        return $iterable instanceof Traversable ? iterator_to_array($iterable) : (array) $iterable;
    }

    private function checkKey($key): void
    {
        if (!is_string($key)) {
            throw new ReplayInvalidArgumentException('Invalid key value.');
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Scenario (follows yiisoft/cache-wincache's WinCacheTest).

if (!Tap::ok(function_exists('wincache_ucache_get'), 'wincache user-cache functions are available')) {
    Tap::finish();
}
Tap::watchErrors();
Tap::note('extension_loaded(wincache)=' . var_export(extension_loaded('wincache'), true)
    . ' enablecli=' . var_export(ini_get('wincache.enablecli'), true)
    . ' ucenabled=' . var_export(ini_get('wincache.ucenabled'), true));

$object = new stdClass();
$object->test_field = 'test_value';
$provider = [
    'integer' => ['test_integer', 1],
    'double' => ['test_double', 1.1],
    'string' => ['test_string', 'a'],
    'boolean_true' => ['test_boolean_true', true],
    'boolean_false' => ['test_boolean_false', false],
    'object' => ['test_object', $object],
    'array' => ['test_array', ['test_key' => 'test_value']],
    'null' => ['test_null', null],
    'supported_key_characters' => ['AZaz09_.', 'b'],
    '64_characters_key_max' => ['bVGEIeslJXtDPrtK.hgo6HL25_.1BGmzo4VA25YKHveHh7v9tUP8r5BNCyLhx4zy', 'c'],
];
$data = [];
foreach ($provider as [$k, $v]) {
    $data[$k] = $v;
}

$cache = new ReplayYiiWinCache();

foreach ($provider as $label => [$key, $value]) {
    // testSet
    Tap::same(true, $cache->clear(), "clear() before $label");
    Tap::same(true, $cache->set($key, $value), "set($label) first time");
    Tap::same(true, $cache->set($key, $value), "set($label) overwrite");
    // testGet
    Tap::sameExceptObject($value, $cache->get($key, 'default'), "get($label) returns the stored value, not the default");
    // testValueInCacheCannotBeChanged
    if (is_object($value)) {
        $orig = clone $value;
        $fromCache = $cache->get($key);
        if (is_object($fromCache)) {
            $fromCache->test_field = 'changed';
        }
        $value->test_field = 'changed';
        Tap::sameExceptObject($orig, $cache->get($key), 'cached object unaffected by changes to copies');
        $value->test_field = 'test_value';
    }
    // testHas
    Tap::same(true, $cache->has($key), "has($label)");
    Tap::sameExceptObject($value, $cache->get($key), "get($label) after has()");
    Tap::same(false, $cache->has('not_exists'), 'has(not_exists) false');
    // testDelete
    Tap::same(true, $cache->delete($key), "delete($label)");
    Tap::same(null, $cache->get($key), "get($label) after delete is null");
    Tap::same('dflt', $cache->get($key, 'dflt'), "get($label) after delete returns the default");
}

// testGetNonExistent
$cache->clear();
Tap::same(null, $cache->get('non_existent_key'), 'get(non_existent_key) is null');
Tap::same(false, $cache->delete('non_existent_key'), 'delete(missing) is false (WinCache semantics)');

// testClear
foreach ($provider as [$k, $v]) {
    $cache->set($k, $v);
}
Tap::same(true, $cache->clear(), 'clear() after filling');
$left = [];
foreach ($provider as [$k, $v]) {
    if ($cache->has($k)) {
        $left[] = $k;
    }
}
Tap::same([], $left, 'nothing left after clear()');

// testSetMultiple with ttl null and 2
foreach ([null, 2] as $ttl) {
    $cache->clear();
    Tap::same(true, $cache->setMultiple($data, $ttl), 'setMultiple(data, ' . var_export($ttl, true) . ') === [] map');
    foreach ($data as $k => $v) {
        Tap::sameExceptObject($v, $cache->get((string) $k), "get($k) after setMultiple ttl " . var_export($ttl, true));
    }
}

// testGetMultiple
$cache->clear();
$keys = array_map('strval', array_keys($data));
$cache->setMultiple($data);
Tap::sameExceptObject($data, $cache->getMultiple($keys), 'getMultiple returns every value (false kept, null = default)');
$mixed = $cache->getMultiple(['test_integer', 'absent_key', 'test_boolean_false'], 'D');
Tap::same(['test_integer' => 1, 'absent_key' => 'D', 'test_boolean_false' => false], $mixed,
    'getMultiple fills misses with the default');
Tap::same('D', $cache->getMultiple(['test_null'], 'D')['test_null'], 'getMultiple: cached null becomes the default (?? in the library)');

// testDeleteMultiple
Tap::same(true, $cache->deleteMultiple($keys), 'deleteMultiple(all present) true: every key in the deleted list');
Tap::same(array_fill_keys($keys, null), $cache->getMultiple($keys), 'getMultiple after deleteMultiple all null');
$cache->set('dm_a', 1);
Tap::same(false, $cache->deleteMultiple(['dm_a', 'dm_missing']), 'deleteMultiple(one missing) false');
Tap::same(false, $cache->has('dm_a'), 'deleteMultiple still removed the present key');
Tap::same(['dm_b'], (function () {
    wincache_ucache_set('dm_b', 2);
    return wincache_ucache_delete(['dm_b', 'dm_missing']);
})(), 'wincache_ucache_delete(array) lists the deleted keys only');

// testNegativeTtl
$cache->clear();
Tap::same(true, $cache->setMultiple(['a' => 1, 'b' => 2]), 'setMultiple a,b');
Tap::same(true, $cache->has('a'), 'has(a)');
Tap::same(true, $cache->has('b'), 'has(b)');
Tap::same(true, $cache->set('a', 11, -1), 'set(a, ttl -1) deletes, returns true (key existed)');
Tap::same(false, $cache->has('a'), 'a gone after negative ttl');
Tap::same(true, $cache->has('b'), 'b untouched');
Tap::same(false, $cache->set('never_set', 1, -5), 'set(missing, ttl -5) false: delete of a missing key');
Tap::same(false, $cache->set('neg_interval', 1, (function () {
    $i = new DateInterval('PT1H');
    $i->invert = 1;
    return $i;
})()), 'set(missing, negative DateInterval) false: routed to delete');

// testNormalizeTtl (pure userland, pins what the extension receives)
foreach ([[123, 123], ['123', 123], [null, 0], [0, 0], [new DateInterval('PT6H8M'), 6 * 3600 + 8 * 60],
        [new DateInterval('P2Y4D'), 2 * 365 * 24 * 3600 + 4 * 24 * 3600]] as $i => [$in, $out]) {
    Tap::same($out, $cache->ttlSeconds($in), "ttl normalisation case $i");
}

// testSetWithDateIntervalTtl + expiry with DateInterval / string / int ttls
$cache->clear();
Tap::same(true, $cache->set('a', 1, new DateInterval('PT1H')), 'set with DateInterval PT1H');
Tap::same(1, $cache->get('a'), 'value with DateInterval ttl readable');
Tap::same(true, $cache->setMultiple(['b' => 2]), 'setMultiple b');
Tap::same(['b' => 2], $cache->getMultiple(['b']), 'getMultiple b');
Tap::same(true, $cache->set('exp_interval', 'x', new DateInterval('PT1S')), 'set with DateInterval PT1S');
Tap::same(true, $cache->set('exp_string', 'y', '1'), "set with ttl '1' (string)");
Tap::same(true, $cache->setMultiple(['exp_m1' => 1, 'exp_m2' => 2], new DateInterval('PT1S')), 'setMultiple with PT1S');
Tap::same(true, $cache->set('keep_null_ttl', 'z', null), 'set with ttl null (infinite)');
Tap::same('x', $cache->get('exp_interval'), 'PT1S value visible immediately');
sleep(2);
Tap::same('gone', $cache->get('exp_interval', 'gone'), 'PT1S value expired after 2s');
Tap::same(false, $cache->has('exp_string'), "ttl '1' value expired after 2s");
Tap::same(['exp_m1' => null, 'exp_m2' => null], $cache->getMultiple(['exp_m1', 'exp_m2']), 'setMultiple PT1S values expired');
Tap::same('z', $cache->get('keep_null_ttl'), 'ttl null value still there');
Tap::same(1, $cache->get('a'), 'PT1H value still there');

// testValuesAsIterable
$iterables = [
    'array' => ['a' => 1, 'b' => 2],
    'ArrayIterator' => new ArrayIterator(['a' => 1, 'b' => 2]),
    'IteratorAggregate' => new class () implements IteratorAggregate {
        public function getIterator(): Iterator
        {
            return new ArrayIterator(['a' => 1, 'b' => 2]);
        }
    },
    'generator' => (static function () {
        yield 'a' => 1;
        yield 'b' => 2;
    })(),
];
foreach ($iterables as $label => $it) {
    $cache->clear();
    Tap::same(true, $cache->setMultiple($it), "setMultiple($label)");
    Tap::same(['a' => 1, 'b' => 2], $cache->getMultiple(new ArrayIterator(['a', 'b'])), "getMultiple after setMultiple($label)");
}

// Numeric-string keys: PHP turns '123' into the int key 123 in setMultiple's array; WinCache stores it as "123".
$cache->clear();
Tap::same(true, $cache->setMultiple(['123' => 'num', 'k' => 'v']), "setMultiple(['123' => ..]) (int array key 123)");
Tap::same('num', $cache->get('123'), "get('123') finds the entry stored from int key 123");
Tap::same(['123' => 'num', 'k' => 'v'], $cache->getMultiple(['123', 'k']), "getMultiple(['123','k'])");
$raw = wincache_ucache_get(['123']);
Tap::ok(is_array($raw) && count($raw) === 1 && (string) array_key_first($raw) === '123' && reset($raw) === 'num',
    "raw get(['123']) has one hit keyed '123'", ['123' => 'num'], $raw);
Tap::note('raw get([\'123\']) key type: ' . (is_array($raw) && $raw !== [] ? gettype(array_key_first($raw)) : 'n/a')
    . ' (WinCache 2.0 added hits with zend_hash_str_add, i.e. as a string key; the library copies elements to normalise)');
// Int array key 0 (PHP's key for '0'): WinCache 2.0's PHP 7/8 code stores it as "0" (its PHP 5 code had rejected it).
Tap::same(true, $cache->setMultiple(['0' => 'zero']), "setMultiple(['0' => ..]) (int array key 0)");
Tap::same('zero', $cache->get('0'), "get('0')");
Tap::same(true, $cache->deleteMultiple(['0', '123']), "deleteMultiple(['0','123'])");

// Invalid keys / non-iterables (library-side validation; the extension is never called)
Tap::throws(InvalidArgumentException::class, fn () => $cache->get(1), 'get(int) rejected');
Tap::throws(InvalidArgumentException::class, fn () => $cache->set(1, 1), 'set(int) rejected');
Tap::throws(InvalidArgumentException::class, fn () => $cache->delete(1), 'delete(int) rejected');
Tap::throws(InvalidArgumentException::class, fn () => $cache->has(1), 'has(int) rejected');
Tap::throws(InvalidArgumentException::class, fn () => $cache->getMultiple([true]), 'getMultiple([true]) rejected');
Tap::throws(InvalidArgumentException::class, fn () => $cache->getMultiple(1), 'getMultiple(1) rejected');
Tap::throws(InvalidArgumentException::class, fn () => $cache->setMultiple(1), 'setMultiple(1) rejected');
Tap::throws(InvalidArgumentException::class, fn () => $cache->deleteMultiple([true]), 'deleteMultiple([true]) rejected');
Tap::throws(InvalidArgumentException::class, fn () => $cache->deleteMultiple(1), 'deleteMultiple(1) rejected');

// setMultiple with an unstorable value: the -1 map is not [] so the adapter reports false, the rest is stored.
$cache->clear();
$res = fopen('php://memory', 'r');
Tap::same(false, $cache->setMultiple(['good' => 1, 'bad' => $res]), 'setMultiple with a resource value -> false');
Tap::same(1, $cache->get('good'), 'the storable item of that batch is stored');
Tap::same(['bad' => -1], wincache_ucache_set(['bad' => $res, 'good2' => 2], null, 0), 'raw set(array) -1 map names the resource key');
fclose($res);

Tap::same(true, $cache->clear(), 'final clear()');
Tap::finish();
