// core/freq_sketch.hpp: how often each key was asked for lately: a count-min sketch of 8-bit
// counters in shared memory, the frequency hint of the keyed store's frequency-aware eviction
// (Eviction::frequency, core/store.hpp; UC-5 and STORE-4 in docs/invariants/ucache.md).
//
// The sketch is an array of 64-bit words, a power of two of them, in the store's region between
// its header and the allocator (so that it is neither an arena block nor journaled). Two words
// make a block of sixteen 8-bit counters in four rows of four. A key (by its 64-bit store hash,
// mixed again so that the sketch's bits are not the bucket's) maps to ONE block (16 bytes, one
// cache line), and in it to one counter of each row. Its estimate is the least of its four
// counters (a count-min: collisions only ever add); an increment raises only the counters equal
// to that least value (the "conservative update"), and none past 255.
//
// Aging: the store halves every counter once the accesses counted since the last aging reach
// KeyedStore::kAgeFactor per entry held (one shift and mask per word). What was popular long ago
// fades; 8 bits leave room to tell apart the keys near the eviction boundary, which at a quarter
// of a Zipf(0.8) working set are asked for a few times per hundred thousand accesses (4-bit
// counters, which saturate at 15, cost up to 2 points of hit rate there: bench/pressure_sim.cpp).
//
// Concurrency and crashes: the words are Prim atomics read and written with relaxed order and no
// compare-and-swap. Two processes incrementing the same block at once may lose one increment,
// and an increment racing an aging may undo the halving of that one word; a process killed
// anywhere leaves every word a valid set of counters. All of that only makes the estimate less
// precise. The sketch is a hint: the store uses it to ORDER eviction victims and for nothing
// else, so no correctness property depends on what it says (STORE-4).
#pragma once

#include <algorithm>
#include <cstdint>

namespace wc {

template <class Prim>
class FreqSketch {
  template <class T>
  using A = typename Prim::template atomic<T>;

 public:
  static constexpr unsigned kMax = 255;  // a counter's ceiling

  // How many words a region of `region_bytes` gets: at least one per 512 bytes of region (one
  // key's block of two words per KB), rounded up to a power of two, 64 .. 2^22 words (512 B ..
  // 32 MB, the largest from a 2 GB region on): 1.6% to 3.1% of the region by the rounding (2.6%
  // of the 5 and 10 MB regions of bench/pressure_sim.cpp). A sketch sized at exactly 1/512 or
  // 1/768 of the region (1.6%, 1.0%) moved the Zipf rows by -0.3 .. +0.2 point and cost the scan
  // row 0.7-2.4 points (its one-time keys collide more); docs/benchmarks.md "pressure".
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
    const Slots k(mix(hash), mask_);
    const std::uint64_t a = w_[k.word].load(std::memory_order_relaxed);
    const std::uint64_t b = w_[k.word + 1].load(std::memory_order_relaxed);
    return least(a, b, k);
  }

  // One access of the key: the counters at the key's least value go up by one (none past kMax).
  // Two loads, and a store of each word where something changed (a key at kMax writes nothing).
  void add(std::uint64_t hash) {
    const Slots k(mix(hash), mask_);
    A<std::uint64_t>* w = &w_[k.word];
    const std::uint64_t a = w[0].load(std::memory_order_relaxed);
    const std::uint64_t b = w[1].load(std::memory_order_relaxed);
    const unsigned c0 = unsigned(a >> k.s0) & kMax, c1 = unsigned(a >> k.s1) & kMax;
    const unsigned c2 = unsigned(b >> k.s2) & kMax, c3 = unsigned(b >> k.s3) & kMax;
    const unsigned lo = std::min(std::min(c0, c1), std::min(c2, c3));
    if (lo == kMax) return;
    const std::uint64_t da = (std::uint64_t{c0 == lo} << k.s0) + (std::uint64_t{c1 == lo} << k.s1);
    const std::uint64_t db = (std::uint64_t{c2 == lo} << k.s2) + (std::uint64_t{c3 == lo} << k.s3);
    if (da) w[0].store(a + da, std::memory_order_relaxed);
    if (db) w[1].store(b + db, std::memory_order_relaxed);
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
  // Where a key's counters are: its block's first word, and the bit offset of its counter in
  // each row (row r: byte 4 * (r % 2) + two bits of m, in word r / 2 of the block).
  struct Slots {
    std::uint64_t word;
    unsigned s0, s1, s2, s3;
    Slots(std::uint64_t m, std::uint64_t mask)
        : word(2 * ((m >> 20) & mask)),
          s0(8u * unsigned(m & 3u)),
          s1(8u * (4u + unsigned((m >> 2) & 3u))),
          s2(8u * unsigned((m >> 4) & 3u)),
          s3(8u * (4u + unsigned((m >> 6) & 3u))) {}
  };
  static unsigned least(std::uint64_t a, std::uint64_t b, const Slots& k) {
    const unsigned c0 = unsigned(a >> k.s0) & kMax, c1 = unsigned(a >> k.s1) & kMax;
    const unsigned c2 = unsigned(b >> k.s2) & kMax, c3 = unsigned(b >> k.s3) & kMax;
    return std::min(std::min(c0, c1), std::min(c2, c3));
  }

  A<std::uint64_t>* w_;
  std::uint64_t mask_;  // blocks - 1
};

}  // namespace wc
