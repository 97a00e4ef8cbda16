// extension/runtime.cpp: joining the group, mapping the segments, falling back to local memory.
#include "runtime.hpp"

#include <chrono>
#include <ctime>
#include <new>

#ifndef _WIN32
// The shipped POSIX instantiations (RwLock, Group, Allocator), compiled into the module once.
#include "../prims/posix_instantiations.cpp"
#endif

namespace wcx {

// Wall-clock milliseconds for TTLs, creation times and LRU order. Every cache call reads it, so
// it is the cheap coarse clock: on Linux CLOCK_REALTIME_COARSE (the last timer tick, 1-4 ms
// old; about 5 ns where a precise clock_gettime costs 20-30 ns on a VM). TTLs count in seconds
// and LRU order only needs ticks (equal ticks are broken by hit count, see ucache.hpp), so the
// tick is precise enough. Windows: GetSystemTimeAsFileTime is already a tick clock (~16 ms).
std::uint64_t now_ms() {
#if defined(CLOCK_REALTIME_COARSE)
  timespec ts;
  if (clock_gettime(CLOCK_REALTIME_COARSE, &ts) == 0)
    return std::uint64_t(ts.tv_sec) * 1000 + std::uint64_t(ts.tv_nsec) / 1000000;
#endif
  using namespace std::chrono;
  return std::uint64_t(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

namespace {
constexpr std::uint64_t kLocksBytes =
    (wc::SegmentHeader::kContentOffset + sizeof(Locks) + 4095) / 4096 * 4096;
}

Domain::Domain(std::string group, std::uint64_t ucache_bytes)
    : name_(std::move(group)), ucache_bytes_(ucache_bytes), with_cache_(ucache_bytes != 0) {}

Domain::~Domain() = default;

void Domain::start(std::uint64_t anchor) {
  if (group_ || local_) return;
  std::vector<wc::KindSpec> kinds(kKinds);
  kinds[kUserCache].size = ucache_bytes_;
  kinds[kLocks].size = kLocksBytes;
  group_ = std::make_unique<Group>(
      os_, name_, kinds, [](unsigned kind, char* content, std::uint64_t bytes, wc::Scope) {
        if (kind == kUserCache) Cache::create(content, bytes, now_ms());
        if (kind == kLocks) new (content) Locks();
      });
  group_->sweep_dead_groups();  // SEG-8: groups whose processes all died (Linux keeps them)
  const auto st = group_->join();
  if (st != Group::Status::ok) {
    group_.reset();
    fall_back(st == Group::Status::no_slot ? "every process slot of the group is taken"
                                           : "the group's registry could not be mapped");
    return;
  }
  slot_ = group_->slot_index();
  map_locks();
  if (with_cache_) map_cache();
  if (anchor != 0 && !local_)
    group_->pin(anchor, (std::uint64_t{1} << kUserCache) | (std::uint64_t{1} << kLocks));
}

void Domain::map_locks() {
  if (group_->attach(kLocks) != Group::Status::ok || !group_->content(kLocks)) {
    fall_back("the lock segment could not be mapped");
    return;
  }
  locks_ = reinterpret_cast<Locks*>(group_->content(kLocks));
}

void Domain::map_cache() {
  const std::uint64_t bytes = ucache_bytes_ - wc::SegmentHeader::kContentOffset;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (group_->attach(kUserCache) != Group::Status::ok || !group_->content(kUserCache)) {
      fall_back("the user cache segment could not be mapped");
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

void Domain::fall_back(const char* why) {
  why_local_ = why;
  local_ = true;
  if (with_cache_ && !cache_) {
    local_cache_mem_.assign(ucache_bytes_ + 64, 0);
    char* base = reinterpret_cast<char*>(
        (reinterpret_cast<std::uintptr_t>(local_cache_mem_.data()) + 63) & ~std::uintptr_t{63});
    cache_ = Cache::create(base, ucache_bytes_, now_ms());
  }
  if (!locks_) {
    local_locks_ = std::make_unique<Locks>();
    locks_ = local_locks_.get();
  }
  slot_ = 0;
}

void Domain::refresh() {
  if (!group_ || local_) return;
  if (group_->refresh(kLocks)) locks_ = reinterpret_cast<Locks*>(group_->content(kLocks));
  if (with_cache_ && group_->refresh(kUserCache)) {
    cache_ = Cache::attach(group_->content(kUserCache),
                           ucache_bytes_ - wc::SegmentHeader::kContentOffset);
    if (!cache_) map_cache();
  }
}

void Domain::release_anchor(const std::string& name) {
  Os os;
  if (os.list(wc::registry_name(name)).empty()) return;  // no worker ever created it
  Group grp(os, name, std::vector<wc::KindSpec>(kKinds));
  if (grp.join() != Group::Status::ok) return;  // another user's objects: the next start sweeps
  grp.unpin(Prim::self());
  grp.leave();
}

void Domain::stop() {
  if (group_) group_->leave();
  group_.reset();
  cache_ = nullptr;
  locks_ = nullptr;
}

}  // namespace wcx
