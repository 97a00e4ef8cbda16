// core/undo_log.hpp: an undo journal of 8-byte words, living inside one shared segment.
//
// A process may be killed at any instruction while it updates a structure in the segment. The
// journal makes such an update (a "transaction": any number of 8-byte word writes) all or
// nothing: before a word is overwritten, its segment offset and its old value are appended to the
// journal, so the next lock holder can put every old value back (rollback) after a death.
//
// Layout (cross-process ABI; standard layout, no pointers, links are segment offsets):
//   count_   number of valid entries; 0 = no transaction open, or the open one wrote nothing yet,
//            or it committed
//   open_    1 while a transaction is open (between begin() and the end of commit()/rollback())
//   entries_ kEntries x {off, old}, plain memory; only entries [0, count_) mean anything
//
// Protocol for one journaled write of the word at `off` (write()):
//   1. entries_[n] = {off, current value}            plain stores
//   2. count_.store(n + 1, release)                  publishes the entry
//   3. the new value is written                      plain store, ordered after 2
// A process killed before 2 took effect changed nothing (an unpublished entry is ignored); killed
// after 2, the entry restores the word whether or not 3 happened. Steps 1 -> 2 are ordered by the
// release store; 2 -> 3 by a compiler barrier (std::atomic_signal_fence): a kill stops a process
// between two instructions, and every store it executed before that point becomes visible to the
// next lock holder (the lock hand-over synchronises), so only the compiler could reorder 3
// before 2.
//
// commit(): count_.store(0) is THE commit point (REC-3), then open_ = 0. A death between the two
// leaves open_ set with no entries: recover() then rolls back nothing, so a committed transaction
// is never undone.
//
// rollback(base): for i = count-1 down to 0: the old value goes back to entries_[i].off, then
// count_.store(i). A repairer killed half-way leaves count_ at the entries not yet undone; an
// entry restored but not yet dropped is restored again by the next repairer, which writes the
// same old value (idempotent). Undoing in reverse order restores a word written several times to
// the value it had when the transaction began (its first entry is undone last). Then open_ = 0.
//
// Capacity: kEntries = 512. A write that finds the journal full returns false and writes NOTHING
// (neither the entry nor the word): an overflow is a programming error of the caller (a
// transaction too large), reported, never a silent loss of undo information. The allocator
// checks its worst case before it starts an operation, so its operations fail cleanly instead
// (see Allocator::kJournalAlloc etc.).
//
// Every access to count_ and open_ is an atomic op of Prim, so under PrimSim each is a step at
// which the property tests can kill the writer (or the repairer).
#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>

#include "prim.hpp"

namespace wc {

template <class Prim>
class UndoLog {
 public:
  static constexpr std::uint32_t kEntries = 512;

  struct Entry {
    std::uint64_t off;  // segment offset of the word
    std::uint64_t old;  // its value before the write
  };

  UndoLog() : count_(0), open_(0) {}
  UndoLog(const UndoLog&) = delete;
  UndoLog& operator=(const UndoLog&) = delete;

  // Entries of the open transaction (0 when none is open).
  std::uint32_t size() const { return count_.load(std::memory_order_acquire); }
  std::uint32_t room() const { return kEntries - size(); }
  bool is_open() const { return open_.load(std::memory_order_acquire) != 0; }
  // A transaction was left open (by a live caller between begin() and commit(), or by a dead one).
  bool needs_recovery() const { return size() != 0 || is_open(); }

  // Precondition: no transaction open (count_ == 0). open_ is set before any entry (REC-1).
  void begin() {
    open_.store(1, std::memory_order_release);
    std::atomic_signal_fence(std::memory_order_seq_cst);  // later writes stay after it
  }

  // Journals the word at `off` without changing it: it is about to be overwritten by writes that
  // are not journaled (a payload handed to a caller) and must come back on rollback.
  bool save(char* base, std::uint64_t off) {
    const std::uint32_t n = count_.load(std::memory_order_relaxed);
    if (n >= kEntries) return false;  // overflow: nothing written
    entries_[n].off = off;
    std::memcpy(&entries_[n].old, base + off, 8);
    count_.store(n + 1, std::memory_order_release);       // REC-2: the entry is published...
    std::atomic_signal_fence(std::memory_order_seq_cst);  // ...before the word changes
    return true;
  }

  // A journaled write: entry, publish, write (REC-2). False (nothing written) when full.
  bool write(char* base, std::uint64_t off, std::uint64_t value) {
    if (!save(base, off)) return false;
    std::memcpy(base + off, &value, 8);
    return true;
  }

  void commit() {
    count_.store(0, std::memory_order_release);  // REC-3: the commit point
    open_.store(0, std::memory_order_release);
  }

  // Undo the open transaction (REC-4). Safe to repeat after a death part-way through.
  void rollback(char* base) {
    for (std::uint32_t n = count_.load(std::memory_order_acquire); n > 0; --n) {
      const Entry& e = entries_[n - 1];
      std::memcpy(base + e.off, &e.old, 8);
      count_.store(n - 1, std::memory_order_release);  // REC-4: dropped only once restored
    }
    open_.store(0, std::memory_order_release);
  }

  // Well-formedness (REC-1), for check_invariants(): `limit` bounds every offset an entry may
  // name, [hole_begin, hole_end) is a range no entry may name (the journal itself).
  const char* violation(std::uint64_t limit, std::uint64_t hole_begin,
                        std::uint64_t hole_end) const {
    const std::uint32_t n = size();  // REC-1
    if (n > kEntries) return "REC-1 journal count within capacity";
    if (n != 0 && !is_open()) return "REC-1 journal entries only while open";
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::uint64_t off = entries_[i].off;
      if (off > limit || limit - off < 8) return "REC-1 journal entry inside the segment";
      if (off < hole_end && off + 8 > hole_begin) return "REC-1 journal entry names the journal";
    }
    return nullptr;
  }

 private:
  typename Prim::template atomic<std::uint32_t> count_;
  typename Prim::template atomic<std::uint32_t> open_;
  Entry entries_[kEntries] = {};
};

}  // namespace wc
