// tests/unit/test_store_rank.cpp: the arithmetic of make_room's ranking (core/store.hpp,
// STORE-4): the fast density make_room computes equals eviction_density(), the rank the property
// tests (proptests/prop_ucache.cpp) check the eviction order against; and the rank histogram's
// buckets are ranges of ranks in rank order, so that a partition at a bucket's top rank splits
// the candidates into a lower and a higher part.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>

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

}  // namespace
