// extension/runtime.hpp: the process side of a joined group: which group this process joined,
// the segments it mapped (the user cache, the named-lock table), and what it does when it cannot
// share. Everything OS-specific comes from the primitives (prims/), chosen here once; the PHP
// glue is the same on Linux and Windows.
//
// Two promises about a process that cannot use the group's shared segments (no free process slot,
// the OS refused a mapping, a segment of another layout could not be replaced):
//   - its user cache becomes process-local, and says so (`is_local_cache`, why_local()); the
//     local copy is reserved, not committed, so a fallback process does not take the cache's
//     size in memory up front;
//   - its named locks are NEVER process-local: locks() is null and wincache_lock refuses with a
//     warning naming the reason. A private lock table would return true while another process
//     holds the lock.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#ifdef _WIN32
#include "../prims/prim_win32.hpp"
#include "../prims/win32_os.hpp"
#else
#include "../prims/prim_posix.hpp"
#include "../prims/posix_os.hpp"
#endif
#include "../core/change_log.hpp"
#include "../core/fcache.hpp"
#include "../core/fwatch.hpp"
#include "../core/watch_lease.hpp"
#include "../core/named_lock.hpp"
#include "../core/registry.hpp"
#include "../core/session.hpp"
#include "../core/ucache.hpp"
#include "near_area.hpp"
#ifdef _WIN32
#include "../prims/win32_files.hpp"
#include "../prims/win32_session_files.hpp"
#else
#include "../prims/posix_files.hpp"
#include "../prims/posix_session_files.hpp"
#endif

// After the core (PHP's headers redefine snprintf, which the core uses): the user cache's ABI tag.
extern "C" {
#include "php.h"
}

namespace wcx {

// The user cache stores arrays and strings as the engine's own structures (extension/zerocopy.hpp)
// in the fixed-address segment kind: a segment written by another PHP build must never be read.
// Its tag (FNV-1a over ZEND_MODULE_BUILD_ID, "API2022..,NTS[,debug]", and over PHP_VERSION_ID and
// the sizes of zend_array, Bucket, zval and zend_string) is folded into the store's magic
// (core/ucache.hpp PinnedUserCachePolicy): another build's segment does not attach and is replaced.
constexpr std::uint64_t fnv1a(const char* s, std::uint64_t h = 0xcbf29ce484222325ull) {
  return *s ? fnv1a(s + 1, (h ^ std::uint8_t(*s)) * 0x100000001b3ull) : h;
}
constexpr std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) h = (h ^ ((v >> (8 * i)) & 0xff)) * 0x100000001b3ull;
  return h;
}
inline constexpr std::uint64_t kAbiTag =
    mix(mix(mix(mix(mix(fnv1a(ZEND_MODULE_BUILD_ID), PHP_VERSION_ID), sizeof(zend_array)),
                sizeof(Bucket)), sizeof(zval)), sizeof(zend_string));

#ifdef _WIN32
using Prim = wc::PrimWin32;
using Os = wc::Win32Os;
#else
using Prim = wc::PrimPosix;
using Os = wc::PosixOs;
#endif

using Group = wc::Group<Prim, Os>;
// The cache's lock has a reader slot for every process slot of the group (a process reads
// through the slot the registry gave it).
struct CacheLockTuning : wc::RwLockTuning {
  static constexpr unsigned reader_slots = wc::RegistryTuning::slots;
};
// Pinned reads: values handed out without copying stay valid until the request ends.
using Cache = wc::PinnedUserCache<Prim, kAbiTag, wc::NoCacheBugs, CacheLockTuning>;
using Locks = wc::LockTable<Prim>;
using SessionStore = wc::KeyedStore<Prim, wc::SessionPolicy, wc::NoCacheBugs, CacheLockTuning>;
using Sessions = wc::SessionTable<Prim, SessionStore, Locks>;
using wc::SessionFiles;
// The file cache (kFiles), the resolve-path cache (kResolve) and its misses (kMissing).
using FileStore = wc::KeyedStore<Prim, wc::FilePolicy, wc::NoCacheBugs, CacheLockTuning>;
using ResolveStore = wc::KeyedStore<Prim, wc::ResolvePolicy, wc::NoCacheBugs, CacheLockTuning>;
using MissingStore = wc::KeyedStore<Prim, wc::MissingPolicy, wc::NoCacheBugs, CacheLockTuning>;
using FileCache = wc::FileCache<FileStore>;
#ifdef _WIN32
using Files = wc::Win32Files;
#else
using Files = wc::PosixFiles;
#endif
// kWatch: the watcher lease (one cache line at the content's start) and the watch table.
using Lease = wc::WatchLease<Prim>;
using WatchStore = wc::KeyedStore<Prim, wc::WatchPolicy, wc::NoCacheBugs, CacheLockTuning>;
using FileWatch = wc::FileWatch<Lease, WatchStore, FileStore>;
inline constexpr std::uint64_t kLeaseBytes = 64;  // sizeof(Lease), rounded to a cache line
static_assert(sizeof(Lease) <= kLeaseBytes, "the lease is one cache line");
// kWatch's second part: the watcher's change log (core/change_log.hpp, design §7), between the
// lease and the table; and what one OPcache instance was told (an anonymous shared page).
using ChangeLog = wc::ChangeLog<Prim>;
using InstanceMark = wc::InstanceMark<Prim>;
inline constexpr std::uint64_t kLogBytes = (sizeof(ChangeLog) + 63) / 64 * 64;
inline constexpr std::uint64_t kWatchTableOffset = kLeaseBytes + kLogBytes;
// The four segments of the file caches, attached together.
struct FileStores {
  FileStore* files;
  ResolveStore* resolve;
  MissingStore* missing;
  Lease* lease;       // in kWatch
  WatchStore* table;  // in kWatch, past the lease and the change log
  ChangeLog* log;     // in kWatch, past the lease
};

// Segment kinds of a group. The session kinds and the file-cache kinds are attached on first use
// (a process that never starts a session, or never includes a file through us, maps nothing for
// them).
enum Kind : unsigned {
  kUserCache = 0, kLocks = 1, kSessions = 2, kSessionLocks = 3,
  kFiles = 4, kResolve = 5, kMissing = 6, kWatch = 7,
  kKinds = 8
};
// Where the first process of a group maps the user cache (the fixed-address kind; if the range
// is taken the creator maps anywhere and the registry records that address for the others).
inline constexpr std::uint64_t kUserCacheBase = 0x600000000000ull;
// The missing-path store's fixed size (docs/design/files.md §1).
inline constexpr std::uint64_t kMissingBytes = 256 * 1024;
// kWatch's fixed size: the lease and a table of about 4,000 directories.
inline constexpr std::uint64_t kWatchBytes = 1024 * 1024;

std::uint64_t now_ms();
// A host-wide monotonic clock in ms (the lease's beat): CLOCK_MONOTONIC, GetTickCount64.
std::uint64_t mono_ms();

// What is left of the request's max_execution_time, in ms (0: no limit set). On Linux PHP counts
// CPU time with ITIMER_PROF and restarts it at set_time_limit(): its remaining budget is read
// from the timer. Elsewhere (a wall-clock timer), from the request's start.
std::uint64_t time_limit_left_ms(std::uint64_t limit_s, double request_start_s);

// The name of this process's group for a scope (parent pid, or an app pool id) and salt: the
// user and the pid namespace come from the primitives.
wc::GroupKey group_key(std::uint64_t parent_pid, const std::string& app_pool_id,
                       const std::string& salt);

// One joined group (the local one, or the machine-wide one for global locks).
class Domain {
 public:
  // ucache_bytes / scache_bytes / fcache_bytes / rcache_bytes: the user-cache, session, file and
  // resolve-path segments' sizes, or 0 for a domain without them (the machine-wide lock table).
  Domain(const wc::GroupKey& key, std::uint64_t ucache_bytes, std::uint64_t scache_bytes = 0,
         std::uint64_t fcache_bytes = 0, std::uint64_t rcache_bytes = 0);
  ~Domain();
  Domain(const Domain&) = delete;
  Domain& operator=(const Domain&) = delete;
  // Join and attach; on failure see the two promises above. Never throws.
  // anchor != 0: the master that forked this worker; the group's segments outlive the workers
  // while it lives (Group::pin, SEG-9).
  void start(std::uint64_t anchor = 0);
  void refresh();  // request start: follow a recreated segment (SEG-3)
  void stop();     // process end: detach, leave (the last one out removes the segments)
  // A master's exit: drop the pin its workers set on the group `key` names (if it exists).
  static void release_anchor(const wc::GroupKey& key);

  Cache* cache() const { return cache_; }
  Locks* locks() const { return locks_; }
  // The near cache's host-wide area (near_area.hpp), in kLocks; null where locks() is.
  NearArea* near_area() const { return near_; }
  // The session store and its lock table, attached on first use; null (why_no_sessions() says
  // why) when this process cannot share them: sessions are never process-local (their locks
  // would not exclude).
  Sessions* sessions();
  SessionStore* session_store() const { return sstore_; }
  const std::string& why_no_sessions() const { return why_no_sessions_; }
  // The file, resolve and missing stores, attached together on first use; null (why_no_files()
  // says why) when they cannot be shared: the file caches are never process-local (a process
  // that cannot share simply passes every file through to PHP).
  const FileStores* file_stores();
  const FileStores* file_stores_attached() const { return fstores_.files ? &fstores_ : nullptr; }
  const std::string& why_no_files() const { return why_no_files_; }
  bool local() const { return local_; }
  unsigned slot() const { return slot_; }
  const std::string& name() const { return name_; }
  const std::string& why_local() const { return why_local_; }      // "" while shared
  // The user cache's whole mapping (the read-only test mode, zerocopy.cpp), or {nullptr, 0}.
  struct Region {
    void* base;
    std::uint64_t bytes;
  };
  Region cache_region() const;
  // A fork child's copy of its parent's domain: unmap the user cache (only the mapping: nothing
  // shared is touched; the domain is never used again), so that the child's own join of the same
  // group maps the fixed-address segment at its recorded address.
  void unmap_cache();
  const std::string& why_no_locks() const { return why_no_locks_; }  // "" while shared
  // Where the segments live (a directory on POSIX), for diagnostics.
  std::string location() const;
  // What the OS layer found wrong and repaired while this domain started ("" if nothing): an
  // unusable entry at one of our names replaced, our directory's loose mode set to 0700
  // (prims/posix_os.hpp OBJ-REPLACE). Logged once by the process (process.cpp).
  std::string repaired() const;

 private:
  void map_cache();
  void map_locks();
  void fall_back(const std::string& why);
  std::string reason(const char* what) const;

  Os os_;
  wc::GroupKey key_;
  std::string name_;
  std::uint64_t ucache_bytes_;
  std::uint64_t scache_bytes_;
  std::uint64_t fcache_bytes_;
  std::uint64_t rcache_bytes_;
  FileStores fstores_{};
  std::string why_no_files_;
  std::uint64_t anchor_ = 0;
  bool with_cache_;
  SessionStore* sstore_ = nullptr;
  Locks* slocks_ = nullptr;
  std::unique_ptr<Sessions> sessions_;
  std::string why_no_sessions_;
  std::unique_ptr<Group> group_;
  Cache* cache_ = nullptr;
  Locks* locks_ = nullptr;
  NearArea* near_ = nullptr;
  bool local_ = false;
  unsigned slot_ = 0;
  std::string why_local_;
  std::string why_no_locks_;
  Os::Mapping local_map_{};
};

// A master's orderly exit when its workers run as other users (php-fpm: root master, pools as
// their own users). Before forking, the master creates a board its workers inherit; a worker
// records its user when it joins; at the end the master drops, AS each recorded user, the pin
// its workers set on the group (SEG-9), so that nothing stays in /dev/shm. No-ops on Windows.
void workers_board_create();
void workers_board_record();
// The page that the processes of one OPcache instance share (extension/opcache.cpp): an
// anonymous shared mapping made before any fork; process memory on Windows. Null if none.
InstanceMark* instance_mark_create();
void release_worker_anchors(std::uint64_t master_pid, const std::string& app_pool_id,
                            const std::string& salt);

}  // namespace wcx
