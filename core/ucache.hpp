// core/ucache.hpp: the user cache (wincache_ucache_*): an instance of the keyed store
// (core/store.hpp) with WinCache's user-cache policy.
//
//   - a ttl counts from the store (WinCache: an entry is visible while floor(elapsed s) <= ttl);
//   - when memory is full, expired entries go first, then the entries least often asked for
//     lately per byte, by a frequency sketch, sparing a window of the most recently used
//     (W-TinyLFU's idea as a victim choice: every store that returns ok is stored; WinCache
//     refused every store of a full cache; APCu wipes it whole);
//   - a get copies the value out under the read lock (UserCachePolicy: values are not pinned
//     past it); PinnedUserCachePolicy (the PHP extension's instance) also lets a reader pin
//     (core/store.hpp pin_reads), so that values handed out without copying (arrays and strings
//     that the extension stores as immutable engine images in the fixed-address segment,
//     extension/zerocopy.hpp) stay valid until the reader's request ends.
#pragma once

#include "store.hpp"

namespace wc {

struct UserCachePolicy {
  static constexpr std::uint64_t magic = 0x5743554341434834ull;  // "WCUCACH4" (4: the frequency sketch)
  static constexpr Expiry expiry = Expiry::since_store;
  static constexpr bool pin_reads = false;
  static constexpr bool evictable(std::uint16_t /*flags*/) { return true; }
  // A full cache evicts the entries asked for least often lately per byte (a frequency sketch of
  // the gets remembers keys that are gone too), sparing the most recently used window (1% at
  // first; it moves on misses of keys evicted lately, the ghosts: about 1% on Zipf-like traffic,
  // 15-45% on a moving hot set), STORE-4.
  static constexpr Eviction eviction = Eviction::frequency;
  static constexpr unsigned window_percent = 1;
};

template <class Prim, class Bugs = NoCacheBugs, class LockTuning = RwLockTuning>
using UserCache = KeyedStore<Prim, UserCachePolicy, Bugs, LockTuning>;

// The user cache with pinned reads. `AbiTag` is folded into the magic: the caller's value
// format's ABI (the extension: PHP_VERSION_ID, ZEND_MODULE_BUILD_ID and the engine's struct
// sizes), so that a store written by another build is never attached (its values would be read
// as this build's engine structures); such a segment is replaced like one of another layout.
template <std::uint64_t AbiTag>
struct PinnedUserCachePolicy : UserCachePolicy {
  static constexpr std::uint64_t magic = 0x5743554341434835ull ^ AbiTag;  // "WCUCACH5" ^ tag
  static constexpr bool pin_reads = true;
  // Only entries a pinned reader got are retired (the extension stamps them, zerocopy.cpp).
  static constexpr bool aux_pins = true;
  // Every request that got a value pins: a write asks about the pinned readers' liveness only
  // once 1,024 retired entries wait (or a store finds no room), not at every write.
  static constexpr std::uint64_t reap_after = 1024;
};
template <class Prim, std::uint64_t AbiTag, class Bugs = NoCacheBugs,
          class LockTuning = RwLockTuning>
using PinnedUserCache = KeyedStore<Prim, PinnedUserCachePolicy<AbiTag>, Bugs, LockTuning>;

}  // namespace wc
