// extension/near_area.hpp: the near cache's host-wide state (wincache.redis with ucache=near,
// docs/redis.md "User cache near cache"): a small fixed area in the group's shared memory, at
// the end of the named-lock segment (kLocks; zero-filled by the OS when the group is created).
// It is NOT an index: the near cache's entries live in the group's user cache, each stamped with
// the epoch and its key's stripe counter as they were BEFORE its value was read from Redis
// (ucache_redis.cpp); an entry is served only while both are unchanged.
//
// Writers: the host's invalidation listener (near_listener.cpp) owns epoch, trusted, heartbeat
// and the stripes; any worker may trip the breaker and add to the counters. Every field is a
// lock-free atomic (a cross-process ABI: standard layout, sizes asserted below).
#pragma once

#include <atomic>
#include <cstdint>
#include <type_traits>

namespace wcx {

struct NearArea {
  static constexpr unsigned kStripes = 4096;  // power of two: a key's stripe is hash & (kStripes-1)

  // E: bumped (before anything else) by every doubt: a lost connection, a missed canary, a
  // FLUSHDB/FLUSHALL anywhere (the null invalidation), a new listener. An entry stamped with an
  // older epoch is never served (N3, N8). seq_cst, like the stripes.
  std::atomic<std::uint64_t> epoch;
  // 1 while the listener is subscribed, registered and has seen a canary come back since its
  // last doubt (N3); cleared before the epoch moves.
  std::atomic<std::uint64_t> trusted;
  // mono_ms() at which the listener SENT the last canary whose invalidation came back: every
  // write acknowledged before it has been applied to the stripes. Workers trust the area only
  // while mono_ms() - heartbeat <= D (N4).
  std::atomic<std::uint64_t> heartbeat_ms;
  // The listener's proc_id (Prim::self()), or of the worker that is starting one; 0: none yet.
  std::atomic<std::uint64_t> listener;
  std::atomic<std::uint64_t> spawn_ms;     // mono_ms() of the last start attempt (rate limit)
  // The circuit breaker: while now_ms() < open_until_ms, nobody on this host asks Redis; one
  // worker at a time probes after it (it moves open_until_ms past its own attempt first).
  std::atomic<std::uint64_t> breaker_open_until_ms;
  std::atomic<std::uint64_t> breaker_trips;   // times it opened
  std::atomic<std::uint64_t> breaker_skips;   // calls answered without asking Redis
  // Figures for wincache_extra_info()['redis']['near'] (relaxed).
  std::atomic<std::uint64_t> hits, misses, bypasses, guard_rejections, fills, invalidations,
      flushes, canaries, doubts, listener_starts;
  std::atomic<std::uint64_t> reserved[14];
  // Striped invalidation counters: bumped by the listener for every invalidated key (N2).
  std::atomic<std::uint64_t> stripes[kStripes];
};
static_assert(std::is_standard_layout<NearArea>::value, "shared: standard layout");
static_assert(std::atomic<std::uint64_t>::is_always_lock_free, "shared cells: lock-free");
static_assert(sizeof(NearArea) == (32 + NearArea::kStripes) * 8, "shared layout");

// FNV-1a of a key: its stripe, the same in every process of the host.
inline unsigned near_stripe(const char* p, std::size_t n) {
  std::uint64_t h = 1469598103934665603ull;
  for (std::size_t i = 0; i < n; ++i) {
    h ^= static_cast<unsigned char>(p[i]);
    h *= 1099511628211ull;
  }
  return unsigned(h ^ (h >> 32)) & (NearArea::kStripes - 1);
}

}  // namespace wcx
