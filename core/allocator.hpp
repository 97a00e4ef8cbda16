// core/allocator.hpp: a two-level segregated-fit allocator for one shared segment.
//
// The allocator's header and every block it manages live inside one segment that different
// processes map at different addresses, so every link is an OFFSET from the segment base, never a
// pointer. The header finds the segment base from its own address and its recorded offset.
// The caller serialises all calls (the segment's RwLock, exclusive); the allocator itself uses no
// atomics.
//
// Blocks
// ------
// A block starts at an offset that is 8 mod 16 and its size is a multiple of 16, so every payload
// (block + 8) is 16-byte aligned relative to the page-aligned base. Layout:
//
//   used block:  [ u64 head ][ payload .......................................... ]
//   free block:  [ u64 head ][ u64 next ][ u64 prev ][ ... unused ... ][ u64 size ]
//
//   head = size | FREE (bit 0) | PREV_FREE (bit 1)
//
// The size footer of a free block lets the block after it find its start, so free() merges with
// both neighbours in O(1) (immediate coalescing). A used block carries only its 8-byte head: the
// per-block overhead is 8 bytes, plus rounding of the request to 16 (at most 15 bytes), plus a tail
// too small to split off (under kMinBlock = 32 bytes). A zero-size, never-free epilogue head sits at
// the end of the arena so that "the next block" always exists.
//
// Free lists
// ----------
// Free blocks are kept in kFl x kSl lists, indexed by (first level = power of two of the size,
// second level = which of 16 equal slices of that power). Sizes under 256 use the first list row
// linearly, in steps of 16. A bitmap per level records which lists are non-empty, so finding a
// list with a block that is certainly big enough is two find-first-set operations. alloc and free
// therefore run in O(1): no list is ever scanned (the "good fit" of TLSF: the request is rounded up
// to the next slice boundary so that the head of any list found fits).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <type_traits>

#include "prim.hpp"

namespace wc {

struct AllocStats {
  std::uint64_t total;          // arena bytes (blocks + epilogue)
  std::uint64_t free;           // bytes in free blocks
  std::uint64_t used;           // bytes in used blocks (payload + their heads)
  std::uint64_t free_blocks;
  std::uint64_t used_blocks;
  std::uint64_t overhead;       // allocator header + 8 per used block + epilogue
  std::uint64_t largest_free;   // payload of the largest free block (alloc grants any request
                                // whose guaranteed_fit() is <= that block, never more than it)
  double fragmentation;         // 1 - largest_free_block / free  (0 when free == 0)
};

template <class Bugs = NoSeededBugs>
class Allocator {
 public:
  static constexpr std::uint64_t kAlign = 16;
  static constexpr std::uint64_t kHead = 8;
  static constexpr std::uint64_t kMinBlock = 32;
  static constexpr int kSlLog = 4;
  static constexpr int kSl = 1 << kSlLog;                 // 16 second-level lists
  static constexpr int kSmallLog = kSlLog + 4;            // sizes < 256 map linearly
  static constexpr int kFl = 32;                          // blocks smaller than 2^(kFl+7)
  static constexpr int kExactScan = 8;                  // blocks looked at in the fallback
  static constexpr std::uint64_t kMagic = 0x57434130414C4C43ull;  // "WCA0ALLC"

  // Place an allocator header at `base + header_off`, managing the rest of the segment up to
  // `segment_size`. Returns nullptr if the segment is too small to hold one block.
  static Allocator* create(void* base, std::uint64_t header_off, std::uint64_t segment_size) {
    char* b = static_cast<char*>(base);
    if (header_off % alignof(Allocator) != 0) return nullptr;
    std::uint64_t begin = header_off + sizeof(Allocator);
    begin = (begin + 15) / 16 * 16 + 8;                   // first block head at 8 mod 16
    if (segment_size < begin + kMinBlock + kHead) return nullptr;
    std::uint64_t end = (segment_size - kHead - 8) / 16 * 16 + 8;  // epilogue head, 8 mod 16
    if (end < begin + kMinBlock) return nullptr;
    auto* a = new (b + header_off) Allocator();
    a->self_off_ = header_off;
    a->begin_ = begin;
    a->end_ = end;
    a->put(end, 0);                                        // epilogue: used, size 0
    a->put(begin, (end - begin) | kFree);
    a->set_footer(begin, end - begin);
    a->insert(begin, end - begin);
    a->free_bytes_ = end - begin;
    a->free_blocks_ = 1;
    a->set_prev_free(end, true);
    a->magic_ = kMagic;
    return a;
  }

  // Find an existing header (another process). nullptr if the magic or geometry is wrong.
  static Allocator* attach(void* base, std::uint64_t header_off, std::uint64_t segment_size) {
    auto* a = reinterpret_cast<Allocator*>(static_cast<char*>(base) + header_off);
    if (a->magic_ != kMagic || a->self_off_ != header_off || a->end_ + kHead > segment_size)
      return nullptr;
    return a;
  }

  // No request larger than this can ever succeed (the payload of one block spanning the arena;
  // a fresh arena grants exactly this much).
  std::uint64_t max_request() const { return end_ - begin_ - kHead; }

  // ALLOC-8: alloc(n) succeeds whenever some free block is at least this large (the request
  // rounded up to the next size-class boundary: the price of O(1) good fit). Below that it may
  // still succeed through the bounded exact-class look. 0 if n can never fit.
  std::uint64_t guaranteed_fit(std::uint64_t n) const {
    std::uint64_t size = block_size_for(n);
    if (size >= (std::uint64_t{1} << kSmallLog))
      size += (std::uint64_t{1} << (log2(size) - kSlLog)) - 1;
    return size;
  }

  // Size of the largest free block (0 if none).
  std::uint64_t largest_free_block() const {
    if (fl_bitmap_ == 0) return 0;
    const int fl = 31 - __builtin_clz(fl_bitmap_);
    const int sl = 31 - __builtin_clz(sl_bitmap_[fl]);
    std::uint64_t best = 0, steps = 0;  // the top list only: sizes within one slice
    for (std::uint64_t b = heads_[fl][sl]; b != 0 && steps <= free_blocks_; b = next_of(b), ++steps)
      if (size_of(b) > best) best = size_of(b);
    return best;
  }

  // Returns the payload offset (from the segment base, 16-byte aligned, never 0), or 0 when no
  // free block can hold n bytes (ALLOC-8: nothing changes then).
  std::uint64_t alloc(std::uint64_t n) {
    const std::uint64_t size = block_size_for(n);
    if (size == 0) return 0;
    int fl, sl;
    std::uint64_t blk = 0;
    if (search_class(size, fl, sl) && find_nonempty(fl, sl)) {
      blk = heads_[fl][sl];
    } else {
      // Good fit found nothing: a block of the request's own class may still be big enough
      // (the only block of a fresh arena is). Look at the first few, a bounded O(1) scan.
      mapping(size, fl, sl);
      if (fl >= kFl) return 0;
      std::uint64_t b = heads_[fl][sl];
      for (int i = 0; b != 0 && i < kExactScan && size_of(b) < size; ++i) b = next_of(b);
      if (b == 0 || size_of(b) < size) return 0;
      blk = b;
    }
    remove(blk, fl, sl);
    const std::uint64_t have = size_of(blk);
    --free_blocks_;
    free_bytes_ -= have;
    mark_used(blk, have);
    ++used_blocks_;
    split_tail(blk, size);
    return blk + kHead;  // ALLOC-7
  }

  // Frees a payload offset returned by alloc/realloc. Returns false, changing nothing, for an
  // immediate double free and for offsets outside the arena or misaligned (ALLOC-9). An aligned
  // offset INSIDE a live payload whose 8 preceding bytes look like a used head cannot be told
  // apart in O(1): callers pass only offsets they got from alloc (the cache index does).
  bool free(std::uint64_t payload) {
    if (!valid_used(payload)) return false;
    release(payload - kHead);
    return true;
  }

  // Resize in place when possible, else move. Returns the new payload offset, or 0 when there is
  // no room (the old block is then untouched and still owned by the caller).
  std::uint64_t realloc(std::uint64_t payload, std::uint64_t n) {
    if (payload == 0) return alloc(n);
    if (!valid_used(payload)) return 0;
    const std::uint64_t want = block_size_for(n);
    if (want == 0) return 0;
    const std::uint64_t blk = payload - kHead;
    const std::uint64_t have = size_of(blk);
    if (want <= have) {  // shrink in place
      split_tail(blk, want);
      return payload;
    }
    const std::uint64_t next = blk + have;
    if (is_free(next) && have + size_of(next) >= want) {  // grow into the free neighbour
      const std::uint64_t ns = size_of(next);
      unlink(next);
      --free_blocks_;
      free_bytes_ -= ns;
      mark_used(blk, have + ns);
      split_tail(blk, want);
      return payload;
    }
    const std::uint64_t moved = alloc(n);
    if (moved == 0) return 0;
    std::memcpy(base() + moved, base() + payload, have - kHead);
    release(blk);
    return moved;
  }

  // Usable bytes of a used block's payload (>= what was requested).
  std::uint64_t usable_size(std::uint64_t payload) const {
    return size_of(payload - kHead) - kHead;
  }

  char* base() { return reinterpret_cast<char*>(this) - self_off_; }
  const char* base() const { return reinterpret_cast<const char*>(this) - self_off_; }

  AllocStats stats() const {
    AllocStats s{};
    s.total = end_ + kHead - begin_;
    s.free = free_bytes_;
    s.used = end_ - begin_ - free_bytes_;
    s.free_blocks = free_blocks_;
    s.used_blocks = used_blocks_;
    s.overhead = sizeof(Allocator) + kHead * used_blocks_ + kHead;
    const std::uint64_t big = largest_free_block();
    s.largest_free = big ? big - kHead : 0;
    s.fragmentation = free_bytes_ ? 1.0 - double(big) / double(free_bytes_) : 0.0;
    return s;
  }

  bool check_invariants() const { return violation() == nullptr; }

  // The first violated invariant, or nullptr. Walks every block and every list: O(blocks).
  const char* violation() const {
    if (magic_ != kMagic) return "header magic";
    std::uint64_t off = begin_, nfree = 0, nused = 0, fbytes = 0;
    bool prev_free = false;
    while (off < end_) {
      const std::uint64_t sz = size_of(off);
      if (off % 16 != 8 || sz < kMinBlock || sz % 16 != 0 || off + sz > end_)
        return "ALLOC-1 blocks tile the arena";
      if (prev_free_bit(off) != prev_free) return "ALLOC-3 PREV_FREE mirrors the predecessor";
      if (is_free(off)) {
        if (prev_free) return "ALLOC-2 no two adjacent free blocks";
        if (footer(off) != sz) return "ALLOC-3 free block footer";
        int fl, sl;
        mapping(sz, fl, sl);
        if (!on_list(off, fl, sl)) return "ALLOC-4 free block on the list its size names";
        ++nfree;
        fbytes += sz;
      } else {
        ++nused;
      }
      prev_free = is_free(off);
      off += sz;
    }
    if (off != end_ || size_of(end_) != 0 || is_free(end_)) return "ALLOC-1 epilogue";
    if (prev_free_bit(end_) != prev_free) return "ALLOC-3 PREV_FREE of the epilogue";
    std::uint64_t listed = 0;
    for (int fl = 0; fl < kFl; ++fl) {
      if (((fl_bitmap_ >> fl) & 1u) != (sl_bitmap_[fl] != 0)) return "ALLOC-5 first-level bitmap";
      for (int sl = 0; sl < kSl; ++sl) {
        const bool nonempty = heads_[fl][sl] != 0;
        if (((sl_bitmap_[fl] >> sl) & 1u) != nonempty) return "ALLOC-5 second-level bitmap";
        std::uint64_t prev = 0;
        for (std::uint64_t b = heads_[fl][sl]; b != 0; b = next_of(b)) {
          if (++listed > nfree) return "ALLOC-4 list longer than the free blocks (cycle or dup)";
          if (b < begin_ || b >= end_ || b % 16 != 8 || !is_free(b))
            return "ALLOC-4 list holds a non-free block";
          int f2, s2;
          mapping(size_of(b), f2, s2);
          if (f2 != fl || s2 != sl) return "ALLOC-4 block on the wrong list";
          if (prev_of(b) != prev) return "ALLOC-4 prev link";
          prev = b;
        }
      }
    }
    if (listed != nfree) return "ALLOC-4 a free block is on no list";
    if (nfree != free_blocks_ || nused != used_blocks_ || fbytes != free_bytes_)
      return "ALLOC-6 counters match the walk";
    return nullptr;
  }

  // Size class of a block size (exposed for tests).
  static void mapping(std::uint64_t size, int& fl, int& sl) {
    if (size < (std::uint64_t{1} << kSmallLog)) {
      fl = 0;
      sl = int(size >> 4);
    } else {
      const int f = log2(size);
      sl = int((size >> (f - kSlLog)) ^ (std::uint64_t{1} << kSlLog));
      fl = f - kSmallLog + 1;
    }
  }

 private:
  static constexpr std::uint64_t kFree = 1;
  static constexpr std::uint64_t kPrevFree = 2;
  static constexpr std::uint64_t kFlags = 3;

  Allocator() = default;

  static int log2(std::uint64_t v) { return 63 - __builtin_clzll(v); }

  // Block size for an n-byte payload; 0 if it can never fit a size class.
  std::uint64_t block_size_for(std::uint64_t n) const {
    if (n > max_request()) return 0;
    std::uint64_t s = (n + kHead + 15) / 16 * 16;
    return s < kMinBlock ? kMinBlock : s;
  }

  // The list to start searching for a block of `size`: rounded up to the next slice boundary so
  // the head of any list at or above it fits without scanning.
  static bool search_class(std::uint64_t size, int& fl, int& sl) {
    if (size >= (std::uint64_t{1} << kSmallLog))
      size += (std::uint64_t{1} << (log2(size) - kSlLog)) - 1;  // see guaranteed_fit()
    mapping(size, fl, sl);
    return fl < kFl;
  }

  bool find_nonempty(int& fl, int& sl) const {
    std::uint32_t sm = sl_bitmap_[fl] & (~std::uint32_t{0} << sl);
    if (sm == 0) {
      const std::uint32_t fm = fl + 1 < kFl ? fl_bitmap_ & (~std::uint32_t{0} << (fl + 1)) : 0;
      if (fm == 0) return false;
      fl = __builtin_ctz(fm);
      sm = sl_bitmap_[fl];
    }
    sl = __builtin_ctz(sm);
    return true;
  }

  // --- raw block access (offsets from base) ---
  std::uint64_t word(std::uint64_t off) const {
    std::uint64_t v;
    std::memcpy(&v, base() + off, 8);
    return v;
  }
  void put(std::uint64_t off, std::uint64_t v) { std::memcpy(base() + off, &v, 8); }
  std::uint64_t size_of(std::uint64_t blk) const { return word(blk) & ~kFlags; }
  bool is_free(std::uint64_t blk) const { return word(blk) & kFree; }
  bool prev_free_bit(std::uint64_t blk) const { return word(blk) & kPrevFree; }
  std::uint64_t next_of(std::uint64_t blk) const { return word(blk + 8); }
  std::uint64_t prev_of(std::uint64_t blk) const { return word(blk + 16); }
  std::uint64_t footer(std::uint64_t blk) const { return word(blk + size_of(blk) - 8); }
  void set_footer(std::uint64_t blk, std::uint64_t size) { put(blk + size - 8, size); }
  void set_prev_free(std::uint64_t blk, bool f) {
    put(blk, (word(blk) & ~kPrevFree) | (f ? kPrevFree : 0));
  }

  void mark_used(std::uint64_t blk, std::uint64_t size) {
    put(blk, size | (word(blk) & kPrevFree));
    set_prev_free(blk + size, false);
  }

  // Cut a used block down to `size`, freeing the tail when it can stand as a block.
  void split_tail(std::uint64_t blk, std::uint64_t size) {
    const std::uint64_t have = size_of(blk);
    if (have - size < kMinBlock) return;
    put(blk, size | (word(blk) & kPrevFree));
    const std::uint64_t tail = blk + size;
    put(tail, have - size);  // used, predecessor used
    ++used_blocks_;
    release(tail);
  }

  bool valid_used(std::uint64_t payload) const {
    if (payload < begin_ + kHead || payload >= end_ || payload % 16 != 0) return false;
    const std::uint64_t blk = payload - kHead;
    const std::uint64_t sz = size_of(blk);
    return !is_free(blk) && sz >= kMinBlock && blk + sz <= end_;
  }

  // Free a used block and merge it with free neighbours (ALLOC-2).
  void release(std::uint64_t blk) {
    std::uint64_t size = size_of(blk);
    --used_blocks_;
    // Its head reads FREE from now on, even where it ends up inside a merged block, so freeing
    // the same offset again is refused until that memory is handed out again (ALLOC-9).
    put(blk, word(blk) | kFree);
    if constexpr (!Bugs::skip_coalesce) {
      if (prev_free_bit(blk)) {
        const std::uint64_t psize = word(blk - 8);  // the predecessor's footer
        const std::uint64_t prev = blk - psize;
        unlink(prev);
        --free_blocks_;
        free_bytes_ -= psize;
        blk = prev;
        size += psize;
      }
      const std::uint64_t next = blk + size;
      if (is_free(next)) {
        const std::uint64_t nsize = size_of(next);
        unlink(next);
        --free_blocks_;
        free_bytes_ -= nsize;
        size += nsize;
      }
    }
    put(blk, size | kFree | (word(blk) & kPrevFree));
    if constexpr (!Bugs::skip_footer) set_footer(blk, size);  // ALLOC-3
    set_prev_free(blk + size, true);
    insert(blk, size);
    ++free_blocks_;
    free_bytes_ += size;
  }

  void insert(std::uint64_t blk, std::uint64_t size) {
    int fl, sl;
    mapping(size, fl, sl);
    const std::uint64_t head = heads_[fl][sl];
    put(blk + 8, head);
    put(blk + 16, 0);
    if (head) put(head + 16, blk);
    heads_[fl][sl] = blk;
    sl_bitmap_[fl] |= 1u << sl;
    fl_bitmap_ |= 1u << fl;
  }

  void remove(std::uint64_t blk, int fl, int sl) {
    const std::uint64_t n = next_of(blk), p = prev_of(blk);
    if (n) put(n + 16, p);
    if (p) {
      put(p + 8, n);
    } else {
      heads_[fl][sl] = n;
      if (n == 0) {
        sl_bitmap_[fl] &= ~(1u << sl);
        if (sl_bitmap_[fl] == 0) fl_bitmap_ &= ~(1u << fl);
      }
    }
  }

  void unlink(std::uint64_t blk) {
    int fl, sl;
    mapping(size_of(blk), fl, sl);
    remove(blk, fl, sl);
  }

  bool on_list(std::uint64_t blk, int fl, int sl) const {
    std::uint64_t steps = 0;
    for (std::uint64_t b = heads_[fl][sl]; b != 0 && steps <= free_blocks_; b = next_of(b), ++steps)
      if (b == blk) return true;
    return false;
  }

  // ---- shared header fields (cross-process ABI). Guarded by the segment lock (exclusive). ----
  std::uint64_t magic_ = 0;        // kMagic once initialised (written last by create)
  std::uint64_t self_off_ = 0;     // offset of this header from the segment base
  std::uint64_t begin_ = 0;        // offset of the first block head
  std::uint64_t end_ = 0;          // offset of the epilogue head
  std::uint64_t free_bytes_ = 0;   // sum of free block sizes
  std::uint64_t free_blocks_ = 0;  // number of free blocks
  std::uint64_t used_blocks_ = 0;  // number of used blocks
  std::uint32_t fl_bitmap_ = 0;    // bit f: some list of row f is non-empty
  std::uint32_t sl_bitmap_[kFl] = {};  // bit s of row f: list (f, s) is non-empty
  std::uint64_t heads_[kFl][kSl] = {};  // first free block of each list (offset; 0 = empty)
};

static_assert(std::is_standard_layout<Allocator<>>::value, "Allocator is a cross-process ABI");
static_assert(sizeof(Allocator<>) == 7 * 8 + 4 + 4 * Allocator<>::kFl + 4 +
                                         8 * Allocator<>::kFl * Allocator<>::kSl,
              "Allocator header layout changed: bump the segment format version");

}  // namespace wc
