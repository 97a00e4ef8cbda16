// Relacy: deferred reclamation (core/reclaim.hpp). A reader racing a remover must never see its
// entry freed under it (RECL-1); a reader that dies inside its read section must not pin the
// entry forever (RECL-2). Negative twins: a collector that frees at once, and one that never
// reaps dead readers.
#include "../core/reclaim.hpp"
#include "../core/xref.hpp"
#include "prim_relacy.hpp"

using namespace wc;
using namespace wc::model;

template <class Bugs>
using Rec = Reclaimer<PrimRelacy, 2, 2, Bugs>;

// Thread 0 reads through the reference; thread 1 unlinks it, retires the entry and collects.
// Freeing is modelled as the next store reusing the bytes: a write to the entry's variable.
template <class Bugs>
struct ReaderVsRemover : rl::test_suite<ReaderVsRemover<Bugs>, 2> {
  World w;
  Rec<Bugs> rec;
  rl::atomic<std::uint64_t> ref;  // an XRef word: generation 1, offset 64
  rl::var<int> entry;             // the entry's bytes
  void before() {
    world() = &w;
    rec.create();
    entry($) = 42;
    ref.store(XRef::make(1, 64).word, rl::mo_relaxed, $);
  }
  void thread(unsigned idx) {
    if (idx == 0) {
      rec.enter(0);
      const XRef r{ref.load(rl::mo_seq_cst, $)};
      if (r.resolve(1) != 0) RL_ASSERT(entry($) == 42);  // RECL-1: still ours
      rec.exit(0);
    } else {
      ref.store(0, rl::mo_seq_cst, $);  // unlink
      RL_ASSERT(rec.retire(64));
      for (int round = 0; round < 2; ++round)
        rec.collect([&](std::uint64_t) { entry($) = -1; });  // freed: reused by a later store
    }
  }
};

// RECL-2: the reader dies inside its read section; a later collect must still free the entry.
template <class Bugs>
struct DeadReaderDoesNotPin : rl::test_suite<DeadReaderDoesNotPin<Bugs>, 2> {
  World w;
  Rec<Bugs> rec;
  rl::atomic<std::uint64_t> ref;
  rl::var<int> entry;
  int freed = 0;
  void before() {
    world() = &w;
    rec.create();
    entry($) = 42;
    ref.store(XRef::make(1, 64).word, rl::mo_relaxed, $);
  }
  void thread(unsigned idx) {
    if (idx == 0) {
      rec.enter(0);
      const XRef r{ref.load(rl::mo_seq_cst, $)};
      if (r.resolve(1) != 0) RL_ASSERT(entry($) == 42);
      PrimRelacy::die();  // killed inside the read section: never exits
      return;
    }
    ref.store(0, rl::mo_seq_cst, $);
    RL_ASSERT(rec.retire(64));
    freed += rec.collect([&](std::uint64_t) { entry($) = -1; });
  }
  void after() {
    // Both threads are done and the reader is dead: one more collect must free the entry.
    freed += rec.collect([&](std::uint64_t) { entry($) = -1; });
    RL_ASSERT(freed == 1);
    RL_ASSERT(rec.pending() == 0);
  }
};

struct FreeAtOnce : NoReclaimBugs {
  static constexpr bool free_at_once = true;
};
struct DeadReadersPin : NoReclaimBugs {
  static constexpr bool dead_readers_pin = true;
};

int main(int argc, char** argv) {
  const Options o = parse_options(argc, argv);
  Tally t;
  must_hold<ReaderVsRemover<NoReclaimBugs>>("RECL-1 a reader racing a remover", o, t);
  must_hold<DeadReaderDoesNotPin<NoReclaimBugs>>("RECL-2 a dead reader does not pin", o, t);
  must_catch<ReaderVsRemover<FreeAtOnce>>("twin: free without waiting for readers",
                                          rl::test_result_data_race, o, t);
  must_catch<DeadReaderDoesNotPin<DeadReadersPin>>("twin: dead readers pin forever",
                                                   rl::test_result_user_assert_failed, o, t);
  t.summary("model reclamation");
  return t.exit_code();
}
