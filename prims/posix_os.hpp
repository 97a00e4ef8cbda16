// prims/posix_os.hpp: PosixOs, the segment layer's Os on Linux (the contract is at the top of
// core/registry.hpp): named POSIX shared memory in /dev/shm.
//
//   open(name, size, create, at)
//     create: shm_open("/name", O_RDWR | O_CREAT | O_EXCL, 0600), fchmod(fd, 0600) (the umask
//       may only have narrowed the mode; this makes it exactly owner read/write), ftruncate to
//       `size` (the kernel zero-fills), and fallocate of the whole range, so that a full
//       /dev/shm is a clear ENOSPC failure now rather than a SIGBUS at some later first touch.
//       If the name exists (EEXIST), it is opened as below: "create if missing".
//     existing: shm_open("/name", O_RDWR), then fstat: it must belong to our effective uid and
//       grant nothing to group or others (an object squatted at our predictable name by another
//       user is refused, EPERM), and its size must be `size` (another geometry: EINVAL). A size
//       of 0 with `create` is a creator caught (or killed) between its O_EXCL open and its
//       ftruncate: we size it ourselves, which is idempotent because every creator uses the same
//       size and nobody could have written to a 0-byte object.
//     at == nullptr: mmap(MAP_SHARED) anywhere. at != nullptr: mmap(at, MAP_SHARED |
//       MAP_FIXED_NOREPLACE) and the returned address must equal `at` (kernels before 4.17
//       ignore the flag and treat `at` as a hint): otherwise unmap and fail. Plain MAP_FIXED is
//       never used: it would silently replace whatever this process has mapped there.
//     A failure is base == nullptr (errno-style reason in last_error()); an object this call
//     created is unlinked again when the call fails, so a failed open() leaves nothing behind.
//   create_local(size)  mmap(MAP_PRIVATE | MAP_ANONYMOUS): zero-filled, process-private.
//   close(m)            munmap.
//   remove(name)        shm_unlink (a missing name is not an error); the memory goes with the
//                       last mapping.
//   list(prefix)        readdir("/dev/shm"), the names that start with `prefix`. Without a file
//                       descriptor to read the directory (EMFILE), it still reports `prefix`
//                       itself if that exact name exists (stat needs no descriptor): the segment
//                       layer's "does this object still exist?" must not be answered "no" by a
//                       process that merely ran out of descriptors.
//
// Never throws (beyond std::bad_alloc from the strings), never crashes on a refusal of the
// kernel. One object per process; last_error() is for diagnostics and is not synchronised.
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>
#include <vector>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000  // Linux 4.17; older kernels ignore it (address checked)
#endif

namespace wc {

class PosixOs {
 public:
  struct Mapping {
    void* base = nullptr;
    std::uint64_t size = 0;
    bool created = false;
    std::uint64_t dev = 0, ino = 0;  // identity of the object mapped (same_object)
  };

  static constexpr const char* kShmDir = "/dev/shm";

  Mapping open(const std::string& name, std::uint64_t size, bool create, void* at) {
    if (size == 0 || !valid_name(name)) return fail(EINVAL);
    const long page = ::sysconf(_SC_PAGESIZE);
    if (at && reinterpret_cast<std::uintptr_t>(at) % std::uintptr_t(page > 0 ? page : 4096) != 0)
      return fail(EINVAL);
    const std::string path = "/" + name;
    int fd = -1;
    bool created = false;
    if (create) {
      fd = ::shm_open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (fd >= 0) {
        created = true;
        int e = 0;
        if (::fchmod(fd, 0600) != 0 || ::ftruncate(fd, off_t(size)) != 0) e = errno;
        if (e == 0) e = reserve(fd, size);
        if (e != 0) return undo_create(fd, path, e);
      } else if (errno != EEXIST) {
        return fail(errno);
      }
    }
    if (fd < 0) {
      fd = ::shm_open(path.c_str(), O_RDWR | O_CLOEXEC, 0);
      if (fd < 0) return fail(errno);
      struct stat st;
      if (::fstat(fd, &st) != 0) return close_fail(fd, errno);
      if (st.st_uid != ::geteuid() || (st.st_mode & 077) != 0) return close_fail(fd, EPERM);
      if (std::uint64_t(st.st_size) != size) {
        if (!(create && st.st_size == 0)) return close_fail(fd, EINVAL);
        if (::ftruncate(fd, off_t(size)) != 0) return close_fail(fd, errno);
        if (const int e = reserve(fd, size)) return close_fail(fd, e);
      }
    }
    struct stat id;
    const bool have_id = ::fstat(fd, &id) == 0;
    const int flags = MAP_SHARED | (at ? MAP_FIXED_NOREPLACE : 0);
    void* b = ::mmap(at, std::size_t(size), PROT_READ | PROT_WRITE, flags, fd, 0);
    const int e = errno;
    ::close(fd);
    if (b == MAP_FAILED) return created ? unlink_fail(path, e) : fail(e);
    if (at && b != at) {  // an old kernel took `at` as a hint
      ::munmap(b, std::size_t(size));
      return created ? unlink_fail(path, EEXIST) : fail(EEXIST);
    }
    Mapping m{b, size, created};
    if (have_id) {
      m.dev = std::uint64_t(id.st_dev);
      m.ino = std::uint64_t(id.st_ino);
    }
    return m;
  }

  // Does `name` still name the object `m` maps? (A closed registry left under its name by a
  // killed last leaver is removed only if so: never a newer object of the same name.)
  bool same_object(const std::string& name, const Mapping& m) const {
    if (!valid_name(name) || m.ino == 0) return false;
    struct stat st;
    if (::stat((std::string(kShmDir) + "/" + name).c_str(), &st) != 0) return false;
    return std::uint64_t(st.st_dev) == m.dev && std::uint64_t(st.st_ino) == m.ino;
  }

  Mapping create_local(std::uint64_t size) {
    if (size == 0) return fail(EINVAL);
    void* b = ::mmap(nullptr, std::size_t(size), PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (b == MAP_FAILED) return fail(errno);
    return Mapping{b, size, true};
  }

  void close(Mapping& m) {
    if (m.base) ::munmap(m.base, std::size_t(m.size));
    m = Mapping{};
  }

  void remove(const std::string& name) {
    if (!valid_name(name)) return;
    const int saved = errno;
    if (::shm_unlink(("/" + name).c_str()) != 0 && errno != ENOENT) last_error_ = errno;
    errno = saved;
  }

  std::vector<std::string> list(const std::string& prefix) {
    std::vector<std::string> out;
    DIR* d = ::opendir(kShmDir);
    if (!d) {
      // No descriptor to read the directory with (EMFILE, ENFILE...). The segment layer asks
      // list(exact name) to learn whether an object it cannot open still exists, and "no" would
      // make it drop a live segment: answer that question with stat(), which needs no
      // descriptor. A prefix sweep then sees less than there is, which only removes less.
      last_error_ = errno;
      struct stat st;
      if (valid_name(prefix) &&
          ::stat((std::string(kShmDir) + "/" + prefix).c_str(), &st) == 0)
        out.push_back(prefix);
      return out;
    }
    while (const dirent* ent = ::readdir(d)) {
      const std::string n = ent->d_name;
      if (n.empty() || n[0] == '.') continue;
      if (n.compare(0, prefix.size(), prefix) == 0) out.push_back(n);
    }
    ::closedir(d);
    return out;
  }

  // The errno of the last failure (0 if none yet).
  int last_error() const { return last_error_; }

  // Names as the segment layer makes them: [A-Za-z0-9_], no '/', at most NAME_MAX - 1.
  static bool valid_name(const std::string& name) {
    if (name.empty() || name.size() > 250 || name == "." || name == "..") return false;
    for (char c : name)
      if (c == '/' || c == 0) return false;
    return true;
  }

 private:
  // Commit the backing store now (tmpfs: ENOSPC instead of a later SIGBUS). Filesystems
  // without fallocate keep the sparse object.
  static int reserve(int fd, std::uint64_t size) {
    if (::fallocate(fd, 0, 0, off_t(size)) == 0) return 0;
    return (errno == EOPNOTSUPP || errno == ENOSYS) ? 0 : errno;
  }
  Mapping fail(int e) {
    last_error_ = e;
    return Mapping{};
  }
  Mapping close_fail(int fd, int e) {
    ::close(fd);
    return fail(e);
  }
  Mapping undo_create(int fd, const std::string& path, int e) {
    ::close(fd);
    return unlink_fail(path, e);
  }
  Mapping unlink_fail(const std::string& path, int e) {
    ::shm_unlink(path.c_str());
    return fail(e);
  }

  int last_error_ = 0;
};

}  // namespace wc
