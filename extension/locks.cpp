// extension/locks.cpp: wincache_lock / wincache_unlock, on the core's named-lock table
// (core/named_lock.hpp) of this process's group (local) or of the machine-wide lock group of
// this user (isglobal).
//
//   - A lock either excludes across the group or is refused: a process that could not map its
//     group's lock table gets false and a warning naming the reason, never a private table.
//   - A wait is bounded by wall-clock time: wincache.locktimeout seconds, and never past the
//     request's max_execution_time counted as wall time (on Linux PHP counts CPU time, which a
//     sleeping waiter does not use). Past it: false and a warning. A holder that died is replaced
//     at the next poll (NL-2).
//   - A lock the script forgot is released after the request's last user code: in
//     post-deactivate, after every module's RSHUTDOWN (the session module writes the session in
//     its RSHUTDOWN, through a user handler that may lock in read() and unlock in write(), or
//     lock in write()). It is logged.
#include <cstring>
#include <string>
#include <vector>

#include "features.hpp"

extern "C" {
#include "SAPI.h"
#include "php_main.h"
#include "zend_exceptions.h"
}

namespace wcx {
namespace {

constexpr std::size_t kMaxLockKey = 150;

struct HeldLock {
  std::string key;
  bool global;
};

struct LocksState {
  zend_long timeout_s = 60;  // wincache.locktimeout
  std::vector<HeldLock> held;
};
LocksState ls;

Domain* domain_of(bool global) { return global ? joined_global() : joined_local(); }

void release_held(const HeldLock& h) {
  Domain* d = domain_of(h.global);
  if (d && d->locks()) d->locks()->release(h.key.data(), h.key.size());
}

void release_all(bool log) {
  for (const auto& h : ls.held) {
    if (log) {
      const std::string msg = "PHP Warning:  wincache_lock: the lock '" + h.key.substr(0, kMaxLockKey) +
                              "' was not released by the script; released at request end";
      php_log_err_with_severity(const_cast<char*>(msg.c_str()), LOG_WARNING);
    }
    release_held(h);
  }
  ls.held.clear();
}

// The wall-clock deadline of a wait that starts now (ms since the epoch): wincache.locktimeout,
// and no later than what is left of max_execution_time, spent as wall time.
std::uint64_t deadline_ms() {
  const std::uint64_t now = now_ms();
  std::uint64_t bound = std::uint64_t(ls.timeout_s > 0 ? ls.timeout_s : 1) * 1000;
  const std::uint64_t left =
      time_limit_left_ms(std::uint64_t(EG(timeout_seconds)), sapi_get_request_time());
  if (left != 0 && left < bound) bound = left;
  return now + bound;
}

void lock(INTERNAL_FUNCTION_PARAMETERS) {
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
  if (redis_locks_on()) RETURN_BOOL(redis_lock(k, n, deadline_ms()));  // ucache_redis.cpp
  Domain* d = isglobal ? global_domain() : local_domain();
  if (!d) RETURN_FALSE;
  if (!d->locks()) {
    php_error_docref(nullptr, E_WARNING,
                     "the lock '%s' is not taken: this process cannot use its group's shared "
                     "lock table (%s)",
                     k, d->why_no_locks().c_str());
    RETURN_FALSE;
  }
  for (const auto& h : ls.held)
    if (h.global == isglobal && h.key.size() == n && std::memcmp(h.key.data(), k, n) == 0)
      RETURN_FALSE;  // this process holds it already
  // Room to record the hold, made BEFORE acquiring: recording it must not fail afterwards (a
  // lock taken and not recorded would be released only by this process's death).
  HeldLock h{std::string(k, n), isglobal};
  ls.held.reserve(ls.held.size() + 1);
  const std::uint64_t until = deadline_ms();
  bool out_of_time = false;
  const wc::NamedLock r = d->locks()->acquire(k, n, [&] {
    if (zend_atomic_bool_load(&EG(timed_out)) || EG(exception)) return true;
    out_of_time = now_ms() >= until;
    return out_of_time;
  });
  if (r == wc::NamedLock::acquired || r == wc::NamedLock::taken_over) {
    ls.held.push_back(std::move(h));  // no allocation: reserved above
    RETURN_TRUE;
  }
  if (r == wc::NamedLock::full)
    php_error_docref(nullptr, E_WARNING, "too many locks are held at once");
  if (r == wc::NamedLock::interrupted && out_of_time)
    php_error_docref(nullptr, E_WARNING,
                     "gave up waiting for the lock '%s' (wincache.locktimeout or "
                     "max_execution_time reached)",
                     k);
  RETURN_FALSE;
}

void unlock(INTERNAL_FUNCTION_PARAMETERS) {
  char* k;
  size_t n;
  ZEND_PARSE_PARAMETERS_START(1, 1)
    Z_PARAM_STRING(k, n)
  ZEND_PARSE_PARAMETERS_END();
  if (n > kMaxLockKey) {
    php_error_docref(nullptr, E_WARNING, "lock key should be less than 150 characters");
    RETURN_FALSE;
  }
  if (redis_locks_on()) RETURN_BOOL(redis_unlock(k, n));  // ucache_redis.cpp
  for (auto it = ls.held.begin(); it != ls.held.end(); ++it) {
    if (it->key.size() == n && std::memcmp(it->key.data(), k, n) == 0) {
      release_held(*it);
      ls.held.erase(it);
      RETURN_TRUE;
    }
  }
  RETURN_FALSE;
}

}  // namespace

ZEND_INI_MH(ini_locktimeout) {
  const zend_long v = ZEND_STRTOL(ZSTR_VAL(new_value), nullptr, 10);
  ls.timeout_s = v < 1 ? 1 : v > 86400 ? 86400 : v;
  return SUCCESS;
}

void locks_post_deactivate() {
  try {
    if (redis_locks_on()) redis_locks_release_all(/*log=*/true);
    release_all(/*log=*/true);
  } catch (...) {  // a log line could not be built: release what is left, silently
    for (const auto& h : ls.held) release_held(h);
    ls.held.clear();
  }
}

void locks_process_end() {
  for (const auto& h : ls.held) release_held(h);
  ls.held.clear();
}

void locks_after_fork() {
  ls.held.clear();
  redis_locks_after_fork();
}

std::size_t locks_held() { return ls.held.size(); }

}  // namespace wcx

PHP_FUNCTION(wincache_lock) { WCX_GUARDED(wcx::lock(INTERNAL_FUNCTION_PARAM_PASSTHRU)) }
PHP_FUNCTION(wincache_unlock) { WCX_GUARDED(wcx::unlock(INTERNAL_FUNCTION_PARAM_PASSTHRU)) }
