// tests/unit/test_store_rank.cpp: the arithmetic of make_room's ranking (core/store.hpp,
// STORE-4): the fast density make_room computes equals eviction_density(), the rank the property
// tests (proptests/prop_ucache.cpp) check the eviction order against; and the rank histogram's
// buckets are ranges of ranks in rank order, so that a partition at a bucket's top rank splits
// the candidates into a lower and a higher part; narrow_head() leaves make_room's front in a
// full sort's order; and a cache filled by stores alone (every rank tied) evicts its oldest.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "core/ucache.hpp"
#include "prims/prim_std.hpp"

namespace {

using Store = wc::UserCache<wc::PrimStd>;

// eviction_density(est, 0, 0, extra) ranks an entry of kEntryBytes + extra bytes.
std::uint64_t reference(unsigned est, std::uint64_t n) {
  return Store::eviction_density(est, 0, 0, n - Store::kEntryBytes);
}

TEST(StoreRank, FastDensityEqualsTheReferenceForEverySmallSize) {
  for (unsigned est = 0; est <= 255; ++est)
    for (std::uint64_t n = Store::kEntryBytes; n < Store::kEntryBytes + 70000; ++n)
      ASSERT_EQ(Store::density_of(est, n), reference(est, n)) << "est " << est << " n " << n;
}

TEST(StoreRank, FastDensityEqualsTheReferenceForLargeSizes) {
  std::mt19937_64 g(20261130);
  for (int i = 0; i < 2000000; ++i) {
    const unsigned est = unsigned(g() % 256);
    const unsigned bits = unsigned(g() % 44) + 7;  // up to 2^50 bytes
    const std::uint64_t n = Store::kEntryBytes + (g() >> (64 - bits));
    ASSERT_EQ(Store::density_of(est, n), reference(est, n)) << "est " << est << " n " << n;
  }
  // Every rounding boundary: 2^k - 1, 2^k, 2^k + 1 and the 3-significant-bit steps around them.
  for (unsigned k = 7; k < 50; ++k)
    for (std::uint64_t m = 4; m <= 8; ++m)
      for (int d = -2; d <= 2; ++d) {
        const std::uint64_t n = (m << (k - 3)) + std::uint64_t(std::int64_t(d));
        for (unsigned est : {0u, 1u, 2u, 3u, 7u, 100u, 254u, 255u})
          ASSERT_EQ(Store::density_of(est, n), reference(est, n)) << "est " << est << " n " << n;
      }
}

TEST(StoreRank, RankBucketsAreRangesOfRanksInOrder) {
  for (std::size_t b = 0; b + 1 < Store::kRankBuckets; ++b) {
    const std::uint64_t top = Store::bucket_top(b);
    ASSERT_EQ(Store::rank_bucket(top), b);
    ASSERT_EQ(Store::rank_bucket(top + 1), b + 1);
  }
  EXPECT_EQ(Store::rank_bucket(~std::uint64_t{0}), Store::kRankBuckets - 1);
  std::mt19937_64 g(7);
  for (int i = 0; i < 1000000; ++i) {
    const std::uint64_t a = g() >> (g() % 64), c = g() >> (g() % 64);
    if (a <= c) ASSERT_LE(Store::rank_bucket(a), Store::rank_bucket(c));
    else ASSERT_GE(Store::rank_bucket(a), Store::rank_bucket(c));
  }
}

// narrow_head() then a sort of the first k (and of the rest, as make_room does when a batch runs
// past them) gives exactly a full sort's order, and k < head whenever the front holds more than
// twice the target's bytes (it narrowed). Ranks drawn from a few values (ties,
// as when every estimate is 0), sizes that differ 100x, fronts of 2 .. 5,000.
struct Cand {
  std::uint64_t rank, use, bytes;
};
bool cand_below(const Cand& a, const Cand& b) {
  return std::tie(a.rank, a.use) < std::tie(b.rank, b.use);
}

TEST(StoreRank, NarrowHeadKeepsAFullSortsOrder) {
  std::mt19937_64 g(20261130);
  unsigned narrowed = 0;
  for (int round = 0; round < 2000; ++round) {
    const std::size_t n = 2 + g() % (round < 1000 ? 60 : 5000);
    const unsigned ranks = 1 + unsigned(g() % 4);
    std::vector<Cand> order(n);
    std::uint64_t bytes = 0;
    for (std::size_t i = 0; i < n; ++i) {
      order[i] = Cand{g() % ranks, g() % (4 * n) * n + i, 100 + g() % 9900};  // distinct uses
      bytes += order[i].bytes;
    }
    const std::uint64_t target = 1 + g() % (bytes / (1 + g() % 8) + 1);
    std::vector<Cand> full = order;
    std::sort(full.begin(), full.end(), cand_below);
    const std::size_t k = Store::narrow_head(order, n, bytes, target, cand_below);
    ASSERT_LE(k, n);
    std::sort(order.begin(), order.begin() + std::ptrdiff_t(k), cand_below);
    for (std::size_t i = 0; i < k; ++i)
      ASSERT_EQ(order[i].use, full[i].use) << "round " << round << " position " << i << " of " << k;
    if (bytes > 2 * target) {
      ASSERT_LT(k, n);
      ++narrowed;
    }
    std::sort(order.begin() + std::ptrdiff_t(k), order.end(), cand_below);
    for (std::size_t i = k; i < n; ++i) ASSERT_EQ(order[i].use, full[i].use) << "round " << round;
  }
  EXPECT_GT(narrowed, 1000u);
}

// STORE-4 on a cache that only ever stored: every estimate is 0 and every entry's size alike, so
// all ranks tie and the order is by last use: each batch must take exactly the oldest entries, so
// that what stays is always the newest keys without a gap. Thousands of candidates per batch:
// make_room narrows its front (narrow_head) here.
TEST(StoreRank, AStoreOnlyCacheEvictsItsOldestWithoutAGap) {
  const std::uint64_t region = 2 * 1024 * 1024;
  std::vector<std::uint64_t> mem(region / 8);
  Store* c = Store::create(mem.data(), region, 1000, true);
  ASSERT_NE(c, nullptr);
  const char val[16] = "0123456789abcde";
  const unsigned n = 60000;
  for (unsigned i = 0; i < n; ++i) {
    const std::string key = "k" + std::to_string(i);
    ASSERT_EQ(c->store(0, key.data(), std::uint32_t(key.size()), wc::ValueType::string_v, val, 16, 0,
                       1000, Store::Mode::set),
              wc::CacheStatus::ok);
  }
  const std::uint64_t evictions = c->stats(0).evictions;
  ASSERT_GT(evictions, 20000u);  // several batches of thousands of candidates each
  unsigned first = n;
  for (unsigned i = 0; i < n; ++i) {
    const std::string key = "k" + std::to_string(i);
    const bool here = c->exists(0, key.data(), std::uint32_t(key.size()), 1000);
    if (here && first == n) first = i;
    if (first != n) ASSERT_TRUE(here) << "k" << i << " evicted, k" << first << " kept";
  }
  EXPECT_EQ(first, evictions) << "the oldest " << evictions << " keys should be the ones gone";
  EXPECT_EQ(c->violation(), nullptr);
}

}  // namespace
