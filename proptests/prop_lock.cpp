// RapidCheck state machine for the recovery behaviour of core/rwlock.hpp on PrimSim.
//
// Processes acquire (try_ forms), write a two-field structure (a == b when consistent), repair,
// release, and are killed: between operations, half-way through a write, or at any atomic step
// inside a lock operation. After every command:
//   RW-1  an acquire that succeeds finds no other LIVE holder in conflict with it;
//   RW-3/RW-4  would_block only when a LIVE process holds the lock in conflict (the dead never
//         block anyone);
//   RW-6  `ok` is never returned while the structure is torn (the lock never pretends);
//   RW-7  the lock's own check_invariants().
// Negative twins: the same machine against a lock that hides a writer's death (forget_dirty)
// and one that never asks whether a holder is alive (skip_death_check) must be refuted.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/rwlock.hpp"
#include "prim_sim.hpp"

namespace {

using namespace wc;
using namespace wc::sim;

struct SimLockTuning {
  static constexpr unsigned reader_slots = 6;
  static constexpr unsigned spin = 0;
  static constexpr std::uint32_t poll_ms = 1;
};
constexpr unsigned kMaxProcs = SimLockTuning::reader_slots;

enum class Hold { none, shared, exclusive };

// What the generator knows: which processes exist and which are alive.
struct LockModel {
  std::vector<bool> alive;
};

struct SimHolder {
  Sim sim;
  SimHolder() { Sim::instance() = &sim; }
};

template <class Bugs>
struct LockSut : SimHolder {
  RwLock<PrimSim, SimLockTuning, Bugs> lock;
  int a = 0, b = 0;  // the guarded structure; a == b when consistent
  std::vector<std::uint64_t> id;
  std::vector<Hold> hold;
  std::vector<unsigned> shared_holds;
  std::vector<bool> must_repair;

  template <class F>
  auto as(std::size_t p, F f) {
    sim.current = id[p];
    auto r = f();
    sim.current = 0;
    return r;
  }
  bool live_conflict(std::size_t p, bool exclusive_only) const {
    for (std::size_t q = 0; q < id.size(); ++q) {
      if (q == p || sim.dead[id[q]]) continue;
      if (hold[q] == Hold::exclusive) return true;
      if (!exclusive_only && hold[q] == Hold::shared) return true;
    }
    return false;
  }
  void took_exclusively(std::size_t p, Acquire r) {
    RC_ASSERT(!live_conflict(p, false));  // RW-1
    if (r == Acquire::ok) RC_ASSERT(a == b);  // RW-6
    hold[p] = Hold::exclusive;
    must_repair[p] = r != Acquire::ok;
  }
  void check() { RC_ASSERT(lock.check_invariants()); }  // RW-7
};

template <class Bugs>
using Cmd = rc::state::Command<LockModel, LockSut<Bugs>>;

// Picks a live process in the constructor; preconditions re-check it (shrinking may drop the
// command that made it).
template <class Bugs>
struct ByProcess : Cmd<Bugs> {
  std::size_t p = 0;
  bool any = false;
  explicit ByProcess(const LockModel& m) {
    std::vector<std::size_t> live;
    for (std::size_t i = 0; i < m.alive.size(); ++i)
      if (m.alive[i]) live.push_back(i);
    any = !live.empty();
    if (any) p = *rc::gen::elementOf(live);
  }
  void checkPreconditions(const LockModel& m) const override {
    RC_PRE((any && p < m.alive.size() && m.alive[p]));
  }
};

template <class Bugs>
struct Spawn : Cmd<Bugs> {
  void checkPreconditions(const LockModel& m) const override {
    RC_PRE(m.alive.size() < kMaxProcs);
  }
  void apply(LockModel& m) const override { m.alive.push_back(true); }
  void run(const LockModel&, LockSut<Bugs>& s) const override {
    s.id.push_back(s.sim.spawn());
    s.hold.push_back(Hold::none);
    s.shared_holds.push_back(0);
    s.must_repair.push_back(false);
  }
  void show(std::ostream& os) const override { os << "Spawn"; }
};

template <class Bugs>
struct TryLock : ByProcess<Bugs> {
  using ByProcess<Bugs>::ByProcess;
  using ByProcess<Bugs>::p;
  void apply(LockModel&) const override {}
  void run(const LockModel&, LockSut<Bugs>& s) const override {
    const Acquire r = s.as(p, [&] { return s.lock.try_lock(); });
    switch (r) {
      case Acquire::would_block: RC_ASSERT(s.live_conflict(p, false)); break;  // RW-3/4
      case Acquire::misuse: RC_ASSERT(s.hold[p] != Hold::none); break;
      default: s.took_exclusively(p, r);
    }
    s.check();
  }
  void show(std::ostream& os) const override { os << "TryLock(p" << p << ")"; }
};

template <class Bugs>
struct TryLockShared : ByProcess<Bugs> {
  using ByProcess<Bugs>::ByProcess;
  using ByProcess<Bugs>::p;
  void apply(LockModel&) const override {}
  void run(const LockModel&, LockSut<Bugs>& s) const override {
    const Acquire r = s.as(p, [&] { return s.lock.try_lock_shared(unsigned(p)); });
    switch (r) {
      case Acquire::would_block: RC_ASSERT(s.live_conflict(p, true)); break;  // RW-3
      case Acquire::misuse: RC_ASSERT(s.hold[p] != Hold::none); break;
      case Acquire::ok:
        RC_ASSERT(!s.live_conflict(p, true));  // RW-1
        RC_ASSERT(s.a == s.b);                 // RW-6
        RC_ASSERT(s.hold[p] != Hold::exclusive);
        s.hold[p] = Hold::shared;
        ++s.shared_holds[p];
        break;
      default: s.took_exclusively(p, r);  // promoted to repair
    }
    s.check();
  }
  void show(std::ostream& os) const override { os << "TryLockShared(p" << p << ")"; }
};

template <class Bugs>
struct Unlock : ByProcess<Bugs> {
  using ByProcess<Bugs>::ByProcess;
  using ByProcess<Bugs>::p;
  void apply(LockModel&) const override {}
  void run(const LockModel&, LockSut<Bugs>& s) const override {
    const bool r = s.as(p, [&] { return s.lock.unlock(); });
    RC_ASSERT(r == (s.hold[p] == Hold::exclusive));  // only the owner can release
    if (r) s.hold[p] = Hold::none;
    s.check();
  }
  void show(std::ostream& os) const override { os << "Unlock(p" << p << ")"; }
};

template <class Bugs>
struct UnlockShared : ByProcess<Bugs> {
  using ByProcess<Bugs>::ByProcess;
  using ByProcess<Bugs>::p;
  void apply(LockModel&) const override {}
  void run(const LockModel&, LockSut<Bugs>& s) const override {
    const bool r = s.as(p, [&] { return s.lock.unlock_shared(unsigned(p)); });
    RC_ASSERT(r == (s.shared_holds[p] > 0));
    if (r && --s.shared_holds[p] == 0) s.hold[p] = Hold::none;
    s.check();
  }
  void show(std::ostream& os) const override { os << "UnlockShared(p" << p << ")"; }
};

// A complete two-step update by a holder that was told the structure is consistent.
template <class Bugs>
struct Write : ByProcess<Bugs> {
  using ByProcess<Bugs>::ByProcess;
  using ByProcess<Bugs>::p;
  void apply(LockModel&) const override {}
  void run(const LockModel&, LockSut<Bugs>& s) const override {
    if (s.hold[p] != Hold::exclusive || s.must_repair[p]) return;
    RC_ASSERT(s.a == s.b);
    ++s.a;
    ++s.b;
  }
  void show(std::ostream& os) const override { os << "Write(p" << p << ")"; }
};

// The holder is killed between the two halves of its update.
template <class Bugs>
struct WriteHalfAndDie : ByProcess<Bugs> {
  using ByProcess<Bugs>::ByProcess;
  using ByProcess<Bugs>::p;
  void apply(LockModel& m) const override { m.alive[p] = false; }
  void run(const LockModel&, LockSut<Bugs>& s) const override {
    if (s.hold[p] == Hold::exclusive && !s.must_repair[p]) ++s.a;
    s.sim.dead[s.id[p]] = true;
  }
  void show(std::ostream& os) const override { os << "WriteHalfAndDie(p" << p << ")"; }
};

template <class Bugs>
struct Repair : ByProcess<Bugs> {
  using ByProcess<Bugs>::ByProcess;
  using ByProcess<Bugs>::p;
  void apply(LockModel&) const override {}
  void run(const LockModel&, LockSut<Bugs>& s) const override {
    if (s.hold[p] != Hold::exclusive || !s.must_repair[p]) return;
    s.b = s.a;
    RC_ASSERT(s.as(p, [&] { return s.lock.mark_consistent(); }));
    s.must_repair[p] = false;
    s.check();
  }
  void show(std::ostream& os) const override { os << "Repair(p" << p << ")"; }
};

template <class Bugs>
struct Kill : ByProcess<Bugs> {
  using ByProcess<Bugs>::ByProcess;
  using ByProcess<Bugs>::p;
  void apply(LockModel& m) const override { m.alive[p] = false; }
  void run(const LockModel&, LockSut<Bugs>& s) const override { s.sim.dead[s.id[p]] = true; }
  void show(std::ostream& os) const override { os << "Kill(p" << p << ")"; }
};

// The process is killed at its k-th atomic step inside a lock operation (and, should the
// operation finish first, right after it).
template <class Bugs>
struct KillDuring : ByProcess<Bugs> {
  using ByProcess<Bugs>::p;
  int op = 0;
  int k = 0;
  explicit KillDuring(const LockModel& m)
      : ByProcess<Bugs>(m), op(*rc::gen::inRange(0, 5)), k(*rc::gen::inRange(0, 40)) {}
  void apply(LockModel& m) const override { m.alive[p] = false; }
  void run(const LockModel&, LockSut<Bugs>& s) const override {
    s.sim.current = s.id[p];
    s.sim.kill_in = k;
    try {
      switch (op) {
        case 0: (void)s.lock.try_lock(); break;
        case 1: (void)s.lock.try_lock_shared(unsigned(p)); break;
        case 2: (void)s.lock.unlock(); break;
        case 3: (void)s.lock.unlock_shared(unsigned(p)); break;
        default:
          if (s.hold[p] == Hold::exclusive && s.must_repair[p]) s.b = s.a;  // repaired, then
          (void)s.lock.mark_consistent();                                   // killed marking
      }
    } catch (const SimKilled&) {
    }
    s.sim.kill_in = -1;
    s.sim.current = 0;
    s.sim.dead[s.id[p]] = true;
    s.check();
  }
  void show(std::ostream& os) const override {
    static const char* names[] = {"try_lock", "try_lock_shared", "unlock", "unlock_shared",
                                  "mark_consistent"};
    os << "KillDuring(p" << p << ", " << names[op] << ", step " << k << ")";
  }
};

template <class Bugs>
bool recovery_machine_holds(const std::string& name) {
  return rc::check(name, [] {
    LockModel initial;
    LockSut<Bugs> sut;
    rc::state::check(
        initial, sut,
        rc::state::gen::execOneOfWithArgs<Spawn<Bugs>, Spawn<Bugs>, TryLock<Bugs>,
                                          TryLockShared<Bugs>, Unlock<Bugs>, UnlockShared<Bugs>,
                                          Write<Bugs>, WriteHalfAndDie<Bugs>, Repair<Bugs>,
                                          Kill<Bugs>, KillDuring<Bugs>>());
  });
}

struct ForgetDirty : NoSeededBugs {
  static constexpr bool forget_dirty = true;
};
struct NoDeathCheck : NoSeededBugs {
  static constexpr bool skip_death_check = true;
};

TEST(LockRecoveryMachine, HoldsUnderKillsAtAnyStep) {
  EXPECT_TRUE(recovery_machine_holds<NoSeededBugs>("lock recovery state machine"));
}

TEST(LockRecoveryMachineTwin, TakeoverThatHidesTheDeathIsRefuted) {
  std::printf("[twin] expecting RapidCheck to refute the next property:\n");
  EXPECT_FALSE(recovery_machine_holds<ForgetDirty>("twin: takeover hides a writer's death"));
}

TEST(LockRecoveryMachineTwin, LockThatNeverChecksLivenessIsRefuted) {
  std::printf("[twin] expecting RapidCheck to refute the next property:\n");
  EXPECT_FALSE(recovery_machine_holds<NoDeathCheck>("twin: holders' deaths never checked"));
}

}  // namespace
