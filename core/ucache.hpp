// core/ucache.hpp: the user cache (wincache_ucache_*): an instance of the keyed store
// (core/store.hpp) with WinCache's user-cache policy.
//
//   - a ttl counts from the store (WinCache: an entry is visible while floor(elapsed s) <= ttl);
//   - when memory is full, expired entries go first, then any entry in least-recently-used order
//     (WinCache refused every store of a full cache; APCu wipes it whole);
//   - a get copies the value out under the read lock: values are not pinned past it (the zero-copy
//     values of a later issue will switch this on for the fixed-address segment kind).
#pragma once

#include "store.hpp"

namespace wc {

struct UserCachePolicy {
  static constexpr std::uint64_t magic = 0x5743554341434833ull;  // "WCUCACH3" (3: the entry's aux word)
  static constexpr Expiry expiry = Expiry::since_store;
  static constexpr bool pin_reads = false;
  static constexpr bool evictable(std::uint16_t /*flags*/) { return true; }
};

template <class Prim, class Bugs = NoCacheBugs, class LockTuning = RwLockTuning>
using UserCache = KeyedStore<Prim, UserCachePolicy, Bugs, LockTuning>;

}  // namespace wc
