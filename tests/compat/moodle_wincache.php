<?php
/*
 * Compatibility replay: Moodle's WinCache cache store (cachestore_wincache) against this extension.
 *
 * Library read: Panman82/moodle-cachestore_wincache, wincache/lib.php at commit
 * 5f005fa3384997366dddddc8bcd73590812e9b87 (class cachestore_wincache extends cache_store, application mode only,
 * native TTL taken from the cache definition).
 *
 * The class below is our own minimal re-implementation of the store's logic (not the plugin's code; the Moodle
 * cache_store base class and cache_definition are replaced by a stub exposing get_ttl()). Calls made:
 *   has($k)              wincache_ucache_exists(string $k)
 *   has_any / has_all    has() per key
 *   get($k)              wincache_ucache_get(string $k, &$success); returns $success ? value : false
 *   get_many($ks)        array_merge(array_fill_keys($ks, false), wincache_ucache_get(array $ks))
 *                        (the hits-only [key => value] map overwrites the false defaults)
 *   set($k, $v)          wincache_ucache_set(string $k, $v, (int) ttl) -> bool
 *   set_many($kv)        $failed = wincache_ucache_set(array $kv, null, (int) ttl); false -> all failed;
 *                        returns count($kv) - count($failed), i.e. the -1 map counts the failures
 *   delete($k)           wincache_ucache_delete(string $k) -> bool
 *   delete_many($ks)     count(wincache_ucache_delete(array $ks)) (false -> 0): the returned list is the DELETED keys
 *   purge()              wincache_ucache_clear()
 *   are_requirements_met extension_loaded('wincache'), phpversion('wincache') >= 1.1.0, ini wincache.ucenabled
 *
 * Note: Moodle's cache loader hands set_many() a list of ['key' => k, 'value' => v] pairs; the plugin passes that
 * list to wincache_ucache_set() unchanged, so entries land under the list indexes "0", "1", ... (a plugin bug that
 * is independent of the cache implementation). The scenario replays that shape too and checks the outcome WinCache
 * 2.0 would give.
 *
 * Output: "ok N - ..." / "not ok N - ..." lines; exit status 1 if any assertion failed.
 */

require __DIR__ . '/tap.inc';

/** Stand-in for Moodle's cache_definition: only the TTL is used by the store. */
final class ReplayDefinition
{
    public function __construct(private $ttl)
    {
    }

    public function get_ttl()
    {
        return $this->ttl;
    }
}

final class ReplayMoodleWinCacheStore
{
    private ?ReplayDefinition $definition = null;

    public static function requirements_met(): bool
    {
        return extension_loaded('wincache') && version_compare((string) phpversion('wincache'), '1.1.0', '>=')
            && (bool) ini_get('wincache.ucenabled');
    }

    public function initialise(ReplayDefinition $definition): bool
    {
        $this->definition = $definition;
        return true;
    }

    public function has($key)
    {
        return wincache_ucache_exists($key);
    }

    public function has_any(array $keys): bool
    {
        foreach ($keys as $k) {
            if ($this->has($k)) {
                return true;
            }
        }
        return false;
    }

    public function has_all(array $keys): bool
    {
        foreach ($keys as $k) {
            if (!$this->has($k)) {
                return false;
            }
        }
        return true;
    }

    public function get($key)
    {
        $v = wincache_ucache_get($key, $ok);
        return $ok ? $v : false;
    }

    public function get_many($keys)
    {
        return array_merge(array_fill_keys($keys, false), wincache_ucache_get($keys));
    }

    public function set($key, $data)
    {
        return wincache_ucache_set($key, $data, (int) $this->definition->get_ttl());
    }

    public function set_many(array $kv)
    {
        $failed = wincache_ucache_set($kv, null, (int) $this->definition->get_ttl());
        if ($failed === false) {
            $failed = $kv;
        }
        return count($kv) - count($failed);
    }

    public function delete($key)
    {
        return wincache_ucache_delete($key);
    }

    public function delete_many(array $keys)
    {
        $deleted = wincache_ucache_delete($keys);
        return count($deleted === false ? [] : $deleted);
    }

    public function purge()
    {
        return wincache_ucache_clear();
    }
}

// ---------------------------------------------------------------------------------------------------------------

if (!Tap::ok(function_exists('wincache_ucache_get'), 'wincache user-cache functions are available')) {
    Tap::finish();
}
Tap::watchErrors();
Tap::note('extension_loaded(wincache)=' . var_export(extension_loaded('wincache'), true)
    . ' version=' . var_export(phpversion('wincache'), true));
Tap::same(true, ReplayMoodleWinCacheStore::requirements_met() || !extension_loaded('wincache'),
    "are_requirements_met(): extension loaded, phpversion('wincache') >= 1.1.0, wincache.ucenabled on");

$store = new ReplayMoodleWinCacheStore();
$store->initialise(new ReplayDefinition(0));
Tap::same(true, $store->purge(), 'purge()');

// Keys as Moodle produces them (sha1 of the parsed key), values of the shapes Moodle caches.
$k = static fn (string $s): string => sha1('core/string_' . $s);
$strings = ['en' => ['hello' => 'Hello', 'bye' => 'Bye'], 'de' => ['hello' => 'Hallo']];
$obj = new stdClass();
$obj->id = 7;
$obj->shortname = 'C7';

Tap::same(false, $store->has($k('en')), 'has() false on a miss');
Tap::same(false, $store->get($k('en')), 'get() miss is false');
Tap::same(true, $store->set($k('en'), $strings['en']), 'set(array value)');
Tap::same(true, $store->set($k('obj'), $obj), 'set(object value)');
Tap::same(true, $store->set($k('false'), false), 'set(false)');
Tap::same(true, $store->has($k('en')), 'has() after set');
Tap::same($strings['en'], $store->get($k('en')), 'get() returns the array');
Tap::ok($store->get($k('obj')) == $obj, 'get() returns an equal object', $obj, $store->get($k('obj')));
Tap::same(false, $store->get($k('false')), 'get() of a cached false is false (indistinguishable from a miss, by design)');
Tap::same(true, $store->has($k('false')), 'has() tells the cached false apart');
Tap::same(true, $store->has_any([$k('nope'), $k('en')]), 'has_any with one present');
Tap::same(false, $store->has_any([$k('nope'), $k('nope2')]), 'has_any with none present');
Tap::same(true, $store->has_all([$k('en'), $k('obj')]), 'has_all all present');
Tap::same(false, $store->has_all([$k('en'), $k('nope')]), 'has_all with one missing');

// get_many: array_merge of false defaults with the hits-only map, in the requested order.
$many = $store->get_many([$k('en'), $k('missing'), $k('obj')]);
Tap::same([$k('en'), $k('missing'), $k('obj')], array_keys($many), 'get_many keeps every requested key in order');
Tap::same($strings['en'], $many[$k('en')], 'get_many hit value');
Tap::same(false, $many[$k('missing')], 'get_many miss is false');
Tap::ok($many[$k('obj')] == $obj, 'get_many object hit');
Tap::same([], wincache_ucache_get([$k('x1'), $k('x2')]), 'raw get(array) with no hits is [] (array_merge needs an array)');

// set_many with a proper key => value map: the -1 map is empty, count of stored = count given.
$batch = [$k('de') => $strings['de'], $k('n1') => 1, $k('n2') => 2.5, $k('nul') => null];
Tap::same(4, $store->set_many($batch), 'set_many(key => value) stores all 4');
Tap::same($strings['de'], $store->get($k('de')), 'set_many value readable');
Tap::same(null, $store->get($k('nul')), 'set_many null value readable as null');
$res = fopen('php://memory', 'r');
Tap::same(1, $store->set_many([$k('ok1') => 'x', $k('bad') => $res]), 'set_many counts a -1 entry as a failure');
fclose($res);
Tap::same(false, $store->has($k('bad')), 'failed item not stored');

// set_many exactly as Moodle's loader calls it: a list of ['key' => ..., 'value' => ...] pairs.
$pairs = [['key' => $k('p1'), 'value' => 'v1'], ['key' => $k('p2'), 'value' => 'v2']];
Tap::same(2, $store->set_many($pairs), 'set_many(list of pairs) reports 2 stored');
Tap::same(false, $store->has($k('p1')), 'plugin bug replayed: the pair keys are not used');
Tap::same($pairs[1], $store->get('1'), 'the second pair landed under key "1"');
Tap::same($pairs[0], $store->get('0'), 'the first pair landed under key "0" (WinCache 2.0 PHP 7/8 code)');
$store->delete('0');
$store->delete('1');

// delete / delete_many: count of the deleted-keys list.
Tap::same(true, $store->delete($k('n1')), 'delete() present');
Tap::same(false, $store->delete($k('n1')), 'delete() missing is false');
Tap::same(2, $store->delete_many([$k('de'), $k('nope'), $k('n2')]), 'delete_many counts only keys actually deleted');
Tap::same(0, $store->delete_many([$k('de'), $k('n2')]), 'delete_many of already deleted keys is 0');
Tap::same(false, $store->has($k('de')), 'deleted key gone');

// Native TTL from the definition.
$short = new ReplayMoodleWinCacheStore();
$short->initialise(new ReplayDefinition('1'));
Tap::same(true, $short->set($k('ttl1'), 'soon gone'), "set with definition ttl '1'");
Tap::same(2, $short->set_many([$k('ttl2') => 'a', $k('ttl3') => 'b']), 'set_many with definition ttl 1');
Tap::same('soon gone', $short->get($k('ttl1')), 'ttl value visible at once');
sleep(2);
Tap::same(false, $short->get($k('ttl1')), 'ttl value gone after 2s');
Tap::same(false, $short->has_any([$k('ttl2'), $k('ttl3')]), 'set_many ttl values gone after 2s');
Tap::same($strings['en'], $store->get($k('en')), 'ttl 0 value still there');

Tap::same(true, $store->purge(), 'purge() at the end');
Tap::same(false, $store->has($k('en')), 'nothing left after purge');
Tap::finish();
