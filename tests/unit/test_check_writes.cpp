// tests/unit/test_check_writes.cpp: the checking build (CMake WINCACHE_CHECK_WRITES, docs/fuzz.md
// "A checking build") aborts at the first write unlock after the index stopped being sound, with
// the broken invariant's name, and stays quiet while it is sound. Compiled with the definition
// whatever the build's option (this target only).
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/ucache.hpp"
#include "prims/prim_std.hpp"

#ifndef WINCACHE_CHECK_WRITES
#error "test_check_writes needs WINCACHE_CHECK_WRITES"
#endif

namespace {

using namespace wc;
using Cache = UserCache<PrimStd>;

struct Region {
  struct alignas(64) Line {
    std::uint64_t w[8];
  };
  std::vector<Line> mem = std::vector<Line>(1 << 14);  // 1 MB
  Cache* c = Cache::create(mem.data(), mem.size() * sizeof(Line), 1000);
  CacheStatus put(const std::string& k, const std::string& v) {
    return c->store(0, k.data(), std::uint32_t(k.size()), ValueType::string_v, v.data(), v.size(),
                    0, 1000, Cache::Mode::set);
  }
};

TEST(CheckWrites, ASoundIndexPassesEveryWrite) {
  Region r;
  ASSERT_NE(r.c, nullptr);
  for (int i = 0; i < 2000; ++i) ASSERT_EQ(r.put("k" + std::to_string(i % 300), "v"), CacheStatus::ok);
  EXPECT_EQ(r.c->remove(0, "k1", 2, 1000), CacheStatus::ok);
  r.c->clear();
  EXPECT_EQ(r.c->violation(), nullptr);
}

TEST(CheckWritesDeathTest, AWrongItemCountAbortsTheNextWrite) {
  Region r;
  ASSERT_NE(r.c, nullptr);
  ASSERT_EQ(r.put("a", "1"), CacheStatus::ok);
  r.c->h().items += 1;  // the index now disagrees with its count
  EXPECT_DEATH(r.put("b", "2"), "wincache check failed: UC-2 item count");
}

}  // namespace
