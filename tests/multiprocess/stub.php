<?php
// A userland stand-in for the wincache extension, used only to test the multiprocess harness
// itself (tests run with "stub" instead of a .so path). One serialized file guarded by flock;
// locks are flock()ed files (the kernel drops them when a process dies). Not a cache.
if (!function_exists('wincache_ucache_get')) {
    function __wcs_dir(): string {
        $salt = (string) get_cfg_var('wincache.namesalt');
        $d = sys_get_temp_dir() . '/wcstub_' . preg_replace('/[^A-Za-z0-9]/', '', $salt);
        if (!is_dir($d)) { @mkdir($d, 0777); @chmod($d, 0777); }
        return $d;
    }
    function __wcs_tx(callable $f) {
        $d = __wcs_dir();
        $lk = fopen("$d/cache.lock", 'c'); @chmod("$d/cache.lock", 0666);
        flock($lk, LOCK_EX);
        $raw = @file_get_contents("$d/cache.ser");
        $c = $raw ? unserialize($raw) : ['start' => time(), 'e' => [], 'hit' => 0, 'miss' => 0];
        $now = time();
        foreach ($c['e'] as $k => $e) if ($e['ttl'] && $e['t'] + $e['ttl'] <= $now) unset($c['e'][$k]);
        [$r, $dirty] = $f($c);
        $c['dirty'] = 1;
        file_put_contents("$d/cache.ser.tmp", serialize($c)); @chmod("$d/cache.ser.tmp", 0666);
        rename("$d/cache.ser.tmp", "$d/cache.ser");
        flock($lk, LOCK_UN); fclose($lk);
        return $r;
    }
    function wincache_ucache_get($key, &$success = null) {
        $r = __wcs_tx(function (&$c) use ($key) {
            if (isset($c['e'][$key])) { $c['hit']++; $c['e'][$key]['h']++; return [[true, $c['e'][$key]['v']], 1]; }
            $c['miss']++; return [[false, false], 1];
        });
        $success = $r[0]; return $r[1];
    }
    function wincache_ucache_set($key, $value = null, $ttl = 0) {
        return __wcs_tx(function (&$c) use ($key, $value, $ttl) {
            $c['e'][$key] = ['v' => $value, 't' => time(), 'ttl' => $ttl, 'h' => 0]; return [true, 1];
        });
    }
    function wincache_ucache_add($key, $value = null, $ttl = 0) {
        $ok = __wcs_tx(function (&$c) use ($key, $value, $ttl) {
            if (isset($c['e'][$key])) return [false, 0];
            $c['e'][$key] = ['v' => $value, 't' => time(), 'ttl' => $ttl, 'h' => 0]; return [true, 1];
        });
        if (!$ok) trigger_error('wincache_ucache_add(): function called with a key which already exists', E_USER_WARNING);
        return $ok;
    }
    function wincache_ucache_delete($key) {
        return __wcs_tx(function (&$c) use ($key) {
            if (!isset($c['e'][$key])) return [false, 0]; unset($c['e'][$key]); return [true, 1];
        });
    }
    function wincache_ucache_inc($key, $delta = 1, &$success = null) {
        $r = __wcs_tx(function (&$c) use ($key, $delta) {
            if (!isset($c['e'][$key]) || !is_int($c['e'][$key]['v'])) return [false, 0];
            $c['e'][$key]['v'] += $delta; return [$c['e'][$key]['v'], 1];
        });
        $success = $r !== false; return $r;
    }
    function wincache_ucache_info($summaryonly = false, $key = null) {
        return __wcs_tx(function (&$c) use ($summaryonly) {
            $ents = []; $i = 1;
            foreach ($c['e'] as $k => $e) $ents[$i++] = ['key_name' => (string) $k, 'value_type' => gettype($e['v']),
                'value_size' => strlen(serialize($e['v'])), 'ttl_seconds' => $e['ttl'],
                'age_seconds' => time() - $e['t'], 'hitcount' => $e['h']];
            return [['total_cache_uptime' => time() - $c['start'], 'is_local_cache' => false,
                'total_item_count' => count($c['e']), 'total_hit_count' => $c['hit'],
                'total_miss_count' => $c['miss'], 'total_evict_count' => 0,
                'ucache_entries' => $summaryonly ? [] : $ents], 0];
        });
    }
    function wincache_ucache_meminfo() {
        return ['memory_total' => 8 << 20, 'memory_free' => 8 << 20, 'num_used_blks' => 0,
                'num_free_blks' => 1, 'memory_overhead' => 0];
    }
    $GLOBALS['__wcs_locks'] = [];
    function wincache_lock($key, $isglobal = false) {
        if (isset($GLOBALS['__wcs_locks'][$key])) return false;
        $f = __wcs_dir() . '/lock_' . md5($key);
        $h = fopen($f, 'c'); @chmod($f, 0666);
        if (!flock($h, LOCK_EX)) return false;
        $GLOBALS['__wcs_locks'][$key] = $h; return true;
    }
    function wincache_unlock($key) {
        if (!isset($GLOBALS['__wcs_locks'][$key])) return false;
        flock($GLOBALS['__wcs_locks'][$key], LOCK_UN); fclose($GLOBALS['__wcs_locks'][$key]);
        unset($GLOBALS['__wcs_locks'][$key]); return true;
    }
    register_shutdown_function(function () {
        foreach (array_keys($GLOBALS['__wcs_locks']) as $k) {
            trigger_error("wincache_lock: lock '$k' was not unlocked by the script; released at request end", E_USER_WARNING);
            wincache_unlock($k);
        }
    });
}
