// RapidCheck state machine for the recovery behaviour of core/rwlock.hpp on PrimSim.
//
// Processes acquire (try_ forms), write a two-field structure (a == b when consistent), repair,
// release, and are killed: between operations, half-way through a write, or at any atomic step
// inside a lock operation. Each process reads through a reader slot index it was handed, as the
// segment layer hands them out: never one a live process uses, often one a dead process or an
// earlier owner used. Processes move to other indices, giving their slot back (release_slot) or
// abandoning it (a live owner's idle word that the next owner takes over), over 130 slots (three
// bitmap words). After every command:
//   RW-1  an acquire that succeeds finds no other LIVE holder in conflict with it;
//   RW-3/RW-4  would_block only when a LIVE process holds the lock in conflict (the dead never
//         block anyone);
//   RW-6  `ok` is never returned while the structure is torn (the lock never pretends);
//   RW-7  the lock's own check_invariants();
//   RW-8  release_slot succeeds exactly when the process claimed the slot and holds no read
//         through it, and then the slot is no longer scanned; a slot a live process claimed is
//         scanned; no slot is scanned unless somebody claimed it since it was last released.
// Negative twins: the same machine against a lock that hides a writer's death (forget_dirty),
// one that never asks whether a holder is alive (skip_death_check) and one whose readers do not
// publish their claim bit (skip_claim_bit) must be refuted.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/rwlock.hpp"
#include "common.hpp"

namespace {

using namespace wc;
using namespace wc::sim;
using namespace wc::prop;

using LockTuning = SimLockTuning<130>;  // three bitmap words, the last one partial
constexpr unsigned kSlots = LockTuning::reader_slots;
constexpr unsigned kMaxProcs = 6;

enum class Hold { none, shared, exclusive };

// What the generator knows: which processes exist and are alive, the slot index each one reads
// through, and every index handed out so far (so that new owners often reuse one).
struct LockModel {
  std::vector<bool> alive;
  std::vector<unsigned> slot;
  std::vector<unsigned> handed_out;
  bool in_use(unsigned s) const {  // by a live process
    for (std::size_t q = 0; q < alive.size(); ++q)
      if (alive[q] && slot[q] == s) return true;
    return false;
  }
};

// A slot index for a process to move to: half the time one handed out before (its word and its
// bit may still hold what the earlier owner left), otherwise any. Preconditions re-check that no
// live process uses it.
inline unsigned gen_slot(const LockModel& m) {
  const unsigned any = *rc::gen::inRange(0u, kSlots);
  if (m.handed_out.empty() || *rc::gen::arbitrary<bool>()) return any;
  return *rc::gen::elementOf(m.handed_out);
}

template <class Bugs>
struct LockSut : SimHolder {
  RwLock<PrimSim, LockTuning, Bugs> lock;
  int a = 0, b = 0;  // the guarded structure; a == b when consistent
  std::vector<std::uint64_t> id;
  std::vector<Hold> hold;
  std::vector<unsigned> shared_holds;
  std::vector<bool> must_repair;
  std::vector<unsigned> slot;  // the reader slot index each process uses
  // Per slot: the process whose claim made the slot word its own last (an acquire through it),
  // until it gives the slot back; -1 for none. A live owner may have moved on (Abandon).
  std::vector<int> owner_of = std::vector<int>(kSlots, -1);
  std::vector<bool> may_be_set = std::vector<bool>(kSlots, false);  // claimed since last released
  bool owns(std::size_t p) const { return owner_of[slot[p]] == int(p); }

  template <class F>
  auto as(std::size_t p, F f) {
    return run_as(sim, id[p], f);
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
  void check() {
    RC_ASSERT(lock.check_invariants());  // RW-7
    // RW-8: a slot a live process claimed is scanned; no other slot is, unless somebody claimed
    // it since it was last given back (a dead reader's bit stays until the next owner releases).
    for (unsigned s = 0; s < kSlots; ++s) {
      if (owner_of[s] >= 0 && !sim.dead[id[std::size_t(owner_of[s])]])
        RC_ASSERT(lock.slot_claimed(s));
      if (!may_be_set[s]) RC_ASSERT(!lock.slot_claimed(s));
    }
  }
  // Before an operation that may claim p's slot.
  void claiming(std::size_t p) { may_be_set[slot[p]] = true; }
  // Drops every read hold p has (a detaching process finishes its reads first).
  void drop_shared_holds(std::size_t p) {
    for (; shared_holds[p] > 0; --shared_holds[p])
      RC_ASSERT(as(p, [&] { return lock.unlock_shared(slot[p]); }));
    if (hold[p] == Hold::shared) hold[p] = Hold::none;
  }
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
  unsigned slot = 0;
  explicit Spawn(const LockModel& m) : slot(gen_slot(m)) {}
  void checkPreconditions(const LockModel& m) const override {
    RC_PRE(m.alive.size() < kMaxProcs);
    RC_PRE(!m.in_use(slot));
  }
  void apply(LockModel& m) const override {
    m.alive.push_back(true);
    m.slot.push_back(slot);
    m.handed_out.push_back(slot);
  }
  void run(const LockModel&, LockSut<Bugs>& s) const override {
    s.id.push_back(s.sim.spawn());
    s.hold.push_back(Hold::none);
    s.shared_holds.push_back(0);
    s.must_repair.push_back(false);
    s.slot.push_back(slot);
  }
  void show(std::ostream& os) const override { os << "Spawn(slot " << slot << ")"; }
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
    s.claiming(p);
    const Acquire r = s.as(p, [&] { return s.lock.try_lock_shared(s.slot[p]); });
    s.owner_of[s.slot[p]] = int(p);  // nobody alive reads through our index: claims succeed
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
    const bool r = s.as(p, [&] { return s.lock.unlock_shared(s.slot[p]); });
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

// The process detaches from its slot and moves to another index: release_slot, which must
// refuse while the process still reads through the slot (it then finishes its reads and
// releases again), and succeed exactly when it claimed the slot.
template <class Bugs>
struct Release : ByProcess<Bugs> {
  using ByProcess<Bugs>::p;
  unsigned next = 0;
  explicit Release(const LockModel& m) : ByProcess<Bugs>(m), next(gen_slot(m)) {}
  void checkPreconditions(const LockModel& m) const override {
    ByProcess<Bugs>::checkPreconditions(m);
    RC_PRE(!m.in_use(next) || m.slot[p] == next);
  }
  void apply(LockModel& m) const override {
    m.slot[p] = next;
    m.handed_out.push_back(next);
  }
  void run(const LockModel&, LockSut<Bugs>& s) const override {
    const unsigned old = s.slot[p];
    bool r = s.as(p, [&] { return s.lock.release_slot(old); });
    RC_ASSERT(r == (s.owns(p) && s.shared_holds[p] == 0));  // RW-8
    if (!r && s.shared_holds[p] > 0) {
      RC_ASSERT(s.lock.readers_in(old) == s.shared_holds[p]);  // the refusal changed nothing
      s.drop_shared_holds(p);
      r = s.as(p, [&] { return s.lock.release_slot(old); });
      RC_ASSERT(r == s.owns(p));
    }
    if (r) {
      RC_ASSERT(!s.lock.slot_claimed(old));  // RW-8: no longer scanned
      RC_ASSERT(s.lock.readers_in(old) == 0);
      s.may_be_set[old] = false;
      s.owner_of[old] = -1;
    }
    s.slot[p] = next;
    s.check();
  }
  void show(std::ostream& os) const override {
    os << "Release(p" << p << ", then slot " << next << ")";
  }
};

// The process finishes its reads and moves to another index WITHOUT giving its slot back (as a
// segment layer that never calls release_slot would): the slot's next owner takes over the idle
// word of a live process, and the slot stays scanned until somebody releases it.
template <class Bugs>
struct Abandon : ByProcess<Bugs> {
  using ByProcess<Bugs>::p;
  unsigned next = 0;
  explicit Abandon(const LockModel& m) : ByProcess<Bugs>(m), next(gen_slot(m)) {}
  void checkPreconditions(const LockModel& m) const override {
    ByProcess<Bugs>::checkPreconditions(m);
    RC_PRE(!m.in_use(next));
  }
  void apply(LockModel& m) const override {
    m.slot[p] = next;
    m.handed_out.push_back(next);
  }
  void run(const LockModel&, LockSut<Bugs>& s) const override {
    s.drop_shared_holds(p);
    s.slot[p] = next;
    s.check();
  }
  void show(std::ostream& os) const override {
    os << "Abandon(p" << p << ", then slot " << next << ")";
  }
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
      : ByProcess<Bugs>(m), op(*rc::gen::inRange(0, 6)), k(*rc::gen::inRange(0, 40)) {}
  void apply(LockModel& m) const override { m.alive[p] = false; }
  void run(const LockModel&, LockSut<Bugs>& s) const override {
    if (op == 1) s.claiming(p);
    killed_during(s.sim, s.id[p], k, [&] {
      switch (op) {
        case 0: (void)s.lock.try_lock(); break;
        case 1: (void)s.lock.try_lock_shared(s.slot[p]); break;
        case 2: (void)s.lock.unlock(); break;
        case 3: (void)s.lock.unlock_shared(s.slot[p]); break;
        case 4: (void)s.lock.release_slot(s.slot[p]); break;
        default:
          if (s.hold[p] == Hold::exclusive && s.must_repair[p]) s.b = s.a;  // repaired, then
          (void)s.lock.mark_consistent();                                   // killed marking
      }
    });
    s.sim.dead[s.id[p]] = true;
    s.check();
  }
  void show(std::ostream& os) const override {
    static const char* names[] = {"try_lock", "try_lock_shared", "unlock", "unlock_shared",
                                  "release_slot", "mark_consistent"};
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
                                          Release<Bugs>, Abandon<Bugs>, Kill<Bugs>,
                                          KillDuring<Bugs>>());
  });
}

struct ForgetDirty : NoSeededBugs {
  static constexpr bool forget_dirty = true;
};
struct NoDeathCheck : NoSeededBugs {
  static constexpr bool skip_death_check = true;
};
struct SkipClaimBit : NoSeededBugs {
  static constexpr bool skip_claim_bit = true;
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

TEST(LockRecoveryMachineTwin, ReaderWithoutItsClaimBitIsRefuted) {
  std::printf("[twin] expecting RapidCheck to refute the next property:\n");
  EXPECT_FALSE(recovery_machine_holds<SkipClaimBit>("twin: readers do not publish their bit"));
}

}  // namespace
