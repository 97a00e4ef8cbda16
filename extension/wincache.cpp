// extension/wincache.cpp: the PHP glue: INI directives, phpinfo, the wincache_ucache_* API and
// wincache_lock / wincache_unlock, on the core (core/ucache.hpp, core/named_lock.hpp) and the
// group machinery (core/registry.hpp) with the real primitives (extension/runtime.hpp).
//
// Rules this file keeps (docs/extension.md):
//   - No PHP allocation and no user code while a cache lock is held: values are encoded into
//     process memory before the write lock is taken and copied out before they are decoded, so
//     a memory_limit bailout or an __unserialize() that calls back into the cache can never
//     leave a lock held (a longjmp out of a held lock would block every writer of the group).
//   - Behaviour, messages and return values as WinCache 2.0 had them (docs/compat.md), except
//     where WinCache was broken: eviction instead of a full cache, forgotten wincache_lock
//     locks released at request end, binary-safe keys.
#ifdef HAVE_CONFIG_H
#include "config.h"  // phpize route: defines COMPILE_DL_WINCACHE
#endif

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "runtime.hpp"  // first: PHP's headers redefine snprintf, which the core uses

#include "php_wincache.h"

extern "C" {
#include "SAPI.h"
#include "ext/standard/info.h"
#include "zend_exceptions.h"
#include "zend_ini.h"
}

#include "codec.hpp"

namespace {

using wcx::Cache;
using wcx::Domain;
using wc::CacheStatus;
using wc::ValueType;

constexpr std::size_t kMaxKey = 4096;
constexpr std::size_t kMaxLockKey = 150;

struct HeldLock {
  std::string key;
  bool global;
};

struct State {
  // INI (set by the handlers below)
  bool enablecli = false;
  bool ucenabled = true;
  zend_long ucachesize = 8;
  std::string namesalt;
  std::string apppoolid;
  // process
  bool enabled = false;  // not the CLI, or enablecli
  std::uint64_t minit_pid = 0;    // the process that loaded the module (a master, or the only one)
  bool serving_master = false;    // the built-in server's master, which also serves requests
  std::uint64_t owner = 0;  // proc_id of the process that started the domains (fork check)
  std::unique_ptr<Domain> local;
  std::unique_ptr<Domain> global;
  std::vector<HeldLock> held;
  std::string buf;  // value bytes: encoded before a store, copied out of a get
};
State g;

std::string app_pool_id() {
  if (!g.apppoolid.empty()) return g.apppoolid;
  const char* env = std::getenv("APP_POOL_ID");
  return env ? env : "";
}

// The local domain: joined lazily, on the first call that needs it in this process. (The
// php-fpm master runs as root and never serves requests: its workers join, as their own user.)
Domain* local_domain() {
  if (!g.enabled) return nullptr;
  const std::uint64_t me = wcx::Prim::self();
  if (g.owner != me) {  // first use, or a fork()ed child that inherited its parent's domain
    if (g.local) (void)g.local.release();   // the parent's: not ours to leave
    if (g.global) (void)g.global.release();
    g.held.clear();
    g.owner = me;
  }
  if (!g.local) {
    // Who shares: the workers a master forked share with each other and with the master
    // (php-fpm, php-cgi with PHP_FCGI_CHILDREN, the built-in server); processes started
    // separately share with their siblings of one parent (WinCache's rule: IIS started them).
    const std::uint64_t pid = wcx::Prim::pid(), ppid = wcx::Prim::parent_pid();
    const bool forked_worker = ppid == g.minit_pid && pid != g.minit_pid;
    const std::uint64_t key = g.serving_master && pid == g.minit_pid ? pid : ppid;
    g.local = std::make_unique<Domain>(wc::group_name(key, app_pool_id(), g.namesalt),
                                       std::uint64_t(g.ucachesize) << 20);
    g.local->start(forked_worker ? wcx::Prim::parent_id() : 0);
  }
  return g.local.get();
}

Domain* global_domain() {
  if (!local_domain()) return nullptr;
  if (!g.global) {
    g.global = std::make_unique<Domain>(wc::group_name(0, "wincache-machine-wide", g.namesalt), 0);
    g.global->start();
  }
  return g.global.get();
}

Cache* cache() {
  if (!g.enabled || !g.ucenabled) return nullptr;
  Domain* d = local_domain();
  return d ? d->cache() : nullptr;
}
unsigned slot() { return g.local ? g.local->slot() : 0; }

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
// Copies the value out under the read lock, decodes after releasing it. False on a miss.
bool fetch(Cache* c, const char* k, std::size_t n, zval* rv) {
  if (n == 0 || n > kMaxKey) {  // never stored, so a miss like any other absent key
    c->count_miss(slot());
    return false;
  }
  ValueType type = ValueType::null_v;
  bool done = false;
  const CacheStatus st = c->get(slot(), k, std::uint32_t(n), wcx::now_ms(),
                                [&](ValueType t, const char* p, std::uint64_t len) {
                                  type = t;
                                  // Scalars need no PHP allocation: decode them in place.
                                  if (t != ValueType::string_v && t != ValueType::array_v &&
                                      t != ValueType::object_v)
                                    done = wcx::decode_value(t, p, len, rv);
                                  else
                                    g.buf.assign(p, len);
                                });
  if (st != CacheStatus::ok) return false;
  if (done) return true;
  if (!wcx::decode_value(type, g.buf.data(), g.buf.size(), rv)) {
    if (!EG(exception))
      php_error_docref(nullptr, E_WARNING, "the cached value of key '%.*s' could not be decoded",
                       int(n), k);
    return false;
  }
  return true;
}

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

// ---- set / add ----------------------------------------------------------------------------
enum class Put : std::uint8_t { ok, failed, exists, exception };

Put put_one(Cache* c, const char* k, std::size_t n, zval* value, zend_long ttl, Cache::Mode mode,
            bool warn) {
  if (n == 0 || k[0] == '\0') {
    if (warn) php_error_docref(nullptr, E_WARNING, "key cannot be blank string");
    return Put::failed;
  }
  if (n > kMaxKey) return Put::failed;
  ValueType type;
  const wcx::Encode e = wcx::encode_value(value, g.buf, &type);
  if (e == wcx::Encode::exception) return Put::exception;
  if (e == wcx::Encode::resource) {
    if (warn) php_error_docref(nullptr, E_WARNING, "value cannot be a resource");
    return Put::failed;
  }
  const CacheStatus st = c->store(slot(), k, std::uint32_t(n), type, g.buf.data(), g.buf.size(),
                                  std::uint64_t(ttl), wcx::now_ms(), mode);
  if (st == CacheStatus::ok) return Put::ok;
  if (st == CacheStatus::exists) {
    if (warn) php_error_docref(nullptr, E_WARNING, "function called with a key which already exists");
    return Put::exists;
  }
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
  if (Z_TYPE_P(key) == IS_ARRAY) {
    // Array form: [key => value, ...]; returns the keys that FAILED, each => -1.
    array_init(return_value);
    zend_ulong idx;
    zend_string* skey;
    zval* v;
    ZEND_HASH_FOREACH_KEY_VAL(Z_ARRVAL_P(key), idx, skey, v) {
      std::string k = skey ? std::string(ZSTR_VAL(skey), ZSTR_LEN(skey)) : std::to_string(idx);
      const Put r = put_one(c, k.data(), k.size(), v, ttl, mode, false);
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
  const Put r = put_one(c, ZSTR_VAL(k), ZSTR_LEN(k), value, ttl, mode, true);
  zend_string_release(k);
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
  const CacheStatus st = c->add_int(slot(), k, std::uint32_t(n), d, wcx::now_ms(), &out);
  if (st == CacheStatus::not_int) {
    php_error_docref(nullptr, E_WARNING, "function can only be called for key whose value is long");
    RETURN_FALSE;
  }
  if (st != CacheStatus::ok) RETURN_FALSE;
  if (success) ZEND_TRY_ASSIGN_REF_TRUE(success);
  RETURN_LONG(zend_long(out));
}

// ---- locks --------------------------------------------------------------------------------
bool stop_waiting() {
  return zend_atomic_bool_load(&EG(timed_out)) || EG(exception) != nullptr;
}

void release_held(const HeldLock& h) {
  Domain* d = h.global ? g.global.get() : g.local.get();
  if (d && d->locks()) d->locks()->release(h.key.data(), h.key.size());
}

}  // namespace

// ---- INI ----------------------------------------------------------------------------------
static ZEND_INI_MH(OnEnableCli) {
  g.enablecli = zend_ini_parse_bool(new_value);
  return SUCCESS;
}
static ZEND_INI_MH(OnUcEnabled) {
  g.ucenabled = zend_ini_parse_bool(new_value);
  return SUCCESS;
}
static ZEND_INI_MH(OnUcSize) {
  g.ucachesize = ZEND_STRTOL(ZSTR_VAL(new_value), nullptr, 10);
  return SUCCESS;
}
static ZEND_INI_MH(OnNameSalt) {
  g.namesalt = new_value ? std::string(ZSTR_VAL(new_value), ZSTR_LEN(new_value)) : "";
  return SUCCESS;
}
static ZEND_INI_MH(OnAppPoolId) {
  g.apppoolid = new_value ? std::string(ZSTR_VAL(new_value), ZSTR_LEN(new_value)) : "";
  return SUCCESS;
}

PHP_INI_BEGIN()
  PHP_INI_ENTRY("wincache.enablecli", "0", PHP_INI_SYSTEM, OnEnableCli)
  PHP_INI_ENTRY("wincache.ucenabled", "1", PHP_INI_ALL, OnUcEnabled)
  PHP_INI_ENTRY("wincache.ucachesize", "8", PHP_INI_SYSTEM, OnUcSize)
  PHP_INI_ENTRY("wincache.namesalt", nullptr, PHP_INI_SYSTEM, OnNameSalt)
  PHP_INI_ENTRY("wincache.apppoolid", nullptr, PHP_INI_SYSTEM, OnAppPoolId)
PHP_INI_END()

// Startup clamping is written back into the directive, so ini_get() shows the value in force.
static void set_ini_value(const char* name, const std::string& v) {
  auto* e = static_cast<zend_ini_entry*>(
      zend_hash_str_find_ptr(EG(ini_directives), name, std::strlen(name)));
  if (!e) return;
  if (e->value) zend_string_release(e->value);
  e->value = zend_string_init(v.data(), v.size(), 1);
}

static PHP_MINIT_FUNCTION(wincache) {
  REGISTER_INI_ENTRIES();
  const zend_long clamped = g.ucachesize < 5 ? 5 : g.ucachesize > 930 ? 930 : g.ucachesize;
  if (clamped != g.ucachesize) {
    g.ucachesize = clamped;
    set_ini_value("wincache.ucachesize", std::to_string(clamped));
  }
  if (g.namesalt.size() > 8) {
    g.namesalt.resize(8);
    set_ini_value("wincache.namesalt", g.namesalt);
  }
  g.enabled = std::strcmp(sapi_module.name, "cli") != 0 || g.enablecli;
  g.minit_pid = wcx::Prim::pid();
  const char* workers = std::getenv("PHP_CLI_SERVER_WORKERS");
  g.serving_master = std::strcmp(sapi_module.name, "cli-server") == 0 && workers &&
                     std::atoi(workers) > 1;
  return SUCCESS;
}

static PHP_MSHUTDOWN_FUNCTION(wincache) {
  if (g.owner == wcx::Prim::self()) {
    for (const auto& h : g.held) release_held(h);
    g.held.clear();
    if (g.global) g.global->stop();
    if (g.local) g.local->stop();
  }
  g.global.reset();
  g.local.reset();
  // A master whose workers pinned their group to it: unpin on an orderly exit (SEG-9).
  if (g.enabled && wcx::Prim::pid() == g.minit_pid)
    Domain::release_anchor(wc::group_name(g.minit_pid, app_pool_id(), g.namesalt));
  UNREGISTER_INI_ENTRIES();
  return SUCCESS;
}

static PHP_RINIT_FUNCTION(wincache) {
#if defined(ZTS) && defined(COMPILE_DL_WINCACHE)
  ZEND_TSRMLS_CACHE_UPDATE();
#endif
  if (g.owner == wcx::Prim::self()) {
    if (g.local) g.local->refresh();
    if (g.global) g.global->refresh();
  }
  return SUCCESS;
}

static PHP_RSHUTDOWN_FUNCTION(wincache) {
  // WinCache kept a lock the script forgot until the process died; we release it now.
  if (g.owner == wcx::Prim::self()) {
    for (const auto& h : g.held) {
      php_error_docref(nullptr, E_WARNING,
                       "wincache_lock: the lock '%s' was not released by the script; released at "
                       "request end",
                       h.key.c_str());
      release_held(h);
    }
  }
  g.held.clear();
  return SUCCESS;
}

static PHP_MINFO_FUNCTION(wincache) {
  php_info_print_table_start();
  php_info_print_table_row(2, "wincache support", "enabled");
  php_info_print_table_row(2, "Version", PHP_WINCACHE_VERSION);
  php_info_print_table_row(2, "User cache", g.enabled && g.ucenabled ? "enabled" : "disabled");
  const char* scope = "not started in this process";
  if (g.local && g.owner == wcx::Prim::self()) scope = g.local->local() ? "local" : "global";
  php_info_print_table_row(2, "Cache scope", scope);
  if (g.local && g.owner == wcx::Prim::self())
    php_info_print_table_row(2, "Process group", g.local->name().c_str());
  php_info_print_table_end();
  DISPLAY_INI_ENTRIES();
}

// ---- the API ------------------------------------------------------------------------------
PHP_FUNCTION(wincache_ucache_get) {
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
  if (Z_TYPE_P(key) == IS_ARRAY) {
    zval out;
    array_init(&out);
    zval* el;
    std::string k;
    ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(key), el) {
      if (!element_key(el, k)) {
        zval_ptr_dtor(&out);
        RETURN_FALSE;
      }
      zval v;
      if (fetch(c, k.data(), k.size(), &v)) {
        zend_symtable_str_update(Z_ARRVAL(out), k.data(), k.size(), &v);
      } else if (EG(exception)) {
        zval_ptr_dtor(&out);
        RETURN_THROWS();
      }
    }
    ZEND_HASH_FOREACH_END();
    if (success) ZEND_TRY_ASSIGN_REF_TRUE(success);
    RETURN_COPY_VALUE(&out);
  }
  zend_string* k = zval_get_string(key);
  const bool hit = fetch(c, ZSTR_VAL(k), ZSTR_LEN(k), return_value);
  zend_string_release(k);
  if (!hit) {
    if (EG(exception)) RETURN_THROWS();
    RETURN_FALSE;
  }
  if (success) ZEND_TRY_ASSIGN_REF_TRUE(success);
}

PHP_FUNCTION(wincache_ucache_set) { set_or_add(INTERNAL_FUNCTION_PARAM_PASSTHRU, Cache::Mode::set); }
PHP_FUNCTION(wincache_ucache_add) { set_or_add(INTERNAL_FUNCTION_PARAM_PASSTHRU, Cache::Mode::add); }

PHP_FUNCTION(wincache_ucache_delete) {
  Cache* c = cache();
  if (!c) RETURN_FALSE;
  zval* key;
  ZEND_PARSE_PARAMETERS_START(1, 1)
    Z_PARAM_ZVAL(key)
  ZEND_PARSE_PARAMETERS_END();
  ZVAL_DEREF(key);
  if (Z_TYPE_P(key) == IS_ARRAY) {
    zval out;
    array_init(&out);
    zval* el;
    std::string k;
    ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(key), el) {
      if (!element_key(el, k)) {
        zval_ptr_dtor(&out);
        RETURN_FALSE;
      }
      if (!k.empty() && k.size() <= kMaxKey &&
          c->remove(slot(), k.data(), std::uint32_t(k.size()), wcx::now_ms()) == CacheStatus::ok)
        add_next_index_stringl(&out, k.data(), k.size());
    }
    ZEND_HASH_FOREACH_END();
    RETURN_COPY_VALUE(&out);
  }
  zend_string* k = zval_get_string(key);
  bool ok = false;
  if (ZSTR_LEN(k) > 0 && ZSTR_LEN(k) <= kMaxKey)
    ok = c->remove(slot(), ZSTR_VAL(k), std::uint32_t(ZSTR_LEN(k)), wcx::now_ms()) ==
         CacheStatus::ok;
  zend_string_release(k);
  RETURN_BOOL(ok);
}

PHP_FUNCTION(wincache_ucache_clear) {
  Cache* c = cache();
  if (!c || ZEND_NUM_ARGS() > 0) RETURN_FALSE;
  c->clear();
  RETURN_TRUE;
}

PHP_FUNCTION(wincache_ucache_exists) {
  Cache* c = cache();
  if (!c) RETURN_FALSE;
  char* k;
  size_t n;
  ZEND_PARSE_PARAMETERS_START(1, 1)
    Z_PARAM_STRING(k, n)
  ZEND_PARSE_PARAMETERS_END();
  if (n == 0 || n > kMaxKey) RETURN_FALSE;
  RETURN_BOOL(c->exists(slot(), k, std::uint32_t(n), wcx::now_ms()));
}

PHP_FUNCTION(wincache_ucache_info) {
  Cache* c = cache();
  if (!c) RETURN_FALSE;
  bool summary = false;
  char* k = nullptr;
  size_t n = 0;
  ZEND_PARSE_PARAMETERS_START(0, 2)
    Z_PARAM_OPTIONAL
    Z_PARAM_BOOL(summary)
    Z_PARAM_STRING_OR_NULL(k, n)
  ZEND_PARSE_PARAMETERS_END();
  struct Row {
    std::string key;
    ValueType type;
    std::uint64_t size, ttl, age, hits;
  };
  std::vector<Row> rows;  // gathered under the read lock, turned into PHP arrays after it
  const std::uint64_t now = wcx::now_ms();
  const bool want_rows = k != nullptr || !summary;
  const bool key_ok = k == nullptr || (n > 0 && n <= kMaxKey);
  const wc::CacheStats s =
      c->info(slot(), now, key_ok ? k : "", key_ok ? std::uint32_t(n) : 0,
              [&](const wc::EntryInfo& e) {
                if (want_rows && key_ok)
                  rows.push_back(Row{std::string(e.key, e.key_len), e.type, e.value_len, e.ttl_s,
                                     e.age_s, e.hits});
              });
  array_init(return_value);
  add_assoc_long(return_value, "total_cache_uptime",
                 zend_long(now >= s.created_ms ? (now - s.created_ms) / 1000 : 0));
  add_assoc_bool(return_value, "is_local_cache", g.local && g.local->local());
  add_assoc_long(return_value, "total_item_count", zend_long(s.items));
  add_assoc_long(return_value, "total_hit_count", zend_long(s.hits));
  add_assoc_long(return_value, "total_miss_count", zend_long(s.misses));
  add_assoc_long(return_value, "total_evict_count", zend_long(s.evictions));
  zval entries;
  array_init(&entries);
  zend_ulong i = 1;
  for (const Row& r : rows) {
    zval e;
    array_init(&e);
    add_assoc_stringl(&e, "key_name", r.key.data(), r.key.size());
    add_assoc_string(&e, "value_type", type_name(r.type));
    add_assoc_long(&e, "value_size", zend_long(r.size));
    add_assoc_long(&e, "ttl_seconds", zend_long(r.ttl));
    add_assoc_long(&e, "age_seconds", zend_long(r.age));
    add_assoc_long(&e, "hitcount", zend_long(r.hits));
    add_index_zval(&entries, i++, &e);
  }
  add_assoc_zval(return_value, "ucache_entries", &entries);
}

PHP_FUNCTION(wincache_ucache_meminfo) {
  Cache* c = cache();
  if (!c) RETURN_FALSE;
  ZEND_PARSE_PARAMETERS_NONE();
  const wc::AllocStats s = c->meminfo(slot());
  array_init(return_value);
  add_assoc_long(return_value, "memory_total", zend_long(s.total));
  add_assoc_long(return_value, "memory_free", zend_long(s.free));
  add_assoc_long(return_value, "num_used_blks", zend_long(s.used_blocks));
  add_assoc_long(return_value, "num_free_blks", zend_long(s.free_blocks));
  add_assoc_long(return_value, "memory_overhead", zend_long(s.overhead));
}

PHP_FUNCTION(wincache_ucache_inc) { inc_dec(INTERNAL_FUNCTION_PARAM_PASSTHRU, +1); }
PHP_FUNCTION(wincache_ucache_dec) { inc_dec(INTERNAL_FUNCTION_PARAM_PASSTHRU, -1); }

PHP_FUNCTION(wincache_ucache_cas) {
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
  const CacheStatus st = c->cas(slot(), k, std::uint32_t(n), old_v, new_v, wcx::now_ms());
  if (st == CacheStatus::not_int) {
    php_error_docref(nullptr, E_WARNING, "function can only be called for key whose value is long");
    RETURN_FALSE;
  }
  RETURN_BOOL(st == CacheStatus::ok);
}

PHP_FUNCTION(wincache_lock) {
  char* k;
  size_t n;
  bool isglobal = false;
  ZEND_PARSE_PARAMETERS_START(1, 2)
    Z_PARAM_STRING(k, n)
    Z_PARAM_OPTIONAL
    Z_PARAM_BOOL(isglobal)
  ZEND_PARSE_PARAMETERS_END();
  if (n > kMaxLockKey) {
    php_error_docref(nullptr, E_WARNING, "lock key should be less than 150 characters");
    RETURN_FALSE;
  }
  Domain* d = isglobal ? global_domain() : local_domain();
  if (!d || !d->locks()) RETURN_FALSE;
  for (const auto& h : g.held)
    if (h.global == isglobal && h.key.size() == n && std::memcmp(h.key.data(), k, n) == 0)
      RETURN_FALSE;  // this process holds it already
  const wc::NamedLock r = d->locks()->acquire(k, n, stop_waiting);
  if (r == wc::NamedLock::acquired || r == wc::NamedLock::taken_over) {
    g.held.push_back(HeldLock{std::string(k, n), isglobal});
    RETURN_TRUE;
  }
  if (r == wc::NamedLock::full)
    php_error_docref(nullptr, E_WARNING, "too many locks are held at once");
  RETURN_FALSE;
}

PHP_FUNCTION(wincache_unlock) {
  char* k;
  size_t n;
  ZEND_PARSE_PARAMETERS_START(1, 1)
    Z_PARAM_STRING(k, n)
  ZEND_PARSE_PARAMETERS_END();
  if (n > kMaxLockKey) {
    php_error_docref(nullptr, E_WARNING, "lock key should be less than 150 characters");
    RETURN_FALSE;
  }
  for (auto it = g.held.begin(); it != g.held.end(); ++it) {
    if (it->key.size() == n && std::memcmp(it->key.data(), k, n) == 0) {
      release_held(*it);
      g.held.erase(it);
      RETURN_TRUE;
    }
  }
  RETURN_FALSE;
}

// ---- arginfo and the module entry ---------------------------------------------------------
ZEND_BEGIN_ARG_INFO_EX(ai_get, 0, 0, 1)
  ZEND_ARG_TYPE_INFO(0, key, IS_MIXED, 0)
  ZEND_ARG_INFO_WITH_DEFAULT_VALUE(1, success, "null")
ZEND_END_ARG_INFO()
ZEND_BEGIN_ARG_INFO_EX(ai_set, 0, 0, 1)
  ZEND_ARG_TYPE_INFO(0, key, IS_MIXED, 0)
  ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, value, IS_MIXED, 0, "null")
  ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, ttl, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()
ZEND_BEGIN_ARG_INFO_EX(ai_key, 0, 0, 1)
  ZEND_ARG_TYPE_INFO(0, key, IS_MIXED, 0)
ZEND_END_ARG_INFO()
ZEND_BEGIN_ARG_INFO_EX(ai_skey, 0, 0, 1)
  ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
ZEND_END_ARG_INFO()
ZEND_BEGIN_ARG_INFO_EX(ai_none, 0, 0, 0)
ZEND_END_ARG_INFO()
ZEND_BEGIN_ARG_INFO_EX(ai_info, 0, 0, 0)
  ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, summaryonly, _IS_BOOL, 0, "false")
  ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, key, IS_STRING, 1, "null")
ZEND_END_ARG_INFO()
ZEND_BEGIN_ARG_INFO_EX(ai_inc, 0, 0, 1)
  ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
  ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, delta, IS_LONG, 0, "1")
  ZEND_ARG_INFO_WITH_DEFAULT_VALUE(1, success, "null")
ZEND_END_ARG_INFO()
ZEND_BEGIN_ARG_INFO_EX(ai_cas, 0, 0, 3)
  ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
  ZEND_ARG_TYPE_INFO(0, old_value, IS_LONG, 0)
  ZEND_ARG_TYPE_INFO(0, new_value, IS_LONG, 0)
ZEND_END_ARG_INFO()
ZEND_BEGIN_ARG_INFO_EX(ai_lock, 0, 0, 1)
  ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
  ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, isglobal, _IS_BOOL, 0, "false")
ZEND_END_ARG_INFO()

static const zend_function_entry wincache_functions[] = {
  PHP_FE(wincache_ucache_get, ai_get)
  PHP_FE(wincache_ucache_set, ai_set)
  PHP_FE(wincache_ucache_add, ai_set)
  PHP_FE(wincache_ucache_delete, ai_key)
  PHP_FE(wincache_ucache_clear, ai_none)
  PHP_FE(wincache_ucache_exists, ai_skey)
  PHP_FE(wincache_ucache_info, ai_info)
  PHP_FE(wincache_ucache_meminfo, ai_none)
  PHP_FE(wincache_ucache_inc, ai_inc)
  PHP_FE(wincache_ucache_dec, ai_inc)
  PHP_FE(wincache_ucache_cas, ai_cas)
  PHP_FE(wincache_lock, ai_lock)
  PHP_FE(wincache_unlock, ai_skey)
  PHP_FE_END
};

zend_module_entry wincache_module_entry = {
  STANDARD_MODULE_HEADER,
  PHP_WINCACHE_EXTNAME,
  wincache_functions,
  PHP_MINIT(wincache),
  PHP_MSHUTDOWN(wincache),
  PHP_RINIT(wincache),
  PHP_RSHUTDOWN(wincache),
  PHP_MINFO(wincache),
  PHP_WINCACHE_VERSION,
  STANDARD_MODULE_PROPERTIES
};

#ifdef COMPILE_DL_WINCACHE
extern "C" {
ZEND_GET_MODULE(wincache)
}
#endif
