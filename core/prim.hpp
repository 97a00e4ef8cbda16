// core/prim.hpp: the primitive policy contract.
//
// Every template in core/ takes ONE parameter, `Prim`, through which it reaches everything that
// differs between the model checker, the simulated platform and a real operating system:
// atomics, waiting and waking, its own process identity and the liveness of other processes.
// core/ never includes an OS header and never tests which backend it runs on; the same bytes
// compile under every backend.
//
// Backends (named after what they are):
//   PrimRelacy  models/prim_relacy.hpp   Relacy race detector: threads stand for processes; a
//                                        thread "dies" by returning while it holds things.
//   PrimSim     proptests/prim_sim.hpp   deterministic single-threaded platform for RapidCheck:
//                                        can kill the current "process" at any atomic step.
//   PrimStd     prims/prim_std.hpp       std::atomic + real threads of one process (smoke tests,
//                                        benchmarks of the uncontended paths).
//   PrimPosix / PrimWin32                the shipped backends (futex on shared memory / named
//                                        kernel objects), see the real-primitives issue.
//
// The contract. A conforming Prim provides, as static members:
//
//   template <class T> struct atomic;
//       A std::atomic-like cell that may live in memory shared between processes. It must be
//       lock-free and address-free (no pointers to process-local state) for the real backends.
//       Members, each taking a std::memory_order with the std meaning:
//         T    load(std::memory_order) const
//         void store(T, std::memory_order)
//         T    exchange(T, std::memory_order)
//         bool compare_exchange_strong(T& expected, T desired, std::memory_order)
//         T    fetch_add(T, std::memory_order), fetch_sub(T, std::memory_order)
//         T    fetch_or(T, std::memory_order), fetch_and(T, std::memory_order)
//       and construction from a value (used only while the memory is private to the creator).
//
//   using proc_id = std::uint64_t;
//       Identity of a process. Never 0. Below 2^56 (core/ packs 8 bits beside it). Unique for
//       the lifetime of the host: a reused pid must yield a different proc_id (pid plus start
//       time on POSIX, pid plus creation time on Windows).
//
//   static proc_id self();
//       The calling process (the calling thread, under Relacy).
//
//   static bool alive(proc_id p);
//       Precondition: p was returned by self() in some process. Returns false once that process
//       has exited or been killed; never false while it runs. May be slow (a syscall, a read of
//       /proc): core/ never calls it on a fast path: the lock asks only after a bounded wait
//       has expired; the registry's reaper and the reclaimer's collect ask during their
//       (rare, lock-holding) maintenance passes.
//
//   enum class wait_result { woken, timed_out };
//   static wait_result wait(atomic<std::uint32_t>& word, std::uint32_t expected,
//                           std::uint32_t timeout_ms);
//       Futex semantics: returns at once if word != expected (checked atomically with going to
//       sleep), otherwise sleeps until wake_all(word) or until timeout_ms elapse. May return
//       woken spuriously; callers always re-check their condition. Must cross processes (a futex
//       on a shared mapping on Linux; a named kernel object keyed by the word's segment and
//       offset on Windows, since WaitOnAddress does not cross processes).
//
//   static void wake_all(atomic<std::uint32_t>& word);
//       Wakes every thread of every process sleeping in wait(word, ...).
//
//   static void relax();
//       A spin-loop hint (pause / yield). Under the model checker it tells the scheduler that the
//       thread is spinning.
//
// Error results: none of the members fails except as stated (wait may time out). Mapping
// segments, naming and the process table belong to the segment layer, not to this contract.
#pragma once

#include <atomic>
#include <cstdint>

namespace wc {

// Bits of a word that core/ reserves beside a proc_id.
inline constexpr int kProcIdBits = 56;
inline constexpr std::uint64_t kProcIdMask = (std::uint64_t{1} << kProcIdBits) - 1;

// Seeded bugs. Every checker in models/ and proptests/ has a negative twin: the same check run
// against a variant of the component with one deliberate bug, which the checker must flag. The
// variants are selected through this compile-time policy (`if constexpr`), so the shipped
// instantiation (NoSeededBugs) carries no trace of them. Each flag names the bug it seeds.
struct NoSeededBugs {
  // lock
  static constexpr bool relaxed_unlock = false;        // writer release store is relaxed
  static constexpr bool skip_drain = false;            // writer enters without draining readers
  static constexpr bool skip_death_check = false;      // waiters never ask Prim::alive
  static constexpr bool skip_wake = false;             // releases never call Prim::wake_all
  static constexpr bool forget_dirty = false;          // takeover after a writer death not reported
  static constexpr bool reader_preference = false;     // readers ignore a waiting writer
  static constexpr bool skip_claim_bit = false;        // a reader announces without its bitmap bit
  static constexpr bool release_bit_after_owner = false;  // release_slot gives the word back,
                                                          // then clears the bit
  static constexpr bool unfenced_release = false;      // release_slot clears the bit while the
                                                       // word is still claimable by others
  static constexpr bool release_skips_wake = false;    // release_slot never wakes a claimer
  static constexpr bool sleep_without_recheck = false;  // a waiter announces its sleep after
                                                       // its last check, not before
  static constexpr bool release_unlock = false;        // unlock's store is release, not seq_cst
  // allocator
  static constexpr bool skip_coalesce = false;         // free() does not merge free neighbours
  static constexpr bool skip_footer = false;           // free() does not write the size footer
  static constexpr bool skip_journal = false;          // allocator writes bypass the undo log
};

}  // namespace wc
