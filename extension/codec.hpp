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
//   'n' | 'f' | 't'          null, false, true
//   'i' int64 | 'd' double
//   's' u32 len, bytes
//   'P' u32 count, values...                       a list (keys 0..count-1)
//   'H' u32 count, i64 next_free, (key, value)...   key: 'k' int64 | 'K' u32 len, bytes
//   'Z' u32 len, serialize() output
// References are dereferenced (the stored copy holds the referenced value at store time).
#pragma once

#include <cstdint>
#include <string>

extern "C" {
#include "php.h"
}

#include "../core/ucache.hpp"

namespace wcx {

enum class Encode : std::uint8_t { ok, resource, exception };

// Encodes *zv into out (cleared first); *type gets the info() type. A resource anywhere gives
// Encode::resource; a serializer exception (Closure, ...) Encode::exception (EG(exception) set).
Encode encode_value(zval* zv, std::string& out, wc::ValueType* type);

// Decodes what encode_value wrote for `type` into *rv. False if the bytes are damaged or the
// unserializer failed (then *rv is null).
bool decode_value(wc::ValueType type, const char* p, std::uint64_t n, zval* rv);

}  // namespace wcx
