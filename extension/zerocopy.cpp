// extension/zerocopy.cpp: see zerocopy.hpp.
#include "zerocopy.hpp"

#include <cstring>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "features.hpp"

#include "codec.hpp"  // kMaxDepth

extern "C" {
#include "SAPI.h"
}

#ifndef _WIN32
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace wcx {
namespace {

struct ZcState {
  // INI
  int ini_zero_copy = -1;     // wincache.ucache_zero_copy: -1 = the SAPI's default
  bool protect = false;       // wincache.protect_memory
  zend_long pin_warn_s = 60;  // wincache.ucache_pin_warn: a pin older than this is logged
  // resolved at MINIT
  bool zero_copy = false;
  // this request's pin
  Cache* pinned = nullptr;      // the store this process pinned, or null
  unsigned pinned_slot = 0;
  std::uint64_t pinned_by = 0;  // Prim::self() of the pinning process (a fork child is another)
  std::uint64_t pinned_at = 0;  // mono_ms() of the pin
  unsigned gets_since_check = 0;  // zc_before_get's count between looks at the pin's age
  bool request_pin = false;     // held to the request's end (values were handed out)
  bool forked = false;          // this request forked: copy from now on (zerocopy.hpp)
  bool age_logged = false;      // the one log line of a pin older than pin_warn_s
  bool fork_no_hold = false;    // the forks now started run no PHP (zc_fork_without_hold)
  // the read-only test mode
  int depth = 0;
  // process statistics
  std::uint64_t images = 0, zc_gets = 0, copied_gets = 0;
};
ZcState zs;

// ---- the read-only test mode -----------------------------------------------------------------
void protect_region(bool writable) {
#ifndef _WIN32
  Domain* d = joined_local();
  if (!d) return;
  const Domain::Region r = d->cache_region();
  if (!r.base) return;
  ::mprotect(r.base, std::size_t(r.bytes), writable ? PROT_READ | PROT_WRITE : PROT_READ);
#else
  (void)writable;
#endif
}

// ---- the image -------------------------------------------------------------------------------
// Offsets from the image's start. Header: [0] magic, [4] the kind word (bits 0..15: the root's
// kind, 0 array / 1 string; bits 16..31: the head's length in 8-byte words), [8] the root (a
// relocated pointer), [16] two HT_INVALID_IDX slots: the data of every empty table (arData =
// image + 24), [24] the head (the caller's bytes, kept verbatim: the near cache's stamp; none for
// the plain user cache), then the engine's structures.
constexpr std::uint32_t kMagic = 0x315a4357;  // "WCZ1"
constexpr std::uint64_t kRootOff = 8, kEmptySlotsOff = 16, kFirstOff = 24;
constexpr std::size_t kMaxHead = 0xffff * 8;
std::uint32_t kind_word(std::uint32_t kind, std::size_t head) {
  return kind | std::uint32_t(head / 8) << 16;
}
std::size_t head_of(std::uint32_t kind_word) { return std::size_t(kind_word >> 16) * 8; }
std::size_t round8(std::size_t n) { return (n + 7) & ~std::size_t(7); }
constexpr std::size_t kStringImageMin = 64 * 1024;
constexpr std::uint32_t kArrayFlags = (GC_IMMUTABLE | GC_NOT_COLLECTABLE) << GC_FLAGS_SHIFT;
constexpr std::uint32_t kStringFlags = (IS_STR_INTERNED | IS_STR_PERMANENT) << GC_FLAGS_SHIFT;

// Pointer -> image offset, open addressing (no allocation per insert): strings and tables met
// more than once are written once (a literal key repeated in every row of a list).
class PtrMap {
 public:
  std::uint64_t find(const void* p) const {
    if (slots_.empty()) return 0;
    for (std::size_t i = mix(p) & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1)) {
      if (slots_[i].first == p) return slots_[i].second;
      if (!slots_[i].first) return 0;
    }
  }
  void put(const void* p, std::uint64_t off) {
    if ((used_ + 1) * 2 > slots_.size()) grow();
    std::size_t i = mix(p) & (slots_.size() - 1);
    while (slots_[i].first && slots_[i].first != p) i = (i + 1) & (slots_.size() - 1);
    if (!slots_[i].first) ++used_;
    slots_[i] = {p, off};
  }

 private:
  static std::size_t mix(const void* p) {
    return std::size_t((reinterpret_cast<std::uintptr_t>(p) >> 3) * 0x9E3779B97F4A7C15ull >> 16);
  }
  void grow() {
    std::vector<std::pair<const void*, std::uint64_t>> old;
    old.swap(slots_);
    slots_.assign(old.empty() ? 64 : old.size() * 2, {nullptr, 0});
    used_ = 0;
    for (const auto& e : old)
      if (e.first) put(e.first, e.second);
  }
  std::vector<std::pair<const void*, std::uint64_t>> slots_;
  std::size_t used_ = 0;
};

class Builder {
 public:
  bool failed = false;  // not an image value (an object, a reference held twice, too deep...)
  std::vector<char> img;
  std::vector<std::uint64_t> relocs;  // offsets of the words that hold an image offset

  // The whole value: true if *zv is an image value and the image was built.
  bool build(zval* zv, const void* head, std::size_t head_len) {
    img.reserve(4096);
    alloc(kFirstOff + round8(head_len));
    std::memset(img.data(), 0, img.size());
    std::memset(img.data() + kEmptySlotsOff, 0xff, 8);  // HT_INVALID_IDX x2
    if (head_len) std::memcpy(img.data() + kFirstOff, head, head_len);
    ZVAL_DEREF(zv);
    std::uint32_t kind;
    std::uint64_t root;
    if (Z_TYPE_P(zv) == IS_STRING) {
      kind = 1;
      root = str(Z_STR_P(zv));
    } else if (Z_TYPE_P(zv) == IS_ARRAY) {
      kind = 0;
      root = arr(Z_ARRVAL_P(zv), 0);
    } else {
      return false;
    }
    if (failed) return false;
    kind = kind_word(kind, round8(head_len));
    std::memcpy(img.data(), &kMagic, 4);
    std::memcpy(img.data() + 4, &kind, 4);
    pointer(kRootOff, root);
    return true;
  }

 private:
  PtrMap strings_, arrays_;  // dedup within the image (offsets are never 0: the header is there)
  std::unordered_set<const HashTable*> in_progress_;  // the tables being built (cycle check)
  std::uint64_t default_empty_ = 0;

  std::uint64_t alloc(std::size_t n) {
    const std::uint64_t off = img.size();
    img.resize(off + ((n + 7) & ~std::size_t(7)));  // 8-byte alignment of every object
    return off;
  }
  template <class T>
  T* at(std::uint64_t off) {
    return reinterpret_cast<T*>(img.data() + off);
  }
  // The word at `where` points at image offset `target` (relocated at store time).
  void pointer(std::uint64_t where, std::uint64_t target) {
    std::memcpy(img.data() + where, &target, 8);
    relocs.push_back(where);
  }

  std::uint64_t str(zend_string* s) {
    // Shared strings (interned: literals, keys; or referenced twice) are looked up; a string
    // made at run time and held once is met once.
    const bool shared = ZSTR_IS_INTERNED(s) || GC_REFCOUNT(s) > 1;
    if (shared)
      if (const std::uint64_t off = strings_.find(s)) return off;
    const std::size_t len = ZSTR_LEN(s);
    const std::uint64_t off = alloc(_ZSTR_STRUCT_SIZE(len));
    zend_string* d = at<zend_string>(off);
    GC_SET_REFCOUNT(d, 2);
    GC_TYPE_INFO(d) = GC_STRING | kStringFlags;
    d->h = zend_hash_func(ZSTR_VAL(s), len);  // eager: the engine would write it lazily
    d->len = len;
    std::memcpy(ZSTR_VAL(d), ZSTR_VAL(s), len);
    ZSTR_VAL(d)[len] = '\0';
    if (shared) strings_.put(s, off);
    return off;
  }

  // The zval at image offset `dst` from the source *v; u2 is left as the caller set it.
  void value(std::uint64_t dst, zval* v, int depth) {
    if (Z_ISREF_P(v)) {
      if (GC_REFCOUNT(Z_REF_P(v)) > 1) {  // may alias: the codec keeps the aliasing
        failed = true;
        return;
      }
      v = Z_REFVAL_P(v);
    }
    switch (Z_TYPE_P(v)) {
      case IS_UNDEF:
      case IS_NULL:
      case IS_FALSE:
      case IS_TRUE:
      case IS_LONG:
      case IS_DOUBLE: {
        zval* z = at<zval>(dst);
        z->value = v->value;
        Z_TYPE_INFO_P(z) = Z_TYPE_P(v);
        return;
      }
      case IS_STRING: {
        const std::uint64_t s = str(Z_STR_P(v));
        Z_TYPE_INFO_P(at<zval>(dst)) = IS_STRING;  // IS_INTERNED_STRING_EX: no type flags
        pointer(dst, s);
        return;
      }
      case IS_ARRAY: {
        const std::uint64_t a = arr(Z_ARRVAL_P(v), depth + 1);
        Z_TYPE_INFO_P(at<zval>(dst)) = IS_ARRAY;  // not IS_ARRAY_EX: never refcounted
        pointer(dst, a);
        return;
      }
      default:  // objects, enums, resources, INDIRECT...: the codec's encoding
        failed = true;
        return;
    }
  }

  std::uint64_t header(const HashTable* src) {
    const std::uint64_t off = alloc(sizeof(zend_array));
    zend_array* a = at<zend_array>(off);
    std::memset(static_cast<void*>(a), 0, sizeof(zend_array));
    GC_SET_REFCOUNT(a, 2);
    GC_TYPE_INFO(a) = GC_ARRAY | kArrayFlags;
    a->nNextFreeElement = src->nNextFreeElement;  // verbatim: `$a[] = x` lands as before
    a->nInternalPointer = 0;
    a->pDestructor = nullptr;  // a function pointer differs per process (ASLR)
    return off;
  }

  // A table met again inside itself (through a reference held once: `$v = $a` after
  // `$a[] = &$a; unset($a)` leaves exactly that) would make a cyclic image, which the copy path
  // and the engine's dumpers would follow forever: such values keep the codec's encoding.
  std::uint64_t arr(HashTable* ht, int depth) {
    if (!in_progress_.insert(ht).second) {
      failed = true;
      return 0;
    }
    const std::uint64_t off = arr_body(ht, depth);
    in_progress_.erase(ht);
    return off;
  }

  std::uint64_t arr_body(HashTable* ht, int depth) {
    if (depth >= kMaxDepth) {
      failed = true;
      return 0;
    }
    if (failed) return 0;
    const bool shared = (GC_FLAGS(ht) & GC_IMMUTABLE) || GC_REFCOUNT(ht) > 1;
    if (shared)
      if (const std::uint64_t off = arrays_.find(ht)) return off;
    const std::uint32_t count = zend_hash_num_elements(ht);
    if (count == 0) {  // a table of its own (its next index verbatim), data in the header
      const bool dflt = ht->nNextFreeElement == ZEND_LONG_MIN;
      if (dflt && default_empty_) return default_empty_;
      const std::uint64_t off = header(ht);
      zend_array* a = at<zend_array>(off);
      HT_FLAGS(a) = HASH_FLAG_UNINITIALIZED | HASH_FLAG_STATIC_KEYS;
      a->nTableMask = HT_MIN_MASK;
      a->nTableSize = HT_MIN_SIZE;
      pointer(off + offsetof(zend_array, arData), kEmptySlotsOff + HT_HASH_SIZE(HT_MIN_MASK));
      if (dflt) default_empty_ = off;
      if (shared) arrays_.put(ht, off);
      return off;
    }
    const std::uint64_t off = header(ht);
    if (shared) arrays_.put(ht, off);  // a table never contains itself (no refs held twice)
    if (HT_IS_PACKED(ht)) {
      const std::uint32_t used = ht->nNumUsed;
      const std::uint64_t data = alloc(HT_HASH_SIZE(HT_MIN_MASK) + std::size_t(used) * sizeof(zval));
      std::memset(img.data() + data, 0xff, HT_HASH_SIZE(HT_MIN_MASK));
      const std::uint64_t first = data + HT_HASH_SIZE(HT_MIN_MASK);
      std::memset(img.data() + first, 0, std::size_t(used) * sizeof(zval));
      for (std::uint32_t i = 0; i < used && !failed; ++i)
        value(first + std::uint64_t(i) * sizeof(zval), &ht->arPacked[i], depth);
      zend_array* a = at<zend_array>(off);
      HT_FLAGS(a) = HASH_FLAG_PACKED | HASH_FLAG_STATIC_KEYS;
      a->nTableMask = HT_MIN_MASK;
      a->nNumUsed = used;
      a->nNumOfElements = count;
      a->nTableSize = ht->nTableSize >= used ? ht->nTableSize : used;
      pointer(off + offsetof(zend_array, arData), first);
      return off;
    }
    // A hash: compacted (no holes) into the smallest table that holds it; chains rebuilt the
    // way the engine inserts (each new bucket heads its slot's chain).
    std::uint32_t size = HT_MIN_SIZE;
    while (size < count) size <<= 1;
    const std::uint32_t mask = HT_SIZE_TO_MASK(size);
    const std::size_t hash_bytes = HT_HASH_SIZE(mask);
    const std::uint64_t data = alloc(hash_bytes + std::size_t(count) * sizeof(Bucket));
    std::memset(img.data() + data, 0xff, hash_bytes);
    const std::uint64_t first = data + hash_bytes;
    std::memset(img.data() + first, 0, std::size_t(count) * sizeof(Bucket));
    std::uint32_t i = 0;
    zend_ulong idx;
    zend_string* key;
    zval* v;
    ZEND_HASH_MAP_FOREACH_KEY_VAL(ht, idx, key, v) {
      if (failed || i >= count) break;
      const std::uint64_t b = first + std::uint64_t(i) * sizeof(Bucket);
      value(b + offsetof(Bucket, val), v, depth);
      if (failed) break;
      zend_ulong h;
      if (key) {
        const std::uint64_t k = str(key);
        h = at<zend_string>(k)->h;
        pointer(b + offsetof(Bucket, key), k);
      } else {
        h = idx;
      }
      Bucket* bk = at<Bucket>(b);
      bk->h = h;
      char* ardata = img.data() + first;  // img does not grow below: no allocation
      const std::uint32_t slot = std::uint32_t(h) | mask;
      Z_NEXT(bk->val) = HT_HASH_EX(ardata, slot);
      HT_HASH_EX(ardata, slot) = HT_IDX_TO_HASH(i);
      ++i;
    }
    ZEND_HASH_FOREACH_END();
    if (failed) return 0;
    zend_array* a = at<zend_array>(off);
    HT_FLAGS(a) = HASH_FLAG_STATIC_KEYS;
    a->nTableMask = mask;
    a->nNumUsed = i;
    a->nNumOfElements = i;
    a->nTableSize = size;
    pointer(off + offsetof(zend_array, arData), first);
    return off;
  }
};

// ---- the copy path ---------------------------------------------------------------------------
// The image's pointers are addresses in the segment; the copy reads a copy of the image made
// under the read lock (a call-owned Buffer, as the codec's path does): every pointer is read at
// its address + `delta` (the buffer's address minus the entry's).
template <class T>
const T* moved(const T* p, std::ptrdiff_t delta) {
  return reinterpret_cast<const T*>(reinterpret_cast<const char*>(p) + delta);
}

void copy_value(const zval* src, zval* dst, std::ptrdiff_t delta);

void copy_array(const HashTable* s, zval* dst, std::ptrdiff_t delta) {
  if (s->nNumOfElements == 0 && s->nNextFreeElement == ZEND_LONG_MIN) {
    ZVAL_EMPTY_ARRAY(dst);
    return;
  }
  HashTable* d = zend_new_array(s->nNumOfElements);
  ZVAL_ARR(dst, d);
  if (s->nNumOfElements == 0) {
    d->nNextFreeElement = s->nNextFreeElement;
    return;
  }
  if (HT_IS_PACKED(s)) {
    const zval* el = moved(s->arPacked, delta);
    if (s->nNumUsed == s->nNumOfElements) {
      zend_hash_real_init_packed(d);
      ZEND_HASH_FILL_PACKED(d) {
        for (std::uint32_t i = 0; i < s->nNumUsed; ++i) {
          zval tmp;
          copy_value(&el[i], &tmp, delta);
          ZEND_HASH_FILL_ADD(&tmp);
        }
      }
      ZEND_HASH_FILL_END();
    } else {
      for (std::uint32_t i = 0; i < s->nNumUsed; ++i) {
        if (Z_TYPE(el[i]) == IS_UNDEF) continue;
        zval tmp;
        copy_value(&el[i], &tmp, delta);
        zend_hash_index_add_new(d, i, &tmp);
      }
    }
  } else {
    const Bucket* bs = moved(s->arData, delta);
    for (std::uint32_t i = 0; i < s->nNumUsed; ++i) {
      const Bucket* b = bs + i;
      if (Z_TYPE(b->val) == IS_UNDEF) continue;
      zval tmp;
      copy_value(&b->val, &tmp, delta);
      if (b->key) {
        const zend_string* key = moved(b->key, delta);
        zend_string* k = zend_string_init(ZSTR_VAL(key), ZSTR_LEN(key), 0);
        ZSTR_H(k) = ZSTR_H(key);
        zend_hash_add_new(d, k, &tmp);
        zend_string_release(k);
      } else {
        zend_hash_index_add_new(d, b->h, &tmp);
      }
    }
  }
  d->nNextFreeElement = s->nNextFreeElement;
}

void copy_value(const zval* src, zval* dst, std::ptrdiff_t delta) {
  switch (Z_TYPE_P(src)) {
    case IS_STRING: {
      const zend_string* s = moved(Z_STR_P(src), delta);
      ZVAL_STRINGL_FAST(dst, ZSTR_VAL(s), ZSTR_LEN(s));
      return;
    }
    case IS_ARRAY:
      copy_array(moved(Z_ARR_P(src), delta), dst, delta);
      return;
    default:
      ZVAL_COPY_VALUE(dst, src);  // scalars (their type info has no flags)
      return;
  }
}

void log_line(const std::string& msg) {
  php_log_err_with_severity(const_cast<char*>(msg.c_str()), LOG_WARNING);
}

// A pin older than the limit: said once per process, with its age (never waited on silently).
void check_pin_age() {
  if (!zs.pinned || zs.age_logged || zs.pin_warn_s <= 0) return;
  const std::uint64_t age = mono_ms() - zs.pinned_at;
  if (age < std::uint64_t(zs.pin_warn_s) * 1000) return;
  zs.age_logged = true;
  log_line("PHP Warning:  wincache: this process has pinned the user cache for " +
           std::to_string(age / 1000) + " s (wincache.ucache_pin_warn = " +
           std::to_string(zs.pin_warn_s) +
           "): values removed since stay allocated until its request ends; "
           "wincache_extra_info()['ucache'] shows the retired bytes");
}

void unpin() {
  if (!zs.pinned) return;
  if (zs.pinned_by == Prim::self()) zs.pinned->unpin(zs.pinned_slot);
  // else: a fork child's copy of its parent's state: the announcement is the parent's; the
  // child's own protection is the fork hold it adopted (below)
  zs.pinned = nullptr;
  zs.request_pin = false;
}

// ---- fork (ZC-4, docs/invariants/zerocopy.md "Fork") ----------------------------------------
// A pcntl_fork child inherits the values its parent's request was handed; the parent's pin ends
// with the parent's request, which may end first. So the parent, in the atfork prepare hook,
// claims a fork hold announcing its pin's epoch, and the child takes it over at once: the
// inherited values then stay allocated until the child's own request ends (post-deactivate
// gives the hold back) or the child dies (a dead holder is reaped, RECL-2). The child copies
// from then on (zs.forked).
#ifndef _WIN32
Cache::ForkHold g_fork_hold;   // parent: the hold the last prepare claimed
Cache::ForkHold g_adopted;     // child: the hold this process took over (n == 0: none)
Cache* g_adopted_cache = nullptr;
Domain::Region g_fork_region{nullptr, 0};  // the test mode: what the child unprotects to adopt

// The test mode's protection in the child, which is not joined yet (protect_region() looks up
// the joined domain): the region the prepare hook noted.
void fork_region_writable(bool writable) {
  if (!zs.protect || !g_fork_region.base) return;
  ::mprotect(g_fork_region.base, std::size_t(g_fork_region.bytes),
             writable ? PROT_READ | PROT_WRITE : PROT_READ);
}

void atfork_prepare() {
  g_fork_hold = {};
  if (zs.fork_no_hold) return;  // a child that runs no PHP (the near cache's listener)
  if (!zs.pinned || zs.pinned_by != Prim::self()) return;  // nothing handed out by us
  zc_enter();
  g_fork_hold = zs.pinned->hold_for_fork(zs.pinned_slot, now_ms(), g_adopted);
  zc_leave();
  Domain* d = joined_local();
  g_fork_region = d ? d->cache_region() : Domain::Region{nullptr, 0};
}
void atfork_child() {
  const Cache::ForkHold fh = g_fork_hold;
  g_fork_hold = {};
  if (fh.epoch == 0 || !zs.pinned) return;  // the parent had handed nothing out
  g_adopted = {};
  g_adopted_cache = nullptr;
  fork_region_writable(true);  // the hold lives in the segment (the test mode: read-only)
  const bool adopted = fh.n != 0 && zs.pinned->adopt_fork_hold(fh);
  fork_region_writable(false);
  if (adopted) {
    g_adopted = fh;
    g_adopted_cache = zs.pinned;
    zs.forked = true;
    return;
  }
  // No hold was free (64 forks pinned at once), or the parent died before we took it over and
  // a writer reaped it: values this process inherited may be freed under it. It must not run
  // PHP on with them.
  log_line("PHP Fatal error:  wincache: a forked child could not keep the user-cache values its "
           "parent was handed (no free fork hold, or the parent died during the fork): it exits "
           "(set wincache.ucache_zero_copy=0 for scripts that fork)");
  ::_exit(70);
}
void release_adopted() {
  if (g_adopted.n == 0 || !g_adopted_cache) return;
  fork_region_writable(true);  // the hold lives in the segment (the test mode: read-only)
  g_adopted_cache->release_fork_hold(g_adopted);
  fork_region_writable(false);
  g_adopted = {};
  g_adopted_cache = nullptr;
}
#else
void release_adopted() {}
#endif

}  // namespace

// ---- INI, hooks ------------------------------------------------------------------------------
ZEND_INI_MH(ini_ucache_zero_copy) {
  if (!new_value || ZSTR_LEN(new_value) == 0 || std::strcmp(ZSTR_VAL(new_value), "auto") == 0)
    zs.ini_zero_copy = -1;
  else
    zs.ini_zero_copy = zend_ini_parse_bool(new_value) ? 1 : 0;
  return SUCCESS;
}
ZEND_INI_MH(ini_protect_memory) {
  zs.protect = zend_ini_parse_bool(new_value);
  g_zc_protect = zs.protect;
  return SUCCESS;
}
ZEND_INI_MH(ini_ucache_pin_warn) {
  zs.pin_warn_s = ZEND_STRTOL(ZSTR_VAL(new_value), nullptr, 10);
  return SUCCESS;
}

void zc_minit() {
  // Per-SAPI defaults: hand out where a request ends with the page (php-fpm, FastCGI php-cgi,
  // Apache's module); copy where one "request" may last as long as the process.
  if (zs.ini_zero_copy >= 0) {
    zs.zero_copy = zs.ini_zero_copy == 1;
  } else {
    const char* n = sapi_module.name ? sapi_module.name : "";
    zs.zero_copy = std::strcmp(n, "fpm-fcgi") == 0 || std::strcmp(n, "cgi-fcgi") == 0 ||
                   std::strcmp(n, "apache2handler") == 0;
  }
  if (!kImages) zs.zero_copy = false;
#ifndef _WIN32
  if (zs.zero_copy) pthread_atfork(atfork_prepare, nullptr, atfork_child);
#endif
#ifdef _WIN32
  zs.protect = false;  // the read-only test mode is POSIX-only (mprotect)
#endif
  g_zc_protect = zs.protect;
}

void zc_rinit() {
  zs.forked = false;
  zs.depth = 0;  // a bailout out of one of our functions left it counted
  if (zs.protect) protect_region(false);
}

void zc_post_deactivate() {
  if (zs.pinned) {
    zc_enter();
    check_pin_age();
    unpin();
    zc_leave();
  }
  release_adopted();  // a fork child's hold on what it inherited
  zs.age_logged = false;
}

void zc_mshutdown() {
  if (zs.protect) protect_region(true);
  zs.protect = false;
  g_zc_protect = false;
}

bool g_zc_protect = false;
void zc_enter_protected() {
  if (zs.depth++ == 0) protect_region(true);
}
void zc_leave_protected() {
  if (zs.depth > 0 && --zs.depth == 0) protect_region(false);
}

bool zc_handing_out() { return zs.zero_copy; }

void zc_fork_without_hold(bool on) { zs.fork_no_hold = on; }

// ---- store -----------------------------------------------------------------------------------
bool zc_store(Cache* c, unsigned slot, const char* key, std::uint32_t klen, zval* value,
              std::uint64_t ttl_s, std::uint64_t now_ms, Cache::Mode mode, wc::CacheStatus* st,
              bool* no_memory, const void* head, std::size_t head_len) {
  if (!kImages || head_len > kMaxHead) return false;
  const std::size_t head_room = round8(head_len);
  zval* v = value;
  ZVAL_DEREF(v);
  if (Z_TYPE_P(v) != IS_ARRAY && Z_TYPE_P(v) != IS_STRING) return false;
  if (Z_TYPE_P(v) == IS_STRING) {
    // A top-level string shorter than kStringImageMin keeps the codec's raw bytes: an image needs
    // its hash computed at store time (the engine would write it lazily into the segment), about
    // 0.7 ns per byte, where a copy per get costs about 0.1 ns per byte plus an allocation; below
    // 64 KB the hash cost more than ten gets save (bench/php: set 1 KB string 3x slower).
    if (Z_STRLEN_P(v) < kStringImageMin) return false;
    // A string: the header and one zend_string, written straight into the entry (no image
    // built first: one copy of the bytes, as the codec's path).
    const zend_string* src = Z_STR_P(v);
    const std::size_t len = ZSTR_LEN(src);
    const zend_ulong h = zend_hash_func(ZSTR_VAL(src), len);
    const std::uint64_t bytes = kFirstOff + head_room + round8(_ZSTR_STRUCT_SIZE(len));
    *st = c->store_with(
        slot, key, klen, wc::ValueType::string_v, bytes,
        [&](char* dst) {
          std::memset(dst, 0, kFirstOff + head_room);
          const std::uint32_t kind = kind_word(1, head_room);
          std::memcpy(dst, &kMagic, 4);
          std::memcpy(dst + 4, &kind, 4);
          std::memset(dst + kEmptySlotsOff, 0xff, 8);
          if (head_len) std::memcpy(dst + kFirstOff, head, head_len);
          auto* d = reinterpret_cast<zend_string*>(dst + kFirstOff + head_room);
          GC_SET_REFCOUNT(d, 2);
          GC_TYPE_INFO(d) = GC_STRING | kStringFlags;
          d->h = h;
          d->len = len;
          std::memcpy(ZSTR_VAL(d), ZSTR_VAL(src), len);
          ZSTR_VAL(d)[len] = '\0';
          const void* root = d;
          std::memcpy(dst + kRootOff, &root, sizeof root);
        },
        ttl_s, now_ms, mode, 0, kImageAux);
    if (*st == wc::CacheStatus::ok) ++zs.images;
    return true;
  }
  Builder b;
  try {
    if (!b.build(v, head, head_len)) return false;
  } catch (const std::bad_alloc&) {
    *no_memory = true;
    return false;
  }
  const char* img = b.img.data();
  const std::vector<std::uint64_t>& relocs = b.relocs;
  *st = c->store_with(
      slot, key, klen, Z_TYPE_P(v) == IS_STRING ? wc::ValueType::string_v : wc::ValueType::array_v,
      b.img.size(),
      [&](char* dst) {
        // Relocate: every image offset becomes the absolute address where the entry lies (the
        // segment's address is the same in every process that can reach it: the fixed kind).
        std::memcpy(dst, img, b.img.size());
        const std::uint64_t base = reinterpret_cast<std::uintptr_t>(dst);
        for (const std::uint64_t r : relocs) {
          std::uint64_t w;
          std::memcpy(&w, dst + r, 8);
          w += base;
          std::memcpy(dst + r, &w, 8);
        }
      },
      ttl_s, now_ms, mode, 0, kImageAux);
  if (*st == wc::CacheStatus::ok) ++zs.images;
  return true;
}

// ---- get -------------------------------------------------------------------------------------
bool zc_before_get(Cache* c, unsigned slot) {
  if (!kImages || !zs.zero_copy) return false;
  if (zs.pinned && zs.pinned_by != Prim::self()) {  // a fork child: the parent's pin
    zs.pinned = nullptr;
    zs.request_pin = false;
    zs.forked = true;
  }
  if (zs.forked) return false;
  if (zs.pinned == c) {
    // The pin's age is looked at every 64th get (and at the request's end), not at each: a
    // clock read per get was 5% of a small get's instructions.
    if ((++zs.gets_since_check & 63) == 0) check_pin_age();
    return true;
  }
  if (zs.pinned) unpin();  // another store (the group's cache moved): not reachable any more
  if (!c->pin(slot, now_ms())) return false;  // under the shared lock (ZC-2): never inside a get
  zs.pinned = c;
  zs.pinned_slot = slot;
  zs.pinned_by = Prim::self();
  zs.pinned_at = mono_ms();
  zs.request_pin = false;
  return true;
}

namespace {
// The root of an image whatever its head (null: no image).
const void* any_root(const char* bytes, bool* is_string, std::size_t* head) {
  std::uint32_t magic, kind;
  std::memcpy(&magic, bytes, 4);
  std::memcpy(&kind, bytes + 4, 4);
  if (magic != kMagic) return nullptr;
  *is_string = (kind & 0xffff) == 1;
  *head = head_of(kind);
  const void* root;
  std::memcpy(&root, bytes + kRootOff, sizeof root);
  return root;
}
}  // namespace

const void* zc_root(const char* bytes, bool* is_string, std::size_t head_len) {
  std::size_t head = 0;
  const void* root = any_root(bytes, is_string, &head);
  return root && head == round8(head_len) ? root : nullptr;
}

const char* zc_head(const char* bytes, std::uint64_t len, std::size_t head_len) {
  bool is_string = false;
  std::size_t head = 0;
  if (len < kFirstOff + round8(head_len) || !any_root(bytes, &is_string, &head) ||
      head != round8(head_len))
    return nullptr;
  return bytes + kFirstOff;
}

void zc_stamp(Cache* c, unsigned slot, Cache::View& v) {
  Cache::stamp_pin(v.aux, c->announced(slot));
}

void zc_hand_out(const void* root, bool is_string, zval* rv) {
  zs.request_pin = true;  // held until post-deactivate
  ++zs.zc_gets;
  if (is_string) {
    ZVAL_INTERNED_STR(rv, static_cast<zend_string*>(const_cast<void*>(root)));
    return;
  }
  auto* ht = static_cast<zend_array*>(const_cast<void*>(root));
  if (ht->nNumOfElements == 0 && ht->nNextFreeElement == ZEND_LONG_MIN) {
    ZVAL_EMPTY_ARRAY(rv);
    return;
  }
#ifdef WINCACHE_ZC_TWINS
  // The negative twin (test builds only): ZVAL_ARR's refcounted type info, with which the
  // engine writes refcounts into the segment; the read-only mode must crash on it.
  if (const char* t = std::getenv("WINCACHE_ZC_TWIN"); t && std::strcmp(t, "refcounted") == 0) {
    ZVAL_ARR(rv, ht);
    return;
  }
#endif
  Z_ARR_P(rv) = ht;
  Z_TYPE_INFO_P(rv) = IS_ARRAY;  // never IS_ARRAY_EX: the engine copies before writing
}

bool zc_copy_out(const char* copy, std::uint64_t len, const char* entry_bytes, zval* rv,
                 std::size_t head_len) {
  if (len < kFirstOff + round8(head_len)) return false;
  bool is_string = false;
  const void* root = zc_root(copy, &is_string, head_len);
  if (!root) return false;
  ++zs.copied_gets;
  const std::ptrdiff_t delta = copy - entry_bytes;
  zval src;
  if (is_string) {
    Z_STR(src) = static_cast<zend_string*>(const_cast<void*>(root));
    Z_TYPE_INFO(src) = IS_STRING;
  } else {
    Z_ARR(src) = static_cast<zend_array*>(const_cast<void*>(root));
    Z_TYPE_INFO(src) = IS_ARRAY;
  }
  copy_value(&src, rv, delta);
  return true;
}

std::uint64_t zc_value_size(const wc::EntryInfo& e) {
  if (decodes_in_place(e.type)) return 16;
  if (is_image(e.aux) && e.type == wc::ValueType::string_v && e.value_len >= kFirstOff) {
    bool is_string = false;
    std::size_t head = 0;
    const void* root = any_root(e.value, &is_string, &head);
    if (root && is_string) return ZSTR_LEN(static_cast<const zend_string*>(root));
  }
  return e.value_len;
}

void zc_extra_info(zval* uc, Cache* c, unsigned slot) {
  add_assoc_bool(uc, "zero_copy", zs.zero_copy);
  add_assoc_bool(uc, "protect_memory", zs.protect);
  add_assoc_bool(uc, "pinned", zs.pinned != nullptr && zs.pinned_by == Prim::self());
  add_assoc_long(uc, "pin_age_ms",
                 zs.pinned && zs.pinned_by == Prim::self() ? zend_long(mono_ms() - zs.pinned_at) : 0);
  const auto r = c->retired_stats(slot);
  add_assoc_long(uc, "retired_entries", zend_long(r.entries));
  add_assoc_long(uc, "retired_bytes", zend_long(r.bytes));
  add_assoc_long(uc, "images_stored", zend_long(zs.images));
  add_assoc_long(uc, "zero_copy_gets", zend_long(zs.zc_gets));
  add_assoc_long(uc, "copied_gets", zend_long(zs.copied_gets));
}

}  // namespace wcx
