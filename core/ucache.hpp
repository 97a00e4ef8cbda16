// core/ucache.hpp: the user cache (wincache_ucache_*): an instance of the keyed store
// (core/store.hpp) with WinCache's user-cache policy.
//
//   - a ttl counts from the store (WinCache: an entry is visible while floor(elapsed s) <= ttl);
//   - when memory is full, expired entries go first, then the entries least often asked for
//     lately per byte, by a frequency sketch, sparing a window of the most recently used
//     (W-TinyLFU's idea as a victim choice: every store that returns ok is stored; WinCache
//     refused every store of a full cache; APCu wipes it whole);
//   - a get copies the value out under the read lock: values are not pinned past it (the zero-copy
//     values of a later issue will switch this on for the fixed-address segment kind).
#pragma once

#include "store.hpp"

namespace wc {

struct UserCachePolicy {
  static constexpr std::uint64_t magic = 0x5743554341434834ull;  // "WCUCACH4" (4: the frequency sketch)
  static constexpr Expiry expiry = Expiry::since_store;
  static constexpr bool pin_reads = false;
  static constexpr bool evictable(std::uint16_t /*flags*/) { return true; }
  // A full cache evicts the entries asked for least often lately per byte (a frequency sketch of
  // the gets remembers keys that are gone too), sparing the most recently used window (80% at
  // first, so that a new cache behaves nearly as LRU until the hit rate has spoken; it adapts by
  // hill climbing: to about 1% on Zipf-like traffic, 15-35% on a moving hot set), STORE-4.
  static constexpr Eviction eviction = Eviction::frequency;
  static constexpr unsigned window_percent = 80;
};

template <class Prim, class Bugs = NoCacheBugs, class LockTuning = RwLockTuning>
using UserCache = KeyedStore<Prim, UserCachePolicy, Bugs, LockTuning>;

}  // namespace wc
