// models/lock_suites.hpp: Relacy suites for core/rwlock.hpp. Each suite is a template over the
// seeded-bug policy, so the suite and its negative twins are the same checker.
#pragma once

#include "../core/rwlock.hpp"
#include "prim_relacy.hpp"

namespace wc::model {

template <class Bugs>
using ModelLock = RwLock<PrimRelacy, ModelLockTuning, Bugs>;

// Repairs the structure after an acquire that said it needs repair, and checks that an `ok`
// acquire never sees a half-written structure (RW-6).
template <class Lock>
inline void repair_if_told(Lock& lock, Acquire r, rl::var<int>& torn) {
  if (r == Acquire::ok) {
    RL_ASSERT(torn($) == 0);  // RW-6: `ok` means consistent
  } else {
    RL_ASSERT(r == Acquire::owner_died || r == Acquire::broken);
    torn($) = 0;
    RL_ASSERT(lock.mark_consistent());
  }
}

// RW-1, RW-2: two writers and a reader. Writers increment a plain (race-checked) variable; the
// reader reads it. Any overlap of a writer with anyone is a data race; a lost wake-up is a
// deadlock (all threads asleep).
template <class Bugs>
struct Exclusion : rl::test_suite<Exclusion<Bugs>, 3> {
  World w;
  ModelLock<Bugs> lock;
  rl::var<int> data;
  void before() {
    world() = &w;
    data($) = 0;
  }
  void thread(unsigned idx) {
    if (idx < 2) {
      RL_ASSERT(lock.lock() == Acquire::ok);
      data($) = data($) + 1;
      RL_ASSERT(lock.unlock());
    } else {
      RL_ASSERT(lock.lock_shared(idx) == Acquire::ok);
      const int seen = data($);
      RL_ASSERT(seen >= 0 && seen <= 2);
      RL_ASSERT(lock.unlock_shared(idx));
    }
  }
  void after() {
    RL_ASSERT(data($) == 2);
    RL_ASSERT(lock.check_invariants());
  }
};

// RW-1 from the readers' side: a writer and two readers of two slots; the readers also keep
// their own slot words busy so the writer's drain has to wait and be woken (RW-2).
template <class Bugs>
struct ReadersWriter : rl::test_suite<ReadersWriter<Bugs>, 3> {
  World w;
  ModelLock<Bugs> lock;
  rl::var<int> data;
  void before() {
    world() = &w;
    data($) = 0;
  }
  void thread(unsigned idx) {
    if (idx == 0) {
      RL_ASSERT(lock.lock() == Acquire::ok);
      data($) = 1;
      RL_ASSERT(lock.unlock());
    } else {
      RL_ASSERT(lock.lock_shared(idx) == Acquire::ok);
      RL_ASSERT(data($) <= 1);  // a real load: the reader reads the guarded data
      RL_ASSERT(lock.unlock_shared(idx));
    }
  }
  void after() { RL_ASSERT(lock.check_invariants()); }
};

// RW-1, RW-8: a reader gives its slot back (release_slot) while the slot's next owner (the
// segment layer handed it the same index) claims it, and a writer drains. The claimer may take
// the idle word before the release (which then refuses), wait on the release's fence, or claim
// the freed word; in every case the writer must see it reading (overlap is a data race on
// `data`), and a claimer waiting on the fence must be woken (a lost wake-up is a deadlock).
// Afterwards the slot is free and no bit is left set.
template <class Bugs>
struct SlotHandover : rl::test_suite<SlotHandover<Bugs>, 3> {
  World w;
  ModelLock<Bugs> lock;
  rl::var<int> data;
  rl::atomic<int> first_done;  // the first owner will not read again: its index may be reused
  void before() {
    world() = &w;
    data($) = 0;
    first_done.store(0, rl::mo_relaxed, $);
  }
  void thread(unsigned idx) {
    if (idx == 0) {  // the slot's first owner: reads, then detaches
      RL_ASSERT(lock.lock_shared(1) == Acquire::ok);
      RL_ASSERT(data($) <= 1);  // a real load: the reader reads the guarded data
      RL_ASSERT(lock.unlock_shared(1));
      first_done.store(1, rl::mo_relaxed, $);
      (void)lock.release_slot(1);  // false if the next owner took the idle word first
    } else if (idx == 1) {  // the slot's next owner
      while (first_done.load(rl::mo_relaxed, $) == 0) rl::yield(1, $);
      RL_ASSERT(lock.lock_shared(1) == Acquire::ok);
      RL_ASSERT(data($) <= 1);
      RL_ASSERT(lock.unlock_shared(1));
      RL_ASSERT(lock.release_slot(1));  // ours, no holds: always given back
    } else {
      RL_ASSERT(lock.lock() == Acquire::ok);
      data($) = 1;
      RL_ASSERT(lock.unlock());
    }
  }
  void after() {
    RL_ASSERT(data($) == 1);
    RL_ASSERT(lock.check_invariants());
    RL_ASSERT(lock.readers_in(1) == 0);
    RL_ASSERT(lock.claimed_slots() == 0);  // RW-8: released slots are not scanned
  }
};

// RW-5: writer preference. A reader that observed a writer's claim before it started to acquire
// must not get in before that writer has been inside and left.
template <class Bugs>
struct WriterPreference : rl::test_suite<WriterPreference<Bugs>, 3> {
  World w;
  ModelLock<Bugs> lock;
  rl::atomic<int> writer_done;
  void before() {
    world() = &w;
    writer_done.store(0, rl::mo_relaxed, $);
  }
  void thread(unsigned idx) {
    if (idx == 0) {
      RL_ASSERT(lock.lock() == Acquire::ok);
      writer_done.store(1, rl::mo_relaxed, $);
      RL_ASSERT(lock.unlock());
    } else {
      for (int round = 0; round < 2; ++round) {
        const bool writer_waiting = lock.writer_owner() != 0;
        RL_ASSERT(lock.lock_shared(idx) == Acquire::ok);
        if (writer_waiting) RL_ASSERT(writer_done.load(rl::mo_relaxed, $) == 1);
        RL_ASSERT(lock.unlock_shared(idx));
      }
    }
  }
};

// RW-4: a reader dies holding its read lock; the writer must still get in (reaping the slot)
// and another reader must not be disturbed.
template <class Bugs>
struct ReaderDies : rl::test_suite<ReaderDies<Bugs>, 3> {
  World w;
  ModelLock<Bugs> lock;
  rl::var<int> data;
  void before() {
    world() = &w;
    data($) = 0;
  }
  void thread(unsigned idx) {
    if (idx == 0) {
      RL_ASSERT(lock.lock_shared(0) == Acquire::ok);
      RL_ASSERT(data($) <= 1);  // a real load: the reader reads the guarded data
      PrimRelacy::die();  // killed while reading: returns holding the read lock
      return;
    }
    if (idx == 1) {
      // A reader's death needs no repair. Were the dead hold not reaped this would deadlock;
      // were the writer let in beside a live reader, Relacy would report the race on data.
      RL_ASSERT(lock.lock() == Acquire::ok);
      data($) = 1;
      RL_ASSERT(lock.unlock());
    } else {
      RL_ASSERT(lock.lock_shared(2) == Acquire::ok);
      RL_ASSERT(data($) <= 1);  // a real load: the reader reads the guarded data
      RL_ASSERT(lock.unlock_shared(2));
    }
  }
  void after() { RL_ASSERT(data($) == 1); }
};

// RW-3, RW-6: a writer dies half-way through an update. The next holder, writer or reader,
// must be told (owner_died, holding exclusively), repair, and nobody may ever get `ok` while the
// structure is torn. A reader that is told repairs too.
template <class Bugs>
struct WriterDies : rl::test_suite<WriterDies<Bugs>, 3> {
  World w;
  ModelLock<Bugs> lock;
  rl::var<int> torn;
  void before() {
    world() = &w;
    torn($) = 0;
  }
  void thread(unsigned idx) {
    if (idx == 0) {
      const Acquire r = lock.lock();
      repair_if_told(lock, r, torn);
      torn($) = 1;        // first half of an update...
      PrimRelacy::die();  // ...killed before the second half, holding the write lock
      return;
    }
    if (idx == 1) {
      const Acquire r = lock.lock();
      repair_if_told(lock, r, torn);
      RL_ASSERT(lock.unlock());
    } else {
      const Acquire r = lock.lock_shared(2);
      if (r == Acquire::ok) {
        RL_ASSERT(torn($) == 0);
        RL_ASSERT(lock.unlock_shared(2));
      } else {
        repair_if_told(lock, r, torn);  // promoted to exclusive to repair
        RL_ASSERT(lock.unlock());
      }
    }
  }
  void after() {
    if (lock.writer_owner() == 1) return;  // the writer died last: nobody came after it
    RL_ASSERT(torn($) == 0);               // otherwise somebody always repaired
    RL_ASSERT(lock.state() == LockState::consistent);
  }
};

// RW-6: the repairer itself dies before finishing; the next holder is told again.
template <class Bugs>
struct RepairerDies : rl::test_suite<RepairerDies<Bugs>, 3> {
  World w;
  ModelLock<Bugs> lock;
  rl::var<int> torn;
  rl::atomic<int> deaths;
  void before() {
    world() = &w;
    torn($) = 0;
    deaths.store(0, rl::mo_relaxed, $);
  }
  void thread(unsigned idx) {
    if (idx == 2)  // the survivor comes after both deaths
      while (deaths.load(rl::mo_acquire, $) < 2) rl::yield(1, $);
    const Acquire r = lock.lock();
    if (idx < 2) {
      // Each of the first two dies in the middle of its update, repairing first if told.
      if (r != Acquire::ok) {
        RL_ASSERT(torn($) == 1);
        torn($) = 0;
        RL_ASSERT(lock.mark_consistent());
      } else {
        RL_ASSERT(torn($) == 0);
      }
      torn($) = 1;
      deaths.fetch_add(1, rl::mo_release, $);
      PrimRelacy::die();
      return;
    }
    RL_ASSERT(r == Acquire::owner_died);  // told again after the repairer died
    repair_if_told(lock, r, torn);
    RL_ASSERT(lock.unlock());
  }
  void after() { RL_ASSERT(torn($) == 0); }
};

}  // namespace wc::model
