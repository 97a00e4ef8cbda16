// prims/posix_watch.hpp: DirWatcher, the file cache's directory watcher on Linux (inotify); the
// OS layer of docs/design/files.md §3. prims/win32_watch.hpp is the same class on Windows.
//
// What it is. One inotify instance (inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) and a table from
// watch descriptor to the directory paths it was added under. The owner of a group's watch
// lease runs it on ONE thread: add() the directories of the watch table, wait(), drain() the
// events into the caches. It never calls PHP and is not thread-safe (one thread owns it).
//
//   open()               the inotify instance; false with the reason (EMFILE:
//                        fs.inotify.max_user_instances, 128 by default, per user).
//   add(dir)             watches `dir` (an absolute, canonical path; the caller's key for it)
//                        non-recursively: IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB | IN_CREATE |
//                        IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF
//                        | IN_DONT_FOLLOW | IN_EXCL_UNLINK | IN_ONLYDIR. Returns the watch id
//                        (> 0), or -1 with the reason: ENOENT, EACCES, ENOTDIR (not a
//                        directory, or a symbolic link: IN_DONT_FOLLOW | IN_ONLYDIR), ENOSPC
//                        (fs.inotify.max_user_watches, per user across all its instances).
//                        Adding a path again returns the same id. Two paths of one directory
//                        (bind mounts) share the kernel's watch and so the id; each of its
//                        events is then delivered once per path.
//   remove(id)           drops the watch (and every path of it). Events of it still queued are
//                        skipped by drain(): the kernel allocates watch descriptors cyclically,
//                        so a removed id is not handed out again before ~2^31 more adds.
//   wait(timeout_ms)     poll() on the instance: ready (events to drain), timeout, or failed
//                        (reason set). A signal may end it early (reported as timeout). -1
//                        waits forever.
//   drain(on_event)      reads what is queued (up to kMaxReads buffers, then returns: the caller
//                        loops wait/drain, so a storm of events cannot starve its heartbeat) and
//                        calls on_event(const Event&) for each, in the kernel's order. Returns
//                        how many it delivered. on_event may call add() and remove(), never
//                        drain(); the Event's strings live until it returns.
//
// Events (Event::kind), for (dir as added, name in it; "" for the directory itself):
//   changed    IN_MODIFY, IN_CLOSE_WRITE, IN_ATTRIB: content or attributes (mode, owner, times,
//              link count) of `name`, or of the directory itself (name "").
//   appeared   IN_CREATE, IN_MOVED_TO: `name` now exists (a new file, the target of a rename
//              over it: the atomic deploy, or a symbolic link swapped in: `ln -sfn`).
//   vanished   IN_DELETE, IN_MOVED_FROM: `name` no longer exists under that name.
//   dir_gone   IN_DELETE_SELF, IN_MOVE_SELF, IN_IGNORED (the kernel dropped the watch: the
//              directory was removed, or its file system unmounted), IN_UNMOUNT: the path no
//              longer names the directory that was watched. The watch is forgotten (a moved
//              directory's watch is removed: it would report its new place under the old
//              path); the caller adds the path again if it still wants it. Reported once.
//   overflow   IN_Q_OVERFLOW (more than fs.inotify.max_queued_events were queued, 16384 by
//              default), or a read that failed or returned a malformed buffer: events were
//              lost, in any watched directory. The caller must treat everything as unknown
//              (design §3: epoch++). dir and name are "" and id is 0.
// is_dir: IN_ISDIR, the event's name is (or was) a directory; true for dir_gone and for a
// changed event on the directory itself.
//
// What inotify does not report, and the caller must know: a change through another path of a
// file (a hard link in an unwatched directory changes the file's content but the event goes to
// the directories watched around the NAME used); a rename or removal of an ANCESTOR of a
// watched directory (its path then names something else, and nothing is reported); changes on
// a network file system made by another host (NFS, SMB, 9p, virtiofs report local changes only);
// files under a mount point inside a watched directory. IN_EXCL_UNLINK: a name already unlinked
// reports nothing more (a file still open after its deletion).
//
// The instance is CLOEXEC but not fork-safe: a child forked after open() shares it. Open it in
// the process that runs the watcher, after any fork.
//
// Never throws (beyond std::bad_alloc from the strings and the table); last_error() /
// last_reason() say why a call failed.
#pragma once

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace wc {

// Seeded bugs of DirWatcher (negative twins: each drops what one test must see). NoWatchBugs
// ships.
struct NoWatchBugs {
  static constexpr bool drop_appeared = false;  // WinCache's: ADDED / RENAMED_NEW_NAME ignored
  static constexpr bool drop_overflow = false;  // a lost-events signal swallowed
};

// The event and wait types, outside the template: the same for every twin and for the caller.
enum class WatchKind : std::uint8_t { changed, appeared, vanished, dir_gone, overflow };
struct WatchEvent {
  WatchKind kind;
  bool is_dir;
  int id;                 // the watch (0 for overflow)
  std::string_view dir;   // as added ("" for overflow)
  std::string_view name;  // "" for the directory itself
};
enum class WatchWait : std::uint8_t { ready, timeout, failed };

template <class Bugs = NoWatchBugs>
class BasicDirWatcher {
 public:
  using Kind = WatchKind;
  using Event = WatchEvent;
  using Wait = WatchWait;

  static constexpr std::uint32_t kMask = IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB | IN_CREATE |
                                         IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO |
                                         IN_DELETE_SELF | IN_MOVE_SELF | IN_DONT_FOLLOW |
                                         IN_EXCL_UNLINK | IN_ONLYDIR;
  static constexpr unsigned kMaxReads = 16;  // buffers per drain()

  BasicDirWatcher() = default;
  BasicDirWatcher(const BasicDirWatcher&) = delete;
  BasicDirWatcher& operator=(const BasicDirWatcher&) = delete;
  ~BasicDirWatcher() { close(); }

  bool open() {
    if (fd_ >= 0) return true;
    fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd_ < 0)
      return fail(errno, errno == EMFILE ? "the inotify instance limit is reached "
                                           "(fs.inotify.max_user_instances)"
                                         : "inotify_init1 failed");
    return true;
  }
  bool is_open() const { return fd_ >= 0; }
  // Closes the instance: every watch goes with it.
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    dirs_.clear();
  }

  int add(const std::string& dir) {
    if (fd_ < 0) {
      fail(EBADF, "the watcher is not open");
      return -1;
    }
    if (dir.empty() || dir.find('\0') != std::string::npos) {
      fail(EINVAL, "not a path");
      return -1;
    }
    const int wd = ::inotify_add_watch(fd_, dir.c_str(), kMask);
    if (wd < 0) {
      const int e = errno;
      fail(e, e == ENOSPC   ? "the inotify watch limit is reached (fs.inotify.max_user_watches)"
              : e == ENOENT ? "the directory does not exist"
              : e == ENOTDIR ? "not a directory (or a symbolic link)"
              : e == EACCES  ? "the directory cannot be read"
                             : "inotify_add_watch failed");
      return -1;
    }
    std::vector<std::string>& paths = dirs_[wd];
    bool known = false;
    for (const std::string& p : paths) known = known || p == dir;
    if (!known) paths.push_back(dir);
    return wd;
  }

  // False if `id` is not a watch of ours (never added, removed, or reported dir_gone).
  bool remove(int id) {
    const auto it = dirs_.find(id);
    if (it == dirs_.end()) return fail(EINVAL, "no such watch");
    dirs_.erase(it);
    // EINVAL: the kernel dropped it already (its IN_IGNORED is queued): gone either way.
    if (fd_ >= 0 && ::inotify_rm_watch(fd_, id) != 0 && errno != EINVAL)
      return fail(errno, "inotify_rm_watch failed");
    return true;
  }

  // How many watches (ids) are held.
  std::size_t size() const { return dirs_.size(); }

  Wait wait(int timeout_ms) {
    if (fd_ < 0) {
      fail(EBADF, "the watcher is not open");
      return Wait::failed;
    }
    struct pollfd p = {fd_, POLLIN, 0};
    const int r = ::poll(&p, 1, timeout_ms);
    if (r > 0) return Wait::ready;
    if (r == 0 || errno == EINTR) return Wait::timeout;
    fail(errno, "poll on the inotify instance failed");
    return Wait::failed;
  }

  template <class OnEvent>
  std::size_t drain(OnEvent&& on_event) {
    std::size_t delivered = 0;
    if (fd_ < 0) return 0;
    for (unsigned round = 0; round < kMaxReads; ++round) {
      ssize_t n;
      do n = ::read(fd_, buf_, sizeof buf_);
      while (n < 0 && errno == EINTR);
      if (n < 0 && errno == EAGAIN) break;
      if (n <= 0) {  // EOF or an error: whatever was queued may be lost
        fail(n == 0 ? EIO : errno, "reading the inotify instance failed");
        delivered += overflow(on_event);
        break;
      }
      delivered += parse(std::size_t(n), on_event);
    }
    return delivered;
  }

  int last_error() const { return last_error_; }
  const char* last_reason() const { return reason_; }

 private:
  // Events of one read(): the kernel returns whole events only, but every length is checked
  // against what was read; a malformed tail is an overflow (what it held is unknown).
  template <class OnEvent>
  std::size_t parse(std::size_t n, OnEvent& on_event) {
    std::size_t delivered = 0;
    std::size_t off = 0;
    while (off < n) {
      if (n - off < sizeof(struct inotify_event)) return delivered + malformed(on_event);
      struct inotify_event ev;
      std::memcpy(&ev, buf_ + off, sizeof ev);
      if (n - off - sizeof ev < ev.len) return delivered + malformed(on_event);
      const char* np = buf_ + off + sizeof ev;
      off += sizeof ev + ev.len;
      if (ev.mask & IN_Q_OVERFLOW) {
        delivered += overflow(on_event);
        continue;
      }
      const std::string_view name(np, ev.len == 0 ? 0 : ::strnlen(np, ev.len));
      delivered += one(ev.wd, ev.mask, name, on_event);
    }
    return delivered;
  }

  template <class OnEvent>
  std::size_t one(int wd, std::uint32_t mask, std::string_view name, OnEvent& on_event) {
    const auto it = dirs_.find(wd);
    if (it == dirs_.end()) return 0;  // removed meanwhile (or its dir_gone was reported)
    Kind kind;
    bool gone = false;
    if (mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED | IN_UNMOUNT)) {
      kind = Kind::dir_gone;
      gone = true;
    } else if (mask & (IN_CREATE | IN_MOVED_TO)) {
      if (Bugs::drop_appeared) return 0;
      kind = Kind::appeared;
    } else if (mask & (IN_DELETE | IN_MOVED_FROM)) {
      kind = Kind::vanished;
    } else if (mask & (IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB)) {
      kind = Kind::changed;
    } else {
      return 0;  // nothing we asked for
    }
    const bool is_dir = gone || (mask & IN_ISDIR) != 0 || name.empty();
    // The paths are copied: on_event may add or remove watches (this one too).
    paths_ = it->second;
    if (gone) {
      dirs_.erase(it);
      // A moved directory is still watched by the kernel, at its new place: drop that.
      if (mask & IN_MOVE_SELF) ::inotify_rm_watch(fd_, wd);
      name = std::string_view();
    }
    // name points into buf_, which only drain() (never called from on_event) overwrites.
    for (const std::string& p : paths_) on_event(Event{kind, is_dir, wd, p, name});
    return paths_.size();
  }

  template <class OnEvent>
  std::size_t overflow(OnEvent& on_event) {
    if (Bugs::drop_overflow) return 0;
    on_event(Event{Kind::overflow, false, 0, std::string_view(), std::string_view()});
    return 1;
  }
  template <class OnEvent>
  std::size_t malformed(OnEvent& on_event) {
    fail(EIO, "the inotify instance returned a malformed event");
    return overflow(on_event);
  }

  bool fail(int e, const char* why) {
    last_error_ = e;
    reason_ = why;
    return false;
  }

  int fd_ = -1;
  std::unordered_map<int, std::vector<std::string>> dirs_;  // watch descriptor -> paths added
  std::vector<std::string> paths_;  // the paths of the event being delivered (a copy)
  alignas(struct inotify_event) char buf_[64 * 1024];
  int last_error_ = 0;
  const char* reason_ = "";
};

using DirWatcher = BasicDirWatcher<>;

}  // namespace wc
