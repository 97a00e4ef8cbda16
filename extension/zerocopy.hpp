// extension/zerocopy.hpp: zero-copy values of the user cache (issue 16, docs/extension.md
// "Zero-copy values").
//
// FORMAT. Where the user-cache segment is the fixed-address kind (every process of the group maps
// it at one address, or runs on a process-local copy that only it reads: SEG-4), an array of
// null / bool / int / float / string / arrays of those (any depth), and a string of 64 KB or more
// (a shorter one keeps the codec's raw bytes: an image needs the string's hash computed at store
// time, which costs more than ten copying gets save), are stored as an IMAGE: the engine's own structures, laid out as OPcache lays out its immutable arrays:
//   - arrays: refcount 2, GC_ARRAY | GC_IMMUTABLE | GC_NOT_COLLECTABLE, HASH_FLAG_STATIC_KEYS
//     (| PACKED as the source was), pDestructor NULL, nIteratorsCount 0, nInternalPointer 0,
//     nNextFreeElement verbatim; arData absolute into the segment with the hash slots below it;
//     hash tables compacted and their chains rebuilt; a nested empty array is a table of its own
//     (HASH_FLAG_UNINITIALIZED) whose data points at two HT_INVALID_IDX slots in the same image;
//   - strings: refcount 2, GC_STRING | IS_STR_INTERNED | IS_STR_PERMANENT (never GC_PROTECTED),
//     h precomputed (zend_hash_func: PHP's string hash is unseeded, the same in every process),
//     NUL-terminated, 8-byte aligned;
//   - every zval inside has type flags 0 (IS_ARRAY, IS_STRING: never refcounted);
//   - no pointer leaves the image: not to zend_empty_array, not to any interned string of the
//     process or of OPcache (every string is copied, whatever its flags).
// An image starts with a 24-byte header (magic, the root's kind and the head's length, the root,
// the slots of empty tables), then an optional HEAD: bytes its caller keeps with it verbatim (the
// near cache's stamp, ucache_redis.cpp; the plain user cache keeps none), then the structures.
// The image is built position-independently (offsets from its start, and the list of the words
// that hold one) before any lock is taken, and relocated while the store copies it into the new
// entry under the write lock (KeyedStore::store_with), before the entry is published. The entry's
// aux word says "image" (kImageAux); everything else (objects, arrays holding references held
// twice, enums, values nested deeper than kMaxDepth) keeps codec.hpp's encoding. The segment's
// ABI tag (runtime.hpp kAbiTag) keeps other PHP builds out. Windows: the user cache is not the
// fixed-address kind yet, so no image is ever stored there (kImages is false).
//
// HAND-OUT (wincache.ucache_zero_copy on). A get of an image returns a zval with plain IS_ARRAY
// type info (never ZVAL_ARR's refcounted flags) or ZVAL_INTERNED_STR; a top-level empty array
// with the default next index is ZVAL_EMPTY_ARRAY. Before the first such get of a request the
// process pins the store (KeyedStore::pin: anything removed later stays allocated and unchanged)
// and it unpins in the module's post-deactivate hook, after the executor has released every
// request value (not RSHUTDOWN: destructors, session writes and symbol-table teardown read the
// values until then). The engine separates (copies) before any write, as it does for OPcache's
// immutable arrays.
//
// COPY (ucache_zero_copy off, the default for cli / phpdbg / embed / frankenphp and unknown SAPIs,
// whose "request" may last as long as the process; and in a pcntl_fork()ed child for the rest of
// the request that forked): as for the codec's values, the image's bytes are copied out under the
// read lock into a call-owned buffer, then deep-copied from there into request memory (its
// pointers read at an offset). No pin. The result is what the old decoding gave.
//
// READ-ONLY TEST MODE (wincache.protect_memory=1, POSIX): this process's mapping of the user-cache
// segment is PROT_READ except while one of our functions runs (zc_enter/zc_leave, nested calls
// counted): any engine write into a handed-out value is a SIGSEGV.
#pragma once

#include <cstdint>

#include "runtime.hpp"

extern "C" {
#include "php.h"
}

namespace wcx {

#ifdef _WIN32
inline constexpr bool kImages = false;
#else
inline constexpr bool kImages = true;
#endif
// The aux word of an entry whose value is an image: bit 0 (core/ucache.hpp aux_pins); bits 1..:
// the newest pin epoch of a reader it was handed out to (0: never handed out).
inline constexpr std::uint64_t kImageAux = 1;
inline bool is_image(std::uint64_t aux) { return (aux & 1) != 0; }

// INI handlers (wincache.cpp's table).
ZEND_INI_MH(ini_ucache_zero_copy);
ZEND_INI_MH(ini_protect_memory);
ZEND_INI_MH(ini_ucache_pin_warn);

// MINIT: resolve the per-SAPI default of ucache_zero_copy.
void zc_minit();
// RINIT: after process_rinit (the mapping may have moved): protect it again in test mode.
void zc_rinit();
// post-deactivate: unpin (if this process pinned this request), log a pin older than the limit.
void zc_post_deactivate();
// MSHUTDOWN: before the process leaves its groups (its mapping writable again).
void zc_mshutdown();

// zc_enter / zc_leave / ZcScope (features.hpp): our function is running, the mapping is
// writable (test mode; nested calls counted).

// Store *value as an image if it has the image's shape. Returns true if it was handled (then *st
// is the store's answer); false: not an image value (or no image format here), use the codec.
// *no_memory: the image could not be built (this process had no memory).
// `head`: head_len bytes the caller keeps with the image, verbatim, in front of the engine's
// structures (the near cache's stamp: ucache_redis.cpp); read back with zc_head. An image is
// handed out (zc_root) or copied (zc_copy_out) only by a caller that names the same head length:
// the plain user cache (no head) never serves a near-cache copy, nor the other way round.
bool zc_store(Cache* c, unsigned slot, const char* key, std::uint32_t klen, zval* value,
              std::uint64_t ttl_s, std::uint64_t now_ms, Cache::Mode mode, wc::CacheStatus* st,
              bool* no_memory, const void* head = nullptr, std::size_t head_len = 0);

// The get of a key whose value may be an image: if this get hands out without copying, pin first
// (the get then runs pinned; the pin lasts until post-deactivate). Returns whether it is pinned.
bool zc_before_get(Cache* c, unsigned slot);
// Under the read lock, for an entry whose aux word is kImageAux: the image's root (an absolute
// pointer into the segment) and whether it is a string; null if the bytes are no image.
// Null also when the image's head is not head_len bytes long.
const void* zc_root(const char* bytes, bool* is_string, std::size_t head_len = 0);
// Under the read lock (or on a copy of the entry's bytes): the head zc_store kept with the image,
// or null if `bytes` is no image with a head of head_len bytes.
const char* zc_head(const char* bytes, std::uint64_t len, std::size_t head_len);
// Under the read lock, pinned, before handing out: stamp the entry (only what a pinned reader
// got is retired when it is removed; the rest is freed at once).
void zc_stamp(Cache* c, unsigned slot, Cache::View& v);
// After the read lock, pinned: the value without copying.
void zc_hand_out(const void* root, bool is_string, zval* rv);
// After the read lock, not pinned: `copy` holds the image's `len` bytes copied out under the lock
// from `entry_bytes` (the entry's address, which the image's pointers are relative to); deep-copies
// it into request memory. False if the bytes are no image.
bool zc_copy_out(const char* copy, std::uint64_t len, const char* entry_bytes, zval* rv,
                 std::size_t head_len = 0);
// value_size as wincache_ucache_info() reports it (under the read lock): a scalar 16 (WinCache's
// zval), a string its length (image or not), an array the bytes it takes in the cache.
std::uint64_t zc_value_size(const wc::EntryInfo& e);
// Whether gets of this process hand out without copying (INI resolved, image format here).
bool zc_handing_out();
// on: the forks this process starts until `off` run no PHP and never read a handed-out value
// (the near cache's listener, near_listener.cpp): no fork hold is claimed for them (one would
// stay claimed until a writer reaped it, and a child that found none free would exit).
void zc_fork_without_hold(bool on);

// wincache_extra_info()['ucache'] keys: zero_copy, protect_memory, pinned, pin_age_ms,
// retired_entries, retired_bytes, images_stored, zero_copy_gets, copied_gets.
void zc_extra_info(zval* uc, Cache* c, unsigned slot);

}  // namespace wcx
