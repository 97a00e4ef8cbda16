// win32_tests/common.hpp: what the Win32 worker process and the tests share (a subset of
// posix_tests/common.hpp on PrimWin32 / Win32Os).
//
// A test segment (a named mapping, or a Group kind's content) holds Data: an RwLock<PrimWin32>,
// a table of value offsets and a few words the worker reports through, followed by an
// Allocator<PrimWin32> managing the rest. A value is [ key | seed | len | sum ][ len bytes ];
// table[key] holds its payload offset, written with Heap::logged_put inside a transaction.
#pragma once

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
#include "prims/prim_win32.hpp"
#include "prims/win32_os.hpp"

namespace wt {

// Negative twin (as in posix_tests/common.hpp): win32_worker_twin_<bug>.exe is the worker built
// with WC_TWIN = one seeded bug of core/ (wc::NoSeededBugs); same layout, so it works on the same
// segments. Without WC_TWIN the worker and the tests use exactly the shipped instantiations.
#ifndef WC_TWIN
#define WC_TWIN 0
#endif
enum : int { kTwinNone = 0, kTwinForgetDirty = 2 };
struct TwinBugs : wc::NoSeededBugs {
  static constexpr bool forget_dirty = WC_TWIN == kTwinForgetDirty;
};

using Prim = wc::PrimWin32;
using Lock = std::conditional_t<WC_TWIN == kTwinNone, wc::RwLock<Prim>,
                                wc::RwLock<Prim, wc::RwLockTuning, TwinBugs>>;
using Heap = std::conditional_t<WC_TWIN == kTwinNone, wc::Allocator<Prim>,
                                wc::Allocator<Prim, TwinBugs>>;
using Group = wc::Group<Prim, wc::Win32Os>;
using u64 = std::uint64_t;

// Group kinds: kData (0) anywhere, kFixed (1) the same content at a fixed address (preferred
// base kFixedBase, 64 KiB aligned as MapViewOfFileEx wants).
constexpr unsigned kData = 0;
constexpr unsigned kFixed = 1;
constexpr u64 kSegSize = u64{1} << 20;
constexpr u64 kFixedBase = 0x3f0000000000ull;
constexpr unsigned kTable = 64;

struct Data {
  Lock lock;
  u64 table[kTable];
  std::atomic<u64> report[4];  // the worker's reports (value, proc_id, generation, flag)
};
constexpr u64 kHeapOff = (sizeof(Data) + 63) / 64 * 64;

inline void init_content(char* content, u64 bytes) {
  new (content) Data();
  Heap::create(content, kHeapOff, bytes);
}

struct View {
  char* base = nullptr;
  u64 bytes = 0;
  Data* d = nullptr;
  Heap* h = nullptr;
  u64 off_of(const void* p) const { return u64(static_cast<const char*>(p) - base); }
};

inline View view_at(void* base, u64 bytes) {
  View v;
  v.base = static_cast<char*>(base);
  v.bytes = bytes;
  v.d = reinterpret_cast<Data*>(base);
  v.h = Heap::attach(base, kHeapOff, bytes);
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

// `upto` < len: only that many bytes and no checksum (a writer killed half-way).
inline void write_value(const View& v, u64 p, u64 key, u64 seed, u64 len, u64 upto = ~u64{0}) {
  auto* head = reinterpret_cast<ValueHead*>(v.base + p);
  auto* bytes = reinterpret_cast<unsigned char*>(v.base + p + kValueHead);
  head->key = key;
  head->seed = seed;
  head->len = len;
  for (u64 i = 0; i < len && i < upto; ++i) bytes[i] = byte_at(seed, i);
  if (upto >= len) head->sum = checksum(key, seed, len, bytes);
}

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

// One store in the caller's open transaction: allocate first, then free the old value.
inline bool store_value(const View& v, unsigned key, u64 seed, u64 len) {
  const u64 p = v.h->alloc(kValueHead + len);
  if (p == 0) return false;
  write_value(v, p, key, seed, len);
  const u64 old = v.d->table[key];
  if (!v.h->logged_put(v.off_of(&v.d->table[key]), p)) return false;
  return old == 0 || v.h->free(old);
}

inline bool remove_value(const View& v, unsigned key) {
  const u64 old = v.d->table[key];
  if (old == 0) return true;
  if (!v.h->logged_put(v.off_of(&v.d->table[key]), 0)) return false;
  return v.h->free(old);
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

inline std::vector<wc::KindSpec> kinds() {
  return {wc::KindSpec{kSegSize, false, 0}, wc::KindSpec{kSegSize, true, kFixedBase}};
}

// The content of an attached kind (nullptr h if none or no allocator header).
inline View view_of(Group& g, unsigned kind) {
  if (g.scope(kind) == wc::Scope::none) return View{};
  return view_at(g.content(kind), kSegSize - wc::SegmentHeader::kContentOffset);
}

// A worker's report words: a small named mapping the test creates and the worker writes.
constexpr u64 kReportSize = 65536;
constexpr unsigned kReportWords = 16;  // per worker index

inline void group_init(unsigned, char* content, u64 bytes, wc::Scope) {
  init_content(content, bytes);
}

inline std::wstring widen(const std::string& s) { return std::wstring(s.begin(), s.end()); }

}  // namespace wt
