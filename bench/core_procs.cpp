// bench/core_procs.cpp: reader/writer locks hammered by 2 processes at once (outside Google
// Benchmark, which does not fork).
//
//   locks   wc::RwLock<wc::PrimPosix>   the shipped cross-process backend: shared futexes,
//                                       proc_id from /proc (PrimStd cannot be used across fork:
//                                       its ids are per-thread counters a child inherits, and
//                                       its futexes are FUTEX_PRIVATE)
//           pthread_rwlock_t            PTHREAD_PROCESS_SHARED, glibc default (reader-preferring)
//           boost::interprocess::interprocess_sharable_mutex
//           each placed (freshly constructed for every repetition) in one MAP_SHARED anonymous
//           mapping, its own cache line, with the guarded data on another line.
//   mixes   read-only, write-only, 90% read / 10% write (op i of a child writes iff i % 10 == 9).
//   section write: a += 1; b += 1 (two plain words). read: load a and b, and check a == b
//           (a torn read means the lock let a reader and a writer in together: the child fails).
//           After both children exit, the parent checks a == b == the number of writes.
//   timing  fork 2 children; each announces itself, spins until the parent opens the start
//           barrier, takes CLOCK_MONOTONIC, does `ops` acquire/release pairs, takes the clock
//           again. Wall time = last end - first start (both children together), reported as
//           ns per acquire/release pair = wall / (2 * ops); median over the repetitions.
//           Child k is pinned to the k-th CPU the parent may use (sched_setaffinity), so the
//           two run on different CPUs; the CPU share printed per repetition (CPU time of both
//           children / 2 x wall) tells how much of the wall time both were really running.
//   slots   wc::RwLock's lock_shared(slot) takes the caller's reader slot: child k uses slot k.
//   safety  children die with the parent (PR_SET_PDEATHSIG), are always reaped; a child that
//           fails, or a repetition that exceeds its deadline, makes the parent kill (by pid) and
//           reap the other child, then fail loudly.
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <boost/interprocess/sync/interprocess_sharable_mutex.hpp>
#include <cstdint>
#include <cstdio>
#include <new>
#include <string>
#include <vector>

#include "core/rwlock.hpp"
#include "core_common.hpp"
#include "prims/prim_posix.hpp"

namespace bip = boost::interprocess;

namespace bench {
namespace {

using PLock = wc::RwLock<wc::PrimPosix>;
constexpr int kProcs = 2;
constexpr unsigned kBarrierSecs = 30;  // children waiting for the start barrier
constexpr unsigned kRepSecs = 120;     // one repetition, start to reap

std::int64_t clock_ns(clockid_t c) {
  timespec ts;
  clock_gettime(c, &ts);
  return std::int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}
std::int64_t now_ns() { return clock_ns(CLOCK_MONOTONIC); }

int g_cpu[kProcs] = {-1, -1};  // CPU child k is pinned to (-1: not pinned)

struct Shared {
  alignas(64) std::atomic<std::uint32_t> ready;
  std::atomic<std::uint32_t> go;
  alignas(64) std::int64_t start[kProcs];
  std::int64_t end[kProcs];
  std::int64_t cpu[kProcs];  // CPU time each child spent in its loop (CLOCK_PROCESS_CPUTIME_ID)
  std::uint64_t torn[kProcs];
  std::uint64_t checksum[kProcs];
  alignas(64) volatile std::uint64_t a;  // guarded data
  volatile std::uint64_t b;
  alignas(64) unsigned char wc_mem[sizeof(PLock)];
  alignas(64) pthread_rwlock_t prw;
  alignas(64) unsigned char bm_mem[sizeof(bip::interprocess_sharable_mutex)];
};
static_assert(alignof(PLock) <= 64 && alignof(bip::interprocess_sharable_mutex) <= 64, "align");

enum class Kind { wc, pthread, boost };
enum class Mix { read, write, mixed };

struct WcL {
  PLock* l;
  unsigned slot;
  void rlock() {
    if (l->lock_shared(slot) != wc::Acquire::ok) fail("RwLock::lock_shared (2 processes)");
  }
  void runlock() {
    if (!l->unlock_shared(slot)) fail("RwLock::unlock_shared (2 processes)");
  }
  void wlock() {
    if (l->lock() != wc::Acquire::ok) fail("RwLock::lock (2 processes)");
  }
  void wunlock() {
    if (!l->unlock()) fail("RwLock::unlock (2 processes)");
  }
};

struct PthreadL {
  pthread_rwlock_t* l;
  void rlock() {
    if (pthread_rwlock_rdlock(l) != 0) fail("pthread_rwlock_rdlock (2 processes)");
  }
  void runlock() {
    if (pthread_rwlock_unlock(l) != 0) fail("pthread_rwlock_unlock (2 processes)");
  }
  void wlock() {
    if (pthread_rwlock_wrlock(l) != 0) fail("pthread_rwlock_wrlock (2 processes)");
  }
  void wunlock() { runlock(); }
};

struct BoostL {  // Boost throws interprocess_exception on errors: a throw in a child fails it
  bip::interprocess_sharable_mutex* l;
  void rlock() { l->lock_sharable(); }
  void runlock() { l->unlock_sharable(); }
  void wlock() { l->lock(); }
  void wunlock() { l->unlock(); }
};

template <class L>
void child_loop(Shared* s, L lk, int k, Mix mix, std::uint64_t ops) {
  s->ready.fetch_add(1, std::memory_order_seq_cst);
  const std::int64_t deadline = now_ns() + std::int64_t(kBarrierSecs) * 1000000000;
  while (s->go.load(std::memory_order_acquire) == 0) {
    sched_yield();  // 3 runnable processes on 2 cores: let the parent open the barrier
    if (now_ns() > deadline) fail("start barrier never opened");
  }
  std::uint64_t torn = 0, sum = 0;
  const std::int64_t c0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
  const std::int64_t t0 = now_ns();
  for (std::uint64_t i = 0; i < ops; ++i) {
    const bool write = mix == Mix::write || (mix == Mix::mixed && i % 10 == 9);
    if (write) {
      lk.wlock();
      s->a = s->a + 1;
      s->b = s->b + 1;
      lk.wunlock();
    } else {
      lk.rlock();
      const std::uint64_t x = s->a;
      const std::uint64_t y = s->b;
      lk.runlock();
      torn += x != y;
      sum += x;
    }
  }
  const std::int64_t t1 = now_ns();
  s->cpu[k] = clock_ns(CLOCK_PROCESS_CPUTIME_ID) - c0;
  s->start[k] = t0;
  s->end[k] = t1;
  s->torn[k] = torn;
  s->checksum[k] = sum;
  if (torn) fail("a reader saw a half-done write (torn a/b): the lock let both in");
}

std::uint64_t writes_per_child(Mix mix, std::uint64_t ops) {
  return mix == Mix::write ? ops : mix == Mix::mixed ? ops / 10 : 0;
}

void construct(Shared* s, Kind kind) {
  s->ready.store(0);
  s->go.store(0);
  s->a = 0;
  s->b = 0;
  for (int k = 0; k < kProcs; ++k)
    s->start[k] = s->end[k] = s->cpu[k] = 0, s->torn[k] = s->checksum[k] = 0;
  switch (kind) {
    case Kind::wc: new (s->wc_mem) PLock(); break;
    case Kind::pthread: {
      pthread_rwlockattr_t attr;
      if (pthread_rwlockattr_init(&attr) != 0 ||
          pthread_rwlockattr_setpshared(&attr, PTHREAD_PROCESS_SHARED) != 0 ||
          pthread_rwlock_init(&s->prw, &attr) != 0)
        fail("pthread_rwlock_init (2 processes)");
      pthread_rwlockattr_destroy(&attr);
      break;
    }
    case Kind::boost: new (s->bm_mem) bip::interprocess_sharable_mutex(); break;
  }
}

void destroy(Shared* s, Kind kind) {
  switch (kind) {
    case Kind::wc: reinterpret_cast<PLock*>(s->wc_mem)->~PLock(); break;
    case Kind::pthread: pthread_rwlock_destroy(&s->prw); break;
    case Kind::boost:
      reinterpret_cast<bip::interprocess_sharable_mutex*>(s->bm_mem)
          ->~interprocess_sharable_mutex();
      break;
  }
}

[[noreturn]] void child_main(Shared* s, Kind kind, Mix mix, int k, std::uint64_t ops,
                             pid_t parent) {
  mark_child();
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(87);  // the parent died before the prctl
  if (g_cpu[k] >= 0) {  // one child per CPU, so that the two really run (and contend) at once
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(g_cpu[k], &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) fail("sched_setaffinity");
  }
  try {
    switch (kind) {
      case Kind::wc:
        child_loop(s, WcL{reinterpret_cast<PLock*>(s->wc_mem), unsigned(k)}, k, mix, ops);
        break;
      case Kind::pthread: child_loop(s, PthreadL{&s->prw}, k, mix, ops); break;
      case Kind::boost:
        child_loop(s, BoostL{reinterpret_cast<bip::interprocess_sharable_mutex*>(s->bm_mem)}, k,
                   mix, ops);
        break;
    }
  } catch (const std::exception& e) {
    failf("exception: %s", e.what());
  }
  _exit(0);
}

volatile sig_atomic_t g_alarm = 0;
void on_alarm(int) { g_alarm = 1; }

// Kills (SIGKILL, by pid) and reaps every child still in `pids`.
void kill_and_reap(pid_t* pids, int n) {
  for (int k = 0; k < n; ++k)
    if (pids[k] > 0) {
      kill(pids[k], SIGKILL);
      int st;
      while (waitpid(pids[k], &st, 0) == -1 && errno == EINTR) {
      }
      pids[k] = 0;
    }
}

// One repetition: returns ns per acquire/release pair.
double one_rep(Shared* s, Kind kind, Mix mix, std::uint64_t ops, const char* label,
               double& overlap) {
  construct(s, kind);
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t pids[kProcs] = {0, 0};
  const pid_t parent = getpid();
  for (int k = 0; k < kProcs; ++k) {
    const pid_t p = fork();
    if (p == 0) child_main(s, kind, mix, k, ops, parent);
    if (p < 0) {
      kill_and_reap(pids, kProcs);
      failf("%s: fork failed", label);
    }
    pids[k] = p;
  }
  // Start barrier: both children are spinning; open it.
  const std::int64_t deadline = now_ns() + std::int64_t(kBarrierSecs) * 1000000000;
  while (s->ready.load(std::memory_order_seq_cst) < kProcs) {
    if (now_ns() > deadline) {
      kill_and_reap(pids, kProcs);
      failf("%s: children never reached the start barrier", label);
    }
    int st;
    for (int k = 0; k < kProcs; ++k)  // a child that died before the barrier
      if (pids[k] > 0 && waitpid(pids[k], &st, WNOHANG) == pids[k]) {
        pids[k] = 0;
        kill_and_reap(pids, kProcs);
        failf("%s: a child exited before the start barrier (status 0x%x)", label, st);
      }
    const timespec pause{0, 100000};
    nanosleep(&pause, nullptr);
  }
  s->go.store(1, std::memory_order_release);
  // Reap both, blocking, with an overall deadline (SIGALRM interrupts waitpid).
  struct sigaction sa, old;
  sa.sa_handler = on_alarm;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: waitpid returns EINTR
  sigaction(SIGALRM, &sa, &old);
  g_alarm = 0;
  alarm(kRepSecs);
  bool bad = false;
  int bad_status = 0;
  for (int left = kProcs; left > 0 && !g_alarm && !bad;) {
    int st;
    const pid_t p = waitpid(-1, &st, 0);
    if (p == -1) {
      if (errno == EINTR) continue;
      bad = true;  // ECHILD: cannot happen while we have children
      break;
    }
    for (int k = 0; k < kProcs; ++k)
      if (pids[k] == p) {
        pids[k] = 0;
        --left;
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) bad = true, bad_status = st;
      }
  }
  alarm(0);
  sigaction(SIGALRM, &old, nullptr);
  if (g_alarm || bad) {
    const bool timed_out = g_alarm;
    kill_and_reap(pids, kProcs);
    destroy(s, kind);
    if (timed_out) failf("%s: a repetition took over %u s (deadlock?)", label, kRepSecs);
    if (WIFSIGNALED(bad_status))
      failf("%s: a child was killed by signal %d", label, WTERMSIG(bad_status));
    failf("%s: a child failed (exit status %d)", label, WEXITSTATUS(bad_status));
  }
  const std::uint64_t want = kProcs * writes_per_child(mix, ops);
  if (s->a != want || s->b != want)
    failf("%s: counter %llu/%llu after the run, expected %llu", label, (unsigned long long)s->a,
          (unsigned long long)s->b, (unsigned long long)want);
  if (kind == Kind::wc) {
    auto* l = reinterpret_cast<PLock*>(s->wc_mem);
    if (!l->check_invariants() || l->writer_owner() != 0 || l->readers_in(0) || l->readers_in(1))
      failf("%s: wc::RwLock not released/consistent after the run", label);
    if (l->reaped_readers() || l->writer_takeovers())
      failf("%s: wc::RwLock reaped a reader or took over a writer of a live process", label);
  }
  destroy(s, kind);
  std::int64_t t0 = s->start[0], t1 = s->end[0];
  for (int k = 1; k < kProcs; ++k) {
    if (s->start[k] < t0) t0 = s->start[k];
    if (s->end[k] > t1) t1 = s->end[k];
  }
  if (t1 <= t0) failf("%s: no time measured", label);
  // CPU share: CPU time of both children / (2 x wall). Near 100% means both were on a CPU the
  // whole time, i.e. really contending; a child preempted by a noisy neighbour lowers it (and
  // time-slicing both on one CPU would show 50%, whatever the wall-clock overlap).
  std::int64_t cpu = 0;
  for (int k = 0; k < kProcs; ++k) cpu += s->cpu[k];
  overlap = double(cpu) / double(kProcs * (t1 - t0));
  return double(t1 - t0) / double(kProcs * ops);
}

}  // namespace

std::vector<Row> run_lock_processes(const Options& opt) {
  void* m = mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
                 0);
  if (m == MAP_FAILED) fail("2 processes: mmap");
  auto* s = new (m) Shared();
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (sched_getaffinity(0, sizeof allowed, &allowed) == 0) {
    int k = 0;
    for (int c = 0; c < CPU_SETSIZE && k < kProcs; ++c)
      if (CPU_ISSET(c, &allowed)) g_cpu[k++] = c;
    if (k < kProcs) g_cpu[0] = g_cpu[1] = -1;  // a single CPU: leave it to the scheduler
  }
  std::printf("lock_2proc: children pinned to CPUs %d and %d (-1: not pinned)\n", g_cpu[0],
              g_cpu[1]);
  struct KindInfo {
    Kind kind;
    const char* label;
  };
  const KindInfo kinds[] = {{Kind::wc, "wc_rwlock_posix"},
                            {Kind::pthread, "pthread_rwlock"},
                            {Kind::boost, "boost_sharable_mutex"}};
  struct MixInfo {
    Mix mix;
    const char* label;
    const char* row;
  };
  const MixInfo mixes[] = {{Mix::read, "read", "lock read-only, 2 processes"},
                           {Mix::write, "write", "lock write-only, 2 processes"},
                           {Mix::mixed, "90r10w", "lock 90% read/10% write, 2 processes"}};
  std::vector<Row> rows;
  for (const MixInfo& mx : mixes) {
    double med[3], med_overlap[3];
    for (int ki = 0; ki < 3; ++ki) {
      char label[96];
      std::snprintf(label, sizeof label, "lock_2proc_%s/%s", mx.label, kinds[ki].label);
      std::vector<double> v, ov;
      for (int r = 0; r < opt.reps; ++r) {
        double overlap = 0;
        v.push_back(one_rep(s, kinds[ki].kind, mx.mix, opt.proc_ops, label, overlap));
        ov.push_back(overlap);
      }
      med[ki] = median(v);
      med_overlap[ki] = median(ov);
      std::printf("%-38s median %7.1f ns/op  reps:", label, med[ki]);
      for (std::size_t i = 0; i < v.size(); ++i) std::printf(" %.1f", v[i]);
      std::printf("  cpu share:");
      for (double o : ov) std::printf(" %.0f%%", 100 * o);
      std::printf("  (2 x %llu ops)\n", (unsigned long long)opt.proc_ops);
      std::fflush(stdout);
    }
    for (int peer = 1; peer < 3; ++peer) {
      Row r;
      r.name = mx.row;
      r.unit = "ns/op";
      r.lower_better = true;
      r.ours = med[0];
      r.peer = med[peer];
      r.peer_name = peer == 1 ? "pthread_rwlock" : "Boost interprocess_sharable_mutex";
      r.n = opt.reps;
      // Issue 16: write-only at least pthread's speed, read-only at least 5x (reported only).
      if (peer == 1 && mx.mix != Mix::mixed) {
        r.target = Row::Target::ratio;
        r.target_value = mx.mix == Mix::write ? 1.0 : 5.0;
        r.target_text = mx.mix == Mix::write ? ">= 1x pthread" : ">= 5x pthread";
      }
      char note[256];
      std::snprintf(note, sizeof note,
                    "wall time of 2 forked processes / total acquire-release pairs (2 x %llu); "
                    "ours is wc::RwLock<PrimPosix>; children pinned to CPUs %d,%d; median CPU "
                    "share (child CPU time / 2 x wall): ours %.0f%%, peer %.0f%%",
                    (unsigned long long)opt.proc_ops, g_cpu[0], g_cpu[1], 100 * med_overlap[0],
                    100 * med_overlap[peer]);
      r.note = note;
      rows.push_back(r);
    }
  }
  s->~Shared();
  munmap(m, sizeof(Shared));
  return rows;
}

}  // namespace bench
