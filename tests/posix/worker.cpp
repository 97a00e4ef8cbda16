// tests/posix/worker.cpp: the helper process the real-process tests fork/exec.
//
//   posix_worker <command> <group> [key=value ...]
//
// <group> is a group name, or "ppid:<salt>" for group_name(parent pid, "", salt): the name a
// real worker of a php-cgi / php-fpm parent would compute. Reports are single lines on stdout,
// "<tag> key=value ...", flushed at once; "ready ..." means the worker reached the state the test
// waits for (it then sleeps until killed), "result ..." is its last word before a normal exit.
//
// Commands (see test_posix_processes.cpp for what each test makes of them):
//   hammer        ms=, min_ops=, seed=, idx=   attach kData, report ready, wait for one byte on
//                              stdin, then for ms milliseconds AND at least min_ops operations
//                              store/remove values (keys below kTable - 4) under the write lock and
//                              verify every live value under the read lock (the first operation is
//                              a write, the second a read); then store a marker value at key
//                              kTable - 1 - idx, report "stored", wait for a second byte, and
//                              verify every value, counting the other workers' markers; detach and
//                              leave
//   hold-write    fill=        store fill values, take the write lock, ready, sleep
//   hold-read     fill=        store fill values, take a read lock, ready, sleep
//   read-hold-check fill=      store fill values, take a read lock, note the table, ready, wait
//                              for a byte on stdin, report how many table words changed under the
//                              read hold and how many values are bad, release, leave
//   store         key=, seed=, len=   take the write lock, store one value, report how many read
//                              holds OTHER processes have while we hold it (none: RW-1), release
//   mid-txn       fill=        store fill values, take the write lock, open a transaction, alloc
//                              and half-write a value, journal its table entry, remove a committed
//                              value, ready, sleep (the transaction stays open)
//   check         mode=write|read, announce=0|1   acquire (after saying "acquiring" when
//                              announce=1), recover if told owner_died, verify, report, release
//   scope         block=0|1, marker=   attach kFixed (after occupying its recorded address when
//                              block=1) and report the scope and what the content holds
//   attach-hold   kind=        attach, ready, sleep
//   probe                      report what the group holds before attaching, attach kData, report
//   join-report                join (which reaps the dead) and report use counts and objects
//   hold-registry orphan=      optionally create an unpublished segment object (an orphan), take
//                              the REGISTRY lock, ready, sleep
//   attach-no-fds              attach kData with RLIMIT_NOFILE exhausted, report, _Exit
//   leave-pausing  after=0|1   join, ready, wait for a byte on stdin, leave, stopping itself
//                              (SIGSTOP) right before the registry unlink (and, after=1, right
//                              after it too)
//
// Exit codes: 0 fine, 2 usage, 3 join failed, 4 attach failed, 5 no allocator in the segment,
// 10 a value failed its checksum, 11 an invariant failed, 12 an unexpected lock result,
// 13 another failure. Every failure also prints "error ..." on stdout.
#include <signal.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>

#include "common.hpp"

namespace {

using namespace pt;

std::map<std::string, std::string> g_opts;

u64 opt(const char* k, u64 dflt) {
  const auto it = g_opts.find(k);
  return it == g_opts.end() ? dflt : std::strtoull(it->second.c_str(), nullptr, 0);
}
std::string opt_s(const char* k, const char* dflt) {
  const auto it = g_opts.find(k);
  return it == g_opts.end() ? dflt : it->second;
}

[[noreturn]] void die(int code, const std::string& why) {
  std::printf("error code=%d %s\n", code, why.c_str());
  std::fflush(stdout);
  std::_Exit(code);
}

void say(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void say(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  std::vprintf(fmt, ap);
  va_end(ap);
  std::printf("\n");
  std::fflush(stdout);
}

[[noreturn]] void sleep_until_killed() {
  for (;;) ::pause();
}

std::string names(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& n : v) s += (s.empty() ? "" : ",") + n;
  return s.empty() ? "-" : s;
}

std::string no_spaces(std::string s) {
  for (char& c : s)
    if (c == ' ') c = '_';
  return s;
}

struct Worker {
  wc::PosixOs os;
  std::string group;
  Group g;
  explicit Worker(const std::string& name) : group(name), g(os, name, kinds(), init_content) {
    const auto s = g.join();
    if (s != Group::Status::ok)
      die(3, std::string("join=") + status_name(s) + " errno=" + std::to_string(os.last_error()));
  }
  View attach(unsigned kind) {
    const auto s = g.attach(kind);
    if (s != Group::Status::ok)
      die(4, std::string("attach=") + status_name(s) + " errno=" + std::to_string(os.last_error()));
    View v = view_of(g, kind);
    if (!v) die(5, "no allocator header in the segment");
    return v;
  }
  unsigned slot() const { return g.slot_index(); }
};

void lock_ok(const View& v) {
  const auto r = v.d->lock.lock();
  if (r != wc::Acquire::ok) die(12, std::string("lock=") + acquire_name(r));
  if (v.h->needs_recovery()) die(11, "a transaction is open under a consistent lock");
}

// `n` committed values, keys 0..n-1, each in its own transaction.
void fill(const View& v, unsigned n) {
  for (unsigned k = 0; k < n && k < kTable; ++k) {
    lock_ok(v);
    v.h->begin();
    if (!store_value(v, k, 0x5eed0000u + k, 100 + 13 * k)) die(13, "fill: heap full");
    v.h->commit();
    v.d->lock.unlock();
  }
}

constexpr unsigned kMarkers = 4;  // hammer: keys kTable-4 .. kTable-1 hold one marker per worker

int cmd_hammer(Worker& w) {
  const View v = w.attach(kData);
  const u64 ms = opt("ms", 1500);
  const u64 min_ops = opt("min_ops", 200);
  const unsigned idx = unsigned(opt("idx", 0));
  if (idx >= kMarkers) die(2, "idx must be below 4");
  const u64 me = u64(::getpid());
  std::mt19937_64 rng(opt("seed", me));
  std::mt19937_64 kind(opt("seed", me) ^ 0x9e3779b97f4a7c15ull);  // the op kinds: its own stream
  say("ready slot=%u", w.slot());
  char go;
  if (::read(0, &go, 1) != 1) die(13, "no go byte on stdin");
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  u64 ops = 0, writes = 0, reads = 0, stores = 0, removes = 0, full = 0, foreign = 0, counter = 0;
  // Time only makes the run longer (more interleavings); the counts that are checked come from
  // min_ops and the first two operations, whatever the machine's speed.
  for (; ops < min_ops || std::chrono::steady_clock::now() < until; ++ops) {
    const bool write = ops == 0 || (ops != 1 && kind() % 4 == 0);
    if (write) {
      lock_ok(v);
      v.h->begin();
      const unsigned key = unsigned(rng() % (kTable - kMarkers));
      if (v.d->table[key] != 0 && rng() % 3 == 0) {
        if (!remove_value(v, key)) die(11, "remove refused");
        ++removes;
      } else if (store_value(v, key, (me << 32) | ++counter, rng() % 1200)) {
        ++stores;
      } else {
        ++full;
      }
      v.h->commit();
      if (++writes % 8 == 0) {
        if (const char* bad = v.h->violation()) die(11, no_spaces(bad));
        const Census c = census(v);
        if (c.bad) die(10, "writer found " + std::to_string(c.bad) + " bad values");
        if (v.h->stats().used_blocks != c.live) die(11, "used_blocks != live values");
      }
      if (!v.d->lock.unlock()) die(12, "unlock refused");
    } else {
      const auto r = v.d->lock.lock_shared(w.slot());
      if (r != wc::Acquire::ok) die(12, std::string("lock_shared=") + acquire_name(r));
      const Census c = census(v);
      if (c.bad) die(10, "reader found " + std::to_string(c.bad) + " bad values");
      if (v.h->stats().used_blocks != c.live) die(11, "used_blocks != live values (reader)");
      if (++reads % 8 == 0)
        if (const char* bad = v.h->violation()) die(11, no_spaces(bad));
      for (unsigned k = 0; k < kTable; ++k) {
        const u64 p = v.d->table[k];
        if (p && (reinterpret_cast<const ValueHead*>(v.base + p)->seed >> 32) != me) ++foreign;
      }
      if (!v.d->lock.unlock_shared(w.slot())) die(12, "unlock_shared refused");
    }
  }
  // The marker: a value of ours that only we write, for every other worker to verify.
  const unsigned mine = kTable - 1 - idx;
  lock_ok(v);
  v.h->begin();
  if (!store_value(v, mine, (me << 32) | 0x3a3a3a3au, 100 + 7 * idx)) die(13, "marker: heap full");
  v.h->commit();
  if (!v.d->lock.unlock()) die(12, "unlock refused");
  say("stored key=%u", mine);
  if (::read(0, &go, 1) != 1) die(13, "no verify byte on stdin");
  unsigned markers = 0;
  {
    const auto r = v.d->lock.lock_shared(w.slot());
    if (r != wc::Acquire::ok) die(12, std::string("lock_shared=") + acquire_name(r));
    const Census c = census(v);
    if (c.bad) die(10, "final check found " + std::to_string(c.bad) + " bad values");
    for (unsigned k = kTable - kMarkers; k < kTable; ++k) {
      const u64 p = v.d->table[k];
      if (k == mine) {
        if (!p || !verify_value(v, k, p)) die(10, "our own marker is gone or bad");
      } else if (p && verify_value(v, k, p) &&
                 (reinterpret_cast<const ValueHead*>(v.base + p)->seed >> 32) != me) {
        ++markers;
      }
    }
    if (!v.d->lock.unlock_shared(w.slot())) die(12, "unlock_shared refused");
  }
  if (!v.d->lock.check_invariants()) die(11, "lock invariants");
  w.g.detach(kData);
  w.g.leave();
  say("result ops=%llu writes=%llu reads=%llu stores=%llu removes=%llu full=%llu foreign=%llu "
      "markers=%u",
      (unsigned long long)ops, (unsigned long long)writes, (unsigned long long)reads,
      (unsigned long long)stores, (unsigned long long)removes, (unsigned long long)full,
      (unsigned long long)foreign, markers);
  return 0;
}

int cmd_hold_write(Worker& w) {
  const View v = w.attach(kData);
  fill(v, unsigned(opt("fill", 0)));
  lock_ok(v);
  say("ready live=%u used=%llu", census(v).live, (unsigned long long)v.h->stats().used_blocks);
  sleep_until_killed();
}

int cmd_hold_read(Worker& w) {
  const View v = w.attach(kData);
  fill(v, unsigned(opt("fill", 0)));
  const auto r = v.d->lock.lock_shared(w.slot());
  if (r != wc::Acquire::ok) die(12, std::string("lock_shared=") + acquire_name(r));
  say("ready live=%u slot=%u readers=%u", census(v).live, w.slot(),
      v.d->lock.readers_in(w.slot()));
  sleep_until_killed();
}

// A read hold that checks what it reads: the table words it noted before `ready` must be the
// same after the test's byte (a writer cannot have been inside meanwhile, RW-1).
int cmd_read_hold_check(Worker& w) {
  const View v = w.attach(kData);
  fill(v, unsigned(opt("fill", 0)));
  const auto r = v.d->lock.lock_shared(w.slot());
  if (r != wc::Acquire::ok) die(12, std::string("lock_shared=") + acquire_name(r));
  u64 before[kTable];
  for (unsigned k = 0; k < kTable; ++k) before[k] = v.d->table[k];
  say("ready live=%u slot=%u", census(v).live, w.slot());
  char go;
  if (::read(0, &go, 1) != 1) die(13, "no byte on stdin");
  unsigned changed = 0;
  for (unsigned k = 0; k < kTable; ++k) changed += v.d->table[k] != before[k];
  const Census c = census(v);
  if (!v.d->lock.unlock_shared(w.slot())) die(12, "unlock_shared refused");
  say("result changed=%u live=%u bad=%u", changed, c.live, c.bad);
  w.g.detach(kData);
  w.g.leave();
  return 0;
}

// One store under the write lock; `inside`: the read holds other processes have while we hold
// the write lock (0 with a lock that drains readers, RW-1).
int cmd_store(Worker& w) {
  const View v = w.attach(kData);
  const unsigned key = unsigned(opt("key", 0));
  if (key >= kTable) die(2, "key out of range");
  const auto r = v.d->lock.lock();
  if (r != wc::Acquire::ok) die(12, std::string("lock=") + acquire_name(r));
  unsigned inside = 0;
  for (unsigned i = 0; i < Lock::kSlots; ++i)
    if (i != w.slot()) inside += v.d->lock.readers_in(i);
  v.h->begin();
  const bool stored = store_value(v, key, opt("seed", 0x5707e), opt("len", 64));
  v.h->commit();
  if (!v.d->lock.unlock()) die(12, "unlock refused");
  say("result acquire=%s inside=%u stored=%d", acquire_name(r), inside, int(stored));
  w.g.detach(kData);
  w.g.leave();
  return 0;
}

int cmd_mid_txn(Worker& w) {
  const View v = w.attach(kData);
  const unsigned n = unsigned(opt("fill", 20));
  if (n < 4 || n > 200) die(2, "mid-txn needs 4 <= fill <= 200");
  fill(v, n);
  lock_ok(v);
  const Census before = census(v);
  const u64 used = v.h->stats().used_blocks;
  v.h->begin();
  // A new value, half written, its table entry journaled...
  const u64 p = v.h->alloc(kValueHead + 600);
  if (p == 0) die(13, "alloc failed");
  write_value(v, p, 200, 0xdeadbeef, 600, /*upto=*/300);
  if (!v.h->logged_put(v.table_off(200), p)) die(13, "logged_put refused");
  // ...and a committed value removed (its block freed and merged) in the same transaction.
  if (!remove_value(v, 3)) die(13, "remove refused");
  v.h->logged_put(v.off_of(&v.d->stores), v.d->stores + 1);
  say("ready used=%llu live=%u open=%d journal=%u used_now=%llu", (unsigned long long)used,
      before.live, int(v.h->needs_recovery()), v.h->journal_entries(),
      (unsigned long long)v.h->stats().used_blocks);
  sleep_until_killed();
}

int cmd_check(Worker& w) {
  const View v = w.attach(kData);
  const bool read = opt_s("mode", "write") == "read";
  if (opt("announce", 0)) say("acquiring slot=%u", w.slot());
  const auto t0 = std::chrono::steady_clock::now();
  const wc::Acquire r = read ? v.d->lock.lock_shared(w.slot()) : v.d->lock.lock();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - t0)
                      .count();
  if (r == wc::Acquire::would_block || r == wc::Acquire::misuse)
    die(12, std::string("acquire=") + acquire_name(r));
  const bool exclusive = !(read && r == wc::Acquire::ok);
  const bool needs = v.h->needs_recovery();
  bool recovered = false;
  if (r == wc::Acquire::owner_died || r == wc::Acquire::broken) {
    if (needs) {
      v.h->recover();
      recovered = true;
    }
    if (!v.d->lock.mark_consistent()) die(12, "mark_consistent refused");
  }
  const char* heap_bad = v.h->violation();
  const bool lock_good = v.d->lock.check_invariants();
  const Census c = census(v);
  const u64 used = v.h->stats().used_blocks;
  const bool released = exclusive ? v.d->lock.unlock() : v.d->lock.unlock_shared(w.slot());
  say("result acquire=%s ms=%lld needs_recovery=%d recovered=%d open_after=%d heap=%s lock_ok=%d "
      "live=%u bad=%u used=%llu takeovers=%u reaped=%u released=%d state=%u t200=%llu",
      acquire_name(r), (long long)ms, int(needs), int(recovered), int(v.h->needs_recovery()),
      heap_bad ? no_spaces(heap_bad).c_str() : "ok", int(lock_good), c.live, c.bad,
      (unsigned long long)used, v.d->lock.writer_takeovers(), v.d->lock.reaped_readers(),
      int(released), unsigned(v.d->lock.state()), (unsigned long long)v.d->table[200]);
  w.g.detach(kData);
  w.g.leave();
  return 0;
}

int cmd_scope(Worker& w) {
  std::string blocked = "no";
  if (opt("block", 0)) {
    const u64 fb = w.g.registry()->entries_[kFixed].fixed_base.load();
    if (fb == 0 || w.g.current_generation(kFixed) == 0) die(13, "no fixed segment to block");
    void* r = ::mmap(reinterpret_cast<void*>(fb), kSegSize, PROT_NONE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (r == reinterpret_cast<void*>(fb))
      blocked = "mapped";
    else if (r == MAP_FAILED && errno == EEXIST)
      blocked = "taken";  // something of ours already sits there: just as blocked
    else
      die(13, "could not occupy the fixed range");
  }
  const View v = w.attach(kFixed);
  const wc::Scope s = w.g.scope(kFixed);
  int marker_ok = -1, local_ok = -1;
  if (s == wc::Scope::global) {
    const auto r = v.d->lock.lock_shared(w.slot());
    if (r != wc::Acquire::ok) die(12, std::string("lock_shared=") + acquire_name(r));
    const u64 p = v.d->table[0];
    marker_ok = p != 0 && verify_value(v, 0, p) &&
                reinterpret_cast<const ValueHead*>(v.base + p)->seed == opt("marker", 0);
    v.d->lock.unlock_shared(w.slot());
  } else {
    // A fresh private copy: empty, and a working heap under its own lock.
    local_ok = v.d->table[0] == 0;
    lock_ok(v);
    v.h->begin();
    local_ok = local_ok && store_value(v, 0, 0x10ca1, 77);
    v.h->commit();
    local_ok = local_ok && verify_value(v, 0, v.d->table[0]) && v.h->check_invariants();
    v.d->lock.unlock();
  }
  say("result scope=%s base=%p fixed_base=0x%llx use_count=%u marker_ok=%d local_ok=%d "
      "blocked=%s generation=%llu",
      scope_name(s), w.g.base(kFixed),
      (unsigned long long)w.g.registry()->entries_[kFixed].fixed_base.load(),
      w.g.use_count(kFixed), marker_ok, local_ok, blocked.c_str(),
      (unsigned long long)w.g.generation(kFixed));
  w.g.leave();
  return 0;
}

int cmd_attach_hold(Worker& w) {
  const unsigned kind = unsigned(opt("kind", kData));
  w.attach(kind);
  say("ready gen=%llu slot=%u use_count=%u", (unsigned long long)w.g.generation(kind), w.slot(),
      w.g.use_count(kind));
  sleep_until_killed();
}

int cmd_probe(Worker& w) {
  say("seen group=%s use_count0=%u gen0=%llu", w.group.c_str(), w.g.use_count(kData),
      (unsigned long long)w.g.current_generation(kData));
  w.attach(kData);
  const u64 gen = w.g.generation(kData);
  say("result group=%s created_gen=%llu segment=%s use_count0=%u listed=%s", w.group.c_str(),
      (unsigned long long)gen, wc::segment_name(w.group, kData, gen).c_str(),
      w.g.use_count(kData), names(w.os.list(w.group + "_")).c_str());
  w.g.leave();
  return 0;
}

int cmd_join_report(Worker& w) {
  say("result use_count0=%u gen0=%llu objects=%s", w.g.use_count(kData),
      (unsigned long long)w.g.current_generation(kData), names(w.os.list(w.group + "_")).c_str());
  w.g.leave();
  return 0;
}

// Attach with no file descriptor left (RLIMIT_NOFILE at the descriptors already open): the
// kernel refuses openat with EMFILE, which is not "the segment is gone".
int cmd_attach_no_fds(Worker& w) {
  int lowest_free = 0;  // open() returns the lowest free descriptor: make it over the limit
  while (::fcntl(lowest_free, F_GETFD) != -1) ++lowest_free;
  const rlimit lim{rlim_t(lowest_free), rlim_t(lowest_free)};
  if (::setrlimit(RLIMIT_NOFILE, &lim) != 0) die(13, "setrlimit");
  const auto s = w.g.attach(kData);
  say("result attach=%s errno=%d gen0=%llu", status_name(s), w.os.last_error(),
      (unsigned long long)w.g.current_generation(kData));
  std::_Exit(0);  // leave() would need no descriptor, but keep the experiment minimal
}

// The last member leaves, but stops itself (SIGSTOP) just before it unlinks the registry, i.e.
// after it released the registry lock: the window in which another process may join.
// With after=1 it stops a second time right after the unlink (still holding the lock).
struct PausingOs : wc::PosixOs {
  bool stop_after = false;
  void remove(const std::string& name) {
    const bool reg = name.size() > 4 && name.compare(name.size() - 4, 4, "_reg") == 0;
    if (reg) {
      say("unlinking %s", name.c_str());
      ::raise(SIGSTOP);
    }
    wc::PosixOs::remove(name);
    if (reg && stop_after) {
      say("unlinked %s", name.c_str());
      ::raise(SIGSTOP);
    }
  }
};

int cmd_leave_pausing(const std::string& group) {
  PausingOs os;
  os.stop_after = opt("after", 0) != 0;
  wc::Group<Prim, PausingOs> g(os, group, kinds(), init_content);
  if (g.join() != wc::Group<Prim, PausingOs>::Status::ok) die(3, "join");
  say("ready slot=%u", g.slot_index());
  char go;
  if (::read(0, &go, 1) != 1) die(13, "no go byte on stdin");
  g.leave();
  say("result left=1");
  return 0;
}

int cmd_hold_registry(Worker& w) {
  if (const u64 orphan = opt("orphan", 0)) {
    auto m = w.os.open(wc::segment_name(w.group, kData, orphan), kSegSize, true, nullptr);
    if (!m.base) die(13, "could not create the orphan");
    w.os.close(m);
  }
  const auto r = w.g.registry()->lock_.lock();
  say("ready acquire=%s", acquire_name(r));
  sleep_until_killed();
}

}  // namespace

int main(int argc, char** argv) {
  ::alarm(60);  // a worker left behind by a wedged test dies on its own
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s <command> <group> [key=value ...]\n", argv[0]);
    return 2;
  }
  for (int i = 3; i < argc; ++i) {
    const std::string a = argv[i];
    const auto eq = a.find('=');
    if (eq == std::string::npos) die(2, "bad option " + a);
    g_opts[a.substr(0, eq)] = a.substr(eq + 1);
  }
  const std::string cmd = argv[1];
  std::string group = argv[2];
  if (group.compare(0, 5, "ppid:") == 0)
    group = wc::group_name(Prim::parent_pid(), "", group.substr(5));
  if (cmd == "leave-pausing") return cmd_leave_pausing(group);
  Worker w(group);
  if (cmd == "hammer") return cmd_hammer(w);
  if (cmd == "hold-write") return cmd_hold_write(w);
  if (cmd == "hold-read") return cmd_hold_read(w);
  if (cmd == "read-hold-check") return cmd_read_hold_check(w);
  if (cmd == "store") return cmd_store(w);
  if (cmd == "mid-txn") return cmd_mid_txn(w);
  if (cmd == "check") return cmd_check(w);
  if (cmd == "scope") return cmd_scope(w);
  if (cmd == "attach-hold") return cmd_attach_hold(w);
  if (cmd == "probe") return cmd_probe(w);
  if (cmd == "join-report") return cmd_join_report(w);
  if (cmd == "hold-registry") return cmd_hold_registry(w);
  if (cmd == "attach-no-fds") return cmd_attach_no_fds(w);
  die(2, "unknown command " + cmd);
}
