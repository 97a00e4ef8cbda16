// core/fwatch.hpp: change detection with notifications (docs/design/files.md §3; FC-6..FC-8 in
// docs/invariants/fcache.md): the watch table (kWatch's keyed store with WatchPolicy,
// core/fcache.hpp) and what the owner's watcher thread does with an OS event, over the lease
// (core/watch_lease.hpp) and the file store. No OS header: the thread that runs the OS watcher
// (prims/*_watch.hpp) is the glue's (extension/watcher.cpp); this is what it calls, and what the
// property test (proptests/prop_fcache.cpp, notify mode) drives with modelled events.
//
// Any process (the request side):
//   dir_epoch(dir)   the directory's table state (its aux word): 0 = absent or requested (no OS
//                    watch yet), E = its watch was active before epoch E became current. A file
//                    of `dir` is trusted only if this equals the epoch the caller works in
//                    (FC-6). An absent directory is requested: added as kDirFiles with its
//                    ancestors as kDirAncestor (a rename of an ancestor is reported only to the
//                    ancestor's parent: FC-8), and the owner's thread is woken. A full table
//                    leaves it absent: its files are stat'ed at every use.
//   applied()        the lease's count of applied events (FC-6).
//
// The owner's thread:
//   for_each_dir(f)  f(dir, kind, aux) for every table entry (to add OS watches, re-mark).
//   mark(dir, from, epoch)  the OS watch of dir is in place: its aux from `from` to `epoch`.
//   on_event(kind, dir, dir_kind, name, is_dir)
//                    an event of the OS watcher on dir/name: bumps `applied` FIRST, then removes
//                    the file entry dir/name (a pinned entry is retired: a compile streaming it
//                    finishes on the old bytes; a removal the lock refuses is an overflow too);
//                    names that appeared or vanished, or any event on a directory: resolve_gen++ (every resolution computed before is stale,
//                    FC-7); dir/name itself a watched directory or an ancestor of one, appeared
//                    or vanished: epoch++ too (FC-8). In a kDirAncestor directory only that last
//                    case matters (other events are not applied: its files are nobody's).
//   on_dir_gone(dir) the OS dropped dir's watch (deleted, moved, unmounted): epoch++ and
//                    resolve_gen++, its aux back to 0 (re-added if it still exists).
//   on_overflow()    the OS queue overflowed: epoch++ and resolve_gen++ (the lease counts it).
//                    The thread then re-marks every directory it holds a watch for with the new
//                    epoch: every entry is re-validated by one stat, never trusted, never
//                    dropped (FC-7).
// After ANY epoch change (an overflow, a dir_gone, a refresh, a takeover) the thread re-marks
// what it holds: until it does, no file is trusted (its directory is not active in the epoch).
#pragma once

#include <cstdint>
#include <string>

#include "fcache.hpp"

namespace wc {

// Seeded bugs of the watcher's side (negative twins). NoFileWatchBugs ships.
struct NoFileWatchBugs {
  static constexpr bool drop_overflow = false;  // an overflow changes nothing (entries validated
                                                // before it stay trusted)
  static constexpr bool count_after_apply = false;  // an event is counted after its removal: a
                                                    // load between the two trusts old bytes
  static constexpr bool ignore_failed_remove = false;  // a removal the lock refused is dropped:
                                                       // the stale entry stays trusted
};

enum class DirEvent : std::uint8_t { changed, appeared, vanished };

template <class Lease, class WatchStore, class FileStore, class Bugs = NoFileWatchBugs>
class FileWatch {
 public:
  // `windows`: paths use '\\' too, and the file store's keys are lower-cased.
  FileWatch(Lease& lease, WatchStore& table, FileStore& files, bool windows = false)
      : l_(lease), t_(table), f_(files), win_(windows) {}

  Lease& lease() { return l_; }
  std::uint64_t applied() const { return l_.applied(); }

  std::uint64_t dir_epoch(unsigned slot, const std::string& dir, std::uint64_t now_ms) {
    if (dir.empty() || dir.size() > WatchStore::kMaxKey) return 0;
    std::uint64_t a = 0;
    char kind = 0;
    const CacheStatus st = t_.get_entry(slot, dir.data(), std::uint32_t(dir.size()), now_ms,
                                        [&](auto& v) {
                                          if (v.len >= 1) kind = v.bytes[0];
                                          a = v.aux.load(std::memory_order_acquire);
                                        });
    if (st == CacheStatus::ok && kind == kDirFiles) return a;
    request(slot, dir, now_ms, kind == kDirAncestor);
    return 0;
  }

  // Adds dir (kDirFiles; an ancestor entry is upgraded) and its ancestors (kDirAncestor): FC-8.
  void request(unsigned slot, const std::string& dir, std::uint64_t now_ms, bool upgrade) {
    bool added = put(slot, dir, kDirFiles, now_ms, upgrade);
    for (std::string a = parent(dir); !a.empty(); a = parent(a))
      if (!put(slot, a, kDirAncestor, now_ms, false)) break;  // there already (its own are too)
      else added = true;
    if (added) l_.request_watch();
  }

  template <class F>
  void for_each_dir(unsigned slot, std::uint64_t now_ms, F&& f) {
    t_.info(slot, now_ms, nullptr, 0, [&](const EntryInfo& e) {
      f(std::string(e.key, e.key_len), e.value_len >= 1 ? e.value[0] : kDirFiles, e.aux);
    });
  }
  bool mark(unsigned slot, const std::string& dir, std::uint64_t from, std::uint64_t epoch,
            std::uint64_t now_ms) {
    return t_.cas_aux(slot, dir.data(), std::uint32_t(dir.size()), now_ms, from, epoch);
  }
  void forget_dir(unsigned slot, const std::string& dir, std::uint64_t now_ms) {
    t_.remove(slot, dir.data(), std::uint32_t(dir.size()), now_ms);
  }

  // True if the event was applied (counted).
  bool on_event(unsigned slot, std::uint64_t now_ms, DirEvent kind, const std::string& dir,
                char dir_kind, const std::string& name, bool is_dir) {
    if (name.empty()) return false;  // the directory's own attributes: nothing of ours
    const std::string child = join(dir, name);
    const bool names = kind != DirEvent::changed;
    const bool watched_child =
        names && child.size() <= WatchStore::kMaxKey &&
        t_.present(slot, child.data(), std::uint32_t(child.size()));
    if (dir_kind == kDirAncestor && !watched_child) return false;
    if constexpr (!Bugs::count_after_apply) l_.note_applied();  // FC-6: before the removal
    if (dir_kind == kDirFiles) {
      const std::string key = file_key(child);
      const CacheStatus st = f_.remove(slot, key.data(), std::uint32_t(key.size()), now_ms);
      // The removal failed (the lock refused it: a misuse, which no caller should commit): the
      // entry is still there, stale. The event also counts as an overflow, which trusts nothing
      // validated before it (FC-7): the entry is served again only after a stat.
      if constexpr (!Bugs::ignore_failed_remove)
        if (st != CacheStatus::ok && st != CacheStatus::miss) l_.on_overflow();
    }
    if constexpr (Bugs::count_after_apply) l_.note_applied();
    if (names || is_dir) l_.on_names_changed();  // FC-7
    if (watched_child) {                         // FC-8: a watched path names something else
      l_.on_dir_gone();
      l_.on_names_changed();
    }
    return true;
  }
  void on_dir_gone(unsigned slot, const std::string& dir, std::uint64_t now_ms) {
    l_.note_applied();
    l_.on_dir_gone();
    l_.on_names_changed();
    std::uint64_t a = 0;
    if (t_.aux(slot, dir.data(), std::uint32_t(dir.size()), now_ms, &a) && a != 0)
      mark(slot, dir, a, 0, now_ms);
  }
  void on_overflow() {
    l_.note_applied();
    if constexpr (!Bugs::drop_overflow) l_.on_overflow();  // FC-7
  }

  // The file store's key of dir/name.
  std::string file_key(const std::string& path) const {
    if (!win_) return path;
    std::string k = path;
    for (char& c : k)
      if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    return k;
  }
  std::string join(const std::string& dir, const std::string& name) const {
    const char sep = win_ ? '\\' : '/';
    if (!dir.empty() && (dir.back() == '/' || dir.back() == '\\')) return dir + name;
    return dir + sep + name;
  }
  std::string parent(const std::string& dir) const {
    const std::string p = dir_of(dir, win_);
    return p == dir ? std::string() : p;
  }

 private:
  bool put(unsigned slot, const std::string& dir, char kind, std::uint64_t now_ms, bool replace) {
    if (dir.empty() || dir.size() > WatchStore::kMaxKey) return false;
    const CacheStatus st =
        t_.store(slot, dir.data(), std::uint32_t(dir.size()), ValueType::string_v, &kind, 1, 0,
                 now_ms, replace ? WatchStore::Mode::set : WatchStore::Mode::add, 0, 0);
    return st == CacheStatus::ok;
  }

  Lease& l_;
  WatchStore& t_;
  FileStore& f_;
  bool win_;
};

}  // namespace wc
