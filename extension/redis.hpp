// extension/redis.hpp: the Redis endpoint of a site that outgrew one host (wincache.redis), and
// this process's one connection to it (hiredis). Off by default: with wincache.redis empty
// nothing here runs. Built without hiredis (WINCACHE_HAVE_HIREDIS undefined: Windows, or a Linux
// build with no libhiredis-dev), the setting is accepted and every use reports the feature
// unavailable.
//
// wincache.redis is one string, a URL:
//   tcp://HOST:PORT[/DB][?options]      or HOST:PORT[/DB][?options]
//   unix:/PATH/TO/SOCKET[?options]      (also unix:///PATH)
// options, separated by '&':
//   db=N                 the database (default 0; a /DB in the path sets it too)
//   prefix=APP           the application's key prefix (default "wincache"); keys are
//                        APP:s:<session id>, APP:s:<session id>:lock. Every host of one site
//                        must use the same prefix; two sites on one Redis must not.
//   connect_timeout=S    seconds, fractions allowed (default 1)
//   read_timeout=S       seconds per reply (default 2)
//   lock_ttl=S           the lease of a session lock (default 120; 1..86400): longer than any
//                        request may live (php-fpm's request_terminate_timeout must be lower),
//                        a holder that died on ANOTHER host blocks its session at most this long
//                        (one that died on this host is noticed at once)
//   ucache=near          the user cache of this application on Redis with the host's shared
//                        memory in front (ucache_redis.cpp; docs/redis.md "User cache near
//                        cache"); keys APP:u:<key>, named locks APP:l:<name> in Redis too.
//                        Default (ucache=local): the user cache and locks stay on this host.
//   staleness=MS         D, the near cache's staleness bound (default 1000; 50..60000): a host
//                        serves its local copy only while its listener proved, at most D ms ago,
//                        that it had applied every invalidation sent before
//   debug_delay=MS, debug_unguarded=1   for the tests only (tests/redis/test_redis_near.sh):
//                        a pause between Redis's answer and the local store for keys that start
//                        with "__delay__" (the fill and write races), and the negative twin that
//                        serves local copies unchecked (no trust, epoch, stripe or expiry check)
//   breaker=S            after Redis did not answer in time, skip it on this whole host for S to
//                        1.5*S seconds (default 2; 0: never), then let one request probe it
#ifndef WINCACHE_EXTENSION_REDIS_HPP
#define WINCACHE_EXTENSION_REDIS_HPP

#include <cstdint>
#include <string>
#include <vector>

#include "php.h"  // (after features.hpp in every .cpp)

namespace wcx {

struct RedisEndpoint {
  std::string text;        // the setting as given
  std::string host;        // empty for a unix socket
  int port = 6379;
  std::string unix_path;
  int db = 0;
  std::string prefix = "wincache";
  double connect_timeout_s = 1.0;
  double read_timeout_s = 2.0;
  std::uint32_t lock_ttl_s = 120;
  bool ucache_near = false;
  std::uint32_t staleness_ms = 1000;
  double breaker_s = 2.0;
  std::uint32_t debug_delay_ms = 0;
  bool debug_unguarded = false;
  std::string error;       // why the text is not a valid endpoint ("" if it is)
};

// One reply, copied out of hiredis.
struct RedisValue {
  enum class Type { nil, string, integer, array, status, error } type = Type::nil;
  std::string str;
  long long integer = 0;
  std::vector<RedisValue> elements;
  bool is_nil() const { return type == Type::nil; }
};

bool redis_built();                        // built with hiredis
bool redis_configured();                   // wincache.redis is not empty
const RedisEndpoint& redis_endpoint();     // parsed (error set if malformed)
bool parse_redis_endpoint(const std::string& text, RedisEndpoint& out);

// The Lua scripts this process runs (loaded once per connection, then EVALSHA; reloaded when
// Redis answers NOSCRIPT: a restart or SCRIPT FLUSH).
enum class RedisScript { session_lock, session_write, session_touch, session_unlock,
                         session_destroy, session_break, near_get, near_incr, near_cas,
                         lock_release, kCount };

// Runs one command or script. On a broken connection it reconnects and retries once, and only
// commands that are safe to repeat are given here (all of ours are: the scripts compare a token
// or set absolute values). False with `err` set when Redis is unreachable, too slow
// (read_timeout), or answers an error.
bool redis_command(const std::vector<std::string>& argv, RedisValue& out, std::string& err);
bool redis_eval(RedisScript s, const std::vector<std::string>& keys,
                const std::vector<std::string>& args, RedisValue& out, std::string& err);

// The circuit breaker (host-wide when this process joined its group): true while Redis is being
// skipped after a timeout (err says so, for how long).
bool redis_breaker_open(std::string& err);

// Statistics of this process (wincache_extra_info()['redis']).
struct RedisCounters {
  std::uint64_t connects = 0, connect_failures = 0, commands = 0, errors = 0, reloads = 0;
};
const RedisCounters& redis_counters();
void redis_extra_info(zval* out);

ZEND_INI_MH(ini_redis);
void redis_mshutdown();

}  // namespace wcx

#endif
