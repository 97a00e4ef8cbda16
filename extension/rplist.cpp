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

#ifndef _WIN32
#include <sys/stat.h>
#include <climits>
#include <cstdlib>
#endif

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

// With notifications (FC-7): the directories whose names decide this resolution: for every
// place PHP searches (the name itself if absolute; else cwd for ./ and ../, or each include_path
// entry then the executing script's directory), the nearest existing directory of the candidate
// (a file or a missing subdirectory appearing there is an event there), and the parent of every
// symbolic link met on the way (the `current` -> release swap). Canonical paths. Empty (the
// resolution is then trusted for 1 s only, as when polling) where they cannot be computed.
std::vector<std::string> resolution_dirs(zend_string* name) {
  std::vector<std::string> dirs;
#ifndef _WIN32
  const std::string n(ZSTR_VAL(name), ZSTR_LEN(name));
  std::vector<std::string> cands;
  char cwdb[MAXPATHLEN];
  const char* c = VCWD_GETCWD(cwdb, MAXPATHLEN);
  const std::string cwd = c ? c : "";
  if (!n.empty() && n[0] == '/') {
    cands.push_back(n);
  } else if (n.rfind("./", 0) == 0 || n.rfind("../", 0) == 0) {
    if (cwd.empty()) return {};
    cands.push_back(cwd + "/" + n);
  } else {
    const std::string ip = PG(include_path) ? PG(include_path) : "";
    std::size_t at = 0;
    while (at <= ip.size()) {
      const std::size_t colon = std::min(ip.find(':', at), ip.size());
      std::string p = ip.substr(at, colon - at);
      at = colon + 1;
      if (p.empty()) continue;
      if (p == ".") p = cwd;
      else if (p[0] != '/') p = cwd + "/" + p;
      if (!p.empty()) cands.push_back(p + "/" + n);
    }
    const std::string ed = exec_dir();
    if (!ed.empty() && ed[0] == '/') cands.push_back(ed + "/" + n);
  }
  const auto add = [&](const std::string& d) {
    char real[PATH_MAX];
    if (!::realpath(d.c_str(), real)) return false;
    const std::string r(real);
    for (const std::string& x : dirs)
      if (x == r) return true;
    dirs.push_back(r);
    return true;
  };
  for (const std::string& cand : cands) {
    // The nearest existing directory of the candidate's parent.
    std::string d = cand.substr(0, cand.find_last_of('/'));
    if (d.empty()) d = "/";
    for (int i = 0; i < 64 && !add(d); ++i) {
      const std::size_t s = d.find_last_of('/');
      if (s == std::string::npos) return {};
      d = s == 0 ? "/" : d.substr(0, s);
    }
    // Symbolic links on the way: their parents.
    for (std::size_t s = cand.find('/', 1); ; s = cand.find('/', s + 1)) {
      const std::string pre = s == std::string::npos ? cand : cand.substr(0, s);
      struct stat sb;
      if (::lstat(pre.c_str(), &sb) != 0) break;
      if (S_ISLNK(sb.st_mode)) {
        const std::size_t ps = pre.find_last_of('/');
        if (!add(ps == 0 ? std::string("/") : pre.substr(0, ps))) return {};
      }
      if (s == std::string::npos) break;
    }
    if (dirs.size() > 32) return {};  // an include_path too long to watch: poll
  }
#else
  (void)name;
#endif
  return dirs;
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
  fcache_request_start(d, st);
  // Resolutions carry the lease's resolve_gen (FC-4, FC-7): every event that changes names, a
  // refresh, a takeover, an overflow moves it.
  const std::uint64_t gen64 = st->lease->resolve_gen();
  const auto gen = std::uint32_t(gen64);
  const bool notify = fcache_notify_in_force(st);
  const std::uint64_t chk = fcache_chk_ms();
  const auto fresh_rule = [&](std::uint64_t aux, std::uint64_t now_rel, std::uint64_t bound) {
    return (notify && wc::watch_trusted(aux, gen64)) || wc::resolve_fresh(aux, gen, now_rel, bound);
  };
  std::string stale;  // a path this name resolved to before, no longer trusted
  if (use_cache) {
    bool fresh = false;
    st->resolve->get_entry(d->slot(), k.data(), klen, now, [&](auto& v) {
      if (fresh_rule(v.aux.load(std::memory_order_acquire), rel(*st->resolve, now),
                     chk)) {  // FC-4, FC-7
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
        fresh_rule(aux, rel(*st->missing, now), wc::miss_bound_ms(chk))) {  // FC-4, FC-7
      ++rs.miss_hits;
      return 0;
    }
  }
  // FC-7: trusted (while resolve_gen stays) only if every directory whose names decide the
  // answer was watched BEFORE PHP resolved it, and no event was applied meanwhile.
  bool watched = false;
  std::uint64_t seen = 0;
  if (notify) {
    const std::vector<std::string> dirs = resolution_dirs(name);
    const std::uint64_t epoch = st->lease->epoch();
    watched = !dirs.empty();
    const auto guard = fcache_guard();
    FileWatch fw(*st->lease, *st->table, *st->files, kWindowsPaths);
    for (const std::string& dir : dirs)
      if (fw.dir_epoch(d->slot(), fcache_key(dir), now) != epoch || epoch == 0) watched = false;
    seen = st->lease->applied();
  }
  zend_string* r = rs.orig(name);
  if (watched && (st->lease->applied() != seen || st->lease->resolve_gen() != gen64)) watched = false;
  if (!r) {
    ++rs.unresolved;
    // The file it named is gone (or out of reach): its stored bytes go with it, and the old
    // answer too (the miss below answers for the name now).
    if (!stale.empty()) {
      {
        const auto guard = fcache_guard();
        FileCache(*st->files).forget(d->slot(), fcache_key(stale), now);
      }
      st->resolve->remove(d->slot(), k.data(), klen, now);
    }
    // A trusted miss lives until resolve_gen moves (ttl 0), an untrusted one briefly.
    st->missing->store(d->slot(), k.data(), klen, wc::ValueType::null_v, nullptr, 0,
                       watched ? fcache_ttl_s() : wc::miss_bound_ms(chk) / 1000, now,
                       MissingStore::Mode::set, 0,
                       wc::aux_word(gen, rel(*st->missing, now), watched));
    return 0;
  }
  out.assign(ZSTR_VAL(r), ZSTR_LEN(r));
  zend_string_release(r);
  ++rs.resolved;
  st->resolve->store(d->slot(), k.data(), klen, wc::ValueType::string_v, out.data(), out.size(),
                     fcache_ttl_s(), now, ResolveStore::Mode::set, 0,
                     wc::aux_word(gen, rel(*st->resolve, now), watched));
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
  bool rows_lost = false;
  // Under the store's read lock: must not throw (that would unwind out of the held lock).
  const auto visit = [&](const wc::EntryInfo& e) noexcept {
    ++count;
    if (summary || rows_lost) return;
    try {
      // input \0 cwd \0 exec dir \0 include_path \0 open_basedir
      std::vector<std::string> parts(1);
      for (std::uint32_t i = 0; i < e.key_len; ++i) {
        if (e.key[i] == '\0') parts.emplace_back();
        else parts.back() += e.key[i];
      }
      parts.resize(5);
      rows.push_back(Row{parts[0], parts[1] + "|" + parts[2]});
    } catch (...) {
      rows_lost = true;
    }
  };
  st->resolve->info(d->slot(), now, nullptr, 0, visit);
  st->missing->info(d->slot(), now, nullptr, 0, visit);
  if (rows_lost) php_error_docref(nullptr, E_WARNING, "not enough memory to list every entry");
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
