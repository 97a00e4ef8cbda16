// extension/session_redis.cpp: session.save_handler = wincache with wincache.redis set: the
// sessions of a site that runs on several hosts, kept in Redis (docs/redis.md).
//
// Redis is the truth. Per session: a hash <prefix>:s:<id> {gen, data} with the idle lifetime
// (session.gc_maxlifetime) as its TTL, and a lock <prefix>:s:<id>:lock holding the token of the
// request that holds the session (host, pid, start time, 64 random bits) with a lease
// (lock_ttl in wincache.redis). Each step is one Lua script, one round trip:
//   read      takes the lock (waits, bounded like the shared-memory handler: sessionlockwait or
//             max_execution_time as wall time) and answers the session's gen and, unless it
//             equals the gen of this host's copy, its data (R-3)
//   write     lands only while our token holds the lock, in the same script (fencing, R-2),
//             which also releases the lock (PHP closes right after a write); refused → the
//             write fails with a warning and this host's copy is dropped
//   close     compare-and-delete of the lock if still held (read_and_close, abort; R-6)
//   destroy   refused while another request holds the session
//   validate_sid (strict mode) asks Redis, never this host's copy (R-8)
//   update_timestamp (lazy_write) restarts the TTL, fenced like write
//   gc        nothing: Redis expires the hashes itself
// A holder that died on THIS host (its pid is gone, or has another start time) is noticed while
// waiting and its lock broken at once (compare-and-delete of exactly its token); one that died
// on another host blocks its session until its lease runs out.
// Redis unreachable, too slow or answering errors: the session start fails with the reason in a
// warning (fail closed, R-7): never an empty session, never this host's copy alone.
// This host's copy: the shared-memory session store of the group holds gen+data of sessions read
// or written here; it is used only when the gen read under the lock, in the same round trip,
// equals its own (R-4), and written only after Redis confirmed the write with that gen (R-5).
#include <cstring>
#include <memory>
#include <string>

#include "features.hpp"

#include "buffers.hpp"
#include "redis.hpp"

extern "C" {
#include "SAPI.h"
#include "ext/random/php_random.h"
#include "ext/session/php_session.h"
}

#ifndef _WIN32
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#endif

namespace wcx {
namespace {

constexpr std::size_t kGenLen = 32;  // hex: unique_hex(), 64 random bits of the process + a counter

struct RedisSessionState {
  bool active = false;  // the open session (open..close) is on Redis
  std::uint64_t reads = 0, local_hits = 0, writes = 0, fenced_off = 0, lock_waits = 0,
                lock_timeouts = 0, dead_holders_broken = 0, failures = 0;
};
RedisSessionState rs;

struct RModData {
  std::string group;  // this host's group, as tokens name it
  std::string token;
  std::string held;  // the session id whose lock we hold in Redis ("" none)
  std::string local_held;  // the key of the session whose lock we hold on this host ("" none)
  Sessions* table = nullptr;  // this host's copies (null: none in this process)
  unsigned slot = 0;
  std::uint64_t tag = 0;
};
RModData* md_of(void** mod_data) { return static_cast<RModData*>(*mod_data); }

std::string hex(const unsigned char* p, std::size_t n) {
  static const char d[] = "0123456789abcdef";
  std::string s(n * 2, '0');
  for (std::size_t i = 0; i < n; ++i) {
    s[2 * i] = d[p[i] >> 4];
    s[2 * i + 1] = d[p[i] & 15];
  }
  return s;
}

std::string random_hex(std::size_t bytes) {
  unsigned char b[32];
  if (bytes > sizeof b) bytes = sizeof b;
  if (php_random_bytes_silent(b, bytes) != SUCCESS) {
    // PHP's CSPRNG failed (no entropy source): the time and address mix, still unique enough
    // together with the pid and start time in a token and the counter in a gen
    const std::uint64_t x = now_ms() ^ (reinterpret_cast<std::uintptr_t>(&b) << 17);
    for (std::size_t i = 0; i < bytes; ++i) b[i] = static_cast<unsigned char>(x >> (8 * (i % 8))) ^ static_cast<unsigned char>(i * 131);
  }
  return hex(b, bytes);
}

// A value never used before by any process anywhere: 64 random bits drawn once per process
// (again after a fork), then a counter. Gens (R-4) and the random part of tokens.
std::string unique_hex() {
  static long pid = -1;
  static std::string base;
  static std::uint64_t n = 0;
#ifndef _WIN32
  const long now_pid = long(getpid());
#else
  const long now_pid = 0;
#endif
  if (pid != now_pid || base.empty()) {
    pid = now_pid;
    base = random_hex(8);
    n = 0;
  }
  unsigned char c[8];
  ++n;
  for (int i = 0; i < 8; ++i) c[i] = static_cast<unsigned char>(n >> (56 - 8 * i));
  return base + hex(c, 8);
}

#ifndef _WIN32
// This host, as a token names it: the boot id and the pid namespace (a pid means the same process
// only within both).
const std::string& host_id() {
  static std::string id;
  if (id.empty()) {
    std::ifstream f("/proc/sys/kernel/random/boot_id");
    std::string boot;
    std::getline(f, boot);
    char ns[128] = {0};
    const ssize_t n = readlink("/proc/self/ns/pid", ns, sizeof ns - 1);
    id = (boot.empty() ? std::string("noboot") : boot) + "/" + (n > 0 ? std::string(ns, std::size_t(n)) : "nons");
  }
  return id;
}

// Field 22 of /proc/PID/stat: the start time, "" if there is no such process.
std::string start_time(long pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(f, line)) return "";
  const std::size_t paren = line.rfind(')');
  if (paren == std::string::npos) return "";
  std::size_t at = paren + 2;
  for (int field = 3; field < 22; ++field) {
    at = line.find(' ', at);
    if (at == std::string::npos) return "";
    ++at;
  }
  return line.substr(at, line.find(' ', at) - at);
}

// Who holds a lock: "<host>#<uid>#<group>|<pid>|<start time>|<64 random bits>". The part
// before '|' names this host's group (its shared memory, its lock table): two php-fpm masters of
// one machine that do not share memory are two "hosts" here.
std::string group_id(Domain* d) {
  return host_id() + "#" + std::to_string(geteuid()) + "#" + (d ? d->name() : std::string("-"));
}
std::string new_token(const std::string& group) {
  static long pid = 0;
  static std::string mine;  // "|<pid>|<start time>|" of this process (a fork gets its own)
  if (pid != long(getpid())) {
    pid = long(getpid());
    mine = "|" + std::to_string(pid) + "|" + start_time(pid) + "|";
  }
  return group + mine + unique_hex();
}

bool token_of_group(const std::string& token, const std::string& group) {
  const std::size_t a = token.find('|');
  return a != std::string::npos && token.compare(0, a, group) == 0;
}

// A token of a request on this machine (any group) whose process is gone (or is another
// process now).
bool holder_dead_here(const std::string& token) {
  const std::size_t a = token.find('|'), h = token.find('#');
  if (a == std::string::npos || h == std::string::npos || h > a || token.compare(0, h, host_id()) != 0)
    return false;
  const std::size_t b = token.find('|', a + 1), c = b == std::string::npos ? b : token.find('|', b + 1);
  if (c == std::string::npos) return false;
  char* end = nullptr;
  const long pid = std::strtol(token.c_str() + a + 1, &end, 10);
  if (pid <= 0 || end != token.c_str() + b) return false;
  if (kill(pid_t(pid), 0) != 0 && errno == ESRCH) return true;
  const std::string st = start_time(pid);
  return !st.empty() && st != token.substr(b + 1, c - b - 1);
}
#else
std::string group_id(Domain*) { return "win"; }
std::string new_token(const std::string& group) { return group + "|" + unique_hex(); }
bool token_of_group(const std::string&, const std::string&) { return false; }
bool holder_dead_here(const std::string&) { return false; }
#endif

std::string skey(const std::string& id) { return redis_endpoint().prefix + ":s:" + id; }
std::string lkey(const std::string& id) { return skey(id) + ":lock"; }

bool valid_id(zend_string* id) { return session_valid_id(id); }

void fail_warning(const char* what, const std::string& id, const std::string& err) {
  ++rs.failures;
  php_error_docref(nullptr, E_WARNING, "wincache: session %s could not be %s: %s", id.c_str(), what,
                   err.c_str());
}

// ---- this host's copy ---------------------------------------------------------------------------

std::string local_key(RModData* md, const std::string& id) {
  return Sessions::key(md->tag, id.data(), id.size());
}
// gen + data of our copy of session `id`; false if none.
bool local_get(RModData* md, const std::string& id, std::string& gen, std::string& data) {
  if (!md->table) return false;
  bool got = false;
  try {
    const std::string k = local_key(md, id);
    md->table->read(md->slot, k, now_ms(), [&](const char* p, std::uint64_t n) {
      if (n < kGenLen) return;
      gen.assign(p, kGenLen);
      data.assign(p + kGenLen, std::size_t(n - kGenLen));
      got = true;
    });
  } catch (...) {
    return false;
  }
  return got;
}
void local_drop(RModData* md, const std::string& id) {
  if (md->table) md->table->remove(md->slot, local_key(md, id), now_ms());
}
void local_put(RModData* md, const std::string& id, const std::string& gen, const char* p,
               std::size_t n, zend_long maxlifetime) {
  if (!md->table) return;
  try {
    std::string v;
    v.reserve(kGenLen + n);
    v.append(gen).append(p, n);
    const std::string k = local_key(md, id);
    if (md->table->write(md->slot, k, v.data(), v.size(), std::uint64_t(maxlifetime), now_ms()) !=
        wc::CacheStatus::ok)
      md->table->remove(md->slot, k, now_ms());
  } catch (...) {
    local_drop(md, id);
  }
}

// ---- the lock ----------------------------------------------------------------------------------

enum class Locked { yes, no };

void release_local(RModData* md) {
  if (!md->local_held.empty()) md->table->unlock(md->local_held);
  md->local_held.clear();
}

bool gave_up(const std::string& id, std::uint64_t t0) {
  ++rs.lock_timeouts;
  php_error_docref(nullptr, E_WARNING,
                   "wincache: gave up waiting for the lock of session %s after %llu ms "
                   "(wincache.sessionlockwait, max_execution_time); another request holds it",
                   id.c_str(), static_cast<unsigned long long>(now_ms() - t0));
  return false;
}

// This host's lock of session `id` first (R-9): requests of one host wait for each other on it
// (no polling of Redis), and while we hold it, a token of this host in Redis belongs to no live
// request (a request that timed out talking to Redis, or died) and is broken at once.
bool take_local(RModData* md, const std::string& id, std::uint64_t t0, std::uint64_t until) {
  if (!md->table) return true;  // no shared store here: dead holders are found by their pid
  const std::string k = local_key(md, id);
  if (md->local_held == k) return true;
  release_local(md);
  bool out_of_time = false;
  const wc::NamedLock r = md->table->lock(k, [&] {
    if (zend_atomic_bool_load(&EG(timed_out)) || EG(exception)) return true;
    out_of_time = now_ms() >= until;
    return out_of_time;
  });
  if (r == wc::NamedLock::acquired || r == wc::NamedLock::taken_over) {
    md->local_held = k;
    return true;
  }
  if (r == wc::NamedLock::interrupted && out_of_time) return gave_up(id, t0);
  if (r == wc::NamedLock::full)
    php_error_docref(nullptr, E_WARNING, "wincache: too many sessions are locked at once");
  return false;
}

// Takes session `id`'s lock (bounded wait) and answers what the lock script answered.
Locked take_lock(RModData* md, const std::string& id, const std::string& local_gen, RedisValue& got) {
  const std::uint64_t t0 = now_ms(), until = session_lock_deadline_ms();
  if (!take_local(md, id, t0, until)) return Locked::no;
  const std::string lease = std::to_string(std::uint64_t(redis_endpoint().lock_ttl_s) * 1000);
  std::uint64_t pause_us = 500;
  bool waited = false;
  for (;;) {
    std::string err;
    if (!redis_eval(RedisScript::session_lock, {skey(id), lkey(id)}, {md->token, lease, local_gen},
                    got, err)) {
      fail_warning("read", id, err);
      return Locked::no;
    }
    if (got.type != RedisValue::Type::array || got.elements.empty()) {
      fail_warning("read", id, "Redis answered the lock script with something else");
      return Locked::no;
    }
    if (got.elements[0].integer == 1) {
      md->held = id;
      return Locked::yes;
    }
    const std::string holder = got.elements.size() > 1 ? got.elements[1].str : "";
    if (md->local_held.empty() ? holder_dead_here(holder) : token_of_group(holder, md->group)) {
      RedisValue r;
      if (redis_eval(RedisScript::session_break, {lkey(id)}, {holder}, r, err) && r.integer == 1)
        ++rs.dead_holders_broken;
      continue;
    }
    if (!waited) ++rs.lock_waits;
    waited = true;
    if (zend_atomic_bool_load(&EG(timed_out)) || EG(exception)) return Locked::no;
    if (now_ms() >= until) {
      gave_up(id, t0);
      return Locked::no;
    }
#ifndef _WIN32
    usleep(useconds_t(pause_us));
#endif
    pause_us = pause_us * 2 > 20000 ? 20000 : pause_us * 2;
  }
}

void release_lock(RModData* md) {
  if (md->held.empty()) {
    release_local(md);
    return;
  }
  RedisValue r;
  std::string err;
  // An error leaves the lock to its lease; the next request of this host breaks it at once
  // (this process is alive, though: it waits for the lease) — reported, never silent.
  if (!redis_eval(RedisScript::session_unlock, {lkey(md->held)}, {md->token}, r, err))
    php_error_docref(nullptr, E_WARNING,
                     "wincache: the lock of session %s could not be released in Redis (it ends "
                     "with its lease of %u s): %s",
                     md->held.c_str(), redis_endpoint().lock_ttl_s, err.c_str());
  md->held.clear();
  release_local(md);  // (this host's next request breaks our token at once: see take_local)
}

// ---- the handler ---------------------------------------------------------------------------------

PS_OPEN_FUNC(wincache_redis) {
  session_read_forget();
  const RedisEndpoint& e = redis_endpoint();
  if (!redis_built()) {
    php_error_docref(nullptr, E_WARNING,
                     "wincache: wincache.redis is set, but this wincache was built without "
                     "hiredis; sessions are unavailable");
    return FAILURE;
  }
  if (!e.error.empty()) {
    php_error_docref(nullptr, E_WARNING, "wincache: wincache.redis = \"%s\" is not valid: %s",
                     e.text.c_str(), e.error.c_str());
    return FAILURE;
  }
  try {
    auto md = std::make_unique<RModData>();
    Domain* d = local_domain();
    md->table = d ? d->sessions() : nullptr;  // no copies here if the store is unavailable
    md->group = group_id(md->table ? d : nullptr);
    md->token = new_token(md->group);
    md->slot = d ? d->slot() : 0;
    md->tag = wc::fnv1a64("redis\n" + e.text + "\n" + e.prefix);
    PS_SET_MOD_DATA(md.release());
    return SUCCESS;
  } catch (...) {
    report_no_memory("session_start");
    return FAILURE;
  }
}

PS_CLOSE_FUNC(wincache_redis) {
  session_read_forget();  // the session this request could not finish reading is closed
  RModData* md = md_of(mod_data);
  if (!md) return SUCCESS;
  release_lock(md);
  delete md;
  PS_SET_MOD_DATA(nullptr);
  return SUCCESS;
}

PS_READ_FUNC(wincache_redis) {
  RModData* md = md_of(mod_data);
  if (!md || !valid_id(key)) return FAILURE;
  try {
    const std::string id(ZSTR_VAL(key), ZSTR_LEN(key));
    if (!md->held.empty() && md->held != id) release_lock(md);
    std::string lgen, ldata;
    const bool have_local = local_get(md, id, lgen, ldata);
    RedisValue got;
    if (take_lock(md, id, have_local ? lgen : "", got) != Locked::yes) return FAILURE;
    session_note_read();  // from here a bailout leaves $_SESSION incomplete
    ++rs.reads;
    const auto& el = got.elements;
    if (el.size() < 2) {  // no such session in Redis (never written, expired, destroyed)
      if (have_local) local_drop(md, id);
      *val = ZSTR_EMPTY_ALLOC();
      return SUCCESS;
    }
    if (el.size() == 2) {  // Redis's gen is our copy's: the data did not travel
      if (!have_local || el[1].str != lgen) {  // (cannot happen: we sent our gen)
        release_lock(md);
        fail_warning("read", id, "Redis answered without data for a copy this host does not have");
        return FAILURE;
      }
      ++rs.local_hits;
      *val = zend_string_init(ldata.data(), ldata.size(), 0);
      return SUCCESS;
    }
    const std::string& data = el[2].str;
    if (el[1].str.size() == kGenLen) local_put(md, id, el[1].str, data.data(), data.size(), maxlifetime);
    else local_drop(md, id);
    *val = zend_string_init(data.data(), data.size(), 0);
    return SUCCESS;
  } catch (...) {
    report_no_memory("session_start");
    release_lock(md);
    return FAILURE;
  }
}

// The fenced write (and update_timestamp): 1 done, 2 written back (touch), 0 refused, -1 error.
int fenced(const std::string& id, RedisScript s, const std::vector<std::string>& args,
           std::string& err) {
  RedisValue r;
  if (!redis_eval(s, {skey(id), lkey(id)}, args, r, err)) return -1;
  return r.type == RedisValue::Type::integer ? int(r.integer) : -1;
}

PS_WRITE_FUNC(wincache_redis) {
  RModData* md = md_of(mod_data);
  if (!md || !valid_id(key)) return FAILURE;
  if (session_keep_unfinished(key)) return SUCCESS;  // (close releases the lock)
  try {
    const std::string id(ZSTR_VAL(key), ZSTR_LEN(key));
    if (md->held != id) {  // not read in this request (PHP reads first; be safe)
      RedisValue got;
      if (!md->held.empty()) release_lock(md);
      if (take_lock(md, id, "", got) != Locked::yes) return FAILURE;
    }
    const std::string gen = unique_hex();
    const std::string ttl = std::to_string(std::uint64_t(maxlifetime > 0 ? maxlifetime : 1) * 1000);
    std::string err;
    // PHP closes the session right after writing it: the lock goes with the write (R-6 in the
    // same script; close then has nothing to release in Redis).
    const int r = fenced(id, RedisScript::session_write,
                         {md->token, gen, std::string(ZSTR_VAL(val), ZSTR_LEN(val)), ttl, "1"}, err);
    if (r == 1) {
      ++rs.writes;
      md->held.clear();
      local_put(md, id, gen, ZSTR_VAL(val), ZSTR_LEN(val), maxlifetime);
      return SUCCESS;
    }
    local_drop(md, id);
    if (r == 0) {
      ++rs.fenced_off;
      md->held.clear();  // not ours any more: never release another request's lock
      php_error_docref(nullptr, E_WARNING,
                       "wincache: session %s was not written: this request no longer holds its "
                       "lock in Redis (the lease of %u s ran out, or it was broken); the data "
                       "of the request that holds it now is kept",
                       id.c_str(), redis_endpoint().lock_ttl_s);
      return FAILURE;
    }
    fail_warning("written", id, err);
    return FAILURE;
  } catch (...) {
    report_no_memory("session_write_close");
    return FAILURE;
  }
}

PS_DESTROY_FUNC(wincache_redis) {
  RModData* md = md_of(mod_data);
  if (!md || !valid_id(key)) return FAILURE;
  if (session_keep_when_ending(key)) return SUCCESS;  // as the shared-memory handler
  try {
    const std::string id(ZSTR_VAL(key), ZSTR_LEN(key));
    local_drop(md, id);
    std::string err;
    const int r = fenced(id, RedisScript::session_destroy, {md->token}, err);
    if (r == 1) return SUCCESS;
    if (r == 0) {
      php_error_docref(nullptr, E_WARNING,
                       "wincache: session %s was not destroyed: another request holds it",
                       id.c_str());
      return FAILURE;
    }
    fail_warning("destroyed", id, err);
    return FAILURE;
  } catch (...) {
    report_no_memory("session_destroy");
    return FAILURE;
  }
}

PS_GC_FUNC(wincache_redis) {
  (void)mod_data;
  (void)maxlifetime;
  *nrdels = 0;  // Redis expires the sessions itself; this host's copies expire in its store
  return 0;
}

// -1 error, 0 no, 1 yes
int exists(const std::string& id, std::string& err) {
  RedisValue r;
  if (!redis_command({"EXISTS", skey(id)}, r, err)) return -1;
  return r.integer > 0 ? 1 : 0;
}

PS_CREATE_SID_FUNC(wincache_redis) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    zend_string* id = php_session_create_id(mod_data);
    if (!id) return id;
    try {
      std::string err;
      if (exists(std::string(ZSTR_VAL(id), ZSTR_LEN(id)), err) != 1) return id;
    } catch (...) {
      return id;
    }
    zend_string_release(id);  // taken: draw again
  }
  return php_session_create_id(mod_data);
}

PS_VALIDATE_SID_FUNC(wincache_redis) {
  (void)mod_data;
  if (php_session_valid_key(ZSTR_VAL(key)) != SUCCESS) return FAILURE;
  try {
    std::string err;
    const int r = exists(std::string(ZSTR_VAL(key), ZSTR_LEN(key)), err);
    if (r < 0) fail_warning("validated", std::string(ZSTR_VAL(key), ZSTR_LEN(key)), err);
    return r == 1 ? SUCCESS : FAILURE;
  } catch (...) {
    return FAILURE;
  }
}

PS_UPDATE_TIMESTAMP_FUNC(wincache_redis) {
  RModData* md = md_of(mod_data);
  if (!md || !valid_id(key)) return FAILURE;
  if (session_keep_unfinished(key)) return SUCCESS;
  try {
    const std::string id(ZSTR_VAL(key), ZSTR_LEN(key));
    if (md->held != id) return ps_write_wincache_redis(mod_data, key, val, maxlifetime);
    const std::string gen = unique_hex();
    const std::string ttl = std::to_string(std::uint64_t(maxlifetime > 0 ? maxlifetime : 1) * 1000);
    std::string err;
    const int r = fenced(id, RedisScript::session_touch,
                         {md->token, ttl, gen, std::string(ZSTR_VAL(val), ZSTR_LEN(val)), "1"}, err);
    if (r >= 1) md->held.clear();  // released with it, as by a write
    if (r == 2) local_put(md, id, gen, ZSTR_VAL(val), ZSTR_LEN(val), maxlifetime);
    if (r >= 1) return SUCCESS;
    local_drop(md, id);
    if (r == 0) {
      ++rs.fenced_off;
      md->held.clear();
      php_error_docref(nullptr, E_WARNING,
                       "wincache: session %s was not kept alive: this request no longer holds "
                       "its lock in Redis",
                       id.c_str());
      return FAILURE;
    }
    fail_warning("kept alive", id, err);
    return FAILURE;
  } catch (...) {
    return FAILURE;
  }
}

// ---- the module PHP sees: "wincache", on shared memory or on Redis --------------------------------

const ps_module* shm() { return shm_session_module(); }

PS_OPEN_FUNC(wincache_front) {
  rs.active = redis_configured();
  return rs.active ? ps_open_wincache_redis(mod_data, save_path, session_name)
                   : shm()->s_open(mod_data, save_path, session_name);
}
PS_CLOSE_FUNC(wincache_front) {
  return rs.active ? ps_close_wincache_redis(mod_data) : shm()->s_close(mod_data);
}
PS_READ_FUNC(wincache_front) {
  return rs.active ? ps_read_wincache_redis(mod_data, key, val, maxlifetime)
                   : shm()->s_read(mod_data, key, val, maxlifetime);
}
PS_WRITE_FUNC(wincache_front) {
  return rs.active ? ps_write_wincache_redis(mod_data, key, val, maxlifetime)
                   : shm()->s_write(mod_data, key, val, maxlifetime);
}
PS_DESTROY_FUNC(wincache_front) {
  return rs.active ? ps_delete_wincache_redis(mod_data, key) : shm()->s_destroy(mod_data, key);
}
PS_GC_FUNC(wincache_front) {
  return rs.active ? ps_gc_wincache_redis(mod_data, maxlifetime, nrdels)
                   : shm()->s_gc(mod_data, maxlifetime, nrdels);
}
PS_CREATE_SID_FUNC(wincache_front) {
  return rs.active ? ps_create_sid_wincache_redis(mod_data) : shm()->s_create_sid(mod_data);
}
PS_VALIDATE_SID_FUNC(wincache_front) {
  return rs.active ? ps_validate_sid_wincache_redis(mod_data, key)
                   : shm()->s_validate_sid(mod_data, key);
}
PS_UPDATE_TIMESTAMP_FUNC(wincache_front) {
  return rs.active ? ps_update_timestamp_wincache_redis(mod_data, key, val, maxlifetime)
                   : shm()->s_update_timestamp(mod_data, key, val, maxlifetime);
}

const ps_module ps_mod_front = {"wincache",
                                ps_open_wincache_front,
                                ps_close_wincache_front,
                                ps_read_wincache_front,
                                ps_write_wincache_front,
                                ps_delete_wincache_front,
                                ps_gc_wincache_front,
                                ps_create_sid_wincache_front,
                                ps_validate_sid_wincache_front,
                                ps_update_timestamp_wincache_front};

}  // namespace

const ps_module* session_front_module() { return &ps_mod_front; }

void redis_session_extra_info(zval* out) {
  zval z;
  array_init(&z);
  add_assoc_long(&z, "reads", zend_long(rs.reads));
  add_assoc_long(&z, "served_from_host_copy", zend_long(rs.local_hits));
  add_assoc_long(&z, "writes", zend_long(rs.writes));
  add_assoc_long(&z, "writes_fenced_off", zend_long(rs.fenced_off));
  add_assoc_long(&z, "lock_waits", zend_long(rs.lock_waits));
  add_assoc_long(&z, "lock_timeouts", zend_long(rs.lock_timeouts));
  add_assoc_long(&z, "dead_holders_broken", zend_long(rs.dead_holders_broken));
  add_assoc_long(&z, "failures", zend_long(rs.failures));
  add_assoc_zval(out, "sessions", &z);
}

}  // namespace wcx
