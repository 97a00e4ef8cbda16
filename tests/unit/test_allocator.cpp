// tests/test_allocator.cpp: unit tests of wc::Allocator<PrimStd> in a private 1 MiB buffer.
//
// Every test runs twice, with the header at offset 0 and at offset 64 of the segment.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <limits>
#include <map>
#include <random>
#include <vector>

#include "core/allocator.hpp"
#include "prims/prim_std.hpp"

namespace {

using Alloc = wc::Allocator<wc::PrimStd>;
using wc::AllocStats;
using u64 = std::uint64_t;

constexpr u64 kSegment = u64{1} << 20;

void expect_same_stats(const AllocStats& x, const AllocStats& y) {
  EXPECT_EQ(x.total, y.total);
  EXPECT_EQ(x.free, y.free);
  EXPECT_EQ(x.used, y.used);
  EXPECT_EQ(x.free_blocks, y.free_blocks);
  EXPECT_EQ(x.used_blocks, y.used_blocks);
  EXPECT_EQ(x.overhead, y.overhead);
  EXPECT_EQ(x.largest_free, y.largest_free);
  EXPECT_EQ(x.fragmentation, y.fragmentation);
}

std::uint8_t pattern_byte(u64 seed, u64 i) { return std::uint8_t(seed * 131 + i * 7 + (i >> 8)); }

class AllocatorTest : public ::testing::TestWithParam<u64> {
 protected:
  void SetUp() override {
    a_ = Alloc::create(base(), header_off(), kSegment);
    ASSERT_NE(a_, nullptr);
    ASSERT_TRUE(a_->check_invariants()) << a_->violation();
  }

  u64 header_off() const { return GetParam(); }
  char* base() { return reinterpret_cast<char*>(mem_.data()); }
  std::vector<char> snapshot() { return std::vector<char>(base(), base() + kSegment); }
  bool unchanged_since(const std::vector<char>& snap) {
    return std::memcmp(snap.data(), base(), kSegment) == 0;
  }

  void fill(u64 off, u64 len, u64 seed) {
    for (u64 i = 0; i < len; ++i) base()[off + i] = char(pattern_byte(seed, i));
  }
  bool holds(u64 off, u64 len, u64 seed) {
    for (u64 i = 0; i < len; ++i)
      if (std::uint8_t(base()[off + i]) != pattern_byte(seed, i)) return false;
    return true;
  }

  // Allocates `chunk`-byte blocks until the arena refuses, then 1-byte blocks (the smallest
  // block) until it refuses too: afterwards no request of any size fits.
  std::vector<u64> exhaust(u64 chunk = 4096) {
    std::vector<u64> got;
    for (u64 off; (off = a_->alloc(chunk)) != 0;) got.push_back(off);
    for (u64 off; (off = a_->alloc(1)) != 0;) got.push_back(off);
    return got;
  }

  std::vector<std::max_align_t> mem_ =
      std::vector<std::max_align_t>(kSegment / sizeof(std::max_align_t));
  Alloc* a_ = nullptr;
};

INSTANTIATE_TEST_SUITE_P(HeaderAt, AllocatorTest, ::testing::Values(u64{0}, u64{64}),
                         [](const auto& info) { return "Offset" + std::to_string(info.param); });

// ---- geometry ------------------------------------------------------------------------------

TEST_P(AllocatorTest, PayloadsAreAlignedAndUsableSizeCoversRequest) {
  std::deque<u64> fifo;
  std::map<u64, u64> live;  // payload offset -> end of usable bytes
  const u64 arena_begin = header_off() + sizeof(Alloc);
  for (u64 n = 1; n <= 70000; ++n) {
    u64 off = a_->alloc(n);
    while (off == 0 && !fifo.empty()) {  // make room, oldest first
      ASSERT_TRUE(a_->free(fifo.front()));
      live.erase(fifo.front());
      fifo.pop_front();
      off = a_->alloc(n);
    }
    ASSERT_NE(off, 0u) << "n=" << n;
    ASSERT_EQ(off % 16, 0u) << "n=" << n;
    ASSERT_EQ(reinterpret_cast<std::uintptr_t>(base() + off) % 16, 0u) << "n=" << n;
    const u64 usable = a_->usable_size(off);
    ASSERT_GE(usable, n);
    ASSERT_GE(off, arena_begin) << "payload overlaps the header";
    ASSERT_LE(off + usable, kSegment);
    // No overlap with any live payload.
    auto next = live.lower_bound(off);
    if (next != live.end()) {
      ASSERT_LE(off + usable, next->first) << "n=" << n;
    }
    if (next != live.begin()) {
      ASSERT_LE(std::prev(next)->second, off) << "n=" << n;
    }
    live.emplace(off, off + usable);
    fifo.push_back(off);
    // Touch both ends of the usable range: corrupting a neighbour's head shows up below.
    std::memset(base() + off, 0xA5, std::min<u64>(usable, 16));
    std::memset(base() + off + usable - std::min<u64>(usable, 16), 0x5A, std::min<u64>(usable, 16));
    if (n % 1000 == 0) {
      ASSERT_TRUE(a_->check_invariants()) << a_->violation() << " n=" << n;
    }
  }
  EXPECT_TRUE(a_->check_invariants()) << a_->violation();
}

// ---- out of memory ---------------------------------------------------------------------

TEST_P(AllocatorTest, OutOfMemoryReturnsZeroAndChangesNothing) {
  const std::vector<u64> got = exhaust();
  ASSERT_FALSE(got.empty());
  ASSERT_TRUE(a_->check_invariants()) << a_->violation();
  const AllocStats before = a_->stats();
  const auto snap = snapshot();
  EXPECT_EQ(a_->alloc(4096), 0u);
  EXPECT_EQ(a_->alloc(1), 0u);
  EXPECT_EQ(a_->alloc(0), 0u);
  EXPECT_TRUE(unchanged_since(snap)) << "a failed alloc wrote to the segment";
  expect_same_stats(a_->stats(), before);
  EXPECT_TRUE(a_->check_invariants()) << a_->violation();
}

TEST_P(AllocatorTest, RequestLargerThanMaxRequestReturnsZero) {
  const AllocStats before = a_->stats();
  const auto snap = snapshot();
  ASSERT_GT(a_->max_request(), 0u);
  ASSERT_LT(a_->max_request(), kSegment);
  EXPECT_EQ(a_->alloc(a_->max_request() + 1), 0u);
  EXPECT_EQ(a_->alloc(kSegment), 0u);
  EXPECT_EQ(a_->alloc(std::numeric_limits<u64>::max()), 0u);
  EXPECT_EQ(a_->alloc(std::numeric_limits<u64>::max() - 7), 0u);  // n + head would wrap
  EXPECT_TRUE(unchanged_since(snap));
  expect_same_stats(a_->stats(), before);
  EXPECT_TRUE(a_->check_invariants()) << a_->violation();
}

// max_request() is "the payload of one block spanning the arena; a fresh arena grants exactly
// this much" (and at the first commit, "the largest request alloc() can ever satisfy").
TEST_P(AllocatorTest, FreshArenaGrantsMaxRequest) {
  const AllocStats fresh = a_->stats();
  EXPECT_EQ(fresh.largest_free, a_->max_request());
  const u64 off = a_->alloc(a_->max_request());
  ASSERT_NE(off, 0u) << "max_request=" << a_->max_request();
  EXPECT_GE(a_->usable_size(off), a_->max_request());
  EXPECT_EQ(a_->stats().free_blocks, 0u);
  EXPECT_EQ(a_->alloc(1), 0u);
  EXPECT_TRUE(a_->check_invariants()) << a_->violation();
  EXPECT_TRUE(a_->free(off));
  expect_same_stats(a_->stats(), fresh);
}

// ALLOC-8 with many blocks of one size class: largest_free is the largest free block's payload,
// not a promise (good-fit rounding, and the fallback looks at only kExactScan blocks of a class).
// What IS promised: any request whose guaranteed_fit() is no larger than the largest free block
// succeeds, and nothing larger than largest_free ever does.
TEST_P(AllocatorTest, GuaranteedFitHoldsWhenManyBlocksShareTheLargestClass) {
  constexpr u64 kBig = 4336 - Alloc::kHead;    // block 4336: class [4096, 4352)
  constexpr u64 kSmall = 4096 - Alloc::kHead;  // block 4096: the same class
  constexpr int kSmalls = 12;
  const u64 big = a_->alloc(kBig);
  ASSERT_NE(big, 0u);
  ASSERT_NE(a_->alloc(1), 0u);  // guard: keeps the freed blocks apart
  std::vector<u64> smalls;
  for (int i = 0; i < kSmalls; ++i) {
    smalls.push_back(a_->alloc(kSmall));
    ASSERT_NE(smalls.back(), 0u);
    ASSERT_NE(a_->alloc(1), 0u);  // guard
  }
  exhaust();  // no other free block anywhere
  ASSERT_TRUE(a_->free(big));   // first: ends up at the tail of its list
  for (u64 off : smalls) ASSERT_TRUE(a_->free(off));
  const AllocStats s = a_->stats();
  ASSERT_EQ(s.free_blocks, u64(kSmalls) + 1);
  ASSERT_EQ(s.largest_free, kBig);
  EXPECT_EQ(a_->alloc(s.largest_free + 1), 0u);  // never more than the largest block
  u64 n = s.largest_free;
  while (n > 0 && a_->guaranteed_fit(n) > a_->largest_free_block()) --n;
  ASSERT_GT(n, 0u);
  EXPECT_NE(a_->alloc(n), 0u) << "guaranteed_fit(" << n << ") <= largest block, yet refused";
  EXPECT_TRUE(a_->check_invariants()) << a_->violation();
}

// ---- coalescing --------------------------------------------------------------------------

TEST_P(AllocatorTest, FreeingEverythingCoalescesToTheInitialBlock) {
  const AllocStats initial = a_->stats();
  ASSERT_EQ(initial.free_blocks, 1u);
  ASSERT_EQ(initial.used_blocks, 0u);
  std::mt19937 rng(12345);
  std::uniform_int_distribution<u64> size(1, 3000);
  std::vector<u64> live;
  for (u64 off; live.size() < 2000 && (off = a_->alloc(size(rng))) != 0;) live.push_back(off);
  ASSERT_GT(live.size(), 100u);
  std::shuffle(live.begin(), live.end(), rng);
  for (size_t i = 0; i < live.size(); ++i) {
    ASSERT_TRUE(a_->free(live[i]));
    if (i % 50 == 0) {
      ASSERT_TRUE(a_->check_invariants()) << a_->violation();
    }
  }
  const AllocStats s = a_->stats();
  EXPECT_EQ(s.free_blocks, 1u);
  EXPECT_EQ(s.used_blocks, 0u);
  EXPECT_EQ(s.largest_free, initial.largest_free);
  EXPECT_EQ(s.free, initial.free);
  EXPECT_EQ(s.fragmentation, 0.0);
  expect_same_stats(s, initial);
  EXPECT_TRUE(a_->check_invariants()) << a_->violation();
}

// ---- invalid free ------------------------------------------------------------------------

TEST_P(AllocatorTest, SecondFreeOfSameOffsetIsRejected) {
  const u64 a = a_->alloc(100), b = a_->alloc(100), c = a_->alloc(100), d = a_->alloc(100);
  ASSERT_TRUE(a && b && c && d);
  // b: both neighbours used.
  ASSERT_TRUE(a_->free(b));
  AllocStats before = a_->stats();
  EXPECT_FALSE(a_->free(b));
  expect_same_stats(a_->stats(), before);
  // b again, this time merged with its free successor c (a merge INTO a free predecessor is the
  // disabled test below). Re-take b, free c, then free b.
  const u64 b2 = a_->alloc(100);
  ASSERT_EQ(b2, b);  // the hole is reused
  ASSERT_TRUE(a_->free(c));
  ASSERT_TRUE(a_->free(b));  // b merges with its free successor c; b's head stays a head
  before = a_->stats();
  EXPECT_FALSE(a_->free(b));
  expect_same_stats(a_->stats(), before);
  EXPECT_TRUE(a_->check_invariants()) << a_->violation();
}

// ALLOC-9: a block freed INTO its free predecessor must not be freeable again. (At the first
// commit release() left the absorbed block's head reading "used", so this second free was
// accepted and corrupted the lists; the working tree now marks the head FREE first.)
TEST_P(AllocatorTest, SecondFreeAfterMergeWithFreePredecessorIsRejected) {
  const u64 a = a_->alloc(100), b = a_->alloc(100), c = a_->alloc(100);
  ASSERT_TRUE(a && b && c);
  ASSERT_TRUE(a_->free(a));
  ASSERT_TRUE(a_->free(b));  // merges into a
  ASSERT_TRUE(a_->check_invariants()) << a_->violation();
  const AllocStats before = a_->stats();
  const auto snap = snapshot();
  EXPECT_FALSE(a_->free(b)) << "double free accepted";
  EXPECT_TRUE(unchanged_since(snap));
  expect_same_stats(a_->stats(), before);
  EXPECT_TRUE(a_->check_invariants()) << a_->violation();
}

// Same path through realloc: a freed (absorbed) offset is not resized.
TEST_P(AllocatorTest, ReallocOfOffsetFreedIntoPredecessorIsRejected) {
  const u64 a = a_->alloc(100), b = a_->alloc(100), c = a_->alloc(100);
  ASSERT_TRUE(a && b && c);
  ASSERT_TRUE(a_->free(a));
  ASSERT_TRUE(a_->free(b));  // merges into a
  const AllocStats before = a_->stats();
  const auto snap = snapshot();
  EXPECT_EQ(a_->realloc(b, 50), 0u) << "realloc of a freed offset accepted";
  EXPECT_EQ(a_->realloc(b, 5000), 0u) << "realloc of a freed offset accepted";
  EXPECT_TRUE(unchanged_since(snap));
  expect_same_stats(a_->stats(), before);
  EXPECT_TRUE(a_->check_invariants()) << a_->violation();
}

TEST_P(AllocatorTest, FreeOfWildOffsetIsRejected) {
  const u64 a = a_->alloc(100);
  ASSERT_NE(a, 0u);
  std::memset(base() + a, 0, a_->usable_size(a));
  const AllocStats before = a_->stats();
  const auto snap = snapshot();
  const u64 wild[] = {0,
                      8,
                      16,
                      header_off(),                      // the header itself
                      a + 1,                             // misaligned
                      a + 8,                             // misaligned (8 mod 16)
                      a + 4096,                          // inside the free remainder
                      kSegment,                          // one past the segment
                      kSegment + 4096,                   // far out of range
                      std::numeric_limits<u64>::max() & ~u64{15}};
  for (u64 w : wild) {
    EXPECT_FALSE(a_->free(w)) << "free(" << w << ")";
    if (w != 0) {  // realloc(0, n) is alloc(n) by contract
      EXPECT_EQ(a_->realloc(w, 10), 0u) << "realloc(" << w << ")";
    }
  }
  EXPECT_TRUE(unchanged_since(snap));
  expect_same_stats(a_->stats(), before);
  EXPECT_TRUE(a_->free(a));  // the real block is still freeable
  EXPECT_TRUE(a_->check_invariants()) << a_->violation();
}

// ---- realloc -----------------------------------------------------------------------------

TEST_P(AllocatorTest, ReallocGrowsInPlaceWhenNextBlockIsFree) {
  const u64 a = a_->alloc(100), b = a_->alloc(400), guard = a_->alloc(100);
  ASSERT_TRUE(a && b && guard);
  const u64 old_usable = a_->usable_size(a);
  fill(a, old_usable, 1);
  ASSERT_TRUE(a_->free(b));
  const u64 r = a_->realloc(a, 300);
  EXPECT_EQ(r, a);
  EXPECT_GE(a_->usable_size(a), 300u);
  EXPECT_LT(a + a_->usable_size(a), guard);
  EXPECT_TRUE(holds(a, old_usable, 1));
  EXPECT_EQ(a_->stats().used_blocks, 2u);  // a and the guard
  EXPECT_TRUE(a_->check_invariants()) << a_->violation();
}

TEST_P(AllocatorTest, ReallocMovesWhenNextBlockIsUsed) {
  const u64 a = a_->alloc(100), b = a_->alloc(100);
  ASSERT_TRUE(a && b);
  const u64 old_usable = a_->usable_size(a);
  fill(a, old_usable, 2);
  fill(b, a_->usable_size(b), 3);
  const u64 r = a_->realloc(a, 1000);
  ASSERT_NE(r, 0u);
  EXPECT_NE(r, a);
  EXPECT_GE(a_->usable_size(r), 1000u);
  EXPECT_TRUE(holds(r, old_usable, 2)) << "contents not carried over";
  EXPECT_TRUE(holds(b, a_->usable_size(b), 3)) << "neighbour clobbered";
  EXPECT_FALSE(a_->free(a)) << "the old block was not released";
  EXPECT_EQ(a_->stats().used_blocks, 2u);
  EXPECT_TRUE(a_->check_invariants()) << a_->violation();
}

TEST_P(AllocatorTest, ReallocShrinksInPlace) {
  const u64 a = a_->alloc(1000), guard = a_->alloc(100);
  ASSERT_TRUE(a && guard);
  fill(a, a_->usable_size(a), 4);
  const u64 free_blocks = a_->stats().free_blocks;
  const u64 r = a_->realloc(a, 100);
  EXPECT_EQ(r, a);
  EXPECT_GE(a_->usable_size(a), 100u);
  EXPECT_LT(a_->usable_size(a), 1000u);  // the tail was given back
  EXPECT_TRUE(holds(a, 100, 4));
  EXPECT_EQ(a_->stats().free_blocks, free_blocks + 1);  // the tail, between a and the guard
  EXPECT_TRUE(a_->check_invariants()) << a_->violation();
}

TEST_P(AllocatorTest, ReallocThatCannotFitReturnsZeroAndKeepsOldBlock) {
  const u64 a = a_->alloc(1000), guard = a_->alloc(100);
  ASSERT_TRUE(a && guard);
  const u64 usable = a_->usable_size(a);
  fill(a, usable, 5);
  exhaust();
  const AllocStats before = a_->stats();
  const auto snap = snapshot();
  EXPECT_EQ(a_->realloc(a, 100000), 0u);                 // fits the arena, not the free space
  EXPECT_EQ(a_->realloc(a, a_->max_request() + 1), 0u);  // fits nowhere
  EXPECT_TRUE(unchanged_since(snap));
  expect_same_stats(a_->stats(), before);
  EXPECT_EQ(a_->usable_size(a), usable);
  EXPECT_TRUE(holds(a, usable, 5));
  EXPECT_TRUE(a_->free(a));  // still owned by the caller
  EXPECT_TRUE(a_->check_invariants()) << a_->violation();
}

TEST_P(AllocatorTest, ReallocOfZeroOffsetAllocates) {
  const u64 r = a_->realloc(0, 100);
  ASSERT_NE(r, 0u);
  EXPECT_GE(a_->usable_size(r), 100u);
  EXPECT_EQ(a_->stats().used_blocks, 1u);
  EXPECT_TRUE(a_->check_invariants()) << a_->violation();
}

// ---- statistics --------------------------------------------------------------------------

// As defined in the header: total = arena bytes (blocks + the 8-byte epilogue head),
// used = bytes of used blocks (heads included), free = bytes of free blocks. So
// free + used + 8 == total at all times.
void expect_stats_identities(const AllocStats& s) {
  EXPECT_EQ(s.free + s.used + Alloc::kHead, s.total);
  EXPECT_GE(s.overhead, Alloc::kHead * s.used_blocks);
  EXPECT_GE(s.overhead, sizeof(Alloc));
  EXPECT_GE(s.fragmentation, 0.0);
  EXPECT_LE(s.fragmentation, 1.0);
  EXPECT_LE(s.largest_free, s.free);
  EXPECT_EQ(s.free == 0, s.free_blocks == 0);
}

TEST_P(AllocatorTest, StatsAccountForEveryByte) {
  const AllocStats fresh = a_->stats();
  expect_stats_identities(fresh);
  EXPECT_EQ(fresh.used, 0u);
  EXPECT_EQ(fresh.free_blocks, 1u);
  EXPECT_EQ(fresh.fragmentation, 0.0);
  EXPECT_LE(fresh.total, kSegment - header_off() - sizeof(Alloc));
  EXPECT_EQ(fresh.largest_free, fresh.free - Alloc::kHead);

  std::vector<u64> live;
  for (u64 n = 1; n <= 400; n += 7) live.push_back(a_->alloc(n * 13));
  ASSERT_EQ(std::count(live.begin(), live.end(), 0u), 0);
  u64 used = 0;
  for (u64 off : live) used += a_->usable_size(off) + Alloc::kHead;
  AllocStats s = a_->stats();
  expect_stats_identities(s);
  EXPECT_EQ(s.used, used);
  EXPECT_EQ(s.used_blocks, live.size());
  EXPECT_EQ(s.total, fresh.total);

  // Punch holes: every other block. Now the free space is split, fragmentation > 0.
  for (size_t i = 0; i < live.size(); i += 2) {
    used -= a_->usable_size(live[i]) + Alloc::kHead;
    ASSERT_TRUE(a_->free(live[i]));
  }
  s = a_->stats();
  expect_stats_identities(s);
  EXPECT_EQ(s.used, used);
  EXPECT_GT(s.free_blocks, 1u);
  EXPECT_GT(s.fragmentation, 0.0);
  exhaust();
  s = a_->stats();
  expect_stats_identities(s);
  EXPECT_TRUE(a_->check_invariants()) << a_->violation();
}

// ---- randomised churn --------------------------------------------------------------------

TEST_P(AllocatorTest, RandomChurnKeepsInvariantsAndContents) {
  struct Live {
    u64 size;  // bytes requested (and filled)
    u64 seed;  // pattern
  };
  std::map<u64, Live> live;
  std::mt19937 rng(20240611);
  std::uniform_int_distribution<u64> size(1, 8192);
  std::uniform_int_distribution<int> op(0, 99);
  u64 next_seed = 1, failed_allocs = 0, moves = 0;

  auto pick = [&] {
    auto it = live.begin();
    std::advance(it, std::uniform_int_distribution<size_t>(0, live.size() - 1)(rng));
    return it;
  };
  auto no_overlap = [&](u64 off, u64 len) {
    auto next = live.lower_bound(off);
    if (next != live.end() && off + len > next->first) return false;
    if (next != live.begin()) {
      auto prev = std::prev(next);
      if (prev->first + a_->usable_size(prev->first) > off) return false;
    }
    return true;
  };

  for (int i = 1; i <= 20000; ++i) {
    const int o = op(rng);
    if (live.empty() || o < 45) {  // alloc
      const u64 n = size(rng);
      const AllocStats before = a_->stats();
      const u64 off = a_->alloc(n);
      if (off == 0) {
        ++failed_allocs;
        expect_same_stats(a_->stats(), before);
      } else {
        ASSERT_EQ(off % 16, 0u);
        ASSERT_GE(a_->usable_size(off), n);
        ASSERT_TRUE(no_overlap(off, a_->usable_size(off))) << "op " << i;
        fill(off, n, next_seed);
        live.emplace(off, Live{n, next_seed++});
      }
    } else if (o < 80) {  // free
      auto it = pick();
      ASSERT_TRUE(holds(it->first, it->second.size, it->second.seed))
          << "contents of " << it->first << " clobbered before op " << i;
      ASSERT_TRUE(a_->free(it->first)) << "op " << i;
      live.erase(it);
    } else {  // realloc
      auto it = pick();
      const u64 old_off = it->first;
      const Live old = it->second;
      ASSERT_TRUE(holds(old_off, old.size, old.seed)) << "op " << i;
      const u64 n = size(rng);
      const u64 off = a_->realloc(old_off, n);
      if (off == 0) {
        ++failed_allocs;
        ASSERT_TRUE(holds(old_off, old.size, old.seed)) << "failed realloc damaged, op " << i;
      } else {
        ASSERT_GE(a_->usable_size(off), n);
        ASSERT_TRUE(holds(off, std::min(old.size, n), old.seed)) << "realloc lost data, op " << i;
        if (off != old_off) ++moves;
        live.erase(it);
        ASSERT_TRUE(no_overlap(off, a_->usable_size(off))) << "op " << i;
        fill(off, n, next_seed);
        live.emplace(off, Live{n, next_seed++});
      }
    }
    if (i % 100 == 0) {
      ASSERT_TRUE(a_->check_invariants()) << a_->violation() << " after op " << i;
      ASSERT_EQ(a_->stats().used_blocks, live.size());
    }
  }
  // The walk exercised both the full and the comfortable regime, and moving reallocs.
  EXPECT_GT(failed_allocs, 0u);
  EXPECT_GT(moves, 0u);
  for (const auto& [off, l] : live) {
    ASSERT_TRUE(holds(off, l.size, l.seed));
    ASSERT_TRUE(a_->free(off));
  }
  EXPECT_EQ(a_->stats().free_blocks, 1u);
  EXPECT_TRUE(a_->check_invariants()) << a_->violation();
}

// ---- views -------------------------------------------------------------------------------

TEST_P(AllocatorTest, AttachOnSameBufferReturnsSameHeader) {
  Alloc* v1 = Alloc::attach(base(), header_off(), kSegment);
  Alloc* v2 = Alloc::attach(base(), header_off(), kSegment);
  EXPECT_EQ(v1, a_);
  EXPECT_EQ(v2, a_);
  ASSERT_NE(v1, nullptr);
  const u64 off = v1->alloc(500);
  ASSERT_NE(off, 0u);
  expect_same_stats(v2->stats(), a_->stats());
  EXPECT_TRUE(v2->free(off));  // freed through the other view
  EXPECT_EQ(a_->stats().used_blocks, 0u);
  EXPECT_TRUE(a_->check_invariants()) << a_->violation();
}

TEST_P(AllocatorTest, AttachWithoutMagicOrWithWrongGeometryReturnsNull) {
  std::vector<std::max_align_t> blank(kSegment / sizeof(std::max_align_t));
  EXPECT_EQ(Alloc::attach(blank.data(), header_off(), kSegment), nullptr);
  const u64 other_off = header_off() == 0 ? 64 : 0;
  EXPECT_EQ(Alloc::attach(base(), other_off, kSegment), nullptr);
  EXPECT_EQ(Alloc::attach(base(), header_off(), kSegment / 2), nullptr);  // arena exceeds it
}

// The header holds offsets only: a byte copy of the segment at another address (a second
// process mapping it elsewhere) is a working allocator that makes the same decisions.
TEST_P(AllocatorTest, CopyAtAnotherAddressBehavesIdentically) {
  std::vector<u64> first;
  for (u64 n : {10, 200, 3000, 40}) first.push_back(a_->alloc(n));
  ASSERT_TRUE(a_->free(first[1]));
  std::vector<std::max_align_t> other(mem_);
  Alloc* b = Alloc::attach(other.data(), header_off(), kSegment);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(b, a_);
  EXPECT_EQ(b->base(), reinterpret_cast<char*>(other.data()));
  EXPECT_TRUE(b->check_invariants()) << b->violation();
  expect_same_stats(b->stats(), a_->stats());
  for (u64 n : {150, 7000, 16, 900}) EXPECT_EQ(b->alloc(n), a_->alloc(n)) << "n=" << n;
  EXPECT_TRUE(b->free(first[2]));
  EXPECT_TRUE(a_->free(first[2]));
  expect_same_stats(b->stats(), a_->stats());
  EXPECT_EQ(std::memcmp(other.data(), base(), kSegment), 0);
}

// ---- transactions and recovery (ALLOC-10, docs/invariants/recovery.md) ------------------

u64 read_word(const char* base, u64 off) {
  u64 v;
  std::memcpy(&v, base + off, 8);
  return v;
}

// Segment bytes that differ, outside the journal (the end of the header) and outside [lo, hi).
u64 bytes_changed(const std::vector<char>& snap, const char* base, u64 header_off, u64 lo = 0,
                  u64 hi = 0) {
  const u64 journal_lo = header_off + sizeof(Alloc) - sizeof(Alloc::Journal);
  const u64 journal_hi = header_off + sizeof(Alloc);
  u64 n = 0;
  for (u64 i = 0; i < kSegment; ++i)
    if (!(i >= journal_lo && i < journal_hi) && !(i >= lo && i < hi) && snap[i] != base[i]) ++n;
  return n;
}

TEST_P(AllocatorTest, OperationsOutsideATransactionCommitTheirOwn) {
  EXPECT_FALSE(a_->needs_recovery());
  const u64 p = a_->alloc(100);
  ASSERT_NE(p, 0u);
  EXPECT_FALSE(a_->needs_recovery());
  EXPECT_EQ(a_->journal_entries(), 0u);
  const AllocStats s = a_->stats();
  a_->recover();  // nothing open: nothing to undo
  expect_same_stats(a_->stats(), s);
  EXPECT_NE(a_->realloc(p, 5000), 0u);
  EXPECT_FALSE(a_->needs_recovery());
  EXPECT_TRUE(a_->check_invariants()) << a_->violation();
}

TEST_P(AllocatorTest, BeginLoggedPutCommit) {
  const u64 idx = a_->alloc(64);  // the caller's "index": a word it owns
  ASSERT_NE(idx, 0u);
  std::memset(base() + idx, 0, 64);
  a_->begin();
  EXPECT_TRUE(a_->needs_recovery());  // open, as it would be for a dead writer
  EXPECT_TRUE(a_->logged_put(idx, 42));
  EXPECT_TRUE(a_->logged_put(idx + 8, 43));
  EXPECT_TRUE(a_->logged_put(idx + 8, 43));  // unchanged: needs no entry
  EXPECT_EQ(a_->journal_entries(), 2u);
  EXPECT_EQ(read_word(base(), idx), 42u);  // written at once
  a_->commit();
  EXPECT_FALSE(a_->needs_recovery());
  EXPECT_EQ(a_->journal_entries(), 0u);
  a_->recover();  // a committed transaction is never rolled back
  EXPECT_EQ(read_word(base(), idx), 42u);
  EXPECT_EQ(read_word(base(), idx + 8), 43u);
  // Outside a transaction a logged_put is its own transaction.
  EXPECT_TRUE(a_->logged_put(idx, 7));
  EXPECT_FALSE(a_->needs_recovery());
  EXPECT_EQ(read_word(base(), idx), 7u);
  EXPECT_TRUE(a_->check_invariants()) << a_->violation();
}

TEST_P(AllocatorTest, LoggedPutRefusesTheHeaderAndWordsOutsideTheSegment) {
  const auto snap = snapshot();
  EXPECT_FALSE(a_->logged_put(header_off(), 1));                      // the magic
  EXPECT_FALSE(a_->logged_put(header_off() + sizeof(Alloc) - 8, 1));  // the journal's entries
  EXPECT_FALSE(a_->logged_put(kSegment, 1));
  EXPECT_FALSE(a_->logged_put(std::numeric_limits<u64>::max() - 3, 1));
  EXPECT_TRUE(unchanged_since(snap));
  EXPECT_FALSE(a_->needs_recovery());
}

TEST_P(AllocatorTest, TransactionSpanningAllocAndFreeIsRolledBackByRecover) {
  const u64 idx = a_->alloc(64);
  const u64 old = a_->alloc(500);
  const u64 guard = a_->alloc(10);
  ASSERT_TRUE(idx && old && guard);
  std::memset(base() + idx, 0, 64);
  fill(old, 500, 9);
  const AllocStats before = a_->stats();
  const auto snap = snapshot();
  // A cache-style replace: allocate the new value, write it (unjournaled), point the index at it
  // (journaled), free the old value. Then the writer "dies" before commit().
  a_->begin();
  const u64 p = a_->alloc(3000);
  ASSERT_NE(p, 0u);
  fill(p, 3000, 10);
  ASSERT_TRUE(a_->logged_put(idx, p));
  ASSERT_TRUE(a_->free(old));
  EXPECT_EQ(a_->stats().used_blocks, before.used_blocks);  // one more, one less
  EXPECT_GT(a_->journal_entries(), 0u);
  // The next lock holder:
  ASSERT_TRUE(a_->needs_recovery());
  a_->recover();
  EXPECT_FALSE(a_->needs_recovery());
  EXPECT_TRUE(a_->check_invariants()) << a_->violation();
  expect_same_stats(a_->stats(), before);
  EXPECT_EQ(read_word(base(), idx), 0u);
  EXPECT_TRUE(holds(old, 500, 9)) << "the freed block's contents did not come back";
  EXPECT_EQ(bytes_changed(snap, base(), header_off(), p, p + 3000), 0u);
  EXPECT_FALSE(a_->free(p)) << "the rolled-back allocation is still live";
  EXPECT_TRUE(a_->free(old));  // still live, still ours
  EXPECT_TRUE(a_->check_invariants()) << a_->violation();
}

TEST_P(AllocatorTest, CommittedTransactionSurvivesRecover) {
  const u64 idx = a_->alloc(64);
  const u64 old = a_->alloc(500);
  ASSERT_TRUE(idx && old);
  std::memset(base() + idx, 0, 64);
  const AllocStats before = a_->stats();
  a_->begin();
  const u64 p = a_->alloc(3000);
  ASSERT_NE(p, 0u);
  fill(p, 3000, 11);
  ASSERT_TRUE(a_->logged_put(idx, p));
  const u64 q = a_->realloc(p, 6000);  // moves or grows, inside the same transaction
  ASSERT_NE(q, 0u);
  ASSERT_TRUE(a_->logged_put(idx, q));
  ASSERT_TRUE(a_->free(old));
  a_->commit();
  const AllocStats after = a_->stats();
  EXPECT_EQ(after.used_blocks, before.used_blocks);
  a_->recover();  // a later holder that recovers anyway undoes nothing
  expect_same_stats(a_->stats(), after);
  EXPECT_EQ(read_word(base(), idx), q);
  EXPECT_TRUE(holds(q, 3000, 11));
  EXPECT_FALSE(a_->free(old)) << "the committed free was undone";
  EXPECT_TRUE(a_->free(q));
  EXPECT_TRUE(a_->check_invariants()) << a_->violation();
}

TEST_P(AllocatorTest, RecoverTwiceIsIdempotent) {
  const u64 old = a_->alloc(700);
  ASSERT_NE(old, 0u);
  fill(old, 700, 12);
  const AllocStats before = a_->stats();
  a_->begin();
  ASSERT_NE(a_->alloc(100), 0u);
  ASSERT_TRUE(a_->free(old));
  a_->recover();
  a_->recover();
  expect_same_stats(a_->stats(), before);
  EXPECT_TRUE(holds(old, 700, 12));
  EXPECT_TRUE(a_->check_invariants()) << a_->violation();
}

// A transaction too large for the journal is refused operation by operation, cleanly: nothing is
// written by the refused call, and what the transaction did so far can still be committed.
TEST_P(AllocatorTest, FullJournalRefusesCleanly) {
  const u64 idx = a_->alloc(64);
  const u64 old = a_->alloc(100);
  ASSERT_TRUE(idx && old);
  a_->begin();
  for (u64 i = 1; i <= Alloc::Journal::kEntries; ++i) ASSERT_TRUE(a_->logged_put(idx, i));
  EXPECT_EQ(a_->journal_entries(), Alloc::Journal::kEntries);
  const AllocStats before = a_->stats();
  const auto snap = snapshot();
  EXPECT_FALSE(a_->logged_put(idx, 9999));
  EXPECT_EQ(a_->alloc(10), 0u);
  EXPECT_FALSE(a_->free(old));
  EXPECT_EQ(a_->realloc(old, 5000), 0u);
  EXPECT_TRUE(unchanged_since(snap));
  expect_same_stats(a_->stats(), before);
  a_->commit();
  EXPECT_EQ(read_word(base(), idx), u64(Alloc::Journal::kEntries));
  EXPECT_NE(a_->alloc(10), 0u);  // room again
  EXPECT_TRUE(a_->free(old));
  EXPECT_TRUE(a_->check_invariants()) << a_->violation();
}

// The worst cases the allocator reserves are enough for a realistic transaction of the cache:
// one alloc, one free and 64 index words.
TEST_P(AllocatorTest, RealisticTransactionFitsTheJournal) {
  const u64 idx = a_->alloc(64 * 8);
  const u64 old = a_->alloc(100);
  ASSERT_TRUE(idx && old);
  a_->begin();
  const u64 p = a_->alloc(2000);
  ASSERT_NE(p, 0u);
  for (u64 i = 0; i < 64; ++i) ASSERT_TRUE(a_->logged_put(idx + 8 * i, p + i));
  ASSERT_TRUE(a_->free(old));
  EXPECT_LE(a_->journal_entries(), Alloc::kJournalAlloc + Alloc::kJournalFree + 64);
  a_->commit();
  EXPECT_TRUE(a_->check_invariants()) << a_->violation();
}

TEST(AllocatorCreate, RejectsTooSmallSegmentAndMisalignedHeader) {
  std::vector<std::max_align_t> mem(kSegment / sizeof(std::max_align_t));
  EXPECT_EQ(Alloc::create(mem.data(), 0, sizeof(Alloc)), nullptr);
  EXPECT_EQ(Alloc::create(mem.data(), 0, 64), nullptr);
  EXPECT_EQ(Alloc::create(mem.data(), 4, kSegment), nullptr);  // header not 8-aligned
  Alloc* a = Alloc::create(mem.data(), 0, sizeof(Alloc) + 256);  // just enough for one block
  ASSERT_NE(a, nullptr);
  EXPECT_TRUE(a->check_invariants()) << a->violation();
  EXPECT_EQ(a->stats().free_blocks, 1u);
}

}  // namespace
