// prims/prim_posix.hpp: PrimPosix, the primitive policy for real processes on Linux.
//
// It satisfies core/prim.hpp's contract across processes that share a MAP_SHARED mapping
// (files of a per-user tmpfs directory, see prims/posix_os.hpp):
//
//   atomic<T>   std::atomic<T>; lock-free, address-free, of the size of T (asserted below), so a
//               cell means the same in every process whatever address it is mapped at.
//   proc_id     (starttime << 22) | pid. `starttime` is field 22 of /proc/<pid>/stat: the
//               process's start time in clock ticks since boot. pid_max is at most 2^22
//               (PID_MAX_LIMIT), so the pid fits its 22 bits; the start time keeps 34 bits (at
//               USER_HZ = 100 that is 5.4 years of uptime before the field wraps; a wrapped value
//               only matters if a pid is reused exactly 2^34 ticks later). Never 0 (pid >= 1),
//               below 2^56. A reused pid has a later start time, so it yields a different
//               proc_id (unless the pid space is cycled within one 10 ms tick).
//   self()      cached per process in a page marked MADV_WIPEONFORK: a child of fork() (any
//               kind: fork, _Fork, clone without CLONE_VM) sees the page zeroed and recomputes,
//               without a getpid() system call on the fast path (the lock calls self() on every
//               acquire and release). Where the kernel refuses WIPEONFORK (before 4.14), the
//               cache is keyed by getpid() instead: correct, one system call slower.
//   alive(p)    reads /proc/<pid>/stat: false if the pid is gone, if its start time differs
//               (the pid was reused), or if the process is a zombie ('Z'; 'X' = being reaped):
//               a SIGKILLed child that its parent has not waited for yet is dead for us. One
//               exception: a thread-group leader that called pthread_exit() while other threads
//               run also shows 'Z'; num_threads (field 20) > 1 tells it apart, and a killed
//               process's other threads are gone within microseconds, so a caller polling again
//               sees it dead. When /proc cannot tell (not mounted, hidepid, no file
//               descriptors), kill(pid, 0) decides and only ESRCH counts as dead: never false
//               while the process runs, at the price of treating a zombie or a reused pid as
//               alive there.
//   wait/wake   FUTEX_WAIT / FUTEX_WAKE WITHOUT FUTEX_PRIVATE_FLAG: the kernel keys a shared
//               futex by the backing object and offset, so it works between processes that map
//               the same shm object at different addresses. The timeout is relative.
//   relax()     the pause instruction (yield on ARM).
//
// Also parent_pid() (getppid(): the process group is named after it, core/naming.hpp), and two
// parts of a group's name that keep apart processes which must not share:
//   user_tag()       "u<euid>". Two Unix users (php-fpm pools of different users) each get
//                    their own group; PosixOs also keeps each user's objects in a directory of
//                    its own, so this tag is what tells the groups apart in names and statistics.
//   pid_namespace()  the inode number of /proc/self/ns/pid (0 if it cannot be read). Processes
//                    in different pid namespaces can share /dev/shm (the containers of one pod),
//                    but then a pid means another process on each side, so alive() and the
//                    parent pid are wrong across the boundary: such processes must never share
//                    a group. The inode identifies the namespace for as long as it exists.
//
// The shipped instantiations are compiled once, in prims/posix_instantiations.cpp (CMake
// target wincache_posix); the `extern template` declarations at the bottom keep every other
// translation unit from instantiating them again.
#pragma once

#include <fcntl.h>
#include <linux/futex.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "../core/prim.hpp"

namespace wc {

struct PrimPosix {
  using proc_id = std::uint64_t;
  enum class wait_result { woken, timed_out };
  template <class T>
  using atomic = std::atomic<T>;

  static constexpr int kPidBits = 22;  // PID_MAX_LIMIT = 2^22 on 64-bit Linux
  static constexpr std::uint64_t kPidMask = (std::uint64_t{1} << kPidBits) - 1;
  static constexpr int kStartBits = kProcIdBits - kPidBits;  // 34
  static constexpr std::uint64_t kStartMask = (std::uint64_t{1} << kStartBits) - 1;

  static_assert(std::atomic<std::uint32_t>::is_always_lock_free, "shared cells: lock-free");
  static_assert(std::atomic<std::uint64_t>::is_always_lock_free, "shared cells: lock-free");
  static_assert(sizeof(std::atomic<std::uint32_t>) == 4 && alignof(std::atomic<std::uint32_t>) == 4,
                "a futex word is 4 aligned bytes");
  static_assert(sizeof(std::atomic<std::uint64_t>) == 8 && alignof(std::atomic<std::uint64_t>) == 8,
                "64-bit cells are 8 aligned bytes (cross-process ABI)");

  // ---- identity ----------------------------------------------------------------------------
  static proc_id make_id(std::uint64_t pid, std::uint64_t starttime) {
    return ((starttime & kStartMask) << kPidBits) | (pid & kPidMask);
  }
  static std::uint64_t pid_of(proc_id p) { return p & kPidMask; }
  static std::uint64_t start_of(proc_id p) { return (p >> kPidBits) & kStartMask; }

  // What alive() reads from /proc/<pid>/stat.
  struct ProcStat {
    char state = 0;                 // field 3: R S D Z T t X I ...
    std::uint64_t ppid = 0;         // field 4
    std::uint64_t num_threads = 0;  // field 20
    std::uint64_t starttime = 0;    // field 22, clock ticks since boot
  };

  // Reads /proc/<pid>/stat. Returns 0 or the errno of the failure (EINVAL: unparsable).
  // Async-signal-safe (open/read/close only, no allocation).
  static int read_stat(std::uint64_t pid, ProcStat& out) {
    char path[48];
    std::snprintf(path, sizeof path, "/proc/%llu/stat", static_cast<unsigned long long>(pid));
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    char buf[1024];  // comm is at most 16 bytes (64 for kernel threads): the line is short
    std::size_t len = 0;
    for (;;) {
      const ssize_t n = ::read(fd, buf + len, sizeof buf - 1 - len);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      len += std::size_t(n);
      if (len == sizeof buf - 1) break;
    }
    ::close(fd);
    buf[len] = 0;
    // "pid (comm) S ppid ...": comm may hold spaces and ')', so parse from the LAST ')'.
    const char* p = nullptr;
    for (std::size_t i = len; i > 0; --i)
      if (buf[i - 1] == ')') {
        p = buf + i;
        break;
      }
    if (!p || p[0] != ' ' || p[1] == 0) return EINVAL;
    out.state = p[1];
    p += 2;
    // Fields 4..22 follow, space separated; some (tpgid, priority, nice) may be negative.
    for (int field = 4; field <= 22; ++field) {
      while (*p == ' ') ++p;
      if (*p == 0) return EINVAL;
      char* end = nullptr;
      const long long v = std::strtoll(p, &end, 10);
      if (end == p) return EINVAL;
      if (field == 4) out.ppid = std::uint64_t(v);
      if (field == 20) out.num_threads = std::uint64_t(v);
      if (field == 22) out.starttime = std::uint64_t(v);
      p = end;
    }
    return 0;
  }

  // The proc_id of process `pid` now (0 if it does not exist). Used by self() and by tests.
  static proc_id id_of(std::uint64_t pid) {
    ProcStat st;
    const int e = read_stat(pid, st);
    if (e == ENOENT || e == ESRCH) return 0;
    // No readable /proc: start time unknown (0); alive() then asks kill(pid, 0) only.
    return make_id(pid, e == 0 ? st.starttime : 0);
  }

  // The fast path is a few instructions and inlines into every lock operation (a get calls it
  // about eight times); the rest lives in self_slow(), so that its register saves and calls do
  // not make every call pay a full prologue.
  static proc_id self() {
    std::atomic<proc_id>* cell = cache_cell();
    if (cell) {
      const proc_id id = cell->load(std::memory_order_relaxed);
      if (id != 0) return id;
    }
    return self_slow(cell);
  }
  __attribute__((noinline)) static proc_id self_slow(std::atomic<proc_id>* cell) {
    if (cell) {
      const proc_id mine = compute_self();
      cell->store(mine, std::memory_order_relaxed);  // racing threads store the same value
      return mine;
    }
    // No WIPEONFORK: key the cache by the pid (a system call per call, still correct).
    static std::atomic<proc_id> fallback{0};
    const std::uint64_t pid = std::uint64_t(::getpid());
    const proc_id id = fallback.load(std::memory_order_relaxed);
    if (id != 0 && pid_of(id) == pid) return id;
    const proc_id mine = compute_self();
    fallback.store(mine, std::memory_order_relaxed);
    return mine;
  }

  static bool alive(proc_id p) {
    const std::uint64_t pid = pid_of(p);
    if (pid == 0) return false;  // not a proc_id of ours (contract: p came from self())
    const int saved = errno;
    ProcStat st;
    const int e = read_stat(pid, st);
    bool live;
    if (e == 0) {
      if (start_of(p) != 0 && (st.starttime & kStartMask) != start_of(p))
        live = false;  // the pid now names another process
      else if (st.state == 'Z')
        live = st.num_threads > 1;  // a zombie; > 1 thread: only the leader exited (see top)
      else
        live = st.state != 'X' && st.state != 'x';
    } else {
      // /proc cannot tell (ENOENT under hidepid, EMFILE, not mounted): never call a running
      // process dead; only "no such process" is dead.
      live = !(::kill(pid_t(pid), 0) == -1 && errno == ESRCH);
    }
    errno = saved;
    return live;
  }

  static std::uint64_t parent_pid() { return std::uint64_t(::getppid()); }
  // "u<euid>" (see the top of the file).
  static std::string user_tag() {
    return "u" + std::to_string(static_cast<unsigned long>(::geteuid()));
  }
  // The pid namespace's identity: st_ino of /proc/self/ns/pid, 0 if unreadable (see the top).
  static std::uint64_t pid_namespace() {
    const int saved = errno;
    struct stat st;
    const std::uint64_t ino = ::stat("/proc/self/ns/pid", &st) == 0 ? std::uint64_t(st.st_ino) : 0;
    errno = saved;
    return ino;
  }
  static std::uint64_t pid() { return std::uint64_t(::getpid()); }
  // The proc_id of the parent process (0 if it cannot be known): the anchor of a group whose
  // master forks the workers (Group::pin, SEG-9).
  static proc_id parent_id() { return id_of(parent_pid()); }

  // ---- waiting -----------------------------------------------------------------------------
  static wait_result wait(atomic<std::uint32_t>& word, std::uint32_t expected,
                          std::uint32_t timeout_ms) {
    const int saved = errno;
    timespec ts{time_t(timeout_ms / 1000), long(timeout_ms % 1000) * 1000000L};
    // Shared futex (no FUTEX_PRIVATE_FLAG): keyed by the shm object and offset, so it crosses
    // processes. EAGAIN (word != expected) and EINTR are wake-ups; callers re-check.
    const long r = ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAIT,
                             expected, &ts, nullptr, 0);
    const bool timed_out = r == -1 && errno == ETIMEDOUT;
    errno = saved;
    return timed_out ? wait_result::timed_out : wait_result::woken;
  }

  static void wake_all(atomic<std::uint32_t>& word) {
    const int saved = errno;
    ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAKE, INT_MAX, nullptr,
              nullptr, 0);
    errno = saved;
  }

  static void relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
    asm volatile("yield" ::: "memory");
#else
    std::atomic_signal_fence(std::memory_order_seq_cst);
#endif
  }

 private:
  static proc_id compute_self() {
    const int saved = errno;
    const std::uint64_t pid = std::uint64_t(::getpid());
    proc_id id = id_of(pid);
    if (id == 0) id = make_id(pid, 0);  // /proc/self missing: pid only (see alive())
    errno = saved;
    return id;
  }

  // One private page whose contents the kernel zeroes in a forked child; nullptr if the kernel
  // refuses (then self() falls back to comparing getpid()).
  static std::atomic<proc_id>* cache_cell() {
    static std::atomic<proc_id>* const cell = make_cell();
    return cell;
  }
  __attribute__((noinline)) static std::atomic<proc_id>* make_cell() {
    return [] {
      const long page = ::sysconf(_SC_PAGESIZE);
      void* m = ::mmap(nullptr, std::size_t(page > 0 ? page : 4096), PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (m == MAP_FAILED) return static_cast<std::atomic<proc_id>*>(nullptr);
#ifdef MADV_WIPEONFORK
      if (::madvise(m, std::size_t(page > 0 ? page : 4096), MADV_WIPEONFORK) == 0)
        return new (m) std::atomic<proc_id>(0);
#endif
      ::munmap(m, std::size_t(page > 0 ? page : 4096));
      return static_cast<std::atomic<proc_id>*>(nullptr);
    }();
  }
};

}  // namespace wc

// ---- the shipped instantiations (defined in prims/posix_instantiations.cpp) --------------------
#include "../core/allocator.hpp"
#include "../core/registry.hpp"
#include "../core/rwlock.hpp"
#include "posix_os.hpp"

extern template class wc::RwLock<wc::PrimPosix>;
extern template class wc::Group<wc::PrimPosix, wc::PosixOs>;
extern template class wc::Allocator<wc::PrimPosix>;
