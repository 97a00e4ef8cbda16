// posix_tests/common.hpp: the segment content the worker processes and the test process share.
//
// Kinds of the test group (both initialised by on_create, global or local):
//   kData  (0)  1 MiB, anywhere. Content: Data (an RwLock<PrimPosix> and a table of value
//               offsets) followed by an Allocator<PrimPosix> managing the rest.
//   kFixed (1)  the same content, fixed-address kind (preferred base kFixedBase).
//
// A value is [ key | seed | len | sum ][ len bytes ], allocated from the segment's allocator;
// table[key] holds its payload offset (from the content base, which is also the allocator's
// base), written only with Heap::logged_put inside a transaction, so a rollback restores it.
// `sum` covers key, seed, len and every byte: a torn, misplaced or stale value fails verify().
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>
#include <type_traits>
#include <vector>

#include "core/allocator.hpp"
#include "core/naming.hpp"
#include "core/registry.hpp"
#include "core/rwlock.hpp"
#include "prims/prim_posix.hpp"
#include "prims/posix_os.hpp"

namespace pt {

// Negative twins: posix_worker_twin_<bug> is this worker built with WC_TWIN = one seeded bug of
// core/ (wc::NoSeededBugs). The layout is the same, so a twin works on the same segments as
// everyone else; the twin tests check that the real-process tests catch the bug. Without WC_TWIN
// the worker and the tests use exactly the shipped instantiations.
#ifndef WC_TWIN
#define WC_TWIN 0
#endif
enum : int { kTwinNone = 0, kTwinSkipJournal = 1, kTwinForgetDirty = 2, kTwinSkipDrain = 3 };
struct TwinBugs : wc::NoSeededBugs {
  static constexpr bool skip_journal = WC_TWIN == kTwinSkipJournal;
  static constexpr bool forget_dirty = WC_TWIN == kTwinForgetDirty;
  static constexpr bool skip_drain = WC_TWIN == kTwinSkipDrain;
};

using Prim = wc::PrimPosix;
using Lock = std::conditional_t<WC_TWIN == kTwinNone, wc::RwLock<Prim>,
                                wc::RwLock<Prim, wc::RwLockTuning, TwinBugs>>;
using Heap = std::conditional_t<WC_TWIN == kTwinNone, wc::Allocator<Prim>,
                                wc::Allocator<Prim, TwinBugs>>;
using Group = wc::Group<Prim, wc::PosixOs>;
using u64 = std::uint64_t;

constexpr unsigned kData = 0;
constexpr unsigned kFixed = 1;
constexpr u64 kSegSize = u64{1} << 20;
constexpr u64 kFixedBase = 0x3f0000000000ull;  // far from where Linux puts heaps and libraries
constexpr unsigned kTable = 256;

struct Data {
  Lock lock;
  u64 table[kTable];  // payload offset of the value with key i, or 0
  u64 stores;         // committed stores (a journaled counter)
};
constexpr u64 kHeapOff = (sizeof(Data) + 63) / 64 * 64;

inline std::vector<wc::KindSpec> kinds() {
  return {wc::KindSpec{kSegSize, false, 0}, wc::KindSpec{kSegSize, true, kFixedBase}};
}

// Group's on_create: runs under the registry lock before the segment is published.
inline void init_content(unsigned, char* content, u64 bytes, wc::Scope) {
  new (content) Data();
  Heap::create(content, kHeapOff, bytes);  // on failure the magic stays 0: attach() says so
}

struct View {
  char* base = nullptr;  // content base = allocator base
  u64 bytes = 0;
  Data* d = nullptr;
  Heap* h = nullptr;
  explicit operator bool() const { return h != nullptr; }
  u64 off_of(const void* p) const { return u64(static_cast<const char*>(p) - base); }
  u64 table_off(unsigned key) const { return off_of(&d->table[key]); }
};

inline View view_of(Group& g, unsigned kind) {
  View v;
  if (g.scope(kind) == wc::Scope::none) return v;
  v.base = g.content(kind);
  v.bytes = kSegSize - wc::SegmentHeader::kContentOffset;
  v.d = reinterpret_cast<Data*>(v.base);
  v.h = Heap::attach(v.base, kHeapOff, v.bytes);
  return v;
}

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
// `upto` < len writes only that many bytes (a writer "killed half-way").
inline void write_value(const View& v, u64 p, u64 key, u64 seed, u64 len, u64 upto = ~u64{0}) {
  auto* head = reinterpret_cast<ValueHead*>(v.base + p);
  auto* bytes = reinterpret_cast<unsigned char*>(v.base + p + kValueHead);
  head->key = key;
  head->seed = seed;
  head->len = len;
  for (u64 i = 0; i < len && i < upto; ++i) bytes[i] = byte_at(seed, i);
  if (upto >= len) head->sum = checksum(key, seed, len, bytes);
}

// The value table[key] names is intact.
inline bool verify_value(const View& v, unsigned key, u64 p) {
  if (p < kHeapOff || p % 16 != 0 || p + kValueHead > v.bytes) return false;
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
inline Census census(const View& v) {
  Census c;
  for (unsigned k = 0; k < kTable; ++k) {
    const u64 p = v.d->table[k];
    if (p == 0) continue;
    ++c.live;
    if (!verify_value(v, k, p)) ++c.bad;
  }
  return c;
}

// One store in the caller's open transaction: allocate first, then free the old value (the
// journal's rule: allocate before you free). False if the heap is full (nothing changed).
inline bool store_value(const View& v, unsigned key, u64 seed, u64 len) {
  const u64 p = v.h->alloc(kValueHead + len);
  if (p == 0) return false;
  write_value(v, p, key, seed, len);
  const u64 old = v.d->table[key];
  if (!v.h->logged_put(v.table_off(key), p)) return false;
  if (old != 0 && !v.h->free(old)) return false;
  v.h->logged_put(v.off_of(&v.d->stores), v.d->stores + 1);
  return true;
}

inline bool remove_value(const View& v, unsigned key) {
  const u64 old = v.d->table[key];
  if (old == 0) return true;
  if (!v.h->logged_put(v.table_off(key), 0)) return false;
  return v.h->free(old);
}

inline const char* acquire_name(wc::Acquire a) {
  switch (a) {
    case wc::Acquire::ok: return "ok";
    case wc::Acquire::owner_died: return "owner_died";
    case wc::Acquire::broken: return "broken";
    case wc::Acquire::would_block: return "would_block";
    case wc::Acquire::misuse: return "misuse";
  }
  return "?";
}

inline const char* scope_name(wc::Scope s) {
  return s == wc::Scope::global ? "global" : s == wc::Scope::local ? "local" : "none";
}

inline const char* status_name(Group::Status s) {
  switch (s) {
    case Group::Status::ok: return "ok";
    case Group::Status::init_timeout: return "init_timeout";
    case Group::Status::no_slot: return "no_slot";
    case Group::Status::not_joined: return "not_joined";
    case Group::Status::bad_kind: return "bad_kind";
    case Group::Status::map_failed: return "map_failed";
    case Group::Status::corrupt: return "corrupt";
  }
  return "?";
}

}  // namespace pt
