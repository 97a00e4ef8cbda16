// RapidCheck state machine for wincache_lock's table, core/named_lock.hpp (NL-1..NL-3,
// docs/invariants/ucache.md), on PrimSim: a 3-slot table, 5 names, up to 5 processes.
//
// Commands: Spawn; Acquire(p, name); Release(p, name); Kill(p) (a holder dies holding what it
// holds); KillDuring(p, acquire or release, name, k) (p dies at its k-th atomic step inside the
// call, possibly holding the table's own lock). Waiting is simulated: PrimSim::wait returns at
// once, and the stop() the test passes counts its calls and says "give up" at the third; so an
// acquire of a name held by a live process returns interrupted, and every other acquire must
// not have called stop() at all. The model keeps, per name, the set of processes that may hold
// it (-1: nobody); it is a single process except after a kill inside acquire/release.
//   NL-1  acquired / taken_over only when no other LIVE process holds the name;
//   NL-2  a name whose holders are all dead is acquired (taken_over if it was certainly held)
//         without a single poll; `full` only when every slot is held by a live process (dead
//         holders' slots are reused);
//   NL-3  a holder's acquire says already_held; release succeeds exactly for the holder.
//   held() lies between the names certainly held by live processes and those possibly held.
// Twins: ignore_dead_holder (a dead holder is waited for), skip_owner_check (a second claim
// of a held name succeeds) and stop_at_tombstone (a probe ends at a released slot: NL-4) must be
// refuted. With 3 slots and 5 names every probe wraps and meets tombstones.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include <cstdint>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "core/named_lock.hpp"
#include "common.hpp"

namespace {

using namespace wc;
using namespace wc::sim;
using namespace wc::prop;

using SimTuning = SimLockTuning<4>;
constexpr unsigned kSlots = 3;
constexpr unsigned kNames = 5;
constexpr unsigned kMaxProcs = 5;
constexpr unsigned kGiveUpAt = 3;

template <class Bugs>
using Table = LockTable<PrimSim, kSlots, Bugs, SimTuning>;

std::string name_of(unsigned n) { return "lock-" + std::to_string(n); }

const char* show(NamedLock r) {
  switch (r) {
    case NamedLock::acquired: return "acquired";
    case NamedLock::taken_over: return "taken_over";
    case NamedLock::already_held: return "already_held";
    case NamedLock::full: return "full";
    case NamedLock::interrupted: return "interrupted";
    default: return "error";
  }
}

struct Seen {
  unsigned acquired = 0, taken_over = 0, interrupted = 0, full = 0, already = 0, kills_inside = 0;
};
Seen& seen() {
  static Seen s;
  return s;
}

struct NlModel {
  std::vector<bool> alive;
};

template <class Bugs>
struct NlSut : SimHolder {
  Table<Bugs>* t = new Table<Bugs>();
  std::vector<std::uint64_t> id;
  std::set<int> may[kNames];  // who may hold each name; -1 = nobody
  NlSut() {
    for (auto& m : may) m = {-1};
  }
  ~NlSut() { delete t; }

  bool alive(int p) const { return p >= 0 && !sim.dead[id[p]]; }
  int live_holder(unsigned n) const {
    for (int q : may[n])
      if (alive(q)) return q;
    return -1;
  }

  // Runs acquire as process p; returns the result and how often stop() was asked.
  NamedLock acquire(unsigned p, unsigned n, unsigned& polls) {
    const std::string key = name_of(n);
    polls = 0;
    return run_as(sim, id[p], [&] {
      return t->acquire(key.data(), key.size(), [&] { return ++polls >= kGiveUpAt; });
    });
  }

  // The checks of one completed acquire, and the model's update.
  void acquired(unsigned p, unsigned n, NamedLock r, unsigned polls) {
    const int holder = live_holder(n);
    const std::string what = "p" + std::to_string(p) + " acquire(" + name_of(n) + ") -> " +
                             show(r) + " after " + std::to_string(polls) + " polls";
    switch (r) {
      case NamedLock::acquired: ++seen().acquired; break;
      case NamedLock::taken_over: ++seen().taken_over; break;
      case NamedLock::interrupted: ++seen().interrupted; break;
      case NamedLock::full: ++seen().full; break;
      case NamedLock::already_held: ++seen().already; break;
      default: break;
    }
    if (holder == int(p)) {  // NL-3
      if (r != NamedLock::already_held) RC_FAIL(what + ", but p" + std::to_string(p) + " holds it");
      return;
    }
    if (holder >= 0) {  // NL-1
      if (r != NamedLock::interrupted)
        RC_FAIL(what + " while p" + std::to_string(holder) + " (alive) holds it");
      RC_ASSERT(polls == kGiveUpAt);
      return;
    }
    // Nobody alive holds it: NL-2.
    if (polls != 0) RC_FAIL(what + ": waited although no live process holds it");
    if (r == NamedLock::full) {
      unsigned live_held = 0;
      for (unsigned m = 0; m < kNames; ++m) live_held += live_holder(m) >= 0;
      if (live_held < kSlots)
        RC_FAIL(what + " with only " + std::to_string(live_held) +
                " names held by live processes (dead holders' slots not reused)");
      return;
    }
    if (r == NamedLock::taken_over && may[n] == std::set<int>{-1})
      RC_FAIL(what + ": nobody held it");
    if (r != NamedLock::acquired && r != NamedLock::taken_over) RC_FAIL(what);
    may[n] = {int(p)};
  }

  bool release(unsigned p, unsigned n) {
    const std::string key = name_of(n);
    return run_as(sim, id[p], [&] { return t->release(key.data(), key.size()); });
  }
  void released(unsigned p, unsigned n, bool r) {
    const bool holds = live_holder(n) == int(p);
    if (r != holds)  // NL-3
      RC_FAIL("p" + std::to_string(p) + " release(" + name_of(n) + ") -> " + std::to_string(r) +
              ", it " + (holds ? "holds" : "does not hold") + " it");
    if (r) may[n] = {-1};
  }

  void check() {
    unsigned lo = 0, hi = 0;
    for (unsigned n = 0; n < kNames; ++n) {
      lo += live_holder(n) >= 0;
      hi += may[n] != std::set<int>{-1};
    }
    const unsigned h = t->held();
    if (h < lo || h > hi)
      RC_FAIL("held() = " + std::to_string(h) + ", expected " + std::to_string(lo) + ".." +
              std::to_string(hi));
  }
};

template <class Bugs>
using Cmd = rc::state::Command<NlModel, NlSut<Bugs>>;

template <class Bugs>
struct ByProcess : Cmd<Bugs> {
  unsigned p = 0;
  bool any = false;
  unsigned n = *rc::gen::inRange(0u, kNames);
  explicit ByProcess(const NlModel& m) {
    std::vector<unsigned> live;
    for (unsigned i = 0; i < m.alive.size(); ++i)
      if (m.alive[i]) live.push_back(i);
    any = !live.empty();
    if (any) p = *rc::gen::elementOf(live);
  }
  void checkPreconditions(const NlModel& m) const override {
    RC_PRE((any && p < m.alive.size() && m.alive[p]));
  }
  void apply(NlModel&) const override {}
};

template <class Bugs>
struct Spawn : Cmd<Bugs> {
  void checkPreconditions(const NlModel& m) const override { RC_PRE(m.alive.size() < kMaxProcs); }
  void apply(NlModel& m) const override { m.alive.push_back(true); }
  void run(const NlModel&, NlSut<Bugs>& s) const override { s.id.push_back(s.sim.spawn()); }
  void show(std::ostream& os) const override { os << "Spawn"; }
};

template <class Bugs>
struct AcquireCmd : ByProcess<Bugs> {
  using ByProcess<Bugs>::ByProcess;
  using ByProcess<Bugs>::p;
  using ByProcess<Bugs>::n;
  void run(const NlModel&, NlSut<Bugs>& s) const override {
    unsigned polls = 0;
    const NamedLock r = s.acquire(p, n, polls);
    s.acquired(p, n, r, polls);
    s.check();
  }
  void show(std::ostream& os) const override { os << "Acquire(p" << p << ", " << name_of(n) << ")"; }
};

template <class Bugs>
struct Release : ByProcess<Bugs> {
  using ByProcess<Bugs>::ByProcess;
  using ByProcess<Bugs>::p;
  using ByProcess<Bugs>::n;
  void run(const NlModel&, NlSut<Bugs>& s) const override {
    s.released(p, n, s.release(p, n));
    s.check();
  }
  void show(std::ostream& os) const override { os << "Release(p" << p << ", " << name_of(n) << ")"; }
};

template <class Bugs>
struct Kill : ByProcess<Bugs> {
  using ByProcess<Bugs>::ByProcess;
  using ByProcess<Bugs>::p;
  void apply(NlModel& m) const override { m.alive[p] = false; }
  void run(const NlModel&, NlSut<Bugs>& s) const override {
    s.sim.dead[s.id[p]] = true;
    s.check();
  }
  void show(std::ostream& os) const override { os << "Kill(p" << p << ")"; }
};

template <class Bugs>
struct KillDuring : ByProcess<Bugs> {
  using ByProcess<Bugs>::p;
  using ByProcess<Bugs>::n;
  bool in_acquire = *rc::gen::arbitrary<bool>();
  long k = *rc::gen::inRange<long>(0, 60);
  explicit KillDuring(const NlModel& m) : ByProcess<Bugs>(m) {}
  void apply(NlModel& m) const override { m.alive[p] = false; }
  void run(const NlModel&, NlSut<Bugs>& s) const override {
    const int live_before = s.live_holder(n);
    unsigned polls = 0;
    NamedLock r = NamedLock::error;
    bool rel = false;
    const bool killed = killed_during(s.sim, s.id[p], k, [&] {
      if (in_acquire)
        r = s.acquire(p, n, polls);
      else
        rel = s.release(p, n);
    });
    if (!killed) {
      if (in_acquire)
        s.acquired(p, n, r, polls);
      else
        s.released(p, n, rel);
      s.sim.dead[s.id[p]] = true;
    } else {
      ++seen().kills_inside;
      // The claim (or takeover) may have happened when nobody alive held the name; the
      // release may have happened when p held it.
      if (in_acquire && live_before < 0) s.may[n].insert(int(p));
      if (!in_acquire && live_before == int(p)) s.may[n].insert(-1);
    }
    s.check();
  }
  void show(std::ostream& os) const override {
    os << "KillDuring(p" << p << ", " << (in_acquire ? "acquire(" : "release(") << name_of(n)
       << "), step " << k << ")";
  }
};

template <class Bugs>
bool table_machine_holds(const std::string& name) {
  return rc::check(name, [] {
    NlModel initial;
    NlSut<Bugs> sut;
    rc::state::check(initial, sut,
                     rc::state::gen::execOneOfWithArgs<Spawn<Bugs>, Spawn<Bugs>, AcquireCmd<Bugs>,
                                                       AcquireCmd<Bugs>, AcquireCmd<Bugs>, Release<Bugs>,
                                                       Release<Bugs>, Kill<Bugs>,
                                                       KillDuring<Bugs>>());
  });
}

struct IgnoreDeadHolder : NoLockTableBugs {
  static constexpr bool ignore_dead_holder = true;
};
struct SkipOwnerCheck : NoLockTableBugs {
  static constexpr bool skip_owner_check = true;
};
struct StopAtTombstone : NoLockTableBugs {
  static constexpr bool stop_at_tombstone = true;
};

TEST(NamedLockMachine, OneLiveHolderDeadHoldersReplacedAtOnce) {
  seen() = Seen{};
  EXPECT_TRUE(table_machine_holds<NoLockTableBugs>("named lock table state machine"));
  const Seen& s = seen();
  std::printf("[named lock] acquired %u, taken_over %u, interrupted %u, full %u, already_held "
              "%u, kills inside a call %u\n",
              s.acquired, s.taken_over, s.interrupted, s.full, s.already, s.kills_inside);
  EXPECT_GT(s.taken_over, 0u);
  EXPECT_GT(s.interrupted, 0u);
  EXPECT_GT(s.full, 0u);
  EXPECT_GT(s.already, 0u);
}

TEST(NamedLockMachineTwin, WaitingForADeadHolderIsRefuted) {
  std::printf("[twin] expecting RapidCheck to refute the next property:\n");
  EXPECT_FALSE(table_machine_holds<IgnoreDeadHolder>("twin: a dead holder is waited for"));
}

TEST(NamedLockMachineTwin, ASecondClaimOfAHeldNameIsRefuted) {
  std::printf("[twin] expecting RapidCheck to refute the next property:\n");
  EXPECT_FALSE(table_machine_holds<SkipOwnerCheck>("twin: a held name is claimed again"));
}

// NL-4: a probe that ends at a released slot misses the name held further along its probe.
TEST(NamedLockMachineTwin, AProbeEndingAtAReleasedSlotIsRefuted) {
  std::printf("[twin] expecting RapidCheck to refute the next property:\n");
  EXPECT_FALSE(table_machine_holds<StopAtTombstone>("twin: a probe stops at a tombstone"));
}

}  // namespace
