// models/prim_relacy.hpp: PrimRelacy, the primitive policy under the Relacy race detector.
//
// Threads stand for processes. A thread "dies" by calling die() and returning while it still
// holds whatever it held: exactly what SIGKILL leaves behind. Relacy has no model of
// EOWNERDEAD / WAIT_ABANDONED, so liveness is an oracle kept here (the OS knows at once).
//
// Waiting is modelled faithfully for lost wake-ups: wait() sleeps on a condition variable that
// has NO spurious wake-ups, and it times out only when some process has died that this waiter has
// not yet been told about (each death fires each waiter's timer once). So a missing wake between
// live processes is a deadlock Relacy reports, while a dead holder is noticed exactly as the real
// poll timer would notice it.
//
// Relacy's own headers define macros (new, delete, malloc, free, assert, memory_order_*) that
// clash with libstdc++ and with our code; this is the one place that includes it and undoes them.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <streambuf>
#include <string>

#include <relacy/relacy.hpp>

#undef new
#undef delete
#undef malloc
#undef calloc
#undef realloc
#undef free
#undef assert
#undef errno
#undef memory_order_relaxed
#undef memory_order_consume
#undef memory_order_acquire
#undef memory_order_release
#undef memory_order_acq_rel
#undef memory_order_seq_cst

namespace wc::model {

// The caller's source position, so Relacy's history points at core/ lines.
#define WC_RL_HERE                                                                    \
  rl::debug_info info = rl::debug_info(__builtin_FUNCTION(), __builtin_FILE(), \
                                       __builtin_LINE())

inline rl::memory_order to_rl(std::memory_order mo) {
  switch (mo) {
    case std::memory_order_relaxed: return rl::mo_relaxed;
    case std::memory_order_consume: return rl::mo_consume;
    case std::memory_order_acquire: return rl::mo_acquire;
    case std::memory_order_release: return rl::mo_release;
    case std::memory_order_acq_rel: return rl::mo_acq_rel;
    default: return rl::mo_seq_cst;
  }
}

// Failure order for a CAS: as strong as allowed for its success order.
inline rl::memory_order failure_of(std::memory_order mo) {
  switch (mo) {
    case std::memory_order_release: return rl::mo_relaxed;
    case std::memory_order_acq_rel: return rl::mo_acquire;
    default: return to_rl(mo);
  }
}

struct exact_cv_tag;
// A condition variable without spurious wake-ups (futex waits may wake spuriously, but allowing
// it here would hide lost wake-ups behind lucky spurious ones).
class ExactCondVar : rl::condvar<exact_cv_tag> {
 public:
  ExactCondVar() { rl::condvar<exact_cv_tag>::init(false, $); }
  ~ExactCondVar() { rl::condvar<exact_cv_tag>::deinit($); }
  void notify_all(rl::debug_info_param i) { rl::condvar<exact_cv_tag>::notify_all(i); }
  void wait(rl::mutex& m, rl::debug_info_param i) { rl::condvar<exact_cv_tag>::wait(m, false, i); }
};

inline constexpr unsigned kMaxThreads = 8;

// Per-test state of the modelled "operating system". One instance lives in each test suite
// object (constructed per iteration, so the model stays deterministic).
struct World {
  bool dead[kMaxThreads + 1] = {};
  unsigned deaths = 0;               // guarded by m
  unsigned told[kMaxThreads + 1] = {};  // deaths each waiter has been told about (guarded by m)
  std::uint32_t told_at[kMaxThreads + 1] = {};  // futex value at each waiter's last timeout
  rl::mutex m;
  ExactCondVar cv;
};

inline World*& world() {
  static World* w = nullptr;
  return w;
}

struct PrimRelacy {
  using proc_id = std::uint64_t;
  enum class wait_result { woken, timed_out };

  template <class T>
  struct atomic {
    rl::atomic<T> a;
    atomic() { a.store(T{}, rl::mo_relaxed, $); }
    explicit atomic(T v) { a.store(v, rl::mo_relaxed, $); }
    T load(std::memory_order mo, WC_RL_HERE) const { return a.load(to_rl(mo), info); }
    void store(T v, std::memory_order mo, WC_RL_HERE) { a.store(v, to_rl(mo), info); }
    T exchange(T v, std::memory_order mo, WC_RL_HERE) { return a.exchange(v, to_rl(mo), info); }
    bool compare_exchange_strong(T& expected, T desired, std::memory_order mo, WC_RL_HERE) {
      return a.compare_exchange_strong(expected, desired, to_rl(mo), info, failure_of(mo), info);
    }
    T fetch_add(T v, std::memory_order mo, WC_RL_HERE) { return a.fetch_add(v, to_rl(mo), info); }
    T fetch_sub(T v, std::memory_order mo, WC_RL_HERE) { return a.fetch_sub(v, to_rl(mo), info); }
    T fetch_or(T v, std::memory_order mo, WC_RL_HERE) { return a.fetch_or(v, to_rl(mo), info); }
    T fetch_and(T v, std::memory_order mo, WC_RL_HERE) { return a.fetch_and(v, to_rl(mo), info); }
  };

  static proc_id self() { return rl::thread_index() + 1; }
  // Observing a death goes through the kernel (a full barrier) and the dead do nothing more:
  // the oracle takes the World mutex, so whatever the dead thread did happens-before.
  static bool alive(proc_id p, WC_RL_HERE) {
    World& w = *world();
    w.m.lock(info);
    const bool a = !w.dead[p];
    w.m.unlock(info);
    return a;
  }

  static wait_result wait(atomic<std::uint32_t>& word, std::uint32_t expected, std::uint32_t,
                          WC_RL_HERE) {
    World& w = *world();
    const proc_id me = self();
    wait_result r = wait_result::woken;
    w.m.lock(info);
    // The kernel compares the futex word after a full barrier: a seq_cst load models it.
    if (word.load(std::memory_order_seq_cst, info) == expected) {
      // The real poll timer fires every poll_ms while anyone is dead. Modelled: it fires when
      // there is a death this waiter has not been told about, or when someone is dead and the
      // word moved since this waiter last timed out (the one it must now check may differ).
      // When nothing moved, a re-check would see the same thing, so sleeping is equivalent
      // and keeps the model free of spurious livelocks.
      auto fires = [&] {
        return w.deaths != w.told[me] || (w.deaths != 0 && w.told_at[me] != expected);
      };
      if (!fires()) w.cv.wait(w.m, info);
      if (fires()) {
        w.told[me] = w.deaths;
        w.told_at[me] = expected;
        r = wait_result::timed_out;
      }
    }
    w.m.unlock(info);
    return r;
  }

  static void wake_all(atomic<std::uint32_t>&, WC_RL_HERE) {
    World& w = *world();
    w.m.lock(info);
    w.cv.notify_all(info);
    w.m.unlock(info);
  }

  static void relax(WC_RL_HERE) { rl::yield(1, info); }

  // The calling thread is killed here: it must return right after, holding what it holds.
  static void die(WC_RL_HERE) {
    World& w = *world();
    w.m.lock(info);
    w.dead[self()] = true;
    ++w.deaths;
    w.cv.notify_all(info);
    w.m.unlock(info);
  }
};

// Tuning under the model: no spinning, a handful of slots ("this shouldn't impact logic").
struct ModelLockTuning {
  static constexpr unsigned reader_slots = 4;
  static constexpr unsigned spin = 0;
  static constexpr std::uint32_t poll_ms = 1;
};

// ---- running suites and their negative twins -------------------------------------------------

struct Options {
  rl::scheduler_type_e search = rl::sched_bound;
  unsigned context_bound = 2;
  unsigned iterations = 20000;  // for sched_random
};

inline Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--random") o.search = rl::sched_random;
    else if (a == "--full") o.search = rl::sched_full;
    else if (a.rfind("--bound=", 0) == 0) o.context_bound = unsigned(std::stoul(a.substr(8)));
    else if (a.rfind("--iterations=", 0) == 0) o.iterations = unsigned(std::stoul(a.substr(13)));
  }
  return o;
}

struct Tally {
  int passed = 0, failed = 0;
  int exit_code() const { return failed ? 1 : 0; }
  void summary(const char* name) const {
    std::printf("%s: %d passed, %d failed\n", name, passed, failed);
  }
};

inline rl::test_params params_for(const Options& o) {
  rl::test_params p;
  p.search_type = o.search;
  p.context_bound = o.context_bound;
  p.iteration_count = o.iterations;
  p.execution_depth_limit = 4000;
  return p;
}

// Discards what Relacy prints without allocating (Relacy swaps the global allocator while it
// simulates, so a growing std::ostringstream would free memory the other allocator made).
struct NullBuf : std::streambuf {
  int overflow(int c) override { return c; }
};

inline std::ostream& null_stream() {
  static NullBuf buf;
  static std::ostream s(&buf);
  return s;
}

// A suite that must hold: Relacy must find no failure. On failure its history goes to stdout.
template <class Suite>
void must_hold(const char* name, const Options& o, Tally& t) {
  rl::test_params p = params_for(o);
  std::printf("...     %s\n", name);
  std::fflush(stdout);
  p.output_stream = &std::cout;
  p.progress_stream = &null_stream();
  const bool ok = rl::simulate<Suite>(p);
  std::cout.flush();
  if (ok) {
    ++t.passed;
    std::printf("HOLDS   %-46s %llu interleavings\n", name, (unsigned long long)p.stop_iteration);
  } else {
    ++t.failed;
    std::printf("FAILED  %-46s %s\n", name, rl::test_result_str(p.test_result));
  }
  std::fflush(stdout);
}

// A negative twin: a seeded bug the same checker must flag, as the kind of failure the bug must
// cause (a twin that fails some other way, say a broken harness, does not count). Passing quietly
// is a failure of the checker, so it fails the stage.
template <class Suite>
void must_catch(const char* name, rl::test_result_e expected, const Options& o, Tally& t) {
  rl::test_params p = params_for(o);
  p.output_stream = &null_stream();
  p.progress_stream = &null_stream();
  const bool ok = rl::simulate<Suite>(p);
  if (!ok && p.test_result == expected) {
    ++t.passed;
    std::printf("CAUGHT  %-46s %s after %llu interleavings\n", name,
                rl::test_result_str(p.test_result), (unsigned long long)p.stop_iteration);
  } else if (!ok) {
    ++t.failed;
    std::printf("WRONG   %-46s failed with %s, expected %s\n", name,
                rl::test_result_str(p.test_result), rl::test_result_str(expected));
  } else {
    ++t.failed;
    std::printf("MISSED  %-46s the seeded bug went unnoticed\n", name);
  }
  std::fflush(stdout);
}

}  // namespace wc::model
