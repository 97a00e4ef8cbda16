// RapidCheck state machine for sessions (core/session.hpp: SESS-1..SESS-3, docs/invariants/
// session.md) on PrimSim: one session store (the keyed store with the session policy) and one
// lock table, up to four processes, three sessions.
//
// Commands: Begin(p, s) (lock the session, then read it), Write(p, bytes), End(p) (unlock),
// Kill(p) (a request killed: holding a session or not), KillMidWrite(p, at) (killed at any atomic
// step of its write), Gc(p), Advance(ms), Spawn(p). A model holds each session's committed bytes
// (a write is committed when it returns ok) and which process holds which session. Checks:
//   SESS-1  Begin(s) succeeds iff no live process holds s (a dead holder is replaced at once,
//           `taken_over`, without waiting); two live processes never hold one session;
//   SESS-2  every read returns the model's committed bytes (or a miss where the model has none
//           or the session idled out); after a write killed mid-way the next read returns the
//           old bytes or the new, never a mix (no lost update, no torn write);
//   SESS-3  Gc never removes a session a live process holds (it stays in the index), and it
//           removes idle-expired sessions nobody holds.
// Twins: a lock table that ignores a dead holder (ignore_dead_holder), a store that links an
// entry before its value is written (publish_early), a gc that ignores the locks.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/session.hpp"
#include "common.hpp"

namespace {

using namespace wc;
using namespace wc::sim;
using namespace wc::prop;

using SimTuning = SimLockTuning<8>;
constexpr std::uint64_t kRegion = 64 * 1024;
constexpr unsigned kSessions = 3, kProcs = 4;
constexpr std::uint64_t kTtl = 2;  // s: the sessions' idle ttl (gc_maxlifetime)

struct Stat {
  unsigned begins = 0, takeovers = 0, refused = 0, killed_writes = 0, gc_kept_held = 0,
           gc_removed = 0;
};
Stat& stat() {
  static Stat s;
  return s;
}

struct SessionProc : SimProc {
  int holds = -1;  // the session it holds, or -1
};

template <class SB>
using SessionStoreRegion =
    ProcsStore<KeyedStore<PrimSim, SessionPolicy, SB, SimTuning>, kRegion, SessionProc, kProcs>;

// c is the session store (process 0 creates it); table holds the sessions in it and their locks.
template <class SB, class LB, class GB>
struct Sut : SessionStoreRegion<SB> {
  using Store = typename SessionStoreRegion<SB>::Store;
  using Locks = LockTable<PrimSim, 8, LB, SimTuning>;
  using Table = SessionTable<PrimSim, Store, Locks, GB>;
  using SessionStoreRegion<SB>::procs;
  using SessionStoreRegion<SB>::now;
  Locks locks;
  std::optional<Table> table;
  // The model: committed bytes per session (nullopt: none), when each was last used (ms), and
  // which bytes are acceptable after a killed write (old or new) until someone reads it.
  std::optional<std::string> committed[kSessions];
  // The store's idle clock of each session, as far as the model can know it: a range. The store
  // records a read as a use only when a second has passed since the use it recorded last
  // (core/store.hpp: note_use, "to the second"), and a killed write may or may not have stored
  // (and stamped) its entry. used_lo: the earliest the recorded stamp can be; used_hi: the latest.
  std::uint64_t used_lo[kSessions] = {}, used_hi[kSessions] = {};
  // The most atomic steps a completed write took (KillMidWrite aims inside a write with it).
  std::uint64_t write_steps = 300;
  std::optional<std::string> alt[kSessions];  // the other acceptable value after a killed write
  int holder[kSessions] = {-1, -1, -1};        // model: which process holds it (live or dead)

  Sut() : SessionStoreRegion<SB>(10000) { table.emplace(*this->c, locks); }
  static std::string key(unsigned s) { return Table::key(0xfeed, "sess", 4) + std::to_string(s); }
  bool live_holder(unsigned s) const {
    return holder[s] >= 0 && procs[holder[s]].alive && procs[holder[s]].holds == int(s);
  }
  // A read of s must hit: alive even by the earliest possible stamp.
  bool must_hit(unsigned s) const {
    return committed[s].has_value() && (now - used_lo[s]) / 1000 <= kTtl;
  }
  // A read of s may hit: alive by the latest possible stamp (otherwise surely idle-expired).
  bool may_hit(unsigned s) const {
    return committed[s].has_value() && (now - used_hi[s]) / 1000 <= kTtl;
  }
  void stored(unsigned s) { used_lo[s] = used_hi[s] = now; }
  void read_hit(unsigned s) {  // the store's rule, applied to both ends
    // The store stamps the use when now >= its stamp + 1 s, its stamp somewhere in [lo, hi]: it
    // surely stamps only if even the latest possible stamp is that old (then lo = now), and
    // possibly if the earliest is (then hi = now). (The two tests were swapped: after a write
    // killed before it stored, hi is the kill's time and the real stamp older, a read stamped
    // it and the model's hi did not follow, and gc then "left an idle-expired session".)
    const bool surely = now >= used_hi[s] + 1000, possibly = now >= used_lo[s] + 1000;
    if (surely) used_lo[s] = now;
    if (possibly) used_hi[s] = now;
  }
  void check() { this->no_violation(); }
};

template <class SB, class LB, class GB>
using SessionCmd = ProcCmd<Sut<SB, LB, GB>>;

template <class SB, class LB, class GB>
struct Begin : SessionCmd<SB, LB, GB> {
  using SessionCmd<SB, LB, GB>::p;
  unsigned sess = *rc::gen::inRange(0u, kSessions);
  void body(Sut<SB, LB, GB>& s) const override {
    if (s.procs[p].holds >= 0) return;
    const std::string k = s.key(sess);
    const bool free = !s.live_holder(sess);
    unsigned polls = 0;
    const NamedLock r = s.as(p, [&] { return s.table->lock(k, [&] { return ++polls >= 1; }); });
    if (r == NamedLock::acquired || r == NamedLock::taken_over) {
      if (!free) RC_FAIL("SESS-1: p" + std::to_string(p) + " locked session " +
                         std::to_string(sess) + " that live p" + std::to_string(s.holder[sess]) +
                         " holds");
      ++stat().begins;
      if (r == NamedLock::taken_over) ++stat().takeovers;
      s.procs[p].holds = int(sess);
      s.holder[sess] = int(p);
      std::optional<std::string> got;
      s.as(p, [&] {
        return s.table->read(p, k, s.now, [&](const char* b, std::uint64_t n) { got = std::string(b, n); });
      });
      if (s.alt[sess]) {  // after a killed write: old or new, never a mix
        if (got && !(got == s.committed[sess] || got == s.alt[sess]))
          RC_FAIL("SESS-2: after a killed write session " + std::to_string(sess) +
                  " reads neither the old nor the new bytes");
        if (got && *got == *s.alt[sess] && got != s.committed[sess])
          s.used_lo[sess] = s.used_hi[sess];  // the killed write did store: stamped at its time
        if (got) s.committed[sess] = got;
        s.alt[sess].reset();
      } else if (got) {
        if (!s.may_hit(sess))
          RC_FAIL("session " + std::to_string(sess) + " reads bytes the model has not (idle expired)");
        if (*got != *s.committed[sess]) RC_FAIL("SESS-2: session " + std::to_string(sess) + " reads other bytes");
      } else if (s.must_hit(sess)) {
        RC_FAIL("SESS-2: session " + std::to_string(sess) + " lost its committed bytes");
      }
      if (got) s.read_hit(sess);
      if (!got) s.committed[sess].reset();
    } else {
      RC_ASSERT(r == NamedLock::interrupted);
      if (free) RC_FAIL("SESS-1: p" + std::to_string(p) + " could not lock session " +
                        std::to_string(sess) + " that no live process holds");
      ++stat().refused;
    }
  }
  void show(std::ostream& os) const override { os << "Begin(p" << p << ", s" << sess << ")"; }
};

template <class SB, class LB, class GB>
struct Write : SessionCmd<SB, LB, GB> {
  using SessionCmd<SB, LB, GB>::p;
  std::uint32_t seed = *rc::gen::arbitrary<std::uint32_t>();
  std::uint64_t len = *rc::gen::inRange<std::uint64_t>(1, 3000);
  void body(Sut<SB, LB, GB>& s) const override {
    const int sess = s.procs[p].holds;
    if (sess < 0) return;
    const std::string bytes = make_bytes(seed, len);
    const std::uint64_t steps0 = s.sim.steps;
    const CacheStatus st = s.as(p, [&] {
      return s.table->write(p, s.key(unsigned(sess)), bytes.data(), bytes.size(), kTtl, s.now);
    });
    RC_ASSERT(st == CacheStatus::ok);
    s.write_steps = std::max(s.write_steps, s.sim.steps - steps0);
    s.committed[sess] = bytes;
    s.stored(unsigned(sess));
  }
  void show(std::ostream& os) const override { os << "Write(p" << p << ", " << len << " B)"; }
};

template <class SB, class LB, class GB>
struct End : SessionCmd<SB, LB, GB> {
  using SessionCmd<SB, LB, GB>::p;
  void body(Sut<SB, LB, GB>& s) const override {
    const int sess = s.procs[p].holds;
    if (sess < 0) return;
    RC_ASSERT(s.as(p, [&] { return s.table->unlock(s.key(unsigned(sess))); }));
    s.procs[p].holds = -1;
    s.holder[sess] = -1;
  }
  void show(std::ostream& os) const override { os << "End(p" << p << ")"; }
};

// Which search a twin test is on (its retries, below): moves where KillMidWrite's kills land, so
// that each retry explores other kill points under the same RapidCheck seed.
inline unsigned g_search = 0;

template <class SB, class LB, class GB>
struct KillMidWrite : SessionCmd<SB, LB, GB> {
  using SessionCmd<SB, LB, GB>::p;
  std::uint32_t seed = *rc::gen::arbitrary<std::uint32_t>();
  std::uint64_t len = *rc::gen::inRange<std::uint64_t>(1, 3000);
  // Where the kill lands, as a fraction (per mille) of the longest write seen so far: every
  // kill lands inside a write, spread over all of it, whatever its length in steps.
  long at_permille = *rc::gen::inRange(0L, 1000L);
  void body(Sut<SB, LB, GB>& s) const override {
    const int sess = s.procs[p].holds;
    if (sess < 0 || !s.others_alive(p)) return;
    const std::string bytes = make_bytes(seed, len);
    const long at = long(std::uint64_t((at_permille + 389 * g_search) % 1000) * s.write_steps / 1000);
    const bool killed = killed_during(s.sim, s.procs[p].id, at, [&] {
      s.table->write(p, s.key(unsigned(sess)), bytes.data(), bytes.size(), kTtl, s.now);
    });
    if (!killed) {  // it finished first: committed
      s.committed[sess] = bytes;
      s.stored(unsigned(sess));
      return;
    }
    ++stat().killed_writes;
    s.procs[p].alive = false;
    s.alt[sess] = bytes;  // the next read may return the old bytes or these
    s.used_hi[sess] = s.now;  // stamped now if it stored, else as before
    s.repair_by_next();  // the next process to touch the store repairs it
  }
  void show(std::ostream& os) const override {
    os << "KillMidWrite(p" << p << ", " << len << " B, at " << at_permille / 10.0
       << "% of the longest write)";
  }
};

template <class SB, class LB, class GB>
struct Gc : SessionCmd<SB, LB, GB> {
  using SessionCmd<SB, LB, GB>::p;
  void body(Sut<SB, LB, GB>& s) const override {
    std::set<unsigned> held_present;
    for (unsigned q = 0; q < kSessions; ++q) {
      const std::string k = s.key(q);
      if (s.live_holder(q) &&
          s.as(p, [&] { return s.c->present(p, k.data(), std::uint32_t(k.size())); }))
        held_present.insert(q);
    }
    const std::uint64_t n = s.as(p, [&] { return s.table->gc(s.now); });
    stat().gc_removed += unsigned(n);
    for (unsigned q : held_present) {
      const std::string k = s.key(q);
      if (!s.as(p, [&] { return s.c->present(p, k.data(), std::uint32_t(k.size())); }))
        RC_FAIL("SESS-3: gc removed session " + std::to_string(q) + ", which live p" +
                std::to_string(s.holder[q]) + " holds");
      ++stat().gc_kept_held;
    }
    for (unsigned q = 0; q < kSessions; ++q) {  // what is idle-expired and unheld is gone
      const std::string k = s.key(q);
      if (!s.live_holder(q) && !s.may_hit(q) && !s.alt[q] &&
          s.as(p, [&] { return s.c->present(p, k.data(), std::uint32_t(k.size())); }))
        RC_FAIL("gc left the idle-expired, unheld session " + std::to_string(q));
    }
  }
  void show(std::ostream& os) const override { os << "Gc(p" << p << ")"; }
};

template <class SB, class LB, class GB>
struct Advance : rc::state::Command<NoModel, Sut<SB, LB, GB>> {
  std::uint64_t by = *rc::gen::element<std::uint64_t>(200, 900, 1500, 2500);
  void apply(NoModel&) const override {}
  void run(const NoModel&, Sut<SB, LB, GB>& s) const override { s.now += by; }
  void show(std::ostream& os) const override { os << "Advance(" << by << " ms)"; }
};

template <class SB, class LB, class GB>
bool session_machine_holds(const std::string& name) {
  using S = Sut<SB, LB, GB>;
  return store_machine_holds<S, Begin<SB, LB, GB>, Begin<SB, LB, GB>, Write<SB, LB, GB>,
                             Write<SB, LB, GB>, End<SB, LB, GB>, Kill<S>, KillMidWrite<SB, LB, GB>,
                             Gc<SB, LB, GB>, Advance<SB, LB, GB>, Spawn<S>, Spawn<S>>(name);
}

struct IgnoreDeadHolder : NoLockTableBugs {
  static constexpr bool ignore_dead_holder = true;
};
struct PublishEarly : NoCacheBugs {
  static constexpr bool publish_early = true;
};
struct GcIgnoresLocks : NoSessionBugs {
  static constexpr bool gc_ignores_locks = true;
};

TEST(SessionMachine, LockedReadWriteSurvivesKillsAndGc) {
  stat() = Stat{};
  EXPECT_TRUE((session_machine_holds<NoCacheBugs, NoLockTableBugs, NoSessionBugs>(
      "session machine")));
  const Stat& s = stat();
  std::printf("[sessions] begins %u (taken over from the dead %u), refused while held %u, "
              "writes killed mid-way %u, gc kept held sessions %u, gc removed %u\n",
              s.begins, s.takeovers, s.refused, s.killed_writes, s.gc_kept_held, s.gc_removed);
  EXPECT_GT(s.takeovers, 0u);
  EXPECT_GT(s.refused, 0u);
  EXPECT_GT(s.killed_writes, 0u);
  EXPECT_GT(s.gc_kept_held, 0u);
  EXPECT_GT(s.gc_removed, 0u);
}

TEST(SessionMachineTwin, ALockIgnoringADeadHolderIsRefuted) {
  std::printf("[twin] expecting RapidCheck to refute the next property:\n");
  EXPECT_FALSE((session_machine_holds<NoCacheBugs, IgnoreDeadHolder, NoSessionBugs>(
      "twin: the lock ignores a dead holder")));
}

// The torn value is seen only when a kill lands inside the copy of a write whose entry was
// already published and a read reaches it before the repair: on some seeds none of 1,000 cases
// does (CI's random seed 5047953469875448565 missed it). So up to 4 searches, each with the
// kills moved (g_search); the twin must be refuted by one of them.
TEST(SessionMachineTwin, AWritePublishedBeforeItIsCompleteIsRefuted) {
  bool refuted = false;
  for (g_search = 0; g_search < 4 && !refuted; ++g_search) {
    std::printf("[twin] expecting RapidCheck to refute the next property (search %u):\n",
                g_search);
    refuted = !session_machine_holds<PublishEarly, NoLockTableBugs, NoSessionBugs>(
        "twin: a write published before it is complete");
  }
  g_search = 0;
  EXPECT_TRUE(refuted);
}

TEST(SessionMachineTwin, AGcThatRemovesALockedSessionIsRefuted) {
  std::printf("[twin] expecting RapidCheck to refute the next property:\n");
  EXPECT_FALSE((session_machine_holds<NoCacheBugs, NoLockTableBugs, GcIgnoresLocks>(
      "twin: gc removes a locked session")));
}

}  // namespace
