// prims/posix_files.hpp: PosixFiles, the file system as the file cache sees it on POSIX (the Fs
// of core/fcache.hpp): stat a path, load a file between two fstats of its open handle, the
// wall clock file timestamps follow.
//
//   stat(path)   stat(2) (following symlinks, as an include does): size, st_mtim and st_ctim to
//                the nanosecond, st_ino, st_dev, st_mode.
//   real(path)   realpath(3): the canonical path (not part of the Fs contract; the rerouted
//                unlink/rename name the entries they invalidate with it)
//   load(...)    open(O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC): a FIFO never blocks the
//                open, and is not read (not a regular file); fstat; a regular file of at most
//                `max` bytes is read whole (pread from 0, EINTR retried); fstat again: `changing`
//                unless size, mtime, ctime and inode agree (a writer was busy).
//   now_ns()     CLOCK_REALTIME, which the kernel's file timestamps follow (coarse: a tick).
// Never throws but std::bad_alloc from the buffer.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <string>

#include "../core/fcache.hpp"

namespace wc {

class PosixFiles {
 public:
  static FileStat of(const struct stat& sb) {
    FileStat s{};
    s.exists = true;
    s.regular = S_ISREG(sb.st_mode);
    s.size = std::uint64_t(sb.st_size);
    s.mtime_ns = std::int64_t(sb.st_mtim.tv_sec) * 1000000000 + sb.st_mtim.tv_nsec;
    s.ctime_ns = std::int64_t(sb.st_ctim.tv_sec) * 1000000000 + sb.st_ctim.tv_nsec;
    s.inode = std::uint64_t(sb.st_ino);
    s.device = std::uint64_t(sb.st_dev);
    s.mode = std::uint32_t(sb.st_mode);
    return s;
  }

  FileStat stat(const std::string& path) {
    struct stat sb;
    if (::stat(path.c_str(), &sb) != 0) return FileStat{};
    return of(sb);
  }

  // The canonical absolute path of `path` (every symlink resolved, as PHP's realpath() gives
  // it), without PHP's realpath cache; false if it does not resolve. (Not part of the Fs
  // contract: the rerouted unlink/rename name the entries they invalidate with it.)
  bool real(const std::string& path, std::string& out) {
    char* r = ::realpath(path.c_str(), nullptr);
    if (!r) return false;
    out = r;
    std::free(r);
    return true;
  }

  LoadStatus load(const std::string& path, std::uint64_t max, std::uint64_t head, FileStat& st,
                  std::string& buf) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) return errno == ENOENT || errno == ENOTDIR ? LoadStatus::missing : LoadStatus::error;
    const LoadStatus r = read_all(fd, max, head, st, buf);
    ::close(fd);
    return r;
  }

  std::int64_t now_ns() const {
    timespec ts;
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return std::int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
  }

 private:
  static LoadStatus read_all(int fd, std::uint64_t max, std::uint64_t head, FileStat& st,
                             std::string& buf) {
    struct stat sb;
    if (::fstat(fd, &sb) != 0) return LoadStatus::error;
    st = of(sb);
    if (!st.regular) return LoadStatus::not_regular;
    if (st.size > max) return LoadStatus::too_large;
    buf.assign(std::size_t(head + st.size), '\0');
    std::uint64_t got = 0;
    while (got < st.size) {
      const ssize_t n = ::pread(fd, &buf[std::size_t(head + got)], std::size_t(st.size - got),
                                off_t(got));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return LoadStatus::error;
      if (n == 0) return LoadStatus::changing;  // shorter than its stat: being rewritten
      got += std::uint64_t(n);
    }
    char extra;
    if (::pread(fd, &extra, 1, off_t(st.size)) > 0) return LoadStatus::changing;  // grew
    struct stat after;
    if (::fstat(fd, &after) != 0) return LoadStatus::error;
    const FileStat a = of(after);
    if (a.size != st.size || a.mtime_ns != st.mtime_ns || a.ctime_ns != st.ctime_ns ||
        a.inode != st.inode)
      return LoadStatus::changing;
    return LoadStatus::ok;
  }
};

}  // namespace wc
