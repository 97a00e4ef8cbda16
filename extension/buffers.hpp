// extension/buffers.hpp: byte buffers owned by one call.
//
// A value crosses between PHP and the cache through process memory: a set encodes into a buffer
// before it takes the write lock, a get copies the stored bytes into a buffer under the read lock
// and decodes after releasing it. Each call owns its buffer for as long as it uses it. A process-
// wide buffer would be rewritten by a re-entrant call (an unserialize() that runs
// Serializable::unserialize(), __unserialize() or __wakeup(), or a serialize() that runs
// __serialize() / __sleep(), calling the cache itself) while the outer call still reads it.
//
// Where the memory comes from:
//   - malloc/realloc, never PHP's allocator: a get fills its buffer under a cache lock, where a
//     memory_limit bailout (a longjmp) would leave the lock held; malloc only returns null.
//   - never an exception: a failed growth sets failed(); the caller turns it into a warning and
//     false (or PHP's own out-of-memory error), the cache untouched.
//   - recycled: a buffer takes the lowest free slot of a small per-process table (the nesting
//     depth of re-entrant calls). A slot keeps at most kKeep bytes between calls, so one huge
//     value does not leave the worker holding its size for the rest of its life.
//   - reclaimed at request end: a bailout out of a call skips its destructor; buffers_reset()
//     (request start and end) frees what such a call left and frees every slot.
#pragma once

#include <cstddef>
#include <cstdint>

namespace wcx {

class Buffer {
 public:
  static constexpr std::size_t kKeep = 1 << 20;  // bytes a free slot keeps between calls
  static constexpr unsigned kSlots = 64;         // re-entrant calls nested this deep at most

  Buffer();
  ~Buffer();
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  // False (and failed() true) if the memory could not be had; the contents are then unchanged.
  bool reserve(std::size_t n);
  bool append(const void* p, std::size_t n);
  bool push(char c) { return append(&c, 1); }
  bool assign(const void* p, std::size_t n) {
    size_ = 0;
    return append(p, n);
  }
  void clear() { size_ = 0; }

  char* data() { return slot_ ? slot_->p : nullptr; }
  const char* data() const { return slot_ ? slot_->p : nullptr; }
  std::size_t size() const { return size_; }
  // Out of memory, or nested deeper than kSlots: nothing usable was written since.
  bool failed() const { return failed_; }
  // Failed because re-entrant calls were nested deeper than kSlots (not for lack of memory).
  bool too_nested() const { return slot_ == nullptr; }

 private:
  struct Slot {
    char* p = nullptr;
    std::size_t cap = 0;
    bool busy = false;
  };
  static Slot* slots();
  friend void buffers_reset();
  friend std::size_t buffers_held();

  Slot* slot_ = nullptr;
  std::size_t size_ = 0;
  bool failed_ = false;
};

// Request start and end: every slot free again, and no more than kKeep bytes kept in slot 0
// (whatever a bailed-out call left behind is released).
void buffers_reset();
// Bytes the slots hold right now (tests, statistics).
std::size_t buffers_held();

}  // namespace wcx
