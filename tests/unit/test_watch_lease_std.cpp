// tests/unit/test_watch_lease_std.cpp: the watcher ownership lease (core/watch_lease.hpp) on real
// threads (PrimStd: each thread its own proc_id; a "dead" process is a thread that returned and
// was declared dead with PrimStd::kill), and compiled against the shipped POSIX primitives.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "core/watch_lease.hpp"
#include "prims/prim_posix.hpp"
#include "prims/prim_std.hpp"

// The shipped backend instantiates every member (a compile check of the real primitives).
template class wc::WatchLease<wc::PrimPosix>;

namespace {

using wc::PrimStd;
using Lease = wc::WatchLease<PrimStd>;
using proc_id = PrimStd::proc_id;

// The proc_id of a new thread that returns at once (a process that ran and is now idle).
proc_id spawn_idle() {
  proc_id id = 0;
  std::thread([&] { id = PrimStd::self(); }).join();
  return id;
}

// WL-1: of N threads checking a fresh lease at the same moment, exactly one becomes the owner,
// and every loser sees it as the holder.
TEST(WatchLeaseStd, OfRacingTakersExactlyOneWins) {
  constexpr unsigned kThreads = 4;
  for (int round = 0; round < 200; ++round) {
    auto lease = std::make_unique<Lease>();
    std::atomic<bool> go{false};
    std::atomic<unsigned> ready{0};
    proc_id ids[kThreads] = {};
    bool won[kThreads] = {};
    proc_id seen[kThreads] = {};
    std::vector<std::thread> ts;
    for (unsigned i = 0; i < kThreads; ++i)
      ts.emplace_back([&, i] {
        ids[i] = PrimStd::self();
        ready.fetch_add(1);
        while (!go.load()) std::this_thread::yield();
        won[i] = lease->check(5000, ids[i]);
        seen[i] = lease->holder();
      });
    while (ready.load() != kThreads) std::this_thread::yield();
    go.store(true);
    for (auto& t : ts) t.join();
    unsigned winners = 0;
    proc_id winner = 0;
    for (unsigned i = 0; i < kThreads; ++i)
      if (won[i]) {
        ++winners;
        winner = ids[i];
      }
    ASSERT_EQ(winners, 1u) << "round " << round;
    for (unsigned i = 0; i < kThreads; ++i) EXPECT_EQ(seen[i], winner);
    EXPECT_EQ(lease->epoch(), 1u);
    EXPECT_EQ(lease->resolve_gen(), 1u);
    EXPECT_EQ(lease->stats().takeovers, 1u);
  }
}

// WL-1, WL-4: a live owner whose beat is stale stays; once it is dead, the next stale check
// takes over and bumps (WL-2); a fresh beat is never questioned.
TEST(WatchLeaseStd, LivenessNotTimeDecides) {
  Lease lease;
  const proc_id a = spawn_idle(), b = spawn_idle();
  ASSERT_TRUE(lease.check(1000, a));
  const std::uint64_t e = lease.epoch();
  EXPECT_FALSE(lease.check(1500, b));   // fresh beat
  EXPECT_FALSE(lease.check(9000, b));   // stale beat, live owner
  EXPECT_TRUE(lease.current(e));
  EXPECT_TRUE(lease.beat(9000, a));     // the slow owner is still the owner
  PrimStd::kill(a);
  EXPECT_FALSE(lease.check(9500, b));   // its last beat is still fresh
  EXPECT_TRUE(lease.check(10001, b));   // stale and dead: taken over
  EXPECT_FALSE(lease.current(e));
  EXPECT_FALSE(lease.beat(10001, a));
  EXPECT_TRUE(lease.beat(10100, b));
  EXPECT_EQ(lease.stats().takeovers, 2u);
  EXPECT_EQ(lease.violation(), nullptr);
}

// WL-3: a taker killed between its claim and its publication is taken over like a dead owner,
// and the new owner bumps.
TEST(WatchLeaseStd, AHalfDoneTakeoverIsRedone) {
  Lease lease;
  const proc_id a = spawn_idle(), b = spawn_idle();
  ASSERT_TRUE(lease.claim(1000, a));
  EXPECT_EQ(lease.owner_word(), a | Lease::kTaking);
  EXPECT_FALSE(Lease::established(lease.owner_word()));
  EXPECT_EQ(lease.epoch(), 0u);
  EXPECT_FALSE(lease.check(2000, b));  // a is alive: its takeover goes on
  PrimStd::kill(a);
  EXPECT_TRUE(lease.check(2000, b));
  EXPECT_EQ(lease.owner_word(), b);
  EXPECT_EQ(lease.epoch(), 1u);
}

// A release bumps (nothing is watched until the next owner) and lets the next check in at once.
TEST(WatchLeaseStd, AReleaseBumpsAndHandsOverAtOnce) {
  Lease lease;
  const proc_id a = spawn_idle(), b = spawn_idle();
  ASSERT_TRUE(lease.check(1000, a));
  const std::uint64_t e = lease.epoch();
  EXPECT_FALSE(lease.release(b));
  EXPECT_TRUE(lease.release(a));
  EXPECT_FALSE(lease.current(e));
  EXPECT_TRUE(lease.check(1001, b));  // no stale bound to wait for
  EXPECT_EQ(lease.holder(), b);
}

// request_watch() wakes the owner's thread sleeping in wait_requests(): its one wait (30 s
// bound) returns woken, not timed_out. (The request comes 50 ms after the thread started, so a
// lost wake would show as a timeout.)
TEST(WatchLeaseStd, ARequestWakesTheOwnersThread) {
  Lease lease;
  const std::uint32_t seen = lease.requests();
  PrimStd::wait_result r = PrimStd::wait_result::timed_out;
  std::thread owner([&] { r = lease.wait_requests(seen, 30000); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  lease.request_watch();
  owner.join();
  EXPECT_EQ(r, PrimStd::wait_result::woken);
  EXPECT_EQ(lease.requests(), seen + 1);
}

}  // namespace
