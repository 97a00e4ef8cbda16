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
// A record: a 32-byte header (magic "WCSESS01", the data length, a CRC-32 of the data, the
// write time in ms) then the data. Written atomically: a temporary file in the directory
// (O_CREAT | O_EXCL | O_NOFOLLOW, 0600), then renamed over the record, so a process killed
// while writing leaves the old record or the new one. A record that fails its checks (size,
// magic, CRC: a damaged disk, a hand edit) is dropped on its own and reported; no other record
// is touched ("repaired entry by entry, never wiped whole").
//
// What a host crash can lose: the records are written with write() and rename() and not synced
// (as PHP's files handler writes sessions): what the kernel had not written back yet. Linux
// writes dirty pages back after vm.dirty_expire_centisecs (30 s by default, seen by a flusher
// every vm.dirty_writeback_centisecs, 5 s): at most the last ~35 s of session writes on a default
// kernel. A worker killed at any instruction, or the whole pool stopped, loses nothing: the
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
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#include "../core/crc32.hpp"
#include "posix_os.hpp"

namespace wc {

class SessionFiles {
 public:
  static constexpr std::uint64_t kMagic = 0x3130535345534357ull;  // "WCSESS01"
  static constexpr std::size_t kHeader = 32;

  explicit SessionFiles(std::string save_path) : os_(std::move(save_path)) {}
  SessionFiles(const SessionFiles&) = delete;
  SessionFiles& operator=(const SessionFiles&) = delete;

  int last_error() const { return last_error_; }
  const char* last_reason() const { return reason_; }
  const std::string& dir() const { return os_.dir(); }

  // The record of `id`, atomically (temporary file + rename). False with the reason set if it
  // could not be written; the previous record is then intact.
  bool write(const std::string& id, const char* data, std::uint64_t n, std::uint64_t now_ms) {
    char head[kHeader] = {};
    const std::uint64_t magic = kMagic;
    const std::uint32_t crc = crc32(data, n);
    std::memcpy(head, &magic, 8);
    std::memcpy(head + 8, &n, 8);
    std::memcpy(head + 16, &crc, 4);
    std::memcpy(head + 24, &now_ms, 8);
    static std::atomic<std::uint32_t> counter{0};
    const std::string tmp = "t_" + std::to_string(::getpid()) + "_" +
                            std::to_string(counter.fetch_add(1, std::memory_order_relaxed));
    const std::string name = "s_" + id;
    for (unsigned round = 0; round < 3; ++round) {
      const int dir = os_.directory(true);
      if (dir < 0) return fail(os_.last_error(), os_.last_reason());
      const int fd = ::openat(dir, tmp.c_str(),
                              O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (fd < 0) {
        if (errno == ENOENT) continue;  // the directory was removed meanwhile: find it again
        return fail(errno, "a session file could not be created");
      }
      const bool ok = ::fchmod(fd, 0600) == 0 && write_all(fd, head, kHeader) &&
                      write_all(fd, data, n);
      const int e = errno;
      ::close(fd);
      if (!ok) {
        ::unlinkat(dir, tmp.c_str(), 0);
        return fail(e, "a session file could not be written (disk full?)");
      }
      if (::renameat(dir, tmp.c_str(), dir, name.c_str()) != 0) {
        const int e2 = errno;
        ::unlinkat(dir, tmp.c_str(), 0);
        return fail(e2, "a session file could not be renamed into place");
      }
      return true;
    }
    return fail(ENOENT, "the session directory kept disappearing");
  }

  // error: the record could not be read now (no file descriptor, I/O error): never "missing",
  // which would start an empty session over a good one.
  enum class Got : std::uint8_t { found, missing, expired, damaged, error };

  // The data of `id`'s record. expired: idle longer than maxlifetime_s (WinCache's floor rule, as
  // the store); damaged: the record failed its checks (it is removed; the caller reports it).
  Got read(const std::string& id, std::uint64_t now_ms, std::uint64_t maxlifetime_s,
           std::string& out) {
    const int dir = os_.directory(false);
    if (dir < 0) return Got::missing;
    const std::string name = "s_" + id;
    const int fd = ::openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return Got::missing;
      fail(errno, errno == ELOOP ? "a session file is a symbolic link" : "a session file cannot be opened");
      return errno == ELOOP ? drop(dir, name, ELOOP, "a symbolic link, not a record") : Got::error;
    }
    struct stat st;
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid() ||
        (st.st_mode & 077) != 0 || std::uint64_t(st.st_size) < kHeader) {
      ::close(fd);
      return drop(dir, name, EINVAL, "not a session record of ours");
    }
    if (idle_out(st, now_ms, maxlifetime_s)) {
      ::close(fd);
      return Got::expired;
    }
    char head[kHeader];
    std::uint64_t magic = 0, n = 0;
    std::uint32_t crc = 0;
    bool ok = read_all(fd, head, kHeader);
    if (!ok && errno != 0 && errno != EINVAL) {  // an I/O error, not a short record
      ::close(fd);
      fail(errno, "a session file could not be read");
      return Got::error;
    }
    if (ok) {
      std::memcpy(&magic, head, 8);
      std::memcpy(&n, head + 8, 8);
      std::memcpy(&crc, head + 16, 4);
      ok = magic == kMagic && n == std::uint64_t(st.st_size) - kHeader;
    }
    if (ok) {
      out.resize(std::size_t(n));
      ok = read_all(fd, out.data(), n) && crc32(out.data(), n) == crc;
    }
    ::close(fd);
    if (!ok) {
      out.clear();
      return drop(dir, name, EINVAL, "damaged (size, magic or checksum)");
    }
    return Got::found;
  }

  bool exists(const std::string& id) {
    const int dir = os_.directory(false);
    struct stat st;
    return dir >= 0 && ::fstatat(dir, ("s_" + id).c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
           S_ISREG(st.st_mode);
  }

  // session.lazy_write's update_timestamp: the record's idle time starts again. False if there
  // is no record (the caller writes it again).
  bool touch(const std::string& id) {
    const int dir = os_.directory(false);
    if (dir < 0) return false;
    return ::utimensat(dir, ("s_" + id).c_str(), nullptr, AT_SYMLINK_NOFOLLOW) == 0;
  }

  bool remove(const std::string& id) {
    const int dir = os_.directory(false);
    return dir >= 0 && ::unlinkat(dir, ("s_" + id).c_str(), 0) == 0;
  }

  // Removes the records idle longer than maxlifetime_s whose session keep(id) does not keep (a
  // held session), and temporary files a killed writer left (older than a minute). Returns how
  // many records went.
  template <class Keep>
  std::uint64_t gc(std::uint64_t now_ms, std::uint64_t maxlifetime_s, Keep&& keep) {
    const int dir = os_.directory(false);
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
  static bool write_all(int fd, const char* p, std::uint64_t n) {
    while (n > 0) {
      const ssize_t w = ::write(fd, p, std::size_t(n > (1u << 30) ? (1u << 30) : n));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return false;
      p += w;
      n -= std::uint64_t(w);
    }
    return true;
  }
  static bool read_all(int fd, char* p, std::uint64_t n) {
    while (n > 0) {
      const ssize_t r = ::read(fd, p, std::size_t(n > (1u << 30) ? (1u << 30) : n));
      if (r < 0 && errno == EINTR) continue;
      if (r == 0) errno = EINVAL;  // shorter than its header says: damaged, not an I/O error
      if (r <= 0) return false;
      p += r;
      n -= std::uint64_t(r);
    }
    return true;
  }
  Got drop(int dir, const std::string& name, int e, const char* why) {
    ::unlinkat(dir, name.c_str(), 0);
    fail(e, why);
    return Got::damaged;
  }
  bool fail(int e, const char* why) {
    last_error_ = e;
    reason_ = why;
    return false;
  }

  PosixOs os_;
  int last_error_ = 0;
  const char* reason_ = "";
};

}  // namespace wc
