// extension/session.cpp: session.save_handler = wincache, and wincache_scache_info/_meminfo.
//
// A session module over core/session.hpp (the keyed store with the session policy and a lock
// table of the group) and the durable backing (prims/*_session_files.hpp):
//   open      the group's session store and lock table (never a process-local one: its locks
//             would not exclude); the backing directory for session.save_path (its last ';'
//             part, or the temporary directory when empty, as WinCache did; open_basedir checked)
//   read      validates the id as PHP's files handler does, LOCKS the session (bounded: see
//             below), then the store; on a miss the backing (and the store is filled from it);
//             after taking the lock over from a request that was killed holding it, the backing
//             is read first (it is written before the store, so it has the newest committed
//             write)
//   write     the backing first (in place or an atomic file replace), then the store (a store
//             that cannot hold it drops its copy: the backing has it); the store entry's aux
//             word is the backing's SREC-3 hint (where the record's newest intact slot is),
//             taken out of the store before the backing write and stored with the value after,
//             so that the write needs no read of the record
//   close     unlocks (also for session_write_close, read_and_close and session_abort)
//   destroy   store and backing
//   gc        idle-expired sessions no live request holds, in the store and in the backing
//   create_sid / validate_sid / update_timestamp: collision-free ids, strict mode, lazy_write
// The lock wait is bounded by wall-clock time: wincache.sessionlockwait seconds, or (0, the
// default) what is left of max_execution_time counted as wall time, or 30 s when that is
// unlimited. Past it the read fails ("Failed to read session data"), our reason in a warning.
#include <cstring>
#include <map>
#include <memory>
#include <string>

#include "features.hpp"

#include "buffers.hpp"
#include "codec.hpp"  // oom_pending()

extern "C" {
#include "SAPI.h"
#include "ext/session/php_session.h"
#include "zend_exceptions.h"
#include "main/fopen_wrappers.h"
#include "main/php_open_temporary_file.h"
}

namespace wcx {
namespace {

struct SessionState {
  zend_long scachesize = 8;  // MB, clamped at startup (5..85)
  zend_long lockwait = 0;    // s; 0: max_execution_time as wall time (30 s when unlimited)
  std::map<std::string, std::unique_ptr<SessionFiles>> files;  // one per backing path
  // This process's counters (wincache_extra_info()['sessions']).
  std::uint64_t lock_timeouts = 0, damaged = 0, loaded = 0, backing_errors = 0, reconciled = 0;
  bool used = false;  // a session store was opened in this process (scache_info)
  // A read that never finished (docs/extension.md "Resource limits"). PHP reads a session in
  // session_start() (and session_reset()): our read, then the session module's decode into
  // $_SESSION. A fatal error in between (memory_limit, max_execution_time in a __wakeup(),
  // E_ERROR) or an exit() from user code called there ends the request with $_SESSION empty or
  // half decoded, and the session module's request shutdown still writes it back: the
  // session would be wiped or torn. So those calls run through read_guarded(), which notes a
  // read of ours that did not return normally, and our write refuses to store that $_SESSION.
  int reading = 0;              // read_guarded() calls running (nested: one per level)
  bool read_here = false;       // our PS_READ ran (got the lock) inside the outermost one
  bool unfinished = false;      // ... and that call ended by a bailout or exit(): no write
  zif_handler orig_start = nullptr, orig_reset = nullptr;  // session_start, session_reset
};
SessionState ss;

// Between open and close: the store, the backing, and the session this request holds.
struct ModData {
  std::string path;
  std::uint64_t tag = 0;
  SessionFiles* files = nullptr;
  Sessions* table = nullptr;
  unsigned slot = 0;
  std::string held;  // the key of the session we hold, "" if none
};

ModData* md_of(void** mod_data) { return static_cast<ModData*>(*mod_data); }

void release(ModData* md) {
  if (!md->held.empty()) md->table->unlock(md->held);
  md->held.clear();
}

std::uint64_t deadline_ms() {
  const std::uint64_t now = now_ms();
  if (ss.lockwait > 0) return now + std::uint64_t(ss.lockwait) * 1000;
  const std::uint64_t left =
      time_limit_left_ms(std::uint64_t(EG(timeout_seconds)), sapi_get_request_time());
  return now + (left != 0 ? left : 30000);
}

bool valid_id(zend_string* id) { return session_valid_id(id); }

std::string id_str(zend_string* id) { return std::string(ZSTR_VAL(id), ZSTR_LEN(id)); }

// The session's bytes from the store, copied out under the read lock into call-owned memory.
// 1: hit, 0: miss, -1: no memory.
int store_read(ModData* md, const std::string& k, Buffer& buf) {
  bool no_memory = false;
  const wc::CacheStatus st = md->table->read(md->slot, k, now_ms(), [&](const char* p,
                                                                        std::uint64_t n) {
    if (!buf.assign(p, std::size_t(n))) no_memory = true;
  });
  if (st != wc::CacheStatus::ok) return 0;
  return no_memory ? -1 : 1;
}

// Puts the backing's bytes into the store (or drops the store's copy when they do not fit), with
// the backing's SREC-3 word for the record as it now is.
void store_put(ModData* md, const std::string& k, const char* p, std::uint64_t n,
               zend_long maxlifetime, std::uint64_t hint) {
  const wc::CacheStatus st = md->table->write(md->slot, k, p, n, std::uint64_t(maxlifetime),
                                              now_ms(), hint);
  if (st != wc::CacheStatus::ok) md->table->remove(md->slot, k, now_ms());
}

// Inside session_start()/session_reset(), after our read: is the request ending (a bailout on
// its way, or an exit() unwinding)? Then $_SESSION is not what was stored (read_guarded).
bool read_ending() {
  return ss.reading > 0 && ss.read_here &&
         (CG(unclean_shutdown) || oom_pending() ||
          (EG(exception) && zend_is_unwind_exit(EG(exception))));
}

// Locks session `id` for this request (bounded). False (with a warning) if it cannot.
bool lock(ModData* md, zend_string* id, const std::string& k, bool* taken_over) {
  *taken_over = false;
  if (md->held == k) return true;
  release(md);
  const std::uint64_t t0 = now_ms(), until = deadline_ms();
  bool out_of_time = false;
  const wc::NamedLock r = md->table->lock(k, [&] {
    if (zend_atomic_bool_load(&EG(timed_out)) || EG(exception)) return true;
    out_of_time = now_ms() >= until;
    return out_of_time;
  });
  if (r == wc::NamedLock::acquired || r == wc::NamedLock::taken_over) {
    md->held = k;
    *taken_over = r == wc::NamedLock::taken_over;
    return true;
  }
  if (r == wc::NamedLock::interrupted && out_of_time) {
    ++ss.lock_timeouts;
    php_error_docref(nullptr, E_WARNING,
                     "wincache: gave up waiting for the lock of session %s after %llu ms "
                     "(wincache.sessionlockwait, max_execution_time); another request holds it",
                     ZSTR_VAL(id), static_cast<unsigned long long>(now_ms() - t0));
  } else if (r == wc::NamedLock::full) {
    php_error_docref(nullptr, E_WARNING, "wincache: too many sessions are locked at once");
  }
  return false;
}

PS_OPEN_FUNC(wincache) {
  ss.unfinished = false;
  try {
    Domain* d = local_domain();
    if (!d) {
      php_error_docref(nullptr, E_WARNING,
                       "wincache: sessions are not enabled in this process (wincache.enablecli)");
      return FAILURE;
    }
    Sessions* t = d->sessions();
    if (!t) {
      php_error_docref(nullptr, E_WARNING,
                       "wincache: the session store is not available in this process: %s",
                       d->why_no_sessions().c_str());
      return FAILURE;
    }
    std::string path = save_path ? save_path : "";
    const std::size_t semi = path.rfind(';');
    if (semi != std::string::npos) path = path.substr(semi + 1);
    if (path.empty()) path = php_get_temporary_directory();
    if (php_check_open_basedir(path.c_str())) return FAILURE;
    auto& f = ss.files[path];
    if (!f) f = std::make_unique<SessionFiles>(path);
    auto md = std::make_unique<ModData>();
    md->path = path;
    md->tag = wc::fnv1a64(path);
    md->files = f.get();
    md->table = t;
    md->slot = d->slot();
    PS_SET_MOD_DATA(md.release());
    ss.used = true;
    return SUCCESS;
  } catch (...) {
    report_no_memory("session_start");
    return FAILURE;
  }
}

PS_CLOSE_FUNC(wincache) {
  ss.unfinished = false;  // the session this request could not finish reading is closed
  ModData* md = md_of(mod_data);
  if (!md) return SUCCESS;
  release(md);
  delete md;
  PS_SET_MOD_DATA(nullptr);
  return SUCCESS;
}

PS_READ_FUNC(wincache) {
  ModData* md = md_of(mod_data);
  if (!md || !valid_id(key)) return FAILURE;
  try {
    const std::string id = id_str(key);
    const std::string k = Sessions::key(md->tag, id.data(), id.size());
    bool taken_over = false;
    if (!lock(md, key, k, &taken_over)) return FAILURE;
    if (ss.reading) ss.read_here = true;  // from here a bailout leaves $_SESSION incomplete
    Buffer buf;
    int hit = taken_over ? 0 : store_read(md, k, buf);
    if (taken_over) ++ss.reconciled;  // the backing has the newest committed write: read it
    if (hit < 0) {
      php_error_docref(nullptr, E_WARNING, "wincache: not enough memory to read session %s",
                       id.c_str());
      release(md);
      return FAILURE;
    }
    if (hit) {
      *val = buf.size() ? zend_string_init(buf.data(), buf.size(), 0) : ZSTR_EMPTY_ALLOC();
      return SUCCESS;
    }
    std::string data;
    std::uint64_t hint = 0;
    if (taken_over) md->table->take_hint(md->slot, k, now_ms());  // the dead holder's is stale
    switch (md->files->read(id, now_ms(), std::uint64_t(maxlifetime), data, true, &hint)) {
      case SessionFiles::Got::found:
        ++ss.loaded;
        store_put(md, k, data.data(), data.size(), maxlifetime, hint);
        *val = zend_string_init(data.data(), data.size(), 0);
        return SUCCESS;
      case SessionFiles::Got::damaged:
        ++ss.damaged;
        php_error_docref(nullptr, E_WARNING,
                         "wincache: the stored record of session %s was %s and has been dropped",
                         id.c_str(), md->files->last_reason());
        [[fallthrough]];
      case SessionFiles::Got::missing:
      case SessionFiles::Got::expired:
        if (taken_over) md->table->remove(md->slot, k, now_ms());
        *val = ZSTR_EMPTY_ALLOC();
        return SUCCESS;
      case SessionFiles::Got::error:
        break;
    }
    ++ss.backing_errors;
    php_error_docref(nullptr, E_WARNING, "wincache: session %s could not be read: %s",
                     id.c_str(), md->files->last_reason());
    release(md);
    return FAILURE;
  } catch (...) {
    report_no_memory("session_start");
    release(md);
    return FAILURE;
  }
}

PS_WRITE_FUNC(wincache) {
  ModData* md = md_of(mod_data);
  if (!md || !valid_id(key)) return FAILURE;
  if (session_keep_unfinished(key)) return SUCCESS;
  try {
    const std::string id = id_str(key);
    const std::string k = Sessions::key(md->tag, id.data(), id.size());
    bool taken_over = false;
    if (!lock(md, key, k, &taken_over)) return FAILURE;
    // The backing first: a request killed between the two leaves the store's older copy, which
    // the next holder of the lock (taking it over) does not trust (PS_READ). The store's SREC-3
    // word is taken out before (a request killed after the backing write leaves none), and
    // used unless this request took the lock over from a dead holder.
    std::uint64_t hint = md->table->take_hint(md->slot, k, now_ms());
    if (taken_over) hint = 0;
    if (!md->files->write(id, ZSTR_VAL(val), ZSTR_LEN(val), &hint)) {
      ++ss.backing_errors;
      php_error_docref(nullptr, E_WARNING, "wincache: session %s could not be stored: %s",
                       id.c_str(), md->files->last_reason());
      return FAILURE;
    }
    store_put(md, k, ZSTR_VAL(val), ZSTR_LEN(val), maxlifetime, hint);
    return SUCCESS;
  } catch (...) {
    report_no_memory("session_write_close");
    return FAILURE;
  }
}

PS_DESTROY_FUNC(wincache) {
  ModData* md = md_of(mod_data);
  if (!md || !valid_id(key)) return FAILURE;
  if (session_keep_when_ending(key)) return SUCCESS;
  try {
    const std::string id = id_str(key);
    md->table->remove(md->slot, Sessions::key(md->tag, id.data(), id.size()), now_ms());
    md->files->remove(id);
    return SUCCESS;
  } catch (...) {
    report_no_memory("session_destroy");
    return FAILURE;
  }
}

PS_GC_FUNC(wincache) {
  ModData* md = md_of(mod_data);
  if (!md) return -1;
  try {
    const std::uint64_t now = now_ms();
    md->table->gc(now);
    const std::uint64_t n = md->files->gc(now, std::uint64_t(maxlifetime), [&](const std::string& id) {
      return md->table->held(Sessions::key(md->tag, id.data(), id.size()));
    });
    *nrdels = zend_long(n);
    return zend_long(n);
  } catch (...) {
    return -1;
  }
}

PS_CREATE_SID_FUNC(wincache) {
  ModData* md = md_of(mod_data);
  for (int attempt = 0; attempt < 3; ++attempt) {
    zend_string* id = php_session_create_id(mod_data);
    if (!id || !md) return id;
    try {
      const std::string s = id_str(id);
      const std::string k = Sessions::key(md->tag, s.data(), s.size());
      if (!md->table->store().present(md->slot, k.data(), std::uint32_t(k.size())) &&
          !md->files->exists(s))
        return id;
    } catch (...) {
      return id;
    }
    zend_string_release(id);  // taken: draw again
  }
  return php_session_create_id(mod_data);
}

PS_VALIDATE_SID_FUNC(wincache) {
  ModData* md = md_of(mod_data);
  if (!md || php_session_valid_key(ZSTR_VAL(key)) != SUCCESS) return FAILURE;
  try {
    const std::string id = id_str(key);
    const std::string k = Sessions::key(md->tag, id.data(), id.size());
    if (md->table->store().exists(md->slot, k.data(), std::uint32_t(k.size()), now_ms()))
      return SUCCESS;
    std::string data;
    return md->files->read(id, now_ms(), std::uint64_t(PS(gc_maxlifetime)), data, false) ==
                   SessionFiles::Got::found
               ? SUCCESS
               : FAILURE;
  } catch (...) {
    return FAILURE;
  }
}

PS_UPDATE_TIMESTAMP_FUNC(wincache) {
  ModData* md = md_of(mod_data);
  if (!md || !valid_id(key)) return FAILURE;
  try {
    const std::string id = id_str(key);
    const std::string k = Sessions::key(md->tag, id.data(), id.size());
    // The backing's idle time starts again; if gc took the record meanwhile, write it back (the
    // store's SREC-3 word taken out first, as PS_WRITE does; the new one stored with the value).
    if (!md->files->touch(id)) {
      std::uint64_t hint = md->table->take_hint(md->slot, k, now_ms());
      if (!md->files->write(id, ZSTR_VAL(val), ZSTR_LEN(val), &hint)) {
        ++ss.backing_errors;
        return FAILURE;
      }
      store_put(md, k, ZSTR_VAL(val), ZSTR_LEN(val), maxlifetime, hint);
      return SUCCESS;
    }
    Buffer buf;
    if (store_read(md, k, buf) == 0)  // a hit stamps the entry's last use; a miss refills it
      store_put(md, k, ZSTR_VAL(val), ZSTR_LEN(val), maxlifetime, 0);
    return SUCCESS;
  } catch (...) {
    return FAILURE;
  }
}

const ps_module ps_mod_wincache = {PS_MOD_UPDATE_TIMESTAMP(wincache)};

// session_start() / session_reset() through `orig`, noting whether a read of ours in it did not
// return normally (SessionState::unfinished). No C++ object lives in this frame: a bailout passes
// through it (zend_catch re-throws), and one skips no destructor.
void read_guarded(zif_handler orig, INTERNAL_FUNCTION_PARAMETERS) {
  if (ss.reading++ == 0) ss.read_here = false;
  zend_try {
    orig(INTERNAL_FUNCTION_PARAM_PASSTHRU);
  } zend_catch {
    if (--ss.reading == 0 && ss.read_here) ss.unfinished = true;
    zend_bailout();
  } zend_end_try();
  // exit() from user code the decode ran (__wakeup, __unserialize, an error handler) is an
  // unwind, not a bailout, and a fallible allocation's memory_limit error is raised only at the
  // next VM interrupt: the request ends from here as well.
  if (--ss.reading == 0 && ss.read_here &&
      (oom_pending() || (EG(exception) && zend_is_unwind_exit(EG(exception)))))
    ss.unfinished = true;
}
ZEND_NAMED_FUNCTION(guarded_session_start) {
  read_guarded(ss.orig_start, INTERNAL_FUNCTION_PARAM_PASSTHRU);
}
ZEND_NAMED_FUNCTION(guarded_session_reset) {
  read_guarded(ss.orig_reset, INTERNAL_FUNCTION_PARAM_PASSTHRU);
}
zend_internal_function* php_function(const char* name) {
  auto* f = static_cast<zend_function*>(
      zend_hash_str_find_ptr(CG(function_table), name, std::strlen(name)));
  return f && f->type == ZEND_INTERNAL_FUNCTION ? &f->internal_function : nullptr;
}

// ---- wincache_scache_info / wincache_scache_meminfo ----------------------------------------------

SessionStore* used_store() {
  if (!ss.used) return nullptr;
  Domain* d = joined_local();
  return d ? d->session_store() : nullptr;
}

void scache_info(INTERNAL_FUNCTION_PARAMETERS) {
  bool summary = false;
  ZEND_PARSE_PARAMETERS_START(0, 1)
    Z_PARAM_OPTIONAL
    Z_PARAM_BOOL(summary)
  ZEND_PARSE_PARAMETERS_END();
  SessionStore* s = used_store();
  std::vector<InfoRow> rows;
  bool rows_lost = false;
  wc::CacheStats st{};
  const std::uint64_t now = now_ms();
  if (s) {
    Domain* d = joined_local();
    st = s->info(d->slot(), now, nullptr, 0, [&](const wc::EntryInfo& e) noexcept {
      if (summary || rows_lost) return;
      try {
        const std::uint32_t skip = e.key_len > 17 ? 17 : 0;  // "<path tag>:" before the id
        rows.push_back(InfoRow{std::string(e.key + skip, e.key_len - skip), "string",
                               e.value_len, e.ttl_s, e.age_s, e.hits});
      } catch (...) {
        rows_lost = true;
      }
    });
  }
  // With no session store opened in this process, zeros.
  info_array(return_value, st, now, s != nullptr, false, rows, "scache_entries");
}

void scache_meminfo(INTERNAL_FUNCTION_PARAMETERS) {
  ZEND_PARSE_PARAMETERS_NONE();
  SessionStore* s = used_store();
  wc::AllocStats m{};
  if (s) m = s->meminfo(joined_local()->slot());
  meminfo_array(return_value, m);
}

}  // namespace

const ps_module* shm_session_module() { return &ps_mod_wincache; }
// The read guard's state, for the handler on Redis (session_redis.cpp), which keeps the same
// promise: a session whose read did not finish is neither written back nor destroyed.
void session_note_read() {
  if (ss.reading) ss.read_here = true;
}
bool session_keep_unfinished(zend_string* key) {
  if (!ss.unfinished) return false;  // $_SESSION may be empty or half decoded: keep the stored one
  php_error_docref(nullptr, E_WARNING,
                   "wincache: session %s was not written: the request ended (a fatal error "
                   "or exit()) while session_start() was reading it, so $_SESSION may be "
                   "incomplete; the stored session is kept as it was",
                   ZSTR_VAL(key));
  return true;
}
bool session_keep_when_ending(zend_string* key) {
  // The session module destroys a session whose decode bailed out (php_session_decode's
  // zend_catch) or failed because user code called exit(): the data is sound, this request
  // only ran out of memory or time, so it is kept. Flagged first: the warning may bail out.
  if (!read_ending()) return false;
  ss.unfinished = true;
  php_error_docref(nullptr, E_WARNING,
                   "wincache: session %s was not destroyed: the request ended (a fatal error "
                   "or exit()) while session_start() was decoding it; the stored session is "
                   "kept as it was",
                   ZSTR_VAL(key));
  return true;
}
void session_read_forget() { ss.unfinished = false; }
bool session_valid_id(zend_string* id) {
  if (php_session_valid_key(ZSTR_VAL(id)) == SUCCESS && ZSTR_LEN(id) == std::strlen(ZSTR_VAL(id)))
    return true;
  php_error_docref(nullptr, E_WARNING,
                   "Session ID is too long or contains illegal characters. Only the A-Z, a-z, "
                   "0-9, \"-\", and \",\" characters are allowed");
  return false;
}
std::uint64_t session_lock_deadline_ms() { return deadline_ms(); }

ZEND_INI_MH(ini_scachesize) {
  ss.scachesize = ZEND_STRTOL(ZSTR_VAL(new_value), nullptr, 10);
  return SUCCESS;
}
ZEND_INI_MH(ini_sessionlockwait) {
  const zend_long v = ZEND_STRTOL(ZSTR_VAL(new_value), nullptr, 10);
  ss.lockwait = v < 0 ? 0 : v > 86400 ? 86400 : v;
  return SUCCESS;
}

void session_minit() {
  const zend_long clamped = ss.scachesize < 5 ? 5 : ss.scachesize > 85 ? 85 : ss.scachesize;
  if (clamped != ss.scachesize) {
    ss.scachesize = clamped;
    ini_write_back("wincache.scachesize", std::to_string(clamped));
  }
  php_session_register_module(session_front_module());  // shared memory or Redis
  if (zend_internal_function* f = php_function("session_start")) {
    ss.orig_start = f->handler;
    f->handler = guarded_session_start;
  }
  if (zend_internal_function* f = php_function("session_reset")) {
    ss.orig_reset = f->handler;
    f->handler = guarded_session_reset;
  }
}

void session_mshutdown() {
  zend_internal_function* f = php_function("session_start");
  if (f && ss.orig_start && f->handler == guarded_session_start) f->handler = ss.orig_start;
  f = php_function("session_reset");
  if (f && ss.orig_reset && f->handler == guarded_session_reset) f->handler = ss.orig_reset;
}

std::uint64_t session_segment_bytes() { return std::uint64_t(ss.scachesize) << 20; }

void session_extra_info(zval* out) {
  zval z;
  array_init(&z);
  Domain* d = joined_local();
  Sessions* t = d && ss.used ? d->sessions() : nullptr;
  add_assoc_string(&z, "scope", t ? "shared" : ss.used ? "unavailable" : "not used");
  add_assoc_string(&z, "why_unavailable", d && ss.used && !t ? d->why_no_sessions().c_str() : "");
  if (t) {
    const wc::CacheStats s = t->store().stats(d->slot());
    add_assoc_long(&z, "items", zend_long(s.items));
    add_assoc_long(&z, "evictions", zend_long(s.evictions));  // their backing keeps them
    add_assoc_long(&z, "expirations", zend_long(s.expirations));
    add_assoc_long(&z, "recoveries", zend_long(s.recoveries));
    const auto l = t->locks().stats();
    add_assoc_long(&z, "locks_acquired", zend_long(l.acquired));
    add_assoc_long(&z, "lock_waits", zend_long(l.waited));
    add_assoc_long(&z, "stale_locks_broken", zend_long(l.taken_over));
    add_assoc_long(&z, "lock_waits_given_up", zend_long(l.interrupted));
  }
  add_assoc_long(&z, "lock_timeouts_here", zend_long(ss.lock_timeouts));
  add_assoc_long(&z, "loaded_from_backing_here", zend_long(ss.loaded));
  add_assoc_long(&z, "damaged_records_dropped_here", zend_long(ss.damaged));
  add_assoc_long(&z, "backing_errors_here", zend_long(ss.backing_errors));
  add_assoc_long(&z, "taken_over_and_reread_here", zend_long(ss.reconciled));
  add_assoc_zval(out, "sessions", &z);
}

}  // namespace wcx

PHP_FUNCTION(wincache_scache_info) { WCX_GUARDED(wcx::scache_info(INTERNAL_FUNCTION_PARAM_PASSTHRU)) }
PHP_FUNCTION(wincache_scache_meminfo) {
  WCX_GUARDED(wcx::scache_meminfo(INTERNAL_FUNCTION_PARAM_PASSTHRU))
}
