// core/allocator.hpp: a two-level segregated-fit allocator for one shared segment.
//
// The allocator's header and every block it manages live inside one segment that different
// processes map at different addresses, so every link is an OFFSET from the segment base, never a
// pointer. The header finds the segment base from its own address and its recorded offset.
// The caller serialises all calls (the segment's RwLock, exclusive). The allocator's own words
// (block heads, links, footers, header fields) are plain memory; its only atomics are the two
// counters of its undo journal (core/undo_log.hpp), reached through the `Prim` policy.
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
//
// Crash consistency (ALLOC-10, docs/invariants/recovery.md)
// ---------------------------------------------------------
// Every write to the allocator's shared state, block words and header fields alike (all header
// fields are 8-byte words), goes through the undo journal that ends the header: the old value is
// journaled before the word changes. alloc / free / realloc called outside a transaction run as
// an implicit one-operation transaction (begin ... commit); between begin() and commit() they
// join the caller's transaction, in which the caller may journal its own 8-byte writes with
// logged_put(). A process killed anywhere inside leaves the transaction open: the next lock
// holder (told owner_died by the RwLock) calls recover(), which puts every journaled word back,
// so the allocator is exactly as before the transaction; a transaction whose commit point
// (count_ = 0) was reached is never undone.
//
// Memory handed out inside a transaction is written by the caller (and by realloc's copy)
// WITHOUT journaling. So whenever an allocator word stops being the allocator's (a free block's
// links and footer when the block is handed out, a neighbour's head, links or footer when it is
// absorbed by a merge), it is journaled first ("saved") even though the allocator itself does not
// change it: rollback then restores it whatever the caller wrote over it. What the journal
// cannot restore is a caller's payload bytes: a block freed in a transaction and handed out again
// by the same transaction loses its old contents to the new owner's unjournaled writes. Rule for
// callers: in one transaction, allocate before you free (or commit the frees first); write
// journaled (logged_put) to any payload that was live before the transaction.
//
// Journal capacity: each operation has a worst case of journal entries (kJournalAlloc,
// kJournalFree, kJournalRealloc); an operation that would not fit in the room left refuses
// (alloc/realloc return 0, free returns false) BEFORE writing anything. An implicit transaction
// always fits. The worst cases are counted at the functions below and checked by the property
// test.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <type_traits>

#include "prim.hpp"
#include "undo_log.hpp"

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

template <class Prim, class Bugs = NoSeededBugs>
class Allocator {
 public:
  using Journal = UndoLog<Prim>;
  static constexpr std::uint64_t kAlign = 16;
  static constexpr std::uint64_t kHead = 8;
  static constexpr std::uint64_t kMinBlock = 32;
  static constexpr int kSlLog = 4;
  static constexpr int kSl = 1 << kSlLog;                 // 16 second-level lists
  static constexpr int kSmallLog = kSlLog + 4;            // sizes < 256 map linearly
  static constexpr int kFl = 32;                          // blocks smaller than 2^(kFl+7)
  static constexpr int kExactScan = 8;                  // blocks looked at in the own list
  static constexpr std::uint64_t kMagic = 0x57434131414C4C43ull;  // "WCA1ALLC" (journaled layout)

  // Worst-case journal entries of one operation, counting every write site once even where the
  // value cannot change (see the counts at take(), free_range(), grow_into(), split_used()).
  // Realistic transaction: one alloc + one free + 64 index words = 105 entries, a fifth of
  // Journal::kEntries.
  static constexpr std::uint32_t kJournalAlloc = 18;
  static constexpr std::uint32_t kJournalFree = 23;
  static constexpr std::uint32_t kJournalRealloc = 38;

  // Place an allocator header at `base + header_off`, managing the rest of the segment up to
  // `segment_size`. Returns nullptr if the segment is too small to hold one block. The memory is
  // still private to the creator: nothing is journaled.
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
    const std::uint64_t size = end - begin;
    a->put(end, kPrevFree);                                // epilogue: used, size 0
    a->put(begin, size | kFree);
    a->put(begin + 8, 0);                                  // the only block of its list
    a->put(begin + 16, 0);
    a->put(begin + size - 8, size);                        // footer
    int fl, sl;
    mapping(size, fl, sl);
    a->heads_[fl][sl] = begin;
    a->sl_bitmap_[fl] = std::uint64_t{1} << sl;
    a->fl_bitmap_ = std::uint64_t{1} << fl;
    a->free_bytes_ = size;
    a->free_blocks_ = 1;
    a->magic_ = kMagic;
    return a;
  }

  // Find an existing header (another process). nullptr if the magic or geometry is wrong.
  // A header whose journal needs_recovery() was left by a dead writer: recover() first.
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
  // still succeed through the bounded look at its own list. 0 if n can never fit.
  std::uint64_t guaranteed_fit(std::uint64_t n) const {
    std::uint64_t size = block_size_for(n);
    if (size >= (std::uint64_t{1} << kSmallLog))
      size += (std::uint64_t{1} << (log2(size) - kSlLog)) - 1;
    return size;
  }

  // Size of the largest free block (0 if none).
  std::uint64_t largest_free_block() const {
    if (fl_bitmap_ == 0) return 0;
    const int fl = 63 - __builtin_clzll(fl_bitmap_);
    const int sl = 63 - __builtin_clzll(sl_bitmap_[fl]);
    std::uint64_t best = 0, steps = 0;  // the top list only: sizes within one slice
    for (std::uint64_t b = heads_[fl][sl]; b >= begin_ && b < end_ && steps <= free_blocks_;
         b = next_of(b), ++steps)  // bounded even on a damaged list (a statistics page)
      if (size_of(b) > best) best = size_of(b);
    return best;
  }

  // Returns the payload offset (from the segment base, 16-byte aligned, never 0), or 0 when no
  // free block can hold n bytes (ALLOC-8: nothing changes then), or when the open transaction's
  // journal has less than kJournalAlloc entries of room (nothing changes either).
  std::uint64_t alloc(std::uint64_t n) {
    const std::uint64_t size = block_size_for(n);
    if (size == 0) return 0;
    int fl, sl;
    const std::uint64_t blk = find_block(size, fl, sl);
    if (blk == 0) return 0;
    if (log_.room() < kJournalAlloc) return 0;
    const bool own = join();
    Delta d;
    take(blk, fl, sl, size, d);
    apply(d);
    leave(own);
    return blk + kHead;  // ALLOC-7
  }

  // Frees a payload offset returned by alloc/realloc. Returns false, changing nothing, for an
  // immediate double free and for offsets outside the arena or misaligned (ALLOC-9), and when the
  // open transaction's journal has less than kJournalFree entries of room. An aligned offset
  // INSIDE a live payload whose 8 preceding bytes look like a used head cannot be told apart in
  // O(1): callers pass only offsets they got from alloc (the cache index does).
  bool free(std::uint64_t payload) {
    if (!valid_used(payload)) return false;
    if (log_.room() < kJournalFree) return false;
    const bool own = join();
    Delta d;
    release(payload - kHead, d);
    apply(d);
    leave(own);
    return true;
  }

  // Resize in place when possible, else move. Returns the new payload offset, or 0 when there is
  // no room (the old block is then untouched and still owned by the caller); also 0, changing
  // nothing, when the open transaction's journal has less than kJournalRealloc entries of room.
  // The copy into a moved-to block is not journaled: that block was free when the operation
  // began, and rollback frees it again by restoring the allocator's words.
  std::uint64_t realloc(std::uint64_t payload, std::uint64_t n) {
    if (payload == 0) return alloc(n);
    if (!valid_used(payload)) return 0;
    const std::uint64_t want = block_size_for(n);
    if (want == 0) return 0;
    const std::uint64_t blk = payload - kHead;
    const std::uint64_t have = size_of(blk);
    const std::uint64_t next = blk + have;
    int fl = 0, sl = 0;
    std::uint64_t moved = 0;
    if (want <= have) {
      if (have - want < kMinBlock) return payload;  // nothing to give back: no write at all
    } else if (!(is_free(next) && have + size_of(next) >= want)) {
      moved = find_block(want, fl, sl);
      if (moved == 0) return 0;
    }
    if (log_.room() < kJournalRealloc) return 0;
    const bool own = join();
    Delta d;
    if (want <= have) {
      split_used(blk, want, d);  // shrink in place
    } else if (moved == 0) {
      grow_into(blk, want, d);   // grow into the free neighbour
    } else {
      take(moved, fl, sl, want, d);
      std::memcpy(base() + moved + kHead, base() + payload, have - kHead);
      release(blk, d);
    }
    apply(d);
    leave(own);
    return moved ? moved + kHead : payload;
  }

  // Calls fn(payload offset) for every used block, in address order: O(blocks). For sweeps
  // (an index segment was lost and its values must be reclaimed) and for tests.
  template <class Fn>
  void for_each_used(Fn&& fn) const {
    for (std::uint64_t off = begin_; off < end_ && size_of(off) != 0; off += size_of(off))
      if (!is_free(off)) fn(off + kHead);
  }

  // Calls fn(block bytes, head included) for every free block, in address order: O(blocks).
  // For the statistics page's free-block histogram (extension/stats.cpp); read-only.
  template <class Fn>
  void for_each_free(Fn&& fn) const {
    for (std::uint64_t off = begin_; off < end_ && size_of(off) != 0; off += size_of(off))
      if (is_free(off)) fn(size_of(off));
  }

  // Usable bytes of a used block's payload (>= what was requested).
  std::uint64_t usable_size(std::uint64_t payload) const {
    return size_of(payload - kHead) - kHead;
  }

  // ---- transactions (ALLOC-10, docs/invariants/recovery.md) -----------------------------
  // Opens a transaction that alloc / free / realloc / logged_put join until commit(). The caller
  // holds the segment lock exclusively throughout. Precondition: no transaction left open by a
  // dead writer (after owner_died, recover() first). begin() inside an open transaction joins it
  // (one commit() then ends both).
  // REC-6: the caller holds the segment lock exclusively from begin() to commit(), journals every
  // write to memory that was live before the transaction, and allocates before freeing.
  void begin() {
    if (!log_.is_open()) log_.begin();
  }

  // Ends the open transaction: from its commit point on, nothing it did is ever rolled back.
  void commit() { log_.commit(); }

  // A journaled write of the caller's own 8-byte word at segment offset `off` (for instance the
  // cache index), undone by recover() with the rest of the transaction. Outside a transaction it
  // is an implicit one-write transaction. Returns false, writing nothing, when `off` is not inside
  // the segment below the arena's end or overlaps this allocator header (which includes the
  // journal), or when the journal is full (a transaction too large: a programming error; commit
  // earlier).
  bool logged_put(std::uint64_t off, std::uint64_t value) {
    if (off > end_) return false;  // off + 8 <= end_ + kHead: inside the segment
    if (off < self_off_ + sizeof(Allocator) && off + 8 > self_off_) return false;
    if (log_.room() < 1) return false;
    const bool own = join();
    if (word(off) != value) log_.write(base(), off, value);
    leave(own);
    return true;
  }

  // A transaction is open: begun and not committed, by this caller or by a writer that died.
  // REC-5: after owner_died (or whenever this is true on taking the lock) recover() first.
  bool needs_recovery() const { return log_.needs_recovery(); }

  // Rolls the open transaction back (ALLOC-10): afterwards the allocator is exactly as before
  // begin() (or before the interrupted implicit operation), and no transaction is open. Called by
  // the next lock holder after owner_died; may itself be killed and simply called again. A live
  // caller may use it to abandon its own transaction. A journal that is not well-formed (REC-1)
  // is left alone: check_invariants() then fails and the segment must be reinitialised.
  void recover() {  // ALLOC-10, REC-4
    if (log_.violation(end_ + kHead, journal_begin(), journal_end()) != nullptr) return;  // REC-1
    log_.rollback(base());
  }

  // Entries the open transaction has journaled so far (0 outside one); its room is
  // Journal::kEntries minus this.
  std::uint32_t journal_entries() const { return log_.size(); }

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
  // Inside an open transaction it also holds (between operations), and after recover().
  const char* violation() const {
    if (magic_ != kMagic) return "header magic";
    if (const char* j = log_.violation(end_ + kHead, journal_begin(), journal_end())) return j;
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
    if (fl_bitmap_ >> kFl != 0) return "ALLOC-5 first-level bitmap";
    std::uint64_t listed = 0;
    for (int fl = 0; fl < kFl; ++fl) {
      if (((fl_bitmap_ >> fl) & 1u) != (sl_bitmap_[fl] != 0)) return "ALLOC-5 first-level bitmap";
      if (sl_bitmap_[fl] >> kSl != 0) return "ALLOC-5 second-level bitmap";
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

  // Counter changes of one operation, written once at its end (3 journal entries at most).
  struct Delta {
    std::int64_t free_blocks = 0, free_bytes = 0, used_blocks = 0;
  };

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
    std::uint64_t sm = sl_bitmap_[fl] & (~std::uint64_t{0} << sl);
    if (sm == 0) {
      const std::uint64_t fm = fl + 1 < kFl ? fl_bitmap_ & (~std::uint64_t{0} << (fl + 1)) : 0;
      if (fm == 0) return false;
      fl = __builtin_ctzll(fm);
      sm = sl_bitmap_[fl];
    }
    sl = __builtin_ctzll(sm);
    return true;
  }

  // A free block that can hold `size` and the list it is on; 0 if none. Reads only.
  // First the best fit among the first few blocks of the request's own list: they lie within
  // one slice of the request, so taking one splits off little and leaves the larger blocks
  // whole. (Good fit alone always splits a block of the next slice up: after a long churn of
  // mixed sizes at 90% fill that failed about 1 request in 12 where Boost's best fit failed 1
  // in 90; see docs/benchmarks.md.) Then good fit: the head of the first non-empty list at or
  // above the rounded-up class, which always fits (ALLOC-8).
  std::uint64_t find_block(std::uint64_t size, int& fl, int& sl) const {
    mapping(size, fl, sl);
    if (fl >= kFl) return 0;
    std::uint64_t best = 0;
    std::uint64_t b = heads_[fl][sl];
    for (int i = 0; b != 0 && i < kExactScan; ++i, b = next_of(b)) {
      const std::uint64_t n = size_of(b);
      if (n >= size && (best == 0 || n < size_of(best))) {
        best = b;
        if (n == size) break;
      }
    }
    if (best != 0) return best;
    if (search_class(size, fl, sl) && find_nonempty(fl, sl)) return heads_[fl][sl];
    return 0;
  }

  // --- transactions ---
  // Opens an implicit transaction unless the caller's is open; true if it is ours to commit.
  bool join() {
    if (log_.is_open()) return false;
    log_.begin();
    return true;
  }
  void leave(bool own) {
    if (own) log_.commit();
  }

  std::uint64_t journal_begin() const {
    return self_off_ + std::uint64_t(reinterpret_cast<const char*>(&log_) -
                                      reinterpret_cast<const char*>(this));
  }
  std::uint64_t journal_end() const { return journal_begin() + sizeof(Journal); }

  // --- raw block access (offsets from base) ---
  std::uint64_t word(std::uint64_t off) const {
    std::uint64_t v;
    std::memcpy(&v, base() + off, 8);
    return v;
  }
  void put(std::uint64_t off, std::uint64_t v) { std::memcpy(base() + off, &v, 8); }

  // Every write to the allocator's shared state after create() (ALLOC-10). A word that does not
  // change needs no entry. Room was checked before the operation began, so the journal never
  // overflows here.
  void lput(std::uint64_t off, std::uint64_t v) {
    if constexpr (Bugs::skip_journal) {
      put(off, v);  // seeded bug: rollback cannot restore this word
    } else {
      if (word(off) != v) log_.write(base(), off, v);
    }
  }
  // Journals a word the allocator gives up (a payload's caller, or realloc's copy, may overwrite
  // it unjournaled) so that rollback restores it (ALLOC-10).
  void save(std::uint64_t off) {
    if constexpr (!Bugs::skip_journal) log_.save(base(), off);
  }
  std::uint64_t field_off(const std::uint64_t& f) const {
    return self_off_ + std::uint64_t(reinterpret_cast<const char*>(&f) -
                                     reinterpret_cast<const char*>(this));
  }
  void set(const std::uint64_t& field, std::uint64_t v) { lput(field_off(field), v); }

  void apply(const Delta& d) {
    if (d.free_blocks) set(free_blocks_, free_blocks_ + std::uint64_t(d.free_blocks));
    if (d.free_bytes) set(free_bytes_, free_bytes_ + std::uint64_t(d.free_bytes));
    if (d.used_blocks) set(used_blocks_, used_blocks_ + std::uint64_t(d.used_blocks));
  }

  std::uint64_t size_of(std::uint64_t blk) const { return word(blk) & ~kFlags; }
  bool is_free(std::uint64_t blk) const { return word(blk) & kFree; }
  bool prev_free_bit(std::uint64_t blk) const { return word(blk) & kPrevFree; }
  std::uint64_t next_of(std::uint64_t blk) const { return word(blk + 8); }
  std::uint64_t prev_of(std::uint64_t blk) const { return word(blk + 16); }
  std::uint64_t footer(std::uint64_t blk) const { return word(blk + size_of(blk) - 8); }
  void set_prev_free(std::uint64_t blk, bool f) {
    lput(blk, (word(blk) & ~kPrevFree) | (f ? kPrevFree : 0));
  }

  // Hands out the free block `blk` (on list fl, sl) as a used block of `size`, splitting off the
  // tail. Journal entries: remove <= 3, saves 2, then either the split (head 1 + the tail's
  // free_range without merges: head 1, footer 1, PREV_FREE 1, insert 6 = 10) or no split (save of
  // the footer 1, head 1, the successor's PREV_FREE 1 = 3); <= 15, plus apply() <= 3:
  // kJournalAlloc = 18.
  void take(std::uint64_t blk, int fl, int sl, std::uint64_t size, Delta& d) {
    remove(blk, fl, sl);
    const std::uint64_t have = size_of(blk);
    const std::uint64_t pf = word(blk) & kPrevFree;
    save(blk + 8);  // ALLOC-10: the links become payload
    save(blk + 16);
    --d.free_blocks;
    d.free_bytes -= std::int64_t(have);
    ++d.used_blocks;
    if (have - size >= kMinBlock) {
      lput(blk, size | pf);
      // The successor of a free block is used (ALLOC-2): the tail merges with nothing, and the
      // successor's PREV_FREE stays set.
      free_range(blk + size, have - size, false, d);
    } else {
      save(blk + have - 8);  // ALLOC-10: the footer becomes payload
      lput(blk, have | pf);
      set_prev_free(blk + have, false);
    }
  }

  // Grows the used block `blk` into its free successor, then gives back what is not needed.
  // Journal entries: saves 4, remove <= 3, then split (head 1 + free_range without merges 9)
  // or not (head 1, PREV_FREE 1); <= 17, plus apply() 2 = 19 <= kJournalRealloc.
  void grow_into(std::uint64_t blk, std::uint64_t want, Delta& d) {
    const std::uint64_t have = size_of(blk);
    const std::uint64_t pf = word(blk) & kPrevFree;
    const std::uint64_t next = blk + have;
    const std::uint64_t ns = size_of(next);
    save(next);  // ALLOC-10: the neighbour's head, links and footer become payload
    save(next + 8);
    save(next + 16);
    save(next + ns - 8);
    unlink(next);
    --d.free_blocks;
    d.free_bytes -= std::int64_t(ns);
    const std::uint64_t total = have + ns;
    if (total - want >= kMinBlock) {
      lput(blk, want | pf);
      free_range(blk + want, total - want, false, d);  // its successor is used (ALLOC-2)
    } else {
      lput(blk, total | pf);
      set_prev_free(blk + total, false);
    }
  }

  // Cuts the used block `blk` down to `size` and frees the tail (which may merge with a free
  // successor). Journal entries: head 1 + free_range without a predecessor merge (<= 15) <= 16,
  // plus apply() 2 = 18 <= kJournalRealloc.
  void split_used(std::uint64_t blk, std::uint64_t size, Delta& d) {
    const std::uint64_t have = size_of(blk);
    lput(blk, size | (word(blk) & kPrevFree));
    free_range(blk + size, have - size, false, d);
  }

  bool valid_used(std::uint64_t payload) const {
    if (payload < begin_ + kHead || payload >= end_ || payload % 16 != 0) return false;
    const std::uint64_t blk = payload - kHead;
    const std::uint64_t sz = size_of(blk);
    return !is_free(blk) && sz >= kMinBlock && blk + sz <= end_;
  }

  // Frees a used block. Journal entries: free_range <= 20, plus apply() 3: kJournalFree = 23.
  // A moving realloc is take() 15 + release() 20 + apply() 3 = kJournalRealloc = 38.
  void release(std::uint64_t blk, Delta& d) {
    const std::uint64_t h = word(blk);
    --d.used_blocks;
    free_range(blk, h & ~kFlags, (h & kPrevFree) != 0, d);
  }

  // Makes [blk, blk + size) one free block, merged with free neighbours (ALLOC-2). `prev_free`:
  // the physical predecessor is free. blk's head may hold anything but a free head.
  // Journal entries: the FREE mark 1 and the predecessor merge (save 1, remove 3) only when the
  // predecessor is free; the successor merge (saves 3, remove 3); head 1, footer 1, the
  // successor's PREV_FREE 1, insert 6. At most 1 + 4 + 6 + 9 = 20.
  void free_range(std::uint64_t blk, std::uint64_t size, bool prev_free, Delta& d) {
    ++d.free_blocks;
    d.free_bytes += std::int64_t(size);
    std::uint64_t pf = prev_free ? kPrevFree : 0;
    if constexpr (!Bugs::skip_coalesce) {
      if (prev_free) {
        // Its head reads FREE from now on although it ends up inside the merged block, so
        // freeing the same offset again is refused until that memory is handed out (ALLOC-9).
        lput(blk, word(blk) | kFree);
        const std::uint64_t psize = word(blk - 8);  // the predecessor's footer
        const std::uint64_t prev = blk - psize;
        save(blk - 8);  // ALLOC-10: that footer is inside the merged block from now on
        unlink(prev);
        --d.free_blocks;
        pf = word(prev) & kPrevFree;
        blk = prev;
        size += psize;
      }
      const std::uint64_t next = blk + size;
      if (is_free(next)) {
        const std::uint64_t nsize = size_of(next);
        save(next);  // ALLOC-10: its head and links are inside the merged block from now on
        save(next + 8);
        save(next + 16);
        unlink(next);
        --d.free_blocks;
        size += nsize;
      }
    }
    lput(blk, size | kFree | pf);
    if constexpr (!Bugs::skip_footer) lput(blk + size - 8, size);  // ALLOC-3
    set_prev_free(blk + size, true);
    insert(blk, size);
  }

  // Journal entries: next 1, prev 1, the old head's prev 1, list head 1, bitmaps 2 = 6.
  void insert(std::uint64_t blk, std::uint64_t size) {
    int fl, sl;
    mapping(size, fl, sl);
    const std::uint64_t head = heads_[fl][sl];
    lput(blk + 8, head);
    lput(blk + 16, 0);
    if (head) lput(head + 16, blk);
    set(heads_[fl][sl], blk);
    set(sl_bitmap_[fl], sl_bitmap_[fl] | (std::uint64_t{1} << sl));
    set(fl_bitmap_, fl_bitmap_ | (std::uint64_t{1} << fl));
  }

  // Journal entries: a middle block 2 (next's prev, prev's next); a list head 1 or 2, plus the
  // two bitmaps when the list empties: at most 3.
  void remove(std::uint64_t blk, int fl, int sl) {
    const std::uint64_t n = next_of(blk), p = prev_of(blk);
    if (n) lput(n + 16, p);
    if (p) {
      lput(p + 8, n);
    } else {
      set(heads_[fl][sl], n);
      if (n == 0) {
        const std::uint64_t row = sl_bitmap_[fl] & ~(std::uint64_t{1} << sl);
        set(sl_bitmap_[fl], row);
        if (row == 0) set(fl_bitmap_, fl_bitmap_ & ~(std::uint64_t{1} << fl));
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
  // Every field is one 8-byte word, so each write is one journal entry. The first four are
  // written only by create(); all others only through the journal (ALLOC-10).
  std::uint64_t magic_ = 0;        // kMagic once initialised (written last by create)
  std::uint64_t self_off_ = 0;     // offset of this header from the segment base
  std::uint64_t begin_ = 0;        // offset of the first block head
  std::uint64_t end_ = 0;          // offset of the epilogue head
  std::uint64_t free_bytes_ = 0;   // sum of free block sizes
  std::uint64_t free_blocks_ = 0;  // number of free blocks
  std::uint64_t used_blocks_ = 0;  // number of used blocks
  std::uint64_t fl_bitmap_ = 0;    // bit f: some list of row f is non-empty
  std::uint64_t sl_bitmap_[kFl] = {};   // bit s of row f: list (f, s) is non-empty
  std::uint64_t heads_[kFl][kSl] = {};  // first free block of each list (offset; 0 = empty)
  Journal log_;                    // the undo journal; last, so the header ends with it
};

namespace detail {
// The layout the shipped backends share: std::atomic cells (PrimPosix / PrimWin32 use them; the
// model's and the simulator's cells differ in size but never cross a process).
struct LayoutPrim {
  template <class T>
  using atomic = std::atomic<T>;
};
}  // namespace detail

static_assert(std::is_standard_layout<Allocator<detail::LayoutPrim>>::value,
              "Allocator is a cross-process ABI");
static_assert(sizeof(std::atomic<std::uint32_t>) == 4, "journal counters are 4-byte words");
static_assert(sizeof(Allocator<detail::LayoutPrim>) ==
                  8 * 8 + 8 * Allocator<detail::LayoutPrim>::kFl +
                      8 * Allocator<detail::LayoutPrim>::kFl * Allocator<detail::LayoutPrim>::kSl +
                      4 + 4 + 16 * UndoLog<detail::LayoutPrim>::kEntries,
              "Allocator header layout changed: bump the segment format version");
static_assert(Allocator<detail::LayoutPrim>::kJournalAlloc + Allocator<detail::LayoutPrim>::kJournalFree +
                      64 <= UndoLog<detail::LayoutPrim>::kEntries,
              "a realistic transaction (alloc + free + 64 index words) must fit the journal");

}  // namespace wc
