// RapidCheck state machine for core/allocator.hpp against a simple model of live allocations.
//
// Commands: alloc / free / realloc of random sizes (out-of-memory included: the segment is small
// and some requests exceed it), and double frees. Each live allocation is filled with its own
// byte pattern. After every command:
//   ALLOC-1..6  check_invariants() (tiling, coalescing, footers, lists, bitmaps, counters);
//   ALLOC-7     every payload is 16-aligned, inside the arena, at least as large as asked, and
//               every live pattern is intact (so no two allocations overlap);
//   ALLOC-8     a failed alloc/realloc changes nothing and happens only when no free block is
//               at least guaranteed_fit(n);
//   accounting  used blocks and used bytes equal what the model's live allocations occupy;
//   ALLOC-10    no transaction is left open by a completed operation (crash recovery itself is
//               proptests/prop_crash.cpp).
// Negative twins: allocators that skip coalescing or skip the size footer must be refuted.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "core/allocator.hpp"
#include "common.hpp"

namespace {

using namespace wc;
using namespace wc::sim;
using namespace wc::prop;

constexpr std::uint64_t kSegment = 64 * 1024;

struct AllocModel {
  std::vector<std::uint32_t> live;  // ids the generator believes live
  std::uint32_t next = 1;
};

template <class Bugs>
using Heap = Allocator<PrimSim, Bugs>;

template <class Bugs>
struct AllocSut : SimHolder {
  std::vector<std::uint64_t> mem = std::vector<std::uint64_t>(kSegment / 8);
  Heap<Bugs>* heap = Heap<Bugs>::create(mem.data(), 0, kSegment);
  struct Live {
    std::uint64_t off, size;
    unsigned char pattern;
  };
  std::map<std::uint32_t, Live> live;  // ids whose alloc actually succeeded

  char* at(std::uint64_t off) { return reinterpret_cast<char*>(mem.data()) + off; }
  void fill(const Live& l) { std::memset(at(l.off), l.pattern, l.size); }
  bool intact(const Live& l, std::uint64_t n) {
    for (std::uint64_t i = 0; i < n; ++i)
      if (static_cast<unsigned char>(at(l.off)[i]) != l.pattern) return false;
    return true;
  }
  void check_all() {
    const char* v = heap->violation();
    if (v != nullptr) RC_FAIL(std::string("invariant violated: ") + v);
    std::uint64_t used = 0;
    for (auto& [id, l] : live) {
      RC_ASSERT(intact(l, l.size));  // ALLOC-7: nobody overwrote it
      used += heap->usable_size(l.off) + Heap<Bugs>::kHead;
    }
    RC_ASSERT(!heap->needs_recovery());  // ALLOC-10: an implicit transaction always closes
    const AllocStats st = heap->stats();
    RC_ASSERT(st.used_blocks == live.size());
    RC_ASSERT(st.used == used);
    RC_ASSERT(st.free + st.used + Heap<Bugs>::kHead == st.total);
  }
  void check_fresh(std::uint64_t off, std::uint64_t n) {  // ALLOC-7
    RC_ASSERT(off % 16 == 0);
    RC_ASSERT(off > sizeof(Heap<Bugs>) && off + n <= kSegment);
    RC_ASSERT(heap->usable_size(off) >= n);
  }
  void check_refusal(std::uint64_t n, const AllocStats& before) {  // ALLOC-8
    const std::uint64_t fit = heap->guaranteed_fit(n);
    RC_ASSERT(fit == 0 || heap->largest_free_block() < fit);
    const AllocStats after = heap->stats();
    RC_ASSERT(after.free == before.free && after.free_blocks == before.free_blocks &&
              after.used_blocks == before.used_blocks);
  }
};

template <class Bugs>
using Cmd = rc::state::Command<AllocModel, AllocSut<Bugs>>;

// Sizes: mostly small, some medium, a few larger than the whole segment.
inline rc::Gen<std::uint64_t> request_size() {
  return rc::gen::weightedOneOf<std::uint64_t>(
      {{6, rc::gen::inRange<std::uint64_t>(1, 257)},
       {3, rc::gen::inRange<std::uint64_t>(257, 9000)},
       {1, rc::gen::inRange<std::uint64_t>(9000, kSegment + 4096)}});
}

template <class Bugs>
struct Alloc : Cmd<Bugs> {
  std::uint64_t n = *request_size();
  unsigned char pattern = *rc::gen::inRange(1, 255);
  std::uint32_t id = 0;
  explicit Alloc(const AllocModel& m) : id(m.next) {}
  void apply(AllocModel& m) const override {
    m.live.push_back(id);
    m.next = id + 1;
  }
  void run(const AllocModel&, AllocSut<Bugs>& s) const override {
    const AllocStats before = s.heap->stats();
    const std::uint64_t off = s.heap->alloc(n);
    if (off == 0) {
      s.check_refusal(n, before);
    } else {
      s.check_fresh(off, n);
      s.live[id] = {off, n, pattern};
      s.fill(s.live[id]);
    }
    s.check_all();
  }
  void show(std::ostream& os) const override { os << "Alloc(#" << id << ", " << n << " B)"; }
};

template <class Bugs>
struct ById : Cmd<Bugs> {
  std::uint32_t id = 0;
  bool any = false;
  explicit ById(const AllocModel& m) {
    any = !m.live.empty();
    if (any) id = *rc::gen::elementOf(m.live);
  }
  void checkPreconditions(const AllocModel& m) const override {
    RC_PRE(any);
    bool found = false;
    for (auto x : m.live) found = found || x == id;
    RC_PRE(found);
  }
};

template <class Bugs>
struct Free : ById<Bugs> {
  using ById<Bugs>::ById;
  using ById<Bugs>::id;
  void apply(AllocModel& m) const override {
    for (auto it = m.live.begin(); it != m.live.end(); ++it)
      if (*it == id) {
        m.live.erase(it);
        break;
      }
  }
  void run(const AllocModel&, AllocSut<Bugs>& s) const override {
    auto it = s.live.find(id);
    if (it == s.live.end()) return;  // its alloc was refused
    const std::uint64_t off = it->second.off;
    RC_ASSERT(s.intact(it->second, it->second.size));
    s.live.erase(it);
    RC_ASSERT(s.heap->free(off));
    RC_ASSERT(!s.heap->free(off));  // ALLOC-9: an immediate double free is refused
    s.check_all();
  }
  void show(std::ostream& os) const override { os << "Free(#" << id << ")"; }
};

template <class Bugs>
struct Realloc : ById<Bugs> {
  using ById<Bugs>::id;
  std::uint64_t n = *request_size();
  explicit Realloc(const AllocModel& m) : ById<Bugs>(m) {}
  void apply(AllocModel&) const override {}
  void run(const AllocModel&, AllocSut<Bugs>& s) const override {
    auto it = s.live.find(id);
    if (it == s.live.end()) return;
    auto& l = it->second;
    const AllocStats before = s.heap->stats();
    const std::uint64_t off = s.heap->realloc(l.off, n);
    if (off == 0) {  // refused: the old block must be untouched and still ours
      s.check_refusal(n, before);
      RC_ASSERT(s.intact(l, l.size));
    } else {
      s.check_fresh(off, n);
      const std::uint64_t kept = l.size < n ? l.size : n;
      l.off = off;
      RC_ASSERT(s.intact(l, kept));  // contents preserved up to the smaller size
      l.size = n;
      s.fill(l);
    }
    s.check_all();
  }
  void show(std::ostream& os) const override { os << "Realloc(#" << id << ", " << n << " B)"; }
};

template <class Bugs>
bool allocator_machine_holds(const std::string& name) {
  return rc::check(name, [] {
    AllocModel initial;
    AllocSut<Bugs> sut;
    RC_ASSERT(sut.heap != nullptr);
    rc::state::check(initial, sut,
                     rc::state::gen::execOneOfWithArgs<Alloc<Bugs>, Alloc<Bugs>, Free<Bugs>,
                                                       Realloc<Bugs>>());
  });
}

struct NoCoalesce : NoSeededBugs {
  static constexpr bool skip_coalesce = true;
};
struct NoFooter : NoSeededBugs {
  static constexpr bool skip_footer = true;
};

TEST(AllocatorMachine, MatchesTheModel) {
  EXPECT_TRUE(allocator_machine_holds<NoSeededBugs>("allocator state machine"));
}

TEST(AllocatorMachineTwin, FreeWithoutCoalescingIsRefuted) {
  std::printf("[twin] expecting RapidCheck to refute the next property:\n");
  EXPECT_FALSE(allocator_machine_holds<NoCoalesce>("twin: free forgets to coalesce"));
}

TEST(AllocatorMachineTwin, FreeWithoutFooterIsRefuted) {
  std::printf("[twin] expecting RapidCheck to refute the next property:\n");
  EXPECT_FALSE(allocator_machine_holds<NoFooter>("twin: free forgets the size footer"));
}

}  // namespace
