// extension/fcache.cpp: the file cache: wincache.fc* directives, the zend_stream_open_function
// hook, wincache_fcache_fileinfo / _meminfo, wincache_refresh_if_changed.
//
// The file store (kFiles, core/fcache.hpp's FilePolicy) keeps whole files under their canonical
// absolute path (what PHP's realpath gives; lower-cased on Windows). An include reaches us through
// zend_stream_open_function with the name PHP was given; the resolve-path cache (rplist.cpp)
// turns it into the canonical path, and core/fcache.hpp's FileCache::open decides: serve the
// stored bytes as they are (checked less than the check interval ago, in the current epoch), or
// after one stat found the file unchanged, or load it afresh. A served file is a php_stream over
// the bytes in the segment, pinned (core/store.hpp pin_reads) until PHP closes it: a removal or
// eviction meanwhile retires the entry and the compile finishes on the old bytes.
//
// What always goes to the previous hook (PHP's, or whatever another extension installed before
// us), unchanged: a handle that is not a plain file name, stream-wrapper paths (scheme://, data:),
// names in wincache.ignorelist, wincache.fcenabled=0, files over wincache.maxfilesize, non-regular
// files, files changing while read or changed within the file system's timestamp tick, a store
// that cannot take the file, and the FIRST open of every stored file (per process, per
// open_basedir, per load of the file): PHP's own open checks this process's permission and
// open_basedir, and only after it succeeded are the stored bytes served here (a file this process
// could not open itself is never served from the cache).
//
// Change detection: polling (docs/design/files.md §4). With wincache.fcndetect=0 every
// wincache.chkinterval seconds (0: never, until wincache_refresh_if_changed()); with fcndetect=1
// (the default) every second: the directory watcher that will make fcndetect=1 notification-
// driven (design §3) is not in yet, and until it is, fcndetect=1 polls with a 1 s interval.
//
// OPcache, when loaded, installs its own hooks AFTER every module's MINIT (zend_extension startup
// runs after module startup), whatever the order of the ini lines: its hooks call ours as their
// previous ones. Ours call whatever was there at our MINIT.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include "features.hpp"

extern "C" {
#include "main/php_streams.h"
#include "zend_stream.h"
#include "zend_virtual_cwd.h"
}

namespace wcx {
namespace {

struct FcState {
  // INI (clamped at startup, as WinCache did)
  bool fcenabled = true;        // PHP_INI_ALL: read at every hook call
  zend_long fcachesize = 24;    // MB, 5..255
  zend_long maxfilesize = 256;  // KB, 10..4096
  zend_long filecount = 4096;   // 1024..16384: sizes the resolve-path store
  zend_long chkinterval = 30;   // s, 0 or 2..300
  zend_long ttlmax = 1200;      // s, 0 or 60..7200
  bool fcndetect = true;
  std::vector<std::string> ignore;  // lower-cased basenames of wincache.ignorelist
  // hooks
  bool installed = false;
  zend_result (*orig_open)(zend_file_handle*) = nullptr;
  // per process
  std::unordered_map<std::string, std::uint64_t> verified;  // path \0 open_basedir -> load stamp
  unsigned pins = 0;  // open streams over pinned bytes (the store holds one pin for all)
  bool used = false;  // the file stores were attached here
  bool lease_checked = false;  // this request asked the watcher lease (RINIT or first use)
  std::uint64_t seen_gen = 0;  // the resolve_gen this process last cleaned PHP's realpath cache at
  // this process's counters (wincache_extra_info()['fcache'])
  std::uint64_t served = 0, served_checked = 0, loaded = 0, passed = 0, changed = 0,
                verified_opens = 0, verify_failed = 0, no_store = 0, pins_refused = 0;
};
FcState fs;

zend_long clamp(zend_long v, zend_long lo, zend_long hi) { return v < lo ? lo : v > hi ? hi : v; }

void clamp_ini(const char* name, zend_long& v, zend_long lo, zend_long hi, bool zero_ok) {
  const zend_long c = zero_ok && v == 0 ? 0 : clamp(v, lo, hi);
  if (c != v) {
    v = c;
    ini_write_back(name, std::to_string(c));
  }
}

// ---- the stream over stored bytes --------------------------------------------------------------
struct Served {
  const char* bytes;
  std::size_t len, pos;
  wc::FileMeta meta;
  bool pinned;
};

void unpin_one() {
  if (fs.pins == 0) return;
  if (--fs.pins == 0) {
    Domain* d = joined_local();
    const FileStores* st = d ? d->file_stores_attached() : nullptr;
    if (st) st->files->unpin(d->slot());
  }
}

// The first pin takes the store's read lock: under the guard, like every other use of the file
// store by this process (the watcher thread shares its reader slot; the core's lock is per
// process, so a pin racing the watcher's write was refused as misuse, and the watcher's write
// racing a pin's read hold failed the same way: tests/fcache_notify_pin_race.phpt). Never called
// with the guard held.
bool pin_one(Domain* d, const FileStores* st) {
  if (fs.pins == 0) {
    const auto guard = fcache_guard();
    if (!st->files->pin(d->slot())) {
      ++fs.pins_refused;
      return false;
    }
  }
  ++fs.pins;
  return true;
}

ssize_t served_read(php_stream* s, char* buf, size_t count) {
  auto* v = static_cast<Served*>(s->abstract);
  const std::size_t n = std::min(count, v->len - v->pos);
  std::memcpy(buf, v->bytes + v->pos, n);
  v->pos += n;
  if (v->pos >= v->len) s->eof = 1;
  return ssize_t(n);
}
ssize_t served_write(php_stream*, const char*, size_t) { return -1; }
int served_close(php_stream* s, int) {
  auto* v = static_cast<Served*>(s->abstract);
  if (v->pinned) unpin_one();
  efree(v);
  return 0;
}
int served_flush(php_stream*) { return 0; }
int served_seek(php_stream* s, zend_off_t off, int whence, zend_off_t* newoff) {
  auto* v = static_cast<Served*>(s->abstract);
  zend_off_t to = off;
  if (whence == SEEK_CUR) to = zend_off_t(v->pos) + off;
  if (whence == SEEK_END) to = zend_off_t(v->len) + off;
  if (to < 0 || std::size_t(to) > v->len) return -1;
  v->pos = std::size_t(to);
  s->eof = v->pos >= v->len;
  *newoff = to;
  return 0;
}
// OPcache asks an include's stream for its timestamp (validate_timestamps): the stored file's.
int served_stat(php_stream* s, php_stream_statbuf* ssb) {
  const auto* v = static_cast<Served*>(s->abstract);
  std::memset(ssb, 0, sizeof(*ssb));
  ssb->sb.st_size = decltype(ssb->sb.st_size)(v->meta.size);
  ssb->sb.st_mtime = decltype(ssb->sb.st_mtime)(v->meta.mtime_ns / 1000000000);
  ssb->sb.st_ctime = decltype(ssb->sb.st_ctime)(v->meta.ctime_ns / 1000000000);
  ssb->sb.st_atime = ssb->sb.st_mtime;
  ssb->sb.st_ino = decltype(ssb->sb.st_ino)(v->meta.inode);
  ssb->sb.st_dev = decltype(ssb->sb.st_dev)(v->meta.device);
#ifndef _WIN32
  ssb->sb.st_mode = decltype(ssb->sb.st_mode)(v->meta.mode);
#else
  ssb->sb.st_mode = _S_IFREG | _S_IREAD;
#endif
  ssb->sb.st_nlink = 1;
  return 0;
}

const php_stream_ops served_ops = {
    served_write, served_read, served_close, served_flush, "wincache file cache",
    served_seek,  nullptr,     served_stat,  nullptr,
};

ssize_t zreader(void* h, char* buf, size_t len) {
  return php_stream_read(static_cast<php_stream*>(h), buf, len);
}
size_t zsizer(void* h) {
  return static_cast<Served*>(static_cast<php_stream*>(h)->abstract)->len;
}
void zcloser(void* h) {
  if (h) php_stream_close(static_cast<php_stream*>(h));
}

// Turns `h` (a ZEND_HANDLE_FILENAME) into a stream over `bytes` (pinned by the caller, whose pin
// the stream now owns).
void serve(zend_file_handle* h, const std::string& path, const wc::FileMeta& meta,
           const char* bytes, std::uint64_t len) {
  auto* v = static_cast<Served*>(emalloc(sizeof(Served)));
  *v = Served{bytes, std::size_t(len), 0, meta, true};
  php_stream* s = php_stream_alloc(&served_ops, v, nullptr, "rb");
  php_stream_auto_cleanup(s);  // closed by zend_destroy_file_handle; no leak warning otherwise
  php_stream_set_option(s, PHP_STREAM_OPTION_READ_BUFFER, PHP_STREAM_BUFFER_NONE, nullptr);
  if (h->opened_path) zend_string_release(h->opened_path);
  h->opened_path = zend_string_init(path.data(), path.size(), 0);
  h->type = ZEND_HANDLE_STREAM;
  h->handle.stream.handle = s;
  h->handle.stream.reader = zreader;
  h->handle.stream.fsizer = zsizer;
  h->handle.stream.isatty = 0;
  h->handle.stream.closer = zcloser;
}

std::string verify_key(const std::string& path) {
  std::string k = path;
  k += '\0';
  if (PG(open_basedir)) k += PG(open_basedir);
  return k;
}

// Opens through the previous hook (the process's own permissions and open_basedir); on success
// remembers that this process may be served this load of the file.
zend_result open_and_verify(zend_file_handle* h, const std::string& path, std::uint64_t stamp) {
  const zend_result r = fs.orig_open(h);
  if (r == SUCCESS) {
    if (fs.verified.size() >= 65536) fs.verified.clear();  // bounded process memory
    fs.verified[verify_key(path)] = stamp;
    ++fs.verified_opens;
  } else {
    ++fs.verify_failed;
  }
  return r;
}

// The watch table as FileCache::open asks it (core/fcache.hpp, FC-6).
struct WatchView {
  FileWatch fw;
  unsigned slot;
  std::uint64_t now;
  std::uint64_t dir_epoch(const std::string& dir) { return fw.dir_epoch(slot, dir, now); }
  std::uint64_t applied() { return fw.applied(); }
};

// One open of the file store for `key` with the directives and the lease's epoch in force, under
// this process's guard (the watcher thread shares the process's reader slot). The caller holds a
// pin (pin_one); if the open throws (out of process memory for a read), the pin is given back.
// always_check: a stat (FC-2) whatever the epoch and the watcher say (the rerouted functions).
wc::FileServed open_stored(Domain* d, const FileStores* st, const std::string& key,
                           std::uint64_t now, bool always_check, std::string& buf) {
  wc::FileParams prm{st->lease->epoch(), fcache_chk_ms(), std::uint64_t(fs.maxfilesize) * 1024,
                     std::uint64_t(fs.ttlmax)};
  prm.always_check = always_check;
  prm.notify = fcache_notify_in_force(st);
#ifdef _WIN32
  prm.backslash = true;
#endif
  Files files;
  try {
    const auto guard = fcache_guard();
    WatchView w{FileWatch(*st->lease, *st->table, *st->files, kWindowsPaths), d->slot(), now};
    return FileCache(*st->files).open(d->slot(), key, now, prm, files, buf, w);
  } catch (...) {
    unpin_one();
    throw;
  }
}

zend_result stream_open(zend_file_handle* h) {
  if (h->type != ZEND_HANDLE_FILENAME || !h->filename || !fcache_wanted(h->filename))
    return fs.orig_open(h);
  try {
    Domain* d = local_domain();
    const FileStores* st = d ? d->file_stores() : nullptr;
    if (!st) {
      ++fs.no_store;
      return fs.orig_open(h);
    }
    fs.used = true;
    fcache_request_start(d, st);
    std::string path;
    if (!rplist_canonical(h->filename, path)) return fs.orig_open(h);
    const std::string key = fcache_key(path);
    const std::uint64_t now = now_ms();
    if (!pin_one(d, st)) return fs.orig_open(h);
    std::string buf;
    const wc::FileServed r = open_stored(d, st, key, now, false, buf);
    if (r.changed) ++fs.changed;
    if (r.outcome == wc::FileOutcome::hit || r.outcome == wc::FileOutcome::hit_checked) {
      const auto v = fs.verified.find(verify_key(path));
      if (v != fs.verified.end() && v->second == r.meta.stamp) {  // FC-5: opened it itself
        ++(r.outcome == wc::FileOutcome::hit ? fs.served : fs.served_checked);
        serve(h, path, r.meta, r.bytes, r.len);  // the stream owns the pin
        return SUCCESS;
      }
      unpin_one();
      return open_and_verify(h, path, r.meta.stamp);
    }
    unpin_one();
    if (r.outcome == wc::FileOutcome::loaded) {
      ++fs.loaded;
      return open_and_verify(h, path, r.meta.stamp);
    }
    ++fs.passed;
    return fs.orig_open(h);
  } catch (...) {  // out of process memory: PHP's own open
    return fs.orig_open(h);
  }
}

// ---- wincache_fcache_fileinfo / _meminfo / wincache_refresh_if_changed ----------------------------

const FileStores* info_stores(Domain** d) {
  *d = local_domain();
  return *d ? (*d)->file_stores() : nullptr;
}

void fcache_fileinfo(INTERNAL_FUNCTION_PARAMETERS) {
  bool summary = false;
  ZEND_PARSE_PARAMETERS_START(0, 1)
    Z_PARAM_OPTIONAL
    Z_PARAM_BOOL(summary)
  ZEND_PARSE_PARAMETERS_END();
  Domain* d = nullptr;
  const FileStores* st = info_stores(&d);
  if (!st) RETURN_FALSE;
  FileCache fc(*st->files);
  const std::uint64_t now = now_ms();
  const std::uint32_t epoch = std::uint32_t(st->lease->epoch()) & wc::kEpochMask;
  const std::uint64_t rel = fc.rel_ms(now);
  struct Row {
    std::string name;
    std::uint64_t add, use, check, size, hits;
  };
  std::vector<Row> rows;
  std::uint64_t files = 0;
  bool rows_lost = false;
  wc::CacheStats s;
  {
    // Rows are gathered under the guard and the store's read lock, the PHP arrays built after
    // both: an emalloc past memory_limit is a longjmp, which would leave this process's guard
    // locked (its next include and its watcher thread would wait forever). The callback does not
    // throw either (that would unwind out of the held read lock): out of memory, it stops.
    const auto guard = fcache_guard();
    s = st->files->info(d->slot(), now, nullptr, 0, [&](const wc::EntryInfo& e) noexcept {
      if (e.value_len < sizeof(wc::FileMeta)) return;
      ++files;
      if (summary || rows_lost) return;
      wc::FileMeta m;
      std::memcpy(&m, e.value, sizeof m);
      const std::uint64_t checked = wc::aux_checked(e.aux);
      const std::uint64_t since =
          wc::aux_epoch(e.aux) != epoch ? 0 : rel > checked ? (rel - checked) / 1000 : 0;
      try {
        rows.push_back(Row{std::string(e.key, e.key_len), e.age_s, e.idle_s, since, m.size, e.hits});
      } catch (...) {
        rows_lost = true;
      }
    });
  }
  if (rows_lost) php_error_docref(nullptr, E_WARNING, "not enough memory to list every entry");
  array_init(return_value);
  add_assoc_long(return_value, "total_cache_uptime",
                 zend_long(now >= s.created_ms ? (now - s.created_ms) / 1000 : 0));
  add_assoc_bool(return_value, "is_local_cache", false);
  add_assoc_long(return_value, "total_file_count", zend_long(files));
  add_assoc_long(return_value, "total_hit_count", zend_long(s.hits));
  add_assoc_long(return_value, "total_miss_count", zend_long(s.misses));
  zval entries;
  array_init(&entries);
  zend_ulong i = 1;  // WinCache's entries are numbered from 1
  for (const Row& r : rows) {
    zval e;
    array_init(&e);
    add_assoc_stringl(&e, "file_name", r.name.data(), r.name.size());
    add_assoc_long(&e, "add_time", zend_long(r.add));
    add_assoc_long(&e, "use_time", zend_long(r.use));
    add_assoc_long(&e, "last_check", zend_long(r.check));
    add_assoc_long(&e, "file_size", zend_long(r.size));
    add_assoc_long(&e, "hit_count", zend_long(r.hits));
    add_index_zval(&entries, i++, &e);
  }
  add_assoc_zval(return_value, "file_entries", &entries);
}

void fcache_meminfo(INTERNAL_FUNCTION_PARAMETERS) {
  ZEND_PARSE_PARAMETERS_NONE();
  Domain* d = nullptr;
  const FileStores* st = info_stores(&d);
  if (!st) RETURN_FALSE;
  wc::AllocStats m;
  {
    const auto guard = fcache_guard();  // not held while PHP allocates (a bailout would keep it)
    m = st->files->meminfo(d->slot());
  }
  meminfo_array(return_value, m);
}

// null: every entry re-checked once (the epoch moves; resolved paths go stale with it). A string
// or an array of strings: each resolved as an include would be, and its entry removed. False at
// the first name that is not a string or does not resolve, as WinCache.
void refresh_if_changed(INTERNAL_FUNCTION_PARAMETERS) {
  zend_string* one = nullptr;
  HashTable* many = nullptr;
  ZEND_PARSE_PARAMETERS_START(0, 1)
    Z_PARAM_OPTIONAL
    Z_PARAM_ARRAY_HT_OR_STR_OR_NULL(many, one)
  ZEND_PARSE_PARAMETERS_END();
  Domain* d = nullptr;
  const FileStores* st = info_stores(&d);
  if (!st) RETURN_FALSE;
  FileCache fc(*st->files);
  const std::uint64_t now = now_ms();
  if (!one && !many) {
    st->lease->refresh();  // epoch++ and resolve_gen++: in both modes (a watcher re-marks)
    RETURN_TRUE;
  }
  const auto forget = [&](zend_string* name) {
    std::string path;
    if (!rplist_canonical(name, path, /*fresh=*/true)) return false;
    const auto guard = fcache_guard();
    fc.forget(d->slot(), fcache_key(path), now);
    return true;
  };
  if (one) RETURN_BOOL(forget(one));
  zval* z;
  ZEND_HASH_FOREACH_VAL(many, z) {
    ZVAL_DEREF(z);
    if (Z_TYPE_P(z) != IS_STRING || !forget(Z_STR_P(z))) RETURN_FALSE;
  }
  ZEND_HASH_FOREACH_END();
  RETURN_TRUE;
}

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

// ---- what rplist.cpp and the module use ------------------------------------------------------------

bool fcache_wanted(zend_string* name) {
  if (!fs.fcenabled || ZSTR_LEN(name) == 0) return false;
  const char* p = ZSTR_VAL(name);
  const std::size_t n = ZSTR_LEN(name);
  if (std::memchr(p, '\0', n)) return false;
  // Stream wrappers (scheme://, data:) are PHP's business.
  for (std::size_t i = 0; i < n && (std::isalnum(static_cast<unsigned char>(p[i])) ||
                                    p[i] == '+' || p[i] == '-' || p[i] == '.');
       ++i) {
    if (i + 1 < n && p[i + 1] == ':' &&
        ((i + 3 < n && p[i + 2] == '/' && p[i + 3] == '/') ||
         (i == 3 && std::strncmp(p, "data", 4) == 0)))
      return false;
  }
  if (!fs.ignore.empty()) {
    const char* base = p + n;
    while (base > p && base[-1] != '/' && base[-1] != '\\') --base;
    const std::string b = lower(std::string(base, std::size_t(p + n - base)));
    if (std::find(fs.ignore.begin(), fs.ignore.end(), b) != fs.ignore.end()) return false;
  }
  return true;
}

std::string fcache_key(const std::string& canonical) {
#ifdef _WIN32
  return lower(canonical);  // NTFS compares names without case
#else
  return canonical;
#endif
}

std::uint64_t fcache_chk_ms() {
  // fcndetect=1 without a watcher in force (none owns the group yet, or it could not start):
  // polling every second (docs/extension.md).
  if (fs.fcndetect) return 1000;
  return std::uint64_t(fs.chkinterval) * 1000;
}

bool fcache_notify_wanted() { return fs.fcndetect && fs.installed; }
bool fcache_wanted_now() { return fs.fcenabled && fs.installed; }

// Notifications are in force while a published owner beats (its beat younger than the lease's
// stale bound): FC-6 then, else the polling rule (FC-1, 1 s).
bool fcache_notify_in_force(const FileStores* st) {
  if (!fs.fcndetect || !st) return false;
  const Lease::Stats l = st->lease->stats();
  const std::uint64_t mono = mono_ms();
  return Lease::established(l.owner) && l.beat_ms != 0 &&
         (mono <= l.beat_ms || mono - l.beat_ms <= wc::WatchLeaseTuning::stale_ms);
}

// Once per request (RINIT, or the first file-cache use): the lease's check (WL-4).
void fcache_request_start(Domain* d, const FileStores* st) {
  if (fs.lease_checked) return;
  fs.lease_checked = true;
  watcher_request_start(d, st);
  // Names changed since this process last looked (a symlink swapped, a file created or deleted,
  // an overflow, a takeover): PHP's own realpath cache (realpath_cache_ttl, 120 s) would answer
  // our resolver's misses with the old target. Cleaned once per change, at a request start.
  const std::uint64_t gen = st->lease->resolve_gen();
  const bool moved = gen != fs.seen_gen && fs.seen_gen != 0;
  if (gen != fs.seen_gen) {
    if (moved) realpath_cache_clean();
    fs.seen_gen = gen;
  }
  // The files the watcher saw change (its change log): PHP's realpath cache here, and OPcache
  // reset if names changed (extension/opcache.cpp, design §7).
  opcache_request_start(st, moved);
}

void fcache_rinit() {
  fs.lease_checked = false;
  // With OPcache told (opcache.cpp), the stores are attached at the first request already: a
  // worker whose every include OPcache answers from its memory never reaches our hooks.
  const bool opc = opcache_rinit() && fcache_wanted_now();
  Domain* d = opc ? local_domain() : joined_local();
  const FileStores* st = !d ? nullptr : opc ? d->file_stores() : d->file_stores_attached();
  if (st) {
    fs.used = true;
    fcache_request_start(d, st);
  }
}
std::uint64_t fcache_ttl_s() { return std::uint64_t(fs.ttlmax); }

std::uint64_t fcache_segment_bytes() { return std::uint64_t(fs.fcachesize) << 20; }
std::uint64_t rplist_segment_bytes() {
  return std::uint64_t(((fs.filecount + 1023) * 2) / 1024) << 20;  // WinCache's rplist size
}

void fcache_minit() {
  clamp_ini("wincache.fcachesize", fs.fcachesize, 5, 255, false);
  clamp_ini("wincache.maxfilesize", fs.maxfilesize, 10, 4096, false);
  clamp_ini("wincache.filecount", fs.filecount, 1024, 16384, false);
  clamp_ini("wincache.chkinterval", fs.chkinterval, 2, 300, true);
  clamp_ini("wincache.ttlmax", fs.ttlmax, 60, 7200, true);
  if (!process_enabled()) return;  // the CLI without enablecli: no hooks, as WinCache
  opcache_minit();  // before any fork: shared by the processes of this OPcache instance
  fs.orig_open = zend_stream_open_function;
  zend_stream_open_function = stream_open;
  rplist_install();
  fs.installed = true;
}

void fcache_mshutdown() {
  watcher_stop();  // before the domain detaches (process_mshutdown); releases the lease
  if (!fs.installed) return;
  if (zend_stream_open_function == stream_open) zend_stream_open_function = fs.orig_open;
  opcache_mshutdown();
  rplist_uninstall();
  fs.installed = false;
}

void fcache_post_deactivate() {
  // Every stream is closed by now (the request's resources are gone): a pin still counted was
  // leaked by a path that never closed its handle. Give it back.
  if (fs.pins) {
    fs.pins = 1;
    unpin_one();
  }
}

void fcache_extra_info(zval* out) {
  zval z;
  array_init(&z);
  Domain* d = joined_local();
  const FileStores* st = d ? d->file_stores_attached() : nullptr;
  add_assoc_string(&z, "scope", st ? "shared" : fs.installed ? "not used" : "off");
  add_assoc_string(&z, "why_unavailable", d && !st ? d->why_no_files().c_str() : "");
  const bool notify = fcache_notify_in_force(st);
  add_assoc_string(&z, "change_detection",
                   notify ? "notifications"
                   : fs.fcndetect ? "polling every 1 s (fcndetect=1: no watcher owns the group now)"
                   : fs.chkinterval ? "polling every chkinterval" : "never (chkinterval=0)");
  add_assoc_long(&z, "check_interval_ms", zend_long(notify ? 0 : fcache_chk_ms()));
  if (st) {
    const Lease::Stats l = st->lease->stats();
    add_assoc_long(&z, "watcher_pid", zend_long(Lease::established(l.owner) ? Prim::pid_of(l.owner & wc::kProcIdMask) : 0));
    add_assoc_bool(&z, "watcher_here", watcher_owned_here());
    add_assoc_long(&z, "takeovers", zend_long(l.takeovers));
    add_assoc_long(&z, "overflows", zend_long(l.overflows));
    add_assoc_long(&z, "resolve_gen", zend_long(l.resolve_gen));
    add_assoc_long(&z, "events_applied", zend_long(l.applied));
    add_assoc_long(&z, "watch_requests", zend_long(l.requests));
    // The guard is never held while PHP allocates (a bailout would keep it locked).
    wc::CacheStats t;
    std::uint64_t active = 0;
    {
      const auto guard = fcache_guard();
      t = st->table->stats(d->slot());
      FileWatch(*st->lease, *st->table, *st->files, kWindowsPaths)
          .for_each_dir(d->slot(), now_ms(), [&](const std::string&, char, std::uint64_t a) {
            if (a != 0 && a == l.epoch) ++active;
          });
    }
    add_assoc_long(&z, "watched_dirs", zend_long(t.items));
    add_assoc_long(&z, "watched_dirs_active", zend_long(active));
    add_assoc_long(&z, "watcher_events_here", zend_long(watcher_events_here()));
    add_assoc_long(&z, "watcher_os_watches_here", zend_long(watcher_watches_here()));
    add_assoc_string(&z, "watcher_why_not_here", watcher_why_not().c_str());
    wc::CacheStats s;
    std::uint64_t retired = 0;
    {
      const auto guard = fcache_guard();
      s = st->files->stats(d->slot());
      retired = st->files->retired_pending();
    }
    add_assoc_long(&z, "epoch", zend_long(l.epoch));
    add_assoc_long(&z, "items", zend_long(s.items));
    add_assoc_long(&z, "evictions", zend_long(s.evictions));
    add_assoc_long(&z, "expirations", zend_long(s.expirations));
    add_assoc_long(&z, "recoveries", zend_long(s.recoveries));
    add_assoc_long(&z, "retired_pending", zend_long(retired));
  }
  add_assoc_long(&z, "served_trusted_here", zend_long(fs.served));
  add_assoc_long(&z, "served_after_stat_here", zend_long(fs.served_checked));
  add_assoc_long(&z, "loaded_here", zend_long(fs.loaded));
  add_assoc_long(&z, "changes_seen_here", zend_long(fs.changed));
  add_assoc_long(&z, "passed_through_here", zend_long(fs.passed));
  add_assoc_long(&z, "verified_opens_here", zend_long(fs.verified_opens));
  add_assoc_long(&z, "verify_failed_here", zend_long(fs.verify_failed));
  add_assoc_long(&z, "pins_held_here", zend_long(fs.pins));
  add_assoc_long(&z, "pins_refused_here", zend_long(fs.pins_refused));
  add_assoc_zval(out, "fcache", &z);
}

// ---- for reroute.cpp: the rerouted file functions (h/reroute) ---------------------------------------
// A rerouted read (file_get_contents, readfile) of `path`, the name PHP itself would open (its
// expand_filepath or php_resolve_path result). The stored file is used only after a stat now
// found it unchanged (FC-2), whatever the check interval says: PHP's own read is always fresh.
RerouteRead fcache_reroute_read(const std::string& path, RerouteUse use, void* ctx,
                                std::uint64_t* stamp) {
  *stamp = 0;
  Domain* d = local_domain();
  const FileStores* st = d ? d->file_stores() : nullptr;
  if (!st) {
    ++fs.no_store;
    return RerouteRead::pass;
  }
  fs.used = true;
  const std::string key = fcache_key(path);
  const std::uint64_t now = now_ms();
  if (!pin_one(d, st)) return RerouteRead::pass;
  std::string buf;
  const wc::FileServed r = open_stored(d, st, key, now, true, buf);  // a stat every call
  if (r.changed) ++fs.changed;
  RerouteRead out = RerouteRead::pass;
  if (r.outcome == wc::FileOutcome::hit || r.outcome == wc::FileOutcome::hit_checked) {
    const auto v = fs.verified.find(verify_key(path));
    if (v != fs.verified.end() && v->second == r.meta.stamp) {  // FC-5: opened it itself
      use(ctx, r.bytes, std::size_t(r.len));
      out = RerouteRead::hit;
    } else {
      *stamp = r.meta.stamp;
      out = RerouteRead::unverified;
    }
  } else if (r.outcome == wc::FileOutcome::loaded) {
    // Read (and stored) just now by this process's own open: verified (FC-5); the caller
    // checked open_basedir as PHP does before it opens.
    // Not handed to the caller: it passes a load to PHP's own function (a readfile would
    // otherwise print the bytes twice: once here, once by PHP).
    if (fs.verified.size() >= 65536) fs.verified.clear();
    fs.verified[verify_key(path)] = r.meta.stamp;
    ++fs.loaded;
    out = RerouteRead::loaded;
  }
  unpin_one();
  return out;
}

// After PHP's own read of `path` succeeded: if the store still holds the load `stamp` and a
// stat finds it unchanged, this process may be served it from now on (FC-5).
void fcache_reroute_verified(const std::string& path, std::uint64_t stamp) {
  Domain* d = joined_local();
  const FileStores* st = d ? d->file_stores_attached() : nullptr;
  if (!st || !stamp) return;
  const std::uint64_t now = now_ms();
  if (!pin_one(d, st)) return;
  std::string buf;
  const wc::FileServed r = open_stored(d, st, fcache_key(path), now, true, buf);
  if ((r.outcome == wc::FileOutcome::hit || r.outcome == wc::FileOutcome::hit_checked) &&
      r.meta.stamp == stamp) {
    if (fs.verified.size() >= 65536) fs.verified.clear();
    fs.verified[verify_key(path)] = stamp;
    ++fs.verified_opens;
  }
  unpin_one();
}

// unlink / rename succeeded on `path` (canonical): its file entry, if there is one, goes (the
// next include loads it again). True if there was one.
bool fcache_reroute_forget(const std::string& path) {
  Domain* d = joined_local();
  const FileStores* st = d ? d->file_stores_attached() : nullptr;
  if (!st) return false;
  const auto guard = fcache_guard();
  return FileCache(*st->files).forget(d->slot(), fcache_key(path), now_ms());
}

// What a change could have made stale without a name to forget (a directory, a symlink, a new
// name): every entry re-checked once and every resolved path and miss asked again (as
// wincache_refresh_if_changed()).
void fcache_reroute_bump() {
  Domain* d = joined_local();
  const FileStores* st = d ? d->file_stores_attached() : nullptr;
  if (!st) return;
  st->lease->refresh();  // epoch++ and resolve_gen++, as wincache_refresh_if_changed(null)
}

// ---- end of the block for reroute.cpp -------------------------------------------------------------

// ---- INI handlers ---------------------------------------------------------------------------------
ZEND_INI_MH(ini_fcenabled) {
  fs.fcenabled = zend_ini_parse_bool(new_value);
  return SUCCESS;
}
ZEND_INI_MH(ini_fcachesize) {
  fs.fcachesize = ZEND_STRTOL(ZSTR_VAL(new_value), nullptr, 10);
  return SUCCESS;
}
ZEND_INI_MH(ini_maxfilesize) {
  fs.maxfilesize = ZEND_STRTOL(ZSTR_VAL(new_value), nullptr, 10);
  return SUCCESS;
}
ZEND_INI_MH(ini_filecount) {
  fs.filecount = ZEND_STRTOL(ZSTR_VAL(new_value), nullptr, 10);
  return SUCCESS;
}
ZEND_INI_MH(ini_chkinterval) {
  fs.chkinterval = ZEND_STRTOL(ZSTR_VAL(new_value), nullptr, 10);
  return SUCCESS;
}
ZEND_INI_MH(ini_ttlmax) {
  fs.ttlmax = ZEND_STRTOL(ZSTR_VAL(new_value), nullptr, 10);
  return SUCCESS;
}
ZEND_INI_MH(ini_fcndetect) {
  fs.fcndetect = zend_ini_parse_bool(new_value);
  return SUCCESS;
}
// Lower-cased at every change (WinCache lower-cased it at startup only: a value set later with
// upper-case letters never matched).
ZEND_INI_MH(ini_ignorelist) {
  fs.ignore.clear();
  if (!new_value) return SUCCESS;
  const std::string v = lower(std::string(ZSTR_VAL(new_value), ZSTR_LEN(new_value)));
  std::size_t at = 0;
  while (at <= v.size()) {
    const std::size_t bar = std::min(v.find('|', at), v.size());
    if (bar > at) fs.ignore.push_back(v.substr(at, bar - at));
    at = bar + 1;
  }
  return SUCCESS;
}

}  // namespace wcx

PHP_FUNCTION(wincache_fcache_fileinfo) {
  WCX_GUARDED(wcx::fcache_fileinfo(INTERNAL_FUNCTION_PARAM_PASSTHRU))
}
PHP_FUNCTION(wincache_fcache_meminfo) {
  WCX_GUARDED(wcx::fcache_meminfo(INTERNAL_FUNCTION_PARAM_PASSTHRU))
}
PHP_FUNCTION(wincache_refresh_if_changed) {
  WCX_GUARDED(wcx::refresh_if_changed(INTERNAL_FUNCTION_PARAM_PASSTHRU))
}
