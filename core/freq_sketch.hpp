// core/freq_sketch.hpp: how often each key was asked for lately: a count-min sketch of 4-bit
// counters in shared memory, the frequency hint of the keyed store's frequency-aware eviction
// (Eviction::frequency, core/store.hpp; UC-5 and STORE-4 in docs/invariants/ucache.md).
//
// The sketch is an array of 64-bit words, a power of two of them, in the store's region
// between its header and the allocator (so that it is neither an arena block nor journaled).
// Each word holds sixteen 4-bit counters in four rows of four. A key (by its 64-bit store hash,
// mixed again so that the sketch's bits are not the bucket's) maps to ONE word, and in it to one
// counter of each row: one cache line per access, four counters. Its estimate is the least of
// its four counters (a count-min: collisions only ever add); an increment raises only the
// counters equal to that least value (the "conservative update"), and none past 15.
//
// Aging: when as many accesses as ten times the entries the store holds have been counted since
// the last aging, every counter is halved (one shift and mask per word). What was popular long
// ago fades; a key that is popular now climbs back within a few accesses (15 is the ceiling:
// the old favourites are never more than 15 accesses ahead of a new one).
//
// Concurrency and crashes: the words are Prim atomics read and written with relaxed order and
// no compare-and-swap. Two processes incrementing the same word at once may lose one increment,
// and an increment racing an aging may undo the halving of that one word; a process killed
// anywhere leaves every word a valid set of counters. All of that only makes the estimate less
// precise. The sketch is a hint: the store uses it to ORDER eviction victims and for nothing
// else, so no correctness property depends on what it says (STORE-4).
#pragma once

#include <cstdint>

namespace wc {

template <class Prim>
class FreqSketch {
  template <class T>
  using A = typename Prim::template atomic<T>;

 public:
  static constexpr unsigned kMax = 255;  // a counter's ceiling

  // How many words a region of `region_bytes` gets: one per 512 bytes of region (1.6% of it;
  // one key's block of two words per KB), a power of two, 64 .. 2^22 words (512 B .. 32 MB,
  // the largest from a 2 GB region on).
  static std::uint64_t words_for(std::uint64_t region_bytes) {
    std::uint64_t n = 64;
    while (n * 512 < region_bytes && n < (std::uint64_t{1} << 22)) n <<= 1;
    return n;
  }

  // A view of `nwords` words (a power of two, at least 2) at `words`.
  FreqSketch(A<std::uint64_t>* words, std::uint64_t nwords) : w_(words), mask_(nwords / 2 - 1) {}

  // Zero every counter (a fresh region: the caller knows the memory is private).
  void clear() {
    for (std::uint64_t i = 0; i < 2 * (mask_ + 1); ++i) w_[i].store(0, std::memory_order_relaxed);
  }

  // The least of the key's four counters: 0 .. kMax.
  unsigned estimate(std::uint64_t hash) const {
    const std::uint64_t m = mix(hash);
    const std::uint64_t v[2] = {w_[2 * block(m)].load(std::memory_order_relaxed),
                                w_[2 * block(m) + 1].load(std::memory_order_relaxed)};
    unsigned least = kMax;
    for (unsigned row = 0; row < 4; ++row) {
      const unsigned c = unsigned(v[row >> 1] >> shift(m, row)) & kMax;
      if (c < least) least = c;
    }
    return least;
  }

  // One access of the key: the counters at the key's least value go up by one (none past kMax).
  // Two loads, and a store of each word where something changed (a key at kMax writes nothing).
  void add(std::uint64_t hash) {
    const std::uint64_t m = mix(hash);
    A<std::uint64_t>* w = &w_[2 * block(m)];
    const std::uint64_t v[2] = {w[0].load(std::memory_order_relaxed),
                                w[1].load(std::memory_order_relaxed)};
    unsigned least = kMax;
    for (unsigned row = 0; row < 4; ++row) {
      const unsigned c = unsigned(v[row >> 1] >> shift(m, row)) & kMax;
      if (c < least) least = c;
    }
    if (least == kMax) return;
    std::uint64_t nv[2] = {v[0], v[1]};
    for (unsigned row = 0; row < 4; ++row) {
      const unsigned s = shift(m, row);
      if ((unsigned(v[row >> 1] >> s) & kMax) == least) nv[row >> 1] += std::uint64_t{1} << s;
    }
    if (nv[0] != v[0]) w[0].store(nv[0], std::memory_order_relaxed);
    if (nv[1] != v[1]) w[1].store(nv[1], std::memory_order_relaxed);
  }

  // Every counter halved, `times` times (at most 8: then all are 0).
  void age(unsigned times) {
    if (times == 0) return;
    if (times > 8) times = 8;
    // Each byte shifted right within itself: shift the word, clear the bits that came in from
    // the byte above.
    const std::uint64_t keep = (0xFFull >> times) * 0x0101010101010101ull;
    for (std::uint64_t i = 0; i < 2 * (mask_ + 1); ++i) {
      const std::uint64_t v = w_[i].load(std::memory_order_relaxed);
      if (v != 0) w_[i].store((v >> times) & keep, std::memory_order_relaxed);
    }
  }

  std::uint64_t words() const { return 2 * (mask_ + 1); }

 private:
  static std::uint64_t mix(std::uint64_t hash) {
    std::uint64_t m = (hash ^ (hash >> 31)) * 0x9E3779B97F4A7C15ull;
    return m ^ (m >> 29);
  }
  std::uint64_t block(std::uint64_t m) const { return (m >> 20) & mask_; }
  // Row r's counter: byte 4 * (r % 2) + (two bits of m) of word r / 2, as a bit offset.
  static unsigned shift(std::uint64_t m, unsigned row) {
    return 8u * (4u * (row & 1u) + unsigned((m >> (2 * row)) & 3u));
  }

  A<std::uint64_t>* w_;
  std::uint64_t mask_;  // blocks - 1
};

}  // namespace wc
