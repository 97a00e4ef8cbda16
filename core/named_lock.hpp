// core/named_lock.hpp: wincache_lock's table of named, process-owned, robust locks.
//
// A fixed table of slots in shared memory; a slot is {key hash, second key hash, owner}. A lock
// named K is held by process P when some slot carries K's two hashes and owner == P. Claiming and
// releasing slots happens under the table's RwLock (exclusive, held for a few word writes), so
// two processes can never claim two slots for one name. Waiting happens OUTSIDE that lock: a
// waiter sleeps on `seq_` (bumped and woken by every release) with a bounded timeout, and each
// time it looks again it asks Prim::alive about the holder:
//   NL-1 at most one live process holds a name;
//   NL-2 a holder that died is replaced by the next waiter (reported as `taken_over`), so a
//        killed holder never blocks anyone for longer than one poll interval (WinCache's named
//        mutex reported WAIT_ABANDONED; a pthread mutex would hang); nor does it fill the table:
//        `full` only when every slot is held by a live process (a dead holder's slot is reused);
//   NL-3 a process does not hold a name twice (acquire says `already_held`) and cannot release a
//        name it does not hold.
// Every slot write is a single word and a slot is free whenever owner == 0, so a process killed
// while holding the table lock leaves a table that is consistent as it stands: the next holder
// (owner_died) only marks it consistent.
//
// Finding a name's slot is open addressing with linear probing from slot h1 % N, so an acquire
// or release reads a few slots instead of all N (a scan of 1,024 slots was ~1 us of every
// session request and every wincache_lock). A slot is empty (h2 == 0: never used, or cleaned),
// a tombstone (h2 != 0, owner == 0: its name was released) or held (owner != 0). h2 is never 0
// for a name (| 1), so h2 is the "used" word. A probe stops at the first empty slot:
//   NL-4 from a held slot's home (h1 % N) to the slot itself there is no empty slot.
// A claim takes the first free slot (tombstone or empty) on the probe, after the probe has
// reached an empty slot (or gone round the table) without meeting the name held. A release
// leaves a tombstone and then cleans backwards: a tombstone whose next slot is empty becomes
// empty (h2 = 0), which no probe can notice (it would have stopped at the next slot anyway).
// Each of these is one word, so NL-4 holds whatever the step a killed process stopped at (a claim
// killed before its owner word leaves a tombstone). Only when no slot is free at all does a claim
// reclaim a dead holder's slot anywhere (reclaim_dead); with no empty slot in the table every
// slot is on every probe, so NL-4 holds then too. Names are identified by two independent 64-bit hashes;
// two names colliding in both is treated as one lock (a false sharing of ~2^-128 odds, never a
// false exclusion failure).
//
// Waking: a release always bumps `seq_` and calls the OS wake (a futex system call on Linux)
// only when `sleepers_` says someone may be asleep. A waiter counts itself in `sleepers_` before it
// sleeps on `seq_` with the value it read BEFORE it looked at the slots, and uncounts itself
// after. With both sides seq_cst (the waiter: count, then the OS compares seq_; the releaser:
// bump seq_, then read the count), either the releaser sees the count and wakes, or the waiter's
// sleep sees the bumped seq_ and does not sleep:
//   NL-6 a release never leaves a waiter asleep on a seq_ value the release has moved past
//        (no lost wake-up; the Relacy model has no spurious wake-ups and no timeouts without a
//        death, so a lost one is a deadlock there).
// A waiter killed while counted leaves the count one too high for good: releases then wake as
// they did before the count existed (a wasted system call, never a missed wake). Page A of the
// session benchmark has a waiter in well under 1% of releases: the count saves one system call
// of nearly every session request.
#pragma once

#include <cstdint>
#include <exception>
#include <cstring>

#include "prim.hpp"
#include "rwlock.hpp"

namespace wc {

struct NoLockTableBugs {
  static constexpr bool ignore_dead_holder = false;  // a dead holder is waited for forever
  static constexpr bool skip_owner_check = false;    // a second claim of a held name succeeds
  static constexpr bool stop_at_tombstone = false;   // a probe ends at a released slot (NL-4)
  static constexpr bool bump_only_if_waiters = false;  // a release with no waiter counted skips
                                                       // the seq_ bump too (NL-6: a lost wake-up)
};

enum class NamedLock : std::uint8_t {
  acquired,
  taken_over,    // acquired from a holder that had died (NL-2)
  already_held,  // this process holds it (NL-3)
  full,          // every slot is held by a live process
  interrupted,   // the caller's stop() said to give up waiting
  error,         // the table lock reported misuse
};

template <class Prim, unsigned N = 1024, class Bugs = NoLockTableBugs,
          class LockTuning = RwLockTuning>
class LockTable {
  template <class T>
  using A = typename Prim::template atomic<T>;

 public:
  using proc_id = typename Prim::proc_id;
  static constexpr unsigned kSlots = N;
  static constexpr std::uint32_t kPollMs = 20;

  struct Slot {
    A<std::uint64_t> h1, h2, owner;
  };

  static std::uint64_t hash(const char* k, std::size_t n, std::uint64_t seed) {
    std::uint64_t h = 0xcbf29ce484222325ull ^ seed;  // FNV-1a, seeded
    for (std::size_t i = 0; i < n; ++i) h = (h ^ std::uint8_t(k[i])) * 0x100000001b3ull;
    return h ^ (h >> 31);
  }

  // Group-wide counters for the statistics page (relaxed; informational, never journaled).
  struct Stats {
    std::uint64_t acquired, waited, taken_over, interrupted;
  };
  Stats stats() const {
    return Stats{acquired_.load(std::memory_order_relaxed), waited_.load(std::memory_order_relaxed),
                 taken_over_.load(std::memory_order_relaxed),
                 interrupted_.load(std::memory_order_relaxed)};
  }

  // Blocks until this process holds `key`, or stop() returns true (checked every poll).
  template <class Stop>
  NamedLock acquire(const char* key, std::size_t n, Stop&& stop) {
    const std::uint64_t a = hash(key, n, 0), b = hash(key, n, 0x5bd1e995u) | 1;
    const proc_id me = Prim::self();
    bool waited = false;
    WaitRecord rec;  // while this call waits: a waiter record (statistics only)
    const auto granted = [&](NamedLock r) {
      acquired_.fetch_add(1, std::memory_order_relaxed);
      if (waited) waited_.fetch_add(1, std::memory_order_relaxed);
      if (r == NamedLock::taken_over) taken_over_.fetch_add(1, std::memory_order_relaxed);
      return r;
    };
    for (;;) {
      const std::uint32_t seen = seq_.load(std::memory_order_seq_cst);
      if (!guard()) return NamedLock::error;
      Slot* mine = nullptr;
      Slot* free_slot = nullptr;
      NamedLock r = NamedLock::acquired;
      bool busy = false;
      for (unsigned i = 0, at = home(a); i < N; ++i, at = next(at)) {  // NL-4
        Slot& s = slots_[at];
        const std::uint64_t o = s.owner.load(std::memory_order_seq_cst);
        if (o == 0) {
          if (!free_slot) free_slot = &s;
          // empty: the name is not held. The twin also stops at a tombstone, before the name's
          // slot further on: NL-4 broken, the name is claimed twice.
          if (Bugs::stop_at_tombstone || s.h2.load(std::memory_order_relaxed) == 0) break;
          continue;
        }
        if (s.h1.load(std::memory_order_relaxed) != a || s.h2.load(std::memory_order_relaxed) != b)
          continue;
        if (o == me && !Bugs::skip_owner_check) {
          r = NamedLock::already_held;
        } else if (Bugs::skip_owner_check) {
          continue;
        } else if (!Bugs::ignore_dead_holder && !Prim::alive(o)) {
          s.owner.store(me, std::memory_order_seq_cst);  // NL-2: take over from the dead
          r = NamedLock::taken_over;
          mine = &s;
        } else {
          busy = true;
        }
        break;
      }
      if (r == NamedLock::already_held || mine) {
        lock_.unlock();
        return mine ? granted(r) : r;
      }
      if (!busy) {
        if (!free_slot) free_slot = reclaim_dead(me);  // NL-2: a dead holder's slot is reused
        if (!free_slot) {
          lock_.unlock();
          return NamedLock::full;
        }
        free_slot->h1.store(a, std::memory_order_relaxed);
        free_slot->h2.store(b, std::memory_order_relaxed);
        free_slot->owner.store(me, std::memory_order_seq_cst);  // the claim is this one word
        lock_.unlock();
        return granted(NamedLock::acquired);
      }
      lock_.unlock();
      if (stop()) {
        interrupted_.fetch_add(1, std::memory_order_relaxed);
        return NamedLock::interrupted;
      }
      waited = true;
      if (!rec.w) rec.w = claim_waiter(a, me);
      sleepers_.fetch_add(1, std::memory_order_seq_cst);  // NL-6: counted before the OS compares seq_
      Prim::wait(seq_, seen, kPollMs);
      sleepers_.fetch_sub(1, std::memory_order_seq_cst);
    }
  }

  // Releases `key` if this process holds it.
  bool release(const char* key, std::size_t n) {
    const std::uint64_t a = hash(key, n, 0), b = hash(key, n, 0x5bd1e995u) | 1;
    const proc_id me = Prim::self();
    if (!guard()) return false;
    bool done = false;
    for (unsigned i = 0, at = home(a); i < N; ++i, at = next(at)) {  // NL-4
      Slot& s = slots_[at];
      if (s.h2.load(std::memory_order_relaxed) == 0) break;
      if (s.owner.load(std::memory_order_seq_cst) == me &&
          s.h1.load(std::memory_order_relaxed) == a && s.h2.load(std::memory_order_relaxed) == b) {
        s.owner.store(0, std::memory_order_seq_cst);  // the release is this one word
        clean_from(at);
        done = true;
        break;
      }
    }
    lock_.unlock();
    if (done) {
      if (Bugs::bump_only_if_waiters && sleepers_.load(std::memory_order_seq_cst) == 0)
        return done;
      seq_.fetch_add(1, std::memory_order_seq_cst);
      if (sleepers_.load(std::memory_order_seq_cst) != 0) Prim::wake_all(seq_);  // NL-6
    }
    return done;
  }

  // Is `key` held by a live process right now? (A session's gc asks before it removes anything,
  // so that it never takes a session a request holds.) Under the table lock; a holder that died
  // does not count.
  bool held_by_live(const char* key, std::size_t n) {
    const std::uint64_t a = hash(key, n, 0), b = hash(key, n, 0x5bd1e995u) | 1;
    if (!guard()) return true;  // cannot tell: assume held (never remove on a guess)
    bool live = false;
    for (unsigned i = 0, at = home(a); i < N; ++i, at = next(at)) {  // NL-4
      Slot& s = slots_[at];
      const std::uint64_t o = s.owner.load(std::memory_order_seq_cst);
      if (o == 0 && s.h2.load(std::memory_order_relaxed) == 0) break;
      if (o != 0 && s.h1.load(std::memory_order_relaxed) == a &&
          s.h2.load(std::memory_order_relaxed) == b) {
        live = Prim::alive(o);
        break;
      }
    }
    lock_.unlock();
    return live;
  }

  // Calls fn(name hash, holder) for every claimed slot (statistics; the names themselves are not
  // stored). Relaxed reads without the table lock: a picture, not a snapshot.
  template <class Fn>
  void for_each_held(Fn&& fn) const {
    for (const auto& s : slots_) {
      const std::uint64_t o = s.owner.load(std::memory_order_relaxed);
      if (o != 0) fn(s.h1.load(std::memory_order_relaxed), proc_id(o));
    }
  }

  // Calls fn(name hash, waiter) for every process waiting now for a name (statistics): a waiter
  // holds a record from its first wait until acquire() returns; a record of a process that died
  // is skipped here and reused by the next waiter. Relaxed reads: a picture, not a snapshot (a
  // record just claimed may show the hash 0 for an instant).
  template <class Fn>
  void for_each_waiter(Fn&& fn) const {
    for (const auto& w : waiters_) {
      const std::uint64_t o = w.who.load(std::memory_order_relaxed);
      if (o != 0 && Prim::alive(proc_id(o))) fn(w.h1.load(std::memory_order_relaxed), proc_id(o));
    }
  }

  // Slots claimed right now (statistics): names held by live processes, plus those whose holder
  // died and whose slot has not yet been taken over or reused.
  unsigned held() const {
    unsigned n = 0;
    for (const auto& s : slots_) n += s.owner.load(std::memory_order_relaxed) != 0;
    return n;
  }

 private:
  static unsigned home(std::uint64_t h1) { return unsigned(h1 % N); }
  static unsigned next(unsigned at) { return at + 1 == N ? 0 : at + 1; }

  // After a release at `at`: while the slot is a tombstone and the next one is empty, make it
  // empty, going backwards (NL-4 is kept: a probe reaching it would stop at the next slot).
  void clean_from(unsigned at) {
    for (unsigned i = 0; i + 1 < N; ++i) {
      Slot& s = slots_[at];
      if (s.owner.load(std::memory_order_seq_cst) != 0 ||
          s.h2.load(std::memory_order_relaxed) == 0 ||  // held, or already empty
          slots_[next(at)].h2.load(std::memory_order_relaxed) != 0)
        return;
      s.h2.store(0, std::memory_order_relaxed);
      at = at == 0 ? N - 1 : at - 1;
    }
  }

  // The table is full: free the slot of a holder that died (its name is then simply not held:
  // the next acquire of it gets `acquired`), so that dead holders never make the table `full`
  // (NL-2). Asks Prim::alive once per slot, only on this slow path. Under the table lock; the
  // single-word release makes the slot free whatever happens after it.
  Slot* reclaim_dead(proc_id me) {
    if constexpr (Bugs::ignore_dead_holder) return nullptr;
    for (auto& s : slots_) {
      const std::uint64_t o = s.owner.load(std::memory_order_seq_cst);
      if (o != 0 && o != me && !Prim::alive(o)) {
        s.owner.store(0, std::memory_order_seq_cst);
        return &s;
      }
    }
    return nullptr;
  }

  // A waiter record: who waits (0: free) and for which name (its h1). Informational only: no
  // decision of the lock reads it, so a lost or stale record never changes who gets a lock.
  struct Waiter {
    A<std::uint64_t> who, h1;
  };
  static constexpr unsigned kWaiters = N < 64 ? N : 64;
  struct WaitRecord {
    Waiter* w = nullptr;
    WaitRecord() = default;
    WaitRecord(const WaitRecord&) = delete;
    WaitRecord& operator=(const WaitRecord&) = delete;
    // Not while unwinding: a process killed at a step (the simulator's kill unwinds its stack)
    // leaves its record behind, as a real kill does; readers skip it and the next waiter reuses it.
    // noexcept(false): the simulator's kill may also land on one of these two stores, and is
    // then thrown from here (real primitives never throw).
    ~WaitRecord() noexcept(false) {
      if (!w || std::uncaught_exceptions() > 0) return;
      w->h1.store(0, std::memory_order_relaxed);
      w->who.store(0, std::memory_order_release);
    }
  };
  // A free record, else one whose process died; nullptr when every record is a live waiter's
  // (this wait is then simply not shown).
  Waiter* claim_waiter(std::uint64_t h1, proc_id me) {
    for (int pass = 0; pass < 2; ++pass) {
      for (auto& w : waiters_) {
        std::uint64_t o = w.who.load(std::memory_order_relaxed);
        // (a record of this process is stale: a process waits for one name at a time)
        if (o != 0 && (pass == 0 || (o != me && Prim::alive(proc_id(o))))) continue;
        if (w.who.compare_exchange_strong(o, me, std::memory_order_acq_rel)) {
          w.h1.store(h1, std::memory_order_relaxed);
          return &w;
        }
      }
    }
    return nullptr;
  }

  bool guard() {
    const Acquire r = lock_.lock();
    if (r == Acquire::ok) return true;
    if (r == Acquire::owner_died || r == Acquire::broken) {
      lock_.mark_consistent();  // single-word slot writes: consistent as it stands
      return true;
    }
    return false;
  }

  RwLock<Prim, LockTuning> lock_;
  A<std::uint32_t> seq_{0};      // bumped by every release; waiters sleep on it
  A<std::uint32_t> sleepers_{0};  // processes counted as (about to be) asleep on seq_ (NL-6); in
                                 // what was padding after seq_, so the table's size is unchanged
  A<std::uint64_t> acquired_{0}, waited_{0}, taken_over_{0}, interrupted_{0};
  Slot slots_[N] = {};
  Waiter waiters_[kWaiters] = {};  // statistics: who waits for which name now
};

}  // namespace wc
