// extension/runtime.cpp: joining the group, mapping the segments, falling back.
#include "runtime.hpp"

#include <chrono>
#include <cstring>
#include <ctime>
#if defined(__linux__)
#include <sys/time.h>
#endif
#include <functional>
#include <new>

#ifndef _WIN32
// The shipped POSIX instantiations (RwLock, Group, Allocator), compiled into the module once.
#include "../prims/posix_instantiations.cpp"
#include "../prims/posix_users.hpp"
#endif

namespace wcx {

// Wall-clock milliseconds for TTLs, creation times and LRU order. Every cache call reads it, so
// it is the cheap coarse clock: on Linux CLOCK_REALTIME_COARSE (the last timer tick, 1-4 ms
// old; about 5 ns where a precise clock_gettime costs 20-30 ns on a VM). TTLs count in seconds
// and LRU order only needs ticks (equal ticks are broken by hit count, see ucache.hpp), so the
// tick is precise enough. Windows: GetSystemTimeAsFileTime, the tick clock there (~16 ms); not
// clock_gettime, which only mingw-w64's POSIX layer would provide (scripts/win32_glue.sh).
std::uint64_t now_ms() {
#ifdef _WIN32
  FILETIME ft;
  ::GetSystemTimeAsFileTime(&ft);
  const std::uint64_t ticks = (std::uint64_t(ft.dwHighDateTime) << 32) | ft.dwLowDateTime;
  return (ticks - 116444736000000000ull) / 10000;  // 100 ns since 1601 -> ms since 1970
#else
#if defined(CLOCK_REALTIME_COARSE)
  timespec ts;
  if (clock_gettime(CLOCK_REALTIME_COARSE, &ts) == 0)
    return std::uint64_t(ts.tv_sec) * 1000 + std::uint64_t(ts.tv_nsec) / 1000000;
#endif
  using namespace std::chrono;
  return std::uint64_t(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
#endif
}

// The lease's clock: host-wide, monotonic, read through the vDSO on Linux (no system call:
// the lease's check() runs at every request start, WL-4).
std::uint64_t mono_ms() {
#ifdef _WIN32
  return std::uint64_t(::GetTickCount64());
#else
  timespec ts;
#if defined(CLOCK_MONOTONIC_COARSE)
  if (clock_gettime(CLOCK_MONOTONIC_COARSE, &ts) == 0)
#else
  if (clock_gettime(CLOCK_MONOTONIC, &ts) == 0)
#endif
    return std::uint64_t(ts.tv_sec) * 1000 + std::uint64_t(ts.tv_nsec) / 1000000;
  using namespace std::chrono;
  return std::uint64_t(duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
#endif
}

std::uint64_t time_limit_left_ms(std::uint64_t limit_s, double request_start_s) {
  if (limit_s == 0) return 0;
#if defined(__linux__)
  itimerval left{};
  if (::getitimer(ITIMER_PROF, &left) == 0 &&
      (left.it_value.tv_sec != 0 || left.it_value.tv_usec != 0))
    return std::uint64_t(left.it_value.tv_sec) * 1000 + std::uint64_t(left.it_value.tv_usec) / 1000;
#endif
  const std::uint64_t now = now_ms();
  const std::uint64_t end = request_start_s > 0
                                ? std::uint64_t(request_start_s * 1000) + limit_s * 1000
                                : now + limit_s * 1000;
  return end > now ? end - now : 1;
}

wc::GroupKey group_key(std::uint64_t parent_pid, const std::string& app_pool_id,
                       const std::string& salt) {
  wc::GroupKey k;
  k.user = Prim::user_tag();
  k.pid_ns = Prim::pid_namespace();
  k.parent_pid = parent_pid;
  k.app_pool_id = app_pool_id;
  k.salt = salt;
  return k;
}

namespace {
constexpr std::uint64_t kLocksBytes =
    (wc::SegmentHeader::kContentOffset + sizeof(Locks) + 4095) / 4096 * 4096;
// kLocks also holds the near cache's fixed area (near_area.hpp) after the table.
constexpr std::uint64_t kNearOffset = (sizeof(Locks) + 63) / 64 * 64;
constexpr std::uint64_t kLocksAndNearBytes =
    (wc::SegmentHeader::kContentOffset + kNearOffset + sizeof(NearArea) + 4095) / 4096 * 4096;

const char* status_text(Group::Status s) {
  switch (s) {
    case Group::Status::ok: return "ok";
    case Group::Status::init_timeout: return "another process did not finish creating the group";
    case Group::Status::no_slot: return "every process slot of the group is taken";
    case Group::Status::not_joined: return "not joined";
    case Group::Status::bad_kind: return "unknown segment kind";
    case Group::Status::map_failed: return "the operating system refused the mapping";
    case Group::Status::corrupt: return "the group's registry has another layout";
    case Group::Status::no_memory: return "this process ran out of memory";
  }
  return "unknown";
}
}  // namespace

Domain::Domain(const wc::GroupKey& key, std::uint64_t ucache_bytes, std::uint64_t scache_bytes,
               std::uint64_t fcache_bytes, std::uint64_t rcache_bytes)
    : key_(key), name_(wc::group_name(key)), ucache_bytes_(ucache_bytes),
      scache_bytes_(scache_bytes), fcache_bytes_(fcache_bytes), rcache_bytes_(rcache_bytes),
      with_cache_(ucache_bytes != 0) {}

Domain::~Domain() = default;

std::string Domain::reason(const char* what) const {
  std::string r = what;
  const char* os = os_.last_reason();
  if (os && *os) r += " (" + std::string(os) + ")";
  return r;
}

std::string Domain::location() const {
#ifdef _WIN32
  return "Local\\ named objects";
#else
  return os_.dir();
#endif
}

std::string Domain::repaired() const {
#ifdef _WIN32
  return "";
#else
  if (os_.repairs() == 0) return "";
  return std::to_string(os_.repairs()) + " repair(s) in " + os_.dir() + ", the last: " +
         os_.last_repair();
#endif
}

void Domain::start(std::uint64_t anchor) {
  if (group_ || local_) return;
  std::vector<wc::KindSpec> kinds(kKinds);
  kinds[kUserCache].size = ucache_bytes_;
#ifndef _WIN32
  // The fixed-address kind (SEG-4): every process of the group maps it at one address, or runs
  // on a process-local copy; values may then hold absolute pointers (zerocopy.hpp). Windows: not
  // yet (ASLR often takes the base; the copy format is used there, docs/extension.md).
  kinds[kUserCache].fixed = true;
  kinds[kUserCache].preferred_base = kUserCacheBase;
#endif
  kinds[kLocks].size = kLocksAndNearBytes;
  kinds[kSessions].size = scache_bytes_;
  kinds[kSessionLocks].size = kLocksBytes;
  kinds[kFiles].size = fcache_bytes_;
  kinds[kResolve].size = rcache_bytes_;
  kinds[kMissing].size = fcache_bytes_ ? kMissingBytes : 0;
  kinds[kWatch].size = fcache_bytes_ ? kWatchBytes : 0;
  group_ = std::make_unique<Group>(
      os_, name_, kinds, [](unsigned kind, char* content, std::uint64_t bytes, wc::Scope) {
        // A new segment is zero-filled by the OS: the stores need not clear their bucket arrays.
        if (kind == kUserCache) Cache::create(content, bytes, now_ms(), /*zeroed=*/true);
        if (kind == kSessions) SessionStore::create(content, bytes, now_ms(), /*zeroed=*/true);
        if (kind == kLocks || kind == kSessionLocks) new (content) Locks();
        if (kind == kFiles) FileStore::create(content, bytes, now_ms(), /*zeroed=*/true);
        if (kind == kResolve) ResolveStore::create(content, bytes, now_ms(), /*zeroed=*/true);
        if (kind == kMissing) MissingStore::create(content, bytes, now_ms(), /*zeroed=*/true);
        if (kind == kWatch) {
          // The epoch starts past any an older kWatch generation stamped into the file store.
          (new (content) Lease())->seed((now_ms() / 1000) & wc::kEpochMask);
          new (content + kLeaseBytes) ChangeLog();  // zero-filled: an empty ring
          WatchStore::create(content + kWatchTableOffset, bytes - kWatchTableOffset, now_ms(),
                             /*zeroed=*/true);
        }
      });
  // SEG-8: groups of this user and pid namespace whose processes all died (Linux keeps them).
  group_->sweep_dead_groups(wc::group_prefix(key_.user, key_.pid_ns));
  const auto st = group_->join();
  if (st != Group::Status::ok) {
    group_.reset();
    const std::string why = reason(status_text(st));
    why_no_locks_ = why;
    fall_back(why);
    return;
  }
  slot_ = group_->slot_index();
  map_locks();
  if (with_cache_) map_cache();
  anchor_ = anchor;
  if (anchor != 0 && !local_ && locks_)
    group_->pin(anchor, (std::uint64_t{1} << kUserCache) | (std::uint64_t{1} << kLocks));
}

Sessions* Domain::sessions() {
  if (sessions_) return sessions_.get();
  if (!group_ || scache_bytes_ == 0) {
    if (why_no_sessions_.empty())
      why_no_sessions_ = group_ ? "no session store configured" : why_no_locks_;
    return nullptr;
  }
  if (!why_no_sessions_.empty()) return nullptr;  // tried and failed: say so, do not retry
  const auto sl = group_->attach(kSessionLocks);
  if (sl != Group::Status::ok || !group_->content(kSessionLocks)) {
    why_no_sessions_ = reason(sl != Group::Status::ok ? status_text(sl)
                                                      : "the session lock table could not be mapped");
    return nullptr;
  }
  const std::uint64_t bytes = scache_bytes_ - wc::SegmentHeader::kContentOffset;
  for (int attempt = 0; attempt < 2 && !sstore_; ++attempt) {
    const auto st = group_->attach(kSessions);
    if (st != Group::Status::ok || !group_->content(kSessions) ||
        group_->scope(kSessions) != wc::Scope::global) {
      why_no_sessions_ = reason(st != Group::Status::ok ? status_text(st)
                                                        : "the session store could not be mapped");
      return nullptr;
    }
    sstore_ = SessionStore::attach(group_->content(kSessions), bytes);
    if (!sstore_) group_->recreate(kSessions);  // another scachesize: a new generation
  }
  if (!sstore_) {
    why_no_sessions_ = "the session store has another layout";
    return nullptr;
  }
  slocks_ = reinterpret_cast<Locks*>(group_->content(kSessionLocks));
  sessions_ = std::make_unique<Sessions>(*sstore_, *slocks_);
  if (anchor_ != 0)
    group_->pin(anchor_, (std::uint64_t{1} << kSessions) | (std::uint64_t{1} << kSessionLocks));
  return sessions_.get();
}

namespace {
// One store of the file caches: attached (global scope only), or recreated once when it has
// another layout or size. Null and `why` set when it cannot be.
template <class S>
S* attach_store(Group& g, unsigned kind, std::uint64_t bytes, std::string& why,
                const std::function<std::string(const char*)>& reason) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    const auto st = g.attach(kind);
    if (st != Group::Status::ok || !g.content(kind) || g.scope(kind) != wc::Scope::global) {
      why = reason(st != Group::Status::ok ? status_text(st) : "a file cache segment could not be mapped");
      return nullptr;
    }
    if (kind == kWatch) {
      char* c = static_cast<char*>(g.content(kind));
      if (S* s = S::attach(c + kWatchTableOffset,
                           bytes - wc::SegmentHeader::kContentOffset - kWatchTableOffset))
        return s;
    } else if (S* s = S::attach(g.content(kind), bytes - wc::SegmentHeader::kContentOffset)) {
      return s;
    }
    g.recreate(kind);  // another size or layout: a new generation
  }
  why = "a file cache segment has another layout";
  return nullptr;
}
}  // namespace

const FileStores* Domain::file_stores() {
  if (fstores_.files) return &fstores_;
  if (!group_ || fcache_bytes_ == 0 || rcache_bytes_ == 0) {
    if (why_no_files_.empty())
      why_no_files_ = group_ ? "no file cache configured" : why_no_locks_;
    return nullptr;
  }
  if (!why_no_files_.empty()) return nullptr;  // tried and failed: say so, do not retry
  const auto why = [this](const char* w) { return reason(w); };
  FileStores f{};
  f.files = attach_store<FileStore>(*group_, kFiles, fcache_bytes_, why_no_files_, why);
  if (f.files) f.resolve = attach_store<ResolveStore>(*group_, kResolve, rcache_bytes_, why_no_files_, why);
  if (f.resolve) f.missing = attach_store<MissingStore>(*group_, kMissing, kMissingBytes, why_no_files_, why);
  if (f.missing) f.table = attach_store<WatchStore>(*group_, kWatch, kWatchBytes, why_no_files_, why);
  if (!f.table) return nullptr;
  f.lease = reinterpret_cast<Lease*>(group_->content(kWatch));
  f.log = reinterpret_cast<ChangeLog*>(static_cast<char*>(group_->content(kWatch)) + kLeaseBytes);
  fstores_ = f;
  if (anchor_ != 0)
    group_->pin(anchor_, (std::uint64_t{1} << kFiles) | (std::uint64_t{1} << kResolve) |
                             (std::uint64_t{1} << kMissing) | (std::uint64_t{1} << kWatch));
  return &fstores_;
}

void Domain::map_locks() {
  const auto st = group_->attach(kLocks);
  if (st != Group::Status::ok || !group_->content(kLocks)) {
    why_no_locks_ = reason(st != Group::Status::ok ? status_text(st)
                                                  : "the lock table could not be mapped");
    return;
  }
  locks_ = reinterpret_cast<Locks*>(group_->content(kLocks));
  near_ = reinterpret_cast<NearArea*>(static_cast<char*>(group_->content(kLocks)) + kNearOffset);
}

void Domain::map_cache() {
  const std::uint64_t bytes = ucache_bytes_ - wc::SegmentHeader::kContentOffset;
  for (int attempt = 0; attempt < 2; ++attempt) {
    const auto st = group_->attach(kUserCache);
    if (st != Group::Status::ok || !group_->content(kUserCache)) {
      fall_back(reason(st != Group::Status::ok ? status_text(st)
                                               : "the user cache segment could not be mapped"));
      return;
    }
    cache_ = Cache::attach(group_->content(kUserCache), bytes);
    if (cache_) return;
    // Not a cache of our geometry (another ucachesize, a damaged header): start a new
    // generation; processes still on the old one move over in refresh() (SEG-3).
    group_->recreate(kUserCache);
  }
  fall_back("the user cache segment has another layout");
}

// The user cache goes process-local (reserved address space, committed page by page as it is
// used); the locks never do (see runtime.hpp).
void Domain::fall_back(const std::string& why) {
  why_local_ = why;
  local_ = true;
  cache_ = nullptr;
  if (with_cache_) {
    local_map_ = os_.create_local(ucache_bytes_);
    if (local_map_.base) {
      cache_ = Cache::create(local_map_.base, ucache_bytes_, now_ms(), /*zeroed=*/true);
      if (!cache_) os_.close(local_map_);
    }
    if (!cache_) why_local_ += "; no local cache either: " + reason("out of memory");
  }
  slot_ = 0;
}

Domain::Region Domain::cache_region() const {
  if (!cache_) return Region{nullptr, 0};
  if (local_map_.base) return Region{local_map_.base, ucache_bytes_};
  if (!group_ || !group_->content(kUserCache)) return Region{nullptr, 0};
  return Region{static_cast<char*>(group_->content(kUserCache)) - wc::SegmentHeader::kContentOffset,
                ucache_bytes_};
}

void Domain::unmap_cache() {
#ifndef _WIN32
  const Region r = cache_region();
  if (r.base && !local_map_.base) ::munmap(r.base, std::size_t(r.bytes));
#endif
  cache_ = nullptr;
}

void Domain::refresh() {
  if (!group_) return;
  if (locks_ && group_->refresh(kLocks)) {
    locks_ = reinterpret_cast<Locks*>(group_->content(kLocks));
    near_ = reinterpret_cast<NearArea*>(static_cast<char*>(group_->content(kLocks)) + kNearOffset);
  }
  if (with_cache_ && !local_ && group_->refresh(kUserCache)) {
    cache_ = Cache::attach(group_->content(kUserCache),
                           ucache_bytes_ - wc::SegmentHeader::kContentOffset);
    if (!cache_) map_cache();
  }
  if (sessions_) {
    bool moved = group_->refresh(kSessionLocks);
    moved = group_->refresh(kSessions) || moved;
    if (moved) {  // re-attach both from the current generations
      sessions_.reset();
      sstore_ = nullptr;
      slocks_ = nullptr;
      if (group_->content(kSessions) && group_->content(kSessionLocks)) {
        sstore_ = SessionStore::attach(group_->content(kSessions),
                                       scache_bytes_ - wc::SegmentHeader::kContentOffset);
        slocks_ = reinterpret_cast<Locks*>(group_->content(kSessionLocks));
        if (sstore_) sessions_ = std::make_unique<Sessions>(*sstore_, *slocks_);
      }
      if (!sessions_) why_no_sessions_ = "the session store moved and could not be re-attached";
    }
  }
  if (fstores_.files) {
    bool moved = group_->refresh(kFiles);
    moved = group_->refresh(kResolve) || moved;
    moved = group_->refresh(kMissing) || moved;
    moved = group_->refresh(kWatch) || moved;
    if (moved) {  // re-attach all four from their current generations
      fstores_ = FileStores{};
      why_no_files_.clear();
      file_stores();
    }
  }
}

void Domain::release_anchor(const wc::GroupKey& key) {
  Os os;
  const std::string name = wc::group_name(key);
  if (os.list(wc::registry_name(name)).empty()) return;  // no worker ever created it
  Group grp(os, name, std::vector<wc::KindSpec>(kKinds));
  if (grp.join() != Group::Status::ok) return;  // not ours to open: the next start sweeps
  grp.unpin(Prim::self());
  grp.leave();
}

void Domain::stop() {
  if (group_) {
    if (cache_ && !local_) cache_->release_reader(slot_);
    if (sstore_) sstore_->release_reader(slot_);
    if (fstores_.files) {
      fstores_.files->release_reader(slot_);
      fstores_.resolve->release_reader(slot_);
      fstores_.missing->release_reader(slot_);
    }
    group_->leave();
  }
  sessions_.reset();
  sstore_ = nullptr;
  slocks_ = nullptr;
  fstores_ = FileStores{};
  group_.reset();
  if (local_map_.base) os_.close(local_map_);
  cache_ = nullptr;
  locks_ = nullptr;
  near_ = nullptr;
}

#ifndef _WIN32
namespace {
wc::WorkerUsers* g_board = nullptr;
}
void workers_board_create() {
  if (!g_board) g_board = wc::WorkerUsers::create();
}
void workers_board_record() {
  if (g_board) g_board->record(std::uint32_t(::geteuid()));
}
void release_worker_anchors(std::uint64_t master_pid, const std::string& app_pool_id,
                            const std::string& salt) {
  const auto release_as = [&](std::uint32_t uid) {
    wc::AsUser as(uid);
    if (!as.ok()) return;  // not root, another user: the next start's sweep removes it
    Domain::release_anchor(group_key(master_pid, app_pool_id, salt));
  };
  const std::uint32_t me = std::uint32_t(::geteuid());
  release_as(me);  // workers of our own user (or none: nothing to do)
  if (g_board) g_board->for_each([&](std::uint32_t uid) {
      if (uid != me) release_as(uid);
    });
}
// One page that the processes of one OPcache instance share: mapped by the process that runs
// MINIT, as OPcache maps its own memory at its startup, so a php-fpm master's workers (or
// php-cgi's children) inherit the same page, and separate processes each have their own.
InstanceMark* instance_mark_create() {
  void* m = ::mmap(nullptr, sizeof(InstanceMark), PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) return nullptr;
  return new (m) InstanceMark();
}
#else
void workers_board_create() {}
void workers_board_record() {}
// Windows: OPcache's memory is shared by processes started separately (no fork): a mark in
// process memory, so every process tells its OPcache itself (at worst twice: never too little).
InstanceMark* instance_mark_create() { return new InstanceMark(); }
void release_worker_anchors(std::uint64_t master_pid, const std::string& app_pool_id,
                            const std::string& salt) {
  Domain::release_anchor(group_key(master_pid, app_pool_id, salt));
}
#endif

}  // namespace wcx
