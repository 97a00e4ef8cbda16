// extension/opcache.cpp: deploy-aware OPcache (issue 19; docs/design/files.md §7): what the
// file watcher saw change is applied to OPcache and to PHP's realpath cache before a request
// compiles anything, so that OPcache may run with opcache.validate_timestamps=0 (no stat per
// include) and still serve every deploy within a second. wincache.opcache_invalidate=0 turns
// the OPcache part off.
//
// What the watcher leaves (core/change_log.hpp): one change-log record per file whose contents
// changed (written in place, renamed over, deleted), and, for anything the ring cannot name
// (names that appeared or vanished: a symlink swap, a file shadowing another on the include_path;
// an overflow; a takeover), a move of the lease's resolve_gen.
//
// Per OPcache instance (its shared memory is the master's: every php-fpm worker of one master
// sees the same scripts), not per process: an InstanceMark in an anonymous shared page mapped at
// MINIT, before any fork, records what this OPcache was told (CL-4). A process whose instance
// is behind:
//   - resolve_gen moved, or records were lost (the ring wrapped past the mark, CL-3; a record
//     too long): opcache_reset(), at RINIT. Our RINIT runs before OPcache's (its module is
//     registered after every extension's), so OPcache's own RINIT then either restarts at once
//     or turns its cache off for this and every request until the restart: nothing compiled
//     before the change is served after it.
//   - records: opcache_invalidate(path, true) for each, at the request's first compile
//     (zend_compile_file, wrapped at the first RINIT, after OPcache installed its own): by then
//     OPcache's RINIT has run, and force=true drops the script whatever validate_timestamps says.
//     Every key OPcache keeps for the script (the name as included, through `current`, relative
//     to the include_path) points at the one script, which is then recompiled from the file.
// Per process, at request start (fcache_request_start): realpath_cache_del(path) for each record,
// realpath_cache_clean() when resolve_gen moved (the clean came with issue 14).
// Nothing changed: a few loads (the ring's head, resolve_gen, the mark), no system call (CL-5).
//
// OPcache loaded or not, before or after us, on or off (opcache.enable, opcache.enable_cli in the
// CLI), JIT or not: its functions are looked up in the function table when needed and called
// only if OPcache is on here; opcache.restrict_api that does not cover the request's script:
// never called (OPcache would warn), counted as restricted.
#include <cstring>
#include <string>
#include <vector>

#include "features.hpp"

extern "C" {
#include "SAPI.h"
#include "zend_exceptions.h"
#include "zend_virtual_cwd.h"
}

namespace wcx {
namespace {

struct OpcState {
  bool wanted = true;             // wincache.opcache_invalidate
  InstanceMark* mark = nullptr;   // what this OPcache instance was told (MINIT)
  bool hooked = false;            // zend_compile_file is ours
  zend_op_array* (*orig_compile)(zend_file_handle*, int) = nullptr;
  bool applied_this_request = true;  // the compile hook's once-per-request flag
  bool on = false;                   // OPcache on for this request (opcache_on() at RINIT)
  // per process: what its realpath cache saw
  std::uint64_t rp_head = 0;  // 0 = not yet looked
  // this process's counters (wincache_extra_info()['opcache'])
  std::uint64_t invalidated = 0, resets = 0, records = 0, losses = 0, already = 0,
                restricted = 0, failed = 0, rp_dels = 0, rp_cleans = 0, straddled = 0;
};
OpcState os_;

bool is_cli() {
  return sapi_module.name && (std::strcmp(sapi_module.name, "cli") == 0 ||
                              std::strcmp(sapi_module.name, "phpdbg") == 0);
}

zend_function* php_function(const char* name) {
  return static_cast<zend_function*>(
      zend_hash_str_find_ptr(CG(function_table), name, std::strlen(name)));
}

// OPcache is loaded and on for this request (its own switches; a failed startup leaves its
// functions answering false, which is harmless).
bool opcache_on() {
  if (!php_function("opcache_invalidate") || !php_function("opcache_reset")) return false;
  if (!zend_ini_long(const_cast<char*>("opcache.enable"), sizeof("opcache.enable") - 1, 0))
    return false;
  if (is_cli() && !zend_ini_long(const_cast<char*>("opcache.enable_cli"),
                                 sizeof("opcache.enable_cli") - 1, 0))
    return false;
  return true;
}

// opcache.restrict_api: OPcache refuses (with a warning) unless the request's script is under it.
bool api_allowed() {
  const char* r = zend_ini_string(const_cast<char*>("opcache.restrict_api"),
                                  sizeof("opcache.restrict_api") - 1, 0);
  if (!r || !*r) return true;
  const char* script = SG(request_info).path_translated;
  return script && std::strncmp(script, r, std::strlen(r)) == 0;
}

// Calls an OPcache function; true if it returned true. No exception or warning escapes.
bool call(const char* name, const std::string* path) {
  zend_function* fn = php_function(name);
  if (!fn) return false;
  zval args[2], rv;
  ZVAL_UNDEF(&rv);
  std::uint32_t n = 0;
  if (path) {
    ZVAL_STRINGL(&args[0], path->data(), path->size());
    ZVAL_TRUE(&args[1]);
    n = 2;
  }
  zend_object* pending = EG(exception);
  zend_call_known_function(fn, nullptr, nullptr, &rv, n, n ? args : nullptr, nullptr);
  if (path) zval_ptr_dtor(&args[0]);
  const bool ok = Z_TYPE(rv) == IS_TRUE;
  zval_ptr_dtor(&rv);
  if (EG(exception) && EG(exception) != pending) zend_clear_exception();
  return ok;
}

const FileStores* stores(Domain** d) {
  *d = joined_local();
  return *d ? (*d)->file_stores_attached() : nullptr;
}

// RINIT: a reset if resolve_gen moved or records were lost since this instance was told.
void apply_reset(const FileStores* st) {
  InstanceMark& m = *os_.mark;
  const std::uint64_t h = st->log->head();
  const std::uint64_t g = st->lease->resolve_gen();
  const std::uint64_t mg = m.gen(), ms = m.seq();
  if (mg == g && ms == h && !m.fresh()) return;  // CL-5: the common case
  if (m.fresh()) {  // this instance's first request: its OPcache holds nothing compiled yet
    m.raise(g, h);
    return;
  }
  const bool went_back = g < mg || h < ms;  // a new kWatch segment
  bool reset = went_back || g != mg;
  if (!reset && !st->log->replay(ms, h, [&](wc::ChangeKind k, const std::string&) {
        if (k != wc::ChangeKind::file) reset = true;
      }))
    reset = true;  // CL-3: wrapped past us, or overwritten while read
  if (!reset) return;  // only records: the first compile applies them
  if (!os_.on) return;
  if (!api_allowed()) {
    ++os_.restricted;
    return;
  }
  if (g == mg) ++os_.losses;
  if (call("opcache_reset", nullptr)) ++os_.resets;
  else ++os_.failed;  // not enabled, or a restart is pending already: it covers us
  // Raised after the call (CL-4): a process that finds the mark here knows the reset happened.
  if (went_back) m.restart(g, h);
  else m.raise(g, h);
}

// The request's first compile: the records this instance was not told yet.
void apply_records() {
  Domain* d = nullptr;
  const FileStores* st = stores(&d);
  if (!st || !os_.mark || !os_.on) return;
  InstanceMark& m = *os_.mark;
  const std::uint64_t h = st->log->head();
  const std::uint64_t ms = m.seq();
  if (ms >= h) {
    return;
  }
  // (resolve_gen moved since RINIT: the next request start resets; the records are still
  // applied now, since their changes may be older than this request.)
  if (!api_allowed()) {
    ++os_.restricted;
    return;
  }
  std::vector<std::string> paths;
  bool lost = false;
  if (!st->log->replay(ms, h, [&](wc::ChangeKind k, const std::string& p) {
        if (k == wc::ChangeKind::file) paths.push_back(p);
        else lost = true;
      }))
    lost = true;
  if (lost) {  // wrapped meanwhile: a reset, as at RINIT (this request compiles uncached)
    ++os_.losses;
    if (call("opcache_reset", nullptr)) ++os_.resets;
    m.raise_seq(h);  // the gen's reset, if one is due, is the next RINIT's (CL-4)
    return;
  }
  for (const std::string& p : paths) {
    ++os_.records;
    // false: not cached (nothing to drop), or gone (a deletion: resolve_gen moved too)
    if (call("opcache_invalidate", &p)) ++os_.invalidated;
  }
  m.raise_seq(h);  // CL-4: after the calls
}

// A compile that straddles a change: it may have read the old bytes before the change, and
// OPcache stores what it compiled when the compile returns, possibly after another process
// already applied the change's record to this instance (the mark moved past it): the old script
// would then stay cached (with validate_timestamps=0, until the file's next change). So the
// records written while this compile ran (head moved across it) are invalidated once more, here,
// after OPcache stored the script. A record written after the second look at head is applied
// after that (by whoever applies it), hence after the store. Costs one load per compile; the
// replay only when a change arrived meanwhile.
void reapply_straddled(const FileStores* st, std::uint64_t h0) {
  const std::uint64_t h1 = st->log->head();
  if (h1 <= h0 || !api_allowed()) return;
  std::vector<std::string> paths;
  st->log->replay(h0, h1, [&](wc::ChangeKind k, const std::string& p) {
    if (k == wc::ChangeKind::file) paths.push_back(p);
  });  // lost records, names changes: the next RINIT resets (resolve_gen moved, or CL-3)
  for (const std::string& p : paths) {
    ++os_.straddled;
    if (call("opcache_invalidate", &p)) ++os_.invalidated;
  }
}

zend_op_array* compile_file(zend_file_handle* h, int type) {
  if (!os_.applied_this_request) {
    os_.applied_this_request = true;
    try {
      apply_records();
    } catch (...) {  // out of process memory: OPcache is told at the next request
    }
  }
  Domain* d = nullptr;
  const FileStores* st = os_.on ? stores(&d) : nullptr;
  const std::uint64_t h0 = st ? st->log->head() : 0;
  zend_op_array* op = os_.orig_compile(h, type);
  if (st && op) {
    try {
      reapply_straddled(st, h0);
    } catch (...) {
    }
  }
  return op;
}

}  // namespace

void opcache_minit() {
  if (!os_.mark) os_.mark = instance_mark_create();
}

void opcache_mshutdown() {
  if (os_.hooked && zend_compile_file == compile_file) zend_compile_file = os_.orig_compile;
  os_.hooked = false;
}

// RINIT, before the file stores are looked at. True if this request needs them attached (the
// OPcache part is on, and OPcache is).
bool opcache_rinit() {
  os_.applied_this_request = true;
  os_.on = false;
  if (!os_.wanted || !os_.mark || !fcache_notify_wanted() || !opcache_on()) return false;
  os_.on = true;
  if (!os_.hooked) {  // after OPcache's startup, which replaced zend_compile_file
    os_.orig_compile = zend_compile_file;
    zend_compile_file = compile_file;
    os_.hooked = true;
  }
  os_.applied_this_request = false;
  return true;
}

// Once per request, with the file stores (fcache_request_start): this process's realpath cache,
// and this instance's OPcache reset if one is due.
void opcache_request_start(const FileStores* st, bool gen_moved) {
  const std::uint64_t h = st->log->head();
  if (h != os_.rp_head) {
    if (os_.rp_head != 0 && !gen_moved &&
        !st->log->replay(os_.rp_head, h, [&](wc::ChangeKind k, const std::string& p) {
          if (k != wc::ChangeKind::file) return;
          realpath_cache_del(p.data(), p.size());
          ++os_.rp_dels;
        })) {
      realpath_cache_clean();  // lost records: forget every resolution of this process
      ++os_.rp_cleans;
    }
    os_.rp_head = h;
  }
  if (gen_moved) ++os_.rp_cleans;
  if (os_.wanted && os_.mark && !os_.applied_this_request) {
    try {
      apply_reset(st);
    } catch (...) {
    }
  }
}

void opcache_extra_info(zval* out) {
  zval z;
  array_init(&z);
  const bool on = opcache_on();
  add_assoc_bool(&z, "enabled", os_.wanted);
  add_assoc_string(&z, "opcache",
                   !php_function("opcache_invalidate") ? "not loaded" : on ? "on" : "off");
  add_assoc_bool(&z, "told", os_.wanted && on && os_.hooked);
  Domain* d = nullptr;
  const FileStores* st = stores(&d);
  add_assoc_long(&z, "log_head", zend_long(st ? st->log->head() : 0));
  add_assoc_long(&z, "instance_seq", zend_long(os_.mark ? os_.mark->seq() : 0));
  add_assoc_long(&z, "instance_gen", zend_long(os_.mark ? os_.mark->gen() : 0));
  add_assoc_long(&z, "records_applied_here", zend_long(os_.records));
  add_assoc_long(&z, "invalidated_here", zend_long(os_.invalidated));
  add_assoc_long(&z, "straddled_here", zend_long(os_.straddled));
  add_assoc_long(&z, "resets_here", zend_long(os_.resets));
  add_assoc_long(&z, "losses_here", zend_long(os_.losses));
  add_assoc_long(&z, "restricted_here", zend_long(os_.restricted));
  add_assoc_long(&z, "failed_here", zend_long(os_.failed));
  add_assoc_long(&z, "realpath_deletes_here", zend_long(os_.rp_dels));
  add_assoc_long(&z, "realpath_cleans_here", zend_long(os_.rp_cleans));
  add_assoc_long(&z, "records_logged_here", zend_long(watcher_logged_here()));
  add_assoc_zval(out, "opcache", &z);
}

ZEND_INI_MH(ini_opcache_invalidate) {
  os_.wanted = zend_ini_parse_bool(new_value);
  return SUCCESS;
}

}  // namespace wcx
