// extension/reroute.cpp: wincache.reroute_enabled: file functions answered from the file cache,
// with exactly PHP's own semantics.
//
// WinCache replaced 13 handlers in the function table (rmdir, file_exists, file_get_contents,
// filesize, is_dir, is_file, is_readable, is_writable, is_writeable, readfile, realpath, unlink,
// rename) and answered differently from PHP (../shared/research/wincache-2.0-caches.md §3): names
// resolved through include_path, no open_basedir check, stale answers for up to chkinterval, an
// explicit null context refused. Ours are invisible: a call returns what PHP returns, writes what
// it writes, raises what it raises, in the same order, and leaves PHP's stat cache, realpath cache
// and resource numbering as PHP would. tests/reroute/ proves it on ~12,600 calls per process.
//
// What is rerouted, and why only that:
//
//   file_get_contents, readfile   served from the file store when PHP's own read would return the
//       same bytes: PHP's path steps are taken as PHP takes them (the default context, the
//       include_path search, the open_basedir check, expand_filepath: the realpath cache sees the
//       same lookups), and only the open + fstat + read + close of the file is replaced by ONE stat
//       that finds the stored file unchanged (core/fcache.hpp same_file, FC-2). PHP's read is
//       always fresh, so the check interval never applies here (FileParams::always_check). A file
//       is served to this process only after its own open of that load succeeded (FC-5): a load
//       made here, or PHP's own read through the original handler.
//   unlink, rename, rmdir   PHP's own function, then what it touched leaves the caches. The
//       names are looked at before the call, without PHP's realpath cache (Files::real): a
//       regular file named directly (rename: onto an existing regular file) loses its entry under
//       its canonical path; anything else (a symlink, a directory, a new name, a name that does
//       not resolve; every rmdir) moves the epoch: every entry is re-checked once and every
//       resolved path and miss asked again (as wincache_refresh_if_changed()). Includes then see
//       the change at once.
//   file_exists, filesize, is_dir, is_file, is_readable, is_writable, is_writeable, realpath   NOT
//       replaced. Each makes one system call (access, stat) or answers from PHP's per-request stat
//       cache or per-process realpath cache; an answer from shared memory without that call is
//       not PHP's answer after an external change (the corpus's external_delete: file_exists is
//       false at once), and with it nothing is saved. realpath through the resolve-path cache
//       would leave PHP's realpath cache unfilled, which changes later answers
//       (symlink_swap_external).
//
// A replaced handler passes the call to PHP's (same execute_data, untouched) when it cannot answer
// exactly: wincache.reroute_enabled=0 (PHP_INI_SYSTEM|PERDIR, read at every call as WinCache did,
// so a .user.ini can turn it on), fcenabled=0 or an ignored name, arguments that are not exactly a
// string, a bool and null (PHP would coerce, deprecate or throw), a context, an offset or a length,
// stream wrappers (scheme://, data:) or a file:// wrapper that is not PHP's plain one (a user
// wrapper registered for file), include_path holding a stream wrapper, a name PHP refuses (empty,
// NUL, too long), an open_basedir refusal (PHP then warns), and any file not in the store, not
// validated now, not yet opened by this process, over maxfilesize or not regular.
#include <cctype>
#include <cstring>
#include <string>

#include "features.hpp"

extern "C" {
#include "ext/standard/file.h"
#include "main/fopen_wrappers.h"
#include "main/php_output.h"
#include "main/php_streams.h"
#include "zend_virtual_cwd.h"
}

namespace wcx {
namespace {

enum Fn { kFgc, kReadfile, kUnlink, kRename, kRmdir, kFnCount };
const char* const kNames[kFnCount] = {"file_get_contents", "readfile", "unlink", "rename", "rmdir"};

struct Counts {
  std::uint64_t hits = 0;        // answered from the store
  std::uint64_t loads = 0;       // read and stored here, then PHP's own call (verifies it)
  std::uint64_t verified = 0;    // stored elsewhere: PHP's own call, then served from next time
  std::uint64_t passed = 0;      // PHP's own call, nothing of ours
  std::uint64_t forgotten = 0;   // unlink/rename: file entries removed by name
  std::uint64_t refreshes = 0;   // unlink/rename/rmdir: epoch moved
};

struct RrState {
  bool enabled = false;  // wincache.reroute_enabled, as in force for this request
  bool installed = false;
  zif_handler orig[kFnCount] = {};
  Counts n[kFnCount];
  int le_slot = -1;  // a resource type of ours: one id consumed per served read (below)
};
RrState rr;

// PHP's read opens a stream, which takes a resource id (EG(regular_list)'s next free index) and
// frees it at close: a served read takes one too, so that the numbers of later resources
// (var_dump of an fopen()) are PHP's.
void consume_resource_id() {
  static int dummy;
  zend_resource* r = zend_register_resource(&dummy, rr.le_slot);
  zend_list_delete(r);
}

struct Sink {
  zval* rv;
  bool readfile;
  std::size_t len;
};

// Called with the stored bytes, pinned.
void put(void* ctx, const char* bytes, std::size_t len) {
  auto* s = static_cast<Sink*>(ctx);
  s->len = len;
  if (s->readfile) {
    // PHP's passthru maps the file and writes it in one piece (an empty file: nothing), and
    // returns what the output layer took (0 once output is disabled).
    s->len = len ? PHPWRITE(bytes, len) : 0;
  } else if (len == 0) {
    ZVAL_EMPTY_STRING(s->rv);
  } else {
    ZVAL_STRINGL(s->rv, bytes, len);
  }
}

// The name scheme://... or data: (PHP's php_stream_locate_url_wrapper's test).
bool has_scheme(const char* p, std::size_t n) {
  std::size_t i = 0;
  while (i < n && (isalnum(static_cast<unsigned char>(p[i])) || p[i] == '+' || p[i] == '-' ||
                   p[i] == '.'))
    ++i;
  return i < n && p[i] == ':' && i > 1 &&
         ((i + 2 < n && p[i + 1] == '/' && p[i + 2] == '/') ||
          (i == 4 && std::strncmp(p, "data", 4) == 0));
}

// file_get_contents / readfile: true if answered (return_value set, output written).
bool serve_read(zend_execute_data* execute_data, zval* return_value, Fn fn, std::uint64_t* stamp,
                std::string* opened) {
  const uint32_t argc = ZEND_CALL_NUM_ARGS(execute_data);
  if (argc < 1 || argc > 3) return false;  // offset, length: PHP's
  zval* a1 = ZEND_CALL_ARG(execute_data, 1);
  if (Z_TYPE_P(a1) != IS_STRING) return false;
  bool uip = false;
  if (argc >= 2) {
    zval* a2 = ZEND_CALL_ARG(execute_data, 2);
    if (Z_TYPE_P(a2) != IS_TRUE && Z_TYPE_P(a2) != IS_FALSE) return false;
    uip = Z_TYPE_P(a2) == IS_TRUE;
  }
  if (argc >= 3 && Z_TYPE_P(ZEND_CALL_ARG(execute_data, 3)) != IS_NULL) return false;
  zend_string* name = Z_STR_P(a1);
  // fcenabled, not empty, no NUL, no stream wrapper, not in ignorelist
  if (!fcache_wanted(name) || ZSTR_LEN(name) >= MAXPATHLEN - 1) return false;
  if (has_scheme(ZSTR_VAL(name), ZSTR_LEN(name))) return false;
  // A plain name goes to whatever is registered for file:// (a user wrapper may have replaced it).
  if (zend_hash_str_find_ptr(php_stream_get_url_stream_wrappers_hash(), "file", 4) !=
      &php_plain_files_wrapper)
    return false;
  if (uip && PG(include_path) && std::strstr(PG(include_path), "://")) return false;

  // PHP's steps, in PHP's order. php_stream_context_from_zval(NULL, 0): the default context.
  if (!FG(default_context)) FG(default_context) = php_stream_context_alloc();
  std::string path;
  bool real = false;
  if (uip) {  // php_stream_open_wrapper_ex with USE_PATH
    zend_string* r = php_resolve_path(ZSTR_VAL(name), ZSTR_LEN(name), PG(include_path));
    if (r) {
      path.assign(ZSTR_VAL(r), ZSTR_LEN(r));
      zend_string_release(r);
      real = true;  // STREAM_ASSUME_REALPATH
    }
    if (EG(exception)) return false;
  }
  if (!real) path.assign(ZSTR_VAL(name), ZSTR_LEN(name));
  if (path.size() >= MAXPATHLEN - 1) return false;  // the open_basedir check would warn
  // The plain opener's open_basedir check, silent here: a refusal is PHP's to report.
  if (php_check_open_basedir_ex(path.c_str(), 0) != 0) return false;
  if (!real) {  // _php_stream_fopen: expand_filepath (the realpath cache, as PHP's open)
    char buf[MAXPATHLEN];
    if (!expand_filepath(path.c_str(), buf)) return false;
    path = buf;
  }
  Sink sink{return_value, fn == kReadfile, 0};
  RerouteRead r;
  try {
    r = fcache_reroute_read(path, put, &sink, stamp);
  } catch (...) {
    return false;
  }
  *opened = path;
  if (r == RerouteRead::loaded) ++rr.n[fn].loads;
  if (r != RerouteRead::hit) return false;
  consume_resource_id();
  if (fn == kReadfile) RETVAL_LONG(zend_long(sink.len));
  ++rr.n[fn].hits;
  return true;
}

void reroute_read(zend_execute_data* execute_data, zval* return_value, Fn fn) {
  std::uint64_t stamp = 0;
  std::string opened;
  if (rr.enabled && serve_read(execute_data, return_value, fn, &stamp, &opened)) return;
  rr.orig[fn](execute_data, return_value);
  if (stamp == 0) {
    ++rr.n[fn].passed;
    return;
  }
  // Stored by another process, not yet opened by this one: PHP's own read just succeeded (this
  // process's permissions, its open_basedir), so the same load is served here from now on.
  const bool ok = !EG(exception) && (fn == kFgc ? Z_TYPE_P(return_value) == IS_STRING
                                                : Z_TYPE_P(return_value) == IS_LONG);
  if (ok) {
    try {
      fcache_reroute_verified(opened, stamp);
    } catch (...) {
    }
    ++rr.n[fn].verified;
  } else {
    ++rr.n[fn].passed;
  }
}

// The name as an absolute path, lexically normalised (CWD_EXPAND: no system call, PHP's realpath
// cache neither read nor filled). Empty if it is not a plain name.
std::string lexical(zval* z) {
  if (Z_TYPE_P(z) != IS_STRING) return std::string();
  const char* p = Z_STRVAL_P(z);
  std::size_t n = Z_STRLEN_P(z);
  if (n == 0 || n >= MAXPATHLEN || std::memchr(p, '\0', n)) return std::string();
  if (n > 7 && zend_binary_strncasecmp(p, 7, "file://", 7, 7) == 0) {
    p += 7;
    n -= 7;
  } else if (has_scheme(p, n)) {
    return std::string();
  }
  char buf[MAXPATHLEN];
  const std::string in(p, n);
  if (!expand_filepath_with_mode(in.c_str(), buf, nullptr, 0, CWD_EXPAND)) return std::string();
  return buf;
}

bool is_sep(char c) {
#ifdef _WIN32
  return c == '/' || c == '\\';
#else
  return c == '/';
#endif
}

// What a name denotes, looked at before the call (without PHP's realpath cache: Files::real):
// `canonical` is its directory's canonical path + its last component (empty if that does not
// resolve); `plain` if it exists and is a regular file named directly (not a symlink: its own
// canonical path is `canonical`).
struct Named {
  std::string canonical;
  bool exists = false;
  bool plain = false;
};

Named inspect(const std::string& lex) {
  Named n;
  if (lex.empty()) return n;
  std::size_t cut = lex.size();
  while (cut > 0 && !is_sep(lex[cut - 1])) --cut;
  if (cut == 0 || cut == lex.size()) return n;
  const std::string base = lex.substr(cut);
  if (base == "." || base == "..") return n;
  Files files;
  std::string dir;
  if (!files.real(lex.substr(0, cut > 1 ? cut - 1 : cut), dir)) return n;
  n.canonical = dir;
  if (n.canonical.empty() || !is_sep(n.canonical.back())) n.canonical += DEFAULT_SLASH;
  n.canonical += base;
  std::string full;
  if (files.real(lex, full)) {
    n.exists = true;
    const wc::FileStat st = files.stat(full);
    n.plain = full == n.canonical && st.exists && st.regular;
  }
  return n;
}

// Is there anything of ours to invalidate in this process's view (the file stores attached)?
bool stores_here() {
  Domain* d = joined_local();
  return d && d->file_stores_attached();
}

// After a successful unlink or rename of names looked at before the call: a regular file named
// directly loses its entry (names that resolved to it find no entry and ask PHP); anything else
// (a symlink: names resolved through it; a directory: everything under it; a name that did not
// exist: misses of it; a name that did not resolve) moves the epoch.
void invalidate(Fn fn, const Named* names, int count) {
  bool targeted = names[0].plain;
  if (fn == kRename) targeted = targeted && names[1].exists && names[1].plain;
  if (targeted) {
    for (int i = 0; i < count; ++i)
      if (fcache_reroute_forget(names[i].canonical)) ++rr.n[fn].forgotten;
    return;
  }
  fcache_reroute_bump();
  ++rr.n[fn].refreshes;
}

void reroute_change(zend_execute_data* execute_data, zval* return_value, Fn fn) {
  // Looked at before PHP's call (afterwards the names are gone or moved); only where there is
  // something to invalidate. rmdir removes an empty directory: the epoch moves (misses and
  // resolved names through it), nothing to look at.
  Named names[2];
  int count = 0;
  const bool ours = rr.enabled && stores_here();
  if (ours && fn != kRmdir) {
    count = fn == kRename ? 2 : 1;
    const uint32_t argc = ZEND_CALL_NUM_ARGS(execute_data);
    try {
      for (int i = 0; i < count && uint32_t(i) < argc; ++i)
        names[i] = inspect(lexical(ZEND_CALL_ARG(execute_data, i + 1)));
    } catch (...) {
    }
  }
  rr.orig[fn](execute_data, return_value);
  if (!ours || Z_TYPE_P(return_value) != IS_TRUE || EG(exception)) {
    ++rr.n[fn].passed;
    return;
  }
  try {
    invalidate(fn, names, count);
  } catch (...) {
  }
}

ZEND_NAMED_FUNCTION(rr_file_get_contents) { reroute_read(execute_data, return_value, kFgc); }
ZEND_NAMED_FUNCTION(rr_readfile) { reroute_read(execute_data, return_value, kReadfile); }
ZEND_NAMED_FUNCTION(rr_unlink) { reroute_change(execute_data, return_value, kUnlink); }
ZEND_NAMED_FUNCTION(rr_rename) { reroute_change(execute_data, return_value, kRename); }
ZEND_NAMED_FUNCTION(rr_rmdir) { reroute_change(execute_data, return_value, kRmdir); }

const zif_handler kMine[kFnCount] = {rr_file_get_contents, rr_readfile, rr_unlink, rr_rename,
                                     rr_rmdir};

zend_internal_function* find(Fn fn) {
  auto* f = static_cast<zend_function*>(
      zend_hash_str_find_ptr(CG(function_table), kNames[fn], std::strlen(kNames[fn])));
  return f && f->type == ZEND_INTERNAL_FUNCTION ? &f->internal_function : nullptr;
}

}  // namespace

void reroute_minit(int module_number) {
  if (!process_enabled()) return;  // the CLI without enablecli: nothing replaced
  rr.le_slot = zend_register_list_destructors_ex(nullptr, nullptr, "wincache reroute slot",
                                                 module_number);
  // Installed whatever reroute_enabled says at startup: it is PERDIR, read at every call.
  for (int i = 0; i < kFnCount; ++i) {
    zend_internal_function* f = find(Fn(i));
    if (!f) continue;
    rr.orig[i] = f->handler;
  }
  for (int i = 0; i < kFnCount; ++i)
    if (!rr.orig[i]) return;  // a build without one of them: replace none
  for (int i = 0; i < kFnCount; ++i) find(Fn(i))->handler = kMine[i];
  rr.installed = true;
}

void reroute_mshutdown() {
  if (!rr.installed) return;
  for (int i = 0; i < kFnCount; ++i) {
    zend_internal_function* f = find(Fn(i));
    if (f && f->handler == kMine[i]) f->handler = rr.orig[i];
  }
  rr.installed = false;
}

void reroute_extra_info(zval* out) {
  zval z;
  array_init(&z);
  add_assoc_bool(&z, "enabled", rr.enabled);
  add_assoc_bool(&z, "installed", rr.installed);
  Counts t;
  zval per;
  array_init(&per);
  for (int i = 0; i < kFnCount; ++i) {
    const Counts& c = rr.n[i];
    zval f;
    array_init(&f);
    add_assoc_long(&f, "hits_here", zend_long(c.hits));
    add_assoc_long(&f, "loads_here", zend_long(c.loads));
    add_assoc_long(&f, "verified_here", zend_long(c.verified));
    add_assoc_long(&f, "passed_here", zend_long(c.passed));
    add_assoc_long(&f, "forgotten_here", zend_long(c.forgotten));
    add_assoc_long(&f, "refreshes_here", zend_long(c.refreshes));
    add_assoc_zval(&per, kNames[i], &f);
    t.hits += c.hits;
    t.loads += c.loads;
    t.verified += c.verified;
    t.passed += c.passed;
    t.forgotten += c.forgotten;
    t.refreshes += c.refreshes;
  }
  add_assoc_long(&z, "hits_here", zend_long(t.hits));
  add_assoc_long(&z, "loads_here", zend_long(t.loads));
  add_assoc_long(&z, "verified_here", zend_long(t.verified));
  add_assoc_long(&z, "passed_here", zend_long(t.passed));
  add_assoc_long(&z, "forgotten_here", zend_long(t.forgotten));
  add_assoc_long(&z, "refreshes_here", zend_long(t.refreshes));
  add_assoc_zval(&z, "functions", &per);
  add_assoc_zval(out, "reroute", &z);
}

ZEND_INI_MH(ini_reroute_enabled) {
  rr.enabled = zend_ini_parse_bool(new_value);
  return SUCCESS;
}

}  // namespace wcx
