// tests/win32/common.hpp: what the Win32 worker process and the tests share (a subset of
// tests/posix/common.hpp on PrimWin32 / Win32Os).
//
// A test segment (a named mapping, or a Group kind's content) holds Data: an RwLock<PrimWin32>,
// a table of value offsets and a few words the worker reports through, followed by an
// Allocator<PrimWin32> managing the rest. The values (checksummed, one table entry each) are
// tests/common/segment_content.hpp's, shared with tests/posix/.
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
#include "tests/common/segment_content.hpp"

namespace wt {

// Negative twin (as in tests/posix/common.hpp): win32_worker_twin_<bug>.exe is the worker built
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

// The values: tests/common/segment_content.hpp, wrapped for this layout.
using wcts::byte_at;
using wcts::checksum;
using wcts::Census;
using wcts::kValueHead;
using wcts::ValueHead;
using wcts::write_value;

inline bool verify_value(const View& v, unsigned key, u64 p) {
  return wcts::verify_value(v, kHeapOff, key, p);
}

inline Census census(const View& v) { return wcts::census(v, kHeapOff, kTable); }

// One store in the caller's open transaction: allocate first, then free the old value.
inline bool store_value(const View& v, unsigned key, u64 seed, u64 len) {
  return wcts::put_value(v, key, seed, len);
}

inline bool remove_value(const View& v, unsigned key) { return wcts::remove_value(v, key); }

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
