// Relacy: core/allocator.hpp used under core/rwlock.hpp from three threads (ALLOC-1..6 hold at
// every step), with negative twins: a free that forgets to coalesce, a free that forgets the size
// footer, and a thread that skips the lock.
//
// The allocator's memory is plain bytes, which Relacy cannot watch. The harness therefore makes
// every allocator call also read and write `arena_owner`, a Relacy variable standing for the
// allocator's memory: two calls that overlap without the lock are a data race on it. The
// journal's two counters are PrimRelacy atomics, so Relacy does see those.
#include <memory>

#include "../core/allocator.hpp"
#include "lock_suites.hpp"

using namespace wc;
using namespace wc::model;

template <class AllocBugs, bool kSkipLock>
struct AllocUnderLock : rl::test_suite<AllocUnderLock<AllocBugs, kSkipLock>, 3> {
  World w;
  ModelLock<NoSeededBugs> lock;
  rl::var<int> arena_owner;
  alignas(64) char segment[sizeof(Allocator<PrimRelacy, AllocBugs>) + 4096];  // header ~12.7 KB
  Allocator<PrimRelacy, AllocBugs>* heap = nullptr;

  // The journal's counters are Relacy atomics, which must be destroyed before Relacy's leak check.
  ~AllocUnderLock() {
    if (heap) std::destroy_at(heap);
  }

  void before() {
    world() = &w;
    heap = Allocator<PrimRelacy, AllocBugs>::create(segment, 0, sizeof segment);
    RL_ASSERT(heap != nullptr);
    arena_owner($) = -1;
  }

  template <class F>
  void critical(unsigned idx, F f) {
    const bool lock_it = !(kSkipLock && idx == 2);
    if (lock_it) RL_ASSERT(lock.lock() == Acquire::ok);
    arena_owner($) = int(idx);  // the allocator's memory is written...
    f();
    RL_ASSERT(heap->check_invariants());  // ALLOC-1..6 at every step
    RL_ASSERT(arena_owner($) == int(idx));  // ...and nobody else wrote it meanwhile
    if (lock_it) RL_ASSERT(lock.unlock());
  }

  void thread(unsigned idx) {
    std::uint64_t p = 0, q = 0;
    critical(idx, [&] { p = heap->alloc(40 + 100 * idx); });
    RL_ASSERT(p != 0 && p % 16 == 0);
    critical(idx, [&] { q = heap->alloc(24); });
    critical(idx, [&] { RL_ASSERT(heap->free(p)); });
    critical(idx, [&] { RL_ASSERT(heap->free(q)); });
  }

  void after() {
    RL_ASSERT(heap->check_invariants());
    RL_ASSERT(heap->stats().free_blocks == 1);  // everything coalesced back
  }
};

struct NoCoalesce : NoSeededBugs { static constexpr bool skip_coalesce = true; };
struct NoFooter : NoSeededBugs { static constexpr bool skip_footer = true; };

int main(int argc, char** argv) {
  const Options o = parse_options(argc, argv);
  Tally t;
  must_hold<AllocUnderLock<NoSeededBugs, false>>("ALLOC-1..6 three threads under the lock", o, t);
  must_catch<AllocUnderLock<NoCoalesce, false>>("twin: free forgets to coalesce",
                 rl::test_result_user_assert_failed, o, t);
  must_catch<AllocUnderLock<NoFooter, false>>("twin: free forgets the size footer",
                 rl::test_result_user_assert_failed, o, t);
  must_catch<AllocUnderLock<NoSeededBugs, true>>("twin: one thread skips the lock",
                 rl::test_result_data_race, o, t);
  t.summary("model allocator");
  return t.exit_code();
}
