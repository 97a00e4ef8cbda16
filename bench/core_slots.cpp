// bench/core_slots.cpp: what an uncontended write costs when many processes are registered
// (part of bench_core; rows "lock write, uncontended, 1024-slot lock, ...").
//
//   lock    wc::RwLock<PrimPosix, 1024 reader slots> (the shipped spin and poll settings) in a
//           MAP_SHARED anonymous mapping. Its writers scan only the slots whose bit is set in
//           the claim bitmap. The peer is the same lock before the bitmap
//           (bench/rwlock_before_bitmap.hpp, commit 881c83f), whose writers scan every slot
//           below the highest slot index ever claimed, in its own MAP_SHARED mapping.
//   setup   N forked children (N = 0, 16, 256, 1024); child k claims reader slot k of both
//           locks with one lock_shared/unlock_shared each, says it is ready, then blocks on a
//           pipe until the parent closes it. "registered": the children keep their slots.
//           "registered then detached": each child also gives its slot of our lock back
//           (release_slot), as a detaching process does; the pre-change lock has no such call,
//           so its high-water mark stays at N. The children are idle (blocked in read), so the
//           parent runs alone.
//   timing  the parent does `ops` lock()+unlock() pairs between two CLOCK_MONOTONIC reads;
//           `ops` is calibrated per lock so that one repetition takes about 20 ms (2 ms with
//           --quick). Repetitions alternate ours, pre-change, ours, ...; the row gives the
//           median ns per pair of each.
//   checks  after the repetitions both locks are free and pass check_invariants(); ours
//           publishes exactly the slots still claimed (N, or 0 after detaching), reaped no reader
//           and took over no writer. Children die with the parent (PR_SET_PDEATHSIG); a child
//           that fails or is not ready within 60 s makes the parent kill (by pid) and reap
//           every child, then fail loudly.
#include <errno.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <new>
#include <string>
#include <vector>

#include "core/rwlock.hpp"
#include "core_common.hpp"
#include "prims/prim_posix.hpp"
#include "rwlock_before_bitmap.hpp"

namespace bench {
namespace {

struct SlotsTuning {  // a group of 1024 processes; spin and poll as shipped (wc::RwLockTuning)
  static constexpr unsigned reader_slots = 1024;
  static constexpr unsigned spin = wc::RwLockTuning::spin;
  static constexpr std::uint32_t poll_ms = wc::RwLockTuning::poll_ms;
};
using OurLock = wc::RwLock<wc::PrimPosix, SlotsTuning>;
using OldLock = wc_before_bitmap::RwLock<wc::PrimPosix, SlotsTuning>;
constexpr unsigned kReadySecs = 60;  // all children claimed their slots
constexpr unsigned kReapSecs = 60;   // all children exited after the pipe closed

struct Shared {
  alignas(64) std::atomic<std::uint32_t> ready;  // children that claimed their slots
};

std::int64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

void* map_shared(std::size_t bytes, const char* what) {
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) failf("lock_write_slots: mmap (%s)", what);
  return p;
}

[[noreturn]] void child_main(Shared* s, OurLock* ours, OldLock* old, unsigned slot, bool detach,
                             int pipe_in, int pipe_out, pid_t parent) {
  mark_child();
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(87);  // the parent died before the prctl
  close(pipe_out);  // the parent's close of the last write end is our signal to exit
  if (ours->lock_shared(slot) != wc::Acquire::ok || !ours->unlock_shared(slot))
    fail("lock_write_slots: RwLock::lock_shared/unlock_shared in a child");
  if (old->lock_shared(slot) != wc::Acquire::ok || !old->unlock_shared(slot))
    fail("lock_write_slots: pre-change RwLock::lock_shared/unlock_shared in a child");
  if (detach && !ours->release_slot(slot)) fail("lock_write_slots: RwLock::release_slot");
  s->ready.fetch_add(1, std::memory_order_seq_cst);
  char c;
  while (read(pipe_in, &c, 1) == -1 && errno == EINTR) {
  }
  _exit(0);
}

// Kills (SIGKILL, by pid) and reaps every child in `pids`.
void kill_and_reap(std::vector<pid_t>& pids) {
  for (pid_t p : pids) kill(p, SIGKILL);
  for (pid_t p : pids) {
    int st;
    while (waitpid(p, &st, 0) == -1 && errno == EINTR) {
    }
  }
  pids.clear();
}

// The children of one scenario: forked, each with its slot claimed, until the destructor (or
// release()) closes the pipe and reaps them.
class Children {
 public:
  Children(Shared* s, OurLock* ours, OldLock* old, unsigned n, bool detach, const char* label)
      : label_(label) {
    int fds[2];
    if (pipe(fds) != 0) failf("%s: pipe", label);
    pipe_out_ = fds[1];
    s->ready.store(0, std::memory_order_seq_cst);
    std::fflush(stdout);
    std::fflush(stderr);
    const pid_t parent = getpid();
    pids_.reserve(n);
    for (unsigned k = 0; k < n; ++k) {
      const pid_t p = fork();
      if (p == 0) child_main(s, ours, old, k, detach, fds[0], fds[1], parent);
      if (p < 0) {
        close(fds[0]);
        abort_all("fork failed");
      }
      pids_.push_back(p);
    }
    close(fds[0]);
    const std::int64_t deadline = now_ns() + std::int64_t(kReadySecs) * 1000000000;
    while (s->ready.load(std::memory_order_seq_cst) < n) {
      int st;
      const pid_t p = waitpid(-1, &st, WNOHANG);
      if (p > 0) {
        forget(p);
        abort_all("a child exited before it was ready");
      }
      if (now_ns() > deadline) abort_all("the children did not claim their slots in time");
      const timespec pause{0, 200000};
      nanosleep(&pause, nullptr);
    }
  }
  Children(const Children&) = delete;
  Children& operator=(const Children&) = delete;
  ~Children() { release(); }

  // Closes the pipe; every child exits; reaps them all (each must exit 0).
  void release() {
    if (pipe_out_ < 0) return;
    close(pipe_out_);
    pipe_out_ = -1;
    const std::int64_t deadline = now_ns() + std::int64_t(kReapSecs) * 1000000000;
    while (!pids_.empty()) {
      int st;
      const pid_t p = waitpid(-1, &st, WNOHANG);
      if (p > 0) {
        forget(p);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) abort_all("a child failed");
        continue;
      }
      if (now_ns() > deadline) abort_all("the children did not exit in time");
      const timespec pause{0, 200000};
      nanosleep(&pause, nullptr);
    }
  }

 private:
  void forget(pid_t p) {  // p was reaped
    for (std::size_t i = 0; i < pids_.size(); ++i)
      if (pids_[i] == p) {
        pids_[i] = pids_.back();
        pids_.pop_back();
        return;
      }
  }
  [[noreturn]] void abort_all(const char* why) {
    if (pipe_out_ >= 0) close(pipe_out_);
    pipe_out_ = -1;
    kill_and_reap(pids_);
    failf("%s: %s", label_, why);
  }

  const char* label_;
  int pipe_out_ = -1;
  std::vector<pid_t> pids_;
};

// ns per lock()+unlock() pair over `ops` pairs.
template <class L>
double time_pairs(L* lk, std::uint64_t ops, const char* label) {
  const std::int64_t t0 = now_ns();
  for (std::uint64_t i = 0; i < ops; ++i) {
    if (lk->lock() != wc::Acquire::ok) failf("%s: RwLock::lock", label);
    std::atomic_signal_fence(std::memory_order_seq_cst);  // the (empty) critical section
    if (!lk->unlock()) failf("%s: RwLock::unlock", label);
  }
  return double(now_ns() - t0) / double(ops);
}

// Pairs per repetition so that one takes about `target_ns`.
template <class L>
std::uint64_t calibrate(L* lk, double target_ns, const char* label) {
  std::uint64_t ops = 256;
  for (;;) {
    const double ns = time_pairs(lk, ops, label) * double(ops);
    if (ns >= target_ns / 4 || ops >= (std::uint64_t{1} << 30)) {
      const double per = ns / double(ops);
      const double want = target_ns / (per > 0.1 ? per : 0.1);
      return want < 256 ? 256 : std::uint64_t(want);
    }
    ops *= 2;
  }
}

struct Measured {
  double ours, old;
  std::uint64_t ops_ours, ops_old;
};

Measured measure(OurLock* ours, OldLock* old, const Options& opt, const char* label) {
  const double target = opt.quick ? 2e6 : 2e7;
  Measured m{};
  m.ops_ours = calibrate(ours, target, label);  // also the warm-up
  m.ops_old = calibrate(old, target, label);
  std::vector<double> a, b;
  for (int r = 0; r < opt.reps; ++r) {  // alternated: noise hits both alike
    a.push_back(time_pairs(ours, m.ops_ours, label));
    b.push_back(time_pairs(old, m.ops_old, label));
  }
  m.ours = median(a);
  m.old = median(b);
  std::printf("%-46s ours %8.1f ns (reps:", label, m.ours);
  for (double x : a) std::printf(" %.1f", x);
  std::printf(")  pre-change %8.1f ns (reps:", m.old);
  for (double x : b) std::printf(" %.1f", x);
  std::printf(")\n");
  std::fflush(stdout);
  return m;
}

}  // namespace

std::vector<Row> run_lock_slots(const Options& opt) {
  auto* s = new (map_shared(sizeof(Shared), "counters")) Shared();
  void* ours_mem = map_shared(sizeof(OurLock), "our lock");
  void* old_mem = map_shared(sizeof(OldLock), "pre-change lock");
  std::vector<Row> rows;
  const unsigned counts[] = {0, 16, 256, 1024};
  for (unsigned n : counts) {
    for (int detach = 0; detach < 2; ++detach) {
      if (detach && n == 0) continue;  // nobody to detach: the same as "0 registered"
      char label[96];
      std::snprintf(label, sizeof label, "lock_write_slots/%u_%s", n,
                    detach ? "registered_then_detached" : "registered");
      auto* ours = new (ours_mem) OurLock();
      auto* old = new (old_mem) OldLock();
      Children kids(s, ours, old, n, detach != 0, label);
      const Measured m = measure(ours, old, opt, label);
      if (!ours->check_invariants() || ours->writer_owner() != 0 ||
          ours->claimed_slots() != (detach ? 0 : n) || ours->reaped_readers() != 0 ||
          ours->writer_takeovers() != 0)
        failf("%s: wc::RwLock not free, consistent and publishing exactly the claimed slots",
              label);
      if (!old->check_invariants() || old->writer_owner() != 0)
        failf("%s: the pre-change lock not free and consistent", label);
      kids.release();
      ours->~OurLock();
      old->~OldLock();

      Row r;
      char name[128];
      std::snprintf(name, sizeof name,
                    "lock write, uncontended, 1024-slot lock, %u processes registered%s", n,
                    detach ? " then detached" : "");
      r.name = name;
      r.unit = "ns/op";
      r.lower_better = true;
      r.ours = m.ours;
      r.peer = m.old;
      r.peer_name = "pre-change wc::RwLock (scans every slot below the high-water mark)";
      r.n = opt.reps;
      char note[320];
      std::snprintf(note, sizeof note,
                    "parent's lock()+unlock() of wc::RwLock<PrimPosix, 1024 slots> in a "
                    "MAP_SHARED mapping; %u forked children each claimed reader slot k (one "
                    "lock_shared/unlock_shared)%s and block on a pipe; median of %d reps of "
                    "%llu (ours) / %llu (pre-change) pairs, alternated",
                    n, detach ? ", then gave it back with release_slot" : "", opt.reps,
                    (unsigned long long)m.ops_ours, (unsigned long long)m.ops_old);
      r.note = note;
      rows.push_back(r);
    }
  }
  munmap(old_mem, sizeof(OldLock));
  munmap(ours_mem, sizeof(OurLock));
  s->~Shared();
  munmap(s, sizeof(Shared));
  return rows;
}

}  // namespace bench
