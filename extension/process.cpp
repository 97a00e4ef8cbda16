// extension/process.cpp: who this process shares with.
//
// A process joins the group named after its parent's pid (or a hash of wincache.apppoolid /
// APP_POOL_ID) plus wincache.namesalt, and after its user and pid namespace (core/naming.hpp):
// the php-fpm workers of one master (of one pool user), the PHP_FCGI_CHILDREN of one php-cgi,
// the built-in server's workers, and php-cgi processes that one parent started separately share.
// The group is joined lazily, on the first call that needs it: the php-fpm master runs as root
// and never serves a request, and the segments must belong to the workers' user. A fork()ed
// child notices that Prim::self() changed and joins afresh (it holds none of its parent's locks
// and must not reuse its parent's slot).
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "features.hpp"

extern "C" {
#include "SAPI.h"
}

namespace wcx {
namespace {

struct ProcessState {
  // INI (PHP_INI_SYSTEM)
  bool enablecli = false;
  std::string namesalt;
  std::string apppoolid;
  // MINIT
  bool enabled = false;         // not the CLI, or enablecli
  std::uint64_t minit_pid = 0;  // the process that loaded the module (a master, or the only one)
  bool serving_master = false;  // the built-in server's master, which also serves requests
  // membership
  std::uint64_t owner = 0;  // proc_id of the process that joined (the fork check)
  std::unique_ptr<Domain> local;
  std::unique_ptr<Domain> global;
  Domain* inherited = nullptr;  // a fork child: the parent's local domain (never used or freed)
};
ProcessState ps;

std::string app_pool_id() {
  if (!ps.apppoolid.empty()) return ps.apppoolid;
  const char* env = std::getenv("APP_POOL_ID");
  return env ? env : "";
}

// A fork()ed child inherited its parent's domains: they are not its to use or to leave.
void forget_parent() {
  const std::uint64_t me = Prim::self();
  if (ps.owner == me) return;
  if (ps.local) ps.inherited = ps.local.release();  // the parent's mappings stay mapped, unused
  if (ps.global) (void)ps.global.release();
  if (ps.owner != 0) locks_after_fork();
  ps.owner = me;
}

}  // namespace

ZEND_INI_MH(ini_enablecli) {
  ps.enablecli = zend_ini_parse_bool(new_value);
  return SUCCESS;
}
ZEND_INI_MH(ini_namesalt) {
  ps.namesalt = new_value ? std::string(ZSTR_VAL(new_value), ZSTR_LEN(new_value)) : "";
  return SUCCESS;
}
ZEND_INI_MH(ini_apppoolid) {
  ps.apppoolid = new_value ? std::string(ZSTR_VAL(new_value), ZSTR_LEN(new_value)) : "";
  return SUCCESS;
}

void process_minit() {
  ps.enabled = std::strcmp(sapi_module.name, "cli") != 0 || ps.enablecli;
  ps.minit_pid = Prim::pid();
  const char* workers = std::getenv("PHP_CLI_SERVER_WORKERS");
  ps.serving_master = std::strcmp(sapi_module.name, "cli-server") == 0 && workers &&
                      std::atoi(workers) > 1;
  // A master that may fork workers of other users: they record themselves here (SEG-9 cleanup).
  if (ps.enabled) workers_board_create();
}

bool process_enabled() { return ps.enabled; }

// A process that had to repair its objects, or cannot share its group's cache, says so once,
// in PHP's error log (stderr where none is set), with the reason: it is also in
// wincache_extra_info(), but nobody reads that for a pool that went quietly private.
static void log_start(const Domain& d) {
  std::string msg;
  const std::string fixed = d.repaired();
  if (!fixed.empty()) msg = "PHP Warning:  wincache: group " + d.name() + ": " + fixed;
  if (d.local()) {
    if (!msg.empty()) msg += "; ";
    else msg = "PHP Warning:  wincache: group " + d.name() + ": ";
    msg += "this process runs on a private user cache: " + d.why_local();
  }
  if (!msg.empty()) php_log_err_with_severity(const_cast<char*>(msg.c_str()), LOG_WARNING);
}

Domain* local_domain() {
  if (!ps.enabled) return nullptr;
  forget_parent();
  if (!ps.local) {
    // Who shares: the workers a master forked share with each other and with the master
    // (php-fpm, php-cgi with PHP_FCGI_CHILDREN, the built-in server); processes started
    // separately share with their siblings of one parent (WinCache's rule: IIS started them).
    const std::uint64_t pid = Prim::pid(), ppid = Prim::parent_pid();
    const bool forked_worker = ppid == ps.minit_pid && pid != ps.minit_pid;
    const std::uint64_t scope = ps.serving_master && pid == ps.minit_pid ? pid : ppid;
    ps.local = std::make_unique<Domain>(group_key(scope, app_pool_id(), ps.namesalt),
                                        ucache_segment_bytes(), session_segment_bytes(),
                                        fcache_segment_bytes(), rplist_segment_bytes());
    // A fork child of a process of the same group: the group's user cache is the fixed-address
    // kind, and the parent's mapping of it, inherited, holds its address. Unmapped here and
    // mapped again by start() at the same address: the same memory, so values the child
    // inherited (zero-copy arrays and strings) still read the same bytes (zerocopy.hpp).
    if (ps.inherited && ps.inherited->name() == ps.local->name()) ps.inherited->unmap_cache();
    if (forked_worker) workers_board_record();
    ps.local->start(forked_worker ? Prim::parent_id() : 0);
    log_start(*ps.local);
  }
  return ps.local.get();
}

Domain* global_domain() {
  if (!local_domain()) return nullptr;
  if (!ps.global) {
    ps.global = std::make_unique<Domain>(group_key(0, "wincache-machine-wide", ps.namesalt), 0);
    ps.global->start();
  }
  return ps.global.get();
}

Domain* joined_local() { return ps.owner == Prim::self() ? ps.local.get() : nullptr; }
Domain* joined_global() { return ps.owner == Prim::self() ? ps.global.get() : nullptr; }

void process_rinit() {
  if (ps.owner != Prim::self()) return;
  if (ps.local) ps.local->refresh();
  if (ps.global) ps.global->refresh();
}

void process_mshutdown() {
  if (ps.owner == Prim::self()) {
    if (ps.global) ps.global->stop();
    if (ps.local) ps.local->stop();
  }
  ps.global.reset();
  ps.local.reset();
  // A master whose workers pinned their group to it: unpin on an orderly exit (SEG-9), as each
  // user its workers ran as.
  if (ps.enabled && Prim::pid() == ps.minit_pid)
    release_worker_anchors(ps.minit_pid, app_pool_id(), ps.namesalt);
}

const std::string& process_namesalt() { return ps.namesalt; }
void process_set_namesalt(const std::string& s) { ps.namesalt = s; }

}  // namespace wcx
