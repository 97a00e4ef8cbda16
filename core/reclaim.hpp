// core/reclaim.hpp: deferred reclamation for entries that other processes may still be reading.
//
// A reader of a shared segment may hold an offset into it (a value handed out without copying,
// a file streamed from the file cache) after the writer has unlinked the entry. Freeing it then
// would hand the bytes to the next store while the reader still reads them. Epoch-based
// reclamation, with the epochs per process slot so that the dead can be told apart:
//
//   reader:   enter(slot)  announce the current global epoch (seq_cst), then read references;
//             exit(slot)   announce quiescence (epoch 0).
//   writer:   (under the segment's exclusive lock) unlink the entry (seq_cst store), then
//             retire(off): record it in the limbo list with the current epoch E and advance the
//             global epoch to E+1.
//   collect:  (under the lock) free every retired entry whose epoch is below the smallest epoch
//             any LIVE reader has announced (RECL-1).
//
// Why it is safe: a reader whose announcement the collector does not see announced after the
// collector looked, hence after the unlink, so it cannot have read the unlinked reference (the
// announce-store / reference-load and unlink-store / announce-load pairs are seq_cst). A reader
// that announced epoch <= E might hold the entry, and E < its epoch is false, so the entry stays.
//
// A reader that dies inside its read section does not pin anything forever: collect asks
// Prim::alive about the owners of non-quiescent announcements and clears the dead ones with a
// CAS from the exact dead word (RECL-2). The limbo list is bounded; retire() reports a full
// list, and the caller collects (or frees nothing and keeps the entry linked) rather than lose
// track of memory.
//
// RECL-3 (the caller's part): every used block is exactly one of referenced, in flight (recorded
// in the same allocator transaction that allocated it), or retired here; see reclamation.md.
//
// Lives inside the segment it protects; plain offsets and fixed-width atomics only.
#pragma once

#include <cstdint>

#include "prim.hpp"

namespace wc {

struct NoReclaimBugs {
  static constexpr bool free_at_once = false;     // collect ignores readers entirely
  static constexpr bool dead_readers_pin = false; // collect never reaps dead readers
};

// The readers' half, on its own: per-slot announcements and the global epoch. The Reclaimer
// below keeps its retired entries in a plain list; the keyed store (core/store.hpp) keeps them
// in a journaled list of its own and uses this part alone.
template <class Prim, unsigned kSlots = 64, class Bugs = NoReclaimBugs>
class EpochReaders {
 public:
  using proc_id = typename Prim::proc_id;

  // A zero-filled EpochReaders is not valid; create() sets the epoch (the segment creator).
  void create() {
    epoch_.store(1, std::memory_order_relaxed);
    announced_.store(0, std::memory_order_relaxed);
    high_.store(0, std::memory_order_relaxed);
    for (auto& r : readers_) {
      r.owner.store(0, std::memory_order_relaxed);
      r.epoch.store(0, std::memory_order_relaxed);
    }
  }

  // ---- readers (no lock) ---------------------------------------------------------------------
  bool enter(unsigned slot) {
    if (slot >= kSlots) return false;
    auto& r = readers_[slot];
    r.owner.store(Prim::self(), std::memory_order_seq_cst);
    // Counted BEFORE the global epoch is read: a collector that finds the count 0 advanced the
    // epoch before this increment, so this reader announces the advanced epoch (RECL-1).
    if (r.epoch.load(std::memory_order_seq_cst) == 0)
      announced_.fetch_add(1, std::memory_order_seq_cst);
    // The slots a collector scans: [0, high_), raised (never lowered) before the epoch is read,
    // by the argument above. Processes take the lowest free slots: a pool of N scans about N.
    for (std::uint64_t h = high_.load(std::memory_order_seq_cst);
         h < slot + 1 && !high_.compare_exchange_strong(h, slot + 1, std::memory_order_seq_cst);) {
    }
    r.epoch.store(epoch_.load(std::memory_order_seq_cst), std::memory_order_seq_cst);  // RECL-1
    return true;
  }
  void exit(unsigned slot) {
    if (slot < kSlots && readers_[slot].epoch.exchange(0, std::memory_order_seq_cst) != 0)
      announced_.fetch_sub(1, std::memory_order_seq_cst);
  }

  // ---- writer (under the segment's exclusive lock) ------------------------------------------
  // Called right after an unlink (seq_cst): the epoch to record with the retired entry. Later
  // readers announce a greater one (RECL-1).
  std::uint64_t advance() {
    const std::uint64_t e = epoch_.load(std::memory_order_seq_cst);
    epoch_.store(e + 1, std::memory_order_seq_cst);  // RECL-1: later readers see the unlink
    return e;
  }
  // Entries retired at an epoch below this may be freed: no live reader can still reach them.
  // Clears dead readers' announcements on the way (RECL-2).
  // check_alive false: every announcement counts as live (no liveness look-up, each of which
  // reads /proc on Linux): conservative, never frees too early; RECL-2's reaping then waits for a
  // collector that asks.
  std::uint64_t safe_below(bool check_alive = true) {
    std::uint64_t min = ~std::uint64_t{0};
    if constexpr (Bugs::free_at_once) return min;
    // Nobody announced (the common case): no scan of every slot (kSlots may be 1024).
    if (announced_.load(std::memory_order_seq_cst) == 0) return min;
    const std::uint64_t high = high_.load(std::memory_order_seq_cst);
    for (std::uint64_t i = 0; i < high && i < kSlots; ++i) {
      auto& r = readers_[i];
      std::uint64_t e = r.epoch.load(std::memory_order_seq_cst);
      if (e == 0) continue;
      const proc_id owner = r.owner.load(std::memory_order_seq_cst);
      if (!Bugs::dead_readers_pin && check_alive && owner != 0 && !Prim::alive(owner)) {
        if (r.epoch.compare_exchange_strong(e, 0, std::memory_order_seq_cst))  // RECL-2
          announced_.fetch_sub(1, std::memory_order_seq_cst);
        continue;
      }
      if (e < min) min = e;
    }
    return min;
  }
  // Is this slot inside a read section now? (Tests, the statistics page.)
  // The epoch `slot` announced (0: quiescent). Read by its own process (a hand-out's stamp).
  std::uint64_t announced(unsigned slot) const {
    return slot < kSlots ? readers_[slot].epoch.load(std::memory_order_seq_cst) : 0;
  }
  bool reading(unsigned slot) const {
    return slot < kSlots && readers_[slot].epoch.load(std::memory_order_seq_cst) != 0;
  }

 private:
  template <class T>
  using A = typename Prim::template atomic<T>;
  A<std::uint64_t> epoch_;  // global epoch, >= 1; advanced by every retire (under the lock)
  // How many slots announce a non-zero epoch (a fast path for collectors; a process that dies
  // between this count and its epoch word leaves it high: collectors then scan, never err).
  A<std::uint64_t> announced_;
  A<std::uint64_t> high_;  // 1 + the highest slot that ever announced (collectors scan below it)
  struct Reader {
    A<std::uint64_t> owner;  // proc_id of the slot's process (written by itself)
    A<std::uint64_t> epoch;  // 0 = quiescent, else the global epoch seen at enter()
  } readers_[kSlots];
};

template <class Prim, unsigned kSlots = 64, unsigned kLimbo = 256, class Bugs = NoReclaimBugs>
class Reclaimer {
 public:
  using proc_id = typename Prim::proc_id;

  // A zero-filled Reclaimer is not valid; create() sets the epoch (the segment creator calls it).
  void create() {
    readers_.create();
    for (auto& l : limbo_) {
      l.off.store(0, std::memory_order_relaxed);
      l.epoch.store(0, std::memory_order_relaxed);
    }
  }

  // ---- readers (no lock) ---------------------------------------------------------------------
  bool enter(unsigned slot) { return readers_.enter(slot); }
  void exit(unsigned slot) { readers_.exit(slot); }

  // ---- writer (under the segment's exclusive lock) ------------------------------------------
  // The entry at `off` has been unlinked (seq_cst). False if the limbo list is full.
  bool retire(std::uint64_t off) {
    for (auto& l : limbo_) {
      if (l.off.load(std::memory_order_relaxed) != 0) continue;
      l.epoch.store(readers_.advance(), std::memory_order_relaxed);
      l.off.store(off, std::memory_order_relaxed);
      return true;
    }
    return false;
  }

  // Frees (through free_fn(off)) every retired entry no live reader can still reach. Returns
  // how many were freed.
  template <class FreeFn>
  unsigned collect(FreeFn&& free_fn) {
    const std::uint64_t min = readers_.safe_below();
    unsigned freed = 0;
    for (auto& l : limbo_) {
      const std::uint64_t off = l.off.load(std::memory_order_relaxed);
      if (off == 0 || l.epoch.load(std::memory_order_relaxed) >= min) continue;
      l.off.store(0, std::memory_order_relaxed);
      free_fn(off);
      ++freed;
    }
    return freed;
  }

  // Entries awaiting reclamation (for the accounting checks and the statistics page).
  unsigned pending() const {
    unsigned n = 0;
    for (auto& l : limbo_) n += l.off.load(std::memory_order_relaxed) != 0;
    return n;
  }
  template <class Fn>
  void for_each_pending(Fn&& fn) const {
    for (auto& l : limbo_) {
      const std::uint64_t off = l.off.load(std::memory_order_relaxed);
      if (off != 0) fn(off);
    }
  }

 private:
  template <class T>
  using A = typename Prim::template atomic<T>;
  EpochReaders<Prim, kSlots, Bugs> readers_;
  struct Retired {
    A<std::uint64_t> off;    // 0 = empty; the retired entry's offset (under the lock)
    A<std::uint64_t> epoch;  // global epoch when it was retired
  } limbo_[kLimbo];
};

}  // namespace wc
