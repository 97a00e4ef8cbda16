// extension/runtime.hpp: the process-side state of the extension: which group this process
// joined, the user-cache and lock-table segments it mapped, and the locks the current request
// holds. Everything OS-specific comes from the primitives (prims/), chosen here once; the PHP
// glue (wincache.cpp) is the same on Linux and Windows.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#ifdef _WIN32
#include "../prims/prim_win32.hpp"
#include "../prims/win32_os.hpp"
#else
#include "../prims/prim_posix.hpp"
#include "../prims/posix_os.hpp"
#endif
#include "../core/named_lock.hpp"
#include "../core/registry.hpp"
#include "../core/ucache.hpp"

namespace wcx {

#ifdef _WIN32
using Prim = wc::PrimWin32;
using Os = wc::Win32Os;
#else
using Prim = wc::PrimPosix;
using Os = wc::PosixOs;
#endif

using Group = wc::Group<Prim, Os>;
using Cache = wc::UserCache<Prim>;
using Locks = wc::LockTable<Prim>;

// Segment kinds of a group.
enum Kind : unsigned { kUserCache = 0, kLocks = 1, kKinds = 2 };

std::uint64_t now_ms();

// One joined group (the local one, or the machine-wide one for global locks).
class Domain {
 public:
  // group: the name from core/naming.hpp. ucache_bytes: the user-cache segment's size, or 0
  // for a domain without a user cache (the machine-wide lock table).
  Domain(std::string group, std::uint64_t ucache_bytes);
  ~Domain();
  // Join and attach; on failure fall back to process-local memory (scope local). Never throws.
  // anchor != 0: the master that forked this worker; the group's segments outlive the workers
  // while it lives (Group::pin, SEG-9).
  void start(std::uint64_t anchor = 0);
  void refresh();  // request start: follow a recreated segment (SEG-3)
  void stop();     // process end: detach, leave (the last one out removes the segments)
  // A master's exit: drop the pin its workers set on group `name` (if that group exists).
  static void release_anchor(const std::string& name);

  Cache* cache() const { return cache_; }
  Locks* locks() const { return locks_; }
  bool local() const { return local_; }
  unsigned slot() const { return slot_; }
  const std::string& name() const { return name_; }
  const std::string& why_local() const { return why_local_; }

 private:
  void map_cache();
  void map_locks();
  void fall_back(const char* why);

  Os os_;
  std::string name_;
  std::uint64_t ucache_bytes_;
  bool with_cache_;
  std::unique_ptr<Group> group_;
  Cache* cache_ = nullptr;
  Locks* locks_ = nullptr;
  bool local_ = false;
  unsigned slot_ = 0;
  std::string why_local_;
  std::vector<char> local_cache_mem_;
  std::unique_ptr<Locks> local_locks_;
};

}  // namespace wcx
