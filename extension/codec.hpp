// extension/codec.hpp: PHP values <-> the bytes the user cache stores.
//
// A stored value is a self-contained byte string: no pointer into request memory survives, so a
// later write by the caller (through a reference, into an array it stored) can never change it,
// and any process may decode it. Scalars and strings are stored raw (the cache's ValueType says
// which); arrays as a tree (below); objects, and arrays that contain objects, through PHP's own
// serializer, so __sleep/__wakeup and __serialize/__unserialize run as WinCache ran them and a
// Closure is refused by the serializer's own exception.
//
// Array tree (native byte order: the cache never leaves its host):
//   'n' | 'f' | 't'                            null, false, true
//   'i' int64 | 'd' double
//   's' u64 len, bytes
//   'P' u32 count, i64 next_free, values...    a list (keys 0..count-1)
//   'H' u32 count, i64 next_free, (key, value)...   key: 'k' int64 | 'K' u32 len, bytes
//   'R' u32 id, value                          a PHP reference held more than once: defines id
//   'r' u32 id                                 the same reference again
//   'Z' u32 len, serialize() output            (only as the whole value)
// References keep their aliasing within the value (after storing $a = ['x' => 1] with
// $a['y'] = &$a['x'], writing the fetched copy's 'y' changes its 'x'), as serialize(), APCu and
// WinCache do; a reference held once is stored as its value, so the stored copy never aliases
// the caller's variables. A reference cycle ($a[0] = &$a) is a back-reference, not a recursion.
// Nesting is limited to kMaxDepth arrays (PHP's own unserialize_max_depth default): a deeper
// value is refused at store time, never stored unreadable.
#pragma once

#include <cstdint>

extern "C" {
#include "php.h"
}

#include "../core/ucache.hpp"
#include "buffers.hpp"

namespace wcx {

inline constexpr int kMaxDepth = 4096;

enum class Encode : std::uint8_t {
  ok,
  resource,   // a resource where the stored value would carry it
  too_deep,   // arrays nested deeper than kMaxDepth
  exception,  // the serializer threw (EG(exception) is set): a Closure, __sleep/__serialize
  no_memory,  // the process could not get the memory for the encoded bytes
};

// The bytes to store for *zv: either a view of the zval's own string (a top-level string, no
// copy) or `buf`'s contents. *type is what info() reports.
struct Encoded {
  const char* bytes = nullptr;
  std::size_t len = 0;
  wc::ValueType type = wc::ValueType::null_v;
};
Encode encode_value(zval* zv, Buffer& buf, Encoded* out);

// Decodes what encode_value wrote for `type` into *rv. False if the bytes are damaged or the
// unserializer failed (then *rv is null). `p` must stay valid and unchanged during the call:
// it is call-owned memory (a Buffer), never memory another call can rewrite.
bool decode_value(wc::ValueType type, const char* p, std::uint64_t n, zval* rv);

// A memory_limit error that PHP raises later: in builds with fallible allocations (Debian's
// 8.2.36: ZEND_HAS_OOM()), an allocation past the limit fails, the error is noted and raised at
// the next VM interrupt; unserialize() then fails "cleanly" on the way to that fatal error.
inline bool oom_pending() {
#ifdef ZEND_HAS_OOM
  return ZEND_HAS_OOM();
#else
  return false;
#endif
}

// True for the types a get decodes in place under the read lock (no PHP allocation).
inline bool decodes_in_place(wc::ValueType t) {
  return t != wc::ValueType::string_v && t != wc::ValueType::array_v &&
         t != wc::ValueType::object_v;
}

}  // namespace wcx
