// Relacy: the session protocol (core/session.hpp) over the named-lock table (core/named_lock.hpp)
// with processes killed holding a session. A session's value is modelled the way the store keeps
// it (UC-3): a new value is written where nobody reads it, then published by one word (here a
// double buffer and the index of the current half).
//   SESS-1/2  two requests read-modify-write one session under its lock: no lost update.
//   NL-2      a request killed holding the lock, before or after it published its write: the
//             other takes the lock over (without waiting for a wake that never comes) and reads
//             the old value or the new one, never a torn one; the final value counts exactly the
//             published increments.
//   NL-6      the release wakes only when a waiter is counted: request 1 waiting on request 0
//             is still woken (a lost wake-up would be a DEADLOCK here: the model's wait has no
//             spurious wake-ups and times out only after a death).
// Negative twins: a lock table that ignores a dead holder (DEADLOCK: the survivor waits forever),
// one that grants a second claim of a held name (USER ASSERT: an increment is lost), a release
// that skips the bump of the wait word along with the wake when no waiter is counted (DEADLOCK:
// a waiter that read the word before the release and counted itself after sleeps forever), and a
// write that publishes before it is complete (USER ASSERT: a torn value is read).
#include "../core/named_lock.hpp"
#include "prim_relacy.hpp"

using namespace wc;
using namespace wc::model;

struct NoWriteBugs {
  static constexpr bool publish_early = false;
};
struct PublishEarly {
  static constexpr bool publish_early = true;
};

template <class LockBugs>
using Table = LockTable<PrimRelacy, 2, LockBugs, ModelLockTuning>;

// The session's stored value: two halves and the index of the published one.
struct Value {
  rl::var<int> half[2];
  rl::atomic<int> cur;
  void init(int v) {
    half[0]($) = v;
    half[1]($) = -1;  // never published yet: a torn read would see it
    cur.store(0, rl::mo_relaxed, $);
  }
  int read() { return half[cur.load(rl::mo_seq_cst, $)]($); }
  // Writes v. die_at: 0 = never, 1 = killed after writing the unpublished half, before the
  // publication (with publish_early: after the publication, before the value).
  template <class WB>
  void write(int v, int die_at) {
    const int next = 1 - cur.load(rl::mo_seq_cst, $);
    if constexpr (WB::publish_early) {
      cur.store(next, rl::mo_seq_cst, $);
      if (die_at == 1) return;
      half[next]($) = v;
    } else {
      half[next]($) = v;
      if (die_at == 1) return;
      cur.store(next, rl::mo_seq_cst, $);  // UC-3: published last, by one word
    }
  }
};

// Two requests of one session increment it; request 0 is killed inside its write when Die is set.
template <class LockBugs, class WriteBugs, int Die>
struct TwoRequests : rl::test_suite<TwoRequests<LockBugs, WriteBugs, Die>, 2> {
  World w;
  Table<LockBugs> locks;
  Value v;
  bool published[2] = {false, false};
  void before() {
    world() = &w;
    v.init(0);
  }
  void thread(unsigned idx) {
    const NamedLock r = locks.acquire("sess", 4, [] { return false; });
    RL_ASSERT(r == NamedLock::acquired || r == NamedLock::taken_over);
    const int seen = v.read();
    RL_ASSERT(seen >= 0);  // SESS-2: never a torn (unpublished) value
    if (idx == 0 && Die) {
      v.template write<WriteBugs>(seen + 1, 1);
      PrimRelacy::die();  // killed inside its write, holding the session
      return;
    }
    v.template write<WriteBugs>(seen + 1, 0);
    published[idx] = true;
    RL_ASSERT(locks.release("sess", 4));
  }
  void after() {
    // SESS-2: exactly the published increments, none lost.
    RL_ASSERT(v.read() == int(published[0]) + int(published[1]));
  }
};

struct IgnoreDeadHolder : NoLockTableBugs {
  static constexpr bool ignore_dead_holder = true;
};
struct SkipOwnerCheck : NoLockTableBugs {
  static constexpr bool skip_owner_check = true;
};
struct BumpOnlyIfWaiters : NoLockTableBugs {
  static constexpr bool bump_only_if_waiters = true;
};

int main(int argc, char** argv) {
  const Options o = parse_options(argc, argv);
  Tally t;
  must_hold<TwoRequests<NoLockTableBugs, NoWriteBugs, 0>>("SESS-1 two requests, no lost update",
                                                          o, t);
  must_hold<TwoRequests<NoLockTableBugs, NoWriteBugs, 1>>("SESS-2 a request killed in its write",
                                                          o, t);
  must_catch<TwoRequests<IgnoreDeadHolder, NoWriteBugs, 1>>(
      "twin: the lock ignores a dead holder", rl::test_result_deadlock, o, t);
  must_catch<TwoRequests<SkipOwnerCheck, NoWriteBugs, 0>>("twin: a held session granted twice",
                                                          rl::test_result_user_assert_failed, o, t);
  must_catch<TwoRequests<BumpOnlyIfWaiters, NoWriteBugs, 0>>(
      "twin: NL-6 a release that skips the bump with no waiter counted",
      rl::test_result_deadlock, o, t);
  must_catch<TwoRequests<NoLockTableBugs, PublishEarly, 1>>(
      "twin: a write published before it is complete", rl::test_result_user_assert_failed, o, t);
  t.summary("model sessions");
  return t.exit_code();
}
