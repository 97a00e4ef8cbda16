// core/change_log.hpp: the change log of the file watcher (docs/design/files.md §7; CL-1..CL-5 in
// docs/invariants/change_log.md), and the per-OPcache-instance mark of what was applied.
//
// Why. The watcher's thread (extension/watcher.cpp, the lease owner's) knows within a few tens of
// milliseconds which file changed, but it must not call PHP, and OPcache's shared memory and
// PHP's realpath cache are not ours: each PHP process must tell its own OPcache instance and
// clean its own realpath cache. So the thread writes what it saw into this ring in the kWatch
// segment, and every process, before it compiles anything in a request, applies the records it
// has not seen: `opcache_invalidate(path, true)` and `realpath_cache_del(path)`. What the ring
// cannot say (names that appeared or vanished, an overflow, a takeover) moves the lease's
// `resolve_gen` instead, and a process that sees it move resets its OPcache and cleans its
// realpath cache. A reader that missed records (the ring wrapped past it, or a record was
// overwritten while it read it) does the same: CL-3.
//
// The ring
// --------
//   head      the sequence number of the next record to write (records are numbered from 1;
//             0 = nothing written yet). Stored by the writer AFTER the record is complete.
//   slot[s % Slots]   record s: its `seq` word, then kind + length, then the path in 64-bit
//             words. `seq` is (s << 1) | 1 while record s is being written, s << 1 once it is
//             complete, 0 if the slot was never written.
//
// One writer (the lease owner's watcher thread: WL-1 says there is at most one live owner, and a
// new owner's thread starts only after the old one is dead or stopped). A writer killed in the
// middle of a record leaves its slot's seq odd and `head` unmoved: the next writer writes the same
// sequence number again, and a reader never accepts an odd slot (CL-2).
//
// Readers take no lock and write nothing: read(s) loads the slot's seq, copies the record, then
// loads seq again; the record is accepted only if both loads gave s << 1 (CL-2). Any other value
// means the slot was overwritten (or is being): an overrun, never a torn path. Every access is a
// seq_cst atomic (the payload too: word by word), so the argument is the sequence of one total
// order: a payload word the reader saw from a later write was stored after that write's odd seq,
// so the reader's second seq load, later in the order, cannot see s << 1 any more.
//
// The cost when nothing changed: a process compares `head` and the lease's `resolve_gen` with
// what it applied: two loads, no system call (CL-5).
//
// The instance mark
// -----------------
// OPcache's cache is shared by the processes of one OPcache instance (a php-fpm master and its
// workers; one CLI process). The glue keeps one InstanceMark in memory that exactly those
// processes share (an anonymous shared page the master maps before it forks, like OPcache's own
// memory; process memory where that cannot be told) and records there what was applied to that
// OPcache: `gen` (the resolve_gen a reset covered) and `seq` (every record below it was
// invalidated). Marks only grow, by CAS (raise()). A process raises a mark only AFTER its calls
// returned, so a process that finds the mark at (gen, head) knows its OPcache already holds
// nothing older and calls nothing (CL-4); two processes that find it behind both apply (at worst
// one script invalidated twice), and a process killed between its calls and its raise leaves the
// work to the next one.
//
// Invariants (docs/invariants/change_log.md):
//   CL-1 head only grows; it is stored after its record is complete;
//   CL-2 read(s) returns ok only with exactly the kind and path written as record s;
//   CL-3 a reader that cannot read every record in [from, head) reports a loss (replay() false),
//        and the glue then resets, as for a resolve_gen move;
//   CL-4 an instance mark at (g, s) means: a reset was applied after resolve_gen reached g, and
//        every record below s was invalidated; marks only grow;
//   CL-5 nothing changed: two loads, no system call.
//
// Lives in the kWatch segment (the ring) and in an anonymous shared page (the mark): fixed-width
// atomics, no pointers; zero-filled memory is an empty ring and a mark of nothing.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>

#include "prim.hpp"

namespace wc {

struct ChangeLogTuning {
  static constexpr unsigned slots = 256;      // records kept (a burst larger than this: a reset)
  static constexpr unsigned path_words = 62;  // 496 bytes of path; a slot is 512 bytes
};

// Seeded bugs of the ring (negative twins). NoChangeLogBugs ships.
struct NoChangeLogBugs {
  static constexpr bool skip_recheck = false;  // the reader trusts its copy without loading the
                                               // slot's seq again (a torn path is accepted)
};

enum class ChangeKind : std::uint8_t {
  none = 0,
  file = 1,      // this file's contents changed, or it was replaced or deleted
  too_long = 2,  // a path longer than a slot holds: the reader must reset (CL-3)
};

enum class LogRead { ok, lost };

template <class Prim, class Tuning = ChangeLogTuning, class Bugs = NoChangeLogBugs>
class ChangeLog {
  template <class T>
  using A = typename Prim::template atomic<T>;
  static constexpr std::uint64_t kSlots = Tuning::slots;
  static constexpr std::uint64_t kWords = Tuning::path_words;
  static_assert(kSlots >= 2 && kWords >= 1, "a ring of at least two slots");

 public:
  static constexpr std::size_t kMaxPath = std::size_t(kWords) * 8;

  // ---- the writer (the lease owner's watcher thread; one at a time, WL-1) ---------------------
  // Appends one record; returns its sequence number.
  std::uint64_t append(ChangeKind kind, const char* path, std::size_t len) {
    std::uint64_t s = head_.load(std::memory_order_seq_cst);
    if (s == 0) s = 1;
    if (len > kMaxPath) {
      kind = ChangeKind::too_long;
      len = 0;
    }
    Slot& sl = slot_[s % kSlots];
    sl.seq.store((s << 1) | 1, std::memory_order_seq_cst);  // CL-2: writing
    sl.meta.store(std::uint64_t(kind) | (std::uint64_t(len) << 8), std::memory_order_seq_cst);
    for (std::uint64_t w = 0; w * 8 < len; ++w) {
      std::uint64_t v = 0;
      const std::size_t n = len - w * 8 < 8 ? len - w * 8 : 8;
      std::memcpy(&v, path + w * 8, n);
      sl.words[w].store(v, std::memory_order_seq_cst);
    }
    sl.seq.store(s << 1, std::memory_order_seq_cst);  // CL-2: complete
    head_.store(s + 1, std::memory_order_seq_cst);  // CL-1
    return s;
  }

  // ---- readers (any process, no lock) ----------------------------------------------------------
  // The next sequence number to be written; records [first_kept(), head()) may be read.
  std::uint64_t head() const {
    const std::uint64_t h = head_.load(std::memory_order_seq_cst);
    return h == 0 ? 1 : h;
  }
  std::uint64_t first_kept(std::uint64_t head) const {
    return head > kSlots ? head - kSlots : 1;
  }

  // Record s (1 <= s < head()): ok with its kind and path (CL-2), or lost (overwritten, being
  // written, or never complete).
  LogRead read(std::uint64_t s, ChangeKind& kind, std::string& path) const {
    if (s == 0) return LogRead::lost;
    const Slot& sl = slot_[s % kSlots];
    const std::uint64_t w1 = sl.seq.load(std::memory_order_seq_cst);
    if (w1 != (s << 1)) return LogRead::lost;
    const std::uint64_t meta = sl.meta.load(std::memory_order_seq_cst);
    std::uint64_t len = meta >> 8;
    if (len > kMaxPath) len = 0;  // only a torn meta word can say so: the recheck rejects it
    char buf[kMaxPath];
    for (std::uint64_t w = 0; w * 8 < len; ++w) {
      const std::uint64_t v = sl.words[w].load(std::memory_order_seq_cst);
      const std::size_t n = len - w * 8 < 8 ? std::size_t(len - w * 8) : 8;
      std::memcpy(buf + w * 8, &v, n);
    }
    if constexpr (!Bugs::skip_recheck) {
      if (sl.seq.load(std::memory_order_seq_cst) != w1) return LogRead::lost;  // CL-2
    }
    kind = ChangeKind(meta & 0xff);
    if (kind != ChangeKind::file) kind = ChangeKind::too_long;  // anything else: reset
    path.assign(buf, std::size_t(len));
    return LogRead::ok;
  }

  // Calls f(kind, path) for the records [from, to) (to <= head()), in order. False at the first
  // record that could not be read, or if some of them are no longer kept (CL-3): the caller then
  // resets. A too_long record is passed to f (which resets too).
  template <class F>
  bool replay(std::uint64_t from, std::uint64_t to, F&& f) const {
    if (from == 0) from = 1;
    if (to <= from) return true;
    if (to - from > kSlots) return false;  // CL-3: wrapped past the reader
    ChangeKind k = ChangeKind::none;
    std::string p;
    for (std::uint64_t s = from; s < to; ++s) {
      if (read(s, k, p) != LogRead::ok) return false;  // CL-3
      f(k, p);
    }
    return true;
  }

 private:
  struct Slot {
    A<std::uint64_t> seq;    // (s << 1) | writing; 0 = never written (CL-2)
    A<std::uint64_t> meta;   // ChangeKind | length << 8
    A<std::uint64_t> words[kWords];  // the path, little pieces of 8 bytes (seq_cst each)
  };
  A<std::uint64_t> head_{0};  // next record's sequence number; 0 = none yet (CL-1)
  A<std::uint64_t> pad_[7];   // head alone on its cache line
  Slot slot_[kSlots];
};

// What one OPcache instance was told (see "The instance mark" above; CL-4).
template <class Prim>
class InstanceMark {
  template <class T>
  using A = typename Prim::template atomic<T>;

 public:
  // Nothing recorded yet: this instance's first look (its OPcache holds nothing compiled).
  bool fresh() const { return gen1_.load(std::memory_order_seq_cst) == 0; }
  std::uint64_t gen() const {
    const std::uint64_t g1 = gen1_.load(std::memory_order_seq_cst);
    return g1 == 0 ? 0 : g1 - 1;
  }
  std::uint64_t seq() const { return seq_.load(std::memory_order_seq_cst); }
  // Raise the marks to at least (g, s); never lowers them (CL-4). Called after the work.
  void raise(std::uint64_t g, std::uint64_t s) {
    raise_one(gen1_, g + 1);
    raise_one(seq_, s);
  }
  void raise_seq(std::uint64_t s) { raise_one(seq_, s); }
  // A new kWatch segment (head or resolve_gen went back): start again from (g, s), after a reset.
  void restart(std::uint64_t g, std::uint64_t s) {
    gen1_.store(g + 1, std::memory_order_seq_cst);
    seq_.store(s, std::memory_order_seq_cst);
  }

 private:
  static void raise_one(A<std::uint64_t>& w, std::uint64_t v) {
    std::uint64_t cur = w.load(std::memory_order_seq_cst);
    while (cur < v && !w.compare_exchange_strong(cur, v, std::memory_order_seq_cst)) {
    }
  }
  A<std::uint64_t> gen1_{0};  // 1 + the resolve_gen a reset covered here (0: never looked);
                              // only grows but by restart()
  A<std::uint64_t> seq_{0};   // every record below it was invalidated here
};

namespace detail {
struct ChangeLogLayoutPrim {
  using proc_id = std::uint64_t;
  template <class T>
  using atomic = std::atomic<T>;
};
}  // namespace detail

// A cross-process ABI: standard layout, fixed-width words, no pointer.
static_assert(std::is_standard_layout<ChangeLog<detail::ChangeLogLayoutPrim>>::value,
              "ChangeLog is a cross-process ABI");
static_assert(sizeof(ChangeLog<detail::ChangeLogLayoutPrim>) == 64 + 256 * 512,
              "ChangeLog layout changed");

}  // namespace wc
