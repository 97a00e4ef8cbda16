// tests/common/segment_content.hpp: the OS-independent part of the test segments' content, shared
// by tests/posix/common.hpp and tests/win32/common.hpp (each defines its own Data, View, Heap,
// kHeapOff and kTable and wraps these templates).
//
// A value is [ key | seed | len | sum ][ len bytes ], allocated from the segment's allocator;
// table[key] holds its payload offset (from the content base, which is also the allocator's
// base), written only with Heap::logged_put inside a transaction, so a rollback restores it.
// `sum` covers key, seed, len and every byte: a torn, misplaced or stale value fails verify.
//
// A View here is anything with: char* base; u64 bytes; d->table[]; h (an Allocator*); and
// u64 off_of(const void*).
#pragma once

#include <cstdint>

namespace wcts {

using u64 = std::uint64_t;

struct ValueHead {
  u64 key, seed, len, sum;
};
constexpr u64 kValueHead = sizeof(ValueHead);

inline std::uint8_t byte_at(u64 seed, u64 i) {
  return std::uint8_t((seed >> ((i % 8) * 8)) ^ (i * 31) ^ (i >> 7));
}

inline u64 checksum(u64 key, u64 seed, u64 len, const unsigned char* bytes) {
  u64 h = 0xcbf29ce484222325ull;
  auto mix = [&h](u64 v) {
    for (int i = 0; i < 8; ++i) {
      h ^= (v >> (8 * i)) & 0xff;
      h *= 0x100000001b3ull;
    }
  };
  mix(key);
  mix(seed);
  mix(len);
  for (u64 i = 0; i < len; ++i) {
    h ^= bytes[i];
    h *= 0x100000001b3ull;
  }
  return h;
}

// Writes a complete value at payload offset p (memory handed out by alloc in this transaction).
// `upto` < len writes only that many bytes and no checksum (a writer "killed half-way").
template <class View>
void write_value(const View& v, u64 p, u64 key, u64 seed, u64 len, u64 upto = ~u64{0}) {
  auto* head = reinterpret_cast<ValueHead*>(v.base + p);
  auto* bytes = reinterpret_cast<unsigned char*>(v.base + p + kValueHead);
  head->key = key;
  head->seed = seed;
  head->len = len;
  for (u64 i = 0; i < len && i < upto; ++i) bytes[i] = byte_at(seed, i);
  if (upto >= len) head->sum = checksum(key, seed, len, bytes);
}

// The value at payload offset p (table[key]) is intact; heap_off is where the allocator starts.
template <class View>
bool verify_value(const View& v, u64 heap_off, unsigned key, u64 p) {
  if (p < heap_off || p % 16 != 0 || p + kValueHead > v.bytes) return false;
  const auto* head = reinterpret_cast<const ValueHead*>(v.base + p);
  if (head->key != key || head->len > v.bytes - p - kValueHead) return false;
  if (v.h->usable_size(p) < kValueHead + head->len) return false;
  const auto* bytes = reinterpret_cast<const unsigned char*>(v.base + p + kValueHead);
  for (u64 i = 0; i < head->len; ++i)
    if (bytes[i] != byte_at(head->seed, i)) return false;
  return head->sum == checksum(key, head->seed, head->len, bytes);
}

struct Census {
  unsigned live = 0;  // table entries that name a value
  unsigned bad = 0;   // of which fail verify_value
};
template <class View>
Census census(const View& v, u64 heap_off, unsigned table_size) {
  Census c;
  for (unsigned k = 0; k < table_size; ++k) {
    const u64 p = v.d->table[k];
    if (p == 0) continue;
    ++c.live;
    if (!verify_value(v, heap_off, k, p)) ++c.bad;
  }
  return c;
}

// One store in the caller's open transaction: allocate first, then free the old value (the
// journal's rule: allocate before you free). False if the heap is full (nothing changed).
template <class View>
bool put_value(const View& v, unsigned key, u64 seed, u64 len) {
  const u64 p = v.h->alloc(kValueHead + len);
  if (p == 0) return false;
  write_value(v, p, key, seed, len);
  const u64 old = v.d->table[key];
  if (!v.h->logged_put(v.off_of(&v.d->table[key]), p)) return false;
  return old == 0 || v.h->free(old);
}

template <class View>
bool remove_value(const View& v, unsigned key) {
  const u64 old = v.d->table[key];
  if (old == 0) return true;
  if (!v.h->logged_put(v.off_of(&v.d->table[key]), 0)) return false;
  return v.h->free(old);
}

}  // namespace wcts
