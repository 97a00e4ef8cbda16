// prims/posix_os.hpp: PosixOs, the segment layer's Os on Linux (the contract is at the top of
// core/registry.hpp): shared memory as regular files in a per-user directory of a tmpfs.
//
// Why a directory. shm_open puts every object flat in /dev/shm, a directory every local user
// may write (mode 1777). Our names are predictable, so another user could create them first
// (or symlinks under them): we would refuse those objects (not ours) and fall back to a
// private cache and a private lock table, a lock that silently stops excluding. Instead every
// object of a user lives in ONE directory that only that user can write, found and verified
// once per Os object; mmap of a regular file on tmpfs is exactly what shm_open does.
//
// The directory: <root>/wincache-<euid>, root = "/dev/shm" by default.
//   Resolution. The names wincache-<euid>, wincache-<euid>.1, ... wincache-<euid>.4095 form a
//     chain. The directory is the FIRST name of the chain that is a real directory owned by our
//     euid; if there is none (and the caller creates), it is made at the first name that does
//     not exist. Everything else (a symlink, a regular file, another owner's directory) is
//     squatted and skipped. Every process of the user applies the same rule to the same names,
//     so all of them reach the same directory. "The first of ours" rather than "the first free
//     or ours" matters when a squatter REMOVES its squat: our directory then sits at .1 behind
//     a free base name, and a new process must still find .1 rather than make a second
//     directory (a split cache and lock table). Finding "the first of ours" reads the root once
//     (readdir) unless the base name itself is ours (the common case: one open).
//   Past the cap (every name squatted): a clear failure (EEXIST, last_reason()), never an
//     unsafe directory.
//   Checks, all on file descriptors (no check-then-use of a path): openat(root, name,
//     O_PATH | O_DIRECTORY | O_NOFOLLOW) (a symlink or a non-directory fails ENOTDIR: skipped,
//     never followed), fstat: S_ISDIR and st_uid == geteuid(), else skipped; then the directory
//     is opened for reading through that descriptor (openat(fd, ".")), and a mode other than
//     0700 (a looser one, or one the umask narrowed) is set to 0700 with fchmod (a looser one
//     counts as a repair, for the log). Creation is
//     mkdirat(root, name, 0700); EEXIST means someone was faster: inspect again.
//   The root must be a directory owned by root or by us, and if group or others may write it,
//     it must be sticky (as /dev/shm is): in a sticky directory nobody but the owner of an
//     entry (and root) can remove or rename it, so a name verified as ours stays ours.
//   The descriptor is kept for the Os object's life (closed by the destructor; the class is
//     neither copyable nor movable). Before each use, fstat tells whether the directory was
//     removed meanwhile (st_nlink == 0, see remove) or the effective uid changed: then it is
//     resolved again.
//
// The objects, inside the directory:
//   open(name, size, create, at)
//     create: openat(dir, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW, 0600), fchmod(fd, 0600)
//       (the umask may only have narrowed the mode; this makes it exactly owner read/write),
//       ftruncate to `size` (the kernel zero-fills), and fallocate of the whole range, so that a
//       full tmpfs is a clear ENOSPC failure now rather than a SIGBUS at some later first touch.
//       If the name exists (EEXIST), it is opened as below: "create if missing". Only a creating
//       open makes the directory; every other operation on a user without one finds nothing.
//     existing: openat(dir, name, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY) (a symlink:
//       EPERM; a FIFO or a device node opens without waiting and is refused next), then fstat:
//       it must be a regular file of our effective uid that grants nothing to group or others
//       (EPERM otherwise: nobody else can write our directory, so such an object is debris of
//       ours or root's, never something to share through), and its size must be `size`
//       (another geometry: EINVAL). A size of 0 with `create` is a creator caught (or killed)
//       between its O_EXCL open and its ftruncate: we size it ourselves, which is idempotent
//       because every creator uses the same size and nobody could have written to a 0-byte
//       object. Such a refusal is final for a plain open (the segment layer then falls back
//       with the reason); a CREATING open instead replaces the entry (OBJ-REPLACE, at
//       replace()): it is none of our live objects, so it is unlinked (never opened for use,
//       never mapped) under a flock of the directory, and ours is created in its place;
//       repairs() / last_repair() count and say what was found, for the log.
//     at == nullptr: mmap(MAP_SHARED) anywhere. at != nullptr: mmap(at, MAP_SHARED |
//       MAP_FIXED_NOREPLACE) and the returned address must equal `at` (kernels before 4.17
//       ignore the flag and treat `at` as a hint): otherwise unmap and fail. Plain MAP_FIXED is
//       never used: it would silently replace whatever this process has mapped there.
//     A failure is base == nullptr (errno-style reason in last_error(), a sentence in
//     last_reason()); an object this call created is unlinked again when the call fails (and
//     the directory too if that left it empty), so a failed open() leaves nothing behind.
//   create_local(size)  mmap(MAP_PRIVATE | MAP_ANONYMOUS): zero-filled, process-private.
//   close(m)            munmap.
//   remove(name)        unlinkat (a missing name is not an error); the memory goes with the
//                       last mapping. Then, if the directory is now empty, it is removed too
//                       (rmdir; ENOTEMPTY, EBUSY, ENOENT are ignored), so an orderly stop leaves
//                       nothing under the root.
//   list(prefix)        readdir of the directory, the names that start with `prefix` (no
//                       directory: none). Without a file descriptor to read it (EMFILE), it still
//                       reports `prefix` itself if that exact name exists (fstatat on the kept
//                       descriptor needs no new one): the segment layer's "does this object still
//                       exist?" must not be answered "no" by a process that merely ran out of
//                       descriptors.
//   same_object(name, m) fstatat(dir, name, AT_SYMLINK_NOFOLLOW) has the dev/ino of `m`.
//
// The race of the directory's removal. Process A holds the descriptor of an empty directory; B
// removes the last object and then the directory; another user squats the base name at once.
// A's next create through the dead descriptor fails with ENOENT (the kernel refuses entries in
// a removed directory): A resolves again, skips the squat like everyone else, and retries
// (bounded). A cannot create anything in the removed directory, so no object is ever stranded
// where other processes cannot find it.
//
// What is NOT prevented. Two processes that resolve at the same moment while NO directory of
// ours exists, and a squatter that removes its squat exactly between their two readings of the
// root, can end up in two directories (the first made .1 while the base name was squatted, the
// second made the base name after it was freed). Closing that window needs a lock that every
// process of the user can take before any directory of the user exists, i.e. one in the
// world-writable root, which another user could hold forever; we accept the window instead.
//
// Never throws (beyond std::bad_alloc from the strings), never crashes on a refusal of the
// kernel. One object per group (core/registry.hpp); last_error() and last_reason() are for
// diagnostics and are not synchronised.
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
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

  static constexpr const char* kDefaultRoot = "/dev/shm";
  // Names of the chain: wincache-<euid> and wincache-<euid>.1 .. .(kMaxDirs - 1).
  static constexpr unsigned kMaxDirs = 4096;
  // How often one operation resolves the directory again (it vanished, a name changed under
  // us) before it gives up: each round needs another process to act in a window of a few
  // system calls.
  static constexpr unsigned kRounds = 8;
  // How long a creating open waits for the directory's lock before it replaces an unusable
  // entry (OBJ-REPLACE): held only for a few system calls by processes of this user, so only
  // root holding it on purpose makes the wait run out.
  static constexpr unsigned kLockWaitMs = 2000;

  explicit PosixOs(std::string root = kDefaultRoot) : root_(std::move(root)) {}
  ~PosixOs() { close_dir(); }
  PosixOs(const PosixOs&) = delete;
  PosixOs& operator=(const PosixOs&) = delete;

  Mapping open(const std::string& name, std::uint64_t size, bool create, void* at) {
    if (size == 0 || !valid_name(name)) return fail(EINVAL, "invalid object name or size");
    const long page = ::sysconf(_SC_PAGESIZE);
    if (at && reinterpret_cast<std::uintptr_t>(at) % std::uintptr_t(page > 0 ? page : 4096) != 0)
      return fail(EINVAL, "misaligned fixed address");
    int fd = -1;
    bool created = false;
    for (unsigned round = 0;; ++round) {
      Why why;
      const int dfd = dir_fd(create, &why);
      if (dfd < 0) return fail(why.e, why.e == ENOENT && !create ? "no such object" : why.what);
      const bool last = round + 1 >= kRounds;
      if (create) {
        fd = ::openat(dfd, name.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0) {
          created = true;
          int e = 0;
          if (::fchmod(fd, 0600) != 0 || ::ftruncate(fd, off_t(size)) != 0) e = errno;
          if (e == 0) e = reserve(fd, size);
          if (e != 0) {
            ::close(fd);
            return unlink_fail(name, e, "the new object could not be sized (memory full?)");
          }
          break;
        }
        if (errno == ENOENT && !last) {  // the directory was removed under us
          close_dir();
          continue;
        }
        if (errno != EEXIST) return fail(errno, "the object could not be created");
      }
      // O_NONBLOCK | O_NOCTTY: whatever sits at the name is opened without waiting for a peer
      // (a FIFO) or becoming our terminal (a device node root put there); it is refused below.
      fd = ::openat(dfd, name.c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
      if (fd < 0) {
        const int e = errno;
        // ENOENT: the object is missing, or our directory was removed and someone made a new one
        // (a creating open also lands here when the object vanished after its EEXIST).
        if (e == ENOENT && !last && (create || dir_stale())) {
          if (dir_stale()) close_dir();
          continue;
        }
        const char* what = e == ELOOP    ? "a symbolic link sits at the object's name"
                           : e == EISDIR ? "a directory sits at the object's name"
                           : e == ENOENT ? "no such object"
                                         : "the object could not be opened";
        // A creating open replaces what cannot be an object of ours (OBJ-REPLACE below).
        if (create && !last && e != ENOENT) {
          struct stat st;
          if (::fstatat(dfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;  // gone
          if (!our_private_file(st)) {
            if (replace(dfd, name, st, what)) continue;
            return fail(last_error_, reason_);
          }
          // A private file of ours we may not open: a creator between its O_EXCL open (mode
          // 0600 narrowed by a umask) and its fchmod. Give it a moment and look again.
          ::usleep(1000);
          continue;
        }
        return fail(e == ELOOP ? EPERM : e, what);
      }
      if (created) break;
      struct stat st;
      if (::fstat(fd, &st) != 0) return close_fail(fd, errno, "fstat of the object failed");
      const char* bad = nullptr;
      int bad_e = 0;
      if (!our_private_file(st)) {
        bad = "the object is not a private regular file of this user";
        bad_e = EPERM;
      } else if (std::uint64_t(st.st_size) != size && !(create && st.st_size == 0)) {
        bad = "the object has another size";
        bad_e = EINVAL;
      }
      if (bad) {
        ::close(fd);
        fd = -1;
        if (create && !last) {
          if (replace(dfd, name, st, bad)) continue;
          return fail(last_error_, reason_);
        }
        return fail(bad_e, bad);
      }
      if (std::uint64_t(st.st_size) != size) {
        // Size 0 with `create`: a creator caught (or killed) between its O_EXCL open and its
        // ftruncate; every creator uses the same size and nobody wrote to a 0-byte object.
        if (::ftruncate(fd, off_t(size)) != 0)
          return close_fail(fd, errno, "the object could not be sized");
        if (const int e = reserve(fd, size))
          return close_fail(fd, e, "the object could not be sized (memory full?)");
      }
      break;
    }
    struct stat id;
    const bool have_id = ::fstat(fd, &id) == 0;
    const int flags = MAP_SHARED | (at ? MAP_FIXED_NOREPLACE : 0);
    void* b = ::mmap(at, std::size_t(size), PROT_READ | PROT_WRITE, flags, fd, 0);
    const int e = errno;
    ::close(fd);
    if (b == MAP_FAILED)
      return created ? unlink_fail(name, e, "mmap refused") : fail(e, "mmap refused");
    if (at && b != at) {  // an old kernel took `at` as a hint
      ::munmap(b, std::size_t(size));
      return created ? unlink_fail(name, EEXIST, "the fixed address is taken")
                     : fail(EEXIST, "the fixed address is taken");
    }
    Mapping m{b, size, created};
    if (have_id) {
      m.dev = std::uint64_t(id.st_dev);
      m.ino = std::uint64_t(id.st_ino);
    }
    return m;
  }

  // Does `name` still name the object `m` maps? (A closed registry left under its name by a
  // killed last leaver is removed only if so: never a newer object of the same name.) A removed
  // directory holds no names, so a stale descriptor answers no, rightly.
  bool same_object(const std::string& name, const Mapping& m) const {
    if (!valid_name(name) || m.ino == 0 || dirfd_ < 0) return false;
    struct stat st;
    if (::fstatat(dirfd_, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return false;
    return std::uint64_t(st.st_dev) == m.dev && std::uint64_t(st.st_ino) == m.ino;
  }

  Mapping create_local(std::uint64_t size) {
    if (size == 0) return fail(EINVAL, "invalid size");
    void* b = ::mmap(nullptr, std::size_t(size), PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (b == MAP_FAILED) return fail(errno, "private mmap refused");
    return Mapping{b, size, true};
  }

  void close(Mapping& m) {
    if (m.base) ::munmap(m.base, std::size_t(m.size));
    m = Mapping{};
  }

  void remove(const std::string& name) {
    if (!valid_name(name)) return;
    const int saved = errno;
    Why why;
    const int dfd = dir_fd(false, &why);
    if (dfd < 0 && why.e != ENOENT) {
      last_error_ = why.e;
      reason_ = why.what;
    }
    if (dfd >= 0) {
      if (::unlinkat(dfd, name.c_str(), 0) != 0 && errno != ENOENT) last_error_ = errno;
      remove_dir_if_empty();
    }
    errno = saved;
  }

  std::vector<std::string> list(const std::string& prefix) {
    std::vector<std::string> out;
    const int saved = errno;
    Why why;
    const int dfd = dir_fd(false, &why);
    if (dfd < 0) {  // no directory (ENOENT): no objects; anything else: a failure to report
      if (why.e != ENOENT) {
        last_error_ = why.e;
        reason_ = why.what;
      }
      errno = saved;
      return out;
    }
    const int fd = ::openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR* d = fd >= 0 ? ::fdopendir(fd) : nullptr;
    if (!d) {
      // No descriptor to read the directory with (EMFILE, ENFILE...). The segment layer asks
      // list(exact name) to learn whether an object it cannot open still exists, and "no" would
      // make it drop a live segment: answer that question with fstatat on the descriptor we
      // keep. A prefix sweep then sees less than there is, which only removes less.
      last_error_ = errno;
      reason_ = "the per-user directory cannot be read";
      if (fd >= 0) ::close(fd);
      struct stat st;
      if (valid_name(prefix) && ::fstatat(dfd, prefix.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0)
        out.push_back(prefix);
      errno = saved;
      return out;
    }
    while (const dirent* ent = ::readdir(d)) {
      const std::string n = ent->d_name;
      if (n.empty() || n[0] == '.') continue;
      if (n.compare(0, prefix.size(), prefix) == 0) out.push_back(n);
    }
    ::closedir(d);
    errno = saved;
    return out;
  }

  // The errno of the last failure (0 if none yet).
  int last_error() const { return last_error_; }
  // Why, in a few words, for a process that has to say why it could not share ("" if no
  // failure yet). A static string.
  const char* last_reason() const { return reason_; }
  // How many times this object repaired what it found (an unusable entry at an object's name
  // replaced, the directory's mode set to 0700), and what the last repair found ("" if none):
  // a static string, for the log of a process that found its objects tampered with.
  unsigned repairs() const { return repairs_; }
  const char* last_repair() const { return repair_; }
  // The directory in use ("" before the first resolution, after a failed one, and after this
  // object removed the directory because it became empty).
  const std::string& dir() const { return dir_; }
  const std::string& root() const { return root_; }

  // Names as the segment layer makes them: [A-Za-z0-9_], no '/', at most NAME_MAX - 1.
  // The verified directory itself, for a caller that keeps regular files in it (the session
  // backing, prims/posix_session_files.hpp): its descriptor (resolved, and made if `create`),
  // or -1 with last_error()/last_reason() set. Valid until the next call of any member; a
  // caller that gets ENOENT from a create through it calls again (the directory was removed).
  int directory(bool create) {
    Why why;
    const int fd = dir_fd(create, &why);
    if (fd < 0) {
      last_error_ = why.e;
      reason_ = why.what;
    }
    return fd;
  }
  // After the caller removed a file of the directory: remove the directory if it is now empty.
  void tidy() { remove_dir_if_empty(); }

  static bool valid_name(const std::string& name) {
    if (name.empty() || name.size() > 250 || name == "." || name == "..") return false;
    for (char c : name)
      if (c == '/' || c == 0) return false;
    return true;
  }

  // The name of link `index` of the chain for user `euid` (see the top of the file).
  static std::string dir_name(unsigned long euid, unsigned index) {
    char buf[64];
    if (index == 0)
      std::snprintf(buf, sizeof buf, "wincache-%lu", euid);
    else
      std::snprintf(buf, sizeof buf, "wincache-%lu.%u", euid, index);
    return buf;
  }

 private:
  enum class Probe { ours, squatted, absent, error };
  // A failure of the directory's resolution: errno and a few words.
  struct Why {
    int e = 0;
    const char* what = "";
    void set(int err, const char* w) {
      e = err;
      what = w;
    }
  };

  // The directory's descriptor, resolved (and, with `create`, made) if needed; -1 if there is
  // none, *why saying why (ENOENT: no directory of ours exists and `create` is false).
  int dir_fd(bool create, Why* why) {
    if (dirfd_ >= 0 && (dir_stale() || ::geteuid() != euid_)) close_dir();
    if (dirfd_ >= 0) return dirfd_;
    *why = resolve(create);
    return dirfd_;
  }

  bool dir_stale() const {
    struct stat st;
    return dirfd_ < 0 || ::fstat(dirfd_, &st) != 0 || st.st_nlink == 0;
  }

  void close_dir() {
    if (dirfd_ >= 0) ::close(dirfd_);
    dirfd_ = -1;
    dir_.clear();
  }

  Why resolve(bool create) {
    close_dir();
    Why why;
    const uid_t euid = ::geteuid();
    // O_PATH: searching the root needs x only; a root we may not list (a 1733 session save
    // path, like Debian's /var/lib/php/sessions) still works (scan() probes then).
    const int rootfd = ::open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0) {
      why.set(errno, "the shared-memory root cannot be opened");
      return why;
    }
    struct stat rs;
    if (::fstat(rootfd, &rs) != 0) {
      why.set(errno, "the shared-memory root cannot be inspected");
    } else if ((rs.st_uid != 0 && rs.st_uid != euid) ||
               ((rs.st_mode & (S_IWGRP | S_IWOTH)) != 0 && (rs.st_mode & S_ISVTX) == 0)) {
      why.set(EPERM, "the shared-memory root is writable by others and not sticky");
    } else {
      int made = -1;  // the index this call created, if any
      for (unsigned round = 0; round < kRounds && dirfd_ < 0 && why.e == 0; ++round) {
        // The common case: the base name is our directory.
        Probe p = probe(rootfd, euid, 0, why);
        if (p == Probe::error || p == Probe::ours) break;
        std::vector<bool> present;
        if (!scan(rootfd, euid, present, why)) break;
        int first_absent = -1;
        for (unsigned i = 0; i < kMaxDirs && p != Probe::ours && p != Probe::error; ++i) {
          p = present[i] ? probe(rootfd, euid, i, why) : Probe::absent;
          if (p == Probe::absent && first_absent < 0) first_absent = int(i);
        }
        if (p == Probe::error || p == Probe::ours) break;
        if (!create) {
          why.set(ENOENT, "no directory of this user exists");
        } else if (first_absent < 0) {
          why.set(EEXIST, "every per-user directory name is taken by another user");
        } else {
          const std::string n = dir_name(euid, unsigned(first_absent));
          if (::mkdirat(rootfd, n.c_str(), 0700) == 0)
            made = first_absent;
          else if (errno != EEXIST)
            why.set(errno, "the per-user directory cannot be created");
          // Made, or someone was faster: the next round inspects it like any other name.
        }
      }
      if (dirfd_ < 0 && why.e == 0) why.set(EAGAIN, "the per-user directory kept changing");
      // A directory this call made but did not end up in (a lower one of ours appeared, or
      // the resolution failed): drop it while it is empty.
      if (made >= 0 && dir_ != root_ + "/" + dir_name(euid, unsigned(made)))
        ::unlinkat(rootfd, dir_name(euid, unsigned(made)).c_str(), AT_REMOVEDIR);
    }
    ::close(rootfd);
    return why;
  }

  // Which links of the chain exist in the root (whatever they are): present[i].
  static bool scan(int rootfd, uid_t euid, std::vector<bool>& present, Why& why) {
    present.assign(kMaxDirs, false);
    const int fd = ::openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR* d = fd >= 0 ? ::fdopendir(fd) : nullptr;
    if (!d && errno == EACCES) {
      // A root we may search but not list: every name of the chain is looked at (fstatat needs
      // no read permission), at most kMaxDirs calls, and only when the base name is not ours.
      if (fd >= 0) ::close(fd);
      for (unsigned i = 0; i < kMaxDirs; ++i) {
        struct stat st;
        present[i] = ::fstatat(rootfd, dir_name(euid, i).c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
      }
      return true;
    }
    if (!d) {
      why.set(errno, "the shared-memory root cannot be read");
      if (fd >= 0) ::close(fd);
      return false;
    }
    const std::string base = dir_name(euid, 0);
    while (const dirent* ent = ::readdir(d)) {
      const std::string n = ent->d_name;
      if (n.compare(0, base.size(), base) != 0) continue;
      if (n.size() == base.size()) {
        present[0] = true;
        continue;
      }
      // ".<index>", canonical decimal (no sign, no leading zero), 1 .. kMaxDirs - 1
      if (n[base.size()] != '.' || n.size() == base.size() + 1 || n[base.size() + 1] == '0' ||
          n.size() > base.size() + 5)
        continue;
      unsigned v = 0;
      bool digits = true;
      for (std::size_t i = base.size() + 1; i < n.size(); ++i) {
        if (n[i] < '0' || n[i] > '9') digits = false;
        v = v * 10 + unsigned(n[i] - '0');
      }
      if (digits && v < kMaxDirs) present[v] = true;
    }
    ::closedir(d);
    return true;
  }

  // Inspects link `index`; on Probe::ours the directory is adopted (dirfd_, dir_, euid_).
  Probe probe(int rootfd, uid_t euid, unsigned index, Why& why) {
    const std::string n = dir_name(euid, index);
    // O_PATH: no permission needed on the entry itself, so another user's directory is seen
    // (and skipped) rather than refused with EACCES; O_NOFOLLOW | O_DIRECTORY: a symlink, a
    // regular file or anything else but a directory fails with ENOTDIR (ELOOP on some kernels).
    const int pfd = ::openat(rootfd, n.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (pfd < 0) {
      if (errno == ENOENT) return Probe::absent;
      if (errno == ENOTDIR || errno == ELOOP) return Probe::squatted;
      why.set(errno, "a per-user directory name cannot be inspected");
      return Probe::error;
    }
    struct stat st;
    if (::fstat(pfd, &st) != 0) {
      why.set(errno, "a per-user directory cannot be inspected");
      ::close(pfd);
      return Probe::error;
    }
    if (!S_ISDIR(st.st_mode) || st.st_uid != euid) {
      ::close(pfd);
      return Probe::squatted;
    }
    // Ours. Open it for reading through the descriptor just checked (no second lookup of the
    // name). A umask that took our own read permission makes that fail: repair the mode through
    // /proc/self/fd, which names exactly the inode we hold, and try again.
    int fd = ::openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 && errno == EACCES) {
      char path[64];
      std::snprintf(path, sizeof path, "/proc/self/fd/%d", pfd);
      if (::chmod(path, 0700) == 0) fd = ::openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }
    const int e = errno;
    ::close(pfd);
    if (fd < 0) {
      why.set(e, "the per-user directory cannot be opened");
      return Probe::error;
    }
    struct stat fs;
    if (::fstat(fd, &fs) != 0 || fs.st_dev != st.st_dev || fs.st_ino != st.st_ino) {
      ::close(fd);
      why.set(EAGAIN, "the per-user directory changed while it was opened");
      return Probe::error;
    }
    if (fs.st_nlink == 0) {  // removed meanwhile (its last object's remover took it)
      ::close(fd);
      return Probe::absent;
    }
    if ((fs.st_mode & 07777) != 0700) {
      if (::fchmod(fd, 0700) != 0) {
        why.set(errno, "the per-user directory's mode cannot be set to 0700");
        ::close(fd);
        return Probe::error;
      }
      if ((fs.st_mode & 077) != 0) {  // a narrower mode is our umask's doing: no news
        ++repairs_;
        repair_ = "the per-user directory had a looser mode than 0700";
      }
    }
    dirfd_ = fd;
    euid_ = euid;
    dir_ = root_ + "/" + n;
    return Probe::ours;
  }

  // After a removal: the directory goes too if it is empty. The name is removed only while it
  // still names the directory we hold (in a sticky root nobody else can have replaced it, but
  // root or another process of ours could have). Whoever still holds its descriptor resolves
  // again on its next use (dir_stale) or gets ENOENT from a create (see open).
  void remove_dir_if_empty() {
    if (dirfd_ < 0 || dir_.empty()) return;
    struct stat mine, named;
    if (::fstat(dirfd_, &mine) != 0 || ::lstat(dir_.c_str(), &named) != 0) return;
    if (mine.st_dev != named.st_dev || mine.st_ino != named.st_ino) return;
    if (::rmdir(dir_.c_str()) == 0) close_dir();  // ENOTEMPTY, EBUSY, ENOENT: leave it
  }

  // What an object of ours is: a regular file of our effective uid that grants nothing to group
  // or others (the mode of our own creations is exactly 0600, or narrower for an instant).
  static bool our_private_file(const struct stat& st) {
    return S_ISREG(st.st_mode) && st.st_uid == ::geteuid() && (st.st_mode & 077) == 0;
  }

  // OBJ-REPLACE. A creating open found something at `name` that it cannot use: not a private
  // regular file of ours (another owner's file root planted, a loose mode, a symlink, a FIFO, a
  // socket, a device node, an empty directory), or one of another size (a different build, a
  // truncation). It is none of our live objects: our creators make 0600 files of the one size
  // every creator of the name uses. Nobody but this user and root can write our 0700
  // directory, so we may remove the entry whoever owns it (it is never opened, let alone
  // mapped), and create ours. Two processes of ours may judge the same entry at once: each
  // replaces it only under an exclusive flock of the directory, and only while the name still
  // names the inode it judged (`seen`), so none removes an object another one has just
  // created. The lock is only taken here, by processes of this user (and root, who can hold it
  // to no end: then we give up after kLockWaitMs, a clear failure and never a hang). The
  // reason is kept for the log (last_repair(), repairs()). False: could not (reason set).
  bool replace(int dfd, const std::string& name, const struct stat& seen, const char* why) {
    bool locked = false;
    for (unsigned waited = 0;; ++waited) {
      if (::flock(dfd, LOCK_EX | LOCK_NB) == 0) {
        locked = true;
        break;
      }
      if ((errno != EWOULDBLOCK && errno != EINTR) || waited >= kLockWaitMs) break;
      ::usleep(1000);
    }
    if (!locked) {
      fail(errno == EWOULDBLOCK ? EAGAIN : errno,
           "an unusable object sits at the name and the directory stayed locked");
      return false;
    }
    struct stat now;
    bool ok = true;
    if (::fstatat(dfd, name.c_str(), &now, AT_SYMLINK_NOFOLLOW) == 0 && now.st_dev == seen.st_dev &&
        now.st_ino == seen.st_ino) {
      if (::unlinkat(dfd, name.c_str(), S_ISDIR(now.st_mode) ? AT_REMOVEDIR : 0) == 0) {
        ++repairs_;
        repair_ = why;
      } else if (errno != ENOENT) {
        fail(errno, S_ISDIR(now.st_mode)
                        ? "a directory that is not empty sits at the object's name"
                        : "an unusable object sits at the name and cannot be removed");
        ok = false;
      }
    }  // else gone or replaced meanwhile: look again
    ::flock(dfd, LOCK_UN);
    return ok;
  }

  // Commit the backing store now (tmpfs: ENOSPC instead of a later SIGBUS). Filesystems
  // without fallocate keep the sparse object.
  static int reserve(int fd, std::uint64_t size) {
    if (::fallocate(fd, 0, 0, off_t(size)) == 0) return 0;
    return (errno == EOPNOTSUPP || errno == ENOSYS) ? 0 : errno;
  }
  Mapping fail(int e, const char* why) {
    last_error_ = e;
    reason_ = why;
    return Mapping{};
  }
  Mapping close_fail(int fd, int e, const char* why) {
    ::close(fd);
    return fail(e, why);
  }
  Mapping unlink_fail(const std::string& name, int e, const char* why) {
    if (dirfd_ >= 0) {
      ::unlinkat(dirfd_, name.c_str(), 0);
      remove_dir_if_empty();
    }
    return fail(e, why);
  }

  std::string root_;
  std::string dir_;      // root_ + "/" + the chain link in use; "" while dirfd_ < 0
  int dirfd_ = -1;       // the directory, O_RDONLY | O_DIRECTORY, verified ours
  uid_t euid_ = 0;       // the effective uid it was resolved for
  int last_error_ = 0;
  const char* reason_ = "";
  unsigned repairs_ = 0;     // entries replaced, directory modes set (OBJ-REPLACE, probe)
  const char* repair_ = "";  // what the last repair found (a static string)
};

}  // namespace wc
