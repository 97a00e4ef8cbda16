// extension/rplist.cpp: the resolve-path cache: the zend_resolve_path hook and
// wincache_rplist_fileinfo / _meminfo.
//
// PHP resolves an include's name (include_path, the executing script's directory, the cwd) and
// realpath()s it, on every include_once and on every include's open (_php_stream_open_wrapper_ex
// calls zend_resolve_path for USE_PATH). The answer depends on the name, the cwd, the executing
// script's directory, include_path and open_basedir: that is the key (core/fcache.hpp
// resolve_key). Answers live in the resolve store (kResolve), stamped with the file store's epoch
// and the time; one is used while its epoch is current and, with a check interval, for less than
// that interval (FC-4), then asked again from the previous hook. Names that did not resolve go to
// the missing store (kMissing: 256 KB, at most min(check interval, 2 s)), so that a file that
// appears is found within that bound and the store cannot fill with misses (WinCache's rplist
// kept every miss until every process exited).
#include <cstring>
#include <string>
#include <vector>

#include "features.hpp"

extern "C" {
#include "zend_virtual_cwd.h"
}

namespace wcx {
namespace {

struct RpState {
  zend_string* (*orig)(zend_string*) = nullptr;
  bool installed = false;
  // this process's counters (wincache_extra_info()['rplist'])
  std::uint64_t hits = 0, miss_hits = 0, resolved = 0, unresolved = 0, stale = 0;
};
RpState rs;

std::string exec_dir() {
  if (!zend_is_executing()) return std::string();
  zend_string* f = zend_get_executed_filename_ex();
  if (!f) return std::string();
  std::string s(ZSTR_VAL(f), ZSTR_LEN(f));
  const std::size_t slash = s.find_last_of(
#ifdef _WIN32
      "/\\"
#else
      "/"
#endif
  );
  return slash == std::string::npos ? std::string() : s.substr(0, slash);
}

// An absolute name resolves the same whatever the cwd, the executing script and include_path
// (php_resolve_path only realpath()s it): its key leaves them out, and asking for the cwd (a
// getcwd() system call in an NTS build) is spared on every include of an absolute path.
std::string key_of(zend_string* name) {
  const std::string input(ZSTR_VAL(name), ZSTR_LEN(name));
  const std::string basedir = PG(open_basedir) ? PG(open_basedir) : "";
  if (IS_ABSOLUTE_PATH(ZSTR_VAL(name), ZSTR_LEN(name)))
    return wc::resolve_key(input, "", "", "", basedir);
  char cwd[MAXPATHLEN];
  const char* c = VCWD_GETCWD(cwd, MAXPATHLEN);
  return wc::resolve_key(input, c ? c : "", exec_dir(), PG(include_path) ? PG(include_path) : "",
                         basedir);
}

template <class S>
std::uint64_t rel(S& s, std::uint64_t now) {
  return now > s.h().created_ms ? now - s.h().created_ms : 0;
}

// The canonical path of `name` through the cache, or through the previous hook (and then
// cached). 1: resolved (out), 0: does not resolve, -1: cannot ask the cache (the caller asks the
// previous hook itself).
int resolve(zend_string* name, std::string& out, bool use_cache) {
  if (!fcache_wanted(name)) return -1;
  Domain* d = local_domain();
  const FileStores* st = d ? d->file_stores() : nullptr;
  if (!st) return -1;
  const std::string k = key_of(name);
  if (k.size() > ResolveStore::kMaxKey) return -1;
  const auto klen = std::uint32_t(k.size());
  const std::uint64_t now = now_ms();
  const std::uint32_t epoch = FileCache(*st->files).epoch(d->slot(), now);
  const std::uint64_t chk = fcache_chk_ms();
  std::string stale;  // a path this name resolved to before, no longer trusted
  if (use_cache) {
    bool fresh = false;
    st->resolve->get_entry(d->slot(), k.data(), klen, now, [&](auto& v) {
      if (wc::resolve_fresh(v.aux.load(std::memory_order_acquire), epoch, rel(*st->resolve, now),
                            chk)) {  // FC-4
        out.assign(v.bytes, std::size_t(v.len));
        fresh = true;
      } else {
        stale.assign(v.bytes, std::size_t(v.len));
      }
    });
    if (fresh) {
      ++rs.hits;
      return 1;
    }
    std::uint64_t aux = 0;
    if (st->missing->aux(d->slot(), k.data(), klen, now, &aux) &&
        wc::resolve_fresh(aux, epoch, rel(*st->missing, now), wc::miss_bound_ms(chk))) {  // FC-4
      ++rs.miss_hits;
      return 0;
    }
  }
  zend_string* r = rs.orig(name);
  if (!r) {
    ++rs.unresolved;
    // The file it named is gone (or out of reach): its stored bytes go with it, and the old
    // answer too (the miss below answers for the name now).
    if (!stale.empty()) {
      FileCache(*st->files).forget(d->slot(), fcache_key(stale), now);
      st->resolve->remove(d->slot(), k.data(), klen, now);
    }
    st->missing->store(d->slot(), k.data(), klen, wc::ValueType::null_v, nullptr, 0,
                       wc::miss_bound_ms(chk) / 1000, now, MissingStore::Mode::set, 0,
                       wc::aux_word(epoch, rel(*st->missing, now)));
    return 0;
  }
  out.assign(ZSTR_VAL(r), ZSTR_LEN(r));
  zend_string_release(r);
  ++rs.resolved;
  st->resolve->store(d->slot(), k.data(), klen, wc::ValueType::string_v, out.data(), out.size(),
                     fcache_ttl_s(), now, ResolveStore::Mode::set, 0,
                     wc::aux_word(epoch, rel(*st->resolve, now)));
  return 1;
}

zend_string* resolve_hook(zend_string* name) {
  if (!name) return rs.orig(name);
  try {
    std::string out;
    const int r = resolve(name, out, true);
    if (r < 0) return rs.orig(name);
    if (r == 0) return nullptr;
    return zend_string_init(out.data(), out.size(), 0);
  } catch (...) {
    return rs.orig(name);
  }
}

void rplist_fileinfo(INTERNAL_FUNCTION_PARAMETERS) {
  bool summary = false;
  ZEND_PARSE_PARAMETERS_START(0, 1)
    Z_PARAM_OPTIONAL
    Z_PARAM_BOOL(summary)
  ZEND_PARSE_PARAMETERS_END();
  Domain* d = local_domain();
  const FileStores* st = d ? d->file_stores() : nullptr;
  if (!st) RETURN_FALSE;
  struct Row {
    std::string input, subkey;
  };
  std::vector<Row> rows;
  std::uint64_t count = 0;
  const std::uint64_t now = now_ms();
  const auto visit = [&](const wc::EntryInfo& e) {
    ++count;
    if (summary) return;
    // input \0 cwd \0 exec dir \0 include_path \0 open_basedir
    std::vector<std::string> parts(1);
    for (std::uint32_t i = 0; i < e.key_len; ++i) {
      if (e.key[i] == '\0') parts.emplace_back();
      else parts.back() += e.key[i];
    }
    parts.resize(5);
    rows.push_back(Row{parts[0], parts[1] + "|" + parts[2]});
  };
  st->resolve->info(d->slot(), now, nullptr, 0, visit);
  st->missing->info(d->slot(), now, nullptr, 0, visit);
  array_init(return_value);
  add_assoc_long(return_value, "total_file_count", zend_long(count));
  zval entries;
  array_init(&entries);
  zend_ulong i = 1;
  for (const Row& r : rows) {
    zval e;
    array_init(&e);
    add_assoc_stringl(&e, "resolve_path", r.input.data(), r.input.size());
    add_assoc_stringl(&e, "subkey_data", r.subkey.data(), r.subkey.size());
    add_index_zval(&entries, i++, &e);
  }
  add_assoc_zval(return_value, "rplist_entries", &entries);
}

void rplist_meminfo(INTERNAL_FUNCTION_PARAMETERS) {
  ZEND_PARSE_PARAMETERS_NONE();
  Domain* d = local_domain();
  const FileStores* st = d ? d->file_stores() : nullptr;
  if (!st) RETURN_FALSE;
  meminfo_array(return_value, st->resolve->meminfo(d->slot()));
}

}  // namespace

bool rplist_canonical(zend_string* name, std::string& out, bool fresh) {
  const int r = resolve(name, out, !fresh);
  if (r >= 0) return r == 1;
  zend_string* p = rs.orig(name);
  if (!p) return false;
  out.assign(ZSTR_VAL(p), ZSTR_LEN(p));
  zend_string_release(p);
  return true;
}

void rplist_install() {
  rs.orig = zend_resolve_path;
  zend_resolve_path = resolve_hook;
  rs.installed = true;
}

void rplist_uninstall() {
  if (rs.installed && zend_resolve_path == resolve_hook) zend_resolve_path = rs.orig;
  rs.installed = false;
}

void rplist_extra_info(zval* out) {
  zval z;
  array_init(&z);
  Domain* d = joined_local();
  const FileStores* st = d ? d->file_stores_attached() : nullptr;
  if (st) {
    const wc::CacheStats r = st->resolve->stats(d->slot());
    const wc::CacheStats m = st->missing->stats(d->slot());
    add_assoc_long(&z, "resolved_items", zend_long(r.items));
    add_assoc_long(&z, "missing_items", zend_long(m.items));
    add_assoc_long(&z, "evictions", zend_long(r.evictions + m.evictions));
    add_assoc_long(&z, "expirations", zend_long(r.expirations + m.expirations));
  }
  add_assoc_long(&z, "hits_here", zend_long(rs.hits));
  add_assoc_long(&z, "missing_hits_here", zend_long(rs.miss_hits));
  add_assoc_long(&z, "resolved_here", zend_long(rs.resolved));
  add_assoc_long(&z, "unresolved_here", zend_long(rs.unresolved));
  add_assoc_zval(out, "rplist", &z);
}

}  // namespace wcx

PHP_FUNCTION(wincache_rplist_fileinfo) {
  WCX_GUARDED(wcx::rplist_fileinfo(INTERNAL_FUNCTION_PARAM_PASSTHRU))
}
PHP_FUNCTION(wincache_rplist_meminfo) {
  WCX_GUARDED(wcx::rplist_meminfo(INTERNAL_FUNCTION_PARAM_PASSTHRU))
}
