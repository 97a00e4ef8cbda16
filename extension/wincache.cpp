// extension/wincache.cpp: the module. It owns the INI table and the order of the hooks; each
// feature owns its state and its functions (features.hpp says which file does what).
//
// Hook order:
//   MINIT            INI, then each feature's start-up clamping, then the process (a master
//                    prepares what its workers inherit)
//   RINIT            call-owned buffers reset; follow recreated segments
//   RSHUTDOWN        call-owned buffers reset (nothing else: the session module and user code
//                    in other modules' RSHUTDOWN may still take and release named locks)
//   post-deactivate  release the named locks the request still holds, after all its user code;
//                    unpin the user cache (zero-copy values live until the executor is gone)
//   MSHUTDOWN        locks, then the process leaves its groups (a master drops its anchors)
#ifdef HAVE_CONFIG_H
#include "config.h"  // phpize route: defines COMPILE_DL_WINCACHE
#endif

#include <cstring>
#include <string>

#include "features.hpp"  // first: PHP's headers redefine snprintf, which the core uses
#include "redis.hpp"

#include "buffers.hpp"
#include "php_wincache.h"
#include "zerocopy.hpp"

extern "C" {
#include "ext/standard/info.h"
}

#include "wincache_arginfo.h"
#ifdef WINCACHE_SANITIZE_TWINS
#include "sanitize_twin.hpp"  // the sanitized build only: seeded defects
#endif

namespace wcx {

void ini_write_back(const char* name, const std::string& v) {
  auto* e = static_cast<zend_ini_entry*>(
      zend_hash_str_find_ptr(EG(ini_directives), name, std::strlen(name)));
  if (!e) return;
  if (e->value) zend_string_release(e->value);
  e->value = zend_string_init(v.data(), v.size(), 1);
}

void report_no_memory(const char* what) {
  php_error_docref(nullptr, E_WARNING, "%s: out of process memory; nothing was changed",
                   what ? what : "wincache");
}

}  // namespace wcx

PHP_INI_BEGIN()
  PHP_INI_ENTRY("wincache.enablecli", "0", PHP_INI_SYSTEM, wcx::ini_enablecli)
  PHP_INI_ENTRY("wincache.ucenabled", "1", PHP_INI_ALL, wcx::ini_ucenabled)
  PHP_INI_ENTRY("wincache.ucachesize", "8", PHP_INI_SYSTEM, wcx::ini_ucachesize)
  PHP_INI_ENTRY("wincache.namesalt", nullptr, PHP_INI_SYSTEM, wcx::ini_namesalt)
  PHP_INI_ENTRY("wincache.apppoolid", nullptr, PHP_INI_SYSTEM, wcx::ini_apppoolid)
  PHP_INI_ENTRY("wincache.locktimeout", "60", PHP_INI_ALL, wcx::ini_locktimeout)
  PHP_INI_ENTRY("wincache.scachesize", "8", PHP_INI_SYSTEM, wcx::ini_scachesize)
  PHP_INI_ENTRY("wincache.sessionlockwait", "0", PHP_INI_ALL, wcx::ini_sessionlockwait)
  PHP_INI_ENTRY("wincache.redis", "", PHP_INI_SYSTEM | PHP_INI_PERDIR, wcx::ini_redis)
  PHP_INI_ENTRY("wincache.fcenabled", "1", PHP_INI_ALL, wcx::ini_fcenabled)
  PHP_INI_ENTRY("wincache.fcachesize", "24", PHP_INI_SYSTEM, wcx::ini_fcachesize)
  PHP_INI_ENTRY("wincache.maxfilesize", "256", PHP_INI_SYSTEM, wcx::ini_maxfilesize)
  PHP_INI_ENTRY("wincache.filecount", "4096", PHP_INI_SYSTEM, wcx::ini_filecount)
  PHP_INI_ENTRY("wincache.chkinterval", "30", PHP_INI_SYSTEM, wcx::ini_chkinterval)
  PHP_INI_ENTRY("wincache.ttlmax", "1200", PHP_INI_SYSTEM, wcx::ini_ttlmax)
  PHP_INI_ENTRY("wincache.ignorelist", nullptr, PHP_INI_ALL, wcx::ini_ignorelist)
  PHP_INI_ENTRY("wincache.fcndetect", "1", PHP_INI_SYSTEM, wcx::ini_fcndetect)
  PHP_INI_ENTRY("wincache.opcache_invalidate", "1", PHP_INI_SYSTEM, wcx::ini_opcache_invalidate)
  PHP_INI_ENTRY("wincache.ucache_zero_copy", "auto", PHP_INI_SYSTEM, wcx::ini_ucache_zero_copy)
  PHP_INI_ENTRY("wincache.ucache_pin_warn", "60", PHP_INI_SYSTEM, wcx::ini_ucache_pin_warn)
  PHP_INI_ENTRY("wincache.protect_memory", "0", PHP_INI_SYSTEM, wcx::ini_protect_memory)
  PHP_INI_ENTRY("wincache.reroute_enabled", "0", PHP_INI_SYSTEM | PHP_INI_PERDIR,
                wcx::ini_reroute_enabled)
PHP_INI_END()

static PHP_MINIT_FUNCTION(wincache) {
  REGISTER_INI_ENTRIES();
  try {
    wcx::ucache_minit();
    wcx::zc_minit();
    wcx::session_minit();
    // WinCache cut the salt to 8 characters and wrote the cut value back into the directive.
    if (wcx::process_namesalt().size() > wc::kMaxSalt) {
      wcx::process_set_namesalt(wcx::process_namesalt().substr(0, wc::kMaxSalt));
      wcx::ini_write_back("wincache.namesalt", wcx::process_namesalt());
    }
    wcx::process_minit();
    wcx::fcache_minit();  // after process_minit: hooks only where the extension is on
    wcx::reroute_minit(module_number);
  } catch (...) {
    return FAILURE;  // out of memory at start-up: PHP reports the module failed to start
  }
  return SUCCESS;
}

static PHP_MSHUTDOWN_FUNCTION(wincache) {
  try {
    wcx::reroute_mshutdown();
    wcx::fcache_mshutdown();
    wcx::locks_process_end();
    wcx::session_mshutdown();
    wcx::redis_mshutdown();
    wcx::zc_mshutdown();
    wcx::process_mshutdown();
  } catch (...) {
  }
  UNREGISTER_INI_ENTRIES();
  return SUCCESS;
}

static PHP_RINIT_FUNCTION(wincache) {
#if defined(ZTS) && defined(COMPILE_DL_WINCACHE)
  ZEND_TSRMLS_CACHE_UPDATE();
#endif
  wcx::buffers_reset();
#ifdef WINCACHE_SANITIZE_TWINS
  wcx::sanitize_twin();
#endif
  try {
    wcx::ZcScope zc;
    wcx::process_rinit();
    wcx::fcache_rinit();
  } catch (...) {
  }
  wcx::zc_rinit();  // after the refresh: the read-only test mode's mapping
  return SUCCESS;
}

static PHP_RSHUTDOWN_FUNCTION(wincache) {
  wcx::buffers_reset();
  return SUCCESS;
}

static ZEND_MODULE_POST_ZEND_DEACTIVATE_D(wincache) {
  wcx::locks_post_deactivate();
  wcx::fcache_post_deactivate();
  wcx::zc_post_deactivate();  // after every request value is gone (zerocopy.hpp)
  wcx::buffers_reset();
  return SUCCESS;
}

static PHP_MINFO_FUNCTION(wincache) {
  php_info_print_table_start();
  php_info_print_table_row(2, "wincache support", "enabled");
  php_info_print_table_row(2, "Version", PHP_WINCACHE_VERSION);
  php_info_print_table_row(2, "User cache", wcx::process_enabled() ? "enabled" : "disabled");
  php_info_print_table_row(2, "File cache", wcx::process_enabled() ? "enabled" : "disabled");
  const char* scope = "not started in this process";
  wcx::Domain* d = wcx::joined_local();
  if (d) scope = d->local() ? "local" : "global";
  php_info_print_table_row(2, "Cache scope", scope);
  if (d) {
    php_info_print_table_row(2, "Process group", d->name().c_str());
    if (d->local()) php_info_print_table_row(2, "Why local", d->why_local().c_str());
  }
  php_info_print_table_end();
  DISPLAY_INI_ENTRIES();
}

// The session module must be started first: MINIT registers our save handler with it.
static const zend_module_dep wincache_deps[] = {
  ZEND_MOD_REQUIRED("session")
  ZEND_MOD_END
};

zend_module_entry wincache_module_entry = {
  STANDARD_MODULE_HEADER_EX,
  nullptr,
  wincache_deps,
  PHP_WINCACHE_EXTNAME,
  ext_functions,
  PHP_MINIT(wincache),
  PHP_MSHUTDOWN(wincache),
  PHP_RINIT(wincache),
  PHP_RSHUTDOWN(wincache),
  PHP_MINFO(wincache),
  PHP_WINCACHE_VERSION,
  NO_MODULE_GLOBALS,
  ZEND_MODULE_POST_ZEND_DEACTIVATE_N(wincache),
  STANDARD_MODULE_PROPERTIES_EX
};

#ifdef COMPILE_DL_WINCACHE
extern "C" {
ZEND_GET_MODULE(wincache)
}
#endif
