// Relacy: the watcher ownership lease (core/watch_lease.hpp, docs/invariants/watch_lease.md).
// Threads stand for processes (proc_id = thread index + 1); a process dies by PrimRelacy::die().
// The beat is stale for every taker (owner's beat at 1 or 600 ms, takers check at 2000 ms), so
// every check asks Prim::alive: what is checked is that liveness, not time, decides.
//   WL-1  at most one live owner at any time; nobody displaces a live owner (a slow owner that
//         misses its beats keeps the lease and its next beat succeeds); of two takers at once
//         exactly one wins and the loser sees the winner;
//   WL-2  every takeover bumps the epoch: an entry validated while the dead owner watched is
//         never current after a takeover;
//   WL-3  a taker killed between its claim and its publication blocks nobody, and the next
//         taker bumps; an observer that sees a published owner sees the bumped epoch.
// Negative twins: a takeover that keeps the old epoch (USER ASSERT: an old entry trusted), a
// takeover decided by a stale beat alone (USER ASSERT: a live owner displaced, two live owners),
// ownership published before the bump (USER ASSERT: an observer sees the new owner in the old
// epoch).
#include "../core/watch_lease.hpp"
#include "prim_relacy.hpp"

using namespace wc;
using namespace wc::model;

template <class Bugs>
using Lease = WatchLease<PrimRelacy, Bugs>;

constexpr std::uint64_t kTakersAt = 2000;  // ms: every beat below is stale by then

// What every suite shares: the lease, who believes it owns it, and the checks of a check().
template <class Bugs>
struct LeaseWorld {
  World w;
  Lease<Bugs> lease;
  rl::atomic<bool> is_owner[4];  // by proc_id 1..3
  std::uint64_t old_epoch = 0;  // the epoch entries were validated in under the first owner

  void init(bool with_owner) {
    world() = &w;
    for (auto& o : is_owner) o.store(false, rl::mo_relaxed, $);
    if (with_owner) {
      RL_ASSERT(lease.check(1, 1));  // process 1 (thread 0) owns the lease from 1 ms
      is_owner[1].store(true, rl::mo_relaxed, $);
      lease.on_overflow();        // its thread reported an overflow: a new epoch (>= 1 even
                                  // under a twin whose takeover does not bump)
      old_epoch = lease.epoch();  // an entry validated while process 1 watched
      RL_ASSERT(lease.current(old_epoch));
    }
  }

  // The checks after process `me` called check() and got `won`.
  void checked(std::uint64_t me, bool won) {
    if (won) {
      RL_ASSERT(lease.holder() == me);          // WL-1: nobody displaces a live owner
      RL_ASSERT(!lease.current(old_epoch));     // WL-2: nothing validated before is trusted
      is_owner[me].store(true, rl::mo_seq_cst, $);
      for (std::uint64_t q = 1; q <= 3; ++q)  // WL-1: at most one live owner
        if (q != me && is_owner[q].load(rl::mo_seq_cst, $)) RL_ASSERT(!PrimRelacy::alive(q));
    } else {
      const std::uint64_t word = lease.owner_word();
      RL_ASSERT(word != 0);  // the loser sees the winner (or the live owner)
      // WL-3: a published owner other than the first has bumped the epoch.
      if (Lease<Bugs>::established(word) && (word & kProcIdMask) != 1 && old_epoch != 0)
        RL_ASSERT(!lease.current(old_epoch));
    }
  }
};

// Process 1 owns the lease and dies; processes 2 and 3 check concurrently. With KillMid,
// process 2 is killed right after its claim, before its bump and publication.
template <class Bugs, bool KillMid>
struct DyingOwnerTakers : rl::test_suite<DyingOwnerTakers<Bugs, KillMid>, 3> {
  LeaseWorld<Bugs> s;
  void before() { s.init(true); }
  void thread(unsigned idx) {
    const std::uint64_t me = idx + 1;
    auto& lease = s.lease;
    if (idx == 0) {
      lease.beat(600, me);
      PrimRelacy::die();
      return;
    }
    if (idx == 1 && KillMid) {
      if (lease.claim(kTakersAt, me)) {
        PrimRelacy::die();  // killed between claim and publication
        return;
      }
      s.checked(me, false);
      return;
    }
    // WL-3: with the owner and the half-done taker dead, this check must take over.
    const bool all_dead = KillMid && idx == 2 && !PrimRelacy::alive(1) && !PrimRelacy::alive(2);
    const bool won = lease.check(kTakersAt, me);
    if (all_dead) RL_ASSERT(won);
    s.checked(me, won);
  }
  void after() { RL_ASSERT(s.lease.violation() == nullptr); }
};

// Process 1 owns the lease, runs but misses its beats (stale for the takers), then beats again:
// it must still be the owner. Processes 2 and 3 check concurrently.
template <class Bugs>
struct SlowOwner : rl::test_suite<SlowOwner<Bugs>, 3> {
  LeaseWorld<Bugs> s;
  void before() { s.init(true); }
  void thread(unsigned idx) {
    const std::uint64_t me = idx + 1;
    if (idx == 0) {
      RL_ASSERT(s.lease.current(s.old_epoch));    // still watching: its epoch holds
      RL_ASSERT(s.lease.beat(kTakersAt + 100, me));  // WL-1: not displaced
      return;
    }
    s.checked(me, s.lease.check(kTakersAt, me));
  }
  void after() {
    RL_ASSERT(s.lease.holder() == 1);
    RL_ASSERT(s.lease.violation() == nullptr);
  }
};

// Nobody owns the lease; two processes check at once: exactly one wins, the other sees it.
template <class Bugs>
struct TwoTakers : rl::test_suite<TwoTakers<Bugs>, 2> {
  LeaseWorld<Bugs> s;
  bool won[2] = {false, false};
  void before() { s.init(false); }
  void thread(unsigned idx) {
    const std::uint64_t me = idx + 1;
    won[idx] = s.lease.check(kTakersAt, me);
    s.checked(me, won[idx]);
    if (!won[idx]) RL_ASSERT(s.lease.holder() == 2 - idx);  // the loser sees the winner
  }
  void after() {
    RL_ASSERT(int(won[0]) + int(won[1]) == 1);
    RL_ASSERT(s.lease.established(s.lease.owner_word()));
    RL_ASSERT(s.lease.epoch() == 1 && s.lease.resolve_gen() == 1);  // bumped once
    RL_ASSERT(s.lease.violation() == nullptr);
  }
};

struct KeepOldEpoch : NoLeaseBugs {
  static constexpr bool keep_old_epoch = true;
};
struct StaleBeatDecides : NoLeaseBugs {
  static constexpr bool stale_beat_decides = true;
};
struct PublishBeforeBump : NoLeaseBugs {
  static constexpr bool publish_before_bump = true;
};

int main(int argc, char** argv) {
  const Options o = parse_options(argc, argv);
  Tally t;
  must_hold<TwoTakers<NoLeaseBugs>>("WL-1 two takers at once, one wins", o, t);
  must_hold<SlowOwner<NoLeaseBugs>>("WL-1 a slow live owner is not displaced", o, t);
  must_hold<DyingOwnerTakers<NoLeaseBugs, false>>("WL-2 a dead owner, two takers", o, t);
  must_hold<DyingOwnerTakers<NoLeaseBugs, true>>("WL-3 a taker killed mid-takeover", o, t);
  must_catch<DyingOwnerTakers<KeepOldEpoch, false>>(
      "twin: a takeover that trusts the old epoch", rl::test_result_user_assert_failed, o, t);
  must_catch<SlowOwner<StaleBeatDecides>>("twin: a stale beat alone decides",
                                          rl::test_result_user_assert_failed, o, t);
  must_catch<DyingOwnerTakers<PublishBeforeBump, false>>(
      "twin: ownership published before the bump", rl::test_result_user_assert_failed, o, t);
  t.summary("model watch lease");
  return t.exit_code();
}
