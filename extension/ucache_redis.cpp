// extension/ucache_redis.cpp: the user cache and named locks on Redis, with the host's shared
// memory in front (wincache.redis with ucache=near; docs/redis.md "User cache near cache").
//
// Redis is the truth. Keys APP:u:<key> (values), APP:l:<name> (locks). A value in Redis is
// either a canonical decimal int64 (a PHP int: stored raw so that INCRBY works, N12) or one
// format tag byte followed by the value: kTag (wincache's codec, this byte order: the type byte,
// then codec.cpp's bytes). Anything else is an unknown format: a miss, never garbage (N10).
//
// The host's copy lives in the group's user cache under the same key, its bytes prefixed with a
// Stamp: the epoch and the key's stripe counter read BEFORE the value was read from (or written
// to) Redis, and its expiry (at or before Redis's, N7). A copy is served only while the near area
// is trusted (the listener's flag, and a heartbeat younger than D: N4), its epoch is current and
// its stripe did not move (an invalidation processed since: N2). So a fill that raced with a
// write on another host is never served once that write's invalidation was processed, without
// any placeholder (the counter form of the docs' "caching in progress").
//
// inc/dec/cas run in Redis (a Lua script each), never on the local copy, which is dropped after.
// wincache_lock takes a token lock in Redis (SET NX PX; released by compare-and-delete); it
// fails closed. Redis unreachable: the user cache fails open (miss / false, one warning per
// request), locks fail closed (false and a warning); the breaker (redis.cpp) bounds the cost.
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "features.hpp"

#include "codec.hpp"
#include "redis.hpp"
#include "zerocopy.hpp"

extern "C" {
#include "SAPI.h"
#include "php_main.h"
#include "zend_exceptions.h"
}

#ifndef _WIN32
#include <time.h>
#include <unistd.h>
#endif

namespace wcx {
namespace {

using wc::CacheStatus;
using wc::ValueType;

constexpr std::size_t kMaxKey = 4096;
constexpr std::size_t kMaxLockKey = 150;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
constexpr char kTag = 0x02;  // codec bytes, big-endian host
#else
constexpr char kTag = 0x01;  // codec bytes, little-endian host
#endif

struct Stamp {
  std::uint64_t epoch;
  std::uint64_t stripe;
  std::uint64_t expire_ms;  // now_ms() clock; 0: none
};
constexpr std::size_t kStamp = sizeof(Stamp);

struct NearState {
  double warned_request = -1;  // the request whose one warning was given
  std::uint64_t near_ops = 0;  // this process
  struct Held {
    std::string name, token;
  };
  std::vector<Held> held;
  std::uint64_t token_seq = 0;
  std::string token_base;
};
NearState ns;

unsigned slot() {
  Domain* d = joined_local();
  return d ? d->slot() : 0;
}
NearArea* area() {
  Domain* d = local_domain();
  return d ? d->near_area() : nullptr;
}
std::string rkey(const char* k, std::size_t n) {
  std::string s = redis_endpoint().prefix;
  s += ":u:";
  s.append(k, n);
  return s;
}

void warn_once(const std::string& err) {
  const double t = sapi_get_request_time();
  if (ns.warned_request == t) return;
  ns.warned_request = t;
  php_error_docref(nullptr, E_WARNING, "the user cache on Redis is unavailable: %s", err.c_str());
}

// The anchor the listener lives as long as: the php-fpm master (or the parent that forked this
// worker), or this process under the CLI.
std::uint64_t anchor() {
  if (std::strcmp(sapi_module.name, "cli") == 0) return Prim::self();
  return Prim::parent_id();
}

// Is this host's area trusted now (N3, N4)? Starts a listener when none lives.
bool trusted(NearArea* a) {
  if (!a) return false;
  const std::uint64_t hb = a->heartbeat_ms.load();
  if (a->trusted.load() && hb != 0 && mono_ms() - hb <= redis_endpoint().staleness_ms) return true;
  near_listener_ensure(a, anchor());
  return false;
}

bool parse_int(const std::string& s, std::int64_t* out) {
  if (s.empty() || s.size() > 20) return false;
  std::size_t i = s[0] == '-' ? 1 : 0;
  if (i == s.size()) return false;
  if (s[i] == '0' && s.size() > i + 1) return false;  // canonical only
  if (s == "-0") return false;
  for (std::size_t j = i; j < s.size(); ++j)
    if (s[j] < '0' || s[j] > '9') return false;
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno == ERANGE) return false;
  *out = v;
  return true;
}

// ---- encoding ---------------------------------------------------------------------------------
enum class Enc { ok, failed, exception };
// The Redis bytes of *value, and the codec bytes and type for the local copy.
Enc encode(zval* value, bool warn, std::string& redis_bytes, Buffer& buf, Encoded& enc) {
  zval* v = value;
  ZVAL_DEREF(v);
  switch (encode_value(value, buf, &enc)) {
    case Encode::ok: break;
    case Encode::exception: return Enc::exception;
    case Encode::resource:
      if (warn) php_error_docref(nullptr, E_WARNING, "value cannot be a resource");
      return Enc::failed;
    case Encode::too_deep:
      if (warn) php_error_docref(nullptr, E_WARNING, "value is nested deeper than %d levels", kMaxDepth);
      return Enc::failed;
    case Encode::no_memory:
      if (warn) php_error_docref(nullptr, E_WARNING, "not enough memory to encode the value");
      return Enc::failed;
  }
  if (Z_TYPE_P(v) == IS_LONG) {
    redis_bytes = std::to_string(Z_LVAL_P(v));
  } else {
    redis_bytes.reserve(2 + enc.len);
    redis_bytes.push_back(kTag);
    redis_bytes.push_back(char(enc.type));
    redis_bytes.append(enc.bytes, enc.len);
  }
  return Enc::ok;
}

// The host's copy. `value` (when there is one) as a zero-copy image wherever the plain user
// cache would store it so (zc_store: arrays, strings of 64 KB or more), with the stamp as the
// image's head; anything else (and a value the image cannot hold) as stamp + codec bytes. A copy
// that cannot be stored is removed: the one before it must not outlive this host's own write (N6).
void store_local(Cache* c, const char* k, std::size_t n, const Stamp& st, zval* value,
                 ValueType type, const char* bytes, std::size_t len) {
  std::uint64_t ttl_s = 0;
  if (st.expire_ms) {
    const std::uint64_t now = now_ms();
    if (st.expire_ms <= now) {
      c->remove(slot(), k, std::uint32_t(n), now);
      return;
    }
    ttl_s = (st.expire_ms - now + 999) / 1000;
  }
  CacheStatus cs = CacheStatus::ok;
  bool no_memory = false;
  if (!value || !zc_store(c, slot(), k, std::uint32_t(n), value, ttl_s, now_ms(), Cache::Mode::set,
                          &cs, &no_memory, &st, kStamp)) {
    std::string b(kStamp + len, '\0');
    std::memcpy(&b[0], &st, kStamp);
    if (len) std::memcpy(&b[kStamp], bytes, len);
    cs = c->store(slot(), k, std::uint32_t(n), type, b.data(), b.size(), ttl_s, now_ms(),
                  Cache::Mode::set);
  }
  if (cs != CacheStatus::ok) c->remove(slot(), k, std::uint32_t(n), now_ms());
}

// The tests' pause between Redis's answer and the local store (debug_delay, keys "__delay__*").
void debug_pause(const char* k, std::size_t n) {
  const std::uint32_t ms = redis_endpoint().debug_delay_ms;
  if (ms && n >= 9 && std::memcmp(k, "__delay__", 9) == 0) {
#ifdef _WIN32
    Sleep(ms);
#else
    ::usleep(ms * 1000);
#endif
  }
}

bool stamp_valid(NearArea* a, const Stamp& st, unsigned stripe) {
  if (redis_endpoint().debug_unguarded) return true;  // the tests' negative twin
  return st.epoch == a->epoch.load() && st.stripe == a->stripes[stripe].load() &&
         (st.expire_ms == 0 || now_ms() < st.expire_ms);
}

}  // namespace

// ---- get ----------------------------------------------------------------------------------
// true: *rv set. false: miss (or failure, warned once).
bool near_fetch(Cache* c, const char* k, std::size_t n, zval* rv) {
  if (n == 0 || n > kMaxKey) return false;
  NearArea* a = area();
  const unsigned stripe = near_stripe_of(k, n);
  const bool unguarded = redis_endpoint().debug_unguarded && a;
  const bool trusted0 = trusted(a) || unguarded;
  if (trusted0) {
    Buffer buf;
    ValueType type = ValueType::null_v;
    bool copied = false, stale = false;
    // A zero-copy image (zerocopy.hpp) with the stamp as its head: the stamp is checked under the
    // read lock, BEFORE anything is handed out (N2); then, pinned as the plain get pins, the
    // image is handed out without decoding or copying, or (not pinned) copied out and
    // deep-copied after the lock.
    const bool pinned = zc_before_get(c, slot());
    const void* image = nullptr;
    const char* image_at = nullptr;
    bool image_string = false;
    const CacheStatus st = c->get_entry(
        slot(), k, std::uint32_t(n), now_ms(), [&](const Cache::View& v) {
          type = v.type;
          if (is_image(v.aux.load(std::memory_order_acquire))) {
            const char* head = zc_head(v.bytes, v.len, kStamp);
            Stamp s;
            if (!head) return;  // no near-cache image: a miss
            std::memcpy(&s, head, kStamp);
            if (!stamp_valid(a, s, stripe)) {
              stale = true;
              return;
            }
            if (pinned && (image = zc_root(v.bytes, &image_string, kStamp))) {
              zc_stamp(c, slot(), const_cast<Cache::View&>(v));
              return;
            }
            image_at = v.bytes;
          }
          copied = buf.assign(v.bytes, std::size_t(v.len));
        });
    if (st == CacheStatus::ok && image) {
      zc_hand_out(image, image_string, rv);
      a->hits.fetch_add(1, std::memory_order_relaxed);
      return true;
    }
    if (st == CacheStatus::ok && image_at && copied) {
      // (the stamp was valid under the lock: what was copied is what a hand-out would have been)
      if (zc_copy_out(buf.data(), buf.size(), image_at, rv, kStamp)) {
        a->hits.fetch_add(1, std::memory_order_relaxed);
        return true;
      }
    } else if (st == CacheStatus::ok && copied && buf.size() >= kStamp) {
      Stamp s;
      std::memcpy(&s, buf.data(), kStamp);
      // (trusted was checked before the copy was read: a doubt since then moved the epoch first)
      if (stamp_valid(a, s, stripe)) {
        if (decode_value(type, buf.data() + kStamp, buf.size() - kStamp, rv)) {
          a->hits.fetch_add(1, std::memory_order_relaxed);
          return true;
        }
        if (EG(exception)) return false;
      } else {
        stale = true;
      }
    }
    if (stale) a->guard_rejections.fetch_add(1, std::memory_order_relaxed);
  }
  if (a) (trusted0 ? a->misses : a->bypasses).fetch_add(1, std::memory_order_relaxed);
  // The snapshot BEFORE the read (N2).
  Stamp s{0, 0, 0};
  if (trusted0) {
    s.epoch = a->epoch.load();
    s.stripe = a->stripes[stripe].load();
  }
  const std::uint64_t t_send = now_ms();
  RedisValue r;
  std::string err;
  if (!redis_eval(RedisScript::near_get, {rkey(k, n)}, {}, r, err)) {
    warn_once(err);
    return false;
  }
  if (r.type != RedisValue::Type::array || r.elements.size() != 2 ||
      r.elements[0].type != RedisValue::Type::string)
    return false;  // absent
  const std::string& v = r.elements[0].str;
  const long long pttl = r.elements[1].integer;
  std::int64_t iv;
  Buffer enc_buf;
  Encoded enc;
  const char* local_bytes = nullptr;
  std::size_t local_len = 0;
  ValueType local_type = ValueType::null_v;
  if (parse_int(v, &iv)) {
    ZVAL_LONG(rv, zend_long(iv));
    if (encode_value(rv, enc_buf, &enc) == Encode::ok) {
      local_bytes = enc.bytes;
      local_len = enc.len;
      local_type = enc.type;
    }
  } else if (v.size() >= 2 && v[0] == kTag && std::uint8_t(v[1]) <= std::uint8_t(ValueType::object_v)) {
    local_type = ValueType(std::uint8_t(v[1]));
    if (!decode_value(local_type, v.data() + 2, v.size() - 2, rv)) {
      if (!EG(exception))
        php_error_docref(nullptr, E_WARNING, "the cached value of key '%.*s' could not be decoded",
                         int(n < 200 ? n : 200), k);
      return false;
    }
    local_bytes = v.data() + 2;
    local_len = v.size() - 2;
  } else {
    return false;  // an unknown format: a miss (N10)
  }
  debug_pause(k, n);
  if (trusted0 && local_bytes && pttl != -2 && (trusted(a) || unguarded)) {
    s.expire_ms = pttl > 0 ? t_send + std::uint64_t(pttl) : 0;
    if (unguarded || (s.epoch == a->epoch.load() && s.stripe == a->stripes[stripe].load())) {
      store_local(c, k, n, s, rv, local_type, local_bytes, local_len);
      a->fills.fetch_add(1, std::memory_order_relaxed);
    } else {
      a->guard_rejections.fetch_add(1, std::memory_order_relaxed);
    }
  }
  return true;
}

// ---- set / add --------------------------------------------------------------------------------
Put near_put(Cache* c, const char* k, std::size_t n, zval* value, zend_long ttl, bool add, bool warn) {
  if (n == 0 || k[0] == '\0') {
    if (warn) php_error_docref(nullptr, E_WARNING, "key cannot be blank string");
    return Put::failed;
  }
  if (n > kMaxKey) return Put::failed;
  std::string bytes;
  Buffer buf;
  Encoded enc;
  const Enc e = encode(value, warn, bytes, buf, enc);
  if (e == Enc::exception) return Put::exception;
  if (e == Enc::failed) return Put::failed;
  NearArea* a = area();
  const unsigned stripe = near_stripe_of(k, n);
  const bool trusted0 = trusted(a) || (a && redis_endpoint().debug_unguarded);
  Stamp s{0, 0, 0};
  if (trusted0) {
    s.epoch = a->epoch.load();
    s.stripe = a->stripes[stripe].load();
  }
  const std::uint64_t t_send = now_ms();
  std::vector<std::string> argv{"SET", rkey(k, n), std::move(bytes)};
  if (ttl > 0) {
    argv.push_back("PX");
    argv.push_back(std::to_string(std::uint64_t(ttl) * 1000));
  }
  if (add) argv.push_back("NX");
  RedisValue r;
  std::string err;
  const bool ok = redis_command(argv, r, err);
  if (!ok || r.is_nil()) {
    c->remove(slot(), k, std::uint32_t(n), now_ms());
    if (!ok) {
      warn_once(err);
      return Put::failed;
    }
    if (warn) php_error_docref(nullptr, E_WARNING, "function called with a key which already exists");
    return Put::exists;
  }
  debug_pause(k, n);
  // N6: this host reads its own write (or misses), never the value before it.
  if (trusted0 && (trusted(a) || redis_endpoint().debug_unguarded)) {
    s.expire_ms = ttl > 0 ? t_send + std::uint64_t(ttl) * 1000 : 0;
    store_local(c, k, n, s, value, enc.type, enc.bytes, enc.len);
  } else {
    c->remove(slot(), k, std::uint32_t(n), now_ms());
  }
  return Put::ok;
}

// ---- delete, inc/dec, cas, exists, clear: in Redis, the host's copy dropped ------------------
bool near_remove(Cache* c, const char* k, std::size_t n) {
  if (n == 0 || n > kMaxKey) return false;
  RedisValue r;
  std::string err;
  const bool ok = redis_command({"DEL", rkey(k, n)}, r, err);
  c->remove(slot(), k, std::uint32_t(n), now_ms());
  if (!ok) {
    warn_once(err);
    return false;
  }
  return r.integer > 0;
}

CacheStatus near_add_int(Cache* c, const char* k, std::size_t n, std::int64_t d, std::int64_t* out) {
  if (n == 0 || n > kMaxKey) return CacheStatus::miss;
  RedisValue r;
  std::string err;
  const bool ok = redis_eval(RedisScript::near_incr, {rkey(k, n)}, {std::to_string(d)}, r, err);
  c->remove(slot(), k, std::uint32_t(n), now_ms());
  if (!ok) {
    if (r.type == RedisValue::Type::error) return CacheStatus::not_int;  // the script refused
    warn_once(err);
    return CacheStatus::busy;
  }
  if (r.type != RedisValue::Type::integer) return CacheStatus::miss;  // absent
  *out = std::int64_t(r.integer);
  return CacheStatus::ok;
}

CacheStatus near_cas(Cache* c, const char* k, std::size_t n, zend_long old_v, zend_long new_v) {
  if (n == 0 || n > kMaxKey) return CacheStatus::miss;
  RedisValue r;
  std::string err;
  const bool ok = redis_eval(RedisScript::near_cas, {rkey(k, n)},
                             {std::to_string(old_v), std::to_string(new_v)}, r, err);
  c->remove(slot(), k, std::uint32_t(n), now_ms());
  if (!ok) {
    warn_once(err);
    return CacheStatus::busy;
  }
  if (r.integer < 0) return CacheStatus::not_int;
  return r.integer == 1 ? CacheStatus::ok : CacheStatus::mismatch;
}

bool near_exists(const char* k, std::size_t n) {
  if (n == 0 || n > kMaxKey) return false;
  RedisValue r;
  std::string err;
  if (!redis_command({"EXISTS", rkey(k, n)}, r, err)) {
    warn_once(err);
    return false;
  }
  return r.integer > 0;
}

unsigned near_stripe_of(const char* k, std::size_t n) {
  // near_stripe("APP:u:" + key) without building the string (every get computes it)
  const std::string& p = redis_endpoint().prefix;
  std::uint64_t h = 1469598103934665603ull;
  auto mix = [&h](const char* q, std::size_t m) {
    for (std::size_t i = 0; i < m; ++i) {
      h ^= static_cast<unsigned char>(q[i]);
      h *= 1099511628211ull;
    }
  };
  mix(p.data(), p.size());
  mix(":u:", 3);
  mix(k, n);
  return unsigned(h ^ (h >> 32)) & (NearArea::kStripes - 1);
}

bool near_on() {
  const RedisEndpoint& e = redis_endpoint();
  return redis_configured() && e.ucache_near && e.error.empty() && redis_built();
}

// clear: this application's keys only (SCAN MATCH APP:u:* + UNLINK, in batches; not atomic:
// a key written during the scan may stay), then this host's copies.
bool near_clear(Cache* c) {
  std::string pat;
  for (char ch : redis_endpoint().prefix) {
    if (ch == '*' || ch == '?' || ch == '[' || ch == ']' || ch == '\\') pat += '\\';
    pat += ch;
  }
  pat += ":u:*";
  std::string cursor = "0";
  RedisValue r;
  std::string err;
  bool ok = true;
  do {
    if (!redis_command({"SCAN", cursor, "MATCH", pat, "COUNT", "1000"}, r, err) ||
        r.type != RedisValue::Type::array || r.elements.size() != 2) {
      ok = false;
      break;
    }
    cursor = r.elements[0].str;
    std::vector<std::string> argv{"UNLINK"};
    for (const RedisValue& k : r.elements[1].elements) argv.push_back(k.str);
    RedisValue u;
    if (argv.size() > 1 && !redis_command(argv, u, err)) {
      ok = false;
      break;
    }
  } while (cursor != "0");
  c->clear();
  if (!ok) warn_once(err);
  return ok;
}

// ---- named locks in Redis ---------------------------------------------------------------------
namespace {
std::string lock_key(const char* k, std::size_t n) {
  std::string s = redis_endpoint().prefix;
  s += ":l:";
  s.append(k, n);
  return s;
}
std::string new_token() {
  if (ns.token_base.empty()) {
    std::random_device rd;
    char b[64];
    snprintf(b, sizeof b, "%08x%08x-%llu-", rd(), rd(), static_cast<unsigned long long>(Prim::pid()));
    ns.token_base = b;
  }
  return ns.token_base + std::to_string(++ns.token_seq);
}
void sleep_ms(unsigned ms) {
#ifdef _WIN32
  Sleep(ms);
#else
  ::usleep(ms * 1000);
#endif
}
}  // namespace

bool redis_locks_on() { return near_on(); }

bool redis_lock(const char* k, std::size_t n, std::uint64_t until_ms) {
  for (const auto& h : ns.held)
    if (h.name.size() == n && std::memcmp(h.name.data(), k, n) == 0) return false;
  ns.held.reserve(ns.held.size() + 1);
  const std::string token = new_token(), key = lock_key(k, n);
  const std::string px = std::to_string(std::uint64_t(redis_endpoint().lock_ttl_s) * 1000);
  unsigned pause = 1;
  for (;;) {
    RedisValue r;
    std::string err;
    if (!redis_command({"SET", key, token, "NX", "PX", px}, r, err)) {
      php_error_docref(nullptr, E_WARNING, "the lock '%.*s' is not taken: %s", int(n), k, err.c_str());
      return false;
    }
    if (!r.is_nil()) {
      ns.held.push_back({std::string(k, n), token});
      return true;
    }
    if (zend_atomic_bool_load(&EG(timed_out)) || EG(exception)) return false;
    if (now_ms() >= until_ms) {
      php_error_docref(nullptr, E_WARNING,
                       "gave up waiting for the lock '%.*s' (wincache.locktimeout or "
                       "max_execution_time reached)", int(n), k);
      return false;
    }
    sleep_ms(pause);
    pause = pause * 2 > 50 ? 50 : pause * 2;
  }
}

namespace {
bool release_one(const NearState::Held& h) {
  RedisValue r;
  std::string err;
  if (!redis_eval(RedisScript::lock_release, {lock_key(h.name.data(), h.name.size())}, {h.token}, r, err)) {
    php_error_docref(nullptr, E_WARNING, "the lock '%s' could not be released in Redis: %s",
                     h.name.c_str(), err.c_str());
    return false;
  }
  return r.integer == 1;
}
}  // namespace

bool redis_unlock(const char* k, std::size_t n) {
  for (auto it = ns.held.begin(); it != ns.held.end(); ++it) {
    if (it->name.size() == n && std::memcmp(it->name.data(), k, n) == 0) {
      const NearState::Held h = *it;
      ns.held.erase(it);
      return release_one(h);
    }
  }
  return false;
}

void redis_locks_release_all(bool log) {
  std::vector<NearState::Held> held;
  held.swap(ns.held);
  for (const auto& h : held) {
    if (log) {
      const std::string msg = "PHP Warning:  wincache_lock: the lock '" + h.name +
                              "' was not released by the script; released at request end (Redis)";
      php_log_err_with_severity(const_cast<char*>(msg.c_str()), LOG_WARNING);
    }
    RedisValue r;
    std::string err;
    redis_eval(RedisScript::lock_release, {lock_key(h.name.data(), h.name.size())}, {h.token}, r, err);
  }
}

void redis_locks_after_fork() { ns.held.clear(); }

// ---- wincache_extra_info()['redis']['near'] ---------------------------------------------------
void redis_near_extra_info(zval* out) {
  zval z;
  array_init(&z);
  const RedisEndpoint& e = redis_endpoint();
  add_assoc_bool(&z, "enabled", near_on());
  add_assoc_long(&z, "staleness_ms", zend_long(e.staleness_ms));
  Domain* d = redis_configured() ? local_domain() : nullptr;
  NearArea* a = d ? d->near_area() : nullptr;
  if (a) {
    const std::uint64_t hb = a->heartbeat_ms.load();
    add_assoc_long(&z, "epoch", zend_long(a->epoch.load()));
    add_assoc_bool(&z, "trusted", a->trusted.load() && hb && mono_ms() - hb <= e.staleness_ms);
    add_assoc_long(&z, "heartbeat_age_ms", hb ? zend_long(mono_ms() - hb) : -1);
    add_assoc_long(&z, "listener_pid", zend_long(Prim::pid_of(a->listener.load())));
    add_assoc_long(&z, "listener_starts", zend_long(a->listener_starts.load()));
    add_assoc_long(&z, "hits", zend_long(a->hits.load()));
    add_assoc_long(&z, "misses", zend_long(a->misses.load()));
    add_assoc_long(&z, "bypasses", zend_long(a->bypasses.load()));
    add_assoc_long(&z, "guard_rejections", zend_long(a->guard_rejections.load()));
    add_assoc_long(&z, "fills", zend_long(a->fills.load()));
    add_assoc_long(&z, "invalidations", zend_long(a->invalidations.load()));
    add_assoc_long(&z, "flushes", zend_long(a->flushes.load()));
    add_assoc_long(&z, "canaries", zend_long(a->canaries.load()));
    add_assoc_long(&z, "doubts", zend_long(a->doubts.load()));
    const std::uint64_t until = a->breaker_open_until_ms.load(), now = now_ms();
    add_assoc_string(&z, "breaker", until == 0 ? "closed" : until > now ? "open" : "probing");
    add_assoc_long(&z, "breaker_trips", zend_long(a->breaker_trips.load()));
    add_assoc_long(&z, "breaker_skips", zend_long(a->breaker_skips.load()));
  }
  add_assoc_zval(out, "near", &z);
}

}  // namespace wcx
