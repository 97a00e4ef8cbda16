// extension/buffers.cpp: see buffers.hpp.
#include "buffers.hpp"

#include <cstdlib>
#include <cstring>

namespace wcx {

Buffer::Slot* Buffer::slots() {
  static Slot table[kSlots];
  return table;
}

namespace {
// One past the deepest slot taken since the last buffers_reset(): the reset, three times per
// request, looks at those only (a request whose calls never nested touches slot 0 alone).
unsigned g_reach = 0;
}  // namespace

Buffer::Buffer() {
  Slot* t = slots();
  for (unsigned i = 0; i < kSlots; ++i) {
    if (!t[i].busy) {
      t[i].busy = true;
      slot_ = &t[i];
      if (i >= g_reach) g_reach = i + 1;
      return;
    }
  }
  failed_ = true;  // re-entrant calls nested kSlots deep: refuse rather than share
}

Buffer::~Buffer() {
  if (!slot_) return;
  // Slot 0 serves the common, non-nested call: it keeps up to kKeep bytes. Deeper slots serve
  // re-entrant calls only: they keep a little.
  const std::size_t keep = slot_ == &slots()[0] ? kKeep : kKeep / 16;
  if (slot_->cap > keep) {
    std::free(slot_->p);
    slot_->p = nullptr;
    slot_->cap = 0;
  }
  slot_->busy = false;
}

bool Buffer::reserve(std::size_t n) {
  if (!slot_) return false;
  if (n <= slot_->cap) return true;
  std::size_t cap = slot_->cap ? slot_->cap : 256;
  while (cap < n) {
    if (cap > (std::size_t(-1) >> 1)) {
      cap = n;
      break;
    }
    cap *= 2;
  }
  char* p = static_cast<char*>(std::realloc(slot_->p, cap));
  if (!p && cap != n) {
    cap = n;  // a doubling may ask for far more than needed: try the exact size
    p = static_cast<char*>(std::realloc(slot_->p, cap));
  }
  if (!p) {
    failed_ = true;
    return false;
  }
  slot_->p = p;
  slot_->cap = cap;
  return true;
}

bool Buffer::append(const void* p, std::size_t n) {
  if (failed_) return false;
  if (n > std::size_t(-1) - size_ || !reserve(size_ + n)) {
    failed_ = true;
    return false;
  }
  if (n) std::memcpy(slot_->p + size_, p, n);
  size_ += n;
  return true;
}

void buffers_reset() {
  // Slots at g_reach and above were not taken since the last reset, which left them free and
  // empty (slot 0 keeps at most kKeep bytes, as its destructor does).
  Buffer::Slot* t = Buffer::slots();
  for (unsigned i = 0; i < g_reach; ++i) {
    t[i].busy = false;
    if (t[i].cap > (i == 0 ? Buffer::kKeep : 0)) {
      std::free(t[i].p);
      t[i].p = nullptr;
      t[i].cap = 0;
    }
  }
  g_reach = 0;
}

std::size_t buffers_held() {
  std::size_t n = 0;
  const Buffer::Slot* t = Buffer::slots();
  for (unsigned i = 0; i < Buffer::kSlots; ++i) n += t[i].cap;
  return n;
}

}  // namespace wcx
