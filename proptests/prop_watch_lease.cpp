// RapidCheck state machine for the watcher ownership lease, core/watch_lease.hpp (WL-1..WL-5,
// docs/invariants/watch_lease.md), on PrimSim with a simulated clock: three process slots whose
// processes check, beat, validate entries, report, release, die (between two calls or at any
// atomic step inside check()) and are restarted (a new proc_id in the slot: a reused pid).
// Prim::alive is counted (PrimCounted) so that the fast path's "no system call" is checked.
//
// Commands: Check(p), Beat(p), Validate(p) (an entry validated in the current epoch while a live
// owner watches), Report(p, overflow | dir gone | names changed) and Release(p) by the owner,
// RequestWatch(p), Advance(ms), Kill(p), KillInCheck(p, step), Spawn(p).
//   WL-1  check() takes the lease only if the owner word is 0 or its process is dead; at most
//         one live process believes it owns the lease, and it is the holder; a live owner's
//         beat and release succeed;
//   WL-2  a takeover (and a release) bumps epoch and resolve_gen: no entry validated before is
//         current after it;
//   WL-3  a takeover killed at any step: a published owner word means its bump happened, and
//         the next check after the stale bound takes over (progress);
//   WL-4  a fresh beat: check() returns false without asking Prim::alive; a stale one: it asks
//         at most once, and takes over iff the holder is dead or there is none;
//   WL-5  current(0) is false; epoch and resolve_gen never go back.
// Twins: keep_old_epoch, stale_beat_decides and publish_before_bump must be refuted.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "common.hpp"
#include "core/watch_lease.hpp"

namespace {

using namespace wc;
using namespace wc::sim;
using namespace wc::prop;

// PrimSim, with its liveness question counted (the system call check() must avoid).
struct PrimCounted : PrimSim {
  static unsigned& alive_calls() {
    static unsigned n = 0;
    return n;
  }
  static bool alive(proc_id p) {
    ++alive_calls();
    return PrimSim::alive(p);
  }
};

template <class Bugs>
using Lease = WatchLease<PrimCounted, Bugs>;
constexpr std::uint64_t kStale = WatchLeaseTuning::stale_ms;

struct Seen {
  unsigned fast = 0, refused_live = 0, takeovers = 0, from_dead = 0, from_half_done = 0,
           kills_mid_takeover = 0, releases = 0, validated_then_taken = 0;
};
Seen& seen() {
  static Seen s;
  return s;
}

struct Proc : SimProc {
  bool owner = false;  // check() returned true, and it has not released since
};

template <class Bugs>
struct LeaseSut : SimHolder {
  static constexpr unsigned kProcs = 3;
  Proc procs[kProcs];
  Lease<Bugs> lease;  // zero-filled: no owner
  std::uint64_t now = 10000;
  std::vector<std::uint64_t> validated;  // epochs entries were validated in
  std::uint64_t last_epoch = 0, last_gen = 0;

  LeaseSut() {
    for (unsigned p = 0; p < kProcs; ++p) spawn(p);
  }
  void spawn(unsigned p) {
    procs[p] = Proc{};
    procs[p].id = sim.spawn();
    procs[p].alive = true;
  }
  void kill(unsigned p) {
    sim.dead[procs[p].id] = true;
    procs[p].alive = false;
  }
  bool others_alive(unsigned) const { return true; }  // a lease needs nobody left running
  template <class F>
  auto as(unsigned p, F f) {
    return run_as(sim, procs[p].id, f);
  }
  bool sim_alive(std::uint64_t id) const { return id < sim.dead.size() && !sim.dead[id]; }
  std::string who(unsigned p) const {
    return "p" + std::to_string(p) + " (proc " + std::to_string(procs[p].id) + ")";
  }

  // The state check after every command (as the harness: no kill armed).
  void check() {
    if (const char* v = lease.violation()) RC_FAIL(std::string("violation: ") + v);
    if (lease.current(0)) RC_FAIL("WL-5: epoch 0 is current");
    const std::uint64_t e = lease.epoch(), g = lease.resolve_gen();
    if (e < last_epoch || g < last_gen) RC_FAIL("WL-5: epoch or resolve_gen went back");
    last_epoch = e;
    last_gen = g;
    int live_owner = -1;
    for (unsigned p = 0; p < kProcs; ++p) {
      if (!procs[p].alive || !procs[p].owner) continue;
      if (live_owner >= 0)
        RC_FAIL("WL-1: two live owners, " + who(unsigned(live_owner)) + " and " + who(p));
      live_owner = int(p);
    }
    if (live_owner >= 0 && lease.owner_word() != procs[live_owner].id)
      RC_FAIL("WL-1: " + who(unsigned(live_owner)) + " believes it owns the lease, the word is " +
              std::to_string(lease.owner_word()));
  }

  // check() as process p (killed at its kill_at-th atomic step inside it if kill_at >= 0),
  // with the checks of WL-1..WL-4 against what the lease held before.
  void checked(unsigned p, long kill_at = -1) {
    const auto before = lease.stats();
    const std::uint64_t holder = before.owner & kProcIdMask;
    const bool stale = before.beat_ms == 0 || (now > before.beat_ms && now - before.beat_ms > kStale);
    const bool holder_dead = holder == 0 || !sim_alive(holder);
    PrimCounted::alive_calls() = 0;
    bool r = false;
    if (kill_at >= 0) {
      const bool killed =
          killed_during(sim, procs[p].id, kill_at, [&] { r = lease.check(now, procs[p].id); });
      if (killed) {
        procs[p].alive = false;
        const std::uint64_t w = lease.owner_word();
        if (w != before.owner && (w & kProcIdMask) == procs[p].id) {  // it claimed, then died
          if (Lease<Bugs>::established(w)) {  // after its publication
            procs[p].owner = true;
            if (lease.epoch() <= before.epoch)  // WL-3: a published owner has bumped
              RC_FAIL("WL-3: " + who(p) + " published its ownership without a bump (epoch " +
                      std::to_string(lease.epoch()) + ")");
          } else {
            ++seen().kills_mid_takeover;
          }
        }
        return;
      }
    } else {
      r = as(p, [&] { return lease.check(now, procs[p].id); });
    }
    const unsigned asked = PrimCounted::alive_calls();
    const std::string what = who(p) + " check(" + std::to_string(now) + ") -> " +
                             std::to_string(r) + ", beat " + std::to_string(before.beat_ms) +
                             ", holder " + std::to_string(holder) +
                             (holder_dead ? " (dead or none)" : " (alive)");
    if (!stale) {  // WL-4
      if (r || asked != 0) RC_FAIL(what + ": a fresh beat, yet it asked or took (" +
                                   std::to_string(asked) + " liveness questions)");
      ++seen().fast;
    } else {
      if (asked > 1) RC_FAIL(what + ": asked " + std::to_string(asked) + " times");
      if (!holder_dead || holder == procs[p].id) {  // WL-1
        if (r) RC_FAIL(what + ": displaced a live owner");
        if (holder != procs[p].id) ++seen().refused_live;
      } else if (!r) {  // WL-3 / WL-4: progress
        RC_FAIL(what + ": did not take over from a dead owner");
      }
    }
    if (!r) return;
    ++seen().takeovers;
    if (holder != 0) ++seen().from_dead;
    if (before.owner & Lease<Bugs>::kTaking) ++seen().from_half_done;
    // WL-2: nothing validated before is trusted, and a new generation of resolved paths.
    for (const std::uint64_t v : validated)
      if (lease.current(v))
        RC_FAIL(what + ": an entry validated in epoch " + std::to_string(v) +
                " is still current after the takeover");
    if (!validated.empty()) ++seen().validated_then_taken;
    if (lease.epoch() <= before.epoch || lease.resolve_gen() <= before.resolve_gen)
      RC_FAIL(what + ": the takeover kept epoch " + std::to_string(lease.epoch()) +
              " / resolve_gen " + std::to_string(lease.resolve_gen()));
    if (lease.owner_word() != procs[p].id) RC_FAIL(what + ": not published as the owner");
    procs[p].owner = true;
  }

  // The live process that believes it owns the lease, or -1.
  int live_owner() const {
    for (unsigned p = 0; p < kProcs; ++p)
      if (procs[p].alive && procs[p].owner) return int(p);
    return -1;
  }
};

template <class Bugs>
using Cmd = ProcCmd<LeaseSut<Bugs>>;

template <class Bugs>
struct Check : Cmd<Bugs> {
  using Cmd<Bugs>::p;
  void body(LeaseSut<Bugs>& s) const override { s.checked(p); }
  void show(std::ostream& os) const override { os << "Check(p" << p << ")"; }
};

template <class Bugs>
struct KillInCheck : Cmd<Bugs> {
  using Cmd<Bugs>::p;
  long step = *rc::gen::inRange<long>(0, 10);
  void body(LeaseSut<Bugs>& s) const override { s.checked(p, step); }
  void show(std::ostream& os) const override {
    os << "KillInCheck(p" << p << ", step " << step << ")";
  }
};

template <class Bugs>
struct Beat : Cmd<Bugs> {
  using Cmd<Bugs>::p;
  void body(LeaseSut<Bugs>& s) const override {
    const bool r = s.as(p, [&] { return s.lease.beat(s.now, s.procs[p].id); });
    if (r != s.procs[p].owner)  // WL-1: a live owner is still the owner
      RC_FAIL(s.who(p) + " beat -> " + std::to_string(r) + ", owner: " +
              std::to_string(s.procs[p].owner));
    if (r && s.lease.stats().beat_ms != s.now) RC_FAIL("beat not stored");
  }
  void show(std::ostream& os) const override { os << "Beat(p" << p << ")"; }
};

// An entry is validated (its aux word set to the epoch) while a live owner watches.
template <class Bugs>
struct Validate : Cmd<Bugs> {
  using Cmd<Bugs>::p;
  void body(LeaseSut<Bugs>& s) const override {
    if (s.live_owner() < 0) return;
    const std::uint64_t e = s.as(p, [&] { return s.lease.epoch(); });
    if (e == 0) return;  // nothing is validated in epoch 0 (WL-5)
    if (!s.lease.current(e)) RC_FAIL("the epoch just read is not current");
    if (s.validated.size() < 8) s.validated.push_back(e);
  }
  void show(std::ostream& os) const override { os << "Validate(p" << p << ")"; }
};

template <class Bugs>
struct Report : Cmd<Bugs> {
  using Cmd<Bugs>::p;
  unsigned kind = *rc::gen::inRange(0u, 3u);
  void body(LeaseSut<Bugs>& s) const override {
    if (!s.procs[p].owner) return;  // only the owner's thread reports
    const auto b = s.lease.stats();
    s.as(p, [&] {
      if (kind == 0) s.lease.on_overflow();
      else if (kind == 1) s.lease.on_dir_gone();
      else s.lease.on_names_changed();
    });
    const auto a = s.lease.stats();
    const bool ok = kind == 0   ? a.epoch == b.epoch + 1 && a.resolve_gen == b.resolve_gen + 1 &&
                                    a.overflows == b.overflows + 1
                    : kind == 1 ? a.epoch == b.epoch + 1 && a.resolve_gen == b.resolve_gen
                                : a.epoch == b.epoch && a.resolve_gen == b.resolve_gen + 1;
    if (!ok) RC_FAIL("report " + std::to_string(kind) + " moved the wrong counters");
  }
  void show(std::ostream& os) const override {
    os << "Report(p" << p << ", " << (kind == 0 ? "overflow" : kind == 1 ? "dir gone" : "names")
       << ")";
  }
};

template <class Bugs>
struct Release : Cmd<Bugs> {
  using Cmd<Bugs>::p;
  void body(LeaseSut<Bugs>& s) const override {
    const auto b = s.lease.stats();
    const bool r = s.as(p, [&] { return s.lease.release(s.procs[p].id); });
    if (r != s.procs[p].owner)
      RC_FAIL(s.who(p) + " release -> " + std::to_string(r) + ", owner: " +
              std::to_string(s.procs[p].owner));
    if (!r) return;
    ++seen().releases;
    s.procs[p].owner = false;
    if (s.lease.owner_word() != 0) RC_FAIL("released, the owner word is not 0");
    for (const std::uint64_t v : s.validated)  // WL-2: nothing watched until the next owner
      if (s.lease.current(v)) RC_FAIL("an entry validated before a release is still current");
    if (s.lease.epoch() <= b.epoch) RC_FAIL("a release kept the epoch");
  }
  void show(std::ostream& os) const override { os << "Release(p" << p << ")"; }
};

template <class Bugs>
struct RequestWatch : Cmd<Bugs> {
  using Cmd<Bugs>::p;
  void body(LeaseSut<Bugs>& s) const override {
    const std::uint32_t before = s.lease.requests();
    s.as(p, [&] { s.lease.request_watch(); });
    if (s.lease.requests() != before + 1) RC_FAIL("requests not bumped");
    if (s.lease.wait_requests(before, 250) != PrimSim::wait_result::woken)
      RC_FAIL("the owner's wait does not see the request");
  }
  void show(std::ostream& os) const override { os << "RequestWatch(p" << p << ")"; }
};

template <class Bugs>
struct Advance : rc::state::Command<NoModel, LeaseSut<Bugs>> {
  std::uint64_t ms = *rc::gen::elementOf(std::vector<std::uint64_t>{50, 250, 600, 1100});
  void apply(NoModel&) const override {}
  void run(const NoModel&, LeaseSut<Bugs>& s) const override { s.now += ms; }
  void show(std::ostream& os) const override { os << "Advance(" << ms << " ms)"; }
};

template <class Bugs>
bool lease_machine_holds(const std::string& name) {
  using S = LeaseSut<Bugs>;
  return rc::check(name, [] {
    NoModel initial;
    S sut;
    rc::state::check(
        initial, sut,
        rc::state::gen::execOneOfWithArgs<Check<Bugs>, Check<Bugs>, Check<Bugs>, Beat<Bugs>,
                                          Validate<Bugs>, Report<Bugs>, Release<Bugs>,
                                          RequestWatch<Bugs>, Advance<Bugs>, Advance<Bugs>,
                                          Kill<S>, KillInCheck<Bugs>, Spawn<S>, Spawn<S>>());
  });
}

struct KeepOldEpoch : NoLeaseBugs {
  static constexpr bool keep_old_epoch = true;
};
struct StaleBeatDecides : NoLeaseBugs {
  static constexpr bool stale_beat_decides = true;
};
struct PublishBeforeBump : NoLeaseBugs {
  static constexpr bool publish_before_bump = true;
};

TEST(WatchLeaseMachine, OneLiveOwnerEveryTakeoverBumpsTheEpoch) {
  seen() = Seen{};
  EXPECT_TRUE(lease_machine_holds<NoLeaseBugs>("watch lease state machine"));
  const Seen& s = seen();
  std::printf("[watch lease] fast path %u, refused (live owner) %u, takeovers %u (from a dead "
              "owner %u, from a half-done takeover %u), kills mid-takeover %u, releases %u, "
              "takeovers after validated entries %u\n",
              s.fast, s.refused_live, s.takeovers, s.from_dead, s.from_half_done,
              s.kills_mid_takeover, s.releases, s.validated_then_taken);
  EXPECT_GT(s.fast, 0u);
  EXPECT_GT(s.refused_live, 0u);
  EXPECT_GT(s.from_dead, 0u);
  EXPECT_GT(s.from_half_done, 0u);
  EXPECT_GT(s.validated_then_taken, 0u);
}

TEST(WatchLeaseMachineTwin, ATakeoverThatTrustsTheOldEpochIsRefuted) {
  std::printf("[twin] expecting RapidCheck to refute the next property:\n");
  EXPECT_FALSE(lease_machine_holds<KeepOldEpoch>("twin: a takeover that trusts the old epoch"));
}

TEST(WatchLeaseMachineTwin, ATakeoverDecidedByAStaleBeatAloneIsRefuted) {
  std::printf("[twin] expecting RapidCheck to refute the next property:\n");
  EXPECT_FALSE(lease_machine_holds<StaleBeatDecides>("twin: a stale beat alone decides"));
}

TEST(WatchLeaseMachineTwin, OwnershipPublishedBeforeTheBumpIsRefuted) {
  std::printf("[twin] expecting RapidCheck to refute the next property:\n");
  EXPECT_FALSE(lease_machine_holds<PublishBeforeBump>("twin: ownership published before the bump"));
}

}  // namespace
