// extension/codec.cpp: see codec.hpp for the format.
#include "codec.hpp"

#include <cstring>

extern "C" {
#include "ext/standard/php_var.h"
#include "zend_interfaces.h"
#include "zend_smart_str.h"
}

namespace wcx {
namespace {

enum class Tree : std::uint8_t { ok, resource, needs_serializer, too_deep, no_memory };

template <class T>
bool put(Buffer& out, T v) {
  return out.append(&v, sizeof v);
}

// A table from a pointer (a zend_reference, a HashTable, a zend_object) to a number, in request
// memory (PHP's allocator: we are outside every cache lock here). Created on first use.
struct PtrTable {
  HashTable ht;
  bool live = false;
  ~PtrTable() {
    if (live) zend_hash_destroy(&ht);
  }
  static zend_ulong key(const void* p) { return zend_ulong(reinterpret_cast<std::uintptr_t>(p)); }
  zval* find(const void* p) { return live ? zend_hash_index_find(&ht, key(p)) : nullptr; }
  void set(const void* p, zend_long v) {
    if (!live) {
      zend_hash_init(&ht, 8, nullptr, nullptr, 0);
      live = true;
    }
    zval z;
    ZVAL_LONG(&z, v);
    zend_hash_index_update(&ht, key(p), &z);
  }
};

// ---- the array tree ----------------------------------------------------------------------
struct Encoder {
  Buffer& out;
  PtrTable refs;  // zend_reference* -> id, for references held more than once
  std::uint32_t next_id = 0;

  // `depth`: arrays enclosing *zv.
  Tree value(zval* zv, int depth) {
    if (Z_ISREF_P(zv)) {
      zend_reference* ref = Z_REF_P(zv);
      if (GC_REFCOUNT(ref) > 1) {  // may alias another element: keep the aliasing
        if (zval* id = refs.find(ref)) {
          out.push('r');
          return put(out, std::uint32_t(Z_LVAL_P(id))) ? Tree::ok : Tree::no_memory;
        }
        refs.set(ref, next_id);  // before the inner value: a cycle ends in a back-reference
        out.push('R');
        put(out, next_id++);
      }
      zv = Z_REFVAL_P(zv);
    }
    switch (Z_TYPE_P(zv)) {
      case IS_UNDEF:
      case IS_NULL: out.push('n'); break;
      case IS_FALSE: out.push('f'); break;
      case IS_TRUE: out.push('t'); break;
      case IS_LONG:
        out.push('i');
        put(out, std::int64_t(Z_LVAL_P(zv)));
        break;
      case IS_DOUBLE:
        out.push('d');
        put(out, Z_DVAL_P(zv));
        break;
      case IS_STRING:
        out.push('s');
        put(out, std::uint64_t(Z_STRLEN_P(zv)));
        out.append(Z_STRVAL_P(zv), Z_STRLEN_P(zv));
        break;
      case IS_ARRAY: {
        const Tree t = array(Z_ARRVAL_P(zv), depth);
        if (t != Tree::ok) return t;
        break;
      }
      case IS_OBJECT: return Tree::needs_serializer;
      default: return Tree::resource;  // a resource; nothing else can be stored
    }
    return out.failed() ? Tree::no_memory : Tree::ok;
  }

  Tree array(HashTable* ht, int depth) {
    if (depth >= kMaxDepth) return Tree::too_deep;
    const bool list = zend_array_is_list(ht);
    out.push(list ? 'P' : 'H');
    const std::size_t count_at = out.size();
    std::uint32_t n = 0;  // counted as written (a symbol table's INDIRECT slots may be UNDEF)
    put(out, n);
    put(out, std::int64_t(ht->nNextFreeElement));  // `$a[] = x` after a fetch lands as before
    zend_ulong idx;
    zend_string* key;
    zval* v;
    ZEND_HASH_FOREACH_KEY_VAL_IND(ht, idx, key, v) {
      if (!list) {
        if (key) {
          out.push('K');
          put(out, std::uint32_t(ZSTR_LEN(key)));
          out.append(ZSTR_VAL(key), ZSTR_LEN(key));
        } else {
          out.push('k');
          put(out, std::int64_t(idx));
        }
      }
      const Tree t = value(v, depth + 1);
      if (t != Tree::ok) return t;
      ++n;
    }
    ZEND_HASH_FOREACH_END();
    if (out.failed()) return Tree::no_memory;
    std::memcpy(out.data() + count_at, &n, sizeof n);
    return Tree::ok;
  }
};

// ---- what the serializer would carry -----------------------------------------------------
// For a value that goes through serialize(): is there a resource where the stored value would
// carry it (serialize() silently writes it as int 0), and how deeply does it nest? Visits each
// array and object once (a reference cycle is not a recursion). An object whose class decides
// what it stores (__serialize, __sleep, Serializable, an enum) is opaque: its own code chooses.
struct Inspector {
  PtrTable seen;  // HashTable* / zend_object* -> height, or -1 while being visited
  bool resource = false;
  bool too_deep = false;

  static bool custom(const zend_class_entry* ce) {
    return ce->__serialize || ce->serialize || (ce->ce_flags & ZEND_ACC_ENUM) ||
           zend_hash_str_exists(&ce->function_table, "__sleep", sizeof("__sleep") - 1);
  }

  // Height: 1 + the deepest nested array or object inside, 0 for a scalar.
  int height(zval* zv, int depth) {
    ZVAL_DEREF(zv);
    if (Z_TYPE_P(zv) == IS_RESOURCE) {
      resource = true;
      return 0;
    }
    if (Z_TYPE_P(zv) != IS_ARRAY && Z_TYPE_P(zv) != IS_OBJECT) return 0;
    if (depth > kMaxDepth) {  // deeper than we would ever store: stop looking
      too_deep = true;
      return 0;
    }
    const void* id = Z_TYPE_P(zv) == IS_ARRAY ? static_cast<const void*>(Z_ARRVAL_P(zv))
                                              : static_cast<const void*>(Z_OBJ_P(zv));
    if (zval* h = seen.find(id)) return Z_LVAL_P(h) < 0 ? 0 : int(Z_LVAL_P(h));
    if (Z_TYPE_P(zv) == IS_OBJECT && custom(Z_OBJCE_P(zv))) {
      seen.set(id, 1);
      return 1;
    }
    seen.set(id, -1);
    int inner = 0;
    HashTable* props = nullptr;
    HashTable* ht = Z_TYPE_P(zv) == IS_ARRAY
                        ? Z_ARRVAL_P(zv)
                        : (props = zend_get_properties_for(zv, ZEND_PROP_PURPOSE_SERIALIZE));
    if (ht) {
      zval* v;
      ZEND_HASH_FOREACH_VAL_IND(ht, v) {
        const int h = height(v, depth + 1);
        if (h > inner) inner = h;
        if (resource || too_deep) break;
      }
      ZEND_HASH_FOREACH_END();
    }
    if (props) zend_release_properties(props);
    seen.set(id, 1 + inner);
    return 1 + inner;
  }
};

// The nesting of serialize()'s output as PHP's unserializer counts it: every `{` opens a level
// (an array, an object's properties or __serialize() data, a Serializable's data); the payloads
// of strings, class names and enum cases (`s:`, `O:`, `C:`, `E:` with a byte length) are
// skipped, and a Serializable's data counts as one level whatever it holds. A class that decides
// what it stores is opaque to the Inspector; this is where its depth is seen.
int serialized_depth(const char* s, std::size_t n) {
  int d = 0, m = 0;
  auto number = [&](std::size_t& i) {
    std::size_t v = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') v = v * 10 + std::size_t(s[i++] - '0');
    return v;
  };
  for (std::size_t i = 0; i < n; ++i) {
    const char c = s[i];
    if ((c == 's' || c == 'E' || c == 'O' || c == 'C') && i + 1 < n && s[i + 1] == ':') {
      std::size_t j = i + 2;
      const std::size_t len = number(j);  // X:len:"payload"
      i = j + 2 + len;                    // at the closing quote
      if (c == 'C') {                     // C:len:"name":dlen:{data}
        std::size_t k = i + 2;
        const std::size_t dlen = number(k);
        if (d + 1 > m) m = d + 1;
        i = k + 1 + dlen;                 // at the data's closing brace
      }
      continue;
    }
    if (c == '{') {
      if (++d > m) m = d;
    } else if (c == '}') {
      --d;
    }
  }
  return m;
}

Encode serialize_into(zval* zv, Buffer& out) {
  {
    Inspector in;
    const int h = in.height(zv, 0);
    if (in.resource) return Encode::resource;
    if (in.too_deep || h > kMaxDepth) return Encode::too_deep;
  }
  smart_str buf = {nullptr, 0};
  php_serialize_data_t vh;
  PHP_VAR_SERIALIZE_INIT(vh);
  php_var_serialize(&buf, zv, &vh);
  PHP_VAR_SERIALIZE_DESTROY(vh);
  if (EG(exception)) {
    smart_str_free(&buf);
    return Encode::exception;
  }
  const std::size_t n = buf.s ? ZSTR_LEN(buf.s) : 0;
  if (n && serialized_depth(ZSTR_VAL(buf.s), n) > kMaxDepth) {  // unreadable: never stored
    smart_str_free(&buf);
    return Encode::too_deep;
  }
  out.clear();
  out.push('Z');
  put(out, std::uint64_t(n));
  out.append(buf.s ? ZSTR_VAL(buf.s) : "", n);
  smart_str_free(&buf);
  return out.failed() ? Encode::no_memory : Encode::ok;
}

// ---- decoding -------------------------------------------------------------------------------
struct Decoder {
  const char* p;
  const char* end;
  zend_reference** refs = nullptr;  // by id, in request memory
  std::uint32_t nrefs = 0, cap = 0;

  ~Decoder() {
    if (refs) efree(refs);
  }
  template <class T>
  bool get(T* v) {
    if (std::size_t(end - p) < sizeof(T)) return false;
    std::memcpy(v, p, sizeof(T));
    p += sizeof(T);
    return true;
  }
  bool bytes(std::uint64_t n, const char** s) {
    if (std::uint64_t(end - p) < n) return false;
    *s = p;
    p += n;
    return true;
  }
  void remember(zend_reference* r) {
    if (nrefs == cap) {
      cap = cap ? cap * 2 : 8;
      refs = static_cast<zend_reference**>(erealloc(refs, cap * sizeof(*refs)));
    }
    refs[nrefs++] = r;
  }

  // On failure *rv is still a valid (possibly partial) value that the caller frees.
  bool value(zval* rv, int depth) {
    ZVAL_NULL(rv);
    char tag;
    if (!get(&tag)) return false;
    switch (tag) {
      case 'n': return true;
      case 'f': ZVAL_FALSE(rv); return true;
      case 't': ZVAL_TRUE(rv); return true;
      case 'i': {
        std::int64_t v;
        if (!get(&v)) return false;
        ZVAL_LONG(rv, zend_long(v));
        return true;
      }
      case 'd': {
        double v;
        if (!get(&v)) return false;
        ZVAL_DOUBLE(rv, v);
        return true;
      }
      case 's': {
        std::uint64_t n;
        const char* s;
        if (!get(&n) || !bytes(n, &s)) return false;
        ZVAL_STRINGL_FAST(rv, s, std::size_t(n));
        return true;
      }
      case 'R': {
        std::uint32_t id;
        if (!get(&id) || id != nrefs) return false;  // ids are defined in order
        ZVAL_NEW_EMPTY_REF(rv);
        ZVAL_NULL(Z_REFVAL_P(rv));
        remember(Z_REF_P(rv));
        return value(Z_REFVAL_P(rv), depth);
      }
      case 'r': {
        std::uint32_t id;
        if (!get(&id) || id >= nrefs) return false;
        GC_ADDREF(refs[id]);
        ZVAL_REF(rv, refs[id]);
        return true;
      }
      case 'P':
      case 'H': return array(tag == 'P', rv, depth);
      default: return false;
    }
  }

  bool array(bool list, zval* rv, int depth) {
    std::uint32_t n;
    std::int64_t next_free;
    if (depth >= kMaxDepth || !get(&n) || !get(&next_free) || n > std::size_t(end - p))
      return false;  // every element takes at least one byte
    array_init_size(rv, n);
    HashTable* ht = Z_ARRVAL_P(rv);
    bool ok = true;
    if (list) {
      if (n) {
        zend_hash_real_init_packed(ht);
        ZEND_HASH_FILL_PACKED(ht) {
          for (std::uint32_t i = 0; i < n; ++i) {
            zval v;
            ok = value(&v, depth + 1);
            ZEND_HASH_FILL_ADD(&v);  // even a partial value: the array owns (and frees) it
            if (!ok) break;
          }
        }
        ZEND_HASH_FILL_END();
      }
    } else {
      for (std::uint32_t i = 0; ok && i < n; ++i) {
        char kt;
        zval v;
        if (!get(&kt)) return false;
        if (kt == 'k') {
          std::int64_t idx;
          if (!get(&idx)) return false;
          ok = value(&v, depth + 1);
          if (!zend_hash_index_add(ht, zend_ulong(idx), &v)) {
            zval_ptr_dtor(&v);
            return false;
          }
        } else if (kt == 'K') {
          std::uint32_t kn;
          const char* ks;
          if (!get(&kn) || !bytes(kn, &ks)) return false;
          zend_string* key = zend_string_init(ks, kn, 0);
          ok = value(&v, depth + 1);
          const bool added = zend_hash_add(ht, key, &v) != nullptr;
          zend_string_release(key);
          if (!added) {
            zval_ptr_dtor(&v);
            return false;
          }
        } else {
          return false;
        }
      }
    }
    if (ok) ht->nNextFreeElement = zend_long(next_free);
    return ok;
  }
};

bool unserialize_from(const char* s, std::size_t n, zval* rv) {
  php_unserialize_data_t vh = php_var_unserialize_init();
  php_var_unserialize_set_max_depth(vh, kMaxDepth);  // what encode allowed, whatever the INI says
  const unsigned char* p = reinterpret_cast<const unsigned char*>(s);
  bool ok = php_var_unserialize(rv, &p, p + n, &vh);
  php_var_unserialize_destroy(vh);  // runs the delayed __wakeup()s: they may throw
  if (ok && EG(exception)) ok = false;
  if (!ok) {
    zval_ptr_dtor(rv);
    ZVAL_NULL(rv);
  }
  return ok;
}

}  // namespace

Encode encode_value(zval* zv, Buffer& buf, Encoded* out) {
  ZVAL_DEREF(zv);
  buf.clear();
  out->bytes = nullptr;
  out->len = 0;
  switch (Z_TYPE_P(zv)) {
    case IS_UNDEF:
    case IS_NULL: out->type = wc::ValueType::null_v; return Encode::ok;
    case IS_FALSE:
    case IS_TRUE:
      out->type = wc::ValueType::bool_v;
      buf.push(Z_TYPE_P(zv) == IS_TRUE ? 1 : 0);
      break;
    case IS_LONG:
      out->type = wc::ValueType::long_int;
      put(buf, std::int64_t(Z_LVAL_P(zv)));
      break;
    case IS_DOUBLE:
      out->type = wc::ValueType::double_v;
      put(buf, Z_DVAL_P(zv));
      break;
    case IS_STRING:  // stored straight from the zval: no copy
      out->type = wc::ValueType::string_v;
      out->bytes = Z_STRVAL_P(zv);
      out->len = Z_STRLEN_P(zv);
      return Encode::ok;
    case IS_OBJECT: {
      out->type = wc::ValueType::object_v;
      const Encode e = serialize_into(zv, buf);
      if (e != Encode::ok) return e;
      break;
    }
    case IS_ARRAY: {
      out->type = wc::ValueType::array_v;
      Encoder enc{buf};
      const Tree t = enc.array(Z_ARRVAL_P(zv), 0);
      if (t == Tree::resource) return Encode::resource;
      if (t == Tree::too_deep) return Encode::too_deep;
      if (t == Tree::no_memory) return Encode::no_memory;
      if (t == Tree::needs_serializer) {  // an object inside: the whole value is serialized
        const Encode e = serialize_into(zv, buf);
        if (e != Encode::ok) return e;
      }
      break;
    }
    default: return Encode::resource;
  }
  if (buf.failed()) return Encode::no_memory;
  out->bytes = buf.data();
  out->len = buf.size();
  return Encode::ok;
}

bool decode_value(wc::ValueType type, const char* p, std::uint64_t n, zval* rv) {
  switch (type) {
    case wc::ValueType::null_v: ZVAL_NULL(rv); return n == 0;
    case wc::ValueType::bool_v:
      ZVAL_BOOL(rv, n >= 1 && p[0] != 0);
      return n == 1;
    case wc::ValueType::long_int: {
      std::int64_t v = 0;
      if (n != 8) return false;
      std::memcpy(&v, p, 8);
      ZVAL_LONG(rv, zend_long(v));
      return true;
    }
    case wc::ValueType::double_v: {
      double v = 0;
      if (n != 8) return false;
      std::memcpy(&v, p, 8);
      ZVAL_DOUBLE(rv, v);
      return true;
    }
    case wc::ValueType::string_v: ZVAL_STRINGL_FAST(rv, p, std::size_t(n)); return true;
    case wc::ValueType::array_v:
    case wc::ValueType::object_v: {
      if (n >= 1 && p[0] == 'Z') {  // serialized whole
        std::uint64_t len;
        if (n < 9) return false;
        std::memcpy(&len, p + 1, 8);
        if (len != n - 9) return false;
        return unserialize_from(p + 9, std::size_t(len), rv);
      }
      Decoder d{p, p + n};
      if (!d.value(rv, 0) || d.p != d.end) {
        zval_ptr_dtor(rv);
        ZVAL_NULL(rv);
        return false;
      }
      return true;
    }
  }
  return false;
}

}  // namespace wcx
