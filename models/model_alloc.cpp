// Relacy: core/allocator.hpp used under core/rwlock.hpp from three threads (ALLOC-1..6 hold at
// every step), with negative twins: a free that forgets to coalesce, a free that forgets the size
// footer, and a thread that skips the lock. And the recovery chain of docs/invariants/recovery.md
// (REC-5): a writer dies inside an allocator transaction; whoever takes the lock next is told
// owner_died, rolls the journal back and finds the allocator exactly as before; twin: an
// allocator whose writes bypass the journal.
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

template <class AllocBugs>
using ModelHeap = Allocator<PrimRelacy, AllocBugs>;

template <class AllocBugs, bool kSkipLock>
struct AllocUnderLock : rl::test_suite<AllocUnderLock<AllocBugs, kSkipLock>, 3> {
  World w;
  ModelLock<NoSeededBugs> lock;
  rl::var<int> arena_owner;
  alignas(64) char segment[sizeof(ModelHeap<AllocBugs>) + 4096];  // header ~12.7 KB here
  ModelHeap<AllocBugs>* heap = nullptr;

  // The journal's counters are Relacy atomics, which must be destroyed before Relacy's leak check.
  ~AllocUnderLock() {
    if (heap) std::destroy_at(heap);
  }

  void before() {
    world() = &w;
    heap = ModelHeap<AllocBugs>::create(segment, 0, sizeof segment);
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

// REC-5 end to end: thread 0 opens a transaction (alloc, free of a block that was live before,
// a journaled index write) and dies before commit(), holding the lock. Thread 1 and a reader
// (thread 2) come before or after it. Whoever is told owner_died must find needs_recovery(),
// recover(), and then see exactly the state before the transaction: the index word 0, the old
// block live with its contents, the stats as before; then check_invariants and mark_consistent.
// An `ok` acquire never sees an open transaction (RW-6 carried over to the allocator).
template <class AllocBugs>
struct WriterDiesInTransaction : rl::test_suite<WriterDiesInTransaction<AllocBugs>, 3> {
  static constexpr std::uint64_t kIndexOff = 0;  // the caller's index word, before the header
  static constexpr std::uint64_t kHeaderOff = 64;
  World w;
  ModelLock<NoSeededBugs> lock;
  rl::var<int> arena_owner;
  alignas(64) char segment[kHeaderOff + sizeof(ModelHeap<AllocBugs>) + 4096];
  ModelHeap<AllocBugs>* heap = nullptr;
  std::uint64_t old_block = 0;
  AllocStats initial{};

  ~WriterDiesInTransaction() {
    if (heap) std::destroy_at(heap);
  }

  void before() {
    world() = &w;
    std::memset(segment, 0, kHeaderOff);
    heap = ModelHeap<AllocBugs>::create(segment, kHeaderOff, sizeof segment);
    RL_ASSERT(heap != nullptr);
    old_block = heap->alloc(200);
    RL_ASSERT(old_block != 0);
    std::memset(segment + old_block, 0x5A, 200);
    initial = heap->stats();
    arena_owner($) = -1;
  }

  std::uint64_t index_word() const {
    std::uint64_t v;
    std::memcpy(&v, segment + kIndexOff, 8);
    return v;
  }

  // What a holder told owner_died does (docs/invariants/recovery.md, REC-5).
  void repair(Acquire r) {
    RL_ASSERT(r == Acquire::owner_died);
    RL_ASSERT(heap->needs_recovery());
    heap->recover();
    RL_ASSERT(!heap->needs_recovery());
    RL_ASSERT(heap->check_invariants());
    const AllocStats s = heap->stats();
    RL_ASSERT(s.used_blocks == initial.used_blocks && s.free == initial.free &&
              s.free_blocks == initial.free_blocks);  // ALLOC-10
    RL_ASSERT(index_word() == 0);
    for (int i = 0; i < 200; ++i) RL_ASSERT(segment[old_block + i] == 0x5A);
    RL_ASSERT(lock.mark_consistent());
  }

  void thread(unsigned idx) {
    if (idx == 0) {
      const Acquire r = lock.lock();
      if (r != Acquire::ok) repair(r);
      arena_owner($) = 0;
      heap->begin();
      const std::uint64_t p = heap->alloc(1000);
      RL_ASSERT(p != 0);
      std::memset(segment + p, 0x77, 1000);  // the new value: not journaled
      RL_ASSERT(heap->logged_put(kIndexOff, p));
      RL_ASSERT(heap->free(old_block));
      PrimRelacy::die();  // killed before commit(), holding the lock
      return;
    }
    const Acquire r = idx == 1 ? lock.lock() : lock.lock_shared(idx);
    if (r != Acquire::ok) {
      repair(r);  // a reader told owner_died holds exclusively
    } else {
      RL_ASSERT(!heap->needs_recovery());  // `ok`: nothing half-done
      RL_ASSERT(index_word() == 0);
    }
    arena_owner($) = int(idx);
    RL_ASSERT(heap->check_invariants());
    if (idx == 1 || r != Acquire::ok) {
      RL_ASSERT(lock.unlock());
    } else {
      RL_ASSERT(lock.unlock_shared(idx));
    }
  }

  void after() {
    if (lock.writer_owner() == 1) return;  // the writer died last: nobody came after it
    RL_ASSERT(!heap->needs_recovery());
    RL_ASSERT(heap->check_invariants());
    RL_ASSERT(heap->stats().used_blocks == initial.used_blocks);
  }
};

struct NoCoalesce : NoSeededBugs { static constexpr bool skip_coalesce = true; };
struct NoFooter : NoSeededBugs { static constexpr bool skip_footer = true; };
struct NoJournal : NoSeededBugs { static constexpr bool skip_journal = true; };

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
  must_hold<WriterDiesInTransaction<NoSeededBugs>>("REC-5 a writer dies in a transaction", o, t);
  must_catch<WriterDiesInTransaction<NoJournal>>("twin: allocator writes bypass the journal",
                 rl::test_result_user_assert_failed, o, t);
  t.summary("model allocator");
  return t.exit_code();
}
