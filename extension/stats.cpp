// extension/stats.cpp: the statistics page's own functions (wincache.php), beside WinCache's
// info arrays, which keep exactly WinCache 2.0's keys:
//
//   wincache_stats_entries($cache, $offset, $limit, $sort, $descending, $filter)
//       one page of the user cache's or the session cache's entries, filtered, sorted and cut in
//       the extension: a cache of 100,000 entries costs the page one walk under the read lock and
//       a sort of small rows, not 100,000 PHP arrays. With the whole cache's entry counts by size
//       and by age (the page's charts), from the same walk.
//   wincache_stats_memory($cache)
//       the allocator's figures and the free-block size histogram of one cache, under one read
//       lock (a consistent picture).
//   wincache_stats_locks()
//       the named-lock slots claimed now: the name's hash (names are not stored), the holder's
//       pid, whether it is alive.
//
// Everything is read-only: no statistics counter moves (hits, misses and ages stay as they were).
#include "features.hpp"  // first: PHP's headers redefine snprintf, which the core uses
#include "zerocopy.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "codec.hpp"

namespace wcx {
namespace {

enum class Which { user, session, file, resolve, bad };

Which which_of(const char* s, size_t n) {
  const std::string w(s, n);
  if (w == "user") return Which::user;
  if (w == "session") return Which::session;
  if (w == "file") return Which::file;
  if (w == "resolve") return Which::resolve;
  return Which::bad;
}

const char* type_label(wc::ValueType t) {
  switch (t) {
    case wc::ValueType::null_v: return "null";
    case wc::ValueType::bool_v: return "bool";
    case wc::ValueType::long_int: return "long";
    case wc::ValueType::double_v: return "double";
    case wc::ValueType::string_v: return "string";
    case wc::ValueType::array_v: return "array";
    case wc::ValueType::object_v: return "object";
  }
  return "unknown";
}

// Histogram buckets. Sizes: powers of two from 64 bytes to 1 MB, then "more". Ages: the page's
// labels (under a minute, 10 minutes, an hour, a day, more).
constexpr int kSizeBuckets = 16;  // <=64, <=128, ..., <=1M (15 bounds), > 1M
std::uint64_t size_bound(int i) { return std::uint64_t{64} << i; }
int size_bucket(std::uint64_t n) {
  for (int i = 0; i + 1 < kSizeBuckets; ++i)
    if (n <= size_bound(i)) return i;
  return kSizeBuckets - 1;
}
constexpr std::uint64_t kAgeBounds[] = {60, 600, 3600, 86400};
constexpr int kAgeBuckets = 5;
int age_bucket(std::uint64_t s) {
  for (int i = 0; i < 4; ++i)
    if (s < kAgeBounds[i]) return i;
  return 4;
}

void add_size_hist(zval* out, const char* key, const std::uint64_t* counts) {
  zval h;
  array_init(&h);
  for (int i = 0; i < kSizeBuckets; ++i) {
    zval b;
    array_init(&b);
    if (i + 1 < kSizeBuckets)
      add_assoc_long(&b, "max_bytes", zend_long(size_bound(i)));
    else
      add_assoc_null(&b, "max_bytes");
    add_assoc_long(&b, "count", zend_long(counts[i]));
    add_next_index_zval(&h, &b);
  }
  add_assoc_zval(out, key, &h);
}

struct Row : InfoRow {
  std::uint64_t idle;
};

bool contains_ci(const char* hay, size_t hn, const std::string& needle) {
  if (needle.empty()) return true;
  if (needle.size() > hn) return false;
  const auto low = [](unsigned char c) { return c >= 'A' && c <= 'Z' ? char(c + 32) : char(c); };
  for (size_t i = 0; i + needle.size() <= hn; ++i) {
    size_t j = 0;
    while (j < needle.size() && low(hay[i + j]) == needle[j]) ++j;
    if (j == needle.size()) return true;
  }
  return false;
}

void stats_entries(INTERNAL_FUNCTION_PARAMETERS) {
  char* c = nullptr;
  size_t cn = 0;
  zend_long offset = 0, limit = 50;
  char* sort = nullptr;
  size_t sn = 0;
  bool desc = false;
  char* filter = nullptr;
  size_t fn = 0;
  ZEND_PARSE_PARAMETERS_START(1, 6)
    Z_PARAM_STRING(c, cn)
    Z_PARAM_OPTIONAL
    Z_PARAM_LONG(offset)
    Z_PARAM_LONG(limit)
    Z_PARAM_STRING(sort, sn)
    Z_PARAM_BOOL(desc)
    Z_PARAM_STRING(filter, fn)
  ZEND_PARSE_PARAMETERS_END();
  const Which w = which_of(c, cn);
  if (w != Which::user && w != Which::session) {
    php_error_docref(nullptr, E_WARNING, "cache must be \"user\" or \"session\"");
    RETURN_FALSE;
  }
  if (offset < 0 || limit < 0 || limit > 10000) {
    php_error_docref(nullptr, E_WARNING, "offset must be >= 0 and limit 0..10000");
    RETURN_FALSE;
  }
  const std::string by = sort ? std::string(sort, sn) : std::string("key");
  static const char* const kSorts[] = {"key", "type", "size", "ttl", "age", "hits", "idle"};
  const auto sit = std::find_if(std::begin(kSorts), std::end(kSorts),
                                [&](const char* s) { return by == s; });
  if (sit == std::end(kSorts)) {
    php_error_docref(nullptr, E_WARNING,
                     "sort must be one of key, type, size, ttl, age, hits, idle");
    RETURN_FALSE;
  }
  std::string needle(filter ? filter : "", filter ? fn : 0);
  for (char& ch : needle)
    if (ch >= 'A' && ch <= 'Z') ch = char(ch + 32);

  Domain* d = local_domain();
  if (!d) RETURN_FALSE;
  std::vector<Row> rows;
  bool lost = false;
  std::uint64_t listed = 0, sizes[kSizeBuckets] = {}, ages[kAgeBuckets] = {};
  const std::uint64_t now = now_ms();
  wc::CacheStats st{};
  if (w == Which::user) {
    Cache* cache = d->cache();
    if (!cache) RETURN_FALSE;
    st = cache->info(d->slot(), now, nullptr, 0, [&](const wc::EntryInfo& e) noexcept {
      // value_size as wincache_ucache_info reports it (a scalar: 16, WinCache's zval)
      const std::uint64_t size = zc_value_size(e);  // zerocopy.hpp
      ++listed;
      ++sizes[size_bucket(size)];
      ++ages[age_bucket(e.age_s)];
      if (lost || !contains_ci(e.key, e.key_len, needle)) return;
      try {
        rows.push_back(Row{{std::string(e.key, e.key_len), type_label(e.type), size, e.ttl_s,
                            e.age_s, e.hits}, e.idle_s});
      } catch (...) {
        lost = true;
      }
    });
  } else {
    Sessions* t = d->sessions();
    if (!t) RETURN_FALSE;
    st = t->store().info(d->slot(), now, nullptr, 0, [&](const wc::EntryInfo& e) noexcept {
      const std::uint32_t skip = e.key_len > 17 ? 17 : 0;  // "<path tag>:" before the id
      ++listed;
      ++sizes[size_bucket(e.value_len)];
      ++ages[age_bucket(e.age_s)];
      if (lost || !contains_ci(e.key + skip, e.key_len - skip, needle)) return;
      try {
        rows.push_back(Row{{std::string(e.key + skip, e.key_len - skip), "string", e.value_len,
                            e.ttl_s, e.age_s, e.hits}, e.idle_s});
      } catch (...) {
        lost = true;
      }
    });
  }
  if (lost) {
    php_error_docref(nullptr, E_WARNING, "not enough memory to list every entry");
    RETURN_FALSE;
  }
  const auto num = [&](auto field) {
    return [field, desc](const Row& a, const Row& b) {
      if (a.*field != b.*field) return desc ? a.*field > b.*field : a.*field < b.*field;
      return a.key < b.key;  // a stable, total order: paging never repeats or skips a row
    };
  };
  const auto by_key = [desc](const Row& a, const Row& b) { return desc ? a.key > b.key : a.key < b.key; };
  const std::size_t first = std::min<std::size_t>(std::size_t(offset), rows.size());
  const std::size_t last = std::min<std::size_t>(first + std::size_t(limit), rows.size());
  // Only the rows up to the page's end need their final order.
  const auto part = [&](auto cmp) {
    std::partial_sort(rows.begin(), rows.begin() + std::ptrdiff_t(last), rows.end(), cmp);
  };
  if (by == "key") part(by_key);
  else if (by == "type")
    part([desc](const Row& a, const Row& b) {
      const int r = std::strcmp(a.type, b.type);
      if (r != 0) return desc ? r > 0 : r < 0;
      return a.key < b.key;
    });
  else if (by == "size") part(num(&Row::size));
  else if (by == "ttl") part(num(&Row::ttl));
  else if (by == "age") part(num(&Row::age));
  else if (by == "hits") part(num(&Row::hits));
  else part(num(&Row::idle));

  array_init(return_value);
  // The store's own figures at the walk (wincache_scache_info answers zeros in a process that has
  // not opened a session yet; these do not depend on that).
  add_assoc_long(return_value, "total_cache_uptime",
                 zend_long(now >= st.created_ms ? (now - st.created_ms) / 1000 : 0));
  add_assoc_long(return_value, "total_item_count", zend_long(st.items));
  add_assoc_long(return_value, "total_hit_count", zend_long(st.hits));
  add_assoc_long(return_value, "total_miss_count", zend_long(st.misses));
  add_assoc_long(return_value, "evictions", zend_long(st.evictions));
  add_assoc_long(return_value, "expirations", zend_long(st.expirations));
  add_assoc_long(return_value, "listed", zend_long(listed));
  add_assoc_long(return_value, "matched", zend_long(rows.size()));
  add_assoc_long(return_value, "offset", zend_long(first));
  zval entries;
  array_init(&entries);
  for (std::size_t i = first; i < last; ++i) {
    const Row& r = rows[i];
    zval e;
    array_init(&e);
    info_row(&e, r);
    add_assoc_long(&e, "idle_seconds", zend_long(r.idle));
    add_next_index_zval(&entries, &e);
  }
  add_assoc_zval(return_value, "entries", &entries);
  add_size_hist(return_value, "by_size", sizes);
  zval ah;
  array_init(&ah);
  for (int i = 0; i < kAgeBuckets; ++i) {
    zval b;
    array_init(&b);
    if (i < 4)
      add_assoc_long(&b, "max_seconds", zend_long(kAgeBounds[i]));
    else
      add_assoc_null(&b, "max_seconds");
    add_assoc_long(&b, "count", zend_long(ages[i]));
    add_next_index_zval(&ah, &b);
  }
  add_assoc_zval(return_value, "by_age", &ah);
}

// Gathered first (under the caller's fcache_guard, for the file stores), turned into PHP arrays
// after: an emalloc past memory_limit is a longjmp, which would leave the guard locked.
struct Memory {
  wc::AllocStats m;
  std::uint64_t hist[kSizeBuckets] = {};
  std::uint64_t largest = 0;
};
template <class Store>
Memory gather_memory(Store* s, unsigned slot) {
  Memory r;
  r.m = s->free_blocks(slot, [&](std::uint64_t bytes) {
    ++r.hist[size_bucket(bytes)];
    r.largest = std::max(r.largest, bytes);
  });
  return r;
}
void memory_array(const Memory& r, zval* rv) {
  meminfo_array(rv, r.m);  // WinCache's five keys, then ours
  add_assoc_long(rv, "memory_used", zend_long(r.m.used));
  add_assoc_long(rv, "largest_free_block", zend_long(r.largest));
  add_assoc_double(rv, "fragmentation", r.m.fragmentation);
  add_size_hist(rv, "free_blocks_by_size", r.hist);
}
template <class Store>
void memory_of(Store* s, unsigned slot, zval* rv) {
  memory_array(gather_memory(s, slot), rv);
}

void stats_memory(INTERNAL_FUNCTION_PARAMETERS) {
  char* c = nullptr;
  size_t cn = 0;
  ZEND_PARSE_PARAMETERS_START(1, 1)
    Z_PARAM_STRING(c, cn)
  ZEND_PARSE_PARAMETERS_END();
  const Which w = which_of(c, cn);
  if (w == Which::bad) {
    php_error_docref(nullptr, E_WARNING, "cache must be \"user\", \"session\", \"file\" or \"resolve\"");
    RETURN_FALSE;
  }
  Domain* d = local_domain();
  if (!d) RETURN_FALSE;
  switch (w) {
    case Which::user:
      if (!d->cache()) RETURN_FALSE;
      memory_of(d->cache(), d->slot(), return_value);
      return;
    case Which::session: {
      Sessions* t = d->sessions();
      if (!t) RETURN_FALSE;
      memory_of(&t->store(), d->slot(), return_value);
      return;
    }
    default: {
      const FileStores* st = d->file_stores();
      if (!st) RETURN_FALSE;
      Memory r;
      {
        const auto guard = fcache_guard();  // the watcher thread shares this process's reader slot
        r = w == Which::file ? gather_memory(st->files, d->slot())
                             : gather_memory(st->resolve, d->slot());
      }
      memory_array(r, return_value);
      return;
    }
  }
}

// {name_hash (16 hex digits), pid}: a lock slot's or a waiter record's name and process.
void lock_row(zval* e, std::uint64_t h, Prim::proc_id who) {
  array_init(e);
  char hex[17];
  snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  add_assoc_string(e, "name_hash", hex);
  add_assoc_long(e, "pid", zend_long(Prim::pid_of(who)));
}

void waiters_of(zval* out, const char* name, Locks* l) {
  zval z;
  array_init(&z);
  if (l) {
    l->for_each_waiter([&](std::uint64_t h, Prim::proc_id who) {
      zval e;
      lock_row(&e, h, who);
      add_next_index_zval(&z, &e);
    });
  }
  add_assoc_zval(out, name, &z);
}

void locks_of(zval* out, const char* name, Locks* l) {
  zval z;
  array_init(&z);
  if (l) {
    l->for_each_held([&](std::uint64_t h, Prim::proc_id who) {
      zval e;
      lock_row(&e, h, who);
      add_assoc_bool(&e, "alive", Prim::alive(who));
      add_assoc_bool(&e, "this_process", who == Prim::self());
      add_next_index_zval(&z, &e);
    });
  }
  add_assoc_zval(out, name, &z);
}

void stats_locks(INTERNAL_FUNCTION_PARAMETERS) {
  HashTable* names = nullptr;
  ZEND_PARSE_PARAMETERS_START(0, 1)
    Z_PARAM_OPTIONAL
    Z_PARAM_ARRAY_HT(names)
  ZEND_PARSE_PARAMETERS_END();
  Domain* d = local_domain();
  if (!d) RETURN_FALSE;
  array_init(return_value);
  locks_of(return_value, "held", d->locks());
  waiters_of(return_value, "waiting", d->locks());
  Domain* g = joined_global();
  locks_of(return_value, "global_held", g ? g->locks() : nullptr);
  waiters_of(return_value, "global_waiting", g ? g->locks() : nullptr);
  // The hashes of names the caller asks about (the table stores hashes only): name => hash.
  zval hz;
  array_init(&hz);
  if (names) {
    zval* v;
    ZEND_HASH_FOREACH_VAL(names, v) {
      if (Z_TYPE_P(v) != IS_STRING || Z_STRLEN_P(v) == 0) continue;
      char hex[17];
      snprintf(hex, sizeof hex, "%016llx",
               static_cast<unsigned long long>(Locks::hash(Z_STRVAL_P(v), Z_STRLEN_P(v), 0)));
      add_assoc_string(&hz, Z_STRVAL_P(v), hex);
    }
    ZEND_HASH_FOREACH_END();
  }
  add_assoc_zval(return_value, "names", &hz);
}

}  // namespace
}  // namespace wcx

PHP_FUNCTION(wincache_stats_entries) { WCX_GUARDED(wcx::stats_entries(INTERNAL_FUNCTION_PARAM_PASSTHRU)) }
PHP_FUNCTION(wincache_stats_memory) { WCX_GUARDED(wcx::stats_memory(INTERNAL_FUNCTION_PARAM_PASSTHRU)) }
PHP_FUNCTION(wincache_stats_locks) { WCX_GUARDED(wcx::stats_locks(INTERNAL_FUNCTION_PARAM_PASSTHRU)) }
