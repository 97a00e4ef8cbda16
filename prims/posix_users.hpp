// prims/posix_users.hpp: what a php-fpm master needs to clean up after workers of another user.
//
// The usual php-fpm layout runs the master as root and each pool as its own user. A pool's
// group (core/naming.hpp) belongs to that user: its objects live in the user's 0700 directory
// (prims/posix_os.hpp), and the workers pin the group to the master (SEG-9) so that recycled
// workers keep the cache. At an orderly stop the workers leave first and the master last; the
// master must then drop the pin, or the segments stay in /dev/shm until the next start sweeps
// them. Root cannot (and must not) open another user's objects as itself: it acts AS that user.
//
//   WorkerUsers   one MAP_SHARED | MAP_ANONYMOUS page the master creates before it forks: every
//                 worker inherits it and records its effective uid there when it joins a group.
//                 No name, no file: only the master and its children ever see it.
//   AsUser        seteuid(uid) for the scope of the object, back to the saved id after (root
//                 only; the real uid stays 0, so the way back is always allowed).
#pragma once

#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <new>

namespace wc {

class WorkerUsers {
 public:
  static constexpr unsigned kMax = 64;  // distinct worker users (pools of distinct users)

  // nullptr if the page could not be mapped (the master then leaves the cleanup to the sweep).
  static WorkerUsers* create() {
    void* m = ::mmap(nullptr, sizeof(WorkerUsers), PROT_READ | PROT_WRITE,
                     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return nullptr;
    return new (m) WorkerUsers();  // the kernel zero-fills: every entry "none"
  }

  // A worker: record `uid` once (the first free entry, by CAS; duplicates are skipped).
  void record(std::uint32_t uid) {
    const std::uint64_t v = std::uint64_t(uid) + 1;  // 0 = empty entry
    for (auto& e : uids_) {
      std::uint64_t cur = e.load(std::memory_order_acquire);
      if (cur == v) return;
      if (cur == 0 && e.compare_exchange_strong(cur, v, std::memory_order_acq_rel)) return;
      if (cur == v) return;
    }
  }

  template <class Fn>
  void for_each(Fn&& fn) const {
    for (const auto& e : uids_) {
      const std::uint64_t v = e.load(std::memory_order_acquire);
      if (v != 0) fn(std::uint32_t(v - 1));
    }
  }

 private:
  std::atomic<std::uint64_t> uids_[kMax];
};

class AsUser {
 public:
  explicit AsUser(std::uint32_t uid) : saved_(::geteuid()) {
    ok_ = saved_ == uid || (saved_ == 0 && ::seteuid(uid_t(uid)) == 0);
    switched_ = ok_ && saved_ != uid;
  }
  ~AsUser() {
    if (switched_ && ::seteuid(saved_) != 0) {
      // Unreachable while the real uid is 0; never carry on as the wrong user.
      ::_exit(70);
    }
  }
  AsUser(const AsUser&) = delete;
  AsUser& operator=(const AsUser&) = delete;
  bool ok() const { return ok_; }

 private:
  uid_t saved_;
  bool ok_ = false, switched_ = false;
};

}  // namespace wc
