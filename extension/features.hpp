// extension/features.hpp: how the module (wincache.cpp) wires the features together.
//
// Each PHP feature is one file of glue over one core instance and owns its state; the module
// file owns nothing but the INI table and the order of the hooks:
//
//   process.cpp   who this process shares with: the group (local) and the machine-wide lock
//                 group (global), joined lazily, fork-aware; a master's anchors (SEG-9)
//   ucache.cpp    wincache_ucache_*: the user cache
//   locks.cpp     wincache_lock / wincache_unlock: named locks, released after the request's
//                 last user code
//   session.cpp   session.save_handler = wincache, wincache_scache_*
//   redis.cpp     wincache.redis: the endpoint, this process's connection, the circuit breaker
//   session_redis.cpp  sessions on Redis
//   ucache_redis.cpp   ucache=near: the user cache and named locks on Redis, the host's copies
//                 (hooks at the top of ucache.cpp's and locks.cpp's functions)
//   near_listener.cpp  the near cache's invalidation listener process, one per host
//   extra.cpp     wincache_extra_info(): our figures beside WinCache's info arrays
//   info.cpp      WinCache's *_info / *_meminfo array shapes, shared by every cache
//   fcache.cpp    the file cache: wincache.fc* directives, the zend_stream_open_function hook,
//                 wincache_fcache_*, wincache_refresh_if_changed
//   rplist.cpp    the resolve-path cache: the zend_resolve_path hook, wincache_rplist_*
//   reroute.cpp   wincache.reroute_enabled: file_get_contents / readfile served from the file
//                 cache, unlink / rename / rmdir invalidating it
//   watcher.cpp   fcndetect=1: the watcher lease's check and the owner's watcher thread
//   opcache.cpp   wincache.opcache_invalidate: what the watcher saw change, applied to OPcache
//                 and to PHP's realpath cache before a request compiles
//
// Values cross into shared memory in codec.cpp (through call-owned buffers.cpp); segments and
// primitives are reached through runtime.cpp only.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "runtime.hpp"  // first: PHP's headers redefine snprintf, which the core uses

extern "C" {
#include "php.h"
#include "zend_ini.h"
}

struct ps_module_struct;  // ext/session/php_session.h

namespace wcx {

// ---- process.cpp ------------------------------------------------------------------------------
void process_minit();
void process_mshutdown();  // after the features' own process-end hooks
void process_rinit();      // follow recreated segments (SEG-3)
bool process_enabled();    // not the CLI, or wincache.enablecli
// This process's group (nullptr when the extension is off here). Joins on first use.
Domain* local_domain();
// The machine-wide lock group of this user and salt (wincache_lock($key, true)).
Domain* global_domain();
// The domains this process joined, or null (never joins).
Domain* joined_local();
Domain* joined_global();
ZEND_INI_MH(ini_enablecli);
ZEND_INI_MH(ini_namesalt);
ZEND_INI_MH(ini_apppoolid);
const std::string& process_namesalt();
void process_set_namesalt(const std::string& salt);

// ---- info.cpp ---------------------------------------------------------------------------------
// One entry of a *_info array: the key as shown, WinCache's value_type, value_size as WinCache
// reported it, ttl and age in seconds, hits.
struct InfoRow {
  std::string key;
  const char* type;
  std::uint64_t size, ttl, age, hits;
};
// Adds a row's WinCache keys (key_name, value_type, value_size, ttl_seconds, age_seconds,
// hitcount, in that order) to the array e.
void info_row(zval* e, const InfoRow& r);
// {total_cache_uptime, is_local_cache, total_item_count, total_hit_count, total_miss_count,
// <entries_key> => [1 => row, ...]}; uptime 0 unless `opened`.
void info_array(zval* rv, const wc::CacheStats& s, std::uint64_t now, bool opened, bool is_local,
                const std::vector<InfoRow>& rows, const char* entries_key);
// {memory_total, memory_free, num_used_blks, num_free_blks, memory_overhead}.
void meminfo_array(zval* rv, const wc::AllocStats& m);

// ---- ucache.cpp -------------------------------------------------------------------------------
void ucache_minit();
std::uint64_t ucache_segment_bytes();  // the ucachesize in force, in bytes
ZEND_INI_MH(ini_ucenabled);
ZEND_INI_MH(ini_ucachesize);

// ---- locks.cpp --------------------------------------------------------------------------------
void locks_post_deactivate();  // release what the request still holds, after all its user code
void locks_process_end();      // the same at process end
void locks_after_fork();       // a fork()ed child holds none of its parent's locks
std::size_t locks_held();      // by this process now
ZEND_INI_MH(ini_locktimeout);

// ---- session.cpp ------------------------------------------------------------------------------
void session_minit();                   // clamps wincache.scachesize, registers the handler,
                                        // wraps session_start / session_reset (read_guarded)
void session_mshutdown();               // session_start / session_reset back (session_minit)
std::uint64_t session_segment_bytes();  // the scachesize in force, in bytes
void session_extra_info(zval* out);     // wincache_extra_info()['sessions']
ZEND_INI_MH(ini_scachesize);
ZEND_INI_MH(ini_sessionlockwait);
const ::ps_module_struct* shm_session_module();  // the handler on shared memory
std::uint64_t session_lock_deadline_ms();       // when a session lock wait gives up (now_ms clock)
// The read guard (docs/extension.md "Resource limits"), shared by the handler on Redis:
void session_note_read();  // our read got the session: a bailout from here is unfinished
// true (with a warning): the read of this request's session did not finish; do not write it
bool session_keep_unfinished(zend_string* key);
// true (with a warning): the request is ending inside the read; do not destroy the session
bool session_keep_when_ending(zend_string* key);
void session_read_forget();                // open/close: a new session
bool session_valid_id(zend_string* id);    // as PHP's files handler checks it (a warning if not)

// ---- session_redis.cpp (wincache.redis set: sessions in Redis) ---------------------------------
const ::ps_module_struct* session_front_module();  // "wincache": on shared memory or on Redis
void redis_session_extra_info(zval* out);         // wincache_extra_info()['redis']['sessions']

// ---- ucache_redis.cpp (wincache.redis with ucache=near: the user cache and locks on Redis) -----
// The near cache's store calls: ucache.cpp parses the arguments (once, for both paths) and calls
// these instead of the local store's when near_on(). Redis unreachable: warned once per request.
bool near_on();  // the near cache is configured (and built): the hooks below replace the local paths
// A key of the array forms (ucache.cpp): a string, or an int as its decimal string; else
// WinCache's warning and false.
bool element_key(zval* z, std::string& out);
// What a put of one key came to (ucache.cpp's and the near cache's alike).
enum class Put : std::uint8_t { ok, failed, exists, exception };
bool near_fetch(Cache* c, const char* k, std::size_t n, zval* rv);  // false: miss or failure
Put near_put(Cache* c, const char* k, std::size_t n, zval* value, zend_long ttl, bool add, bool warn);
bool near_remove(Cache* c, const char* k, std::size_t n);  // true: a key was deleted
// ok (*out set), miss (absent), not_int (the value is no int), busy (Redis failed: warned)
wc::CacheStatus near_add_int(Cache* c, const char* k, std::size_t n, std::int64_t d, std::int64_t* out);
// ok (swapped), mismatch, miss, not_int, busy (Redis failed: warned)
wc::CacheStatus near_cas(Cache* c, const char* k, std::size_t n, zend_long old_v, zend_long new_v);
bool near_exists(const char* k, std::size_t n);  // asks Redis
bool near_clear(Cache* c);  // this application's keys, then the host's copies; false: failed
unsigned near_stripe_of(const char* key, std::size_t n);  // the stripe of APP:u:<key>
bool redis_locks_on();
bool redis_lock(const char* k, std::size_t n, std::uint64_t until_ms);  // false: warned or timed out
bool redis_unlock(const char* k, std::size_t n);
void redis_locks_release_all(bool log);
void redis_locks_after_fork();
void redis_near_extra_info(zval* out);  // wincache_extra_info()['redis']['near']
// ---- near_listener.cpp ---------------------------------------------------------------------------
// Starts this host's invalidation listener if none lives (rate-limited); it lives while the
// process `anchor` (a proc_id) does. True if one was started.
bool near_listener_ensure(NearArea* a, std::uint64_t anchor);

// ---- fcache.cpp -------------------------------------------------------------------------------
void fcache_minit();            // clamps the directives, installs both hooks (rplist_install)
void fcache_mshutdown();        // puts the previous hooks back
void fcache_post_deactivate();  // gives back a pin a leaked stream held
std::uint64_t fcache_segment_bytes();  // fcachesize in force, bytes
std::uint64_t rplist_segment_bytes();  // from filecount, as WinCache sized its rplist
// Is `name` for the caches at all (fcenabled, not a stream wrapper, not in ignorelist)?
bool fcache_wanted(zend_string* name);
std::string fcache_key(const std::string& canonical);  // the file store's key of a path
std::uint64_t fcache_chk_ms();  // the re-check interval in force (fcndetect=1: 1 s for now)
std::uint64_t fcache_ttl_s();   // ttlmax
void fcache_extra_info(zval* out);  // wincache_extra_info()['fcache']
void fcache_rinit();                // the watcher lease's check, if the file stores are attached
bool fcache_notify_wanted();        // fcndetect=1 and the hooks are in
bool fcache_wanted_now();           // fcenabled and the hooks are in
bool fcache_notify_in_force(const FileStores* st);  // a watcher owns the group and beats
void fcache_request_start(Domain* d, const FileStores* st);  // once per request: the lease

// ---- watcher.cpp ------------------------------------------------------------------------------
#ifdef _WIN32
inline constexpr bool kWindowsPaths = true;
#else
inline constexpr bool kWindowsPaths = false;
#endif
// Held around every use of the file store and the watch table by this process (its watcher
// thread and its request thread share one reader slot: never both at once).
std::unique_lock<std::mutex> fcache_guard();
void watcher_request_start(Domain* d, const FileStores* st);  // lease.check(); the winner's thread
void watcher_stop();          // process end: stop, join, release the lease
bool watcher_owned_here();    // this process's thread is watching
std::uint64_t watcher_events_here();
std::uint64_t watcher_watches_here();
std::uint64_t watcher_logged_here();  // change-log records this process's thread wrote
std::string watcher_why_not();
ZEND_INI_MH(ini_fcenabled);
ZEND_INI_MH(ini_fcachesize);
ZEND_INI_MH(ini_maxfilesize);
ZEND_INI_MH(ini_filecount);
ZEND_INI_MH(ini_chkinterval);
ZEND_INI_MH(ini_ttlmax);
ZEND_INI_MH(ini_fcndetect);
ZEND_INI_MH(ini_ignorelist);

// ---- opcache.cpp ------------------------------------------------------------------------------
void opcache_minit();      // the instance mark, before any fork (fcache_minit)
void opcache_mshutdown();  // zend_compile_file back
bool opcache_rinit();      // true: this request needs the file stores (OPcache is told)
void opcache_request_start(const FileStores* st, bool gen_moved);  // realpath cache; a reset
void opcache_extra_info(zval* out);  // wincache_extra_info()['opcache']
ZEND_INI_MH(ini_opcache_invalidate);

// ---- fcache.cpp, for reroute.cpp (h/reroute) -------------------------------------------------------
enum class RerouteRead { hit, loaded, unverified, pass };
using RerouteUse = void (*)(void* ctx, const char* bytes, std::size_t len);
// The stored bytes of `path` (the name PHP would open), validated by a stat now (FC-2) and only
// if this process verified its own open of that load (FC-5): `use` is called with them (pinned)
// and hit is returned; loaded: read now by this process and stored, `use` NOT called (the
// caller passes the call to PHP, which reads it itself); unverified:
// stored but not yet opened by this process (*stamp: the load; after PHP's own read succeeds,
// fcache_reroute_verified); pass: not answerable from the store.
RerouteRead fcache_reroute_read(const std::string& path, RerouteUse use, void* ctx,
                                std::uint64_t* stamp);
void fcache_reroute_verified(const std::string& path, std::uint64_t stamp);
bool fcache_reroute_forget(const std::string& canonical);  // after a successful unlink/rename
void fcache_reroute_bump();  // every entry re-checked once, every resolved path asked again
// ---- reroute.cpp --------------------------------------------------------------------------------
void reroute_minit(int module_number);  // replaces the handlers (this process's function table)
void reroute_mshutdown();                // puts the originals back
void reroute_extra_info(zval* out);  // wincache_extra_info()['reroute']
ZEND_INI_MH(ini_reroute_enabled);

// ---- rplist.cpp -------------------------------------------------------------------------------
void rplist_install();
void rplist_uninstall();
// The canonical path of an include's name, through the resolve-path cache (fresh: past it).
bool rplist_canonical(zend_string* name, std::string& out, bool fresh = false);
void rplist_extra_info(zval* out);  // wincache_extra_info()['rplist']

// ---- wincache.cpp -----------------------------------------------------------------------------
// Startup clamping is written back into the directive, so ini_get() shows the value in force.
void ini_write_back(const char* name, const std::string& value);

// ---- errors -----------------------------------------------------------------------------------
// The one message for a std::bad_alloc caught at a PHP entry point (no C++ exception leaves the
// extension): a warning, the function then returns false.
void report_no_memory(const char* what);

}  // namespace wcx

// Runs `body` (a statement) with every C++ exception turned into a warning and `false`. For
// PHP_FUNCTION bodies: an exception must never unwind through the engine.
// wincache.protect_memory (zerocopy.hpp): the user-cache mapping is writable only while one of
// our functions runs (nested calls counted); read-only whenever PHP code runs.
namespace wcx {
extern bool g_zc_protect;  // wincache.protect_memory (zerocopy.cpp): the check stays inline
void zc_enter_protected();
void zc_leave_protected();
inline void zc_enter() {
  if (g_zc_protect) zc_enter_protected();
}
inline void zc_leave() {
  if (g_zc_protect) zc_leave_protected();
}
struct ZcScope {
  ZcScope() { zc_enter(); }
  ~ZcScope() { zc_leave(); }
  ZcScope(const ZcScope&) = delete;
  ZcScope& operator=(const ZcScope&) = delete;
};
}  // namespace wcx

#define WCX_GUARDED(body)                                                          \
  try {                                                                            \
    wcx::ZcScope zc_scope_;                                                        \
    body;                                                                          \
  } catch (const std::bad_alloc&) {                                                \
    wcx::report_no_memory(get_active_function_name());                             \
    if (!EG(exception)) RETVAL_FALSE;                                              \
  } catch (...) {                                                                  \
    wcx::report_no_memory(get_active_function_name());                             \
    if (!EG(exception)) RETVAL_FALSE;                                              \
  }
