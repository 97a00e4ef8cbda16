// extension/codec.cpp: see codec.hpp for the format.
#include "codec.hpp"

#include <cstring>

extern "C" {
#include "ext/standard/php_var.h"
#include "zend_smart_str.h"
}

namespace wcx {
namespace {

constexpr int kMaxDepth = 256;  // deeper (or self-referencing) arrays go through serialize()

enum class Tree : std::uint8_t { ok, resource, needs_serializer };

void put_bytes(std::string& out, const void* p, std::size_t n) {
  out.append(static_cast<const char*>(p), n);
}
template <class T>
void put(std::string& out, T v) {
  put_bytes(out, &v, sizeof v);
}
void put_str(std::string& out, const char* s, std::size_t n) {
  put(out, std::uint32_t(n));
  put_bytes(out, s, n);
}

Tree encode_tree(zval* zv, std::string& out, int depth) {
  ZVAL_DEREF(zv);
  switch (Z_TYPE_P(zv)) {
    case IS_UNDEF:
    case IS_NULL: out.push_back('n'); return Tree::ok;
    case IS_FALSE: out.push_back('f'); return Tree::ok;
    case IS_TRUE: out.push_back('t'); return Tree::ok;
    case IS_LONG:
      out.push_back('i');
      put(out, std::int64_t(Z_LVAL_P(zv)));
      return Tree::ok;
    case IS_DOUBLE:
      out.push_back('d');
      put(out, Z_DVAL_P(zv));
      return Tree::ok;
    case IS_STRING:
      if (Z_STRLEN_P(zv) > 0xFFFFFFFFu) return Tree::needs_serializer;
      out.push_back('s');
      put_str(out, Z_STRVAL_P(zv), Z_STRLEN_P(zv));
      return Tree::ok;
    case IS_RESOURCE: return Tree::resource;
    case IS_OBJECT: return Tree::needs_serializer;
    case IS_ARRAY: {
      if (depth >= kMaxDepth) return Tree::needs_serializer;
      HashTable* ht = Z_ARRVAL_P(zv);
      const std::uint32_t n = zend_hash_num_elements(ht);
      if (zend_array_is_list(ht)) {
        out.push_back('P');
        put(out, n);
        zval* v;
        ZEND_HASH_FOREACH_VAL(ht, v) {
          const Tree t = encode_tree(v, out, depth + 1);
          if (t != Tree::ok) return t;
        }
        ZEND_HASH_FOREACH_END();
        return Tree::ok;
      }
      out.push_back('H');
      put(out, n);
      put(out, std::int64_t(ht->nNextFreeElement));
      zend_ulong idx;
      zend_string* key;
      zval* v;
      ZEND_HASH_FOREACH_KEY_VAL(ht, idx, key, v) {
        if (Z_TYPE_P(v) == IS_UNDEF) continue;
        if (key) {
          out.push_back('K');
          put_str(out, ZSTR_VAL(key), ZSTR_LEN(key));
        } else {
          out.push_back('k');
          put(out, std::int64_t(idx));
        }
        const Tree t = encode_tree(v, out, depth + 1);
        if (t != Tree::ok) return t;
      }
      ZEND_HASH_FOREACH_END();
      return Tree::ok;
    }
    default: return Tree::resource;  // nothing else can be stored
  }
}

// True if a resource hides anywhere in an array (serialize() would silently turn it into 0).
bool has_resource(zval* zv, int depth) {
  ZVAL_DEREF(zv);
  if (Z_TYPE_P(zv) == IS_RESOURCE) return true;
  if (Z_TYPE_P(zv) != IS_ARRAY || depth > kMaxDepth) return false;
  zval* v;
  ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(zv), v) {
    if (has_resource(v, depth + 1)) return true;
  }
  ZEND_HASH_FOREACH_END();
  return false;
}

Encode serialize_into(zval* zv, std::string& out) {
  smart_str buf = {nullptr, 0};
  php_serialize_data_t vh;
  PHP_VAR_SERIALIZE_INIT(vh);
  php_var_serialize(&buf, zv, &vh);
  PHP_VAR_SERIALIZE_DESTROY(vh);
  if (EG(exception)) {
    smart_str_free(&buf);
    return Encode::exception;
  }
  out.push_back('Z');
  const std::size_t n = buf.s ? ZSTR_LEN(buf.s) : 0;
  put_str(out, buf.s ? ZSTR_VAL(buf.s) : "", n);
  smart_str_free(&buf);
  return Encode::ok;
}

struct Reader {
  const char* p;
  const char* end;
  template <class T>
  bool get(T* v) {
    if (std::size_t(end - p) < sizeof(T)) return false;
    std::memcpy(v, p, sizeof(T));
    p += sizeof(T);
    return true;
  }
  bool bytes(std::uint32_t n, const char** s) {
    if (std::size_t(end - p) < n) return false;
    *s = p;
    p += n;
    return true;
  }
};

bool unserialize_from(const char* s, std::size_t n, zval* rv) {
  php_unserialize_data_t vh = php_var_unserialize_init();
  const unsigned char* p = reinterpret_cast<const unsigned char*>(s);
  const bool ok = php_var_unserialize(rv, &p, p + n, &vh);
  php_var_unserialize_destroy(vh);
  if (!ok) {
    zval_ptr_dtor(rv);
    ZVAL_NULL(rv);
  }
  return ok;
}

// On failure *rv is still a valid (possibly partial) value that the caller frees.
bool decode_tree(Reader& r, zval* rv, int depth) {
  ZVAL_NULL(rv);
  char tag;
  if (depth > kMaxDepth + 1 || !r.get(&tag)) return false;
  switch (tag) {
    case 'n': ZVAL_NULL(rv); return true;
    case 'f': ZVAL_FALSE(rv); return true;
    case 't': ZVAL_TRUE(rv); return true;
    case 'i': {
      std::int64_t v;
      if (!r.get(&v)) return false;
      ZVAL_LONG(rv, zend_long(v));
      return true;
    }
    case 'd': {
      double v;
      if (!r.get(&v)) return false;
      ZVAL_DOUBLE(rv, v);
      return true;
    }
    case 's': {
      std::uint32_t n;
      const char* s;
      if (!r.get(&n) || !r.bytes(n, &s)) return false;
      ZVAL_STRINGL_FAST(rv, s, n);
      return true;
    }
    case 'Z': {
      std::uint32_t n;
      const char* s;
      if (!r.get(&n) || !r.bytes(n, &s)) return false;
      return unserialize_from(s, n, rv);
    }
    case 'P': {
      std::uint32_t n;
      if (!r.get(&n) || n > std::size_t(r.end - r.p)) return false;  // >= 1 byte per value
      array_init_size(rv, n);
      HashTable* ht = Z_ARRVAL_P(rv);
      if (n == 0) return true;
      zend_hash_real_init_packed(ht);
      bool ok = true;
      ZEND_HASH_FILL_PACKED(ht) {
        for (std::uint32_t i = 0; i < n; ++i) {
          zval v;
          ok = decode_tree(r, &v, depth + 1);
          ZEND_HASH_FILL_ADD(&v);  // even a partial value: the array owns (and frees) it
          if (!ok) break;
        }
      }
      ZEND_HASH_FILL_END();
      return ok;
    }
    case 'H': {
      std::uint32_t n;
      std::int64_t next_free;
      if (!r.get(&n) || !r.get(&next_free) || n > std::size_t(r.end - r.p)) return false;
      array_init_size(rv, n);
      HashTable* ht = Z_ARRVAL_P(rv);
      for (std::uint32_t i = 0; i < n; ++i) {
        char kt;
        if (!r.get(&kt)) return false;
        zval v;
        if (kt == 'k') {
          std::int64_t idx;
          if (!r.get(&idx)) return false;
          const bool ok = decode_tree(r, &v, depth + 1);
          if (!zend_hash_index_add(ht, zend_ulong(idx), &v)) {
            zval_ptr_dtor(&v);
            return false;
          }
          if (!ok) return false;
        } else if (kt == 'K') {
          std::uint32_t kn;
          const char* ks;
          if (!r.get(&kn) || !r.bytes(kn, &ks)) return false;
          zend_string* key = zend_string_init(ks, kn, 0);
          const bool ok = decode_tree(r, &v, depth + 1);
          const bool added = zend_hash_add(ht, key, &v) != nullptr;
          zend_string_release(key);
          if (!added) zval_ptr_dtor(&v);
          if (!ok || !added) return false;
        } else {
          return false;
        }
      }
      ht->nNextFreeElement = zend_long(next_free);
      return true;
    }
    default: return false;
  }
}

}  // namespace

Encode encode_value(zval* zv, std::string& out, wc::ValueType* type) {
  out.clear();
  ZVAL_DEREF(zv);
  switch (Z_TYPE_P(zv)) {
    case IS_UNDEF:
    case IS_NULL: *type = wc::ValueType::null_v; return Encode::ok;
    case IS_FALSE:
    case IS_TRUE:
      *type = wc::ValueType::bool_v;
      out.push_back(Z_TYPE_P(zv) == IS_TRUE ? 1 : 0);
      return Encode::ok;
    case IS_LONG:
      *type = wc::ValueType::long_int;
      put(out, std::int64_t(Z_LVAL_P(zv)));
      return Encode::ok;
    case IS_DOUBLE:
      *type = wc::ValueType::double_v;
      put(out, Z_DVAL_P(zv));
      return Encode::ok;
    case IS_STRING:
      *type = wc::ValueType::string_v;
      put_bytes(out, Z_STRVAL_P(zv), Z_STRLEN_P(zv));
      return Encode::ok;
    case IS_OBJECT:
      *type = wc::ValueType::object_v;
      return serialize_into(zv, out);
    case IS_ARRAY: {
      *type = wc::ValueType::array_v;
      const Tree t = encode_tree(zv, out, 0);
      if (t == Tree::ok) return Encode::ok;
      if (t == Tree::resource) return Encode::resource;
      if (has_resource(zv, 0)) return Encode::resource;
      out.clear();
      return serialize_into(zv, out);  // objects inside, or too deep
    }
    default: return Encode::resource;
  }
}

bool decode_value(wc::ValueType type, const char* p, std::uint64_t n, zval* rv) {
  switch (type) {
    case wc::ValueType::null_v: ZVAL_NULL(rv); return true;
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
    case wc::ValueType::string_v: ZVAL_STRINGL_FAST(rv, p, n); return true;
    case wc::ValueType::array_v:
    case wc::ValueType::object_v: {
      Reader r{p, p + n};
      if (!decode_tree(r, rv, 0) || r.p != r.end) {
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
