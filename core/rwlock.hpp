// core/rwlock.hpp: a process-shared, robust, writer-preferring reader/writer lock.
//
// The lock lives in shared memory and is used by many processes at once. Any of them may be
// killed at any instruction (SIGKILL, TerminateProcess, the OOM killer) while it holds the lock
// or is half-way through taking or releasing it. The design goal: such a death never hangs the
// survivors, and a death that may have left the guarded structure half-updated is REPORTED to
// the next holder rather than hidden (WinCache logged WAIT_ABANDONED and went on; APCu's
// pthread rwlock hangs forever).
//
// Algorithm
// ---------
// Writers are serialised by one word, `writer_`, holding the proc_id of the writer that owns or
// is taking the lock, plus two flag bits:
//   ENTERED  the owner has drained the readers and is inside its critical section. A death with
//            ENTERED set may have left the guarded structure half-updated.
//   DIRTY    set by a writer that took the word over from a dead owner that had ENTERED (or
//            was itself DIRTY); it carries "needs repair" across the window between the takeover
//            and the write of `state_`, so a second death in that window loses nothing.
// Readers do not share a counter. Each process reads through its own reader slot (an index the
// caller owns; the segment layer gives each attached process one): a word packing the slot
// owner's proc_id with its count of read holds. Who is reading is therefore derived from the
// slot words alone; there is no second counter that could drift from them (the WinCache 1.0
// crash was two counts drifting apart).
//
// Reader: announce (count+1 on its slot, seq_cst), then look at `writer_` (seq_cst). If a
// writer owns or is taking the lock, withdraw (count-1) and wait. Writer: claim `writer_`
// (CAS, seq_cst), then scan the claimed slots until every count is zero. The announce/look pair
// on each side is a Dekker handshake: with both sides seq_cst, at least one sees the other, so a
// reader and a writer are never both inside (RW-1). A writer waiting to drain blocks NEW
// readers, because they see `writer_` != 0 and withdraw: writers cannot starve (RW-5).
//
// Which slots a writer scans: the claim bitmap
// --------------------------------------------
// A group may hold a thousand processes or more, each with its own slot (one cache line). A
// writer must not read a thousand lines on every write, nor keep reading them after most of
// those processes have gone. So a bitmap `claimed_` (one bit per slot, kSlots/64 words rounded
// up) says which slots may hold a read count, and writers read only the slots of its set bits.
//   - A reader's first acquire through a slot CLAIMS it: it CASes the slot word to its own
//     proc_id (from 0, from a live owner's word without holds, or from anything a dead owner
//     left), THEN sets the slot's bit (fetch_or, seq_cst), and only then announces. Later
//     acquires find the word theirs and the bit already set (only the owner clears it).
//   - A process that detaches gives the slot back with release_slot() (RW-8): it fences its
//     word (CAS from "mine, no holds" to "mine, releasing": the count field's top value; while
//     it is fenced no other process claims the word: a live releaser is waited for, a dead
//     one's word is taken over; writers skip it, it is no reader), THEN clears the bit, THEN
//     stores 0 and wakes anybody waiting to claim. The fence is what makes "clear first" safe:
//     without it another process could take the idle word (a live owner's word without holds
//     is claimable: the segment layer may hand an index on without a release) and set the bit
//     between our ownership check and our clear, which would then wipe it.
//   - A dead reader's word is reaped by a draining writer (RW-4), but its bit is NOT cleared:
//     a reaper's clear could land after a new claimer's set. The bit stays set until the slot's
//     next owner releases it, so the set bits are bounded by the slot indices in use at once
//     (the segment layer hands out the lowest free index), not by the capacity.
// Why RW-1 still holds: the handshake now goes through the bit. Reader: set bit (r1), announce
// (r2), look at `writer_` (r3). Writer: claim `writer_` (w1), read the bitmap word (w2), read
// the slot (w3). All seq_cst, so they lie in one total order S. If r3 does not see w1's claim,
// r3 precedes w1 in S, hence r1 < r2 < r3 < w1 < w2 < w3. Between r1 and the reader's release
// nobody clears the bit (only the word's owner clears it, under its fence, and the reader owns
// the word while it reads: a word with holds of a live owner is never claimed), so w2 sees the
// bit, w3 sees the announce, and the writer waits. Otherwise r3 sees the claim and the reader
// withdraws. Either way they are never both inside.
//
// Waiting is bounded: every sleep is Prim::wait on `seq_` with a timeout of Tuning::poll_ms.
// A waiter spins a little (looking, never writing: a CAS per spin would pull the holder's line
// away from it; and looking less and less often, exponential backoff, so that a holder that
// releases and claims again finds its line still in its own cache), then announces itself in `sleepers_`, checks once more and sleeps. A release
// that could unblock someone reads `sleepers_`: if nobody announced, that is all it costs (no
// bump, no system call); otherwise it clears the flag, bumps `seq_` and wakes everybody (RW-2;
// the order of the steps and why no wake-up is lost: `pause`). So a writer's acquire and
// release cost one atomic read-modify-write each (the claim's CAS, the release's store), as
// pthread's do, plus plain loads and the release store of ENTERED. When a
// wait times out the waiter asks Prim::alive about whoever blocks it:
//   - a dead writer: the waiter takes `writer_` over with a CAS from the dead word (RW-3);
//   - a dead reader: the draining writer clears that slot with a CAS (RW-4);
//   - a dead releaser (a claimer found the slot fenced): the claimer takes the word over (RW-4).
// A CAS from the exact dead word can only succeed once and a proc_id is never reused, so a
// takeover or a reap cannot clobber a live holder.
//
// Recovery state machine (persistent part in `state_`, transient part in the DIRTY bit):
//
//        +------------- writer dies after ENTERED -------------+
//        |                                                     v
//   CONSISTENT <--- mark_consistent() --- DIRTY (held by the repairer, acquire said owner_died)
//        ^                                   |   ^ the repairer dies: the next one gets
//        |                                   |   | owner_died again
//        |                    unlock() without mark_consistent()
//        |                                   v
//        +--- mark_consistent() after --- BROKEN (acquire says broken: reinitialise)
//             reinitialising
//
// Any acquire result other than `ok` (owner_died, broken) means: you now hold the lock
// EXCLUSIVELY (a reader is promoted: it cannot repair under a shared hold), repair or
// reinitialise the guarded structure, call mark_consistent(), then unlock().
//
// Fairness (RW-5): writer preference. Once a writer has claimed `writer_`, no reader that starts
// to acquire afterwards enters before that writer has been inside and left; the writer waits at
// most for the readers already inside. Readers can be delayed by an unbroken stream of writers;
// for a cache, where writes are short and rarer than reads, that is the right trade.
//
// Every shared field is an atomic of fixed width; the object is standard layout and contains no
// pointer, so any process may map it at any address.
#pragma once

#include <atomic>
#include <cstdint>
#include <type_traits>

#include "prim.hpp"

namespace wc {

// Tuning knobs, separate from the mechanism. Models use tiny values.
struct RwLockTuning {
  static constexpr unsigned reader_slots = 64;  // processes that can read at once (slot indices,
                                                // 1 .. kMaxReaderSlots)
  static constexpr unsigned spin = 6;           // looks before sleeping, the k-th after 2^k
                                                // relax() (2+4+...+64 = 126 in all, ~1.3 us at
                                                // 10 ns per pause)
  static constexpr std::uint32_t poll_ms = 20;  // a sleeper re-checks liveness this often
};

enum class Acquire : std::uint8_t {
  ok,           // held as requested; the guarded structure is consistent
  owner_died,   // held EXCLUSIVELY; a writer died inside: repair, mark_consistent(), unlock()
  broken,       // held EXCLUSIVELY; a repair was abandoned: reinitialise, mark_consistent()
  would_block,  // try_ forms only: someone alive holds it (or is giving back the reader slot)
  misuse,       // not held: recursion, a reader slot held by another live process, overflow
};

// The largest reader_slots a RwLock takes (the slot array is 64 bytes a slot: 256 KB here).
inline constexpr unsigned kMaxReaderSlots = 4096;

enum class LockState : std::uint32_t { consistent = 0, dirty = 1, broken = 2 };

template <class Prim, class Tuning = RwLockTuning, class Bugs = NoSeededBugs>
class RwLock {
 public:
  using proc_id = typename Prim::proc_id;
  static constexpr unsigned kSlots = Tuning::reader_slots;
  static constexpr unsigned kMapWords = (kSlots + 63) / 64;  // words of the claim bitmap
  static_assert(kSlots >= 1 && kSlots <= kMaxReaderSlots, "reader_slots: 1 .. kMaxReaderSlots");

  RwLock() : writer_(0), state_(0), seq_(0), sleepers_(0) {
    for (auto& m : claimed_) m.v.store(0, std::memory_order_relaxed);
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
    else if constexpr (Bugs::release_unlock)
      writer_.store(0, std::memory_order_release);  // twin: may pass notify's load (RW-2)
    else
      writer_.store(0, std::memory_order_seq_cst);  // RW-1: release; RW-2: before notify's load
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
    const std::uint64_t count = v & kCountMask;
    if ((v >> kCountBits) != Prim::self() || count == 0 || count == kReleasing) return false;
    slots_[slot].v.fetch_sub(1, std::memory_order_seq_cst);  // RW-1: release the read section
    if (writer_.load(std::memory_order_seq_cst) != 0) notify();  // a writer may be draining
    return true;
  }

  // Give `slot` back when this process detaches: writers stop scanning it and another process
  // may claim it. Precondition: this process claimed the slot (a lock_shared or try_lock_shared
  // through it) and holds no read hold through it. Returns false, changing nothing, otherwise
  // (no claim, holds, somebody else's slot, out of range). RW-8: fence, clear the bit, give back.
  bool release_slot(unsigned slot) {
    if (slot >= kSlots) return false;
    auto& word = slots_[slot].v;
    const std::uint64_t mine = Prim::self() << kCountBits;  // ours, no read hold
    if constexpr (Bugs::unfenced_release) {
      if (word.load(std::memory_order_seq_cst) != mine) return false;
      clear_bit(slot);  // the word stays claimable by others while we clear: RW-8 broken
      std::uint64_t v = mine;
      if (!word.compare_exchange_strong(v, 0, std::memory_order_seq_cst)) return false;
      notify();
      return true;
    }
    std::uint64_t v = mine;
    // RW-8: fence the word first. From here until the store of 0 no other process claims it.
    if (!word.compare_exchange_strong(v, mine | kReleasing, std::memory_order_seq_cst))
      return false;  // not ours, or we still read through it
    if constexpr (Bugs::release_bit_after_owner) {
      word.store(0, std::memory_order_seq_cst);
      clear_bit(slot);  // may wipe the bit of a claimer that took the word just now
    } else {
      clear_bit(slot);                           // RW-8: clear while nobody else can claim,
      word.store(0, std::memory_order_seq_cst);  // then give the word back
    }
    if constexpr (!Bugs::release_skips_wake) notify();  // a claimer may wait on the fence (RW-2)
    return true;
  }

  // ---- observation (statistics page, tests) ----------------------------------------------
  // Observers use seq_cst: they are off the fast path, and tests compare what they see with
  // what the lock's own seq_cst operations saw.
  LockState state() const { return LockState(state_.load(std::memory_order_seq_cst)); }
  proc_id writer_owner() const { return writer_.load(std::memory_order_seq_cst) & kProcIdMask; }
  unsigned readers_in(unsigned slot) const {
    const std::uint64_t count = slots_[slot].v.load(std::memory_order_seq_cst) & kCountMask;
    return count == kReleasing ? 0 : unsigned(count);
  }
  // Whether writers scan `slot` (its bit in the claim bitmap), and how many slots they scan.
  bool slot_claimed(unsigned slot) const {
    return slot < kSlots && (claimed_[slot / 64].v.load(std::memory_order_seq_cst) & bit(slot));
  }
  unsigned claimed_slots() const {
    unsigned n = 0;
    for (const auto& m : claimed_)
      n += unsigned(__builtin_popcountll(m.v.load(std::memory_order_seq_cst)));
    return n;
  }
  std::uint32_t reaped_readers() const { return reaped_.load(std::memory_order_relaxed); }
  std::uint32_t writer_takeovers() const { return takeovers_.load(std::memory_order_relaxed); }

  // Structural self-check for models and property tests (RW-7). Quiescent callers only.
  bool check_invariants() const {
    const std::uint32_t st = state_.load(std::memory_order_relaxed);
    if (st > u32(LockState::broken)) return false;
    const std::uint64_t w = writer_.load(std::memory_order_relaxed);
    if (w != 0 && (w & kProcIdMask) == 0) return false;  // flags without an owner
    // No bit beyond the last slot (a writer would index past the array).
    if constexpr (kSlots % 64 != 0)
      if (claimed_[kMapWords - 1].v.load(std::memory_order_relaxed) >> (kSlots % 64)) return false;
    for (unsigned i = 0; i < kSlots; ++i) {
      const std::uint64_t v = slots_[i].v.load(std::memory_order_relaxed);
      const std::uint64_t count = v & kCountMask;
      if (count != 0 && (v >> kCountBits) == 0) return false;  // count or fence w/o owner
      // RW-7: writers scan only slots whose bit is set: every slot that holds a read count has
      // its bit set. (A claimed slot without holds may lack it: its claimer can die between
      // claiming and publishing. A fenced slot may: its releaser clears the bit under the fence.)
      const bool published = (claimed_[i / 64].v.load(std::memory_order_relaxed) & bit(i)) != 0;
      if (count != 0 && count != kReleasing && !published) return false;
    }
    return true;
  }

 private:
  static constexpr std::uint64_t kEntered = std::uint64_t{1} << 63;
  static constexpr std::uint64_t kDirty = std::uint64_t{1} << 62;
  static constexpr int kCountBits = 64 - kProcIdBits;
  static constexpr std::uint64_t kCountMask = (std::uint64_t{1} << kCountBits) - 1;
  // The count field's top value marks a slot word fenced by its owner's release_slot (RW-8), so
  // a process has at most kCountMask - 1 read holds at once.
  static constexpr std::uint64_t kReleasing = kCountMask;
  static constexpr std::uint64_t kMaxHolds = kCountMask - 1;
  static_assert(kCountBits == 8 && kMaxHolds == 254, "slot word: proc_id << 8 | count");
  static constexpr unsigned kMaxBackoff = 6;  // a look waits at most 2^6 relax() (pause)
  static constexpr std::uint32_t u32(LockState s) { return static_cast<std::uint32_t>(s); }
  static constexpr std::uint64_t bit(unsigned slot) { return std::uint64_t{1} << (slot % 64); }

  // RW-8: only release_slot clears a bit, while its caller has the slot's word fenced.
  void clear_bit(unsigned slot) {
    claimed_[slot / 64].v.fetch_and(~bit(slot), std::memory_order_seq_cst);
  }

  static bool is_dead(proc_id p) {
    if constexpr (Bugs::skip_death_check) return false;
    return !Prim::alive(p);
  }

  // Called by every release that may unblock a waiter, AFTER its seq_cst change of the word
  // the waiter checks (RW-2). Nobody announced a sleep since the last wake (the common case):
  // one load, no write, no system call. Otherwise clear the flag, bump the sequence and wake
  // everybody asleep on it; a release that finds the flag already cleared leaves the bump to
  // the release that cleared it (that bump comes after the announcement, see `pause`).
  void notify() {
    if (sleepers_.load(std::memory_order_seq_cst) == 0) return;        // RW-2
    if (sleepers_.exchange(0, std::memory_order_seq_cst) == 0) return;  // RW-2
    seq_.fetch_add(1, std::memory_order_seq_cst);
    if constexpr (!Bugs::skip_wake) Prim::wake_all(seq_);
  }

  // Where a blocked caller is between its checks: spinning, announced, or about to sleep.
  struct Waiter {
    unsigned spins = 0;
    bool announced = false;           // set sleepers_ after reading `announced_seen`
    std::uint32_t announced_seen = 0;  // the sequence read before the announcement
  };

  // Called after each failed check (which followed a read of `seen` from `seq_`). Spins first;
  // then ANNOUNCES (sleepers_ = 1) and returns, so that the caller checks once more; after that
  // check fails too it sleeps on the sequence it read before announcing. So a waiter reads the
  // sequence (s), announces (a), checks (c) and sleeps if `seq_` still equals s; a release
  // changes the word (w), then reads the flag (q), all seq_cst. If q misses a, then w < q < a < c
  // in the total order and c sees the release; if q sees a, the release (or the one that
  // cleared the flag after a) bumps `seq_` after s, and the sleep returns at once or is woken.
  // The flag is a flag, not a count: a wake clears it and every sleeper announces again before
  // its next sleep, so a waiter that dies or times out costs at most one needless wake.
  // Returns true when the sleep timed out (the caller may then ask about liveness, RW-3).
  bool pause(Waiter& w, std::uint32_t seen) {
    if (w.spins < Tuning::spin) {
      // Exponential backoff: the k-th look waits 2^k relax() first (at most 2^kMaxBackoff).
      // Looking less often leaves the holder's line in its cache: between two processes
      // hammering one lock, a look per relax() made every release and re-claim miss on the
      // word (write-only 2 processes: 114-133 ns per pair; with backoff 40 ns).
      ++w.spins;
      const unsigned shift = w.spins < kMaxBackoff ? w.spins : kMaxBackoff;
      for (unsigned i = 0; i < (1u << shift); ++i) Prim::relax();
      return false;
    }
    if (!w.announced) {
      sleepers_.store(1, std::memory_order_seq_cst);  // RW-2: after `seen`, before the check
      if constexpr (!Bugs::sleep_without_recheck) {
        w.announced = true;
        w.announced_seen = seen;
        return false;  // check once more before sleeping
      }
      w.announced_seen = seen;  // twin: sleeps on a check made before announcing
    }
    w.announced = false;
    return Prim::wait(seq_, w.announced_seen, Tuning::poll_ms) == Prim::wait_result::timed_out;
  }

  // `suspect`: the caller already found the owner unresponsive (a reader promoting after a
  // timed-out wait): check its liveness at the first failed claim instead of sleeping first.
  Acquire acquire_exclusive(bool blocking, bool suspect = false) {
    const proc_id me = Prim::self();
    Waiter wt;
    bool must_repair = false;  // took over from an owner that died inside
    for (bool first = true;; first = false) {
      const std::uint32_t seen = seq_.load(std::memory_order_seq_cst);
      // The first attempt claims at once (the lock is usually free). Later ones look first and
      // claim only a free word: a waiter's failing CAS would take the line away from the
      // holder on every spin (the holder then misses on its own word at each release).
      std::uint64_t cur = first ? 0 : writer_.load(std::memory_order_seq_cst);
      if (cur == 0 && writer_.compare_exchange_strong(cur, me, std::memory_order_seq_cst)) break;
      if ((cur & kProcIdMask) == me) return Acquire::misuse;  // recursion would self-deadlock
      bool check = !blocking || suspect;
      if (!check) check = pause(wt, seen);
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
      // Release is enough: no handshake reads ENTERED (readers yield to any non-zero word, the
      // claim above was the Dekker half, RW-1); it only tells a survivor that we may have
      // written (RW-3/6), and a survivor learns of our death through Prim::alive, which orders
      // all we did before it. Release keeps the drain's reads before it: a death seen as
      // ENTERED always came after the drain.
      writer_.store(me | kEntered | (must_repair ? kDirty : 0), std::memory_order_release);
    }
    switch (LockState(state_.load(std::memory_order_relaxed))) {
      case LockState::consistent: return Acquire::ok;
      case LockState::dirty: return Acquire::owner_died;  // RW-6
      default: return Acquire::broken;
    }
  }

  enum class Drain { empty, busy, self };
  enum class Seen { idle, busy, self };

  // One slot of a writer's scan: no holds (or being given back), a live reader's holds, or
  // our own (a nested read hold that would wait for itself forever).
  Seen look_at_slot(unsigned i, proc_id me, bool ask_liveness) {
    std::uint64_t v = slots_[i].v.load(std::memory_order_seq_cst);  // RW-1
    const std::uint64_t count = v & kCountMask;
    if (count == 0 || count == kReleasing) return Seen::idle;  // no holds; being given back
    const proc_id owner = v >> kCountBits;
    if (owner != me && ask_liveness && is_dead(owner)) {
      // RW-4: a dead reader's holds are cleared with a CAS from the exact dead word. Its bit
      // stays set (RW-8): clearing it could wipe the bit of the slot's next claimer.
      if (slots_[i].v.compare_exchange_strong(v, 0, std::memory_order_seq_cst))
        reaped_.fetch_add(1, std::memory_order_relaxed);
      return Seen::idle;
    }
    return owner == me ? Seen::self : Seen::busy;
  }

  // Wait until no reader slot holds a count (RW-1), clearing slots of dead readers (RW-4).
  // Non-blocking: one pass. Never waits for the caller's own read holds.
  Drain drain_readers(proc_id me, bool blocking) {
    Waiter wt;
    bool ask_liveness = !blocking;  // a blocking drain asks only after a timed-out sleep
    for (;;) {
      const std::uint32_t seen = seq_.load(std::memory_order_seq_cst);
      bool busy = false;
      auto look = [&](unsigned i) {  // true: our own hold
        const Seen r = look_at_slot(i, me, ask_liveness);
        busy = busy || r == Seen::busy;
        return r == Seen::self;
      };
      for (unsigned m = 0; m < kMapWords; ++m) {
        // RW-1: the bitmap word after our claim of writer_, then the slots of its set bits.
        std::uint64_t bits = claimed_[m].v.load(std::memory_order_seq_cst);
        if constexpr (kSlots % 64 != 0)  // never set (RW-7); a torn segment must not send us past
          if (m == kMapWords - 1) bits &= (std::uint64_t{1} << (kSlots % 64)) - 1;
        const unsigned base = m * 64;
        if (bits == ~std::uint64_t{0}) {
          // A full word: walk it in order (bit by bit, clearing the lowest set bit is a
          // two-instruction dependency per slot, which a thousand-slot scan pays in full).
          for (unsigned b = 0; b < 64; ++b)
            if (look(base + b)) return Drain::self;
        } else {
          for (; bits != 0; bits &= bits - 1)
            if (look(base + unsigned(__builtin_ctzll(bits)))) return Drain::self;
        }
      }
      if (!busy) return Drain::empty;
      if (!blocking) return Drain::busy;
      // A dead reader is only found by asking, which we do after a bounded sleep (RW-2:
      // unlock_shared notifies after its decrement).
      ask_liveness = pause(wt, seen);  // Prim contract: liveness only after a bounded wait
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

  enum class Claim { ours, held, fenced };

  // Make `slot` ours and publish it in the claim bitmap: a free word, our own, a live owner's
  // word without holds, or whatever a dead process left (RW-4). `held`: a live process reads
  // through it (misuse). `fenced` (try_ forms only): a live owner is giving it back (RW-8).
  Claim claim_slot(unsigned slot, proc_id me, bool blocking) {
    auto& word = slots_[slot].v;
    // Fast path: claimed by an earlier acquire. Its bit is still set: only the word's owner
    // clears it (RW-8), and we own the word.
    if ((word.load(std::memory_order_relaxed) >> kCountBits) == me) return Claim::ours;
    Waiter wt;
    bool timed_out = false;  // a fenced word's owner is asked about only after a bounded wait
    for (;;) {
      const std::uint32_t seen = seq_.load(std::memory_order_seq_cst);  // before the word
      std::uint64_t v = word.load(std::memory_order_seq_cst);
      const std::uint64_t count = v & kCountMask;
      const bool fenced = count == kReleasing;
      // A try_ form cannot wait for a fenced word's owner: it asks about it at once.
      if (count == 0 || ((!fenced || timed_out || !blocking) && is_dead(v >> kCountBits))) {
        if (word.compare_exchange_strong(v, me << kCountBits, std::memory_order_seq_cst)) break;
        timed_out = false;
        continue;  // the word moved: look again
      }
      if (!fenced) return Claim::held;
      if (!blocking) return Claim::fenced;
      timed_out = pause(wt, seen);  // woken by the releaser's notify (RW-2)
    }
    // RW-1: publish the slot to writers' scans after it is ours and before our first announce.
    if constexpr (!Bugs::skip_claim_bit)
      claimed_[slot / 64].v.fetch_or(bit(slot), std::memory_order_seq_cst);
    return Claim::ours;
  }

  Acquire acquire_shared(unsigned slot, bool blocking) {
    const proc_id me = Prim::self();
    if (slot >= kSlots) return Acquire::misuse;
    switch (claim_slot(slot, me, blocking)) {
      case Claim::ours: break;
      case Claim::held: return Acquire::misuse;
      case Claim::fenced: return Acquire::would_block;
    }
    if ((slots_[slot].v.load(std::memory_order_relaxed) & kCountMask) >= kMaxHolds)
      return Acquire::misuse;  // 254 nested read holds
    Waiter wt;
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
        if (pause(wt, seen) && is_dead(cur & kProcIdMask)) {
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
  // Wake-up sequence: bumped by a release that finds `sleepers_` set. Futex word.
  typename Prim::template atomic<std::uint32_t> seq_;
  // 1: somebody announced that it may sleep on `seq_` since the last wake; 0: nobody did, and
  // a release skips the bump and the wake (RW-2). Set (seq_cst store) by a waiter after it read
  // `seq_` and before its last check; cleared (exchange, seq_cst) by the release that wakes.
  typename Prim::template atomic<std::uint32_t> sleepers_;
  // Counters for the statistics page (relaxed; informational).
  typename Prim::template atomic<std::uint32_t> reaped_{0};
  typename Prim::template atomic<std::uint32_t> takeovers_{0};
  // Claim bitmap, kMapWords words on their own cache line(s): bit i set = writers scan slot i
  // (RW-7). Set (fetch_or, seq_cst) by a claimer after its CAS made the slot word its own and
  // before its first announce; cleared (fetch_and, seq_cst) only by the word's owner in
  // release_slot, under its fence (RW-8). Read (seq_cst) by draining writers after their claim
  // of writer_. Claims are rare, and a reader's fast path never touches it.
  struct Word {
    typename Prim::template atomic<std::uint64_t> v;
  };
  alignas(64) Word claimed_[kMapWords];
  // Reader slots: (owner proc_id << 8) | read-hold count, or (owner << 8) | kReleasing while
  // its owner gives it back (RW-8). Changed by the owner (fetch_add/sub, the fence, the give
  // back), by a claimer only with a CAS from 0, from a live owner's word without holds or from
  // a dead owner's exact word, and by a reaper only with a CAS from a dead owner's exact word.
  // One cache line each: packed eight to a line, the readers of different processes would
  // bounce one line between cores on every lock_shared/unlock_shared.
  struct alignas(64) Slot {
    typename Prim::template atomic<std::uint64_t> v;
  };
  Slot slots_[kSlots];
};

namespace detail {
// The layout the shipped backends share (std::atomic cells); the model's and the simulator's
// cells differ in size but never cross a process.
struct RwLockLayoutPrim {
  using proc_id = std::uint64_t;
  template <class T>
  using atomic = std::atomic<T>;
};
struct RwLockLayoutTuning {
  static constexpr unsigned reader_slots = 1024;
  static constexpr unsigned spin = 0;
  static constexpr std::uint32_t poll_ms = 1;
};
}  // namespace detail

// A cross-process ABI: standard layout, fixed-width words, no pointer; a 1024-slot lock is one
// line of words, the bitmap's two lines and a line per slot.
static_assert(std::is_standard_layout<RwLock<detail::RwLockLayoutPrim>>::value,
              "RwLock is a cross-process ABI");
static_assert(sizeof(RwLock<detail::RwLockLayoutPrim, detail::RwLockLayoutTuning>) ==
                  64 + 128 + 64 * 1024,
              "RwLock layout changed");

}  // namespace wc
