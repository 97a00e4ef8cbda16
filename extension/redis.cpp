// extension/redis.cpp: wincache.redis, parsed, and this process's connection (redis.hpp).
#ifdef HAVE_CONFIG_H
#include "config.h"  // phpize route: WINCACHE_HAVE_HIREDIS
#endif
#include <cstdlib>
#include <cstring>

#include "features.hpp"  // first: PHP's headers redefine snprintf, which the core uses

#include "redis.hpp"

#ifdef WINCACHE_HAVE_HIREDIS
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>

#include <hiredis/hiredis.h>
#endif

extern "C" {
#include "ext/standard/sha1.h"
}

namespace wcx {
namespace {

RedisEndpoint g_endpoint;
RedisCounters g_counters;

// The scripts. KEYS[1] is the session's hash {gen, data}, KEYS[2] its lock (a token string).
//
// session_lock: ARGV token, lease ms, the gen of our local copy ("" if none). Takes the lock if
// it is free (or already ours: a second read in one request), then answers {1, gen, data}, or
// {1, gen} when gen equals our copy's (the data did not travel), or {1} when there is no session;
// {0, holder's token} when another request holds it.
const char* const kLock = R"(
local cur = redis.call('GET', KEYS[2])
if cur and cur ~= ARGV[1] then return {0, cur} end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
local v = redis.call('HMGET', KEYS[1], 'gen', 'data')
if not v[1] then return {1} end
if v[1] == ARGV[3] then return {1, v[1]} end
return {1, v[1], v[2] or ''}
)";
// session_write: ARGV token, new gen, data, ttl ms, release ("1": the lock goes with the write,
// as PHP closes the session right after writing it: one round trip less). Fenced: lands only
// while the token holds the lock (R-2). 1 written, 0 refused.
const char* const kWrite = R"(
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'gen', ARGV[2], 'data', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
if ARGV[5] == '1' then redis.call('DEL', KEYS[2]) end
return 1
)";
// session_touch (lazy_write, data unchanged): ARGV token, ttl ms, new gen, data. The idle time
// starts again; a session that expired meanwhile is written back as this request saw it;
// ARGV[5] as session_write's. 1 done, 2 written back, 0 refused (not the holder).
const char* const kTouch = R"(
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
local r = 1
if redis.call('PEXPIRE', KEYS[1], ARGV[2]) == 0 then
  redis.call('HSET', KEYS[1], 'gen', ARGV[3], 'data', ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  r = 2
end
if ARGV[5] == '1' then redis.call('DEL', KEYS[2]) end
return r
)";
// session_unlock: KEYS[1] the lock, ARGV token: compare and delete (S8).
const char* const kUnlock = R"(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
)";
// session_destroy: ARGV token. Refused (0) while ANOTHER request holds the session.
const char* const kDestroy = R"(
local cur = redis.call('GET', KEYS[2])
if cur and cur ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
)";
// session_break: KEYS[1] the lock, ARGV the dead holder's token: deletes it only if it is still
// that token (a holder on this host that is known dead).
const char* const kBreak = kUnlock;

// near_get: the value and its PTTL in one round trip: {value or false, pttl}.
const char* const kNearGet = R"(
return {redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1])}
)";
// near_incr: INCRBY an EXISTING key only (WinCache's inc of a missing key is false): false if
// absent; Redis's own error for a value that is not a raw integer (a tagged value is never one).
const char* const kNearIncr = R"(
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
return redis.call('INCRBY', KEYS[1], ARGV[1])
)";
// near_cas: ARGV old, new (decimal): 1 swapped, 0 not equal or absent, -1 not an integer.
const char* const kNearCas = R"(
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
if not string.match(v, '^%-?%d+$') then return -1 end
if v ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
return 1
)";

const char* const kScripts[] = {kLock, kWrite, kTouch, kUnlock, kDestroy, kBreak,
                                kNearGet, kNearIncr, kNearCas, kUnlock};
static_assert(sizeof(kScripts) / sizeof(kScripts[0]) == std::size_t(RedisScript::kCount));

double option_number(const std::string& v, bool* ok) {
  char* end = nullptr;
  const double d = std::strtod(v.c_str(), &end);
  *ok = !v.empty() && end && *end == '\0';
  return d;
}

}  // namespace

bool parse_redis_endpoint(const std::string& text, RedisEndpoint& out) {
  out = RedisEndpoint{};
  out.text = text;
  std::string rest = text, query;
  const std::size_t q = rest.find('?');
  if (q != std::string::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  auto fail = [&](const std::string& why) {
    out.error = why;
    return false;
  };
  if (rest.rfind("unix:", 0) == 0) {
    std::string p = rest.substr(5);
    while (p.size() > 1 && p[0] == '/' && p[1] == '/') p = p.substr(1);
    if (p.empty() || p[0] != '/') return fail("a unix socket needs an absolute path (unix:/run/redis.sock)");
    out.unix_path = p;
  } else {
    if (rest.rfind("tcp://", 0) == 0) rest = rest.substr(6);
    else if (rest.rfind("redis://", 0) == 0) rest = rest.substr(8);
    const std::size_t slash = rest.find('/');
    if (slash != std::string::npos) {
      bool ok = false;
      const double db = option_number(rest.substr(slash + 1), &ok);
      if (!ok || db < 0 || db > 1000000 || db != double(int(db))) return fail("the database after '/' is not a number");
      out.db = int(db);
      rest = rest.substr(0, slash);
    }
    const std::size_t colon = rest.rfind(':');
    if (colon == std::string::npos) {
      out.host = rest;
    } else {
      out.host = rest.substr(0, colon);
      bool ok = false;
      const double port = option_number(rest.substr(colon + 1), &ok);
      if (!ok || port < 1 || port > 65535 || port != double(int(port))) return fail("the port is not a number in 1..65535");
      out.port = int(port);
    }
    if (out.host.size() > 2 && out.host.front() == '[' && out.host.back() == ']')
      out.host = out.host.substr(1, out.host.size() - 2);
    if (out.host.empty()) return fail("no host");
  }
  std::size_t at = 0;
  while (at < query.size()) {
    std::size_t amp = query.find('&', at);
    if (amp == std::string::npos) amp = query.size();
    const std::string kv = query.substr(at, amp - at);
    at = amp + 1;
    if (kv.empty()) continue;
    const std::size_t eq = kv.find('=');
    if (eq == std::string::npos) return fail("option '" + kv + "' has no value");
    const std::string k = kv.substr(0, eq), v = kv.substr(eq + 1);
    bool ok = false;
    if (k == "prefix") {
      if (v.empty() || v.size() > 200) return fail("prefix must have 1..200 characters");
      for (char c : v)
        if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return fail("prefix must not contain spaces or control characters");
      out.prefix = v;
    } else if (k == "db") {
      const double d = option_number(v, &ok);
      if (!ok || d < 0 || d > 1000000 || d != double(int(d))) return fail("db is not a number");
      out.db = int(d);
    } else if (k == "connect_timeout" || k == "read_timeout") {
      const double d = option_number(v, &ok);
      if (!ok || d <= 0 || d > 3600) return fail(k + " must be in (0, 3600] seconds");
      (k == "connect_timeout" ? out.connect_timeout_s : out.read_timeout_s) = d;
    } else if (k == "ucache") {
      if (v != "near" && v != "local") return fail("ucache must be near or local");
      out.ucache_near = v == "near";
    } else if (k == "staleness") {
      const double d = option_number(v, &ok);
      if (!ok || d < 50 || d > 60000 || d != double(int(d))) return fail("staleness must be whole ms in 50..60000");
      out.staleness_ms = std::uint32_t(d);
    } else if (k == "debug_delay") {
      const double d = option_number(v, &ok);
      if (!ok || d < 0 || d > 10000) return fail("debug_delay must be ms in 0..10000");
      out.debug_delay_ms = std::uint32_t(d);
    } else if (k == "debug_unguarded") {
      out.debug_unguarded = v == "1";
    } else if (k == "breaker") {
      const double d = option_number(v, &ok);
      if (!ok || d < 0 || d > 3600) return fail("breaker must be in [0, 3600] seconds");
      out.breaker_s = d;
    } else if (k == "lock_ttl") {
      const double d = option_number(v, &ok);
      if (!ok || d < 1 || d > 86400 || d != double(int(d))) return fail("lock_ttl must be whole seconds in 1..86400");
      out.lock_ttl_s = std::uint32_t(d);
    } else {
      return fail("unknown option '" + k + "'");
    }
  }
  return true;
}

bool redis_configured() { return !g_endpoint.text.empty(); }
const RedisEndpoint& redis_endpoint() { return g_endpoint; }
const RedisCounters& redis_counters() { return g_counters; }

ZEND_INI_MH(ini_redis) {
  std::string text = new_value ? std::string(ZSTR_VAL(new_value), ZSTR_LEN(new_value)) : "";
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.pop_back();
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.erase(0, 1);
  RedisEndpoint e;
  if (!text.empty()) parse_redis_endpoint(text, e);  // an error is reported at the first use
  g_endpoint = e;
  return SUCCESS;
}

#ifdef WINCACHE_HAVE_HIREDIS

namespace {

struct Connection {
  redisContext* c = nullptr;
  pid_t pid = 0;
  std::string endpoint;  // the setting it was made for
};
Connection g_conn;
bool g_timed_out = false;  // the last failure was Redis not answering in time (trips the breaker)

void drop() {
  // A connection inherited over fork() belongs to the parent: never read from or write to it
  // here (its replies would be split between two processes), only close our descriptor.
  if (g_conn.c) redisFree(g_conn.c);
  g_conn.c = nullptr;
}

// The SHA-1 of a script, as EVALSHA names it (computed here: no SCRIPT LOAD round trip).
const std::string& sha_of(RedisScript s) {
  static std::string sha[std::size_t(RedisScript::kCount)];
  std::string& out = sha[std::size_t(s)];
  if (out.empty()) {
    const char* body = kScripts[std::size_t(s)];
    PHP_SHA1_CTX ctx;
    unsigned char d[20];
    PHP_SHA1Init(&ctx);
    PHP_SHA1Update(&ctx, reinterpret_cast<const unsigned char*>(body), std::strlen(body));
    PHP_SHA1Final(d, &ctx);
    static const char hx[] = "0123456789abcdef";
    for (unsigned char b : d) {
      out += hx[b >> 4];
      out += hx[b & 15];
    }
  }
  return out;
}

timeval to_tv(double s) {
  timeval tv;
  tv.tv_sec = long(s);
  tv.tv_usec = long((s - double(tv.tv_sec)) * 1e6);
  return tv;
}

void copy_reply(const redisReply* r, RedisValue& out) {
  out = RedisValue{};
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = RedisValue::Type::string;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisValue::Type::status;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = RedisValue::Type::error;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = RedisValue::Type::integer;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisValue::Type::array;
      out.elements.resize(r->elements);
      for (std::size_t i = 0; i < r->elements; ++i) copy_reply(r->element[i], out.elements[i]);
      break;
    default:
      break;
  }
}

bool connect(std::string& err) {
  const RedisEndpoint& e = g_endpoint;
  if (!e.error.empty()) {
    err = "wincache.redis = \"" + e.text + "\" is not valid: " + e.error;
    return false;
  }
  if (g_conn.c && g_conn.pid == getpid() && g_conn.endpoint == e.text && g_conn.c->err == 0)
    return true;
  drop();
  const timeval ct = to_tv(e.connect_timeout_s);
  redisContext* c = e.unix_path.empty() ? redisConnectWithTimeout(e.host.c_str(), e.port, ct)
                                        : redisConnectUnixWithTimeout(e.unix_path.c_str(), ct);
  ++g_counters.connects;
  const std::string where = e.unix_path.empty() ? e.host + ":" + std::to_string(e.port) : e.unix_path;
  if (!c || c->err) {
    g_timed_out = c && (errno == ETIMEDOUT || errno == EINPROGRESS || errno == EAGAIN ||
                        std::strstr(c->errstr, "timed out") != nullptr);
    err = "cannot connect to Redis at " + where + ": " + (c ? c->errstr : "out of memory");
    if (c) redisFree(c);
    ++g_counters.connect_failures;
    return false;
  }
  redisSetTimeout(c, to_tv(e.read_timeout_s));
  if (e.unix_path.empty()) redisEnableKeepAlive(c);
  g_conn.c = c;
  g_conn.pid = getpid();
  g_conn.endpoint = e.text;
  if (e.db != 0) {
    redisReply* r = static_cast<redisReply*>(redisCommand(c, "SELECT %d", e.db));
    const bool ok = r && r->type == REDIS_REPLY_STATUS;
    if (!ok) err = "Redis at " + where + " refused SELECT " + std::to_string(e.db) + ": " +
                   (r && r->type == REDIS_REPLY_ERROR ? std::string(r->str, r->len) : std::string(c->errstr));
    if (r) freeReplyObject(r);
    if (!ok) {
      drop();
      ++g_counters.connect_failures;
      return false;
    }
  }
  return true;
}

// One round trip on the current connection. 0: answered; -1: the connection had been closed
// (by Redis, a restart, an idle timeout: once more on a new one may help); -2: no answer in
// time or another failure (the command may have run: never repeated).
int round_trip(const std::vector<std::string>& argv, RedisValue& out, std::string& err) {
  std::vector<const char*> a(argv.size());
  std::vector<std::size_t> n(argv.size());
  for (std::size_t i = 0; i < argv.size(); ++i) {
    a[i] = argv[i].data();
    n[i] = argv[i].size();
  }
  ++g_counters.commands;
  redisReply* r = static_cast<redisReply*>(
      redisCommandArgv(g_conn.c, int(argv.size()), a.data(), n.data()));
  if (!r) {
    const int e = g_conn.c->err, no = errno;
    const bool timed_out = e == REDIS_ERR_IO && (no == EAGAIN || no == EWOULDBLOCK || no == EINPROGRESS);
    err = timed_out ? "Redis did not answer within read_timeout (" +
                          std::to_string(g_endpoint.read_timeout_s) + " s)"
                    : std::string("Redis did not answer: ") +
                          (g_conn.c->errstr[0] ? g_conn.c->errstr : "connection lost");
    ++g_counters.errors;
    g_timed_out = timed_out;
    const bool closed = e == REDIS_ERR_EOF || (e == REDIS_ERR_IO && (no == ECONNRESET || no == EPIPE));
    drop();
    return closed ? -1 : -2;
  }
  copy_reply(r, out);
  freeReplyObject(r);
  return 0;
}


// The breaker's state: the group's near area when this process joined one, else its own.
NearArea g_own_breaker;
NearArea* breaker_area() {
  Domain* d = local_domain();
  NearArea* a = d ? d->near_area() : nullptr;
  return a ? a : &g_own_breaker;
}

void breaker_trip() {
  const double s = g_endpoint.breaker_s;
  if (s <= 0) return;
  NearArea* a = breaker_area();
  const std::uint64_t base = std::uint64_t(s * 1000);
  const std::uint64_t jitter = base / 2 ? std::uint64_t(std::rand()) % (base / 2 + 1) : 0;
  a->breaker_open_until_ms.store(now_ms() + base + jitter);
  a->breaker_trips.fetch_add(1, std::memory_order_relaxed);
}

void breaker_close() {
  NearArea* a = breaker_area();
  if (a->breaker_open_until_ms.load(std::memory_order_relaxed) != 0)
    a->breaker_open_until_ms.store(0);
}

bool command_once_or_twice(const std::vector<std::string>& argv, RedisValue& out, std::string& err) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool fresh = !g_conn.c;
    if (!connect(err)) return false;
    const int r = round_trip(argv, out, err);
    if (r == 0) {
      if (out.type == RedisValue::Type::error) {
        err = "Redis answered: " + out.str;
        ++g_counters.errors;
        return false;
      }
      return true;
    }
    if (r == -2 || fresh) return false;  // no answer in time, or a new connection failed
    // a connection kept from an earlier request had been closed: once more on a new one
  }
  return false;
}

}  // namespace

bool redis_built() { return true; }

bool redis_breaker_open(std::string& err) {
  if (g_endpoint.breaker_s <= 0) return false;
  NearArea* a = breaker_area();
  std::uint64_t until = a->breaker_open_until_ms.load();
  if (until == 0) return false;
  const std::uint64_t now = now_ms();
  if (now >= until) {
    // Past the pause: this request probes, once for the host (the others keep skipping until
    // its attempt had the time to fail).
    const std::uint64_t probe = now + std::uint64_t((g_endpoint.connect_timeout_s +
                                                     g_endpoint.read_timeout_s) * 1000) + 1;
    if (a->breaker_open_until_ms.compare_exchange_strong(until, probe)) return false;
    until = probe;
  }
  a->breaker_skips.fetch_add(1, std::memory_order_relaxed);
  err = "Redis is skipped on this host for another " + std::to_string(until > now ? until - now : 0) +
        " ms: it did not answer in time (circuit breaker, wincache.redis breaker=" +
        std::to_string(g_endpoint.breaker_s) + " s)";
  return true;
}

bool redis_command(const std::vector<std::string>& argv, RedisValue& out, std::string& err) {
  if (redis_breaker_open(err)) {
    out = RedisValue{};
    return false;
  }
  g_timed_out = false;
  if (command_once_or_twice(argv, out, err)) {
    breaker_close();
    return true;
  }
  if (g_timed_out) breaker_trip();
  else if (out.type == RedisValue::Type::error) breaker_close();  // it answered
  return false;
}


bool redis_eval(RedisScript s, const std::vector<std::string>& keys,
                const std::vector<std::string>& args, RedisValue& out, std::string& err) {
  std::vector<std::string> argv{"EVALSHA", sha_of(s), std::to_string(keys.size())};
  argv.insert(argv.end(), keys.begin(), keys.end());
  argv.insert(argv.end(), args.begin(), args.end());
  if (redis_command(argv, out, err)) return true;
  if (out.type != RedisValue::Type::error || out.str.rfind("NOSCRIPT", 0) != 0) return false;
  // Redis does not have it (a restart, SCRIPT FLUSH): EVAL sends the body, which loads it.
  ++g_counters.reloads;
  argv[0] = "EVAL";
  argv[1] = kScripts[std::size_t(s)];
  return redis_command(argv, out, err);
}

void redis_mshutdown() { drop(); }

#else  // built without hiredis

bool redis_built() { return false; }
bool redis_breaker_open(std::string&) { return false; }
bool redis_command(const std::vector<std::string>&, RedisValue&, std::string& err) {
  err = "this wincache was built without hiredis (libhiredis-dev): wincache.redis is unavailable";
  return false;
}
bool redis_eval(RedisScript, const std::vector<std::string>&, const std::vector<std::string>&,
                RedisValue& out, std::string& err) {
  return redis_command({}, out, err);
}
void redis_mshutdown() {}

#endif

void redis_extra_info(zval* out) {
  zval z;
  array_init(&z);
  add_assoc_bool(&z, "available", redis_built());
  add_assoc_string(&z, "endpoint", g_endpoint.text.c_str());
  add_assoc_string(&z, "endpoint_error", g_endpoint.error.c_str());
  add_assoc_string(&z, "prefix", g_endpoint.text.empty() ? "" : g_endpoint.prefix.c_str());
  add_assoc_long(&z, "connects_here", zend_long(g_counters.connects));
  add_assoc_long(&z, "connect_failures_here", zend_long(g_counters.connect_failures));
  add_assoc_long(&z, "commands_here", zend_long(g_counters.commands));
  add_assoc_long(&z, "errors_here", zend_long(g_counters.errors));
  add_assoc_long(&z, "script_loads_here", zend_long(g_counters.reloads));
  redis_session_extra_info(&z);
  redis_near_extra_info(&z);
  add_assoc_zval(out, "redis", &z);
}

}  // namespace wcx
