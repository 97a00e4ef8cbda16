// core/store.hpp: the keyed store every cache is an instance of: a hash table over offsets in one
// shared segment, with TTL, per-entry statistics, crash consistency and eviction. The user cache,
// the session store, the file cache and the resolve-path cache differ only in a POLICY (below),
// never in a second hash index.
//
// Layout of the region the store owns (all references are offsets from the region's start, so
// every process may map it anywhere):
//
//   [Header: magic, geometry, counters, the RwLock, reader epochs] [frequency sketch and the
//   eviction ghosts, if the policy evicts by frequency] [Allocator + journal] [arena]
//
// The arena holds one block for the bucket array (nbuckets offsets, 0 = empty chain) and one
// block per entry: an Entry record, the key bytes, then the value bytes. The value is opaque to
// the core except for ValueType::long_int, whose 8 bytes are an int64 that inc/dec/cas update in
// place.
//
// The policy (STORE-1..3 in docs/invariants/ucache.md; a policy is a struct of constants):
//   magic                 the layout's magic: a store of one policy never attaches another's
//   expiry                since_store: a ttl counts from the store (WinCache's user cache);
//                         since_use: it counts from the last use (idle time: sessions, files)
//   evictable(flags)      which entries a full store may evict (flags are the caller's, given to
//                         store()); false for all: a store that does not fit fails (full), and
//                         nothing the policy protects is ever dropped to make room
//   eviction              (optional; default lru) Eviction::frequency: victims by a shared
//                         frequency sketch per byte, outside a recency window that misses
//                         of recent victims (ghosts) move (STORE-4, below at make_room and
//                         note_miss; core/freq_sketch.hpp)
//   pin_reads             a reader may keep using the bytes a get handed out after the read lock
//                         is released, between pin(slot) and unpin(slot) (a file streamed from
//                         the cache, a value handed out without copying). Removal then RETIRES
//                         an entry instead of freeing it: it is unlinked from the index, chained
//                         on a journaled retired list (through its own next word, so the list
//                         needs no memory and no bound), and freed by a later writer once no
//                         live reader can still hold it (per-slot epochs, core/reclaim.hpp,
//                         RECL-1/2).
//
// Concurrency: readers (get, exists, info) hold the lock shared; everything that changes the
// index holds it exclusively. Per-entry hit counts and last-use stamps, and the global hit and
// miss counters, are atomics that readers bump under the shared hold (statistics only: never
// journaled, never used for anything but eviction order, idle expiry and info()).
//
// Crash consistency (UC-3, docs/invariants/ucache.md): every write to an index word that was
// live before the transaction (a bucket head, a chain link, the item count, an int value, a
// retired entry's words) goes through Allocator::logged_put inside a transaction that also covers
// the allocator's own writes; a new entry is filled while it is still unreachable and published
// by one journaled link. The next holder after a writer died (Acquire::owner_died / broken) runs
// recover(), then validates the whole index (every chain in bounds, every entry a used block of
// the right size, in the right bucket, no cycle, item count and used-block census agreeing,
// retired entries accounted) and resets the region only if that fails (counted in resets).
// Eviction and clear commit entry by entry, so a death there loses nothing but the entries
// already removed on purpose.
//
// Memory full (UC-5): a store first sweeps expired entries, then evicts in the policy's order
// (least recently used, or least often asked for per byte outside a recency window: STORE-4)
// the entries the policy lets it evict, until the new entry fits. It fails only when the
// entry cannot fit even an empty arena, or when what is left is protected. No whole-cache wipe
// (APCu), no permanently full cache (WinCache).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <exception>
#include <new>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>
#ifdef WINCACHE_CHECK_WRITES
#include <cstdio>
#include <cstdlib>
#include <string>
#endif

#include "allocator.hpp"
#include "freq_sketch.hpp"
#include "prim.hpp"
#include "reclaim.hpp"
#include "rwlock.hpp"

namespace wc {

// Seeded bugs of the cache index (negative twins of the property test). NoCacheBugs ships.
struct NoCacheBugs {
  static constexpr bool ignore_ttl = false;         // expired entries stay visible
  static constexpr bool evict_newest = false;       // eviction takes the MOST recently used first
  static constexpr bool evict_frequent = false;     // Eviction::frequency: outside the window,
                                                    // the MOST often asked for per byte first
  static constexpr bool wipe_when_full = false;     // APCu: a full cache is wiped whole
  static constexpr bool unjournaled_links = false;  // index links written around the journal
  static constexpr bool free_pinned = false;        // pin_reads: removal frees at once
  static constexpr bool free_before_unpin = false;  // pin_reads: collect frees retired entries
                                                    // whatever readers announced (ZC-1)
  static constexpr bool pin_unlocked = false;       // pin_reads: pin() announces outside the
                                                    // shared lock (a reaper's stale judgement
                                                    // of the slot's previous owner: ZC-2)
  static constexpr bool reset_frees_pinned = false; // pin_reads: a reset reinitialises the arena
                                                    // under pinned readers (ZC-3)
  static constexpr bool evict_protected = false;    // eviction ignores Policy::evictable
  static constexpr bool idle_from_store = false;    // since_use expiry counted from the store
  static constexpr bool publish_early = false;      // an entry is linked (around the journal)
                                                    // before its value is written
  static constexpr bool floor_not_lowered = false;  // a store with a ttl leaves the expiry floor
                                                    // as it was: make_room skips expired entries
};

// When an entry's ttl starts to count.
enum class Expiry : std::uint8_t { since_store, since_use };

// Which evictable entries a full store drops first (UC-5(c), STORE-4).
//   lru        the least recently used (by the use clock; ties: the less hit)
//   frequency  the least often asked for lately, by the store's frequency sketch
//              (core/freq_sketch.hpp), except the most recently used `window_percent` percent
//              of the entries, which go last (a key just stored gets its chance to be asked for
//              again before it is judged); ties: the least recently used.
// A policy without an `eviction` member evicts lru (sessions, the file caches).
enum class Eviction : std::uint8_t { lru, frequency };

// A policy whose `aux_pins` is true keeps in an entry's aux word who may hold it: bit 0 set by
// the caller marks an entry a reader may keep past its read lock, bits 1.. the newest pin epoch of
// a reader that did (the caller's stamp, under the read lock: stamp_pin()). Removal frees such an
// entry at once when no live reader announced an epoch up to its stamp, and every other entry at
// once too (it was copied under the read lock): only what a pinned reader got is retired.
template <class P, class = void>
struct AuxPinsOf {
  static constexpr bool value = false;
};
template <class P>
struct AuxPinsOf<P, std::void_t<decltype(P::aux_pins)>> {
  static constexpr bool value = P::aux_pins;
};

// Policy::reap_after (optional, default 0): a writer's collect asks Prim::alive about pinned
// readers (RECL-2: each question reads /proc on Linux) only once this many retired entries wait
// (or a store finds no room). 0: every collect asks, so a dead reader's pin is reaped by the next
// write. A policy that pins on every request (zero-copy values) trades that for a bounded delay.
template <class P, class = void>
struct ReapAfterOf {
  static constexpr std::uint64_t value = 0;
};
template <class P>
struct ReapAfterOf<P, std::void_t<decltype(P::reap_after)>> {
  static constexpr std::uint64_t value = P::reap_after;
};

template <class P, class = void>
struct EvictionOf {
  static constexpr Eviction value = Eviction::lru;
  static constexpr unsigned window_percent = 0;
};
template <class P>
struct EvictionOf<P, std::void_t<decltype(P::eviction)>> {
  static constexpr Eviction value = P::eviction;
  static constexpr unsigned window_percent = P::window_percent;
};

// What info() reports as value_type; the encoding of everything but long_int is the caller's.
enum class ValueType : std::uint32_t {
  null_v = 0, bool_v = 1, long_int = 2, double_v = 3, string_v = 4, array_v = 5, object_v = 6,
};

enum class CacheStatus : std::uint8_t {
  ok,
  miss,        // no such key (or it expired)
  exists,      // add() of a key that is present
  too_large,   // the entry cannot fit even an empty cache
  not_int,     // inc/dec/cas on a value that is not ValueType::long_int
  mismatch,    // cas: the current value is not `old`
  busy,        // the lock reported misuse (recursion): a programming error of the caller
  no_memory,   // this process had no memory to make room (the cache is unchanged)
  full,        // it would fit an empty store, but what fills it the policy keeps (STORE-2)
};

struct CacheStats {
  std::uint64_t items, hits, misses, evictions, expirations, resets, recoveries;
  std::uint64_t created_ms;
};

// One entry as info() shows it.
struct EntryInfo {
  const char* key;
  std::uint32_t key_len;
  ValueType type;
  std::uint64_t value_len;
  std::uint64_t ttl_s;
  std::uint64_t age_s;
  std::uint64_t hits;
  std::uint64_t idle_s;   // since the last store or get (to the second)
  std::uint32_t flags;    // as given to store()
  const char* value;      // the stored bytes (valid under the read lock, or while pinned)
  std::uint64_t aux;      // the entry's aux word when visited
};

template <class Prim, class Policy, class Bugs = NoCacheBugs, class LockTuning = RwLockTuning>
class KeyedStore {
  template <class T>
  using A = typename Prim::template atomic<T>;

 public:
  using Lock = RwLock<Prim, LockTuning>;
  using Alloc = Allocator<Prim>;
  // The store's own layout version, mixed into the top byte of every policy's magic: a store of
  // an older layout (another build still running) is never attached, whatever its policy.
  // 1: up to the request-long pins (the header's fork holds, pin times, frozen epoch).
  // 3: the expiry floor. 4: the eviction ghosts (Eviction::frequency's window signal).
  // 5: the ghosts' run counter and the window's permille word gone (the step is relative to the
  // window; the permille is derived from the parts per million).
  static constexpr std::uint64_t kLayout = 5;
  static constexpr std::uint64_t kMagic = Policy::magic ^ (kLayout << 56);
  static constexpr bool kPins = Policy::pin_reads;
  // pin_reads: one announcement per reader slot, and as many fork holds (ZC-4).
  static constexpr unsigned kForkHolds = kPins ? Lock::kSlots : 0;
  using Readers = EpochReaders<Prim, kPins ? Lock::kSlots : 1, NoReclaimBugs, kForkHolds>;
  static constexpr std::uint32_t kMaxKey = 4096;
  static constexpr bool kFreq = EvictionOf<Policy>::value == Eviction::frequency;
  static constexpr unsigned kWindowPercent = EvictionOf<Policy>::window_percent;
  static_assert(kWindowPercent <= 100, "window_percent: 0 .. 100");
  // Eviction::frequency tuning (docs/benchmarks.md "pressure": bench/pressure_sim.cpp chose them)
  static constexpr std::uint64_t kWindowMin = 10, kWindowMax = 800;  // permille
  static constexpr std::uint64_t kAgeFactor = 100;  // age the sketch every 100 accesses per entry
  // The window moves on misses of ghosts (keys evicted lately, see note_miss): one 16-bit ghost
  // slot per kGhostShare sketch words (sketch bytes / 64); a victim is "young" if it was among
  // the kGhostBand permille of the candidates right outside the window. A ghost miss moves the
  // window by 1/kGhostRel of itself, at least kGhostStep / items parts per million (half an
  // entry's share), times the ratio of the two classes' victims (so that what counts is each
  // class's misses PER VICTIM), capped at kGhostWeightMax; a young ghost's step is
  // (16 - kGhostBias) / 16 of that (ties shrink: the frequency order is the better default).
  // The relative step lets a cold cache's window grow from 1% to where a moving hot set needs it
  // within a few thousand stores after the fill (an entry's share alone took tens of thousands,
  // with the hit rate 5-10 points below LRU's meanwhile); docs/benchmarks.md "pressure", fifth
  // round.
  static constexpr std::uint64_t kGhostShare = 16, kGhostBand = 100, kGhostStep = 500000;
  static constexpr std::uint64_t kGhostWeightMax = 64, kGhostBias = 3, kGhostRel = 200;
  static constexpr std::uint64_t kInWindow = ~std::uint64_t{0};  // the window's rank
  // A frequency batch frees 1/kFreqReserve of the arena beyond the entry (LRU: 1/16), and ranks
  // an entry as if it also held 1/kHoleShare of the free bytes next to its block (evicting it
  // joins them into one block: scattered victims otherwise leave holes no entry fits).
  static constexpr std::uint64_t kFreqReserve = 32, kHoleShare = 2;
  using Sketch = FreqSketch<Prim>;

  struct Header {
    std::uint64_t magic;
    std::uint64_t size;         // bytes of the region
    std::uint64_t alloc_off;    // the allocator header
    std::uint64_t buckets;      // payload offset of the bucket array
    std::uint64_t nbuckets;     // a power of two
    std::uint64_t created_ms;   // this incarnation's birth (uptime); reset() renews it
    std::uint64_t items;        // journaled
    std::uint64_t retired;      // pin_reads: head of the retired list (journaled), 0 = empty
    // pin_reads, ZC-3: a reset under pinned readers froze the store instead of reinitialising
    // the arena: `frozen` is the epoch it froze at (0: not frozen); the index is then the one
    // empty bucket `frozen_bucket` (nbuckets 1), nothing is allocated, and the old arena stays
    // untouched until no live reader announces an epoch <= frozen (write_lock thaws it then,
    // with the reset it deferred). Written under the exclusive lock only.
    std::uint64_t frozen;
    std::uint64_t frozen_bucket;        // always 0
    std::uint64_t frozen_bucket_count;  // the bucket count to restore at the thaw
    std::uint64_t sketch_words; // Eviction::frequency: the sketch's words, right after this
                                // header (0: no sketch); fixed at create
    std::uint64_t ghost_words;  // Eviction::frequency: the ghosts' words (four 16-bit slots
                                // each), right after the sketch (0: none); fixed at create
    // Eviction::frequency: hints about the sketch, the recency window and the ghosts, read and
    // written by writers only (under the write lock), relaxed; a torn or stale value only makes
    // eviction choose less well (STORE-4). Never reset (like the hit counters).
    struct FreqState {
      A<std::uint64_t> aged_at;     // accesses() at the sketch's last aging
      A<std::uint64_t> agings;      // agings so far (statistics)
      A<std::uint64_t> fine;        // the recency window, parts per million of the candidates
      A<std::uint64_t> band;        // the last batch's band: a victim used at or after it is young
      A<std::uint64_t> young, old;  // victims remembered per class (both halved now and then)
      A<std::uint64_t> young_hits, old_hits;  // ghosts missed per class (statistics)
    } freq;
    A<std::uint64_t> evictions, expirations, resets, recoveries;
    A<std::uint64_t> retired_count, reclaimed;  // pin_reads: entries retired / freed since
    // pin_reads: no retired entry was retired at an epoch below this (a lower bound, 0 = none
    // known; writers only, under the write lock; never journaled: a rollback only ever restores
    // what a committed walk had not raised it past). A write whose safe epoch is not above it
    // skips the walk of the retired list: without it, every write of a long pinned request
    // walked the whole list (quadratic in its writes).
    A<std::uint64_t> retired_floor;
    // No entry expires before this wall-clock ms (a lower bound; ~0: no entry has a ttl).
    // Writers only, under the write lock, relaxed, never journaled: a store lowers it BEFORE its
    // entry is reachable, and make_room's sweep of expired entries, the only place that raises
    // it, sets it from the entries that stay. A death anywhere leaves it at or below the true
    // floor, which only costs one sweep more. make_room skips the sweep (a walk of the whole
    // index) while the clock is below it: a cache whose entries have no ttl never sweeps.
    A<std::uint64_t> expiry_floor;
    Lock lock;
    // Hits and misses are counted per reader slot, one cache line each: a get by one worker
    // never writes a line another worker's get writes. stats() sums them.
    struct alignas(64) SlotCounters {
      A<std::uint64_t> hits, misses;
    };
    SlotCounters per_slot[Lock::kSlots];
    // The use clock that orders entries for LRU eviction: a logical clock, advanced by every
    // store, inc and cas (under the write lock); a get stamps its entry with the current value.
    // Entries used between the same two writes tie, and ties go by hit count. Its own line:
    // every get reads it, only writers write it.
    struct alignas(64) UseClock {
      A<std::uint64_t> now;
    } use_clock;
    // pin_reads: what each reader slot announced (RECL-1/2). One dummy slot otherwise.
    Readers readers;
  };

  struct Entry {
    std::uint64_t next;       // journaled once the entry is reachable; retired: the next retired
    std::uint64_t hash;
    std::uint32_t key_len;
    std::uint16_t type;       // ValueType
    std::uint16_t flags;      // the caller's (Policy::evictable reads them)
    std::uint64_t value_len;
    std::uint64_t created_ms; // retired: the epoch it was retired at (journaled)
    std::uint64_t ttl_s;      // 0 = no expiry
    A<std::uint64_t> last_use;  // the use clock's value at the last store, get, inc or cas
    A<std::uint64_t> hits;
    A<std::uint64_t> used_ms;   // wall ms of the last store or get, to the second (idle expiry)
    A<std::uint64_t> aux;       // the policy's word (see get_entry), set by store()
  };
  static constexpr std::uint64_t kEntryBytes = sizeof(Entry);

  // ---- creation ----------------------------------------------------------------------------
  // Lay a fresh cache over [base, base + size). The memory is private to the caller (the
  // segment's OnCreate) or held exclusively (reset). nullptr if `size` is too small.
  // `zeroed`: the memory is known to be all zero (a new segment, a fresh anonymous mapping), so
  // the bucket array need not be cleared: its pages stay uncommitted until used.
  static KeyedStore* create(void* base, std::uint64_t size, std::uint64_t now_ms,
                            bool zeroed = false) {
    auto* c = new (base) KeyedStore();
    if (!c->init(size, now_ms, zeroed)) return nullptr;
    return c;
  }
  // Another process's cache. nullptr if the magic or geometry do not match.
  static KeyedStore* attach(void* base, std::uint64_t size) {
    auto* c = reinterpret_cast<KeyedStore*>(base);
    if (c->h().magic != kMagic || c->h().size != size) return nullptr;
    // Another header layout (an older build of the same policy): its offsets are not ours. The
    // sketch's and the ghosts' sizes are exactly what init() gives this size: their indexes are
    // masks of those sizes (powers of two), and a header saying otherwise would send them outside
    // their words.
    const std::uint64_t words = kFreq ? Sketch::words_for(size) : 0;
    if (c->h().sketch_words != words || c->h().ghost_words != words / kGhostShare / 4 ||
        c->h().alloc_off != sketch_off() + (c->h().sketch_words + c->h().ghost_words) * 8)
      return nullptr;
    if (!Alloc::attach(base, c->h().alloc_off, size)) return nullptr;
    return c;
  }

  // ---- reads (lock shared) -----------------------------------------------------------------
  // On a hit calls fn(ValueType, const char* bytes, std::uint64_t len) while the read lock is
  // held (the caller copies the value out) and returns ok; otherwise miss.
  template <class Fn>
  CacheStatus get(unsigned slot, const char* key, std::uint32_t klen, std::uint64_t now_ms,
                  Fn&& fn) {
    return get_entry(slot, key, klen, now_ms,
                     [&](const View& v) { fn(v.type, v.bytes, v.len); });
  }

  // One entry as get_entry() hands it out, under the read lock: the stored bytes and the
  // entry's aux word, a 64-bit word of the POLICY's (the core never interprets it) that the
  // caller may load and compare-and-swap right there, like the hit count: the file cache keeps
  // "validated in epoch E" in it, the watch table "watched since epoch E" (core/fcache.hpp).
  // store() gives its first value; a later store of the key starts a new entry with its own.
  struct View {
    ValueType type;
    const char* bytes;
    std::uint64_t len;
    A<std::uint64_t>& aux;
  };
  // get() with the aux word: fn(View&) on a hit (statistics as get()).
  template <class Fn>
  CacheStatus get_entry(unsigned slot, const char* key, std::uint32_t klen, std::uint64_t now_ms,
                        Fn&& fn) {
    const Held held = read_lock(slot);
    if (held == Held::none) return CacheStatus::busy;
    const std::uint64_t hash = hash_of(key, klen);
    const std::uint64_t e = find(key, klen, hash, nullptr);
    if constexpr (kFreq) sketch().add(hash);  // hit or miss: the key was asked for
    CacheStatus st = CacheStatus::miss;
    if (e && !expired(e, now_ms)) {
      Entry& en = entry(e);
      note_use(slot, en, now_ms);
      View v{ValueType(en.type), value_ptr(e), en.value_len, en.aux};
      under_read(slot, held, [&] { fn(v); });
      st = CacheStatus::ok;
    } else {
      count_miss(slot);
    }
    unlock(slot, held);
    return st;
  }

  // The aux word of a live entry, and a compare-and-swap of it, under the read lock, without
  // statistics (no hit, no miss, no use stamp): the file cache's control word and its
  // "checked at" moves (core/fcache.hpp). False if the key is absent or expired (aux), or if the
  // word was not `expect` (cas_aux).
  bool aux(unsigned slot, const char* key, std::uint32_t klen, std::uint64_t now_ms,
           std::uint64_t* out) {
    const Held held = read_lock(slot);
    if (held == Held::none) return false;
    const std::uint64_t e = find(key, klen, hash_of(key, klen), nullptr);
    const bool yes = e && !expired(e, now_ms);
    if (yes) *out = entry(e).aux.load(std::memory_order_acquire);
    unlock(slot, held);
    return yes;
  }
  bool cas_aux(unsigned slot, const char* key, std::uint32_t klen, std::uint64_t now_ms,
               std::uint64_t expect, std::uint64_t want) {
    return cas_aux(slot, key, klen, now_ms, expect, want,
                   [](const char*, std::uint64_t) { return true; });
  }
  // The same, only if the live entry is the one the caller looked at: same(bytes, len) tells (the
  // file cache compares its load stamp). An aux word alone does not identify an entry: one
  // removed and stored again in the same millisecond and epoch has the same word, and a CAS
  // meant for the first would land on the second (ABA; models/model_fcache.cpp found it).
  template <class Same>
  bool cas_aux(unsigned slot, const char* key, std::uint32_t klen, std::uint64_t now_ms,
               std::uint64_t expect, std::uint64_t want, Same&& same) {
    const Held held = read_lock(slot);
    if (held == Held::none) return false;
    const std::uint64_t e = find(key, klen, hash_of(key, klen), nullptr);
    const bool yes =
        e && !expired(e, now_ms) &&
        under_read(slot, held, [&] { return bool(same(value_ptr(e), entry(e).value_len)); }) &&
        entry(e).aux.compare_exchange_strong(expect, want, std::memory_order_acq_rel);
    unlock(slot, held);
    return yes;
  }

  // A process that leaves the group gives its reader slot back, so that writers stop looking
  // at it (core/rwlock.hpp: writers scan only claimed slots).
  void release_reader(unsigned slot) { h().lock.release_slot(slot); }
  // Shared holds of `slot` on the store's lock now (tests: 0 once every call has returned).
  unsigned readers_in(unsigned slot) const { return h().lock.readers_in(slot); }

  // ---- pinned reads (Policy::pin_reads) -----------------------------------------------------
  // Between pin(slot) and unpin(slot), the bytes any get of this process handed out stay
  // unchanged and allocated, whatever other processes store, remove, evict or clear: a removed
  // entry is retired, and freed only once no live process that pinned before its removal is
  // still pinned (RECL-1); a process that dies pinned pins nothing (RECL-2). A process pins
  // around all its uses (the caller counts nested uses); the core keeps one announcement per slot.
  // Not for long_int values: inc/dec/cas update those in place.
  // now_ms: when the pin started (statistics: pin_stats()' oldest pin). The announcement is made
  // under the shared lock, so that no writer's reap of a dead process's announcement on the same
  // slot (safe_below() judges an owner word and an epoch word read apart) can clear it (ZC-2).
  bool pin(unsigned slot, std::uint64_t now_ms = 0) {
    static_assert(kPins, "pin() needs a policy with pin_reads");
    if constexpr (Bugs::pin_unlocked) return h().readers.enter(slot, now_ms);
    const Held held = read_lock(slot);  // ZC-2: no reaper meanwhile
    if (held == Held::none) return false;
    const bool ok = h().readers.enter(slot, now_ms);
    unlock(slot, held);
    return ok;
  }
  void unpin(unsigned slot) { h().readers.exit(slot); }
  // Policy::aux_pins: under the read lock (in get_entry's fn), record that `slot`, pinned, keeps
  // the entry whose aux word is `aux` (raised to this slot's announced epoch, never lowered).
  static void stamp_pin(A<std::uint64_t>& aux, std::uint64_t announced) {
    const std::uint64_t want = (announced << 1) | 1;
    std::uint64_t cur = aux.load(std::memory_order_acquire);
    while ((cur >> 1) < announced &&
           !aux.compare_exchange_strong(cur, want, std::memory_order_acq_rel)) {
    }
  }
  std::uint64_t announced(unsigned slot) const { return h().readers.announced(slot); }
  // Entries retired and not yet freed (statistics, tests). Without the lock: a hint only.
  std::uint64_t retired_pending() const {
    std::uint64_t n = 0;
    for (std::uint64_t e = h().retired; e; e = entry(e).next) ++n;
    return n;
  }

  // fn(epoch it was retired at, block bytes) for every retired entry (the checks of RECL-3:
  // under the lock, or with the store quiescent).
  template <class Fn>
  void for_each_retired(Fn&& fn) const {
    for (std::uint64_t e = h().retired; e; e = entry(e).next)
      fn(entry(e).created_ms, alloc().usable_size(e));
  }

  // ---- fork (pin_reads; ZC-4, docs/invariants/zerocopy.md "Fork") ---------------------------
  // What a fork child needs to keep the references it inherits valid: hold `n` (>= 1) keeps
  // `epoch` for process `parent`. n == 0 with epoch == 0: nothing to keep (the parent was not
  // pinned); n == 0 with epoch != 0: no hold was free (the child is not protected).
  struct ForkHold {
    unsigned n = 0;
    std::uint64_t epoch = 0;
    typename Prim::proc_id parent = 0;
  };
  // The parent, before fork() (the atfork prepare hook), through its own reader slot: claims a
  // hold announcing the older of its slot's announcement and `inherited` (a hold it adopted as a
  // fork child itself). Both stay announced meanwhile, so nothing the child can reach is freed.
  ForkHold hold_for_fork(unsigned slot, std::uint64_t now_ms, ForkHold inherited = {}) {
    static_assert(kPins, "hold_for_fork() needs a policy with pin_reads");
    ForkHold fh;
    std::uint64_t e = h().readers.announced(slot);
    if (inherited.n != 0 && inherited.epoch != 0 && (e == 0 || inherited.epoch < e))
      e = inherited.epoch;
    if (e == 0) return fh;
    fh.epoch = e;
    fh.parent = Prim::self();
    const Held held = read_lock(slot);  // no reaper meanwhile (see EpochReaders::hold)
    if (held == Held::none) return fh;
    fh.n = h().readers.hold(e, now_ms);
    unlock(slot, held);
    return fh;
  }
  // The child, first thing after fork() (the atfork child hook): takes the hold over. False if
  // it could not (no hold, or the parent died before the child took it over and a writer reaped
  // it): the values it inherited may have been freed, and it must not touch them.
  bool adopt_fork_hold(const ForkHold& fh) {
    static_assert(kPins, "adopt_fork_hold() needs a policy with pin_reads");
    return h().readers.adopt(fh.n, fh.epoch, fh.parent);
  }
  // The holder gives it back: the child when its request ends (post-deactivate), or the parent
  // if fork() failed. A holder that dies gives it back by dying (RECL-2).
  void release_fork_hold(const ForkHold& fh) { h().readers.release(fh.n); }

  // The reclamation figures (our extra statistics): what retired entries hold, and the oldest
  // live pin (a slot's or a fork hold's), so that the caller can report a pin older than its
  // limit. The core only records; policy (the limit, the log) is the caller's.
  struct PinStats {
    std::uint64_t retired = 0;          // entries retired and not yet freed
    std::uint64_t retired_bytes = 0;    // their blocks' bytes: memory the pins keep
    std::uint64_t pinned = 0;           // live announcements (reader slots + fork holds)
    std::uint64_t holds = 0;            // of which fork holds
    std::uint64_t oldest_since_ms = 0;  // the oldest live pin's start (0: nobody pinned)
    std::uint64_t oldest_epoch = 0;     // and its epoch
    typename Prim::proc_id oldest_owner = 0;  // and its process
    std::uint64_t frozen = 0;           // ZC-3: the epoch a reset froze the store at (0: none)
    std::uint64_t retired_total = 0, reclaimed_total = 0;  // since the store was created
  };
  // Under the read lock; asks Prim::alive about every pinned slot's owner (not for a hot path).
  PinStats pin_stats(unsigned slot) {
    PinStats ps;
    if constexpr (kPins) {
      const Held held = read_lock(slot);
      if (held == Held::none) return ps;
      for (std::uint64_t e = h().retired; e; e = entry(e).next) {
        ++ps.retired;
        ps.retired_bytes += alloc().usable_size(e);
      }
      h().readers.for_each_pin([&](unsigned i, typename Prim::proc_id owner, std::uint64_t epoch,
                                   std::uint64_t since) {
        if (owner == 0 || !Prim::alive(owner)) return;
        ++ps.pinned;
        if (i >= Lock::kSlots) ++ps.holds;
        if (ps.pinned == 1 || since < ps.oldest_since_ms) {
          ps.oldest_epoch = epoch;
          ps.oldest_since_ms = since;
          ps.oldest_owner = owner;
        }
      });
      ps.frozen = h().frozen;
      ps.retired_total = h().retired_count.load(std::memory_order_relaxed);
      ps.reclaimed_total = h().reclaimed.load(std::memory_order_relaxed);
      unlock(slot, held);
    }
    (void)slot;
    return ps;
  }

  // Entries retired and not yet freed, and their bytes, under the read lock (statistics: the
  // extension's wincache_extra_info(); a helper of the extension's, apart from RECL-1/2).
  struct Retired {
    std::uint64_t entries, bytes;
  };
  Retired retired_stats(unsigned slot) {
    Retired r{0, 0};
    const Held held = read_lock(slot);
    if (held == Held::none) return r;
    for (std::uint64_t e = h().retired; e; e = entry(e).next) {  // acyclic (STORE-3)
      ++r.entries;
      r.bytes += entry_bytes(entry(e).key_len, entry(e).value_len);
    }
    unlock(slot, held);
    return r;
  }

  // A get that could not even look (an invalid key) still counts as a miss.
  void count_miss(unsigned slot) {
    h().per_slot[slot < Lock::kSlots ? slot : 0].misses.fetch_add(1, std::memory_order_relaxed);
  }

  // Present in the index, expired or not (a session's gc and the tests ask: was it removed?).
  bool present(unsigned slot, const char* key, std::uint32_t klen) {
    const Held held = read_lock(slot);
    if (held == Held::none) return false;
    const bool yes = find(key, klen, hash_of(key, klen), nullptr) != 0;
    unlock(slot, held);
    return yes;
  }

  // Present and not expired; no statistics change (WinCache's exists did not count hits).
  bool exists(unsigned slot, const char* key, std::uint32_t klen, std::uint64_t now_ms) {
    const Held held = read_lock(slot);
    if (held == Held::none) return false;
    const std::uint64_t e = find(key, klen, hash_of(key, klen), nullptr);
    const bool yes = e && !expired(e, now_ms);
    unlock(slot, held);
    return yes;
  }

  // Calls fn(const EntryInfo&) for every live entry (all of them, or just `key` if non-null),
  // under the read lock. Returns the statistics at that moment.
  template <class Fn>
  CacheStats info(unsigned slot, std::uint64_t now_ms, const char* key, std::uint32_t klen,
                  Fn&& fn) {
    const Held held = read_lock(slot);
    CacheStats s{};
    if (held == Held::none) return s;
    s = stats_locked();
    auto visit = [&](std::uint64_t e) {
      if (expired(e, now_ms)) return;
      const Entry& en = entry(e);
      const std::uint64_t used = en.used_ms.load(std::memory_order_relaxed);
      EntryInfo inf{key_ptr(e), en.key_len, ValueType(en.type), en.value_len, en.ttl_s,
                    now_ms >= en.created_ms ? (now_ms - en.created_ms) / 1000 : 0,
                    en.hits.load(std::memory_order_relaxed),
                    now_ms >= used ? (now_ms - used) / 1000 : 0, en.flags, value_ptr(e),
                    en.aux.load(std::memory_order_acquire)};
      fn(inf);
    };
    under_read(slot, held, [&] {
      if (key) {
        if (const std::uint64_t e = find(key, klen, hash_of(key, klen), nullptr)) visit(e);
      } else {
        for_each_entry(visit);
      }
    });
    unlock(slot, held);
    return s;
  }

  AllocStats meminfo(unsigned slot) {
    const Held held = read_lock(slot);
    AllocStats s{};
    if (held == Held::none) return s;
    if (!frozen()) s = alloc().stats();  // ZC-3: a frozen arena's allocator is not trusted
    unlock(slot, held);
    return s;
  }

  // meminfo() and, under the same read lock, fn(block bytes) for every free block (the
  // statistics page's free-block histogram: one consistent picture).
  template <class Fn>
  AllocStats free_blocks(unsigned slot, Fn&& fn) {
    const Held held = read_lock(slot);
    AllocStats s{};
    if (held == Held::none) return s;
    if (!frozen()) {  // ZC-3
      s = alloc().stats();
      under_read(slot, held, [&] { alloc().for_each_free(fn); });
    }
    unlock(slot, held);
    return s;
  }

  // ---- writes (lock exclusive) -------------------------------------------------------------
  enum class Mode : std::uint8_t { set, add };

  // Store key -> (type, bytes). add: CacheStatus::exists if a live entry is present.
  // `flags` are the caller's (Policy::evictable reads them; info() reports them).
  CacheStatus store(unsigned slot, const char* key, std::uint32_t klen, ValueType type,
                    const char* val, std::uint64_t vlen, std::uint64_t ttl_s,
                    std::uint64_t now_ms, Mode mode, std::uint16_t flags = 0,
                    std::uint64_t aux = 0) {
    return store_impl(slot, key, klen, type, val, vlen, ttl_s, now_ms, mode, flags, aux,
                      [&](char* dst) { std::memcpy(dst, val, vlen); });
  }
  // store() whose value bytes fill(char* dst) writes (vlen bytes at dst), under the write lock,
  // while the new entry is still unreachable: the extension relocates a value image to the
  // address it lands at (extension/zerocopy.cpp). fill must not throw, allocate or lock.
  template <class Fill>
  CacheStatus store_with(unsigned slot, const char* key, std::uint32_t klen, ValueType type,
                         std::uint64_t vlen, Fill&& fill, std::uint64_t ttl_s,
                         std::uint64_t now_ms, Mode mode, std::uint16_t flags = 0,
                         std::uint64_t aux = 0) {
    return store_impl(slot, key, klen, type, nullptr, vlen, ttl_s, now_ms, mode, flags, aux,
                      fill);
  }

 private:
  template <class Fill>
  CacheStatus store_impl(unsigned slot, const char* key, std::uint32_t klen, ValueType type,
                         const char* val, std::uint64_t vlen, std::uint64_t ttl_s,
                         std::uint64_t now_ms, Mode mode, std::uint16_t flags,
                         std::uint64_t aux, Fill&& fill) {
    if (klen == 0 || klen > kMaxKey) return CacheStatus::too_large;
    if (!write_lock()) return CacheStatus::busy;
    (void)slot;
    const std::uint64_t hash = hash_of(key, klen);
    std::uint64_t link = 0;
    std::uint64_t old = find(key, klen, hash, &link);
    if (old && expired(old, now_ms)) {
      alloc().begin();
      remove_entry(old, link, /*expired=*/true);
      alloc().commit();
      old = 0;
    }
    if (old && mode == Mode::add) {
      write_unlock();
      return CacheStatus::exists;
    }
    if (!old) note_miss(hash);  // STORE-4: the window's signal, before any batch ranks
    if (frozen()) {  // ZC-3: nothing is allocated from an arena pinned readers may still read
      write_unlock();
      return CacheStatus::full;
    }
    const std::uint64_t need = entry_bytes(klen, vlen);
    bool no_memory = false;
    const std::uint64_t e = allocate(need, now_ms, old, &no_memory);  // opens a transaction
    if (!e) {
      write_unlock();
      if (no_memory) return CacheStatus::no_memory;
      return need > capacity() ? CacheStatus::too_large : CacheStatus::full;
    }
    // The expiry floor first (make_room's sweep must not skip this entry once it is reachable).
    if (ttl_s != 0 && !Bugs::floor_not_lowered) lower_expiry_floor(expiry_bound(now_ms, ttl_s));
    // Still unreachable: plain writes.
    Entry& en = *new (base() + e) Entry();
    en.hash = hash;
    en.key_len = klen;
    en.type = std::uint16_t(type);
    en.flags = flags;
    en.value_len = vlen;
    en.created_ms = now_ms;
    en.ttl_s = ttl_s;
    en.last_use.store(tick(), std::memory_order_relaxed);
    en.hits.store(0, std::memory_order_relaxed);
    en.used_ms.store(now_ms, std::memory_order_relaxed);
    en.aux.store(aux, std::memory_order_relaxed);
    std::memcpy(key_ptr(e), key, klen);
    if (vlen && (!Bugs::publish_early || !val)) fill(value_ptr(e));
    // The old entry may have moved in its chain during eviction: find it again.
    link = 0;
    old = find(key, klen, hash, &link);
    const std::uint64_t bucket_word = bucket_off(hash);
    if (old) {
      en.next = entry(old).next;
      publish(link, e);  // replaces old in its chain: one journaled word publishes the new entry
      drop(old);
    } else {
      en.next = word(bucket_word);
      publish(bucket_word, e);
      put(items_off(), h().items + 1);
    }
    if (Bugs::publish_early && val) {  // the seeded bug: the value after the (raw) link,
      // copied 16 bytes at a time with an atomic step before each piece, so that a death can
      // land anywhere in the copy (as a real copy can be interrupted anywhere), not at one step
      for (std::uint64_t at = 0; at < vlen; at += 16) {
        (void)h().use_clock.now.load(std::memory_order_relaxed);
        std::memcpy(value_ptr(e) + at, val + at, vlen - at < 16 ? vlen - at : 16);
      }
    }
    alloc().commit();
    write_unlock();
    return CacheStatus::ok;
  }

 public:
  CacheStatus remove(unsigned slot, const char* key, std::uint32_t klen, std::uint64_t now_ms) {
    (void)slot;
    if (!write_lock()) return CacheStatus::busy;
    std::uint64_t link = 0;
    const std::uint64_t e = find(key, klen, hash_of(key, klen), &link);
    CacheStatus st = CacheStatus::miss;
    if (e) {
      const bool was_expired = expired(e, now_ms);
      alloc().begin();
      remove_entry(e, link, was_expired);
      alloc().commit();
      if (!was_expired) st = CacheStatus::ok;
    }
    write_unlock();
    return st;
  }

  // Adds delta to a live long_int entry; *out = the new value. Wraps like PHP's int arithmetic
  // does not (PHP turns an overflow into a float; WinCache wrapped): we wrap, two's complement.
  CacheStatus add_int(unsigned slot, const char* key, std::uint32_t klen, std::int64_t delta,
                      std::uint64_t now_ms, std::int64_t* out) {
    return update_int(slot, key, klen, now_ms, [&](std::int64_t cur, std::int64_t& next) {
      next = std::int64_t(std::uint64_t(cur) + std::uint64_t(delta));
      if (out) *out = next;
      return true;
    });
  }

  CacheStatus cas(unsigned slot, const char* key, std::uint32_t klen, std::int64_t expect,
                  std::int64_t desired, std::uint64_t now_ms) {
    return update_int(slot, key, klen, now_ms, [&](std::int64_t cur, std::int64_t& next) {
      next = desired;
      return cur == expect;
    });
  }

  // Removes every expired entry except those keep(key, klen) keeps (a session's gc keeps the
  // sessions a live request holds), one committed transaction each. Returns how many went.
  // keep runs under this store's write lock: it must not take it again.
  template <class Keep>
  std::uint64_t purge_expired(std::uint64_t now_ms, Keep&& keep) {
    if (!write_lock()) return 0;
    std::uint64_t n = 0;
    try {
      std::vector<std::uint64_t> victims;
      for_each_entry([&](std::uint64_t e) {
        if (expired(e, now_ms) && !keep(key_ptr(e), entry(e).key_len)) victims.push_back(e);
      });
      for (const std::uint64_t e : victims) {
        alloc().begin();
        remove_entry(e, link_of(e), true);
        alloc().commit();
        ++n;
      }
    } catch (const std::bad_alloc&) {  // no memory for the list: purge nothing this time
    } catch (const std::exception&) {  // keep() threw: the lock is not left held by a live
      write_unlock();                   // process (a simulated kill is no std::exception)
      throw;
    }
    write_unlock();
    return n;
  }

  // Removes every entry, committing entry by entry.
  void clear() {
    if (!write_lock()) return;
    remove_all(/*as_evictions=*/false);
    write_unlock();
  }

  CacheStats stats(unsigned slot) {
    const Held held = read_lock(slot);
    CacheStats s{};
    if (held == Held::none) return s;
    s = stats_locked();
    unlock(slot, held);
    return s;
  }

  // The whole-index check run after a writer died (and by the tests): nullptr if every
  // invariant holds, otherwise the first that fails. Needs the lock held (or a quiescent cache).
  const char* violation() const {
    if (h().magic != kMagic) return "UC-1 magic";
    if (frozen()) {  // ZC-3: an empty index over an arena nobody allocates from
      if (h().buckets != offsetof(Header, frozen_bucket) || h().nbuckets != 1 ||
          h().frozen_bucket != 0 || h().items != 0 || h().retired != 0)
        return "ZC-3 a frozen store's index is empty";
      return nullptr;
    }
    if (const char* v = alloc().violation()) return v;
    if (alloc().needs_recovery()) return "UC-3 no open transaction";
    std::vector<std::uint64_t> used;
    alloc().for_each_used([&](std::uint64_t p) { used.push_back(p); });  // address order
    auto is_used = [&](std::uint64_t p) { return std::binary_search(used.begin(), used.end(), p); };
    if (!is_used(h().buckets) || alloc().usable_size(h().buckets) < h().nbuckets * 8)
      return "UC-1 bucket array is a used block";
    std::uint64_t count = 0;
    for (std::uint64_t b = 0; b < h().nbuckets; ++b) {
      std::uint64_t steps = 0;
      for (std::uint64_t e = word(h().buckets + b * 8); e; e = entry(e).next) {
        if (++steps > used.size()) return "UC-2 chains are acyclic";
        if (!is_used(e)) return "UC-2 every entry is a used block";
        const Entry& en = entry(e);
        if (en.key_len == 0 || en.key_len > kMaxKey) return "UC-2 key length";
        if (entry_bytes(en.key_len, en.value_len) > alloc().usable_size(e))
          return "UC-2 entry fits its block";
        if (hash_of(key_ptr(e), en.key_len) != en.hash) return "UC-2 stored hash";
        if ((en.hash & (h().nbuckets - 1)) != b) return "UC-2 entry in its bucket";
        ++count;
      }
    }
    if (count != h().items) return "UC-2 item count";
    // STORE-3: retired entries are used blocks outside the index, each once.
    std::uint64_t retired = 0;
    for (std::uint64_t e = h().retired; e; e = entry(e).next) {
      if (!kPins) return "STORE-3 a retired list without pin_reads";
      if (++retired > used.size()) return "STORE-3 the retired list is acyclic";
      if (!is_used(e)) return "STORE-3 every retired entry is a used block";
    }
    if (count + retired + 1 != used.size()) return "UC-2 every used block is reachable";
    return nullptr;
  }

  Header& h() { return hd_; }
  const Header& h() const { return hd_; }
  Alloc& alloc() { return *reinterpret_cast<Alloc*>(base() + h().alloc_off); }
  const Alloc& alloc() const { return *reinterpret_cast<const Alloc*>(base() + h().alloc_off); }
  // The largest value (with this key length) a store can ever accept.
  // (UC-5: an entry no larger than this always fits an empty cache, whatever else is stored.)
  std::uint64_t max_value(std::uint32_t klen) const {
    const std::uint64_t m = capacity();
    const std::uint64_t fixed = kEntryBytes + round8(klen);
    return m > fixed ? m - fixed : 0;
  }

  // The bytes an entry of this key and value length asks the allocator for.
  static std::uint64_t entry_bytes(std::uint32_t klen, std::uint64_t vlen) {
    return kEntryBytes + round8(klen) + vlen;
  }
  // Eviction::frequency ranks candidates outside the window by this, the lowest first (STORE-4):
  // the estimate per byte, the bytes rounded up to 3 significant bits (steps of 12.5% or less), so
  // that entries of about the same size and frequency tie and go by last use (with exact sizes,
  // a value one byte longer would always go first, whatever its recency).
  static std::uint64_t eviction_density(unsigned estimate, std::uint32_t klen, std::uint64_t vlen,
                                        std::uint64_t extra = 0) {
    std::uint64_t n = entry_bytes(klen, vlen) + extra;
    unsigned shift = 0;
    while ((n >> shift) >= 8) ++shift;
    n = ((n + (std::uint64_t{1} << shift) - 1) >> shift) << shift;
    return (std::uint64_t(estimate) << 32) / n;
  }
  // make_room's front (the candidates that rank below the rest, `head` of them at order's start,
  // holding `bytes`) may hold far more than the batch needs: all candidates when they tie on
  // rank (a cache filled by stores that were never read: every estimate 0, every size alike),
  // or most when one rank bucket holds most of them. Sorting it all cost O(n log n) per batch,
  // with the write lock held. So the lowest k of the front, k chosen so that they hold about
  // 1.5 x `target` bytes at the front's mean size, are moved to its start by nth_element
  // (linear: everything behind ranks at or above them, by `less`), and only they are sorted.
  // The victims are still exactly a full sort's: should the batch run past them, make_room
  // sorts the rest, as past any head. Returns k (head itself if the front is not over twice the
  // target). Generic over the element and the order for tests/unit/test_store_rank.cpp.
  template <class V, class Less>
  static std::size_t narrow_head(std::vector<V>& order, std::size_t head, std::uint64_t bytes,
                                 std::uint64_t target, Less less) {
    if (head < 2 || bytes <= 2 * target) return head;
    const double share = 1.5 * double(target) / double(bytes);  // < 0.75
    const std::size_t k = std::min(head - 1, std::size_t(double(head) * share) + 1);
    std::nth_element(order.begin(), order.begin() + std::ptrdiff_t(k),
                     order.begin() + std::ptrdiff_t(head), less);
    return k;
  }

  // eviction_density() of an entry of n bytes (holes included), without its loop and its
  // division by a variable: n rounded up to 3 significant bits is m << s (m in 1..8), and
  // floor(x / (m << s)) == floor(x / m) >> s; the division by a constant m is a multiplication.
  // The same value for every estimate and n >= 1 (tests/unit/test_store_rank.cpp compares them).
  static std::uint64_t density_of(unsigned estimate, std::uint64_t n) {
    const unsigned bits = 64u - unsigned(__builtin_clzll(n | 1));
    const unsigned s = bits > 3 ? bits - 3 : 0;
    const std::uint64_t m = (n + (std::uint64_t{1} << s) - 1) >> s;  // 1 .. 8
    const std::uint64_t x = std::uint64_t(estimate) << 32;
    std::uint64_t q;
    switch (m) {
      case 1: q = x; break;
      case 2: q = x >> 1; break;
      case 3: q = x / 3; break;
      case 4: q = x >> 2; break;
      case 5: q = x / 5; break;
      case 6: q = x / 6; break;
      case 7: q = x / 7; break;
      default: q = x >> 3; break;
    }
    return q >> s;
  }

  // make_room's histogram of ranks (frequency_head): a rank's bucket is its leading bit and the
  // four bits after it (below 16: the rank itself), so the buckets are ranges of ranks, in rank
  // order; bucket_top(b) is the largest rank in bucket b (b < kRankBuckets - 1).
  static constexpr std::size_t kRankBuckets = 16 + 60 * 16;  // rank_bucket(): 0 .. 975
  static std::size_t rank_bucket(std::uint64_t r) {
    if (r < 16) return std::size_t(r);
    const unsigned top = 63u - unsigned(__builtin_clzll(r));  // 4 .. 63
    return 16 + std::size_t(top - 4) * 16 + std::size_t((r >> (top - 4)) & 15);
  }
  // The largest rank in bucket b (b < kRankBuckets - 1).
  static std::uint64_t bucket_top(std::size_t b) {
    if (b < 16) return b;
    const unsigned shift = unsigned((b - 16) / 16);  // top - 4
    return ((std::uint64_t(17 + (b - 16) % 16)) << shift) - 1;
  }
  // Eviction::frequency: the sketch's estimate for the key (0..255; 0 without a sketch). No lock
  // and no statistics: a hint, for the statistics page and the tests.
  unsigned frequency(const char* key, std::uint32_t klen) {
    if constexpr (kFreq) return sketch().estimate(hash_of(key, klen));
    (void)key;
    (void)klen;
    return 0;
  }
  // Eviction::frequency statistics: the sketch's bytes (0 for lru) and how often it was aged.
  std::uint64_t sketch_bytes() const { return h().sketch_words * 8; }
  std::uint64_t sketch_agings() const { return h().freq.agings.load(std::memory_order_relaxed); }
  // Eviction::frequency: the ghosts' bytes, and how many ghosts were missed per class (a miss of
  // a young ghost grows the window, of an old one shrinks it; STORE-4, note_miss).
  std::uint64_t ghost_bytes() const { return h().ghost_words * 8; }
  std::uint64_t ghost_misses(bool young) const {
    return (young ? h().freq.young_hits : h().freq.old_hits).load(std::memory_order_relaxed);
  }
  // The recency window eviction uses now, in permille of the candidates (Eviction::frequency;
  // at least one candidate is in it). 0 for lru.
  std::uint64_t window_permille() const {
    return kFreq ? h().freq.fine.load(std::memory_order_relaxed) / 1000 : 0;
  }

  static std::uint64_t hash_of(const char* k, std::uint32_t n) {
    // 64-bit multiply-xorshift over 8-byte words, then the tail; seeded with the length.
    std::uint64_t hv = 0x9E3779B97F4A7C15ull ^ (std::uint64_t(n) * 0xC2B2AE3D27D4EB4Full);
    std::uint32_t i = 0;
    for (; i + 8 <= n; i += 8) {
      std::uint64_t w;
      std::memcpy(&w, k + i, 8);
      hv = (hv ^ (w * 0x87C37B91114253D5ull)) * 0x4CF5AD432745937Full;
      hv ^= hv >> 29;
    }
    std::uint64_t t = 0;
    for (std::uint32_t j = 0; i < n; ++i, ++j) t |= std::uint64_t(std::uint8_t(k[i])) << (8 * j);
    hv = (hv ^ (t * 0x87C37B91114253D5ull)) * 0x4CF5AD432745937Full;
    hv ^= hv >> 32;
    hv *= 0xD6E8FEB86659FD93ull;
    hv ^= hv >> 32;
    return hv;
  }

 private:
  enum class Held : std::uint8_t { none, shared, exclusive };

  char* base() { return reinterpret_cast<char*>(this); }
  const char* base() const { return reinterpret_cast<const char*>(this); }
  static std::uint64_t round8(std::uint64_t n) { return (n + 7) & ~std::uint64_t{7}; }
  // The largest entry block an EMPTY cache can grant: the arena minus the bucket array's block
  // (the first block of the arena, so the rest is one free block). The allocator's max_request()
  // counts the whole arena and so overstated what a store can ever accept.
  std::uint64_t capacity() const {
    if (frozen()) return 0;  // ZC-3: nothing fits until the store thaws
    const std::uint64_t m = alloc().max_request();
    const std::uint64_t b = alloc().usable_size(h().buckets) + Alloc::kHead;
    return m > b ? m - b : 0;
  }
  Entry& entry(std::uint64_t e) { return *reinterpret_cast<Entry*>(base() + e); }
  const Entry& entry(std::uint64_t e) const { return *reinterpret_cast<const Entry*>(base() + e); }
  char* key_ptr(std::uint64_t e) { return base() + e + kEntryBytes; }
  const char* key_ptr(std::uint64_t e) const { return base() + e + kEntryBytes; }
  char* value_ptr(std::uint64_t e) { return key_ptr(e) + round8(entry(e).key_len); }
  const char* value_ptr(std::uint64_t e) const { return key_ptr(e) + round8(entry(e).key_len); }
  std::uint64_t word(std::uint64_t off) const {
    std::uint64_t v;
    std::memcpy(&v, base() + off, 8);
    return v;
  }
  std::uint64_t items_off() const { return offsetof(Header, items); }
  bool frozen() const {
    if constexpr (kPins) return h().frozen != 0;
    return false;
  }
  std::uint64_t retired_off() const { return offsetof(Header, retired); }
  std::uint64_t bucket_off(std::uint64_t hash) const {
    return h().buckets + (hash & (h().nbuckets - 1)) * 8;
  }
  // The one word that makes a filled entry reachable (UC-3: journaled, after the fill).
  void publish(std::uint64_t off, std::uint64_t v) {
    if constexpr (Bugs::publish_early) {
      std::memcpy(base() + off, &v, 8);
    } else {
      put(off, v);
    }
  }
  // A journaled index write (UC-3).
  void put(std::uint64_t off, std::uint64_t v) {
    if constexpr (Bugs::unjournaled_links) {
      std::memcpy(base() + off, &v, 8);
    } else {
      // False only on a journal too full for one more word: a transaction larger than any this
      // store opens (each entry's change commits on its own). The checking build says so.
      const bool ok = alloc().logged_put(off, v);
#ifdef WINCACHE_CHECK_WRITES
      if (!ok) check_failed("UC-3 an index write found the journal full", 0);
#endif
      (void)ok;
    }
  }

  bool init(std::uint64_t size, std::uint64_t now_ms, bool zeroed) {
    const std::uint64_t words = kFreq ? Sketch::words_for(size) : 0;
    const std::uint64_t gwords = words / kGhostShare / 4;  // words_for: at least 64 (attach())
    const std::uint64_t alloc_off = sketch_off() + (words + gwords) * 8;
    if (size < alloc_off + sizeof(Alloc) + 4096) return false;
    Header* hd = &hd_;
    hd->magic = 0;
    hd->size = size;
    hd->alloc_off = alloc_off;
    hd->sketch_words = words;
    hd->ghost_words = gwords;
    hd->freq.aged_at.store(0, std::memory_order_relaxed);
    hd->freq.agings.store(0, std::memory_order_relaxed);
    hd->freq.fine.store(kWindowPercent * 10000, std::memory_order_relaxed);
    for (auto* w : {&hd->freq.band, &hd->freq.young, &hd->freq.old,
                    &hd->freq.young_hits, &hd->freq.old_hits})
      w->store(0, std::memory_order_relaxed);
    if constexpr (kFreq) {
      for (std::uint64_t i = 0; i < words + gwords; ++i)
        new (base() + sketch_off() + i * 8) A<std::uint64_t>();
      if (!zeroed) {
        sketch().clear();
        for (std::uint64_t i = 0; i < gwords; ++i) ghost_word(i).store(0, std::memory_order_relaxed);
      }
    }
    hd->created_ms = now_ms;
    hd->items = 0;
    hd->retired = 0;
    hd->frozen = 0;
    hd->frozen_bucket = 0;
    hd->frozen_bucket_count = 0;
    hd->retired_floor.store(0, std::memory_order_relaxed);
    hd->expiry_floor.store(~std::uint64_t{0}, std::memory_order_relaxed);
    hd->readers.create();
    hd->use_clock.now.store(0, std::memory_order_relaxed);
    for (auto& c : hd->per_slot) {
      c.hits.store(0, std::memory_order_relaxed);
      c.misses.store(0, std::memory_order_relaxed);
    }
    Alloc* a = Alloc::create(base(), alloc_off, size);
    if (!a) return false;
    // About one bucket per 256 bytes of arena: chains stay short for entries of ~100 bytes.
    std::uint64_t nb = 16;
    while (nb * 256 < size && nb < (std::uint64_t{1} << 24)) nb <<= 1;
    const std::uint64_t b = a->alloc(nb * 8);
    if (!b) return false;
    // Zeroed memory: only the words the allocator itself wrote into the block (a free block's
    // links, at its start) can be non-zero.
    std::memset(base() + b, 0, zeroed ? std::min<std::uint64_t>(nb * 8, 64) : nb * 8);
    hd->buckets = b;
    hd->nbuckets = nb;
    hd->magic = kMagic;
    return true;
  }

  // Reinitialise in place, keeping the lock word (held by the caller) and the counters that
  // describe history. pin_reads: while a live reader is pinned, the arena it may read from is
  // not reinitialised: the store freezes (ZC-3), and the reset is done by the first writer that
  // finds every such reader gone (thaw()).
  void reset(std::uint64_t now_ms) {
    h().resets.fetch_add(1, std::memory_order_relaxed);
    if constexpr (kPins && !Bugs::reset_frees_pinned) {
      if (h().readers.safe_below() != ~std::uint64_t{0}) {
        freeze(now_ms);
        return;
      }
    }
    reinit(now_ms);
  }

  void reinit(std::uint64_t now_ms) {
    const std::uint64_t size = h().size;
    const std::uint64_t alloc_off = h().alloc_off;
    Alloc* a = Alloc::create(base(), alloc_off, size);
    std::uint64_t nb = h().nbuckets;
    if constexpr (kPins)
      if (h().frozen) nb = h().frozen_bucket_count;
    const std::uint64_t b = a ? a->alloc(nb * 8) : 0;
    std::memset(base() + b, 0, nb * 8);
    h().buckets = b;
    h().nbuckets = nb;
    h().items = 0;
    h().retired = 0;
    h().retired_floor.store(0, std::memory_order_relaxed);
    h().expiry_floor.store(~std::uint64_t{0}, std::memory_order_relaxed);
    h().created_ms = now_ms;
    if constexpr (kPins) h().frozen = 0;  // last: a death before it thaws again
  }

  // ZC-3: an empty index that allocates nothing, the old arena untouched. Idempotent (a death
  // in the middle leaves a store whose violation() resets, hence freezes, again).
  void freeze(std::uint64_t now_ms) {
    if constexpr (kPins) {
      if (!h().frozen) h().frozen_bucket_count = h().nbuckets;
      h().frozen = h().readers.advance();  // readers pinned later announce more: they hold nothing
      h().frozen_bucket = 0;
      h().buckets = offsetof(Header, frozen_bucket);
      h().nbuckets = 1;
      h().items = 0;
      h().retired = 0;  // its entries are in the old arena, which nothing reuses while frozen
      h().created_ms = now_ms;
    }
  }

  // ZC-3: once no live reader announces an epoch at or before the freeze, the deferred reset.
  void thaw() {
    if constexpr (kPins)
      if (h().frozen && h().readers.safe_below() > h().frozen) reinit(h().created_ms);
  }

  // Takes the lock exclusively, repairing after a dead writer (UC-4). False only on misuse.
  // Every writer also frees what retired entries no live reader can hold any more (STORE-3).
  bool write_lock() {
    const Acquire r = h().lock.lock();
    if (r == Acquire::owner_died || r == Acquire::broken) {
      repair();
    } else if (r != Acquire::ok) {
#ifdef WINCACHE_CHECK_WRITES
      check_failed("the write lock's acquire failed", int(r));
#endif
      return false;
    }
    thaw();
    collect_retired();
    return true;
  }

  // Every writer ends by freeing what it retired itself if no live reader is pinned (STORE-3:
  // with nobody pinned, nothing stays retired past the write that retired it).
  void write_unlock() {
    collect_retired();
#ifdef WINCACHE_CHECK_WRITES
    check_after_write();
#endif
    h().lock.unlock();
  }
#ifdef WINCACHE_CHECK_WRITES
  // The checking build (CMake WINCACHE_CHECK_WRITES, docs/fuzz.md): the whole index before every
  // write unlock, and every failed acquire, abort the process with what broke.
  [[noreturn]] static void check_failed(const char* what, int detail) {
    std::fprintf(stderr, "wincache check failed: %s (%d)\n", what, detail);
    std::abort();
  }
  void check_after_write() const {
    if (const char* v = violation()) check_failed(v, 0);
    std::vector<std::pair<std::uint64_t, std::string>> keys;
    for_each_entry([&](std::uint64_t e) {
      keys.emplace_back(entry(e).hash, std::string(key_ptr(e), entry(e).key_len));
    });
    std::sort(keys.begin(), keys.end());
    if (std::adjacent_find(keys.begin(), keys.end()) != keys.end())
      check_failed("UC-2 a key is in the index once", int(keys.size()));
  }
#endif

  // An unlinked entry's block, inside the caller's transaction: freed at once, or (pin_reads)
  // retired until no live reader can still hold it (STORE-3). The entry's words were live before
  // the transaction, so they are written journaled: a death rolls the retirement back together
  // with the unlink.
  void drop(std::uint64_t e) {
    if constexpr (kPins && !Bugs::free_pinned) {
      if constexpr (AuxPinsOf<Policy>::value) {
        // Nobody pinned got it, or every reader that did has moved on: free at once.
        const std::uint64_t held = entry(e).aux.load(std::memory_order_acquire) >> 1;
        if (held == 0 || held < h().readers.safe_below(/*check_alive=*/false)) {
          alloc().free(e);
          return;
        }
      }
      const std::uint64_t at = h().readers.advance();  // RECL-1: after the unlink
      // The list's epochs only grow from its tail to its head: a first entry sets the floor.
      if (h().retired == 0) h().retired_floor.store(at, std::memory_order_relaxed);
      put(e + offsetof(Entry, created_ms), at);
      put(e + offsetof(Entry, next), h().retired);
      put(retired_off(), e);
      h().retired_count.fetch_add(1, std::memory_order_relaxed);
    } else {
      alloc().free(e);
    }
  }

  // Frees every retired entry retired before the oldest live reader's announcement (RECL-1; the
  // dead announce nothing, RECL-2). One committed transaction per entry. Under the write lock.
  void collect_retired() {
    if constexpr (kPins) {
      if (h().retired == 0) return;
      // Liveness look-ups (RECL-2: each reads /proc on Linux) once Policy::reap_after entries
      // wait (every time by default), or when a store finds no room (make_room): a dead reader's
      // pin is reaped then.
      const std::uint64_t waiting = h().retired_count.load(std::memory_order_relaxed) -
                                    h().reclaimed.load(std::memory_order_relaxed);
      const std::uint64_t safe =
          Bugs::free_before_unpin ? ~std::uint64_t{0}
                                  : h().readers.safe_below(waiting >= ReapAfterOf<Policy>::value);
      if (safe <= h().retired_floor.load(std::memory_order_relaxed)) return;  // none freeable
      std::uint64_t link = retired_off();
      std::uint64_t floor = ~std::uint64_t{0};
      for (std::uint64_t e = h().retired; e;) {
        const std::uint64_t next = entry(e).next;
        if (entry(e).created_ms >= safe && entry(e).created_ms < floor) floor = entry(e).created_ms;
        if (entry(e).created_ms < safe) {  // ZC-1: no live pin or hold announced at or before it
          alloc().begin();
          put(link, next);
          alloc().free(e);
          alloc().commit();
          h().reclaimed.fetch_add(1, std::memory_order_relaxed);
        } else {
          link = e + offsetof(Entry, next);
        }
        e = next;
      }
      h().retired_floor.store(h().retired ? floor : 0, std::memory_order_relaxed);
    }
  }

  Held read_lock(unsigned slot) {
    const Acquire r = h().lock.lock_shared(slot);
    if (r == Acquire::ok) return Held::shared;
    if (r == Acquire::owner_died || r == Acquire::broken) {  // promoted to exclusive
      repair();
      return Held::exclusive;
    }
#ifdef WINCACHE_CHECK_WRITES
    std::fprintf(stderr, "wincache check: slot %u holds %u read holds, the write side is %s\n", slot,
                 h().lock.readers_in(slot),
                 h().lock.writer_owner() == Prim::self() ? "this process's" : "another's or free");
    check_failed("a read lock's acquire failed", int(r));
#endif
    return Held::none;
  }
  void unlock(unsigned slot, Held held) {
    if (held == Held::shared) h().lock.unlock_shared(slot);
    if (held == Held::exclusive) h().lock.unlock();
  }
  // Runs body() (which calls a caller's callback) under the read lock `held`: a std::exception
  // out of it (a std::bad_alloc of a std::string the callback builds) releases the lock before
  // it goes on. A live process that kept its reader slot after an exception the extension
  // caught would hold every writer of every process back until it exited: no repair applies to
  // the living (tests/unit/test_ucache.cpp UcacheLock.ACallbackThatThrowsReleasesTheReadLock).
  // Not by a destructor: a simulated kill (proptests/prim_sim.hpp throws SimKilled, which is not
  // a std::exception) must leave the lock held, as SIGKILL would (as registry.hpp's Guard).
  template <class Body>
  auto under_read(unsigned slot, Held held, Body&& body) -> decltype(body()) {
    try {
      return body();
    } catch (const std::exception&) {
      unlock(slot, held);
      throw;
    }
  }

  void repair() {
    h().recoveries.fetch_add(1, std::memory_order_relaxed);
    if (!frozen() && alloc().needs_recovery()) alloc().recover();  // ZC-3: not a frozen arena
    const char* v = "UC-4 no memory to validate the index";
    try {
      v = violation();
    } catch (const std::bad_alloc&) {  // cannot prove the index sound: start it afresh
    }
    if (v != nullptr) reset(h().created_ms);
    h().retired_floor.store(0, std::memory_order_relaxed);  // unknown after a death: walk
    h().lock.mark_consistent();
  }

  // The frequency sketch (Eviction::frequency): the words right after the header.
  static constexpr std::uint64_t sketch_off() { return (sizeof(Header) + 63) / 64 * 64; }
  Sketch sketch() {
    return Sketch(reinterpret_cast<A<std::uint64_t>*>(base() + sketch_off()), h().sketch_words);
  }
  // Accesses counted so far: every get (hit or miss) and every write that advanced the use clock.
  std::uint64_t accesses() const {
    std::uint64_t n = h().use_clock.now.load(std::memory_order_relaxed);
    for (const auto& c : h().per_slot)
      n += c.hits.load(std::memory_order_relaxed) + c.misses.load(std::memory_order_relaxed);
    return n;
  }
  // How much an entry is worth keeping per byte: its estimated frequency (0..255) over its
  // entry_bytes(), scaled by 2^32 (a value of 1.8 KB asked for as often as one of 256 B is the
  // better victim: evicting it frees seven times the room for the same loss).
  std::uint64_t density(const Sketch& sk, std::uint64_t e) const {
    return eviction_density(sk.estimate(entry(e).hash), entry(e).key_len, entry(e).value_len);
  }

  // Halves the sketch once per kAgeFactor accesses per entry held since the last aging (as many
  // times as whole periods passed, at most eight). Checked when an eviction needs the sketch,
  // under the write lock.
  void age_sketch() {
    auto& f = h().freq;
    const std::uint64_t seen = accesses();
    const std::uint64_t at = f.aged_at.load(std::memory_order_relaxed);
    const std::uint64_t period = kAgeFactor * std::max<std::uint64_t>(h().items, 64);
    if (seen < at) {  // a torn hint (cannot happen with one writer): start counting again
      f.aged_at.store(seen, std::memory_order_relaxed);
    } else if (seen - at >= period) {
      sketch().age(unsigned(std::min<std::uint64_t>((seen - at) / period, 8)));
      f.aged_at.store(seen, std::memory_order_relaxed);
      f.agings.fetch_add(1, std::memory_order_relaxed);
    }
  }

  // The ghosts (Eviction::frequency): 16-bit slots, four per word, right after the sketch; a
  // slot holds 14 bits of a victim's hash and its class (1 young, 2 old; 0 empty), at a place
  // chosen by other bits of the hash (a later victim there overwrites it). Hints: a lost or torn
  // slot, or two keys with the same tag, only move the window one step wrong.
  A<std::uint64_t>& ghost_word(std::uint64_t i) {
    return reinterpret_cast<A<std::uint64_t>*>(base() + sketch_off())[h().sketch_words + i];
  }
  std::uint64_t ghost_slot(std::uint64_t hash) const {
    return ((hash * 0x9E3779B97F4A7C15ull) >> 32) & (h().ghost_words * 4 - 1);
  }
  static std::uint64_t ghost_tag(std::uint64_t hash) { return (hash >> 50) << 2; }
  std::uint64_t ghost_get(std::uint64_t slot) {
    return (ghost_word(slot / 4).load(std::memory_order_relaxed) >> (slot % 4 * 16)) & 0xFFFF;
  }
  void ghost_put(std::uint64_t slot, std::uint64_t v) {
    A<std::uint64_t>& g = ghost_word(slot / 4);
    const unsigned sh = unsigned(slot % 4 * 16);
    g.store((g.load(std::memory_order_relaxed) & ~(std::uint64_t{0xFFFF} << sh)) | (v << sh),
            std::memory_order_relaxed);
  }
  static void bump(A<std::uint64_t>& w, std::uint64_t v) {  // under the write lock: one writer
    w.store(w.load(std::memory_order_relaxed) + v, std::memory_order_relaxed);
  }

  // make_room, as a batch starts ranking: the band's edge, the use stamp of the candidate
  // kGhostBand permille of the candidates past the window's oldest member (`uses`, the
  // candidates' stamps, the window's w most recent already first, as nth_element left them).
  void note_band(std::vector<std::uint64_t>& uses, std::size_t w) {
    const std::size_t wb = std::min<std::size_t>(uses.size(), w + uses.size() * kGhostBand / 1000);
    if (w == 0 || wb <= w) return;
    std::nth_element(uses.begin() + std::ptrdiff_t(w), uses.begin() + std::ptrdiff_t(wb - 1),
                     uses.end(), std::greater<std::uint64_t>());
    h().freq.band.store(uses[wb - 1], std::memory_order_relaxed);
  }
  // make_room, for each victim: remember it as a ghost, young (used at or after the band's edge:
  // a window larger by kGhostBand would have kept it) or old.
  void note_victim(std::uint64_t e) {
    (void)e;
    if constexpr (kFreq) {
      auto& f = h().freq;
      const bool young = entry(e).last_use.load(std::memory_order_relaxed) >=
                         f.band.load(std::memory_order_relaxed);
      ghost_put(ghost_slot(entry(e).hash), ghost_tag(entry(e).hash) | (young ? 1 : 2));
      bump(young ? f.young : f.old, 1);
      const std::uint64_t y = f.young.load(std::memory_order_relaxed);
      const std::uint64_t o = f.old.load(std::memory_order_relaxed);
      if (y + o > 8 * h().ghost_words) {  // twice the slots: forget half (recent victims weigh)
        f.young.store(y / 2, std::memory_order_relaxed);
        f.old.store(o / 2, std::memory_order_relaxed);
      }
    }
  }
  // The store of an absent key (a miss, in cache-aside use), under the write lock: if the key
  // was evicted lately (its ghost is there), the window moves. A young ghost says a larger window
  // would have kept it, an old one that the frequency order should have had more room (a smaller
  // window exposes more young entries of low frequency instead). Weighted by the other class's
  // share of the victims, so that the window settles where both classes' victims come back
  // equally often (ARC's rule, with its two ghost lists, for a window over one frequency order).
  // Traffic where frequency predicts (Zipf) settles near 1%; a moving hot set, whose young
  // victims come back soon, far above the window where the hit rate falls off a cliff. Every
  // word it touches is a hint; nothing on the get path.
  void note_miss(std::uint64_t hash) {
    (void)hash;
    if constexpr (kFreq) {
      const std::uint64_t slot = ghost_slot(hash);
      const std::uint64_t v = ghost_get(slot);
      if (v == 0 || (v & ~std::uint64_t{3}) != ghost_tag(hash)) return;
      ghost_put(slot, 0);
      auto& f = h().freq;
      const bool young = (v & 3) == 1;
      const std::uint64_t y = std::max<std::uint64_t>(f.young.load(std::memory_order_relaxed), 1);
      const std::uint64_t o = std::max<std::uint64_t>(f.old.load(std::memory_order_relaxed), 1);
      const std::uint64_t weight =
          std::min<std::uint64_t>(std::max<std::uint64_t>(young ? o / y : y / o, 1), kGhostWeightMax);
      std::uint64_t w = std::min<std::uint64_t>(f.fine.load(std::memory_order_relaxed),
                                                kWindowMax * 1000);
      const std::uint64_t step = std::max<std::uint64_t>(
          std::max<std::uint64_t>(kGhostStep / std::max<std::uint64_t>(h().items, 64), 1),
          w / kGhostRel);
      bump(young ? f.young_hits : f.old_hits, 1);
      if (young) {
        w = std::min<std::uint64_t>(w + step * (16 - kGhostBias) / 16 * weight, kWindowMax * 1000);
      } else {
        w = w > kWindowMin * 1000 + step * weight ? w - step * weight : kWindowMin * 1000;
      }
      f.fine.store(w, std::memory_order_relaxed);
    }
  }

  // Advances the use clock. Under the write lock only: one writer, no lost update.
  // A hit: the entry's count, its place in the LRU order, its idle clock, the slot's counter.
  void note_use(unsigned slot, Entry& en, std::uint64_t now_ms) {
    en.hits.fetch_add(1, std::memory_order_relaxed);
    const std::uint64_t t = h().use_clock.now.load(std::memory_order_relaxed);
    if (en.last_use.load(std::memory_order_relaxed) != t)
      en.last_use.store(t, std::memory_order_relaxed);
    if constexpr (Policy::expiry == Expiry::since_use)  // to the second: few line writes
      if (now_ms >= en.used_ms.load(std::memory_order_relaxed) + 1000)
        en.used_ms.store(now_ms, std::memory_order_relaxed);
    h().per_slot[slot].hits.fetch_add(1, std::memory_order_relaxed);
  }
  std::uint64_t tick() {
    const std::uint64_t t = h().use_clock.now.load(std::memory_order_relaxed) + 1;
    h().use_clock.now.store(t, std::memory_order_relaxed);
    return t;
  }

  std::uint64_t find(const char* key, std::uint32_t klen, std::uint64_t hash,
                     std::uint64_t* link) const {
    std::uint64_t at = bucket_off(hash);
    for (std::uint64_t e = word(at); e; at = e, e = entry(e).next) {
      const Entry& en = entry(e);
      if (en.hash == hash && en.key_len == klen && std::memcmp(key_ptr(e), key, klen) == 0) {
        if (link) *link = at;  // the word that points at e: a bucket head or a previous `next`
        return e;
      }
    }
    return 0;
  }

  // A lower bound of when an entry stored (or last used) at `from` with `ttl_s` expires:
  // expired() holds from from + (ttl_s + 1) * 1000 on; saturating, never wrapping.
  static std::uint64_t expiry_bound(std::uint64_t from, std::uint64_t ttl_s) {
    const std::uint64_t room = ~std::uint64_t{0} - from;
    return ttl_s >= room / 1000 ? ~std::uint64_t{0} - 1 : from + ttl_s * 1000;
  }
  // Where an entry's ttl counts from now (expired()'s `from`).
  std::uint64_t use_origin(std::uint64_t e) const {
    std::uint64_t from = entry(e).created_ms;
    if constexpr (Policy::expiry == Expiry::since_use && !Bugs::idle_from_store) {
      const std::uint64_t used = entry(e).used_ms.load(std::memory_order_relaxed);
      if (used > from) from = used;
    }
    return from;
  }
  void lower_expiry_floor(std::uint64_t at) {
    if (at < h().expiry_floor.load(std::memory_order_relaxed))
      h().expiry_floor.store(at, std::memory_order_relaxed);
  }
  bool expired(std::uint64_t e, std::uint64_t now_ms) const {
    if constexpr (Bugs::ignore_ttl) return false;
    const Entry& en = entry(e);
    // UC-5: WinCache's rule: visible while floor(elapsed ms / 1000) <= ttl (ttl=1 lives 2 s).
    // Written as a division, never as created + ttl * 1000, which overflowed for a huge ttl
    // (PHP_INT_MAX) and expired the entry at once: a larger ttl never expires sooner.
    // STORE-1: elapsed since the store, or (Expiry::since_use) since the last store or get.
    std::uint64_t from = en.created_ms;
    if constexpr (Policy::expiry == Expiry::since_use && !Bugs::idle_from_store) {
      const std::uint64_t used = en.used_ms.load(std::memory_order_relaxed);
      if (used > from) from = used;
    }
    return en.ttl_s != 0 && now_ms >= from && (now_ms - from) / 1000 > en.ttl_s;
  }

  // Unlink e (whose predecessor word is `link`) and free it, inside the caller's transaction.
  void remove_entry(std::uint64_t e, std::uint64_t link, bool was_expired, bool count = true) {
    put(link, entry(e).next);
    put(items_off(), h().items - 1);
    drop(e);
    if (!count) return;
    if (was_expired)
      h().expirations.fetch_add(1, std::memory_order_relaxed);
  }

  // Every entry goes, one committed transaction each (a death in between loses only what was
  // already removed on purpose). Under the exclusive lock.
  void remove_all(bool as_evictions) {
    for (std::uint64_t b = 0; b < h().nbuckets; ++b) {
      const std::uint64_t bw = h().buckets + b * 8;
      while (const std::uint64_t e = word(bw)) {
        alloc().begin();
        remove_entry(e, bw, false, /*count=*/false);
        alloc().commit();
        if (as_evictions) h().evictions.fetch_add(1, std::memory_order_relaxed);
      }
    }
  }

  template <class Fn>
  void for_each_entry(Fn&& fn) const {
    for (std::uint64_t b = 0; b < h().nbuckets; ++b)
      for (std::uint64_t e = word(h().buckets + b * 8); e; e = entry(e).next) fn(e);
  }

  std::uint64_t link_of(std::uint64_t e) const {
    std::uint64_t link = 0;
    find(key_ptr(e), entry(e).key_len, entry(e).hash, &link);
    return link;
  }

  // ---- make_room's ranking (STORE-4) --------------------------------------------------------
  // One eviction candidate as make_room ranks it: a snapshot taken under the write lock.
  struct Victim {
    std::uint64_t rank;   // Eviction::frequency: kInWindow, or eviction_density(); lru: 0
    std::uint64_t use;    // last_use
    std::uint64_t hits;
    std::uint64_t e;      // the entry (payload offset); 0 once evicted (aux_pins' second pass)
    std::uint64_t bytes;  // its block's usable bytes (what evicting it frees; frequency only)
  };
  // STORE-4's order, the lowest first: rank, then last use, then hits, then the offset (a total
  // order: every run of make_room over the same entries picks the same victims).
  static bool ranks_below(const Victim& a, const Victim& b) {
    if (a.rank != b.rank) return a.rank < b.rank;
    if (a.use != b.use) return a.use < b.use;
    if (a.hits != b.hits) return a.hits < b.hits;
    return a.e < b.e;
  }
  // The order make_room evicts in (the twin evict_newest: the other way round). A named type
  // rather than a lambda of make_room, so that no sort is named after make_room (the profile of
  // bench/make_room_instr.sh collects while make_room runs; a callee of the same name would
  // toggle it off).
  struct Older {
    bool operator()(const Victim& a, const Victim& b) const {
      return Bugs::evict_newest ? ranks_below(b, a) : ranks_below(a, b);
    }
  };
  // STORE-2: only what the policy lets go, and never the entry being replaced.
  bool candidate(std::uint64_t e, std::uint64_t keep) const {
    return e != keep && (Bugs::evict_protected || Policy::evictable(entry(e).flags));
  }
  // make_room's buffers: process memory reused from call to call (one set per thread), so that a
  // batch does not allocate and fault in a list of every entry each time. Scratch only: every
  // call rewrites what it uses before reading it, but for the last walk's block addresses, read
  // only as prefetch hints (never trusted: the store may have changed, or be another one).
  // Buffers larger than kScratchKeep bytes (1 MB: a cache of about 26,000 entries; the four
  // together at most 4 MB per process) are released at the end of the call, so that a huge
  // cache's lists are not held by every worker for ever (such a cache allocates them per batch,
  // and its walk has no prefetch hints).
  static constexpr std::size_t kScratchKeep = std::size_t{1} << 20;
  struct Scratch {
    std::vector<Victim> order;
    std::vector<std::uint64_t> uses;     // the candidates' last uses (the window's selection)
    std::vector<std::uint64_t> retired;  // pin_reads: the retired list, by address
    // The used blocks of the last walk and of this one, in address order: prefetch hints only
    // (the next walk asks the CPU for the lines of the blocks it expects a few steps ahead; a
    // stale or foreign hint costs a useless prefetch, never a wrong value).
    std::vector<std::uint64_t> walk_prev, walk_now;
    std::uint64_t hist[kRankBuckets];    // frequency_head: usable bytes per rank bucket
  };
  static Scratch& scratch() {
    static thread_local Scratch s;
    return s;
  }
  struct ScratchRelease {
    Scratch& s;
    explicit ScratchRelease(Scratch& sc) : s(sc) {}
    ~ScratchRelease() {
      if (s.order.capacity() * sizeof(Victim) > kScratchKeep) std::vector<Victim>().swap(s.order);
      if (s.uses.capacity() * 8 > kScratchKeep) std::vector<std::uint64_t>().swap(s.uses);
      if (s.retired.capacity() * 8 > kScratchKeep) std::vector<std::uint64_t>().swap(s.retired);
      if (s.walk_prev.capacity() * 8 > kScratchKeep) std::vector<std::uint64_t>().swap(s.walk_prev);
      if (s.walk_now.capacity() * 8 > kScratchKeep) std::vector<std::uint64_t>().swap(s.walk_now);
    }
  };

  // Eviction::frequency: one Victim per candidate in sc.order, ranked (STORE-4). One walk of the
  // allocator's blocks in address order: every used block but the bucket array and the retired
  // entries (pin_reads) is an entry of the index (UC-2), and the free bytes beside an entry are
  // the gaps to its neighbours, the one after it known at the next used block, where the
  // previous candidate's density is computed. Then the window: the candidates used at or after
  // the stamp of the window's oldest member (at least one: the most recently used candidate
  // always goes last, UC-5(d), never a wipe) rank kInWindow.
  // flatten: the allocator's walk and the lambdas inlined here, the walk's state in registers.
  [[gnu::flatten]] void rank_by_frequency(Scratch& sc, std::uint64_t keep) {
    std::vector<Victim>& order = sc.order;
    // Written by index, not pushed: the candidates are entries of the index (UC-2), at most
    // h().items of them (a resize from the last call's size zeroes only the difference).
    order.resize(std::max<std::size_t>(h().items, 1));
    sc.uses.resize(order.size());
    std::size_t room = order.size();  // sizes and data in locals: the stores could alias them
    Victim* out = order.data();
    std::uint64_t* uses_out = sc.uses.data();
    std::fill(std::begin(sc.hist), std::end(sc.hist), 0);
    std::size_t count = 0;
    std::size_t next_retired = 0;
    if constexpr (kPins) {
      sc.retired.clear();
      for (std::uint64_t r = h().retired; r; r = entry(r).next) sc.retired.push_back(r);
      std::sort(sc.retired.begin(), sc.retired.end());
    }
    const Sketch sk = sketch();
    const std::uint64_t buckets = h().buckets;
    std::uint64_t prev_end = 0;  // the end of the previous used block's payload (0: none yet)
    Victim v{};                  // the last candidate seen; its rank holds the gap before it
    bool pending = false;        // v's gap after it is not known yet
    unsigned est = 0;            // v's estimate
    std::uint64_t n = 0;         // v's entry_bytes()
    const auto finish = [&](std::uint64_t gap_after) {
      v.rank = density_of(est, n + (v.rank + gap_after) / kHoleShare);
      if (count == room) {  // more candidates than items: cannot happen (UC-2)
        order.push_back(v);
        sc.uses.push_back(v.use);
        room = order.size();
        out = order.data();
        uses_out = sc.uses.data();
      } else {
        out[count] = v;
        uses_out[count] = v.use;
      }
      ++count;
      sc.hist[rank_bucket(v.rank)] += v.bytes;
      pending = false;
    };
    // The walk is a chain of dependent loads (a block's size gives the next block's address), a
    // cache miss each in an arena larger than the caches: the last walk's blocks (sc.walk_prev)
    // say which lines to ask for kAhead blocks ahead (the block's head and the entry's fields).
    // (The sketch's line of the entry's key, asked for the same way, gained nothing measurable.)
    constexpr std::size_t kAhead = 8;
    const std::vector<std::uint64_t>& hint = sc.walk_prev;
    std::vector<std::uint64_t>& walked = sc.walk_now;
    walked.resize(h().items + 2);  // used blocks: the entries, the bucket array, one spare
    std::size_t nwalked = 0;
    const std::size_t walk_room = walked.size(), nhint = hint.size();
    const std::uint64_t* const hints = hint.data();
    std::uint64_t* const walk_out = walked.data();
    std::size_t at = 0;  // hints[at]: the first hinted block past the current one
    const std::uint64_t hint_limit = h().size > 256 ? h().size - 256 : 0;  // reads stay inside
    const char* const b0 = base();
    alloc().for_each_used([&](std::uint64_t e) {
      if (nwalked < walk_room) walk_out[nwalked++] = e;  // (retired entries: not hinted)
      while (at < nhint && hints[at] <= e) ++at;
      if (at + kAhead < nhint && hints[at + kAhead] < hint_limit) {
        __builtin_prefetch(b0 + hints[at + kAhead] - Alloc::kHead);
        __builtin_prefetch(b0 + hints[at + kAhead] + offsetof(Entry, last_use));
      }
      const std::uint64_t gap = prev_end ? e - Alloc::kHead - prev_end : 0;
      if (pending) finish(gap);
      const std::uint64_t size = alloc().usable_size(e);
      prev_end = e + size;
      if (e == buckets) return;
      if constexpr (kPins) {
        while (next_retired < sc.retired.size() && sc.retired[next_retired] < e) ++next_retired;
        if (next_retired < sc.retired.size() && sc.retired[next_retired] == e) return;
      }
      if (!candidate(e, keep)) return;
      const Entry& en = entry(e);
      v = Victim{gap, en.last_use.load(std::memory_order_relaxed),
                 en.hits.load(std::memory_order_relaxed), e, size};
      est = sk.estimate(en.hash);
      n = entry_bytes(en.key_len, en.value_len);
      pending = true;
    });
    if (pending) finish(0);
    walked.resize(nwalked);
    sc.walk_prev.swap(sc.walk_now);
    order.resize(count);
    sc.uses.resize(count);
    const std::size_t w = std::max<std::size_t>(
        count ? 1 : 0, count * std::min<std::uint64_t>(window_permille(), 1000) / 1000);
    if (w == 0) return;
    std::nth_element(sc.uses.begin(), sc.uses.begin() + std::ptrdiff_t(w - 1), sc.uses.end(),
                     std::greater<std::uint64_t>());
    const std::uint64_t since = sc.uses[w - 1];
    note_band(sc.uses, w);  // the young ghosts' edge (STORE-4): reorders only sc.uses[w..]
    for (Victim& x : order) {
      if (x.use >= since) {  // the window: out of the histogram of what may go in a batch
        sc.hist[rank_bucket(x.rank)] -= x.bytes;
        x.rank = kInWindow;
      } else if (Bugs::evict_frequent) {
        x.rank = kInWindow - 1 - x.rank;
      }
    }
  }

  // Eviction::frequency: how much of sc.order make_room sorts: the candidates whose rank is in
  // the lowest rank buckets (a bucket: a rank's leading bit and the four bits after it, so the
  // buckets are ranges of ranks, in rank order) that hold at least twice the batch's bytes
  // (sc.hist, from rank_by_frequency), moved to the front. Every candidate in front ranks below
  // every one behind, so sorting the front, and the rest only if the batch runs out, evicts
  // exactly what a sort of all would. The window (kInWindow) is never in front.
  std::size_t frequency_head(Scratch& sc, std::uint64_t reserve) const {
    std::vector<Victim>& order = sc.order;
    // The twins take from the other end (evict_newest) or rank by other numbers: sort all.
    if (Bugs::evict_newest || Bugs::evict_frequent) return order.size();
    const std::uint64_t target = 2 * reserve;
    std::uint64_t sum = 0;
    std::size_t last = 0;
    while (last + 1 < kRankBuckets && (sum += sc.hist[last]) < target) ++last;
    std::size_t head = order.size();  // all of it may be needed
    if (last + 1 < kRankBuckets) {
      const std::uint64_t bound = bucket_top(last);
      const auto front = std::partition(order.begin(), order.end(),
                                        [bound](const Victim& x) { return x.rank <= bound; });
      head = std::size_t(front - order.begin());
    }
    std::uint64_t bytes = 0;
    for (std::size_t i = 0; i < head; ++i) bytes += order[i].bytes;
    return narrow_head(order, head, bytes, target, Older());
  }

  // Allocate `need` bytes for a new entry, making room if the arena is full (UC-5). On success
  // a transaction is open and contains the allocation. `keep` (the entry being replaced) is
  // evicted last: the store swaps it out itself when the new entry fits beside it; when even an
  // arena holding nothing else cannot take both (a large value, or the old one fragmenting the
  // arena), keep is evicted too (committed, counted in evictions: a writer killed before the new
  // entry is published leaves the key missing, as after any eviction). Returns 0 only if the
  // entry cannot fit an empty cache (UC-5: need > capacity()), or if the entries the policy
  // protects leave no room for it (STORE-2).
  std::uint64_t allocate(std::uint64_t need, std::uint64_t now_ms, std::uint64_t keep,
                         bool* no_memory) {
    if (need > capacity()) return 0;
    alloc().begin();
    if (const std::uint64_t e = alloc().alloc(need)) return e;
    alloc().commit();  // nothing was written: an empty transaction
    // Making room needs process memory for the list of victims. Out of it (std::bad_alloc),
    // the store fails as no_memory; the lists are built between transactions, so none is open
    // and the lock is released normally by the caller.
    try {
      return make_room(need, now_ms, keep);
    } catch (const std::bad_alloc&) {
      *no_memory = true;
      return 0;
    }
  }

  // Out of line: the slow path of a store (and one function to profile: bench/make_room_instr.sh).
  [[gnu::noinline]] std::uint64_t make_room(std::uint64_t need, std::uint64_t now_ms,
                                            std::uint64_t keep) {
    if constexpr (Bugs::wipe_when_full) {
      remove_all(/*as_evictions=*/true);
      alloc().begin();
      return alloc().alloc(need);
    }
    // 1. Expired entries go first, all of them (they are invisible anyway). Not before the
    //    expiry floor: then none has expired, and the walk is skipped.
    if (now_ms >= h().expiry_floor.load(std::memory_order_relaxed)) {
      std::vector<std::uint64_t> victims;
      std::uint64_t next = ~std::uint64_t{0};  // the floor of the entries that stay
      for_each_entry([&](std::uint64_t e) {
        if (e != keep && expired(e, now_ms))
          victims.push_back(e);
        else if (entry(e).ttl_s != 0)
          next = std::min(next, expiry_bound(use_origin(e), entry(e).ttl_s));
      });
      for (const std::uint64_t e : victims) {
        alloc().begin();
        remove_entry(e, link_of(e), true);
        alloc().commit();
      }
      h().expiry_floor.store(next, std::memory_order_relaxed);
    }
    if constexpr (kPins) collect_retired();  // as below
    alloc().begin();
    if (const std::uint64_t e = alloc().alloc(need)) return e;
    alloc().commit();
    // 2. Least recently used next. Evict until the entry fits, and on to a reserve (1/16 of
    //    the arena), so that the scan is paid once per reserve's worth of stores. With entries
    //    of mixed sizes the holes LRU frees are scattered and most are smaller than the next
    //    request; one large batch coalesces far more of them than many small ones (with a
    //    1/64 reserve a steady churn of 0.25-1.8 KB values paid a full scan every few stores).
    //    Only the lowest part is ordered (LRU: the oldest eighth by nth_element; frequency: the
    //    lowest ranks that hold about twice the batch's bytes, chosen by a histogram, see
    //    frequency_head, and narrowed by nth_element when they hold far more, narrow_head), then
    //    sorted; the rest is sorted only in the rare case the batch runs
    //    out before the entry fits. Either way the victims are exactly those of a full sort.
    // Entries with the same use-clock stamp are ordered by hit count, the less used first.
    // STORE-4: Eviction::frequency ranks first by eviction_density() (the sketch's estimate per
    // entry byte, the bytes counting half the free bytes beside the entry's block), then as LRU;
    // the window (the most recently used window_permille() of the candidates, at least one)
    // ranks above every density, so it goes last. Its batches stop at 1/kFreqReserve (1/32) of
    // the arena: with holes counted, smaller batches pay (+0.2-0.5 points of hit rate on Zipf,
    // bench/pressure_sim.cpp) for twice the scans.
    // The ranking is process memory (Scratch, reused from call to call, never trusted as state):
    // one Victim per candidate, in STORE-4's order (ranks_below); only its lowest part is put in
    // order (`head`), the rest only if the batch runs out before the entry fits.
    Scratch& sc = scratch();
    ScratchRelease release(sc);
    std::vector<Victim>& order = sc.order;
    const Older older;
    const std::uint64_t reserve = need + alloc().max_request() / (kFreq ? kFreqReserve : 16);
    std::size_t head = 0;
    if constexpr (kFreq) {
      age_sketch();  // before the estimates are read (the property test reads them after)
      rank_by_frequency(sc, keep);
      head = frequency_head(sc, reserve);
    } else {
      order.clear();
      order.reserve(h().items);
      for_each_entry([&](std::uint64_t e) {
        if (candidate(e, keep))
          order.push_back(Victim{0, entry(e).last_use.load(std::memory_order_relaxed),
                                 entry(e).hits.load(std::memory_order_relaxed), e, 0});
      });
      head = std::min(order.size(), std::max<std::size_t>(256, order.size() / 8));
      std::nth_element(order.begin(), order.begin() + std::ptrdiff_t(head), order.end(), older);
    }
    std::sort(order.begin(), order.begin() + std::ptrdiff_t(head), older);
    bool tail_sorted = head == order.size();
    //    Eviction::frequency counts what THIS batch freed: its victims are scattered over the
    //    arena (LRU's are mostly neighbours, allocated one after the other), so the free space
    //    it leaves is in holes, and a batch that stopped once the arena's free bytes reached the
    //    reserve would stop after a victim or two and be paid again at the next store (a scan of
    //    every entry per store: 25x slower on the scan trace of bench/php/pressure.php).
    std::uint64_t freed = 0;
    bool fits = false;
    // Policy::aux_pins: an entry a live pinned reader got would only be retired (no room now):
    // eviction passes over it (it is in use; a later store finds it freeable).
    // First without liveness look-ups; if nothing fits, once more reaping dead readers' pins.
    std::uint64_t held_safe = 0;
    if constexpr (kPins && AuxPinsOf<Policy>::value) held_safe = h().readers.safe_below(false);
    bool reaped = false;
    for (std::size_t i = 0; i < order.size(); ++i) {
      if constexpr (kPins && AuxPinsOf<Policy>::value) {
        if (!reaped && i + 1 == order.size() && !fits) {  // the last candidate: ask once
          reaped = true;
          const std::uint64_t s2 = h().readers.safe_below(true);
          if (s2 > held_safe) {
            held_safe = s2;
            i = std::size_t(-1);  // a second pass over what the first one passed over
            continue;
          }
        }
      }
      if (i == head && !tail_sorted) {  // the batch ran out of the ordered part: order the rest
        std::sort(order.begin() + std::ptrdiff_t(head), order.end(), older);
        tail_sorted = true;
      }
      if constexpr (kPins && AuxPinsOf<Policy>::value) {
        if (order[i].e == 0) continue;  // evicted in the first pass
        const std::uint64_t held = entry(order[i].e).aux.load(std::memory_order_acquire) >> 1;
        if (held != 0 && held >= held_safe) continue;
      }
      // Eviction::frequency: once the entry fits, the batch stops at the window, whatever it
      // freed (the window goes only to make the entry fit; its most recent member last:
      // UC-5(d), never a wipe).
      if (kFreq && fits && order[i].rank == kInWindow) break;
      const std::uint64_t e = order[i].e;
      if constexpr (kFreq) note_victim(e);  // STORE-4: a ghost, the window's signal
      freed += alloc().usable_size(e);
      alloc().begin();
      remove_entry(e, link_of(e), false, false);
      alloc().commit();
      h().evictions.fetch_add(1, std::memory_order_relaxed);
      if constexpr (kPins && AuxPinsOf<Policy>::value) order[i].e = 0;  // gone
      // pin_reads: an evicted entry is retired; freed at once unless a live reader may hold it
      // (otherwise its space would come back only after this store, which then fails).
      if constexpr (kPins) collect_retired();
      if (!fits && alloc().largest_free_block() >= alloc().guaranteed_fit(need)) fits = true;
      if (fits && (kFreq ? freed : alloc().stats().free) >= reserve) break;
    }
    alloc().begin();
    if (const std::uint64_t e = alloc().alloc(need)) return e;
    alloc().commit();
    // 3. Only the entry being replaced is left, and the new one does not fit beside it.
    if (keep) {
      alloc().begin();
      remove_entry(keep, link_of(keep), false, false);
      alloc().commit();
      h().evictions.fetch_add(1, std::memory_order_relaxed);
      if constexpr (kPins) collect_retired();
      alloc().begin();
      if (const std::uint64_t e = alloc().alloc(need)) return e;
      alloc().commit();
    }
    return 0;
  }

  template <class Fn>
  CacheStatus update_int(unsigned slot, const char* key, std::uint32_t klen, std::uint64_t now_ms,
                         Fn&& fn) {
    (void)slot;
    if (!write_lock()) return CacheStatus::busy;
    const std::uint64_t e = find(key, klen, hash_of(key, klen), nullptr);
    CacheStatus st = CacheStatus::miss;
    if (e && !expired(e, now_ms)) {
      Entry& en = entry(e);
      if (ValueType(en.type) != ValueType::long_int || en.value_len != 8) {
        st = CacheStatus::not_int;
      } else {
        std::int64_t cur;
        std::memcpy(&cur, value_ptr(e), 8);
        std::int64_t next = cur;
        if (fn(cur, next)) {
          alloc().begin();
          put(std::uint64_t(value_ptr(e) - base()), std::uint64_t(next));
          alloc().commit();
          en.hits.fetch_add(1, std::memory_order_relaxed);
          en.last_use.store(tick(), std::memory_order_relaxed);
          st = CacheStatus::ok;
        } else {
          st = CacheStatus::mismatch;
        }
      }
    }
    write_unlock();
    return st;
  }

  Header hd_;  // the whole object: the store is the region's first bytes

  CacheStats stats_locked() const {
    CacheStats s{};
    s.items = h().items;
    for (const auto& c : h().per_slot) {
      s.hits += c.hits.load(std::memory_order_relaxed);
      s.misses += c.misses.load(std::memory_order_relaxed);
    }
    s.evictions = h().evictions.load(std::memory_order_relaxed);
    s.expirations = h().expirations.load(std::memory_order_relaxed);
    s.resets = h().resets.load(std::memory_order_relaxed);
    s.recoveries = h().recoveries.load(std::memory_order_relaxed);
    s.created_ms = h().created_ms;
    return s;
  }
};

}  // namespace wc
