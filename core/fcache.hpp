// core/fcache.hpp: the file cache and the resolve-path cache: three policies of the one keyed
// store (core/store.hpp), the value formats they keep, and the trust rule by which a cached file
// is served, re-checked or reloaded (docs/design/files.md §1, §2, §4; FC-n in
// docs/invariants/fcache.md).
//
//   FilePolicy      kFiles: canonical absolute path -> FileMeta + the file's bytes. A ttl counts
//                   from the last use (wincache.ttlmax); reads are pinned (the bytes are streamed
//                   to the compiler straight from the segment, so a removal retires the entry
//                   until the stream is closed); a full store evicts the least recently used
//                   files (WinCache stopped caching instead). The epoch is the watcher lease's
//                   (core/watch_lease.hpp, in kWatch), passed in FileParams.
//   ResolvePolicy   kResolve: (input path, cwd, executing script's directory, include_path,
//                   open_basedir) -> canonical path; aux: resolve_gen and the time. A ttl counts
//                   from the store.
//   WatchPolicy     kWatch's table of watched directories (core/fwatch.hpp).
//   MissingPolicy   kMissing: the same key -> {} for an input that did not resolve; a brief ttl
//                   (kMissMs) in a small segment: bounded in time and in number.
//
// The trust rule, per mode (docs/invariants/fcache.md):
//   notifications (fcndetect=1 and a watcher owns the group and beats; FileParams::notify): an
//     entry is served without a system call iff it was validated under an active watch of its
//     directory in the current epoch (watch_trusted, FC-6); otherwise one stat, and the CAS
//     after it sets the `watched` bit only if the directory was active before the stat and no
//     event was applied across it. A load is stored untrusted, then trusted by the same rule
//     (active before the open, no event applied until after the store).
//   polling (fcndetect=0, or fcndetect=1 while no watcher beats; chk_ms 1 s then): below.
// Every entry has an aux word (core/store.hpp): aux = epoch << 40 | watched << 39 | checked,
// `checked` the ms since the store's creation at which the file was last found unchanged (or
// loaded). When polling, an entry is served without a system call while
// its epoch is the store's current epoch and less than chk_ms have passed since `checked`
// (recheck_due, FC-1); chk_ms 0 (wincache.chkinterval=0) never re-checks, as in WinCache, except
// after an epoch bump (wincache_refresh_if_changed()). A re-check stats the file and compares
// size, mtime and ctime to the nanosecond, inode, device and mode (same_file, FC-2): unchanged ->
// the aux word is moved forward by a CAS; anything else (or no file) -> the entry is removed and
// the file loaded again. A load reads the file between two stats of the open handle and stores it
// only if they agree and the file's last change is older than the timestamp granularity
// (settled, FC-3): a file written in the very tick of its load could change again without any
// timestamp moving, and would then pass every later check.
//
// The file system is a template parameter (Fs, below): the shipped one is prims/*_files.hpp, the
// property test's is a model (proptests/prop_fcache.cpp). No OS header here.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>

#include "store.hpp"

namespace wc {

// Seeded bugs of the file cache (negative twins of proptests/prop_fcache.cpp). NoFileCacheBugs
// ships.
struct NoFileCacheBugs {
  static constexpr bool compare_mtime_only = false;  // a re-check compares only the mtime (to the
                                                     // second, as WinCache did): a change that
                                                     // keeps the mtime is served on
  static constexpr bool trust_racy_load = false;     // a file changed in its load's tick is stored
  static constexpr bool trust_unwatched = false;     // notify mode: every validation is trusted,
                                                     // watch active or not, events applied or not
  static constexpr bool cas_by_word_only = false;    // the aux word's CAS does not check that the
                                                     // entry is the one validated (ABA)
};

// ---- the stores' policies --------------------------------------------------------------------

struct FilePolicy {
  static constexpr std::uint64_t magic = 0x5743464943484532ull;  // "WCFICHE2": the watched bit,
                                                                 // no control entry
  static constexpr Expiry expiry = Expiry::since_use;            // ttlmax: idle time
  static constexpr bool pin_reads = true;                        // streamed from the segment
  static constexpr bool evictable(std::uint16_t) { return true; }
};

struct ResolvePolicy {
  static constexpr std::uint64_t magic = 0x5743525041544831ull;  // "WCRPATH1"
  static constexpr Expiry expiry = Expiry::since_store;
  static constexpr bool pin_reads = false;  // copied out under the read lock
  static constexpr bool evictable(std::uint16_t) { return true; }
};

struct MissingPolicy {
  static constexpr std::uint64_t magic = 0x5743524D49535331ull;  // "WCRMISS1"
  static constexpr Expiry expiry = Expiry::since_store;
  static constexpr bool pin_reads = false;
  static constexpr bool evictable(std::uint16_t) { return true; }
};

// kWatch's table of directories (docs/design/files.md §3): canonical directory path -> one byte,
// kDirFiles (its files and names matter: a file of it is cached, or a resolution depends on its
// names) or kDirAncestor (only its subdirectories' names matter: it is on the way to a watched
// directory, whose rename or removal no OS reports to the directory itself). The entry's aux
// word is the directory's state: 0 = requested (no OS watch yet), E = the owner's thread holds an
// OS watch for it that was active before epoch E began to be current (set by that thread only,
// after the OS accepted the watch). Never expires, never evicted: when the table is full, a
// directory that does not fit is not watched, and its files are stat'ed at every use.
struct WatchPolicy {
  static constexpr std::uint64_t magic = 0x5743574154434831ull;  // "WCWATCH1"
  static constexpr Expiry expiry = Expiry::since_store;          // stored with ttl 0: none
  static constexpr bool pin_reads = false;
  static constexpr bool evictable(std::uint16_t) { return false; }
};
inline constexpr char kDirFiles = 'f';
inline constexpr char kDirAncestor = 'a';

// The directory part of a canonical path ("" if none): what the watch table is keyed by.
// `backslash`: Windows paths (either separator).
inline std::string dir_of(const std::string& path, bool backslash = false) {
  const std::size_t s = backslash ? path.find_last_of("/\\") : path.rfind('/');
  if (s == std::string::npos) return std::string();
  if (s == 0) return path.substr(0, 1);  // "/x" -> "/"
  return path.substr(0, s);
}

// ---- tuning ------------------------------------------------------------------------------------
struct FileCacheTuning {
  // A file whose mtime or ctime is less than this before its load began is served but not
  // stored (FC-3): coarser than the timestamp tick of a file system with sub-second timestamps
  // (Linux: a jiffy, 1-10 ms; NTFS: 100 ns, written at the change).
  static constexpr std::int64_t racy_ns = 50'000'000;
  // The same for a file whose two timestamps are whole seconds: a file system that keeps
  // seconds only (ext3, HFS+, many network file systems; FAT's mtime: 2 s).
  static constexpr std::int64_t racy_coarse_ns = 2'000'000'000;
  // A path that did not resolve is remembered this long at most (and at most chk_ms).
  static constexpr std::uint64_t miss_ms = 2000;
};

// ---- the value formats ---------------------------------------------------------------------------

// What a stat of a path (or of an open handle) tells. `exists` false: no such file (or no access
// to stat it); the other fields are then meaningless.
struct FileStat {
  bool exists;
  bool regular;           // a regular file (not a directory, device, FIFO, socket)
  std::uint64_t size;     // bytes
  std::int64_t mtime_ns;  // last write, ns since 1970 (to the OS's precision)
  std::int64_t ctime_ns;  // last status change (POSIX st_ctime; Windows ChangeTime), ns
  std::uint64_t inode;    // st_ino / the file index
  std::uint64_t device;   // st_dev / the volume serial number
  std::uint32_t mode;     // st_mode / the file attributes
};

// The head of a file-store value; the file's bytes follow it. Written once, before the entry is
// published (UC-3), never changed after: any process reads it under its pin without a lock.
struct FileMeta {
  std::uint64_t size;      // bytes that follow
  std::int64_t mtime_ns;   // as FileStat, at the load
  std::int64_t ctime_ns;
  std::uint64_t inode;
  std::uint64_t device;
  std::uint32_t mode;
  std::uint32_t reserved;  // 0
  std::uint64_t load_ms;   // wall ms of the load
  std::uint64_t stamp;     // identifies this load (a reloaded file has another): the glue's
                           // per-process "verified" memory is keyed by it
};
static_assert(std::is_standard_layout_v<FileMeta> && std::is_trivially_copyable_v<FileMeta>);
static_assert(sizeof(FileMeta) == 64, "FileMeta is a cross-process ABI");

inline FileMeta meta_of(const FileStat& s, std::uint64_t load_ms, std::uint64_t stamp) {
  FileMeta m{};
  m.size = s.size;
  m.mtime_ns = s.mtime_ns;
  m.ctime_ns = s.ctime_ns;
  m.inode = s.inode;
  m.device = s.device;
  m.mode = s.mode;
  m.load_ms = load_ms;
  m.stamp = stamp;
  return m;
}

// ---- the aux word: epoch << 40 | watched << 39 | checked ms ------------------------------------
inline constexpr int kCheckedBits = 40;  // the epoch's shift
inline constexpr std::uint64_t kWatchedBit = std::uint64_t{1} << 39;  // validated under a watch
inline constexpr std::uint64_t kCheckedMask = kWatchedBit - 1;  // ms since the store's creation
inline constexpr std::uint32_t kEpochMask = (std::uint32_t{1} << 24) - 1;

// `watched`: validated (found unchanged, or loaded) while its directory's OS watch was active in
// `epoch` and no event was applied meanwhile (FC-6).
inline std::uint64_t aux_word(std::uint32_t epoch, std::uint64_t checked_ms, bool watched = false) {
  return (std::uint64_t(epoch & kEpochMask) << kCheckedBits) | (watched ? kWatchedBit : 0) |
         (checked_ms & kCheckedMask);
}
inline std::uint32_t aux_epoch(std::uint64_t aux) { return std::uint32_t(aux >> kCheckedBits); }
inline std::uint64_t aux_checked(std::uint64_t aux) { return aux & kCheckedMask; }
inline bool aux_watched(std::uint64_t aux) { return (aux & kWatchedBit) != 0; }

// FC-6: with notifications in force, is an entry whose aux word is `aux` trusted (served with no
// system call) in epoch `epoch`? Iff it was validated under its directory's watch in this very
// epoch. Epoch 0 (and any epoch whose low 24 bits are 0) is never current (WL-5).
inline bool watch_trusted(std::uint64_t aux, std::uint64_t epoch) {
  const std::uint32_t e = std::uint32_t(epoch) & kEpochMask;
  return e != 0 && aux_watched(aux) && aux_epoch(aux) == e;
}

// FC-1: must an entry whose aux word is `aux` be re-checked (stat'ed) before it is served, at
// `now_rel` (ms since the store's creation), in epoch `epoch`, with a check interval of chk_ms?
// Yes iff it was validated in another epoch, or chk_ms != 0 and chk_ms or more have passed since
// its last check. A clock behind `checked` (another process's coarse clock) counts as no time.
inline bool recheck_due(std::uint64_t aux, std::uint32_t epoch, std::uint64_t now_rel,
                        std::uint64_t chk_ms) {
  if (aux_epoch(aux) != (epoch & kEpochMask)) return true;
  if (chk_ms == 0) return false;
  const std::uint64_t checked = aux_checked(aux);
  const std::uint64_t now = now_rel & kCheckedMask;
  return now >= checked && now - checked >= chk_ms;
}

// FC-2: is the file a stat found the one the entry holds? Size, mtime and ctime to the
// nanosecond, inode, device and type/permission bits. (A rename over the path changes the inode;
// a rewrite in place changes the ctime even when a deploy tool restores the mtime; chmod changes
// the ctime and the mode.)
template <class Bugs = NoFileCacheBugs>
bool same_file(const FileMeta& m, const FileStat& s) {
  if (!s.exists || !s.regular) return false;
  if constexpr (Bugs::compare_mtime_only)  // WinCache: the last-write time to the second
    return m.mtime_ns / 1000000000 == s.mtime_ns / 1000000000;
  return m.size == s.size && m.mtime_ns == s.mtime_ns && m.ctime_ns == s.ctime_ns &&
         m.inode == s.inode && m.device == s.device && m.mode == s.mode;
}

// FC-3: may a file read at `load_start_ns` (the wall clock, ns, taken before the open) with
// this stat be stored? Not if its last change is within one timestamp tick of the load: the
// tick is taken as racy_coarse_ns when both timestamps are whole seconds, else racy_ns.
template <class Bugs = NoFileCacheBugs, class Tuning = FileCacheTuning>
bool settled(const FileStat& s, std::int64_t load_start_ns) {
  if constexpr (Bugs::trust_racy_load) return true;
  const std::int64_t last = s.mtime_ns > s.ctime_ns ? s.mtime_ns : s.ctime_ns;
  const bool seconds = s.mtime_ns % 1000000000 == 0 && s.ctime_ns % 1000000000 == 0;
  return last <= load_start_ns - (seconds ? Tuning::racy_coarse_ns : Tuning::racy_ns);
}

// ---- the file cache ----------------------------------------------------------------------------
//
// Fs, the file system as the cache sees it:
//   FileStat stat(const std::string& path);
//       a stat of the path (following symlinks)
//   LoadStatus load(const std::string& path, std::uint64_t max, std::uint64_t head,
//                   FileStat& st, std::string& buf);
//       open the path, fstat it (st); if it is a regular file of at most `max` bytes read all of
//       it into buf after `head` bytes of room, then fstat the handle again: `ok` only if the
//       two fstats agree (a file changing while read is not stored). Never blocks on a FIFO.
//   std::int64_t now_ns();   the wall clock in ns (the same clock the file timestamps follow)
enum class LoadStatus : std::uint8_t { ok, missing, not_regular, too_large, changing, error };

// What open() did.
enum class FileOutcome : std::uint8_t {
  hit,          // served from the store, trusted (FC-1: no system call)
  hit_checked,  // served from the store after a stat found it unchanged
  loaded,       // read from the file system and stored; served from the caller's buffer
  pass,         // not cacheable now (too large, not regular, changing, racy, the store full):
                // served from the caller's buffer if `bytes` is set, else by the caller's own open
  missing,      // no such file: the caller's own open reports it
};

struct FileParams {
  std::uint64_t epoch;     // the current epoch (the lease's, core/watch_lease.hpp)
  std::uint64_t chk_ms;    // re-check interval when polling; 0 = never (except after an epoch bump)
  std::uint64_t max_size;  // wincache.maxfilesize in bytes
  std::uint64_t ttl_s;     // idle ttl (wincache.ttlmax); 0 = none
  // Re-check (stat, FC-2) a stored entry whatever its epoch and check interval say: for a
  // caller that must answer as fresh as the file system (the rerouted file functions).
  bool always_check = false;
  bool notify = false;     // notifications in force (a watcher owns the group): FC-6, not FC-1
  bool backslash = false;  // Windows paths (either separator)
};

struct FileServed {
  FileOutcome outcome = FileOutcome::missing;
  FileMeta meta{};             // a copy of the entry's (or the load's) head
  const char* bytes = nullptr; // hit/hit_checked: in the store, valid while the caller is pinned;
                               // loaded/pass: in buf (past the head)
  std::uint64_t len = 0;
  bool changed = false;        // a stored entry was found changed (and removed) on the way
};

template <class Store, class Bugs = NoFileCacheBugs, class Tuning = FileCacheTuning>
class FileCache {
 public:
  explicit FileCache(Store& s) : s_(s) {}
  Store& store() { return s_; }

  // Milliseconds since the store's creation (the aux word's clock).
  std::uint64_t rel_ms(std::uint64_t now_ms) const {
    const std::uint64_t born = s_.h().created_ms;
    return now_ms > born ? now_ms - born : 0;
  }

  // The file at canonical path `path`. Precondition: the caller pinned (store().pin(slot)) and
  // stays pinned while it uses a hit's bytes. `buf` is the caller's: loads read into it.
  template <class Fs>
  FileServed open(unsigned slot, const std::string& path, std::uint64_t now_ms,
                  const FileParams& p, Fs& fs, std::string& buf) {
    NoWatch w;
    return open(slot, path, now_ms, p, fs, buf, w);
  }
  // The same with notifications (p.notify): `w` tells the state of the file's directory.
  //   std::uint64_t dir_epoch(const std::string& dir)  the epoch in which dir's OS watch is
  //                                 active (its watch-table aux word; 0: none, and then it is
  //                                 requested), core/fwatch.hpp
  //   std::uint64_t applied()       the lease's count of applied events (FC-6)
  template <class Fs, class W>
  FileServed open(unsigned slot, const std::string& path, std::uint64_t now_ms,
                  const FileParams& p, Fs& fs, std::string& buf, W& w) {
    FileServed r;
    const auto klen = std::uint32_t(path.size());
    if (path.empty() || path.size() > Store::kMaxKey)
      return load(slot, path, now_ms, p, fs, buf, false, w);
    std::uint64_t aux = 0;
    const CacheStatus st = s_.get_entry(slot, path.data(), klen, now_ms, [&](auto& v) {
      if (v.len < sizeof(FileMeta)) return;
      std::memcpy(&r.meta, v.bytes, sizeof(FileMeta));
      r.bytes = v.bytes + sizeof(FileMeta);
      r.len = v.len - sizeof(FileMeta);
      aux = v.aux.load(std::memory_order_acquire);
    });
    if (st != CacheStatus::ok || !r.bytes) return load(slot, path, now_ms, p, fs, buf, false, w);
    const std::uint64_t now = rel_ms(now_ms);
    if (!p.always_check && (p.notify ? watch_trusted(aux, p.epoch)                      // FC-6
                                     : !recheck_due(aux, p.epoch, now, p.chk_ms))) {  // FC-1
      r.outcome = FileOutcome::hit;
      return r;
    }
    // FC-6: the directory's state and the applied-event count BEFORE the stat.
    const bool active = p.notify && active_in(w, path, p);
    const std::uint64_t seen = p.notify ? w.applied() : 0;
    const FileStat fst = fs.stat(path);
    if (same_file<Bugs>(r.meta, fst)) {  // FC-2
      // Checked now: one CAS; a lost race means another process checked it too (or replaced
      // the entry: then the bytes we hold pinned were what the file held when we stat'ed).
      // Trusted from now on (FC-6) only if the watch was active before the stat and no event
      // was applied since: a change after the stat is then an event that removes the entry.
      const bool watched = active && w.applied() == seen && !Bugs::trust_unwatched;
      s_.cas_aux(slot, path.data(), klen, now_ms, aux,
                 aux_word(std::uint32_t(p.epoch), now, watched || Bugs::trust_unwatched),
                 same_load(r.meta.stamp));
      r.outcome = FileOutcome::hit_checked;
      return r;
    }
    // Changed, gone, or no longer a regular file: drop it (a pinned reader elsewhere finishes
    // on the old bytes: the entry is retired) and load afresh.
    s_.remove(slot, path.data(), klen, now_ms);
    return load(slot, path, now_ms, p, fs, buf, true, w);
  }

  // Removes the entry of `path` (the next open loads it again).
  bool forget(unsigned slot, const std::string& path, std::uint64_t now_ms) {
    return s_.remove(slot, path.data(), std::uint32_t(path.size()), now_ms) == CacheStatus::ok;
  }

 private:
  struct NoWatch {
    std::uint64_t dir_epoch(const std::string&) { return 0; }
    std::uint64_t applied() { return 0; }
  };
  // The aux word's CAS lands only on the entry of this load (FileMeta::stamp): an entry removed
  // and stored again in the same millisecond and epoch has the same aux word (FC-6).
  static auto same_load(std::uint64_t stamp) {
    return [stamp](const char* bytes, std::uint64_t len) {
      if constexpr (Bugs::cas_by_word_only) return true;
      FileMeta m;
      if (len < sizeof(FileMeta)) return false;
      std::memcpy(&m, bytes, sizeof(FileMeta));
      return m.stamp == stamp;
    };
  }
  template <class W>
  static bool active_in(W& w, const std::string& path, const FileParams& p) {
    return p.epoch != 0 && w.dir_epoch(dir_of(path, p.backslash)) == p.epoch;
  }

  template <class Fs, class W>
  FileServed load(unsigned slot, const std::string& path, std::uint64_t now_ms,
                  const FileParams& p, Fs& fs, std::string& buf, bool changed, W& w) {
    FileServed r;
    r.changed = changed;
    // FC-6: the directory's state and the applied-event count BEFORE the open.
    const bool active = p.notify && !path.empty() && active_in(w, path, p);
    const std::uint64_t seen = p.notify ? w.applied() : 0;
    FileStat st{};
    const std::int64_t start_ns = fs.now_ns();
    const LoadStatus ls = fs.load(path, p.max_size, sizeof(FileMeta), st, buf);
    if (ls == LoadStatus::missing || ls == LoadStatus::error) {
      r.outcome = FileOutcome::missing;
      return r;
    }
    if (ls != LoadStatus::ok) {
      r.outcome = FileOutcome::pass;  // the caller's own open serves it
      return r;
    }
    const std::uint64_t stamp = stamp_of(path, st, now_ms, start_ns);
    r.meta = meta_of(st, now_ms, stamp);
    std::memcpy(&buf[0], &r.meta, sizeof(FileMeta));
    r.bytes = buf.data() + sizeof(FileMeta);
    r.len = buf.size() - sizeof(FileMeta);
    r.outcome = FileOutcome::pass;
    if (!settled<Bugs, Tuning>(st, start_ns)) return r;  // FC-3: served, not stored
    if (path.empty() || path.size() > Store::kMaxKey) return r;
    const std::uint64_t stored = aux_word(std::uint32_t(p.epoch), rel_ms(now_ms), Bugs::trust_unwatched);
    const CacheStatus cs =
        s_.store(slot, path.data(), std::uint32_t(path.size()), ValueType::string_v, buf.data(),
                 buf.size(), p.ttl_s, now_ms, Store::Mode::set, 0, stored);
    if (cs != CacheStatus::ok) return r;
    r.outcome = FileOutcome::loaded;
    // FC-6: stored untrusted, then trusted only if the watch was active before the open and no
    // event was applied from before the open until after the store: an event for a change after
    // the read is then applied after the store, and removes the entry.
    if (active && w.applied() == seen)
      s_.cas_aux(slot, path.data(), std::uint32_t(path.size()), now_ms, stored,
                 stored | kWatchedBit, same_load(r.meta.stamp));
    return r;
  }

  static std::uint64_t stamp_of(const std::string& path, const FileStat& st, std::uint64_t now_ms,
                                std::int64_t start_ns) {
    std::uint64_t h = Store::hash_of(path.data(), std::uint32_t(path.size()));
    for (std::uint64_t w : {std::uint64_t(st.mtime_ns), std::uint64_t(st.ctime_ns), st.inode,
                            st.size, now_ms, std::uint64_t(start_ns)}) {
      h ^= w + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
      h *= 0xBF58476D1CE4E5B9ull;
    }
    return h | 1;  // never 0: 0 means "not verified"
  }

  Store& s_;
};

// ---- the resolve-path cache ------------------------------------------------------------------

// The key of a resolution: every part of what PHP's answer depends on, NUL-separated.
inline std::string resolve_key(const std::string& input, const std::string& cwd,
                               const std::string& exec_dir, const std::string& include_path,
                               const std::string& open_basedir) {
  std::string k;
  k.reserve(input.size() + cwd.size() + exec_dir.size() + include_path.size() +
            open_basedir.size() + 4);
  k += input;
  k += '\0';
  k += cwd;
  k += '\0';
  k += exec_dir;
  k += '\0';
  k += include_path;
  k += '\0';
  k += open_basedir;
  return k;
}

// FC-4: a resolved path (aux = epoch << 40 | stored ms) is used while its epoch is current and,
// when chk_ms != 0, for less than chk_ms after it was stored; a miss for less than
// min(chk_ms, miss_ms) (miss_ms when chk_ms is 0).
inline bool resolve_fresh(std::uint64_t aux, std::uint32_t epoch, std::uint64_t now_rel,
                          std::uint64_t chk_ms) {
  return !recheck_due(aux, epoch, now_rel, chk_ms);
}
template <class Tuning = FileCacheTuning>
std::uint64_t miss_bound_ms(std::uint64_t chk_ms) {
  return chk_ms != 0 && chk_ms < Tuning::miss_ms ? chk_ms : Tuning::miss_ms;
}

}  // namespace wc
