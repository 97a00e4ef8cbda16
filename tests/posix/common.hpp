// tests/posix/common.hpp: the segment content the worker processes and the test process share.
//
// Kinds of the test group (both initialised by on_create, global or local):
//   kData  (0)  1 MiB, anywhere. Content: Data (an RwLock<PrimPosix> and a table of value
//               offsets) followed by an Allocator<PrimPosix> managing the rest.
//   kFixed (1)  the same content, fixed-address kind (preferred base kFixedBase).
//
// The values (checksummed, one table entry each) are tests/common/segment_content.hpp's, shared
// with tests/win32/.
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
#include "tests/common/segment_content.hpp"

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

// The values: tests/common/segment_content.hpp, wrapped for this layout.
using wcts::byte_at;
using wcts::checksum;
using wcts::Census;
using wcts::kValueHead;
using wcts::ValueHead;
using wcts::write_value;

// The value table[key] names is intact.
inline bool verify_value(const View& v, unsigned key, u64 p) {
  return wcts::verify_value(v, kHeapOff, key, p);
}

inline Census census(const View& v) { return wcts::census(v, kHeapOff, kTable); }

// One store in the caller's open transaction (allocate first, then free the old value), counted
// in Data::stores. False if the heap is full (nothing changed).
inline bool store_value(const View& v, unsigned key, u64 seed, u64 len) {
  if (!wcts::put_value(v, key, seed, len)) return false;
  v.h->logged_put(v.off_of(&v.d->stores), v.d->stores + 1);
  return true;
}

inline bool remove_value(const View& v, unsigned key) { return wcts::remove_value(v, key); }

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
    case Group::Status::no_memory: return "no_memory";
  }
  return "?";
}

}  // namespace pt
