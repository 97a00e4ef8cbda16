// extension/extra.cpp: wincache_extra_info(), our figures beside WinCache's info arrays.
//
// WinCache's *_info and *_meminfo functions return exactly WinCache 2.0's keys in its order
// (scripts and tests compare whole arrays). Everything we know beyond that lives here: why a
// process runs on a local cache or has no shared locks, evictions, expirations, repairs after a
// killed writer, lock waits and takeovers. The statistics page reads it. docs/extension.md lists
// the keys.
#include <string>

#include "buffers.hpp"
#include "features.hpp"
#include "redis.hpp"
#include "php_wincache.h"
#include "zerocopy.hpp"

namespace wcx {
namespace {

void add_str(zval* arr, const char* key, const std::string& v) {
  add_assoc_stringl(arr, key, v.data(), v.size());
}

void locks_section(zval* out, const char* name, Domain* d) {
  zval z;
  array_init(&z);
  add_assoc_string(&z, "scope", d && d->locks() ? "shared" : "unavailable");
  add_str(&z, "why_unavailable", d ? d->why_no_locks() : std::string("not joined"));
  if (d && d->locks()) {
    const auto s = d->locks()->stats();
    add_assoc_long(&z, "held", zend_long(d->locks()->held()));
    add_assoc_long(&z, "acquired", zend_long(s.acquired));
    add_assoc_long(&z, "waited", zend_long(s.waited));
    add_assoc_long(&z, "taken_over", zend_long(s.taken_over));
    add_assoc_long(&z, "interrupted", zend_long(s.interrupted));
  }
  add_assoc_zval(out, name, &z);
}

void extra_info(INTERNAL_FUNCTION_PARAMETERS) {
  ZEND_PARSE_PARAMETERS_NONE();
  Domain* d = local_domain();
  if (!d) RETURN_FALSE;
  array_init(return_value);
  add_assoc_string(return_value, "version", PHP_WINCACHE_VERSION);
  add_str(return_value, "group", d->name());
  add_str(return_value, "location", d->location());
  add_assoc_long(return_value, "slot", zend_long(d->slot()));

  zval uc;
  array_init(&uc);
  Cache* c = d->cache();
  add_assoc_string(&uc, "scope", !c ? "none" : d->local() ? "local" : "global");
  add_str(&uc, "why_local", d->why_local());
  if (c) {
    const wc::CacheStats s = c->stats(d->slot());
    add_assoc_long(&uc, "evictions", zend_long(s.evictions));
    add_assoc_long(&uc, "expirations", zend_long(s.expirations));
    add_assoc_long(&uc, "recoveries", zend_long(s.recoveries));
    add_assoc_long(&uc, "resets", zend_long(s.resets));
    add_assoc_long(&uc, "lock_writer_takeovers", zend_long(c->h().lock.writer_takeovers()));
    add_assoc_long(&uc, "lock_reaped_readers", zend_long(c->h().lock.reaped_readers()));
    // The frequency eviction's hints (STORE-4): the sketch's size, its agings, the window and the
    // ghosts that move it.
    add_assoc_long(&uc, "sketch_bytes", zend_long(c->sketch_bytes()));
    add_assoc_long(&uc, "sketch_agings", zend_long(c->sketch_agings()));
    add_assoc_long(&uc, "eviction_window_permille", zend_long(c->window_permille()));
    add_assoc_long(&uc, "ghost_bytes", zend_long(c->ghost_bytes()));
    add_assoc_long(&uc, "ghost_misses_young", zend_long(c->ghost_misses(true)));
    add_assoc_long(&uc, "ghost_misses_old", zend_long(c->ghost_misses(false)));
    zc_extra_info(&uc, c, d->slot());  // zero-copy: the pin, retired bytes, gets handed out
  }
  add_assoc_zval(return_value, "ucache", &uc);

  locks_section(return_value, "locks", d);
  locks_section(return_value, "global_locks", joined_global());
  session_extra_info(return_value);
  redis_extra_info(return_value);
  fcache_extra_info(return_value);
  opcache_extra_info(return_value);
  rplist_extra_info(return_value);
  reroute_extra_info(return_value);

  zval pr;
  array_init(&pr);
  add_assoc_long(&pr, "locks_held", zend_long(locks_held()));
  add_assoc_long(&pr, "buffer_bytes", zend_long(buffers_held()));
  add_assoc_zval(return_value, "process", &pr);
}

}  // namespace
}  // namespace wcx

PHP_FUNCTION(wincache_extra_info) { WCX_GUARDED(wcx::extra_info(INTERNAL_FUNCTION_PARAM_PASSTHRU)) }
