// bench/rwlock_before_bitmap.hpp: wc::RwLock as it was before the claim bitmap (commit 881c83f,
// core/rwlock.hpp), for the benchmark's comparison rows only. Its writers scan every slot below
// `slots_used_`, the highest slot index ever claimed plus one, whoever still uses those slots.
// The class is that commit's, verbatim; only the namespace differs (wc_before_bitmap), and the
// enums and the default tuning it declared come from today's core/rwlock.hpp, unchanged since.
// Its essay is left out (git show 881c83f:core/rwlock.hpp); the comments in the class are that
// commit's and describe that lock, not today's.
#pragma once

#include <cstdint>

#include "core/prim.hpp"
#include "core/rwlock.hpp"  // Acquire, LockState, RwLockTuning: unchanged

namespace wc_before_bitmap {

using wc::Acquire;
using wc::kProcIdBits;
using wc::kProcIdMask;
using wc::LockState;
using wc::NoSeededBugs;
using wc::RwLockTuning;

template <class Prim, class Tuning = RwLockTuning, class Bugs = NoSeededBugs>
class RwLock {
 public:
  using proc_id = typename Prim::proc_id;
  static constexpr unsigned kSlots = Tuning::reader_slots;

  RwLock() : writer_(0), state_(0), seq_(0), sleepers_(0), slots_used_(0) {
    for (auto& s : slots_) s.v.store(0, std::memory_order_relaxed);
  }
  RwLock(const RwLock&) = delete;
  RwLock& operator=(const RwLock&) = delete;

  // ---- exclusive -------------------------------------------------------------------------
  Acquire lock() { return acquire_exclusive(true); }
  Acquire try_lock() { return acquire_exclusive(false); }

  // Precondition: held exclusively by this process. Returns false (and does nothing) otherwise.
  bool unlock() {
    const std::uint64_t w = writer_.load(std::memory_order_relaxed);
    if ((w & kProcIdMask) != Prim::self() || !(w & kEntered)) return false;
    if (state_.load(std::memory_order_relaxed) == u32(LockState::dirty))
      state_.store(u32(LockState::broken), std::memory_order_relaxed);  // RW-6: unrepaired
    if constexpr (Bugs::relaxed_unlock)
      writer_.store(0, std::memory_order_relaxed);
    else
      writer_.store(0, std::memory_order_seq_cst);  // RW-1: release the critical section
    notify();
    return true;
  }

  // Precondition: held exclusively after owner_died or broken, and the structure repaired.
  bool mark_consistent() {
    const std::uint64_t w = writer_.load(std::memory_order_relaxed);
    if ((w & kProcIdMask) != Prim::self() || !(w & kEntered)) return false;
    // state_ first, DIRTY second: dying in between only causes one more (idempotent) repair.
    state_.store(u32(LockState::consistent), std::memory_order_relaxed);
    writer_.store(w & ~kDirty, std::memory_order_relaxed);
    return true;
  }

  // ---- shared ----------------------------------------------------------------------------
  // `slot` is this process's reader slot, < kSlots, not used by another live process.
  Acquire lock_shared(unsigned slot) { return acquire_shared(slot, true); }
  Acquire try_lock_shared(unsigned slot) { return acquire_shared(slot, false); }

  bool unlock_shared(unsigned slot) {
    if (slot >= kSlots) return false;
    const std::uint64_t v = slots_[slot].v.load(std::memory_order_relaxed);
    if ((v >> kCountBits) != Prim::self() || (v & kCountMask) == 0) return false;
    slots_[slot].v.fetch_sub(1, std::memory_order_seq_cst);  // RW-1: release the read section
    if (writer_.load(std::memory_order_seq_cst) != 0) notify();  // a writer may be draining
    return true;
  }

  // ---- observation (statistics page, tests) ----------------------------------------------
  // Observers use seq_cst: they are off the fast path, and tests compare what they see with
  // what the lock's own seq_cst operations saw.
  LockState state() const { return LockState(state_.load(std::memory_order_seq_cst)); }
  proc_id writer_owner() const { return writer_.load(std::memory_order_seq_cst) & kProcIdMask; }
  unsigned readers_in(unsigned slot) const {
    return unsigned(slots_[slot].v.load(std::memory_order_seq_cst) & kCountMask);
  }
  std::uint32_t reaped_readers() const { return reaped_.load(std::memory_order_relaxed); }
  std::uint32_t writer_takeovers() const { return takeovers_.load(std::memory_order_relaxed); }

  // Structural self-check for models and property tests (RW-7). Quiescent callers only.
  bool check_invariants() const {
    const std::uint32_t st = state_.load(std::memory_order_relaxed);
    if (st > u32(LockState::broken)) return false;
    const std::uint64_t w = writer_.load(std::memory_order_relaxed);
    if (w != 0 && (w & kProcIdMask) == 0) return false;  // flags without an owner
    if (slots_used_.load(std::memory_order_relaxed) > kSlots) return false;
    for (unsigned i = 0; i < kSlots; ++i) {
      const std::uint64_t v = slots_[i].v.load(std::memory_order_relaxed);
      if ((v & kCountMask) != 0 && (v >> kCountBits) == 0) return false;  // count w/o owner
      // RW-7: writers scan [0, slots_used_): no read hold may lie beyond it. (A claimed slot
      // with no holds may: its claimer can die between claiming and publishing.)
      if ((v & kCountMask) != 0 && i >= slots_used_.load(std::memory_order_relaxed)) return false;
    }
    return true;
  }

 private:
  static constexpr std::uint64_t kEntered = std::uint64_t{1} << 63;
  static constexpr std::uint64_t kDirty = std::uint64_t{1} << 62;
  static constexpr int kCountBits = 64 - kProcIdBits;
  static constexpr std::uint64_t kCountMask = (std::uint64_t{1} << kCountBits) - 1;
  static constexpr std::uint32_t u32(LockState s) { return static_cast<std::uint32_t>(s); }

  static bool is_dead(proc_id p) {
    if constexpr (Bugs::skip_death_check) return false;
    return !Prim::alive(p);
  }

  // Bump the wake-up sequence; wake sleepers if there are any. The sleeper increments
  // `sleepers_` before it re-reads `seq_` inside Prim::wait, and we bump `seq_` before we read
  // `sleepers_`, both seq_cst: either we see the sleeper or its wait sees the new sequence (RW-2).
  void notify() {
    seq_.fetch_add(1, std::memory_order_seq_cst);
    if constexpr (Bugs::skip_wake) return;
    if (sleepers_.load(std::memory_order_seq_cst) != 0) Prim::wake_all(seq_);
  }

  // One bounded sleep on `seq_` (RW-2, RW-3): returns true if it timed out.
  bool sleep(std::uint32_t seen) {
    sleepers_.fetch_add(1, std::memory_order_seq_cst);
    const auto r = Prim::wait(seq_, seen, Tuning::poll_ms);
    sleepers_.fetch_sub(1, std::memory_order_relaxed);
    return r == Prim::wait_result::timed_out;
  }

  // Spin briefly, then sleep. Returns true when the caller should check liveness.
  bool pause(unsigned& spins, std::uint32_t seen) {
    if (spins < Tuning::spin) {
      ++spins;
      Prim::relax();
      return false;
    }
    return sleep(seen);
  }

  // `suspect`: the caller already found the owner unresponsive (a reader promoting after a
  // timed-out wait): check its liveness at the first failed claim instead of sleeping first.
  Acquire acquire_exclusive(bool blocking, bool suspect = false) {
    const proc_id me = Prim::self();
    unsigned spins = 0;
    bool must_repair = false;  // took over from an owner that died inside
    for (;;) {
      const std::uint32_t seen = seq_.load(std::memory_order_seq_cst);
      std::uint64_t cur = 0;
      if (writer_.compare_exchange_strong(cur, me, std::memory_order_seq_cst)) break;
      if ((cur & kProcIdMask) == me) return Acquire::misuse;  // recursion would self-deadlock
      bool check = !blocking || suspect;
      if (!check) check = pause(spins, seen);
      suspect = false;
      if (check && is_dead(cur & kProcIdMask)) {
        // RW-3: take over from the dead owner; carry "needs repair" in the word itself.
        const bool dirty = (cur & (kEntered | kDirty)) != 0 && !Bugs::forget_dirty;
        if (writer_.compare_exchange_strong(cur, me | (dirty ? kDirty : 0),
                                            std::memory_order_seq_cst)) {
          takeovers_.fetch_add(1, std::memory_order_relaxed);
          must_repair = dirty;
          break;
        }
        suspect = true;  // the word moved under us (a takeover, or the owner's ENTERED): look
        continue;        // again at once rather than after another sleep
      }
      if (!blocking) return Acquire::would_block;
    }
    // We own `writer_`; persist "needs repair" before anything else can fail.
    if (must_repair && state_.load(std::memory_order_relaxed) == u32(LockState::consistent))
      state_.store(u32(LockState::dirty), std::memory_order_relaxed);  // RW-6
    const Drain d = Bugs::skip_drain ? Drain::empty : drain_readers(me, blocking);
    if (d != Drain::empty) {
      // Live readers inside (try_lock), or this very process reads (a nested read hold that
      // would wait for itself forever). Give the word back; "needs repair" survives in state_.
      writer_.store(0, std::memory_order_seq_cst);
      notify();
      return d == Drain::self ? Acquire::misuse : Acquire::would_block;
    }
    if constexpr (Bugs::reader_preference) {
      writer_.store(me | kEntered | (must_repair ? kDirty : 0), std::memory_order_seq_cst);
      drain_readers(me, true);  // readers that slipped in while we were not yet ENTERED
    } else {
      writer_.store(me | kEntered | (must_repair ? kDirty : 0), std::memory_order_seq_cst);
    }
    switch (LockState(state_.load(std::memory_order_relaxed))) {
      case LockState::consistent: return Acquire::ok;
      case LockState::dirty: return Acquire::owner_died;  // RW-6
      default: return Acquire::broken;
    }
  }

  enum class Drain { empty, busy, self };

  // Wait until no reader slot holds a count (RW-1), clearing slots of dead readers (RW-4).
  // Non-blocking: one pass. Never waits for the caller's own read holds.
  Drain drain_readers(proc_id me, bool blocking) {
    unsigned spins = 0;
    bool ask_liveness = !blocking;  // a blocking drain asks only after a timed-out sleep
    for (;;) {
      const std::uint32_t seen = seq_.load(std::memory_order_seq_cst);
      const unsigned used = slots_used_.load(std::memory_order_seq_cst);
      bool busy = false;
      for (unsigned i = 0; i < used && i < kSlots; ++i) {
        std::uint64_t v = slots_[i].v.load(std::memory_order_seq_cst);
        if ((v & kCountMask) == 0) continue;
        const proc_id owner = v >> kCountBits;
        if (owner != me && ask_liveness && is_dead(owner)) {
          // RW-4: a dead reader's holds are cleared with a CAS from the exact dead word.
          if (slots_[i].v.compare_exchange_strong(v, 0, std::memory_order_seq_cst))
            reaped_.fetch_add(1, std::memory_order_relaxed);
          continue;
        }
        if (owner == me) return Drain::self;
        busy = true;
      }
      if (!busy) return Drain::empty;
      if (!blocking) return Drain::busy;
      // A dead reader is only found by asking, which we do after a bounded sleep.
      if (spins < Tuning::spin) {
        ++spins;
        Prim::relax();
      } else {
        ask_liveness = sleep(seen);  // Prim contract: liveness only after a bounded wait
      }
    }
  }

  // RW-3: a writer that died while claiming or draining (neither ENTERED nor DIRTY) changed
  // nothing: a reader clears its word (CAS from that exact dead word) and reads, rather than
  // promoting to exclusive, which would wait for, or in try_ mode fail because of, the other
  // readers. Returns false if the word needs a repairer (or moved under us: look again).
  // Precondition: the owner named by `w` is dead.
  bool clear_harmless_dead_writer(std::uint64_t w) {
    const std::uint64_t dead = w & kProcIdMask;
    for (;;) {
      if (w & (kEntered | kDirty)) return false;  // it entered before dying: promote, repair
      if (writer_.compare_exchange_strong(w, 0, std::memory_order_seq_cst)) {
        notify();
        return true;
      }
      if (w == 0 || (w & kProcIdMask) != dead) return true;  // cleared or taken: look again
    }
  }

  // Make `slot` ours: free, ours already, or left behind by a dead process (RW-4).
  bool claim_slot(unsigned slot, proc_id me) {
    std::uint64_t v = slots_[slot].v.load(std::memory_order_relaxed);
    while ((v >> kCountBits) != me) {
      if (v != 0 && (v & kCountMask) != 0 && !is_dead(v >> kCountBits)) return false;
      if (slots_[slot].v.compare_exchange_strong(v, me << kCountBits, std::memory_order_seq_cst))
        break;
    }
    // Publish the slot to writers' scans before our first announce (RW-1).
    unsigned used = slots_used_.load(std::memory_order_seq_cst);
    while (used <= slot &&
           !slots_used_.compare_exchange_strong(used, slot + 1, std::memory_order_seq_cst)) {
    }
    return true;
  }

  Acquire acquire_shared(unsigned slot, bool blocking) {
    const proc_id me = Prim::self();
    if (slot >= kSlots || !claim_slot(slot, me)) return Acquire::misuse;
    if ((slots_[slot].v.load(std::memory_order_relaxed) & kCountMask) == kCountMask)
      return Acquire::misuse;  // 255 nested read holds
    unsigned spins = 0;
    for (;;) {
      slots_[slot].v.fetch_add(1, std::memory_order_seq_cst);  // RW-1: announce
      const std::uint64_t w = writer_.load(std::memory_order_seq_cst);  // RW-1: look
      const bool writer_blocks = Bugs::reader_preference ? (w & kEntered) != 0 : w != 0;
      if (!writer_blocks && state_.load(std::memory_order_acquire) == 0) return Acquire::ok;
      slots_[slot].v.fetch_sub(1, std::memory_order_seq_cst);  // withdraw (RW-5)
      // A writer draining NOW may have counted our announce: look again after the withdraw
      // (seq_cst: either it sees the withdraw in its scan, or we see it here and wake it).
      const std::uint64_t now = writer_.load(std::memory_order_seq_cst);
      if (now != 0 && (Bugs::reader_preference || !(now & kEntered))) notify();
      if ((w & kProcIdMask) == me) return Acquire::misuse;
      bool promote = w == 0;  // free but needing repair or reinitialisation
      if (!promote && !blocking) {
        if (!is_dead(w & kProcIdMask)) return Acquire::would_block;
        if (clear_harmless_dead_writer(w)) continue;
        promote = true;
      }
      // Wait, without announcing again, until the write side is free (RW-2). Announcing while
      // a writer waits would wake it and the other readers for nothing.
      while (!promote) {
        const std::uint32_t seen = seq_.load(std::memory_order_seq_cst);
        const std::uint64_t cur = writer_.load(std::memory_order_seq_cst);
        if (cur == 0) break;
        if (pause(spins, seen) && is_dead(cur & kProcIdMask)) {
          if (clear_harmless_dead_writer(cur)) break;
          promote = true;
        }
      }
      if (!promote) continue;
      // Promote: the writer died, or the structure needs repair. Repair needs the lock
      // exclusively; if somebody repaired first there is nothing to do: release and read again,
      // so that `ok` from a shared acquire always means a shared hold.
      const Acquire r = acquire_exclusive(blocking, /*suspect=*/true);
      if (r != Acquire::ok) return r;
      unlock();
    }
  }

  // ---- shared fields (cross-process ABI; each is one naturally aligned word) -------------
  // Owner of the write side: proc_id | ENTERED | DIRTY, 0 when free. Written by CAS from 0 or
  // from a dead owner's exact word, then only by its owner. seq_cst (Dekker with readers).
  typename Prim::template atomic<std::uint64_t> writer_;
  // LockState. Written only by the owner of writer_; read by readers (acquire) and owners.
  typename Prim::template atomic<std::uint32_t> state_;
  // Wake-up sequence: bumped by every release that may unblock a waiter. Futex word.
  typename Prim::template atomic<std::uint32_t> seq_;
  // Number of threads asleep in Prim::wait(seq_): releases skip the wake syscall when 0.
  typename Prim::template atomic<std::uint32_t> sleepers_;
  // One past the highest slot ever claimed: writers scan [0, slots_used_).
  typename Prim::template atomic<std::uint32_t> slots_used_;
  // Counters for the statistics page (relaxed; informational).
  typename Prim::template atomic<std::uint32_t> reaped_{0};
  typename Prim::template atomic<std::uint32_t> takeovers_{0};
  // Reader slots: (owner proc_id << 8) | read-hold count. Changed by the owner (fetch_add/sub),
  // by a claimer or reaper only with a CAS from a dead owner's exact word. One cache line each:
  // packed eight to a line, the readers of different processes would bounce one line between
  // cores on every lock_shared/unlock_shared.
  struct alignas(64) Slot {
    typename Prim::template atomic<std::uint64_t> v;
  };
  Slot slots_[kSlots];
};

}  // namespace wc_before_bitmap
