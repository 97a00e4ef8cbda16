// extension/ucache.cpp: the wincache_ucache_* functions, on the core's user cache
// (core/ucache.hpp) of this process's group (process.cpp).
//
// Rules this file keeps (docs/extension.md):
//   - No PHP allocation and no user code while a cache lock is held: a value is encoded into a
//     call-owned buffer before the write lock is taken, and copied out into one before it is
//     decoded, so a memory_limit bailout or an __unserialize() that calls back into the cache can
//     never leave a lock held, and a re-entrant call never rewrites bytes an outer call reads.
//   - Behaviour, messages and return values as WinCache 2.0 had them (docs/compat.md), except
//     where WinCache was broken: eviction instead of a full cache, binary-safe keys.
#include <cstring>
#include <string>
#include <vector>

#include "features.hpp"

#include "codec.hpp"
#include "zerocopy.hpp"

extern "C" {
#include "zend_exceptions.h"
}

namespace wcx {

// Keys of the array forms: strings, or ints as their decimal string; anything else is
// WinCache's warning and the caller returns false.
bool element_key(zval* z, std::string& out) {
  ZVAL_DEREF(z);
  if (Z_TYPE_P(z) == IS_STRING) {
    out.assign(Z_STRVAL_P(z), Z_STRLEN_P(z));
    return true;
  }
  if (Z_TYPE_P(z) == IS_LONG) {
    out = std::to_string(Z_LVAL_P(z));
    return true;
  }
  php_error_docref(nullptr, E_WARNING, "key array elements can only be string or long");
  return false;
}

namespace {

using wc::CacheStatus;
using wc::ValueType;

constexpr std::size_t kMaxKey = 4096;

struct UcacheState {
  bool ucenabled = true;           // PHP_INI_ALL: checked at every call
  bool ucenabled_startup = true;   // the value at startup: is there a cache at all
  zend_long ucachesize = 8;        // MB, clamped at startup
  bool warned_unavailable = false;  // the one warning of a process without any cache
};
UcacheState us;

// This process's cache. A process that has neither the shared cache nor a local one (no memory
// for either) says so once, with the reason; every call then returns false.
Cache* domain_cache() {
  Domain* d = local_domain();
  if (!d) return nullptr;
  if (!d->cache() && !us.warned_unavailable) {
    us.warned_unavailable = true;
    php_error_docref(nullptr, E_WARNING, "the user cache is not available in this process: %s",
                     d->why_local().c_str());
  }
  return d->cache();
}
// The cache for the functions WinCache gated on ucenabled.
Cache* cache() {
  if (!us.ucenabled || !us.ucenabled_startup) return nullptr;
  return domain_cache();
}
// info()/meminfo(): WinCache answered them whenever the cache existed, ucenabled or not.
Cache* initialised_cache() {
  if (!us.ucenabled_startup) return nullptr;
  return domain_cache();
}
unsigned slot() {
  Domain* d = joined_local();
  return d ? d->slot() : 0;
}
bool is_local() {
  Domain* d = joined_local();
  return d && d->local();
}

const char* type_name(ValueType t) {
  switch (t) {
    case ValueType::null_v: return "null";
    case ValueType::bool_v: return "bool";
    case ValueType::long_int: return "long";
    case ValueType::double_v: return "double";
    case ValueType::string_v: return "string";
    case ValueType::array_v: return "array";
    case ValueType::object_v: return "object";
  }
  return "unknown";
}

// ---- get ----------------------------------------------------------------------------------
// Copies the value out under the read lock into memory this call owns, decodes after releasing
// it. False on a miss, on a decoding failure and when __wakeup()/__unserialize() threw.
bool fetch(Cache* c, const char* k, std::size_t n, zval* rv) {
  if (n == 0 || n > kMaxKey) {  // never stored, so a miss like any other absent key
    c->count_miss(slot());
    return false;
  }
  Buffer buf;
  ValueType type = ValueType::null_v;
  bool done = false, no_memory = false;
  std::uint64_t want = 0;
  // Zero-copy values (zerocopy.hpp): pinned before the get and handed out after it, or (not
  // pinned) copied out like any other value and deep-copied from the copy.
  const unsigned sl = slot();  // (one look at the process's slot per get: each costs a self())
  const bool pinned = zc_before_get(c, sl);
  const void* image = nullptr;
  const char* image_at = nullptr;
  bool image_string = false;
  const CacheStatus st = c->get_entry(sl, k, std::uint32_t(n), now_ms(),
                                      [&](const Cache::View& v) {
                                        const ValueType t = v.type;
                                        const char* p = v.bytes;
                                        const std::uint64_t len = v.len;
                                        type = t;
                                        if (is_image(v.aux.load(std::memory_order_acquire))) {
                                          if (pinned && (image = zc_root(p, &image_string))) {
                                            zc_stamp(c, sl, const_cast<Cache::View&>(v));
                                            return;
                                          }
                                          image_at = p;  // copied out below, deep-copied after
                                        }
                                        if (decodes_in_place(t)) {  // no PHP allocation: safe here
                                          done = decode_value(t, p, len, rv);
                                        } else if (!buf.assign(p, std::size_t(len))) {
                                          no_memory = true;  // malloc said no: nothing to unwind
                                          want = len;
                                        }
                                      });
  if (st != CacheStatus::ok) return false;
  if (image) {
    zc_hand_out(image, image_string, rv);
    return true;
  }
  if (done) return true;
  if (image_at && !no_memory) {
    if (zc_copy_out(buf.data(), buf.size(), image_at, rv)) return true;
    php_error_docref(nullptr, E_WARNING, "the cached value of key '%.*s' could not be decoded",
                     int(n < 200 ? n : 200), k);
    return false;
  }
  if (no_memory) {
    if (buf.too_nested())
      php_error_docref(nullptr, E_WARNING,
                       "cache calls re-entered from unserialize() are nested deeper than %u",
                       Buffer::kSlots);
    else
      php_error_docref(nullptr, E_WARNING,
                       "not enough memory to fetch the value of key '%.*s' (%llu bytes)",
                       int(n < 200 ? n : 200), k, static_cast<unsigned long long>(want));
    return false;
  }
  if (!decode_value(type, buf.data(), buf.size(), rv)) {
    if (!EG(exception) && !oom_pending())  // out of memory: PHP's fatal error follows, not ours
      php_error_docref(nullptr, E_WARNING, "the cached value of key '%.*s' could not be decoded",
                       int(n < 200 ? n : 200), k);
    return false;
  }
  return true;
}


// The array forms of get and delete: an array `out` of what each(key, out) adds for every
// element's key. False (out freed) at the first key element_key refuses or when each() says
// stop (an exception).
template <class Each>
bool over_keys(zval* keys, zval* out, Each&& each) {
  array_init(out);
  zval* el;
  std::string k;
  ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(keys), el) {
    if (!element_key(el, k) || !each(k, out)) {
      zval_ptr_dtor(out);
      return false;
    }
  }
  ZEND_HASH_FOREACH_END();
  return true;
}

// ---- set / add ----------------------------------------------------------------------------
Put stored(CacheStatus st, bool warn);

Put put_one(Cache* c, const char* k, std::size_t n, zval* value, zend_long ttl, Cache::Mode mode,
            bool warn) {
  if (n == 0 || k[0] == '\0') {
    if (warn) php_error_docref(nullptr, E_WARNING, "key cannot be blank string");
    return Put::failed;
  }
  if (n > kMaxKey) return Put::failed;
  CacheStatus st = CacheStatus::ok;
  bool image_no_memory = false;
  if (zc_store(c, slot(), k, std::uint32_t(n), value, std::uint64_t(ttl), now_ms(), mode, &st,
               &image_no_memory))
    return stored(st, warn);  // an array or string as an immutable image (zerocopy.hpp)
  if (image_no_memory) {
    if (warn) php_error_docref(nullptr, E_WARNING, "not enough memory to encode the value");
    return Put::failed;
  }
  Buffer buf;
  Encoded enc;
  switch (encode_value(value, buf, &enc)) {
    case Encode::ok: break;
    case Encode::exception: return Put::exception;
    case Encode::resource:
      if (warn) php_error_docref(nullptr, E_WARNING, "value cannot be a resource");
      return Put::failed;
    case Encode::too_deep:
      if (warn)
        php_error_docref(nullptr, E_WARNING, "value is nested deeper than %d levels", kMaxDepth);
      return Put::failed;
    case Encode::no_memory:
      if (warn)
        php_error_docref(nullptr, E_WARNING, buf.too_nested()
                                                 ? "cache calls re-entered from serialize() are "
                                                   "nested too deeply"
                                                 : "not enough memory to encode the value");
      return Put::failed;
  }
  st = c->store(slot(), k, std::uint32_t(n), enc.type, enc.bytes, enc.len, std::uint64_t(ttl),
                now_ms(), mode);
  return stored(st, warn);
}

Put stored(CacheStatus st, bool warn) {
  if (st == CacheStatus::ok) return Put::ok;
  if (st == CacheStatus::exists) {
    if (warn)
      php_error_docref(nullptr, E_WARNING, "function called with a key which already exists");
    return Put::exists;
  }
  if (st == CacheStatus::no_memory && warn)
    php_error_docref(nullptr, E_WARNING, "not enough process memory to make room in the cache");
  return Put::failed;
}

void set_or_add(INTERNAL_FUNCTION_PARAMETERS, Cache::Mode mode) {
  Cache* c = cache();
  if (!c) RETURN_FALSE;
  zval *key, *value = nullptr;
  zend_long ttl = 0;
  ZEND_PARSE_PARAMETERS_START(1, 3)
    Z_PARAM_ZVAL(key)
    Z_PARAM_OPTIONAL
    Z_PARAM_ZVAL(value)
    Z_PARAM_LONG(ttl)
  ZEND_PARSE_PARAMETERS_END();
  ZVAL_DEREF(key);
  if (ttl < 0) {
    php_error_docref(nullptr, E_WARNING, "ttl cannot be less than 0");
    RETURN_FALSE;
  }
  // With the Redis near cache (ucache_redis.cpp) every put goes through Redis first.
  const bool via_redis = near_on();  // (not `near`: a macro in the Windows headers)
  auto put = [&](const char* k, std::size_t n, zval* v, bool warn) {
    return via_redis ? near_put(c, k, n, v, ttl, mode == Cache::Mode::add, warn)
                : put_one(c, k, n, v, ttl, mode, warn);
  };
  if (Z_TYPE_P(key) == IS_ARRAY) {
    // Array form: [key => value, ...]; returns the keys that FAILED, each => -1.
    array_init(return_value);
    zend_ulong idx;
    zend_string* skey;
    zval* v;
    ZEND_HASH_FOREACH_KEY_VAL(Z_ARRVAL_P(key), idx, skey, v) {
      std::string k = skey ? std::string(ZSTR_VAL(skey), ZSTR_LEN(skey)) : std::to_string(idx);
      const Put r = put(k.data(), k.size(), v, false);
      if (r == Put::exception) return;  // the serializer's exception propagates
      if (r != Put::ok) {
        if (skey)
          add_assoc_long_ex(return_value, ZSTR_VAL(skey), ZSTR_LEN(skey), -1);
        else
          add_index_long(return_value, idx, -1);
      }
    }
    ZEND_HASH_FOREACH_END();
    return;
  }
  if (!value) RETURN_FALSE;  // set('k') without a value: false, no warning (WinCache)
  zval* dv = value;
  ZVAL_DEREF(dv);
  if (Z_TYPE_P(dv) == IS_RESOURCE) {
    php_error_docref(nullptr, E_WARNING, "value cannot be a resource");
    RETURN_FALSE;
  }
  zend_string* k = zval_get_string(key);
  if (EG(exception)) {  // an object without __toString: its Error, and nothing else
    zend_string_release(k);
    RETURN_THROWS();
  }
  const Put r = put(ZSTR_VAL(k), ZSTR_LEN(k), value, true);
  zend_string_release(k);
  if (r == Put::exception) RETURN_THROWS();
  RETURN_BOOL(r == Put::ok);
}

// ---- inc / dec ----------------------------------------------------------------------------
void inc_dec(INTERNAL_FUNCTION_PARAMETERS, int sign) {
  Cache* c = cache();
  if (!c) RETURN_FALSE;
  char* k;
  size_t n;
  zend_long delta = 1;
  zval* success = nullptr;
  ZEND_PARSE_PARAMETERS_START(1, 3)
    Z_PARAM_STRING(k, n)
    Z_PARAM_OPTIONAL
    Z_PARAM_LONG(delta)
    Z_PARAM_ZVAL(success)
  ZEND_PARSE_PARAMETERS_END();
  if (success) ZEND_TRY_ASSIGN_REF_FALSE(success);
  if (n == 0 || n > kMaxKey) RETURN_FALSE;
  std::int64_t out = 0;
  const std::int64_t d = sign > 0 ? std::int64_t(delta)
                                  : std::int64_t(0 - std::uint64_t(std::int64_t(delta)));
  const CacheStatus st = near_on() ? near_add_int(c, k, n, d, &out)  // in Redis (ucache_redis.cpp)
                                    : c->add_int(slot(), k, std::uint32_t(n), d, now_ms(), &out);
  if (st == CacheStatus::not_int) {
    php_error_docref(nullptr, E_WARNING, "function can only be called for key whose value is long");
    RETURN_FALSE;
  }
  if (st != CacheStatus::ok) RETURN_FALSE;
  if (success) ZEND_TRY_ASSIGN_REF_TRUE(success);
  RETURN_LONG(zend_long(out));
}

void ucache_get(INTERNAL_FUNCTION_PARAMETERS) {
  Cache* c = cache();
  if (!c) RETURN_FALSE;
  zval *key, *success = nullptr;
  ZEND_PARSE_PARAMETERS_START(1, 2)
    Z_PARAM_ZVAL(key)
    Z_PARAM_OPTIONAL
    Z_PARAM_ZVAL(success)
  ZEND_PARSE_PARAMETERS_END();
  if (success) ZEND_TRY_ASSIGN_REF_FALSE(success);
  ZVAL_DEREF(key);
  // With the Redis near cache every get goes through its host copy or Redis (ucache_redis.cpp).
  const bool via_redis = near_on();
  auto get_one = [&](const char* k, std::size_t n, zval* rv) {
    return via_redis ? near_fetch(c, k, n, rv) : fetch(c, k, n, rv);
  };
  if (Z_TYPE_P(key) == IS_ARRAY) {
    zval out;
    const bool ok = over_keys(key, &out, [&](const std::string& k, zval* o) {
      zval v;
      if (get_one(k.data(), k.size(), &v))
        zend_symtable_str_update(Z_ARRVAL_P(o), k.data(), k.size(), &v);
      return !EG(exception);
    });
    if (!ok) {
      if (EG(exception)) RETURN_THROWS();
      RETURN_FALSE;
    }
    if (success) ZEND_TRY_ASSIGN_REF_TRUE(success);
    RETURN_COPY_VALUE(&out);
  }
  zend_string* k = zval_get_string(key);
  if (EG(exception)) {
    zend_string_release(k);
    RETURN_THROWS();
  }
  const bool hit = get_one(ZSTR_VAL(k), ZSTR_LEN(k), return_value);
  zend_string_release(k);
  if (!hit) {
    if (EG(exception)) RETURN_THROWS();
    RETURN_FALSE;
  }
  if (success) ZEND_TRY_ASSIGN_REF_TRUE(success);
}

void ucache_delete(INTERNAL_FUNCTION_PARAMETERS) {
  Cache* c = cache();
  if (!c) RETURN_FALSE;
  zval* key;
  ZEND_PARSE_PARAMETERS_START(1, 1)
    Z_PARAM_ZVAL(key)
  ZEND_PARSE_PARAMETERS_END();
  ZVAL_DEREF(key);
  const bool via_redis = near_on();  // in Redis, the host's copy dropped (ucache_redis.cpp)
  auto remove = [&](const char* k, std::size_t n) {
    if (via_redis) return near_remove(c, k, n);
    return n > 0 && n <= kMaxKey && c->remove(slot(), k, std::uint32_t(n), now_ms()) == CacheStatus::ok;
  };
  if (Z_TYPE_P(key) == IS_ARRAY) {
    zval out;
    if (!over_keys(key, &out, [&](const std::string& k, zval* o) {
          if (remove(k.data(), k.size())) add_next_index_stringl(o, k.data(), k.size());
          return true;
        }))
      RETURN_FALSE;
    RETURN_COPY_VALUE(&out);
  }
  zend_string* k = zval_get_string(key);
  if (EG(exception)) {
    zend_string_release(k);
    RETURN_THROWS();
  }
  const bool ok = remove(ZSTR_VAL(k), ZSTR_LEN(k));
  zend_string_release(k);
  RETURN_BOOL(ok);
}

void ucache_info(INTERNAL_FUNCTION_PARAMETERS) {
  Cache* c = initialised_cache();
  if (!c) RETURN_FALSE;
  bool summary = false;
  char* k = nullptr;
  size_t n = 0;
  ZEND_PARSE_PARAMETERS_START(0, 2)
    Z_PARAM_OPTIONAL
    Z_PARAM_BOOL(summary)
    Z_PARAM_STRING_OR_NULL(k, n)
  ZEND_PARSE_PARAMETERS_END();
  // Gathered under the read lock, turned into PHP arrays after it. The callback must not throw
  // (that would unwind out of a held read lock): out of memory, it stops collecting.
  std::vector<InfoRow> rows;
  bool rows_lost = false;
  const std::uint64_t now = now_ms();
  const bool want_rows = k != nullptr || !summary;
  const bool key_ok = k == nullptr || (n > 0 && n <= kMaxKey);
  const wc::CacheStats s =
      c->info(slot(), now, key_ok ? k : "", key_ok ? std::uint32_t(n) : 0,
              [&](const wc::EntryInfo& e) noexcept {
                if (!want_rows || !key_ok || rows_lost) return;
                try {
                  // WinCache: a scalar occupies a zval (16 bytes); a string or an array, its bytes.
                  rows.push_back(InfoRow{std::string(e.key, e.key_len), type_name(e.type),
                                         zc_value_size(e), e.ttl_s,
                                         e.age_s, e.hits});
                } catch (...) {
                  rows_lost = true;
                }
              });
  if (rows_lost) php_error_docref(nullptr, E_WARNING, "not enough memory to list every entry");
  info_array(return_value, s, now, true, is_local(), rows, "ucache_entries");
}

void ucache_meminfo(INTERNAL_FUNCTION_PARAMETERS) {
  ZEND_PARSE_PARAMETERS_NONE();
  Cache* c = initialised_cache();
  if (!c) RETURN_NULL();  // WinCache returned nothing when the cache was not initialised
  meminfo_array(return_value, c->meminfo(slot()));
}

void ucache_cas(INTERNAL_FUNCTION_PARAMETERS) {
  Cache* c = cache();
  if (!c) RETURN_FALSE;
  char* k;
  size_t n;
  zend_long old_v, new_v;
  ZEND_PARSE_PARAMETERS_START(3, 3)
    Z_PARAM_STRING(k, n)
    Z_PARAM_LONG(old_v)
    Z_PARAM_LONG(new_v)
  ZEND_PARSE_PARAMETERS_END();
  if (n == 0 || n > kMaxKey) RETURN_FALSE;
  const CacheStatus st = near_on() ? near_cas(c, k, n, old_v, new_v)  // in Redis (ucache_redis.cpp)
                                    : c->cas(slot(), k, std::uint32_t(n), old_v, new_v, now_ms());
  if (st == CacheStatus::not_int) {
    php_error_docref(nullptr, E_WARNING, "function can only be called for key whose value is long");
    RETURN_FALSE;
  }
  RETURN_BOOL(st == CacheStatus::ok);
}

void ucache_exists(INTERNAL_FUNCTION_PARAMETERS) {
  Cache* c = cache();
  if (!c) RETURN_FALSE;
  char* k;
  size_t n;
  ZEND_PARSE_PARAMETERS_START(1, 1)
    Z_PARAM_STRING(k, n)
  ZEND_PARSE_PARAMETERS_END();
  if (n == 0 || n > kMaxKey) RETURN_FALSE;
  RETURN_BOOL(near_on() ? near_exists(k, n)  // asks Redis (ucache_redis.cpp)
                        : c->exists(slot(), k, std::uint32_t(n), now_ms()));
}

void ucache_clear(INTERNAL_FUNCTION_PARAMETERS) {
  Cache* c = cache();
  if (!c || ZEND_NUM_ARGS() > 0) RETURN_FALSE;
  if (near_on()) RETURN_BOOL(near_clear(c));  // Redis's keys of the application, then ours
  c->clear();
  RETURN_TRUE;
}

}  // namespace

ZEND_INI_MH(ini_ucenabled) {
  us.ucenabled = zend_ini_parse_bool(new_value);
  if (stage == ZEND_INI_STAGE_STARTUP) us.ucenabled_startup = us.ucenabled;
  return SUCCESS;
}
ZEND_INI_MH(ini_ucachesize) {
  us.ucachesize = ZEND_STRTOL(ZSTR_VAL(new_value), nullptr, 10);
  return SUCCESS;
}

void ucache_minit() {
  const zend_long clamped = us.ucachesize < 5 ? 5 : us.ucachesize > 930 ? 930 : us.ucachesize;
  if (clamped != us.ucachesize) {
    us.ucachesize = clamped;
    ini_write_back("wincache.ucachesize", std::to_string(clamped));
  }
}

std::uint64_t ucache_segment_bytes() {
  return us.ucenabled_startup ? std::uint64_t(us.ucachesize) << 20 : 0;
}

}  // namespace wcx

PHP_FUNCTION(wincache_ucache_get) { WCX_GUARDED(wcx::ucache_get(INTERNAL_FUNCTION_PARAM_PASSTHRU)) }
PHP_FUNCTION(wincache_ucache_set) {
  WCX_GUARDED(wcx::set_or_add(INTERNAL_FUNCTION_PARAM_PASSTHRU, wcx::Cache::Mode::set))
}
PHP_FUNCTION(wincache_ucache_add) {
  WCX_GUARDED(wcx::set_or_add(INTERNAL_FUNCTION_PARAM_PASSTHRU, wcx::Cache::Mode::add))
}
PHP_FUNCTION(wincache_ucache_delete) {
  WCX_GUARDED(wcx::ucache_delete(INTERNAL_FUNCTION_PARAM_PASSTHRU))
}
PHP_FUNCTION(wincache_ucache_clear) { WCX_GUARDED(wcx::ucache_clear(INTERNAL_FUNCTION_PARAM_PASSTHRU)) }
PHP_FUNCTION(wincache_ucache_exists) {
  WCX_GUARDED(wcx::ucache_exists(INTERNAL_FUNCTION_PARAM_PASSTHRU))
}
PHP_FUNCTION(wincache_ucache_info) { WCX_GUARDED(wcx::ucache_info(INTERNAL_FUNCTION_PARAM_PASSTHRU)) }
PHP_FUNCTION(wincache_ucache_meminfo) {
  WCX_GUARDED(wcx::ucache_meminfo(INTERNAL_FUNCTION_PARAM_PASSTHRU))
}
PHP_FUNCTION(wincache_ucache_inc) { WCX_GUARDED(wcx::inc_dec(INTERNAL_FUNCTION_PARAM_PASSTHRU, +1)) }
PHP_FUNCTION(wincache_ucache_dec) { WCX_GUARDED(wcx::inc_dec(INTERNAL_FUNCTION_PARAM_PASSTHRU, -1)) }
PHP_FUNCTION(wincache_ucache_cas) { WCX_GUARDED(wcx::ucache_cas(INTERNAL_FUNCTION_PARAM_PASSTHRU)) }
