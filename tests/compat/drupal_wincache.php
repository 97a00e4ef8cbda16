<?php
/*
 * Compatibility replay: Drupal's wincachedrupal module (raw cache backend) against this extension.
 *
 * Library read: david-garcia-garcia/wincachedrupal at commit 21ed2059b88c61fbd382584fcca79624a605b43b:
 *   src/Cache/WincacheRawBackend.php, src/Cache/WincacheBackendGeneric.php (bin prefixes, invalidation counter,
 *   key listing through wincache_ucache_info()), wincache.inc at 969ed86b (thin wincachedrupal_ucache_* wrappers that
 *   forward the arguments unchanged), and src/Cache/WincacheBackend.php at 31cc85bb (add() via wincacheAdd()).
 *
 * The classes below are our own minimal re-implementation of that logic (not the module's code). Calls made:
 *   get($cid)            wincache_ucache_get(string, &$success); miss when !$success
 *   getMultiple(&$cids)  wincache_ucache_get(array of bin keys) -> hits only; $cids left holding the misses
 *   set($cid,$d,$exp)    wincache_ucache_set(string, $d)            when $exp is CACHE_PERMANENT (-1)
 *                        wincache_ucache_set(string, $d, $exp-time()) otherwise, at least 1 (past expiry -> ttl 1)
 *   add(...)             wincache_ucache_add(string, $d[, ttl]) inside set_error_handler() that swallows the
 *                        "function called with a key which already exists" warning; false when the key exists
 *   delete / deleteMultiple   wincache_ucache_delete(string | array of bin keys), result ignored
 *   getAllKeys($prefix)  wincache_ucache_info() (no arguments) -> array_column($info['ucache_entries'], 'key_name'),
 *                        preg_grep('/^prefix/') and the prefix stripped: relies on info() listing EVERY live entry
 *   bin naming           '<site>:@@wincache_invalidation_count:<bin>' read with get(..., $success), set to 0 if absent
 *   deleteAll()          wincache_ucache_inc(count key, 1) (key exists by construction), get/set of the
 *                        '<site>:@@wincache_invalidations' list; new bin prefix '<site>:<bin><n>:'
 *   garbageCollection()  info() key listing for all old prefixes, wincache_ucache_delete(array), set(list, [])
 *   counter($cid,$inc,$default)  wincache_ucache_inc(bin key, $inc, &$success); when !$success (missing key, or a
 *                        non-int value) set($cid, $default)  (note: default, not default + inc)
 *   counterSet / counterGet / counterGetMultiple   set((int)) / get() then (int)
 *
 * Output: "ok N - ..." / "not ok N - ..." lines; exit status 1 if any assertion failed.
 */

require __DIR__ . '/tap.inc';

const REPLAY_CACHE_PERMANENT = -1;

/** Bin naming, invalidation and key listing of WincacheBackendGeneric, plus the raw backend on top. */
final class ReplayDrupalRawBackend
{
    private const COUNT_KEY = '@@wincache_invalidation_count';
    private const LIST_KEY = '@@wincache_invalidations';

    private string $site;
    private string $realBin;
    private string $bin;
    private string $binPrefix;

    public function __construct(string $bin, string $sitePrefix)
    {
        $this->site = substr(base_convert(md5($sitePrefix), 16, 32), 0, 12);
        $this->realBin = 'rawcache_' . $bin;
        $this->bin = $this->currentBinName();
        $this->binPrefix = $this->site . ':' . $this->bin . ':';
    }

    public function binKey($cid): string
    {
        return $this->binPrefix . $cid;
    }

    public function countKey(): string
    {
        return $this->site . ':' . self::COUNT_KEY . ':' . $this->realBin;
    }

    public function listKey(): string
    {
        return $this->site . ':' . self::LIST_KEY;
    }

    public function get($cid)
    {
        $success = false;
        $data = wincache_ucache_get($this->binKey($cid), $success);
        return $success ? (object) ['data' => $data, 'cid' => $cid] : false;
    }

    public function getMultiple(&$cids): array
    {
        $map = [];
        foreach ($cids as $cid) {
            $map[$this->binKey($cid)] = $cid;
        }
        $hits = wincache_ucache_get(array_keys($map));
        $out = [];
        if ($hits) {
            foreach ($hits as $key => $data) {
                $out[$map[$key]] = (object) ['data' => $data, 'cid' => $key];
            }
        }
        $cids = array_diff($cids, array_keys($out));
        return $out;
    }

    public function getAllKeys($prefix = ''): array
    {
        return $this->keysWithPrefix($this->binKey($prefix));
    }

    public function getAll($prefix = ''): array
    {
        $keys = $this->getAllKeys($prefix);
        return $this->getMultiple($keys);
    }

    public function set($cid, $data, $expire = REPLAY_CACHE_PERMANENT): void
    {
        $this->store($this->binKey($cid), $data, $expire);
    }

    /** As WincacheBackend::add(): note the module passes the bare $cid (no bin prefix) to wincacheAdd(). */
    public function add($cid, $data, $expire = REPLAY_CACHE_PERMANENT)
    {
        set_error_handler(static function () {
            return true;
        }, E_ALL);
        $ttl = $this->ttlFor($expire);
        $r = $ttl ? wincache_ucache_add($cid, $data, $ttl) : wincache_ucache_add($cid, $data);
        restore_error_handler();
        return $r;
    }

    public function setMultiple(array $items = []): void
    {
        foreach ($items as $cid => $item) {
            $this->set($cid, $item['data'], $item['expire'] ?? REPLAY_CACHE_PERMANENT);
        }
    }

    public function delete($cid): void
    {
        wincache_ucache_delete($this->binKey($cid));
    }

    public function deleteMultiple(array $cids): void
    {
        wincache_ucache_delete(array_map([$this, 'binKey'], $cids));
    }

    public function deleteAll(): void
    {
        $n = wincache_ucache_inc($this->countKey(), 1);
        $list = wincache_ucache_get($this->listKey());
        if (empty($list)) {
            $list = [];
            if ($n > 1) {
                $n = 0;
            }
        }
        $list[] = $this->binPrefix;
        wincache_ucache_set($this->listKey(), $list);
        $this->bin = $this->realBin . $n;
        $this->binPrefix = $this->site . ':' . $this->bin . ':';
    }

    public function garbageCollection(): void
    {
        $list = wincache_ucache_get($this->listKey());
        if (!empty($list)) {
            wincache_ucache_delete($this->keysWithPrefix($list, false));
            wincache_ucache_set($this->listKey(), []);
        }
    }

    public function counter($cid, $increment, $default = 0): void
    {
        $success = false;
        $key = $this->binKey($cid);
        wincache_ucache_inc($key, $increment, $success);
        if (!$success) {
            $this->store($key, $default);
        }
    }

    public function counterMultiple(array $cids, $increment, $default = 0): void
    {
        foreach ($cids as $cid) {
            $this->counter($cid, $increment, $default);
        }
    }

    public function counterSet($cid, $value): void
    {
        $this->set($cid, (int) $value);
    }

    public function counterGet($cid)
    {
        $r = $this->get($cid);
        return $r ? (int) $r->data : false;
    }

    public function counterGetMultiple(array &$cids): array
    {
        $out = [];
        foreach ($this->getMultiple($cids) as $cid => $item) {
            $out[$cid] = (int) $item->data;
        }
        return $out;
    }

    private function currentBinName(): string
    {
        $success = false;
        $n = wincache_ucache_get($this->countKey(), $success);
        if ($success == false) {
            wincache_ucache_set($this->countKey(), 0);
            $n = 0;
        }
        return $this->realBin . $n;
    }

    private function store(string $key, $data, $expire = REPLAY_CACHE_PERMANENT)
    {
        $ttl = $this->ttlFor($expire);
        return $ttl ? wincache_ucache_set($key, $data, $ttl) : wincache_ucache_set($key, $data);
    }

    private function ttlFor($expire)
    {
        if ($expire == REPLAY_CACHE_PERMANENT) {
            return false;
        }
        $left = $expire - time();
        return $left <= 0 ? 1 : $left;
    }

    private function keysWithPrefix($prefixes, bool $strip = true): array
    {
        $parts = [];
        foreach ((array) $prefixes as $p) {
            $parts[] = '^' . $p;
        }
        $info = wincache_ucache_info();
        $names = array_column($info['ucache_entries'], 'key_name');
        $re = '/' . implode('|', $parts) . '/';
        $keys = preg_grep($re, $names);
        return $strip ? preg_replace($re, '', $keys) : $keys;
    }
}

// ---------------------------------------------------------------------------------------------------------------

if (!Tap::ok(function_exists('wincache_ucache_info'), 'wincachedrupal_enabled(): wincache_ucache_info exists')) {
    Tap::finish();
}
Tap::watchErrors();
Tap::same(true, wincache_ucache_clear(), 'start from an empty cache');

$b = new ReplayDrupalRawBackend('render', 'site-one');
Tap::same(0, wincache_ucache_get($b->countKey()), 'bin construction stored invalidation count 0');
Tap::same(false, $b->get('missing'), 'get() miss is false');

// set / get / permanent vs expiring items
$b->set('page:1', ['html' => '<p>1</p>']);
$b->set('page:2', 'two', time() + 3600);
$b->set('falsy', false);
Tap::same(['html' => '<p>1</p>'], $b->get('page:1')->data ?? null, 'get() permanent item');
Tap::same('two', $b->get('page:2')->data ?? null, 'get() item with future expire');
$f = $b->get('falsy');
Tap::ok(is_object($f) && $f->data === false, 'get() of a cached false is a hit thanks to $success', 'object with data=false', $f);

// getMultiple: hits only, $cids reduced to the misses
$cids = ['page:1', 'nope', 'page:2'];
$hits = $b->getMultiple($cids);
Tap::same(['page:1', 'page:2'], array_keys($hits), 'getMultiple returns the hits keyed by cid');
Tap::same([1 => 'nope'], $cids, 'getMultiple leaves the missing cids in $cids');
Tap::same($b->binKey('page:1'), $hits['page:1']->cid, 'getMultiple item carries the full wincache key as cid');

// setMultiple with and without expire
$b->setMultiple(['m1' => ['data' => 1], 'm2' => ['data' => 'two', 'expire' => time() + 60]]);
Tap::same(1, $b->get('m1')->data ?? null, 'setMultiple permanent item');
Tap::same('two', $b->get('m2')->data ?? null, 'setMultiple expiring item');

// getAllKeys / getAll rely on info()['ucache_entries'][i]['key_name']
$info = wincache_ucache_info();
Tap::ok(is_array($info) && isset($info['ucache_entries']) && is_array($info['ucache_entries']), 'info() has ucache_entries', 'array', $info);
$first = $info['ucache_entries'] ? array_key_first($info['ucache_entries']) : null;
Tap::same(1, $first, 'ucache_entries is indexed from 1');
$keys = $b->getAllKeys();
sort($keys);
Tap::same(['falsy', 'm1', 'm2', 'page:1', 'page:2'], $keys, 'getAllKeys() lists this bin via info() key_name');
$pageKeys = $b->getAllKeys('page:');
sort($pageKeys);
Tap::same(['1', '2'], $pageKeys, "getAllKeys('page:') strips the prefix");
$all = $b->getAll();
ksort($all);
Tap::same(['falsy', 'm1', 'm2', 'page:1', 'page:2'], array_keys($all), 'getAll() fetches every listed key');

// delete / deleteMultiple (results ignored by the module; check the effect)
$b->delete('m1');
Tap::same(false, $b->get('m1'), 'delete() removed the item');
$b->deleteMultiple(['m2', 'page:2', 'never']);
Tap::same(false, $b->get('m2'), 'deleteMultiple removed m2');
Tap::same(false, $b->get('page:2'), 'deleteMultiple removed page:2');
$rest = array_keys($b->getAll());
sort($rest);
Tap::same(['falsy', 'page:1'], $rest, 'getAll() after the deletes');

// add(): bare cid, warning on an existing key swallowed by the error handler
wincache_ucache_delete('lock:cron');
Tap::same(true, $b->add('lock:cron', 'first', time() + 60), 'add() a new key');
Tap::same(false, $b->add('lock:cron', 'second'), 'add() an existing key is false (warning swallowed)');
Tap::same('first', wincache_ucache_get('lock:cron'), 'add() kept the first value under the bare cid');
$warned = null;
set_error_handler(static function ($no, $str) use (&$warned) {
    $warned = $str;
    return true;
});
wincache_ucache_add('lock:cron', 'third');
restore_error_handler();
Tap::ok(is_string($warned) && str_contains($warned, 'function called with a key which already exists'),
    'raw add() of an existing key raises the WinCache warning the module suppresses',
    'wincache_ucache_add(): function called with a key which already exists', $warned);
wincache_ucache_delete('lock:cron');

// counters: inc with $success, default on a miss
$b->counter('hits', 5, 10);
Tap::same(10, $b->counterGet('hits'), 'counter() on a missing key stores the default (not default+inc)');
$b->counter('hits', 5, 10);
Tap::same(15, $b->counterGet('hits'), 'counter() increments an existing int');
$b->counter('hits', -20, 10);
Tap::same(-5, $b->counterGet('hits'), 'counter() with a negative increment');
$b->counterSet('c2', '42');
Tap::same(42, $b->counterGet('c2'), 'counterSet((int) "42")');
$b->counterMultiple(['c2', 'c3'], 1, 100);
$cs = ['c2', 'c3', 'cX'];
Tap::same(['c2' => 43, 'c3' => 100], $b->counterGetMultiple($cs), 'counterMultiple / counterGetMultiple');
Tap::same([2 => 'cX'], $cs, 'counterGetMultiple leaves the misses');
$b->set('notint', 'abc');
set_error_handler(static function () {
    return true;
});
$b->counter('notint', 1, 7);
restore_error_handler();
Tap::same(7, $b->counterGet('notint'), 'counter() over a non-int value: inc fails, default stored');
Tap::same(false, $b->counterGet('nothing'), 'counterGet() miss is false');

// deleteAll(): invalidation counter + new prefix; garbageCollection() removes the old prefix via info()
$oldKey = $b->binKey('page:1');
$b->deleteAll();
Tap::same(1, wincache_ucache_get($b->countKey()), 'deleteAll() incremented the invalidation count with inc()');
Tap::same(false, $b->get('page:1'), 'items invisible after deleteAll()');
Tap::same(true, wincache_ucache_exists($oldKey), 'old entries physically still there before garbage collection');
$b->set('page:1', 'new');
Tap::same('new', $b->get('page:1')->data ?? null, 'new item under the new prefix');
$b2 = new ReplayDrupalRawBackend('render', 'site-one');
Tap::same('new', $b2->get('page:1')->data ?? null, 'a new backend instance picks up the bumped bin name');
$b->garbageCollection();
Tap::same(false, wincache_ucache_exists($oldKey), 'garbageCollection() deleted the old prefix keys');
Tap::same([], wincache_ucache_get($b->listKey()), 'invalidation list reset to []');
Tap::same('new', $b->get('page:1')->data ?? null, 'current items survive garbage collection');

// a second site does not see the first one's keys
$other = new ReplayDrupalRawBackend('render', 'site-two');
$other->set('page:1', 'other site');
Tap::same(['page:1'], array_values($other->getAllKeys()), 'getAllKeys() of another site lists only its own key');
Tap::same('new', $b->get('page:1')->data ?? null, 'sites do not collide');

// expiry: a past expire becomes ttl 1 (visible briefly), a near future expire disappears
$b->set('past', 'p', time() - 100);
$b->set('soon', 's', time() + 1);
Tap::same('p', $b->get('past')->data ?? null, 'past expire is stored with ttl 1 and still readable at once');
sleep(3);
Tap::same(false, $b->get('past'), 'ttl 1 item gone after 3s');
Tap::same(false, $b->get('soon'), 'expire=time()+1 item gone after 3s');
$alive = $b->getAll();
Tap::ok(!isset($alive['past']) && !isset($alive['soon']) && isset($alive['page:1']),
    'getAll() (info() listing + get(array)) returns no expired item', 'page:1 only', array_keys($alive));

Tap::same(true, wincache_ucache_clear(), 'final clear');
Tap::finish();
