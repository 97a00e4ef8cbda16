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
// Fork holds (kHolds > 0; the keyed store's request-long pins, ZC-4 in zerocopy.md): announcements
// that belong to no reader slot. A process about to fork() while it is pinned claims one (hold())
// announcing its own pinned epoch, so that the entries its child inherits references to stay
// allocated however soon the parent unpins; the child takes the hold over (adopt()) and gives it
// back (release()) when its request ends; a child that dies releases it by dying (RECL-2: the
// holder's liveness is asked like a reader's). hold() and adopt() must not run concurrently with
// safe_below() (the store calls them under its shared lock; safe_below() runs under the
// exclusive one): the reap in safe_below() decides on an (epoch, owner) pair read as two words.
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
template <class Prim, unsigned kSlots = 64, class Bugs = NoReclaimBugs, unsigned kHolds = 0>
class EpochReaders {
 public:
  using proc_id = typename Prim::proc_id;
  static constexpr unsigned kAll = kSlots + kHolds;

  // A zero-filled EpochReaders is not valid; create() sets the epoch (the segment creator).
  void create() {
    epoch_.store(1, std::memory_order_relaxed);
    holds_.store(0, std::memory_order_relaxed);
    announced_.store(0, std::memory_order_relaxed);
    high_.store(0, std::memory_order_relaxed);
    for (auto& r : readers_) {
      r.owner.store(0, std::memory_order_relaxed);
      r.epoch.store(0, std::memory_order_relaxed);
      r.since_ms.store(0, std::memory_order_relaxed);
    }
  }

  // ---- readers (no lock) ---------------------------------------------------------------------
  // now_ms: when the read section started (statistics only: the oldest pin's age).
  bool enter(unsigned slot, std::uint64_t now_ms = 0) {
    if (slot >= kSlots) return false;
    auto& r = readers_[slot];
    r.since_ms.store(now_ms, std::memory_order_relaxed);
    r.owner.store(Prim::self(), std::memory_order_seq_cst);
    // Counted BEFORE the global epoch is read: a collector that finds the count 0 advanced the
    // epoch before this increment, so this reader announces the advanced epoch (RECL-1). A word
    // a dead owner left non-zero keeps its count: this enter takes it over (the store calls
    // enter under its shared lock, so no reaper runs meanwhile, ZC-2).
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
  // The count shrinks only for the change of the word from non-zero to 0 (this exchange, or a
  // reaper's CAS: exactly one of them makes it).
  void exit(unsigned slot) {
    if (slot < kSlots && readers_[slot].epoch.exchange(0, std::memory_order_seq_cst) != 0)
      announced_.fetch_sub(1, std::memory_order_seq_cst);
  }
  // The epoch slot announced (0: not inside a read section).
  std::uint64_t announced(unsigned slot) const {
    return slot < kAll ? epoch_of(slot, readers_[slot].epoch.load(std::memory_order_seq_cst)) : 0;
  }

  // ---- fork holds (see the header comment; not concurrently with safe_below) ----------------
  // Claims a free hold announcing `epoch` (an epoch this process has announced and still
  // announces, so that nothing retired at or after it has been freed) for this process. Returns
  // the hold's number (>= 1), or 0 if epoch is 0 or every hold is taken by a live process.
  unsigned hold(std::uint64_t epoch, std::uint64_t now_ms) {
    if (epoch == 0) return 0;
    const proc_id me = Prim::self();
    for (unsigned i = 0; i < kHolds; ++i) {
      auto& r = readers_[kSlots + i];
      proc_id o = r.owner.load(std::memory_order_seq_cst);
      if (o != 0 && Prim::alive(o)) continue;  // taken (a dead holder holds nothing: RECL-2)
      if (!r.owner.compare_exchange_strong(o, me, std::memory_order_seq_cst)) continue;
      r.since_ms.store(now_ms, std::memory_order_relaxed);
      // ZC-4: not adopted yet. The count of pinning holds grows with every word that goes from
      // 0 to pinning (under the shared lock: no reaper reads the count meanwhile).
      if (r.epoch.exchange(epoch << 1, std::memory_order_seq_cst) == 0)
        holds_.fetch_add(1, std::memory_order_seq_cst);
      return i + 1;
    }
    return 0;
  }
  // The calling process (a fork child) takes hold `n`, claimed by process `parent` at `epoch`,
  // over. False if it cannot: the hold was reaped (the parent died before the child took it
  // over, and a writer collected) or taken by another; entries retired at or after `epoch` may
  // then have been freed. Two CASes, so that neither a reaper that judged the hold by its dead
  // parent nor a claimer can take it from under the child: the owner word from the parent to
  // the child (a claimer takes only a free or dead-owned hold), then the hold's word from
  // "epoch, not adopted" to "epoch, adopted" (a reaper clears only the exact word it judged).
  // No lock needed (the child has no reader slot of its own yet).
  bool adopt(unsigned n, std::uint64_t epoch, proc_id parent) {
    if (n == 0 || n > kHolds || epoch == 0) return false;
    auto& r = readers_[kSlots + n - 1];
    const proc_id me = Prim::self();
    proc_id o = parent;
    if (!r.owner.compare_exchange_strong(o, me, std::memory_order_seq_cst)) return false;
    std::uint64_t w = epoch << 1;
    if (r.epoch.compare_exchange_strong(w, w | 1, std::memory_order_seq_cst)) return true;  // ZC-4
    release(n);  // reaped (the word is 0 already): the child holds nothing
    return false;
  }
  // The holder (the child, or the parent whose fork failed) gives hold `n` back. Only the epoch
  // word pins; the owner word is cleared after it, so a claimer never sees a free hold pinned.
  void release(unsigned n) {
    if (n == 0 || n > kHolds) return;
    auto& r = readers_[kSlots + n - 1];
    if (r.owner.load(std::memory_order_seq_cst) != Prim::self()) return;  // not ours (any more)
    if (r.epoch.exchange(0, std::memory_order_seq_cst) != 0)  // the count shrinks after the word
      holds_.fetch_sub(1, std::memory_order_seq_cst);
    r.owner.store(0, std::memory_order_seq_cst);
  }

  // fn(index, owner, epoch, since_ms) for every announcement (reader slots first, then the
  // holds at kSlots + n - 1), dead or alive: the statistics page's oldest pin.
  template <class Fn>
  void for_each_pin(Fn&& fn) const {
    for (unsigned i = 0; i < kAll; ++i) {
      const std::uint64_t e = epoch_of(i, readers_[i].epoch.load(std::memory_order_seq_cst));
      if (e == 0) continue;
      fn(i, proc_id(readers_[i].owner.load(std::memory_order_seq_cst)), e,
         readers_[i].since_ms.load(std::memory_order_relaxed));
    }
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
    // The holds are scanned only while some hold pins (the count is never below the number of
    // pinning hold words: it grows before a word pins, shrinks after it stops): the writers'
    // collect pays for the slots alone when nobody forked pinned.
    const bool holds = kHolds != 0 && holds_.load(std::memory_order_seq_cst) != 0;
    // Nobody announced (the common case): no scan of every slot (kSlots may be 1024).
    const bool slots = announced_.load(std::memory_order_seq_cst) != 0;
    if (!slots && !holds) return min;
    const std::uint64_t high = slots ? high_.load(std::memory_order_seq_cst) : 0;
    for (unsigned i = 0; i < kAll; ++i) {
      if (i < kSlots && i >= high) {  // past the highest slot that ever announced
        if (!holds) break;
        i = kSlots - 1;
        continue;
      }
      auto& r = readers_[i];
      std::uint64_t w = r.epoch.load(std::memory_order_seq_cst);
      if (w == 0) continue;
      const proc_id owner = r.owner.load(std::memory_order_seq_cst);
      if (!Bugs::dead_readers_pin && check_alive && owner != 0 && !Prim::alive(owner)) {
        if (r.epoch.compare_exchange_strong(w, 0, std::memory_order_seq_cst)) {  // RECL-2
          if (i >= kSlots)
            holds_.fetch_sub(1, std::memory_order_seq_cst);
          else
            announced_.fetch_sub(1, std::memory_order_seq_cst);
          continue;
        }
        // The word changed since it was judged (a fork child adopted the hold: ZC-4): what it
        // announces now counts, whoever owns it.
        if (w == 0) continue;
      }
      const std::uint64_t e = epoch_of(i, w);
      if (e < min) min = e;
    }
    return min;
  }
  // Is this slot inside a read section now? (Tests, the statistics page.)
  bool reading(unsigned slot) const {
    return slot < kSlots && readers_[slot].epoch.load(std::memory_order_seq_cst) != 0;
  }
  // The current global epoch (what an enter() now would announce).
  std::uint64_t current() const { return epoch_.load(std::memory_order_seq_cst); }

 private:
  // A hold's word is (epoch << 1) | adopted (adopt() changes the word, so a reaper's CAS from the
  // word it judged fails once the child has taken the hold over); a reader slot's is the epoch.
  static std::uint64_t epoch_of(unsigned i, std::uint64_t w) { return i < kSlots ? w : w >> 1; }

  template <class T>
  using A = typename Prim::template atomic<T>;
  A<std::uint64_t> epoch_;  // global epoch, >= 1; advanced by every retire (under the lock)
  A<std::uint64_t> holds_;  // fork holds whose word pins (an upper bound at any moment)
  // How many reader slots announce a non-zero epoch (a fast path for collectors; a process that
  // dies between this count and its epoch word leaves it high: collectors then scan, never err).
  A<std::uint64_t> announced_;
  A<std::uint64_t> high_;  // 1 + the highest slot that ever announced (collectors scan below it)
  struct Reader {
    A<std::uint64_t> owner;     // proc_id of the slot's process (written by itself); a hold's:
                                // its holder (0 = free)
    A<std::uint64_t> epoch;     // 0 = quiescent, else the global epoch seen at enter() (a
                                // hold: the epoch it keeps)
    A<std::uint64_t> since_ms;  // when enter()/hold() announced (statistics; relaxed)
  } readers_[kAll];
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
