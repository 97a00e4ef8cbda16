// extension/near_listener.cpp: the near cache's invalidation listener, one per host (group).
//
// A worker that finds the host untrusted and no live listener (near_area.hpp's `listener` names a
// dead process, or nobody) claims the slot and double-forks one. The listener never returns
// into PHP: it closes every inherited descriptor (the FastCGI sockets, the worker's own Redis
// connection), runs the loop below over the already-mapped near area, and _exit()s when the
// process that anchors it is gone (the php-fpm master; the process itself under the CLI) or
// when another listener took the slot over.
//
// Two RESP2 connections (hiredis 0.14 has no RESP3 push):
//   I  CLIENT ID, then SUBSCRIBE __redis__:invalidate;
//   T  CLIENT TRACKING ON REDIRECT <I> BCAST PREFIX APP:u:, then every H = D/4 ms a canary
//      (SET APP:u:__wincache_canary__:<id>:<seq> PX) and CLIENT TRACKINGINFO (broken_redirect
//      is a doubt: RESP2 gets no other sign of it).
// Invalidations bump the stripe of each key (N2); a null one (FLUSHDB/FLUSHALL in any db) bumps
// the epoch (N8). The heartbeat is the time a canary was SENT, stored when its invalidation came
// back on I: everything written before that instant has been applied (N4). Any doubt (I or T
// lost or failing, a canary not back within D, broken_redirect) clears `trusted` and bumps the
// epoch before anything else; trust returns only after reconnecting, resubscribing,
// re-registering and one canary round trip, with one more epoch bump just before it (values
// read from Redis while invalidations could not arrive are never served) (N3).
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <cstring>
#include <string>

#include "features.hpp"

#include "redis.hpp"
#include "zerocopy.hpp"

#ifdef WINCACHE_HAVE_HIREDIS
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include <hiredis/hiredis.h>

namespace wcx {
namespace {

struct Listener {
  NearArea* a;
  RedisEndpoint e;
  std::uint64_t anchor;  // proc_id whose end ends the listener
  std::uint64_t me = 0;
  redisContext* in = nullptr;  // I
  redisContext* tr = nullptr;  // T
  std::string canary_prefix;   // APP:u:__wincache_canary__:<id>:
  std::uint64_t seq = 0;
  std::uint64_t pending_seq = 0, pending_sent = 0;  // the canary in flight (0: none)
  std::uint64_t next_canary = 0, last_alive_check = 0;
  bool registered = false;
  bool exiting = false;        // sticky: once the anchor is gone or the slot taken over
  std::uint64_t last_tick = 0;  // mono_ms() of the loop's last pass (a stop or starvation past D)

  std::uint64_t D() const { return e.staleness_ms; }
  std::uint64_t H() const { return e.staleness_ms / 4 > 10 ? e.staleness_ms / 4 : 10; }

  void close_all() {
    last_tick = 0;
    if (in) redisFree(in);
    if (tr) redisFree(tr);
    in = tr = nullptr;
    registered = false;
    pending_seq = 0;
  }
  // N3: untrusted and a new epoch before anything else.
  void doubt() {
    a->trusted.store(0);
    a->epoch.fetch_add(1);
    a->doubts.fetch_add(1, std::memory_order_relaxed);
    a->flushes.fetch_add(1, std::memory_order_relaxed);
    close_all();
  }
  bool should_exit() {
    if (exiting) return true;
    if (a->listener.load() != me) return exiting = true;
    const std::uint64_t now = mono_ms();
    if (now - last_alive_check >= 200) {
      last_alive_check = now;
      if (!Prim::alive(anchor)) return exiting = true;
    }
    return false;
  }
  redisContext* open() {
    timeval ct{long(e.connect_timeout_s), long((e.connect_timeout_s - double(long(e.connect_timeout_s))) * 1e6)};
    redisContext* c = e.unix_path.empty() ? redisConnectWithTimeout(e.host.c_str(), e.port, ct)
                                          : redisConnectUnixWithTimeout(e.unix_path.c_str(), ct);
    if (!c || c->err) {
      if (c) redisFree(c);
      return nullptr;
    }
    timeval rt{long(e.read_timeout_s), long((e.read_timeout_s - double(long(e.read_timeout_s))) * 1e6)};
    redisSetTimeout(c, rt);
    if (e.unix_path.empty()) redisEnableKeepAlive(c);
    return c;
  }
  // One command on T; false on any failure or error reply. *out (if given) keeps the reply.
  bool t_command(const char* fmt, redisReply** out, const char* a1 = nullptr, std::size_t l1 = 0) {
    redisReply* r = static_cast<redisReply*>(a1 ? redisCommand(tr, fmt, a1, l1) : redisCommand(tr, fmt));
    if (!r) return false;
    if (r->type == REDIS_REPLY_ERROR) {
      freeReplyObject(r);
      return false;
    }
    if (out) *out = r;
    else freeReplyObject(r);
    return true;
  }
  bool connect_both() {
    in = open();
    tr = open();
    if (!in || !tr) return false;
    redisReply* r = static_cast<redisReply*>(redisCommand(in, "CLIENT ID"));
    if (!r || r->type != REDIS_REPLY_INTEGER) {
      if (r) freeReplyObject(r);
      return false;
    }
    const long long id = r->integer;
    freeReplyObject(r);
    r = static_cast<redisReply*>(redisCommand(in, "SUBSCRIBE __redis__:invalidate"));
    if (!r || r->type != REDIS_REPLY_ARRAY) {
      if (r) freeReplyObject(r);
      return false;
    }
    freeReplyObject(r);
    if (e.db != 0) {
      char sel[32];
      snprintf(sel, sizeof sel, "SELECT %d", e.db);
      if (!t_command(sel, nullptr)) return false;
    }
    const std::string prefix = e.prefix + ":u:";
    char cmd[64];
    snprintf(cmd, sizeof cmd, "CLIENT TRACKING ON REDIRECT %lld BCAST PREFIX %%b", id);
    if (!t_command(cmd, nullptr, prefix.data(), prefix.size())) return false;
    registered = true;
    return true;
  }
  bool send_canary() {
    const std::uint64_t s = ++seq;
    const std::string key = canary_prefix + std::to_string(s);
    const std::uint64_t sent = mono_ms();
    redisReply* r = static_cast<redisReply*>(
        redisCommand(tr, "SET %b 1 PX %llu", key.data(), key.size(),
                     static_cast<unsigned long long>(D() * 4 + 1000)));
    if (!r || r->type == REDIS_REPLY_ERROR) {
      if (r) freeReplyObject(r);
      return false;
    }
    freeReplyObject(r);
    if (pending_seq == 0) {  // the one in flight keeps its deadline
      pending_seq = s;
      pending_sent = sent;
    }
    a->canaries.fetch_add(1, std::memory_order_relaxed);
    next_canary = sent + H();
    // RESP2 gets no sign of a broken redirect but this flag.
    redisReply* info = nullptr;
    if (!t_command("CLIENT TRACKINGINFO", &info)) return false;
    bool broken = false;
    if (info->type == REDIS_REPLY_ARRAY)
      for (std::size_t i = 0; i + 1 < info->elements; i += 2) {
        const redisReply* k = info->element[i];
        const redisReply* v = info->element[i + 1];
        if (k->type == REDIS_REPLY_STRING && std::strcmp(k->str, "flags") == 0 &&
            v->type == REDIS_REPLY_ARRAY)
          for (std::size_t j = 0; j < v->elements; ++j)
            if (v->element[j]->type == REDIS_REPLY_STRING &&
                std::strcmp(v->element[j]->str, "broken_redirect") == 0)
              broken = true;
      }
    freeReplyObject(info);
    return !broken;
  }
  void on_key(const char* k, std::size_t n) {
    const std::size_t cp = canary_prefix.size();
    if (n > cp && std::memcmp(k, canary_prefix.data(), cp) == 0) {
      const std::uint64_t s = std::strtoull(std::string(k + cp, n - cp).c_str(), nullptr, 10);
      if (pending_seq != 0 && s >= pending_seq) {
        if (a->trusted.load() == 0) {
          a->epoch.fetch_add(1);  // nothing read while invalidations could not arrive survives
          a->heartbeat_ms.store(pending_sent);
          a->trusted.store(1);
        } else {
          a->heartbeat_ms.store(pending_sent);
        }
        pending_seq = 0;
      }
      return;
    }
    a->stripes[near_stripe(k, n)].fetch_add(1);
    a->invalidations.fetch_add(1, std::memory_order_relaxed);
  }
  // false: not an invalidation message we understand (ignored), or a doubt (returned via *bad).
  void on_message(const redisReply* r) {
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 3) return;
    const redisReply* kind = r->element[0];
    if (kind->type != REDIS_REPLY_STRING || std::strcmp(kind->str, "message") != 0) return;
    const redisReply* p = r->element[2];
    if (p->type == REDIS_REPLY_NIL) {  // FLUSHDB / FLUSHALL anywhere (N8)
      a->epoch.fetch_add(1);
      a->flushes.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    if (p->type == REDIS_REPLY_ARRAY) {
      for (std::size_t i = 0; i < p->elements; ++i)
        if (p->element[i]->type == REDIS_REPLY_STRING) on_key(p->element[i]->str, p->element[i]->len);
    } else if (p->type == REDIS_REPLY_STRING) {
      on_key(p->str, p->len);
    }
  }
  // Reads what I has; false on a lost connection.
  bool drain() {
    if (redisBufferRead(in) != REDIS_OK) return false;
    for (;;) {
      void* rep = nullptr;
      if (redisGetReplyFromReader(in, &rep) != REDIS_OK) return false;
      if (!rep) return true;
      on_message(static_cast<redisReply*>(rep));
      freeReplyObject(rep);
    }
  }

  void run() {
    me = Prim::self();
    a->listener.store(me);
    a->listener_starts.fetch_add(1, std::memory_order_relaxed);
    canary_prefix = e.prefix + ":u:__wincache_canary__:" + std::to_string(Prim::pid()) + "-" +
                    std::to_string(mono_ms()) + ":";
    // A new listener knows nothing of what its predecessor missed.
    a->trusted.store(0);
    a->epoch.fetch_add(1);
    std::uint64_t backoff = 50;
    while (!should_exit()) {
      if (!registered) {
        if (!connect_both() || !send_canary()) {
          doubt();
          const std::uint64_t until = mono_ms() + backoff;
          while (mono_ms() < until && !should_exit()) ::usleep(20000);
          backoff = backoff * 2 > 1000 ? 1000 : backoff * 2;
          continue;
        }
        backoff = 50;
      }
      const std::uint64_t now = mono_ms();
      // The canary's deadline is checked BEFORE what arrived is read: a listener that was
      // stopped (SIGSTOP, starved) past D flushes (N4), whatever it finds waiting.
      const bool stalled = last_tick != 0 && now - last_tick > D();
      last_tick = now;
      if (stalled || (pending_seq != 0 && now - pending_sent > D())) {
        doubt();
        continue;
      }
      if (pending_seq == 0 && now >= next_canary && !send_canary()) {
        doubt();
        continue;
      }
      std::uint64_t wait = 50;
      if (pending_seq != 0) {
        const std::uint64_t dl = pending_sent + D() + 1;
        wait = dl > now ? (dl - now < wait ? dl - now : wait) : 1;
      } else if (next_canary > now && next_canary - now < wait) {
        wait = next_canary - now;
      }
      pollfd pf{in->fd, POLLIN, 0};
      const int n = ::poll(&pf, 1, int(wait));
      if (n < 0 && errno != EINTR) {
        doubt();
        continue;
      }
      if (n > 0 && (pf.revents & (POLLIN | POLLHUP | POLLERR))) {
        if ((pending_seq != 0 && mono_ms() - pending_sent > D()) || mono_ms() - last_tick > D()) {
          doubt();
          continue;
        }
        if (!drain()) doubt();
      }
    }
    close_all();
    // Leaving: the workers see no heartbeat and start another if the group lives on.
    std::uint64_t mine = me;
    a->listener.compare_exchange_strong(mine, 0);
  }
};

void detach_from_worker() {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int s : {SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGCHLD, SIGUSR1, SIGUSR2, SIGALRM, SIGPROF})
    signal(s, SIG_DFL);
  signal(SIGPIPE, SIG_IGN);
  itimerval zero{};
  setitimer(ITIMER_PROF, &zero, nullptr);
  setitimer(ITIMER_REAL, &zero, nullptr);
  long maxfd = sysconf(_SC_OPEN_MAX);
  if (maxfd < 0 || maxfd > 65536) maxfd = 65536;
  for (int fd = 0; fd < int(maxfd); ++fd) ::close(fd);
  const int null = ::open("/dev/null", O_RDWR);
  if (null >= 0) {
    ::dup2(null, 0);
    ::dup2(null, 1);
    ::dup2(null, 2);
    if (null > 2) ::close(null);
  }
}

}  // namespace

bool near_listener_ensure(NearArea* a, std::uint64_t anchor) {
  const std::uint64_t now = mono_ms();
  std::uint64_t last = a->spawn_ms.load(std::memory_order_relaxed);
  if (last != 0 && now - last < 500) return false;
  // One look at /proc per host every 500 ms at most, whoever looks.
  if (!a->spawn_ms.compare_exchange_strong(last, now)) return false;
  std::uint64_t cur = a->listener.load();
  if (cur != 0 && Prim::alive(cur)) return false;
  // The slot is ours to fill: this worker's id until the listener writes its own.
  if (!a->listener.compare_exchange_strong(cur, Prim::self())) return false;
  const RedisEndpoint e = redis_endpoint();
  zc_fork_without_hold(true);  // the listener runs no PHP: no zero-copy fork hold for it
  const pid_t child = ::fork();
  zc_fork_without_hold(false);
  if (child < 0) {
    a->listener.store(0);
    return false;
  }
  if (child == 0) {
    ::setsid();
    if (::fork() != 0) ::_exit(0);
    detach_from_worker();
    // An exception out of the listener (out of process memory) ends it as a death would (the
    // next worker's check starts another; meanwhile this host serves no copy it cannot prove
    // current), not through std::terminate's abort and core dump.
    try {
      Listener l{a, e, anchor};
      l.run();
    } catch (...) {
      ::_exit(1);
    }
    ::_exit(0);
  }
  int st = 0;
  while (::waitpid(child, &st, 0) < 0 && errno == EINTR) {
  }
  return true;
}

}  // namespace wcx

#else

namespace wcx {
bool near_listener_ensure(NearArea*, std::uint64_t) { return false; }
}  // namespace wcx

#endif
