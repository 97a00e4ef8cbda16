// tests/unit/test_store_hints.cpp: STORE-4 says the frequency sketch, the recency window and the
// ghosts are hints: any process may leave any value in them (a torn word, a kill between two
// words, another build, a hostile neighbour of the same uid), and that may only cost hit rate.
// These tests write garbage into every such word (the header's FreqState, every sketch word,
// every ghost word) again and again under cache-aside traffic that evicts, and check what must
// hold whatever they say: every store of a value that fits returns ok and is readable at once,
// the most recently used other key survives the next store (UC-5(d): no wipe; every value here is
// at most 1/8 of the region), the index stays sound (violation() == nullptr), and nothing reads or writes outside the region
// (run them under -fsanitize=address,undefined to see the last part; the region sits between two
// guard words that are checked too).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "core/ucache.hpp"
#include "prims/prim_std.hpp"

namespace {

using namespace wc;
using Cache = UserCache<PrimStd>;

constexpr std::uint64_t kGuard = 0x6775617264677561ull;

// Every hint word of the store at `c` set to a value drawn from `g` by `pattern`.
void scribble(Cache* c, unsigned pattern, std::mt19937_64& g) {
  auto value = [&]() -> std::uint64_t {
    switch (pattern) {
      case 0: return 0;
      case 1: return ~std::uint64_t{0};
      case 2: return std::uint64_t{1} << 63;
      case 3: return g() >> (g() % 64);
      default: return g();
    }
  };
  auto& f = c->h().freq;
  for (auto* w : {&f.aged_at, &f.agings, &f.fine, &f.band, &f.young, &f.old,
                  &f.young_hits, &f.old_hits})
    w->store(value(), std::memory_order_relaxed);
  // The sketch's and the ghosts' words: right after the header, on a 64-byte boundary.
  const std::uint64_t off = (sizeof(Cache::Header) + 63) / 64 * 64;
  auto* words = reinterpret_cast<std::uint64_t*>(reinterpret_cast<char*>(c) + off);
  for (std::uint64_t i = 0; i < c->h().sketch_words + c->h().ghost_words; ++i) words[i] = value();
}

// Cache-aside traffic (get, store on a miss) over `keys` keys of 0..2,999 bytes through a region
// of `region` bytes, the hints scribbled over every 97 steps.
void traffic(std::uint64_t region, unsigned keys, unsigned pattern, std::uint64_t seed) {
  // 64-byte aligned (the header's lines), a guard line before and after.
  struct alignas(64) Line {
    std::uint64_t w[8];
  };
  std::vector<Line> mem(region / 64 + 2);
  mem.front().w[7] = kGuard;
  mem.back().w[0] = kGuard;
  Cache* c = Cache::create(mem.data() + 1, region, 1000);
  ASSERT_NE(c, nullptr);
  std::mt19937_64 g(seed);
  std::string val(3000, 'v');
  std::string last;  // the key stored last, if no get of another key followed: the one most
                     // recently used, which the next store must not evict (UC-5(d))
  for (unsigned t = 0; t < 30000; ++t) {
    if (t % 97 == 0) scribble(c, pattern, g);
    const unsigned k = unsigned(g() % 4 == 0 ? g() % keys : g() % (keys / 8 + 1));
    const std::string key = "h:" + std::to_string(k);
    const auto kl = std::uint32_t(key.size());
    bool hit = false;
    c->get(0, key.data(), kl, 1000, [&](ValueType, const char*, std::uint64_t) { hit = true; });
    if (hit) {
      // A get stamps its entry with the clock's value, the one the last store took: it ties with
      // that store's key (ties go by hits), so which is the most recently used is not clear.
      if (key != last) last.clear();
      continue;
    }
    const std::uint64_t len = (std::uint64_t(k) * 7919) % 3000;
    val[0] = char(k);
    ASSERT_EQ(c->store(0, key.data(), kl, ValueType::string_v, val.data(), len, 0, 1000,
                       Cache::Mode::set),
              CacheStatus::ok)
        << "step " << t << " key " << k;
    std::uint64_t got = ~std::uint64_t{0};
    char first = 0;
    ASSERT_EQ(c->get(0, key.data(), kl, 1000,
                     [&](ValueType, const char* p, std::uint64_t n) {
                       got = n;
                       if (n) first = p[0];
                     }),
              CacheStatus::ok)
        << "a stored value is readable at once; step " << t;
    ASSERT_EQ(got, len);
    if (len) {
      ASSERT_EQ(first, char(k));
    }
    if (!last.empty()) {
      ASSERT_TRUE(c->exists(0, last.data(), std::uint32_t(last.size()), 1000))
          << "the most recently used key " << last << " was evicted by the store of " << key
          << " (a wipe, UC-5(d)); step " << t;
    }
    last = key;
    if (t % 1000 == 0) {
      ASSERT_EQ(c->violation(), nullptr) << "step " << t;
    }
  }
  EXPECT_EQ(c->violation(), nullptr);
  EXPECT_GT(c->stats(0).hits, 0u);
  EXPECT_GT(c->stats(0).evictions, 1000u);
  EXPECT_EQ(mem.front().w[7], kGuard);
  EXPECT_EQ(mem.back().w[0], kGuard);
}

TEST(StoreHints, ZeroHintsCostOnlyHitRate) { traffic(256 * 1024, 2000, 0, 1); }
TEST(StoreHints, AllOnesHintsCostOnlyHitRate) { traffic(256 * 1024, 2000, 1, 2); }
TEST(StoreHints, TopBitHintsCostOnlyHitRate) { traffic(256 * 1024, 2000, 2, 3); }
TEST(StoreHints, SmallRandomHintsCostOnlyHitRate) { traffic(256 * 1024, 2000, 3, 4); }
TEST(StoreHints, RandomHintsCostOnlyHitRate) { traffic(256 * 1024, 2000, 4, 5); }
// A small region (the unit tests' 40 KB: 128 sketch words, two ghost words), a few dozen entries.
TEST(StoreHints, GarbageInATinyRegionCostsOnlyHitRate) {
  for (unsigned p = 0; p < 5; ++p) traffic(40 * 1024, 200, p, 10 + p);
}

}  // namespace
