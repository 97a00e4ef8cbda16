// prims/posix_session_files.hpp: SessionFiles, the durable backing of the session store on
// POSIX. Every session the store holds is also a file, written before the store is; memory holds
// the hot sessions, the files hold all of them (across a pool restart, a reboot, a full store).
//
// Where: a directory of ours inside session.save_path: <save_path>/wincache-<euid> (or the next
// name of the chain if another user squatted it), mode 0700, owned by us, found and verified by
// PosixOs exactly as the shared-memory directory is (prims/posix_os.hpp). The save path itself
// must be a directory owned by root or by us, sticky if others may write it (Debian's
// /var/lib/php/sessions is root's, 1733): the same checks as our /dev/shm root. One record per
// session: s_<id>, mode 0600. PHP's files handler keeps sess_<id> in the save path itself; the
// two never meet.
//
// A record: two slots of one size, each a 32-byte header (magic "WCSESS03", length, generation,
// CRC-32C, slot size; an older build's "WCSESS02" records, with CRC-32, are still read) and the
// data; the record's value is its newest intact slot
// (core/session_record.hpp). A rewrite goes in place into the other slot, one pwrite into a file
// the page cache holds (SREC-1); the first write of a session, a write that outgrows the slots
// and a record with no intact slot are written to a temporary file (O_CREAT | O_EXCL |
// O_NOFOLLOW, 0600) renamed over the record (SREC-2). Either way a process killed while writing
// leaves the old value or the new one. A record that fails its checks (size, owner, mode, no
// intact slot: a damaged disk, a hand edit) is dropped on its own and reported; no other record
// is touched ("repaired entry by entry, never wiped whole"). Writers of one session are
// serialised by the session lock (extension/session.cpp); readers need none.
//
// What a host crash can lose: the records are written with write() and rename() and not synced
// (as PHP's files handler writes sessions): what the kernel had not written back yet. Linux
// writes dirty pages back after vm.dirty_expire_centisecs (30 s by default, seen by a flusher
// every vm.dirty_writeback_centisecs, 5 s): at most the last ~35 s of session writes on a default
// kernel. A crash in the middle of that write-back can also leave a record whose two slots are
// both half written (the last two writes of that session both unwritten-back): it is then dropped
// as damaged and reported, as a torn file of PHP's files handler would be. A worker killed at any instruction, or the whole pool stopped, loses nothing: the
// record is in the page cache the moment its write returns.
//
// Idle time: the record's mtime is its last write (or touch, for session.lazy_write's
// update_timestamp). A record idle longer than session.gc_maxlifetime reads as expired, and gc
// removes it unless the session is held (SESS-3).
//
// Never throws (beyond std::bad_alloc from the strings); last_error()/last_reason() say why a
// call failed.
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#include "../core/session_record.hpp"
#include "posix_os.hpp"

namespace wc {

class SessionFiles {
 public:
  explicit SessionFiles(std::string save_path) : os_(std::move(save_path)) {}
  SessionFiles(const SessionFiles&) = delete;
  SessionFiles& operator=(const SessionFiles&) = delete;

  int last_error() const { return last_error_; }
  const char* last_reason() const { return reason_; }
  const std::string& dir() const { return os_.dir(); }

  // The record of `id` (in place or by an atomic replace, SREC-1/2). False with the reason set
  // if it could not be written; the previous value is then intact. The caller holds the
  // session's lock.
  // hint (SREC-3): in, the session store's word for this record (0: none), used when it matches
  // the file (slot size, identity) instead of reading the record; out, the word for the record
  // as written (0 after a replace: the next write searches, and leaves a word again). The
  // caller clears the store's word before this call and stores the new one after it.
  bool write(const std::string& id, const char* data, std::uint64_t n,
             std::uint64_t* hint = nullptr) {
    const std::uint64_t hint_in = hint ? *hint : 0;
    if (hint) *hint = 0;
    if (n > srec::kMaxData) return fail(EFBIG, "a session larger than 2 GB cannot be stored");
    const std::string name = "s_" + id;
    const uid_t me = ::geteuid();
    for (unsigned round = 0; round < 3; ++round) {
      // (a directory removed meanwhile: the replace below meets ENOENT, and the next round asks
      // PosixOs again, with its checks)
      const int dir = hot_dir(true, round > 0, me);
      if (dir < 0) return fail(os_.last_error(), os_.last_reason());
      const int fd = ::openat(dir, name.c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
      if (fd < 0) {
        if (errno == ENOENT || errno == ELOOP) {  // none yet, or a link where it should be
          if (errno == ELOOP) ::unlinkat(dir, name.c_str(), 0);
          const int r = replace(dir, name, data, n, srec::plan(0, -1, srec::Head{}, n));
          if (r == 1) continue;  // the directory was removed meanwhile: find it again
          return r == 0;
        }
        return fail(errno, "a session file cannot be opened");
      }
      struct stat st;
      std::uint64_t slot = 0;
      if (::fstat(fd, &st) != 0) {
        const int e = errno;
        ::close(fd);
        return fail(e, "a session file cannot be examined");
      }
      if (ours(st, me)) slot = srec::slot_of_file(std::uint64_t(st.st_size));
      std::string cur;
      srec::Head head;
      int c = -1;
      if (slot != 0 && !srec::from_hint(hint_in, slot, file_id(st), c, head))  // SREC-3
        c = srec::newest(slot, Reader{fd}, cur, head);
      if (c == -2) {
        const int e = errno;
        ::close(fd);
        return fail(e, "a session file could not be read");
      }
      const srec::Plan p = srec::plan(slot, c, head, n);
      if (!p.in_place) {
        ::close(fd);
        const int r = replace(dir, name, data, n, p);
        if (r == 1) continue;
        return r == 0;
      }
      char h[srec::kHeader];
      srec::encode(h, data, n, p.gen, p.slot);
      const bool ok = pwrite_all(fd, h, data, n, std::uint64_t(p.target) * p.slot);
      const int e = errno;
      ::close(fd);
      if (ok && hint) *hint = srec::hint_word(p.target, p.gen, p.slot, file_id(st));
      return ok || fail(e, "a session file could not be written (disk full?)");
    }
    return fail(ENOENT, "the session directory kept disappearing");
  }

  // error: the record could not be read now (no file descriptor, I/O error): never "missing",
  // which would start an empty session over a good one.
  enum class Got : std::uint8_t { found, missing, expired, damaged, error };

  // The value of `id`'s record. expired: idle longer than maxlifetime_s (WinCache's floor rule,
  // as the store); damaged: the record failed its checks (it is removed unless `drop` is false;
  // the caller reports it).
  // hint (if given): on found, the SREC-3 word for the record as read (else 0).
  Got read(const std::string& id, std::uint64_t now_ms, std::uint64_t maxlifetime_s,
           std::string& out, bool drop = true, std::uint64_t* hint = nullptr) {
    if (hint) *hint = 0;
    const uid_t me = ::geteuid();
    const std::string name = "s_" + id;
    int dir = hot_dir(false, false, me);
    int fd = dir < 0 ? -1 : ::openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0 && (dir < 0 || errno == ENOENT)) {  // not there: ask PosixOs again, with its checks
      dir = hot_dir(false, true, me);
      if (dir < 0) return Got::missing;
      fd = ::openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    }
    if (fd < 0) {
      if (errno == ENOENT) return Got::missing;
      if (errno == ELOOP) return damaged(dir, name, nullptr, drop, ELOOP, "a symbolic link, not a record");
      fail(errno, "a session file cannot be opened");
      return Got::error;
    }
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      fail(errno, "a session file cannot be examined");
      ::close(fd);
      return Got::error;
    }
    if (!ours(st, me)) {
      const Got g = damaged(dir, name, &st, drop, EINVAL, "not a session record of ours");
      ::close(fd);
      return g;
    }
    if (idle_out(st, now_ms, maxlifetime_s)) {
      ::close(fd);
      return Got::expired;
    }
    const std::uint64_t slot = srec::slot_of_file(std::uint64_t(st.st_size));
    srec::Head head;
    int c = -1;
    // A reader without the lock (validate_sid) may meet a write in progress: that slot fails
    // its CRC and the other is taken; only a record that reads damaged three times is.
    for (unsigned attempt = 0; slot != 0 && c == -1 && attempt < 3; ++attempt)
      c = srec::newest(slot, Reader{fd}, out, head);
    const int e = errno;
    if (c >= 0) {
      ::close(fd);
      if (hint) *hint = srec::hint_word(c, head.gen, slot, file_id(st));
      return Got::found;
    }
    out.clear();
    if (c == -2) {
      ::close(fd);
      fail(e, "a session file could not be read");
      return Got::error;
    }
    const Got g = damaged(dir, name, &st, drop, EINVAL,
                          slot == 0 ? "damaged (its size)" : "damaged (no intact copy: checksum)");
    ::close(fd);
    return g;
  }
  bool exists(const std::string& id) {
    const int dir = dir_of(false);
    struct stat st;
    return dir >= 0 && ::fstatat(dir, ("s_" + id).c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
           S_ISREG(st.st_mode);
  }

  // session.lazy_write's update_timestamp: the record's idle time starts again. False if there
  // is no record (the caller writes it again).
  bool touch(const std::string& id) {
    const uid_t me = ::geteuid();
    const std::string name = "s_" + id;
    for (unsigned round = 0; round < 2; ++round) {  // (ENOENT: ask PosixOs again, as read does)
      const int dir = hot_dir(false, round > 0, me);
      if (dir < 0) return false;
      if (::utimensat(dir, name.c_str(), nullptr, AT_SYMLINK_NOFOLLOW) == 0) return true;
      if (errno != ENOENT) return false;
    }
    return false;
  }

  bool remove(const std::string& id) {
    const int dir = dir_of(false);
    return dir >= 0 && ::unlinkat(dir, ("s_" + id).c_str(), 0) == 0;
  }

  // Removes the records idle longer than maxlifetime_s whose session keep(id) does not keep (a
  // held session), and temporary files a killed writer left (older than a minute). Returns how
  // many records went.
  template <class Keep>
  std::uint64_t gc(std::uint64_t now_ms, std::uint64_t maxlifetime_s, Keep&& keep) {
    const int dir = dir_of(false);
    if (dir < 0) return 0;
    const int fd = ::openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return 0;
    DIR* d = ::fdopendir(fd);
    if (!d) {
      ::close(fd);
      return 0;
    }
    std::uint64_t removed = 0;
    while (const dirent* ent = ::readdir(d)) {
      const char* n = ent->d_name;
      struct stat st;
      if (::fstatat(dir, n, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) continue;
      if (n[0] == 't' && n[1] == '_') {
        if (idle_out(st, now_ms, 60)) ::unlinkat(dir, n, 0);
        continue;
      }
      if (n[0] != 's' || n[1] != '_' || !idle_out(st, now_ms, maxlifetime_s)) continue;
      if (keep(std::string(n + 2))) continue;
      if (::unlinkat(dir, n, 0) == 0) ++removed;
    }
    ::closedir(d);
    return removed;
  }

 private:
  static bool idle_out(const struct stat& st, std::uint64_t now_ms, std::uint64_t ttl_s) {
    const std::uint64_t mtime_ms =
        std::uint64_t(st.st_mtim.tv_sec) * 1000 + std::uint64_t(st.st_mtim.tv_nsec) / 1000000;
    return ttl_s != 0 && now_ms > mtime_ms && (now_ms - mtime_ms) / 1000 > ttl_s;
  }
  // The identity SREC-3's hint carries: the inode and device (a number the file system may
  // give again to a file created after this one is gone: the cleared hint covers that case).
  static std::uint64_t file_id(const struct stat& st) {
    return std::uint64_t(st.st_ino) * 0x9E3779B97F4A7C15ull ^ std::uint64_t(st.st_dev);
  }
  static bool ours(const struct stat& st, uid_t me) {
    return S_ISREG(st.st_mode) && st.st_uid == me && (st.st_mode & 077) == 0;
  }
  // Every use of the directory goes through PosixOs::directory (which checks, with an fstat,
  // that the directory it holds still exists, and that the euid did not change), here ...
  int dir_of(bool create) {
    hot_dir_ = os_.directory(create);
    hot_euid_ = ::geteuid();
    return hot_dir_;
  }
  // ... except on read's and write's first try, which reuse the descriptor PosixOs gave last
  // (the same one it would give: nothing else makes it change it) while the euid is the same:
  // two system calls less per session write. A call that meets ENOENT through it asks again
  // (fresh), so a directory removed and made again is found as before.
  int hot_dir(bool create, bool fresh, uid_t me) {
    if (!fresh && hot_dir_ >= 0 && me == hot_euid_) return hot_dir_;
    return dir_of(create);
  }
  // read_at(offset, buffer, n) for srec::newest: false on an I/O error or a short file.
  struct Reader {
    int fd;
    bool operator()(std::uint64_t off, char* p, std::uint64_t n) const {
      while (n > 0) {
        const ssize_t r = ::pread(fd, p, std::size_t(n > (1u << 30) ? (1u << 30) : n), off_t(off));
        if (r < 0 && errno == EINTR) continue;
        if (r == 0) errno = EIO;  // shorter than its size said: it changed under us
        if (r <= 0) return false;
        p += r;
        off += std::uint64_t(r);
        n -= std::uint64_t(r);
      }
      return true;
    }
  };
  // The header then the data at `off`, as one write where the kernel takes it whole.
  static bool pwrite_all(int fd, const char* head, const char* data, std::uint64_t n,
                         std::uint64_t off) {
    struct iovec iov[2] = {{const_cast<char*>(head), srec::kHeader},
                           {const_cast<char*>(data), std::size_t(n)}};
    int first = 0;
    while (first < 2) {
      const ssize_t w = ::pwritev(fd, iov + first, 2 - first, off_t(off));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return false;
      off += std::uint64_t(w);
      std::size_t left = std::size_t(w);
      while (first < 2 && left >= iov[first].iov_len) left -= iov[first++].iov_len;
      if (first < 2) {
        iov[first].iov_base = static_cast<char*>(iov[first].iov_base) + left;
        iov[first].iov_len -= left;
      }
    }
    return true;
  }
  // A new record file for the plan (slot 0 written, slot 1 zero) moved over the record.
  // 0 written, 1 the directory vanished (retry), -1 failed (reason set).
  int replace(int dir, const std::string& name, const char* data, std::uint64_t n,
              const srec::Plan& p) {
    static std::atomic<std::uint32_t> counter{0};
    const std::string tmp = "t_" + std::to_string(::getpid()) + "_" +
                            std::to_string(counter.fetch_add(1, std::memory_order_relaxed));
    const int fd = ::openat(dir, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                            0600);
    if (fd < 0) {
      if (errno == ENOENT) return 1;
      fail(errno, "a session file could not be created");
      return -1;
    }
    char h[srec::kHeader];
    srec::encode(h, data, n, p.gen, p.slot);
    const bool ok = ::fchmod(fd, 0600) == 0 && pwrite_all(fd, h, data, n, 0) &&
                    ::ftruncate(fd, off_t(2 * p.slot)) == 0;
    const int e = errno;
    ::close(fd);
    if (!ok) {
      ::unlinkat(dir, tmp.c_str(), 0);
      fail(e, "a session file could not be written (disk full?)");
      return -1;
    }
    if (::renameat(dir, tmp.c_str(), dir, name.c_str()) != 0) {
      const int e2 = errno;
      ::unlinkat(dir, tmp.c_str(), 0);
      fail(e2, "a session file could not be renamed into place");
      return -1;
    }
    return 0;
  }
  // Reports a damaged record and removes it (if `drop`) when the name still is the file that
  // was examined (`st`; nullptr: a link, removed as is).
  Got damaged(int dir, const std::string& name, const struct stat* st, bool drop, int e,
              const char* why) {
    if (drop) {
      struct stat now;
      if (!st || (::fstatat(dir, name.c_str(), &now, AT_SYMLINK_NOFOLLOW) == 0 &&
                  now.st_ino == st->st_ino && now.st_dev == st->st_dev))
        ::unlinkat(dir, name.c_str(), 0);
    }
    fail(e, why);
    return Got::damaged;
  }
  bool fail(int e, const char* why) {
    last_error_ = e;
    reason_ = why;
    return false;
  }

  PosixOs os_;
  int hot_dir_ = -1;   // PosixOs's directory descriptor as it last gave it (-1: ask it)
  uid_t hot_euid_ = 0;  // the euid then
  int last_error_ = 0;
  const char* reason_ = "";
};

}  // namespace wc
