// RapidCheck state machine for the crash consistency of core/allocator.hpp (ALLOC-10, REC-n in
// docs/invariants/recovery.md) on PrimSim, where every atomic op is a step at which the current
// process can be killed.
//
// Commands: alloc / free / realloc as in prop_allocator.cpp (sometimes inside an explicit
// transaction, to check each operation's journal bound), plus KillDuring(op, k): the op runs as a
// fresh process that is killed at its k-th step (k in 0..120; an op with fewer steps completes),
// and the "next lock holder", another process, calls recover() (sometimes it is killed inside
// recover() too, at its rk-th step, and a third process calls recover() again). The ops killed
// are alloc, free, realloc, and a caller transaction: begin; alloc; the caller writes the new
// value into the payload unjournaled; logged_put of an index word; free of a block live before;
// logged_put of a second index word; commit. The caller's index words are [0, 64) of the segment,
// before the allocator header.
//
// Each op is first run on a byte copy of the segment without a kill: that gives the op's number
// of steps T and its complete effect. commit() ends with its commit point count_ = 0 (step T-2)
// and then open_ = 0 (step T-1). So after the kill and recovery:
//   k <  T-1  the op is fully undone: every byte of the segment equals the snapshot taken before
//             the op, except the journal itself and the unjournaled bytes the op wrote into memory
//             that was free before it (realloc's copy, the caller's new value); so an interrupted
//             alloc leaves no used block behind, an interrupted free leaves the block live and
//             intact, and the index words are as before;
//   k == T-1  the op committed and is never rolled back: the segment equals the copy;
//   k >= T    no kill: the op returned what the copy's returned and the segment equals the copy.
// After every command: check_invariants(), no transaction open, every live allocation's byte
// pattern intact, stats().used_blocks == the number of live allocations, used bytes accounted,
// the index words as the model says.
// Negative twin: an allocator whose writes bypass the journal (skip_journal) must be refuted.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/allocator.hpp"
#include "common.hpp"

namespace {

using namespace wc;
using namespace wc::sim;
using namespace wc::prop;

constexpr std::uint64_t kSegment = 64 * 1024;
constexpr std::uint64_t kHeaderOff = 64;  // [0, 64): the caller's index words
constexpr unsigned kIndexWords = unsigned(kHeaderOff / 8);
constexpr long kMaxKill = 120;

template <class Bugs>
using Heap = Allocator<PrimSim, Bugs>;

// The journal is the last member of the header; the byte comparisons skip it.
static_assert(sizeof(Heap<NoSeededBugs>) == 8 * 8 + 8 * 32 + 8 * 32 * 16 + sizeof(UndoLog<PrimSim>),
              "the undo log ends the allocator header");
constexpr std::uint64_t kJournalBegin = kHeaderOff + sizeof(Heap<NoSeededBugs>) -
                                        sizeof(UndoLog<PrimSim>);
constexpr std::uint64_t kJournalEnd = kHeaderOff + sizeof(Heap<NoSeededBugs>);

// Observed maxima, printed after the property: steps of one op, journal entries of each op.
struct Seen {
  long steps = 0;
  std::uint32_t alloc = 0, free = 0, realloc = 0;
  unsigned kills = 0, rolled_back = 0, committed_at_last_step = 0, recover_kills = 0;
};
Seen& seen() {
  static Seen s;
  return s;
}

struct CrashModel {
  std::vector<std::uint32_t> live;  // ids the generator believes may be live
  std::uint32_t next = 1;
};

using Bytes = std::vector<std::uint64_t>;

// What one op did, as seen from a run on some copy of the segment.
struct Outcome {
  std::uint64_t result = 0;                 // alloc/realloc: offset; free: 1/0; tx: new payload
  bool freed = false;                       // tx: the victim was freed
  std::uint64_t scratch_lo = 0, scratch_hi = 0;  // unjournaled bytes written into memory that
                                                 // was free before the op
  bool operator==(const Outcome& o) const {
    return result == o.result && freed == o.freed && scratch_lo == o.scratch_lo &&
           scratch_hi == o.scratch_hi;
  }
};

template <class Bugs>
struct CrashSut : SimHolder {
  Bytes mem = Bytes(kSegment / 8);
  Heap<Bugs>* heap = Heap<Bugs>::create(mem.data(), kHeaderOff, kSegment);
  struct Live {
    std::uint64_t off, size;
    unsigned char pattern;
  };
  std::map<std::uint32_t, Live> live;  // ids whose alloc actually happened (and was not undone)
  std::uint64_t index[kIndexWords] = {};

  static char* bytes(Bytes& m) { return reinterpret_cast<char*>(m.data()); }
  char* at(std::uint64_t off) { return bytes(mem) + off; }
  void fill(const Live& l) { std::memset(at(l.off), l.pattern, l.size); }
  bool intact(const Live& l, std::uint64_t n) {
    for (std::uint64_t i = 0; i < n; ++i)
      if (static_cast<unsigned char>(at(l.off)[i]) != l.pattern) return false;
    return true;
  }
  std::uint64_t word(std::uint64_t off) {
    std::uint64_t v;
    std::memcpy(&v, at(off), 8);
    return v;
  }

  void check_all() {
    const char* v = heap->violation();
    if (v != nullptr) RC_FAIL(std::string("invariant violated: ") + v);
    RC_ASSERT(!heap->needs_recovery());
    std::uint64_t used = 0;
    for (auto& [id, l] : live) {
      if (!intact(l, l.size)) RC_FAIL("live allocation #" + std::to_string(id) + " damaged");
      used += heap->usable_size(l.off) + Heap<Bugs>::kHead;
    }
    const AllocStats st = heap->stats();
    RC_ASSERT(st.used_blocks == live.size());
    RC_ASSERT(st.used == used);
    for (unsigned i = 0; i < kIndexWords; ++i) RC_ASSERT(word(8 * i) == index[i]);
  }

  // Where a segment offset lies, for failure messages.
  static std::string where(std::uint64_t off) {
    std::string w = "byte " + std::to_string(off);
    if (off < kHeaderOff) return w + " (index word " + std::to_string(off / 8) + ")";
    if (off < kJournalBegin) return w + " (allocator header field at +" +
                                    std::to_string((off - kHeaderOff) / 8 * 8) + ")";
    if (off < kJournalEnd) return w + " (journal)";
    return w + " (arena)";
  }

  // First byte offset where a and b differ outside the skipped ranges; kSegment if none.
  static std::uint64_t first_difference(Bytes& a, Bytes& b,
                                        std::vector<std::pair<std::uint64_t, std::uint64_t>> skip) {
    const char* x = bytes(a);
    const char* y = bytes(b);
    for (std::uint64_t i = 0; i < kSegment; ++i) {
      bool skipped = false;
      for (auto& [lo, hi] : skip) skipped = skipped || (i >= lo && i < hi);
      if (!skipped && x[i] != y[i]) return i;
    }
    return kSegment;
  }

  // Runs `op` (Outcome(Heap&, char* base)) as a process killed at its k-th step, lets the next
  // holder recover (killed itself at its rk-th step when rk >= 0, then recovered again), checks
  // the result against the snapshot and the uninterrupted copy, and returns whether the op took
  // effect (completed or committed) together with its outcome.
  template <class Op>
  std::pair<bool, Outcome> kill_during(const Op& op, long k, long rk) {
    Bytes pre = mem;
    const AllocStats pre_stats = heap->stats();
    Bytes copy = mem;
    Heap<Bugs>* twin = Heap<Bugs>::attach(copy.data(), kHeaderOff, kSegment);
    RC_ASSERT(twin != nullptr);
    const std::uint64_t s0 = sim.steps;
    const Outcome want = op(*twin, bytes(copy));
    const long steps = long(sim.steps - s0);
    seen().steps = std::max(seen().steps, steps);

    Outcome got;
    const bool killed = killed_during(sim, sim.spawn(), k, [&] { got = op(*heap, bytes(mem)); });
    RC_ASSERT(killed == (k < steps));
    if (!killed) {
      RC_ASSERT(got == want);
      RC_ASSERT(first_difference(mem, copy, {}) == kSegment);
      return {true, want};
    }
    ++seen().kills;

    // The next lock holder (told owner_died by the RwLock) repairs.
    const auto repair = [&] {
      if (heap->needs_recovery()) heap->recover();
    };
    std::uint64_t next = sim.spawn();
    if (rk >= 0 && killed_during(sim, next, rk, repair)) {
      ++seen().recover_kills;
      next = sim.spawn();  // and the one after it repairs again
    }
    run_as(sim, next, repair);
    RC_ASSERT(!heap->needs_recovery());
    if (const char* v = heap->violation())  // before anything follows the lists
      RC_FAIL(std::string("invariant violated after recover(): ") + v);

    const bool committed = k == steps - 1;  // killed after the commit point
    std::uint64_t diff;
    if (committed) {
      ++seen().committed_at_last_step;
      diff = first_difference(mem, copy, {{kJournalBegin, kJournalEnd}});
      if (diff != kSegment)
        RC_FAIL("committed op rolled back: " + where(diff) + " differs");
      return {true, want};
    }
    ++seen().rolled_back;
    diff = first_difference(mem, pre,
                            {{kJournalBegin, kJournalEnd}, {want.scratch_lo, want.scratch_hi}});
    if (diff != kSegment)
      RC_FAIL("interrupted op not undone: " + where(diff) + " differs");
    const AllocStats st = heap->stats();
    RC_ASSERT(st.free == pre_stats.free && st.used == pre_stats.used &&
              st.free_blocks == pre_stats.free_blocks && st.used_blocks == pre_stats.used_blocks &&
              st.largest_free == pre_stats.largest_free);
    return {false, want};
  }

  // ---- the ops, runnable on the segment or on a copy --------------------------------------
  static Outcome do_alloc(Heap<Bugs>& h, std::uint64_t n) { return {h.alloc(n), false, 0, 0}; }
  static Outcome do_free(Heap<Bugs>& h, std::uint64_t off) {
    return {h.free(off) ? 1u : 0u, false, 0, 0};
  }
  static Outcome do_realloc(Heap<Bugs>& h, std::uint64_t off, std::uint64_t n) {
    const std::uint64_t copied = h.usable_size(off);
    const std::uint64_t r = h.realloc(off, n);
    if (r == 0 || r == off) return {r, false, 0, 0};
    return {r, false, r, r + copied};  // the copy went into a block free before
  }
  // A cache-style transaction: allocate first, write the value unjournaled, journal the index
  // words, free the old block last (the caller's rule in core/allocator.hpp).
  static Outcome do_tx(Heap<Bugs>& h, char* base, std::uint64_t n, unsigned char pattern,
                       std::uint64_t victim, unsigned idx) {
    Outcome o;
    h.begin();
    o.result = h.alloc(n);
    if (o.result) {
      std::memset(base + o.result, pattern, n);
      o.scratch_lo = o.result;
      o.scratch_hi = o.result + n;
      RC_ASSERT(h.logged_put(8 * idx, o.result));
    }
    if (victim) o.freed = h.free(victim);
    const unsigned idx2 = (idx + 1) % kIndexWords;
    std::uint64_t count;
    std::memcpy(&count, base + 8 * idx2, 8);
    RC_ASSERT(h.logged_put(8 * idx2, count + 1));
    h.commit();
    return o;
  }

  // ---- effects on the SUT's own bookkeeping ---------------------------------------------
  void adopt_alloc(std::uint32_t id, std::uint64_t off, std::uint64_t n, unsigned char pattern) {
    if (off == 0) return;
    RC_ASSERT(off % 16 == 0 && heap->usable_size(off) >= n);
    live[id] = {off, n, pattern};
    fill(live[id]);
  }
  void adopt_realloc(std::uint32_t id, std::uint64_t r, std::uint64_t n) {
    if (r == 0) return;  // refused: the old block stays
    auto& l = live.at(id);
    const std::uint64_t kept = std::min(l.size, n);
    l.off = r;
    RC_ASSERT(intact(l, kept));  // contents carried over
    l.size = n;
    fill(l);
  }
};

template <class Bugs>
using Cmd = rc::state::Command<CrashModel, CrashSut<Bugs>>;

inline rc::Gen<std::uint64_t> request_size() {
  return rc::gen::weightedOneOf<std::uint64_t>(
      {{6, rc::gen::inRange<std::uint64_t>(1, 257)},
       {3, rc::gen::inRange<std::uint64_t>(257, 9000)},
       {1, rc::gen::inRange<std::uint64_t>(9000, kSegment + 4096)}});
}

// The kill: at step k of the op; and sometimes at step rk of the first recover().
struct Kill {
  long k = *rc::gen::inRange<long>(0, kMaxKill + 1);
  long rk = *rc::gen::weightedOneOf<long>(
      {{2, rc::gen::just(-1L)}, {1, rc::gen::inRange<long>(0, 40)}});
  void show(std::ostream& os) const {
    os << ", k=" << k;
    if (rk >= 0) os << ", recover killed at " << rk;
  }
};

template <class Bugs>
struct ById : Cmd<Bugs> {
  std::uint32_t id = 0;
  bool any = false;
  explicit ById(const CrashModel& m) {
    any = !m.live.empty();
    if (any) id = *rc::gen::elementOf(m.live);
  }
  void checkPreconditions(const CrashModel& m) const override {
    RC_PRE(any);
    RC_PRE(std::find(m.live.begin(), m.live.end(), id) != m.live.end());
  }
};

// ---- plain ops (sometimes in an explicit transaction: each op's journal bound) -------------

template <class Bugs>
struct Alloc : Cmd<Bugs> {
  std::uint64_t n = *request_size();
  unsigned char pattern = *rc::gen::inRange(1, 255);
  bool in_tx = *rc::gen::arbitrary<bool>();
  std::uint32_t id = 0;
  explicit Alloc(const CrashModel& m) : id(m.next) {}
  void apply(CrashModel& m) const override {
    m.live.push_back(id);
    m.next = id + 1;
  }
  void run(const CrashModel&, CrashSut<Bugs>& s) const override {
    if (in_tx) s.heap->begin();
    const std::uint64_t off = s.heap->alloc(n);
    if (in_tx) {
      const std::uint32_t e = s.heap->journal_entries();
      RC_ASSERT(e <= Heap<Bugs>::kJournalAlloc);
      seen().alloc = std::max(seen().alloc, e);
      s.heap->commit();
    }
    s.adopt_alloc(id, off, n, pattern);
    s.check_all();
  }
  void show(std::ostream& os) const override {
    os << "Alloc(#" << id << ", " << n << " B" << (in_tx ? ", in a transaction" : "") << ")";
  }
};

template <class Bugs>
struct Free : ById<Bugs> {
  using ById<Bugs>::ById;
  using ById<Bugs>::id;
  bool in_tx = *rc::gen::arbitrary<bool>();
  void apply(CrashModel& m) const override {
    m.live.erase(std::find(m.live.begin(), m.live.end(), id));
  }
  void run(const CrashModel&, CrashSut<Bugs>& s) const override {
    auto it = s.live.find(id);
    if (it == s.live.end()) return;  // its alloc was refused, undone, or it was freed already
    const std::uint64_t off = it->second.off;
    s.live.erase(it);
    if (in_tx) s.heap->begin();
    RC_ASSERT(s.heap->free(off));
    if (in_tx) {
      const std::uint32_t e = s.heap->journal_entries();
      RC_ASSERT(e <= Heap<Bugs>::kJournalFree);
      seen().free = std::max(seen().free, e);
      s.heap->commit();
    }
    s.check_all();
  }
  void show(std::ostream& os) const override {
    os << "Free(#" << id << (in_tx ? ", in a transaction" : "") << ")";
  }
};

template <class Bugs>
struct Realloc : ById<Bugs> {
  using ById<Bugs>::id;
  std::uint64_t n = *request_size();
  bool in_tx = *rc::gen::arbitrary<bool>();
  explicit Realloc(const CrashModel& m) : ById<Bugs>(m) {}
  void apply(CrashModel&) const override {}
  void run(const CrashModel&, CrashSut<Bugs>& s) const override {
    auto it = s.live.find(id);
    if (it == s.live.end()) return;
    if (in_tx) s.heap->begin();
    const std::uint64_t r = s.heap->realloc(it->second.off, n);
    if (in_tx) {
      const std::uint32_t e = s.heap->journal_entries();
      RC_ASSERT(e <= Heap<Bugs>::kJournalRealloc);
      seen().realloc = std::max(seen().realloc, e);
      s.heap->commit();
    }
    s.adopt_realloc(id, r, n);
    s.check_all();
  }
  void show(std::ostream& os) const override {
    os << "Realloc(#" << id << ", " << n << " B" << (in_tx ? ", in a transaction" : "") << ")";
  }
};

// ---- KillDuring(op, k) ---------------------------------------------------------------------

template <class Bugs>
struct KillDuringAlloc : Cmd<Bugs> {
  std::uint64_t n = *request_size();
  unsigned char pattern = *rc::gen::inRange(1, 255);
  Kill kill;
  std::uint32_t id = 0;
  explicit KillDuringAlloc(const CrashModel& m) : id(m.next) {}
  void apply(CrashModel& m) const override {
    m.live.push_back(id);  // it may have committed
    m.next = id + 1;
  }
  void run(const CrashModel&, CrashSut<Bugs>& s) const override {
    const auto [took, o] = s.kill_during(
        [&](Heap<Bugs>& h, char*) { return CrashSut<Bugs>::do_alloc(h, n); }, kill.k, kill.rk);
    if (took) s.adopt_alloc(id, o.result, n, pattern);
    s.check_all();
  }
  void show(std::ostream& os) const override {
    os << "KillDuring(Alloc(#" << id << ", " << n << " B)";
    kill.show(os);
    os << ")";
  }
};

template <class Bugs>
struct KillDuringFree : ById<Bugs> {
  using ById<Bugs>::id;
  Kill kill;
  explicit KillDuringFree(const CrashModel& m) : ById<Bugs>(m) {}
  void apply(CrashModel&) const override {}  // it may have been rolled back
  void run(const CrashModel&, CrashSut<Bugs>& s) const override {
    auto it = s.live.find(id);
    if (it == s.live.end()) return;
    const std::uint64_t off = it->second.off;
    const auto [took, o] = s.kill_during(
        [&](Heap<Bugs>& h, char*) { return CrashSut<Bugs>::do_free(h, off); }, kill.k, kill.rk);
    RC_ASSERT(o.result == 1);
    if (took) s.live.erase(id);
    s.check_all();
  }
  void show(std::ostream& os) const override {
    os << "KillDuring(Free(#" << id << ")";
    kill.show(os);
    os << ")";
  }
};

template <class Bugs>
struct KillDuringRealloc : ById<Bugs> {
  using ById<Bugs>::id;
  std::uint64_t n = *request_size();
  Kill kill;
  explicit KillDuringRealloc(const CrashModel& m) : ById<Bugs>(m) {}
  void apply(CrashModel&) const override {}
  void run(const CrashModel&, CrashSut<Bugs>& s) const override {
    auto it = s.live.find(id);
    if (it == s.live.end()) return;
    const std::uint64_t off = it->second.off;
    const auto [took, o] = s.kill_during(
        [&](Heap<Bugs>& h, char*) { return CrashSut<Bugs>::do_realloc(h, off, n); }, kill.k,
        kill.rk);
    if (took) s.adopt_realloc(id, o.result, n);
    s.check_all();
  }
  void show(std::ostream& os) const override {
    os << "KillDuring(Realloc(#" << id << ", " << n << " B)";
    kill.show(os);
    os << ")";
  }
};

// begin; alloc (new id); write its value unjournaled; logged_put(index[idx] = its offset);
// free(victim) if any; logged_put(index[idx+1] += 1); commit.
template <class Bugs>
struct KillDuringTx : Cmd<Bugs> {
  std::uint64_t n = *request_size();
  unsigned char pattern = *rc::gen::inRange(1, 255);
  unsigned idx = *rc::gen::inRange(0u, kIndexWords);
  bool with_victim = *rc::gen::arbitrary<bool>();
  std::uint32_t victim = 0;
  Kill kill;
  std::uint32_t id = 0;
  explicit KillDuringTx(const CrashModel& m) : id(m.next) {
    if (m.live.empty()) with_victim = false;
    if (with_victim) victim = *rc::gen::elementOf(m.live);
  }
  void checkPreconditions(const CrashModel& m) const override {
    if (with_victim) RC_PRE(std::find(m.live.begin(), m.live.end(), victim) != m.live.end());
  }
  void apply(CrashModel& m) const override {
    m.live.push_back(id);
    m.next = id + 1;
  }
  void run(const CrashModel&, CrashSut<Bugs>& s) const override {
    std::uint64_t victim_off = 0;
    if (with_victim) {
      auto it = s.live.find(victim);
      if (it != s.live.end()) victim_off = it->second.off;
    }
    const auto [took, o] = s.kill_during(
        [&](Heap<Bugs>& h, char* base) {
          return CrashSut<Bugs>::do_tx(h, base, n, pattern, victim_off, idx);
        },
        kill.k, kill.rk);
    if (took) {
      if (o.result) s.live[id] = {o.result, n, pattern};  // its value was written in the tx
      if (o.result) s.index[idx] = o.result;
      s.index[(idx + 1) % kIndexWords] += 1;
      if (o.freed) s.live.erase(victim);
    }
    s.check_all();
  }
  void show(std::ostream& os) const override {
    os << "KillDuring(Tx(alloc #" << id << " " << n << " B, index[" << idx << "]";
    if (with_victim) os << ", free #" << victim;
    os << ")";
    kill.show(os);
    os << ")";
  }
};

template <class Bugs>
bool crash_machine_holds(const std::string& name) {
  return rc::check(name, [] {
    CrashModel initial;
    CrashSut<Bugs> sut;
    RC_ASSERT(sut.heap != nullptr);
    rc::state::check(
        initial, sut,
        rc::state::gen::execOneOfWithArgs<Alloc<Bugs>, Alloc<Bugs>, Free<Bugs>, Realloc<Bugs>,
                                          KillDuringAlloc<Bugs>, KillDuringFree<Bugs>,
                                          KillDuringRealloc<Bugs>, KillDuringTx<Bugs>>());
  });
}

struct NoJournal : NoSeededBugs {
  static constexpr bool skip_journal = true;
};

TEST(CrashMachine, InterruptedOperationsRollBackCommittedOnesStay) {
  seen() = Seen{};
  EXPECT_TRUE(crash_machine_holds<NoSeededBugs>("crash state machine"));
  const Seen& s = seen();
  std::printf(
      "[crash] kills: %u (rolled back %u, committed at the last step %u), recover() killed %u;"
      " most steps in one op: %ld; journal entries seen: alloc %u/%u, free %u/%u, realloc "
      "%u/%u\n",
      s.kills, s.rolled_back, s.committed_at_last_step, s.recover_kills, s.steps, s.alloc,
      Heap<NoSeededBugs>::kJournalAlloc, s.free, Heap<NoSeededBugs>::kJournalFree, s.realloc,
      Heap<NoSeededBugs>::kJournalRealloc);
  EXPECT_GT(s.rolled_back, 0u);
  EXPECT_GT(s.recover_kills, 0u);
}

TEST(CrashMachineTwin, WritesThatBypassTheJournalAreRefuted) {
  std::printf("[twin] expecting RapidCheck to refute the next property:\n");
  EXPECT_FALSE(crash_machine_holds<NoJournal>("twin: allocator writes bypass the journal"));
}

}  // namespace
