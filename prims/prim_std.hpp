// prims/prim_std.hpp: PrimStd, the primitive policy for real threads inside ONE process.
//
// Threads stand for processes: each thread gets its own proc_id the first time it asks, and a
// test "kills" one by calling PrimStd::kill(id) after the thread has returned while holding
// whatever it held. Waiting is a futex on Linux (private to the process, which is all a single
// process needs) and a short sleep-poll elsewhere. Used by the gtest smoke tests and by the
// benchmarks of the uncontended paths; the cross-process backends are PrimPosix / PrimWin32.
#pragma once

#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdint>
#include <thread>

#if defined(__linux__)
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#endif

namespace wc {

struct PrimStd {
  using proc_id = std::uint64_t;
  enum class wait_result { woken, timed_out };
  template <class T>
  using atomic = std::atomic<T>;

  static constexpr unsigned kMaxIds = 4096;

  static proc_id self() {
    thread_local proc_id id = next_id().fetch_add(1, std::memory_order_relaxed);
    return id;
  }
  static bool alive(proc_id p) {
    return p >= kMaxIds || !dead()[p].load(std::memory_order_acquire);
  }
  // Test hook: declare a thread that has returned (holding things) dead.
  static void kill(proc_id p) {
    if (p < kMaxIds) dead()[p].store(true, std::memory_order_release);
  }

  static wait_result wait(atomic<std::uint32_t>& word, std::uint32_t expected,
                          std::uint32_t timeout_ms) {
#if defined(__linux__)
    static_assert(sizeof(atomic<std::uint32_t>) == 4, "futex word");
    timespec ts{time_t(timeout_ms / 1000), long(timeout_ms % 1000) * 1000000L};
    const long r = syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word),
                           FUTEX_WAIT_PRIVATE, expected, &ts, nullptr, 0);
    return (r == -1 && errno == ETIMEDOUT) ? wait_result::timed_out : wait_result::woken;
#else
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (word.load(std::memory_order_seq_cst) == expected) {
      if (std::chrono::steady_clock::now() >= until) return wait_result::timed_out;
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
    return wait_result::woken;
#endif
  }

  static void wake_all(atomic<std::uint32_t>& word) {
#if defined(__linux__)
    syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAKE_PRIVATE, INT32_MAX,
            nullptr, nullptr, 0);
#else
    (void)word;
#endif
  }

  static void relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#else
    std::this_thread::yield();
#endif
  }

 private:
  static std::atomic<proc_id>& next_id() {
    static std::atomic<proc_id> n{1};
    return n;
  }
  static std::atomic<bool>* dead() {
    static std::atomic<bool> d[kMaxIds];
    return d;
  }
};

}  // namespace wc
