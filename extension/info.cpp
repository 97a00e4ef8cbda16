// extension/info.cpp: WinCache 2.0's array shapes for the *_info and *_meminfo functions, one
// place for every cache (ucache.cpp, session.cpp; the file cache's to come). Keys, in WinCache's
// order, and nothing else: our own figures go to wincache_extra_info() (extra.cpp).
#include "features.hpp"

namespace wcx {

void info_row(zval* e, const InfoRow& r) {
  add_assoc_stringl(e, "key_name", r.key.data(), r.key.size());
  add_assoc_string(e, "value_type", r.type);
  add_assoc_long(e, "value_size", zend_long(r.size));
  add_assoc_long(e, "ttl_seconds", zend_long(r.ttl));
  add_assoc_long(e, "age_seconds", zend_long(r.age));
  add_assoc_long(e, "hitcount", zend_long(r.hits));
}

void info_array(zval* rv, const wc::CacheStats& s, std::uint64_t now, bool opened, bool is_local,
                const std::vector<InfoRow>& rows, const char* entries_key) {
  array_init(rv);
  add_assoc_long(rv, "total_cache_uptime",
                 zend_long(opened && now >= s.created_ms ? (now - s.created_ms) / 1000 : 0));
  add_assoc_bool(rv, "is_local_cache", is_local);
  add_assoc_long(rv, "total_item_count", zend_long(s.items));
  add_assoc_long(rv, "total_hit_count", zend_long(s.hits));
  add_assoc_long(rv, "total_miss_count", zend_long(s.misses));
  zval entries;
  array_init(&entries);
  zend_ulong i = 1;  // WinCache's entries are numbered from 1
  for (const InfoRow& r : rows) {
    zval e;
    array_init(&e);
    info_row(&e, r);
    add_index_zval(&entries, i++, &e);
  }
  add_assoc_zval(rv, entries_key, &entries);
}

void meminfo_array(zval* rv, const wc::AllocStats& m) {
  array_init(rv);
  add_assoc_long(rv, "memory_total", zend_long(m.total));
  add_assoc_long(rv, "memory_free", zend_long(m.free));
  add_assoc_long(rv, "num_used_blks", zend_long(m.used_blocks));
  add_assoc_long(rv, "num_free_blks", zend_long(m.free_blocks));
  add_assoc_long(rv, "memory_overhead", zend_long(m.overhead));
}

}  // namespace wcx
