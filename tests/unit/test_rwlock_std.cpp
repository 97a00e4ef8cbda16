// tests/test_rwlock_std.cpp: smoke tests of wc::RwLock on real threads (PrimStd).
//
// Threads stand for processes. A "dead" process is a thread that returned while holding the lock
// (or a reader slot) and was then declared dead with PrimStd::kill(). Every blocking call that
// could hang on a regression runs under a watchdog (within()), which fails the test, and aborts
// the process rather than hang, when the body has not finished within a generous bound.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "core/rwlock.hpp"
#include "prims/prim_std.hpp"

namespace {

using namespace std::chrono_literals;
using wc::Acquire;
using wc::LockState;
using wc::PrimStd;

struct SmallTuning {
  static constexpr unsigned reader_slots = 8;
  static constexpr unsigned spin = 16;
  static constexpr std::uint32_t poll_ms = 2;
};

using Lock = wc::RwLock<PrimStd, SmallTuning>;
using proc_id = PrimStd::proc_id;

constexpr auto kWatchdog = 10s;

// Waits for `f` to be ready; fails and aborts unless it is within `limit`. (Aborting, rather than
// returning, keeps a hung thread from hanging the test binary in the future's destructor.)
template <class T>
void ready_within(std::future<T>& f, std::chrono::seconds limit, const char* what) {
  if (f.wait_for(limit) != std::future_status::ready) {
    ADD_FAILURE() << "watchdog: " << what << " did not finish within " << limit.count() << " s";
    std::fprintf(stderr, "watchdog expired (%s): aborting instead of hanging\n", what);
    std::fflush(stderr);
    std::abort();
  }
}

// Runs `body` on its own thread under the watchdog.
template <class F>
void within(std::chrono::seconds limit, F&& body) {
  auto done = std::async(std::launch::async, std::forward<F>(body));
  ready_within(done, limit, "body");
  done.get();
}

// A few spin-loop hints: widens the window between the two halves of a non-atomic update/read.
void dawdle() {
  for (int i = 0; i < 32; ++i) PrimStd::relax();
}

// Runs `f` as a short-lived "process" (a thread that is joined) and returns its proc_id.
template <class F>
proc_id run_as_process(F&& f) {
  proc_id id = 0;
  std::thread t([&] {
    id = PrimStd::self();
    f();
  });
  t.join();
  return id;
}

// A live "process" that takes something, reports it holds it, then keeps holding it until told
// to release. Its destructor releases and joins.
class LiveHolder {
 public:
  template <class Take, class Release>
  LiveHolder(Take take, Release release) {
    auto held = held_.get_future();
    auto go = go_.get_future();
    thread_ = std::thread([this, take, release, go = std::move(go)]() mutable {
      id_ = PrimStd::self();
      const bool took = take();
      held_.set_value(took);
      go.wait();
      if (took) released_ok_ = release();
    });
    took_ = held.get();
  }
  LiveHolder(const LiveHolder&) = delete;
  LiveHolder& operator=(const LiveHolder&) = delete;
  ~LiveHolder() { release(); }

  bool took() const { return took_; }
  proc_id id() const { return id_; }
  // Releases and joins; returns whether the holder's release call succeeded.
  bool release() {
    if (thread_.joinable()) {
      go_.set_value();
      thread_.join();
    }
    return released_ok_;
  }

 private:
  std::promise<bool> held_;
  std::promise<void> go_;
  std::thread thread_;
  proc_id id_ = 0;
  bool took_ = false;
  bool released_ok_ = false;
};

template <class L>
LiveHolder hold_exclusive(L& l) {
  return LiveHolder([&l] { return l.lock() == Acquire::ok; }, [&l] { return l.unlock(); });
}
template <class L>
LiveHolder hold_shared(L& l, unsigned slot) {
  return LiveHolder([&l, slot] { return l.lock_shared(slot) == Acquire::ok; },
                    [&l, slot] { return l.unlock_shared(slot); });
}

// ---- exclusion ---------------------------------------------------------------------------

struct Guarded {
  long a = 0;
  long b = 0;  // invariant: b == a * 3, written in a separate step after a
};

TEST(RwLockStd, WritersExcludeWritersAndReadersUnderStress) {
  constexpr int kThreads = 4;
  constexpr int kIters = 20000;
  Lock l;
  Guarded g;
  std::atomic<long> torn_reads{0}, bad_acquires{0}, writes{0}, reads{0};

  within(60s, [&] {
    std::vector<std::thread> ts;
    for (int t = 0; t < kThreads; ++t) {
      ts.emplace_back([&, t] {
        const unsigned slot = unsigned(t);
        for (int i = 0; i < kIters; ++i) {
          if ((i + t) % 4 == 0) {
            if (l.lock() != Acquire::ok) {
              ++bad_acquires;
              continue;
            }
            const long a = g.a;  // non-atomic read-modify-write in two steps
            g.a = a + 1;
            std::atomic_signal_fence(std::memory_order_seq_cst);
            dawdle();
            if (i % 64 == 0) std::this_thread::yield();  // widen the torn window now and then
            g.b = (a + 1) * 3;
            ++writes;
            if (!l.unlock()) ++bad_acquires;
          } else {
            if (l.lock_shared(slot) != Acquire::ok) {
              ++bad_acquires;
              continue;
            }
            const long a = g.a;
            std::atomic_signal_fence(std::memory_order_seq_cst);
            dawdle();
            const long b = g.b;
            if (b != a * 3) ++torn_reads;
            ++reads;
            if (!l.unlock_shared(slot)) ++bad_acquires;
          }
        }
      });
    }
    for (auto& t : ts) t.join();
  });

  EXPECT_EQ(bad_acquires.load(), 0);
  EXPECT_EQ(torn_reads.load(), 0);
  EXPECT_EQ(writes.load(), long(kThreads) * kIters / 4);
  EXPECT_EQ(reads.load(), long(kThreads) * kIters * 3 / 4);
  EXPECT_EQ(g.a, writes.load());  // no lost update: writers excluded each other
  EXPECT_EQ(g.b, g.a * 3);
  EXPECT_EQ(l.writer_owner(), 0u);
  for (unsigned s = 0; s < SmallTuning::reader_slots; ++s) EXPECT_EQ(l.readers_in(s), 0u);
  EXPECT_EQ(l.state(), LockState::consistent);
  EXPECT_TRUE(l.check_invariants());
}

TEST(RwLockStd, WaitingReaderGetsOkAfterLiveWriterUnlocks) {
  Lock l;
  LiveHolder writer = hold_exclusive(l);
  ASSERT_TRUE(writer.took());
  auto reader = std::async(std::launch::async, [&] {
    const Acquire r = l.lock_shared(1);
    const bool released = r == Acquire::ok && l.unlock_shared(1);
    return std::make_pair(r, released);
  });
  // While the writer is alive and holds the lock the reader must keep waiting (it is not
  // promoted: the writer is alive). 100 ms spans many poll_ms liveness checks.
  EXPECT_EQ(reader.wait_for(100ms), std::future_status::timeout);
  EXPECT_TRUE(writer.release());
  ready_within(reader, kWatchdog, "reader waiting for the writer's unlock");
  const auto [r, released] = reader.get();
  EXPECT_EQ(r, Acquire::ok);
  EXPECT_TRUE(released);
  EXPECT_EQ(l.writer_takeovers(), 0u);
  EXPECT_EQ(l.state(), LockState::consistent);
  EXPECT_TRUE(l.check_invariants());
}

// ---- death of a writer -----------------------------------------------------------------

TEST(RwLockStd, DeadWriterIsReportedAsOwnerDiedThenConsistentAfterRepair) {
  Lock l;
  EXPECT_EQ(l.state(), LockState::consistent);
  const proc_id dead = run_as_process([&] { EXPECT_EQ(l.lock(), Acquire::ok); });
  EXPECT_EQ(l.writer_owner(), dead);
  PrimStd::kill(dead);

  within(kWatchdog, [&] {
    EXPECT_EQ(l.lock(), Acquire::owner_died);
    EXPECT_EQ(l.writer_owner(), PrimStd::self());  // held exclusively by the repairer
    EXPECT_EQ(l.state(), LockState::dirty);
    EXPECT_EQ(l.writer_takeovers(), 1u);
    EXPECT_TRUE(l.mark_consistent());
    EXPECT_EQ(l.state(), LockState::consistent);
    EXPECT_TRUE(l.unlock());
    EXPECT_EQ(l.lock(), Acquire::ok);
    EXPECT_EQ(l.state(), LockState::consistent);
    EXPECT_TRUE(l.unlock());
  });
  EXPECT_EQ(l.writer_owner(), 0u);
  EXPECT_TRUE(l.check_invariants());
}

TEST(RwLockStd, RepairerReleasingWithoutMarkConsistentLeavesLockBroken) {
  Lock l;
  const proc_id dead = run_as_process([&] { EXPECT_EQ(l.lock(), Acquire::ok); });
  PrimStd::kill(dead);

  within(kWatchdog, [&] {
    ASSERT_EQ(l.lock(), Acquire::owner_died);
    EXPECT_TRUE(l.unlock());  // abandons the repair
    EXPECT_EQ(l.state(), LockState::broken);
    EXPECT_EQ(l.lock(), Acquire::broken);
    EXPECT_EQ(l.writer_owner(), PrimStd::self());
    EXPECT_TRUE(l.mark_consistent());  // "reinitialised"
    EXPECT_EQ(l.state(), LockState::consistent);
    EXPECT_TRUE(l.unlock());
    EXPECT_EQ(l.lock(), Acquire::ok);
    EXPECT_TRUE(l.unlock());
  });
  EXPECT_TRUE(l.check_invariants());
}

TEST(RwLockStd, ReaderOnBrokenLockIsPromotedAndToldBroken) {
  Lock l;
  const proc_id dead = run_as_process([&] { EXPECT_EQ(l.lock(), Acquire::ok); });
  PrimStd::kill(dead);

  within(kWatchdog, [&] {
    ASSERT_EQ(l.lock(), Acquire::owner_died);
    ASSERT_TRUE(l.unlock());
    ASSERT_EQ(l.state(), LockState::broken);
    // A reader cannot read a broken structure: it is promoted to the exclusive hold.
    EXPECT_EQ(l.lock_shared(0), Acquire::broken);
    EXPECT_EQ(l.writer_owner(), PrimStd::self());
    EXPECT_EQ(l.readers_in(0), 0u);
    EXPECT_TRUE(l.mark_consistent());
    EXPECT_TRUE(l.unlock());
    EXPECT_EQ(l.lock_shared(0), Acquire::ok);
    EXPECT_TRUE(l.unlock_shared(0));
  });
  EXPECT_TRUE(l.check_invariants());
}

TEST(RwLockStd, ReaderWaitingOnWriterThatDiesIsPromotedToOwnerDied) {
  Lock l;
  const proc_id dead = run_as_process([&] { EXPECT_EQ(l.lock(), Acquire::ok); });

  std::promise<void> started;
  auto reader = std::async(std::launch::async, [&] {
    started.set_value();
    const Acquire r = l.lock_shared(1);
    EXPECT_EQ(r, Acquire::owner_died);
    if (r != Acquire::owner_died) return;
    EXPECT_EQ(l.writer_owner(), PrimStd::self());  // promoted: holds exclusively
    EXPECT_EQ(l.readers_in(1), 0u);
    EXPECT_EQ(l.state(), LockState::dirty);
    EXPECT_TRUE(l.mark_consistent());
    EXPECT_TRUE(l.unlock());
    EXPECT_EQ(l.lock_shared(1), Acquire::ok);
    EXPECT_EQ(l.readers_in(1), 1u);
    EXPECT_TRUE(l.unlock_shared(1));
  });
  started.get_future().wait();
  // Give the reader time to start waiting on the (still "alive") writer; the outcome must be
  // the same whether or not it is already asleep when the writer is declared dead.
  EXPECT_EQ(reader.wait_for(50ms), std::future_status::timeout);
  PrimStd::kill(dead);
  ready_within(reader, kWatchdog, "reader waiting on a dead writer");
  reader.get();
  EXPECT_EQ(l.writer_takeovers(), 1u);
  EXPECT_EQ(l.state(), LockState::consistent);
  EXPECT_EQ(l.writer_owner(), 0u);
  EXPECT_TRUE(l.check_invariants());
}

// ---- death of a reader -----------------------------------------------------------------

TEST(RwLockStd, DeadReaderDoesNotBlockWriter) {
  Lock l;
  const proc_id dead = run_as_process([&] { EXPECT_EQ(l.lock_shared(3), Acquire::ok); });
  EXPECT_EQ(l.readers_in(3), 1u);
  PrimStd::kill(dead);

  within(kWatchdog, [&] {
    EXPECT_EQ(l.lock(), Acquire::ok);  // a reader cannot half-update: no repair needed
    EXPECT_GE(l.reaped_readers(), 1u);
    EXPECT_EQ(l.readers_in(3), 0u);
    EXPECT_EQ(l.state(), LockState::consistent);
    EXPECT_TRUE(l.unlock());
  });
  EXPECT_TRUE(l.check_invariants());
}

TEST(RwLockStd, SlotLeftByDeadReaderCanBeClaimed) {
  Lock l;
  const proc_id dead = run_as_process([&] { EXPECT_EQ(l.lock_shared(2), Acquire::ok); });
  PrimStd::kill(dead);

  within(kWatchdog, [&] {
    EXPECT_EQ(l.lock_shared(2), Acquire::ok);
    EXPECT_EQ(l.readers_in(2), 1u);  // the dead reader's hold is not inherited
    EXPECT_TRUE(l.unlock_shared(2));
    EXPECT_EQ(l.readers_in(2), 0u);
    EXPECT_EQ(l.lock(), Acquire::ok);
    EXPECT_TRUE(l.unlock());
  });
  EXPECT_TRUE(l.check_invariants());
}

// ---- misuse ----------------------------------------------------------------------------

TEST(RwLockStd, LockSharedOnSlotHeldByLiveThreadIsMisuse) {
  Lock l;
  LiveHolder reader = hold_shared(l, 0);
  ASSERT_TRUE(reader.took());
  within(kWatchdog, [&] {
    EXPECT_EQ(l.lock_shared(0), Acquire::misuse);
    EXPECT_EQ(l.try_lock_shared(0), Acquire::misuse);
    EXPECT_EQ(l.readers_in(0), 1u);  // the live reader's hold is untouched
    EXPECT_EQ(l.lock_shared(1), Acquire::ok);  // another slot is fine
    EXPECT_TRUE(l.unlock_shared(1));
  });
  EXPECT_TRUE(reader.release());
  EXPECT_EQ(l.readers_in(0), 0u);
  EXPECT_TRUE(l.check_invariants());
}

TEST(RwLockStd, SlotOutOfRangeIsMisuse) {
  Lock l;
  EXPECT_EQ(l.lock_shared(SmallTuning::reader_slots), Acquire::misuse);
  EXPECT_EQ(l.try_lock_shared(SmallTuning::reader_slots), Acquire::misuse);
  EXPECT_EQ(l.lock_shared(UINT_MAX), Acquire::misuse);
  EXPECT_FALSE(l.unlock_shared(SmallTuning::reader_slots));
  EXPECT_EQ(l.lock_shared(SmallTuning::reader_slots - 1), Acquire::ok);  // the last valid one
  EXPECT_TRUE(l.unlock_shared(SmallTuning::reader_slots - 1));
  EXPECT_TRUE(l.check_invariants());
}

TEST(RwLockStd, RecursiveLockByOwnerIsMisuse) {
  Lock l;
  within(kWatchdog, [&] {
    ASSERT_EQ(l.lock(), Acquire::ok);
    EXPECT_EQ(l.lock(), Acquire::misuse);
    EXPECT_EQ(l.try_lock(), Acquire::misuse);
    EXPECT_EQ(l.writer_owner(), PrimStd::self());  // still held
    EXPECT_TRUE(l.unlock());
    EXPECT_FALSE(l.unlock());  // exactly one hold was taken
  });
  EXPECT_EQ(l.writer_owner(), 0u);
  EXPECT_TRUE(l.check_invariants());
}

TEST(RwLockStd, LockWhileHoldingSharedIsMisuse) {
  Lock l;
  within(kWatchdog, [&] {
    ASSERT_EQ(l.lock_shared(0), Acquire::ok);
    EXPECT_EQ(l.lock(), Acquire::misuse);  // would wait for itself forever
    EXPECT_EQ(l.writer_owner(), 0u);       // the write word was given back
    EXPECT_TRUE(l.unlock_shared(0));
    EXPECT_EQ(l.lock(), Acquire::ok);
    EXPECT_TRUE(l.unlock());
  });
  EXPECT_TRUE(l.check_invariants());
}

TEST(RwLockStd, LockSharedWhileHoldingExclusiveIsMisuse) {
  Lock l;
  within(kWatchdog, [&] {
    ASSERT_EQ(l.lock(), Acquire::ok);
    EXPECT_EQ(l.lock_shared(0), Acquire::misuse);
    EXPECT_EQ(l.readers_in(0), 0u);
    EXPECT_TRUE(l.unlock());
  });
  EXPECT_TRUE(l.check_invariants());
}

TEST(RwLockStd, UnlockByNonOwnerReturnsFalse) {
  Lock l;
  EXPECT_FALSE(l.unlock());  // nobody holds it
  LiveHolder writer = hold_exclusive(l);
  ASSERT_TRUE(writer.took());
  EXPECT_FALSE(l.unlock());
  EXPECT_FALSE(l.mark_consistent());
  EXPECT_EQ(l.writer_owner(), writer.id());  // still held by the owner
  EXPECT_TRUE(writer.release());
  EXPECT_EQ(l.writer_owner(), 0u);
  EXPECT_TRUE(l.check_invariants());
}

TEST(RwLockStd, UnlockSharedWithoutHoldReturnsFalse) {
  Lock l;
  EXPECT_FALSE(l.unlock_shared(0));  // fresh slot
  ASSERT_EQ(l.lock_shared(0), Acquire::ok);
  EXPECT_TRUE(l.unlock_shared(0));
  EXPECT_FALSE(l.unlock_shared(0));  // released twice
  EXPECT_EQ(l.readers_in(0), 0u);
  {
    LiveHolder other = hold_shared(l, 5);
    ASSERT_TRUE(other.took());
    EXPECT_FALSE(l.unlock_shared(5));  // somebody else's hold
    EXPECT_EQ(l.readers_in(5), 1u);
    EXPECT_TRUE(other.release());
  }
  EXPECT_TRUE(l.check_invariants());
}

// ---- try_ forms ------------------------------------------------------------------------

TEST(RwLockStd, TryLockWouldBlockWhileLiveReaderHolds) {
  Lock l;
  LiveHolder reader = hold_shared(l, 4);
  ASSERT_TRUE(reader.took());
  within(kWatchdog, [&] {
    EXPECT_EQ(l.try_lock(), Acquire::would_block);
    EXPECT_EQ(l.writer_owner(), 0u);  // the claim was given back
    EXPECT_EQ(l.readers_in(4), 1u);
  });
  EXPECT_TRUE(reader.release());
  within(kWatchdog, [&] {
    EXPECT_EQ(l.try_lock(), Acquire::ok);
    EXPECT_TRUE(l.unlock());
  });
  EXPECT_TRUE(l.check_invariants());
}

TEST(RwLockStd, TryLockWouldBlockWhileLiveWriterHolds) {
  Lock l;
  LiveHolder writer = hold_exclusive(l);
  ASSERT_TRUE(writer.took());
  within(kWatchdog, [&] { EXPECT_EQ(l.try_lock(), Acquire::would_block); });
  EXPECT_EQ(l.writer_owner(), writer.id());
  EXPECT_TRUE(writer.release());
  EXPECT_TRUE(l.check_invariants());
}

TEST(RwLockStd, TryLockSharedWouldBlockWhileLiveWriterHolds) {
  Lock l;
  LiveHolder writer = hold_exclusive(l);
  ASSERT_TRUE(writer.took());
  within(kWatchdog, [&] {
    EXPECT_EQ(l.try_lock_shared(1), Acquire::would_block);
    EXPECT_EQ(l.readers_in(1), 0u);  // the announce was withdrawn
  });
  EXPECT_TRUE(writer.release());
  within(kWatchdog, [&] {
    EXPECT_EQ(l.try_lock_shared(1), Acquire::ok);
    EXPECT_TRUE(l.unlock_shared(1));
  });
  EXPECT_TRUE(l.check_invariants());
}

// ---- reader slots: the claim bitmap and release_slot (RW-7, RW-8) ------------------------

struct WideTuning {  // a group of a thousand processes; the bitmap spans 16 words
  static constexpr unsigned reader_slots = 1024;
  static constexpr unsigned spin = 16;
  static constexpr std::uint32_t poll_ms = 2;
};
using WideLock = wc::RwLock<PrimStd, WideTuning>;

TEST(RwLockStd, ReleasedSlotIsNoLongerScannedAndCanBeClaimedAgain) {
  Lock l;
  EXPECT_EQ(l.claimed_slots(), 0u);
  ASSERT_EQ(l.lock_shared(3), Acquire::ok);
  EXPECT_TRUE(l.slot_claimed(3));
  EXPECT_TRUE(l.unlock_shared(3));
  EXPECT_TRUE(l.slot_claimed(3));  // claimed until given back, holds or not
  EXPECT_EQ(l.claimed_slots(), 1u);
  EXPECT_TRUE(l.release_slot(3));
  EXPECT_FALSE(l.slot_claimed(3));
  EXPECT_EQ(l.claimed_slots(), 0u);
  EXPECT_FALSE(l.release_slot(3));  // given back already
  run_as_process([&] {  // the slot's next owner
    EXPECT_EQ(l.lock_shared(3), Acquire::ok);
    EXPECT_TRUE(l.slot_claimed(3));
    EXPECT_TRUE(l.unlock_shared(3));
    EXPECT_TRUE(l.release_slot(3));
  });
  EXPECT_EQ(l.claimed_slots(), 0u);
  EXPECT_TRUE(l.check_invariants());
}

TEST(RwLockStd, ReleaseSlotIsRefusedWhileReadingOrWhenNotOurs) {
  Lock l;
  EXPECT_FALSE(l.release_slot(5));  // never claimed
  EXPECT_FALSE(l.release_slot(SmallTuning::reader_slots));
  EXPECT_FALSE(l.release_slot(UINT_MAX));
  ASSERT_EQ(l.lock_shared(0), Acquire::ok);
  EXPECT_FALSE(l.release_slot(0));  // still reads through it
  EXPECT_EQ(l.readers_in(0), 1u);   // the refusal changed nothing
  EXPECT_TRUE(l.slot_claimed(0));
  EXPECT_TRUE(l.unlock_shared(0));
  {
    LiveHolder other = hold_shared(l, 4);
    ASSERT_TRUE(other.took());
    EXPECT_FALSE(l.release_slot(4));  // somebody else's slot
    EXPECT_TRUE(l.slot_claimed(4));
    EXPECT_EQ(l.readers_in(4), 1u);
    EXPECT_TRUE(other.release());
  }
  EXPECT_TRUE(l.release_slot(0));
  EXPECT_TRUE(l.check_invariants());
}

TEST(RwLockStd, DeadReadersBitStaysUntilTheSlotsNextOwnerReleasesIt) {
  Lock l;
  const proc_id dead = run_as_process([&] { EXPECT_EQ(l.lock_shared(2), Acquire::ok); });
  PrimStd::kill(dead);
  within(kWatchdog, [&] {
    EXPECT_EQ(l.lock(), Acquire::ok);  // reaps the dead reader's hold...
    EXPECT_TRUE(l.unlock());
  });
  EXPECT_EQ(l.readers_in(2), 0u);
  EXPECT_TRUE(l.slot_claimed(2));  // ...but leaves its bit: a reaper never clears one
  run_as_process([&] {
    EXPECT_EQ(l.lock_shared(2), Acquire::ok);
    EXPECT_TRUE(l.unlock_shared(2));
    EXPECT_TRUE(l.release_slot(2));
  });
  EXPECT_FALSE(l.slot_claimed(2));
  EXPECT_TRUE(l.check_invariants());
}

TEST(RwLockStd, WriterSeesReadersInEveryBitmapWordOfAThousandSlots) {
  auto l = std::make_unique<WideLock>();
  for (unsigned slot : {0u, 63u, 64u, 511u, 1000u, 1023u}) {
    LiveHolder reader = hold_shared(*l, slot);
    ASSERT_TRUE(reader.took());
    within(kWatchdog, [&] { EXPECT_EQ(l->try_lock(), Acquire::would_block) << slot; });
    EXPECT_TRUE(reader.release());
    within(kWatchdog, [&] {
      EXPECT_EQ(l->try_lock(), Acquire::ok) << slot;
      EXPECT_TRUE(l->unlock());
    });
  }
  EXPECT_EQ(l->claimed_slots(), 6u);  // their owners left without giving the slots back
  EXPECT_TRUE(l->check_invariants());
}

TEST(RwLockStd, WriterWalksFullBitmapWords) {
  auto l = std::make_unique<WideLock>();
  for (unsigned slot = 0; slot < WideTuning::reader_slots; ++slot) {  // every word full
    ASSERT_EQ(l->lock_shared(slot), Acquire::ok);
    ASSERT_TRUE(l->unlock_shared(slot));
  }
  EXPECT_EQ(l->claimed_slots(), WideTuning::reader_slots);
  {
    LiveHolder reader = hold_shared(*l, 700);  // takes over our idle word
    ASSERT_TRUE(reader.took());
    within(kWatchdog, [&] { EXPECT_EQ(l->try_lock(), Acquire::would_block); });
    EXPECT_TRUE(reader.release());
  }
  const proc_id dead = run_as_process([&] { EXPECT_EQ(l->lock_shared(900), Acquire::ok); });
  PrimStd::kill(dead);
  within(kWatchdog, [&] {
    EXPECT_EQ(l->lock(), Acquire::ok);  // reaps the dead reader found in a full word
    EXPECT_TRUE(l->unlock());
    ASSERT_EQ(l->lock_shared(5), Acquire::ok);
    EXPECT_EQ(l->lock(), Acquire::misuse);  // our own hold, found in a full word
    EXPECT_TRUE(l->unlock_shared(5));
  });
  EXPECT_EQ(l->reaped_readers(), 1u);
  EXPECT_TRUE(l->check_invariants());
}

TEST(RwLockStd, ReadersMovingBetweenSlotsStayExcludedFromWriters) {
  constexpr int kThreads = 4;
  constexpr int kIters = 40000;
  auto l = std::make_unique<WideLock>();
  Guarded g;
  std::atomic<long> torn_reads{0}, bad_calls{0}, writes{0};
  within(60s, [&] {
    std::vector<std::thread> ts;
    for (int t = 0; t < kThreads; ++t) {
      ts.emplace_back([&, t] {
        for (int i = 0; i < kIters; ++i) {
          if ((i + t) % 4 == 0) {
            if (l->lock() != Acquire::ok) {
              ++bad_calls;
              continue;
            }
            const long a = g.a;
            g.a = a + 1;
            std::atomic_signal_fence(std::memory_order_seq_cst);
            dawdle();
            g.b = (a + 1) * 3;
            ++writes;
            if (!l->unlock()) ++bad_calls;
          } else {
            // Each thread walks its own residue class of slots, giving each back after use, so
            // slots are claimed and released while writers drain.
            const unsigned slot = unsigned((i * 37 + t) % 1024 / kThreads * kThreads + t);
            if (l->lock_shared(slot) != Acquire::ok) {
              ++bad_calls;
              continue;
            }
            const long a = g.a;
            std::atomic_signal_fence(std::memory_order_seq_cst);
            dawdle();
            if (g.b != a * 3) ++torn_reads;
            if (!l->unlock_shared(slot) || !l->release_slot(slot)) ++bad_calls;
          }
        }
      });
    }
    for (auto& t : ts) t.join();
  });
  EXPECT_EQ(bad_calls.load(), 0);
  EXPECT_EQ(torn_reads.load(), 0);
  EXPECT_EQ(g.a, writes.load());
  EXPECT_EQ(l->claimed_slots(), 0u);
  EXPECT_TRUE(l->check_invariants());
}

}  // namespace
