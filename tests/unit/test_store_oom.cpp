// tests/unit/test_store_oom.cpp: process memory running out anywhere the keyed store (or a
// caller's callback under its lock) allocates. This binary replaces the global operator new: armed
// with n, the n-th allocation from then on throws std::bad_alloc. Every call of the store that
// allocates (make_room's ranking and its scratch, the sweep of expired entries, purge_expired's
// list) or runs a callback that may (get, info, free_blocks, cas_aux, purge_expired's keep) is
// run with the fault at every allocation it makes, and afterwards, whatever it returned or threw:
// the lock is free (a try_lock succeeds, no reader slot is held), the index is sound
// (violation() == nullptr), and the store goes on storing.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include "core/ucache.hpp"
#include "prims/prim_std.hpp"

namespace {
// Per thread: each operation runs on a thread of its own, so that make_room's per-thread scratch
// starts empty and its allocations are reached too.
thread_local long g_fail_in = -1;  // -1: disarmed; else the allocations left before the one that fails
thread_local bool g_failed = false;
}  // namespace

// The replacement pairs malloc with free throughout (GCC cannot see that new here is malloc).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t n) {
  if (g_fail_in >= 0 && g_fail_in-- == 0) {
    g_failed = true;
    throw std::bad_alloc();
  }
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace {

using namespace wc;

struct LruPolicy {
  static constexpr std::uint64_t magic = 0x4F4F4D4C52550001ull;
  static constexpr Expiry expiry = Expiry::since_store;
  static constexpr bool pin_reads = false;
  static constexpr bool evictable(std::uint16_t) { return true; }
};

template <class Cache>
struct Fixture {
  struct alignas(64) Line {
    std::uint64_t w[8];
  };
  static constexpr std::uint64_t kRegion = 64 * 1024;
  std::vector<Line> mem = std::vector<Line>(kRegion / 64);
  Cache* c = Cache::create(mem.data(), kRegion, 1000);
  std::string val = std::string(900, 'v');
  unsigned next = 0;

  CacheStatus put(unsigned k, std::uint64_t ttl = 0) {
    const std::string key = "k:" + std::to_string(k);
    return c->store(0, key.data(), std::uint32_t(key.size()), ValueType::string_v, val.data(),
                    200 + (k * 37) % 700, ttl, 1000, Cache::Mode::set);
  }
  // Full, a few entries with a ttl that has passed at now = 10,000 ms.
  void fill() {
    for (unsigned i = 0; i < 200; ++i) ASSERT_EQ(put(next++, next % 5 == 0 ? 1 : 0), CacheStatus::ok);
    ASSERT_GT(c->stats(0).evictions, 0u);
  }
  // After an operation that may have thrown: nothing held, the index sound, stores go on.
  void check_free(const char* what, long at) {
    ASSERT_EQ(c->readers_in(0), 0u) << what << ", allocation " << at;
    const Acquire a = c->h().lock.try_lock();
    ASSERT_EQ(a, Acquire::ok) << what << ": the lock was left held; allocation " << at;
    c->h().lock.unlock();
    ASSERT_EQ(c->violation(), nullptr) << what << ", allocation " << at;
    ASSERT_EQ(put(next++), CacheStatus::ok) << what << ", allocation " << at;
  }
};

// Runs op() with the fault at its 0th, 1st, ... allocation until op runs without reaching it.
template <class F, class Op>
void at_every_allocation(F& f, const char* what, Op&& op) {
  for (long at = 0; at < 10000; ++at) {
    f.fill();
    if (::testing::Test::HasFatalFailure()) return;
    bool failed = false;
    std::thread t([&] {
      g_fail_in = at;
      try {
        op();
      } catch (const std::bad_alloc&) {
      }
      g_fail_in = -1;
      failed = g_failed;
    });
    t.join();
    f.check_free(what, at);
    if (::testing::Test::HasFatalFailure()) return;
    if (!failed) {
      std::printf("%s: a fault at each of its %ld allocations\n", what, at);
      return;
    }
  }
  FAIL() << what << ": still allocating after 10,000";
}

template <class Cache>
void every_call(Fixture<Cache>& f) {
  ASSERT_NE(f.c, nullptr);
  // A value of a third of the region: every such store makes room (a batch of evictions).
  const std::string big(Fixture<Cache>::kRegion / 3, 'b');
  at_every_allocation(f, "an evicting store", [&] {
    (void)f.c->store(0, "big", 3, ValueType::string_v, big.data(), big.size(), 0, 1000,
                     Cache::Mode::set);
  });
  at_every_allocation(f, "an evicting store that sweeps expired entries first", [&] {
    (void)f.c->store(0, "big", 3, ValueType::string_v, big.data(), big.size(), 0, 10000,
                     Cache::Mode::set);
  });
  // The key fill() stored last: present.
  const auto last = [&] { return "k:" + std::to_string(f.next - 1); };
  at_every_allocation(f, "get", [&] {
    const std::string k = last();
    (void)f.c->get(0, k.data(), std::uint32_t(k.size()), 1000,
                   [](ValueType, const char* p, std::uint64_t n) { std::string copy(p, n); });
  });
  at_every_allocation(f, "info", [&] {
    std::vector<std::string> rows;
    (void)f.c->info(0, 1000, nullptr, 0, [&](const EntryInfo& e) {
      rows.emplace_back(e.key, e.key_len);
    });
  });
  at_every_allocation(f, "free_blocks", [&] {
    std::vector<std::uint64_t> sizes;
    (void)f.c->free_blocks(0, [&](std::uint64_t b) { sizes.push_back(b); });
  });
  at_every_allocation(f, "cas_aux", [&] {
    const std::string k = last();
    (void)f.c->cas_aux(0, k.data(), std::uint32_t(k.size()), 1000, 0, 0,
                       [](const char* p, std::uint64_t n) {
      return std::string(p, n).size() == n;
    });
  });
  at_every_allocation(f, "purge_expired", [&] {
    (void)f.c->purge_expired(10000, [](const char* p, std::uint32_t n) {
      return std::string(p, n) == "k:0";
    });
  });
}

TEST(StoreOom, UserCacheReleasesTheLockWhereverMemoryRunsOut) {
  Fixture<UserCache<PrimStd>> f;
  every_call(f);
}

TEST(StoreOom, LruStoreReleasesTheLockWhereverMemoryRunsOut) {
  Fixture<KeyedStore<PrimStd, LruPolicy>> f;
  every_call(f);
}

TEST(StoreOom, PinnedUserCacheReleasesTheLockWhereverMemoryRunsOut) {
  Fixture<PinnedUserCache<PrimStd, 7>> f;
  every_call(f);
}

}  // namespace
