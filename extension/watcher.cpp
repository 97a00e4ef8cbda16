// extension/watcher.cpp: change detection with notifications (wincache.fcndetect=1;
// docs/design/files.md §3, FC-6..FC-8 in docs/invariants/fcache.md): the watcher lease's check at
// request start, and the ONE watcher thread of the process that owns the lease.
//
// Ownership. At every request start (and at the first file-cache use of a request) a process
// that uses the file cache calls the lease's check() (core/watch_lease.hpp): a load of the
// owner's heartbeat, no system call while it is fresh (WL-4). The process that wins starts one
// std::thread. The thread touches only shared memory (the lease, the watch table, the file
// store, through core/fwatch.hpp) and the OS's watch API (prims/*_watch.hpp DirWatcher), never
// PHP or Zend. It beats every 250 ms; adds an OS watch for every directory of the watch table
// and then marks it active in the current epoch (after ANY epoch change: a takeover, an
// overflow, a watched directory gone, a refresh, it re-marks every directory it holds, so until
// then nothing is trusted); waits on the OS queue with a 50 ms timeout; and applies what it
// drains (core/fwatch.hpp on_event / on_dir_gone / on_overflow), then writes one change-log
// record per file whose entry it removed (core/change_log.hpp; extension/opcache.cpp applies
// them to OPcache and the realpath cache in every process).
//
// One process, two threads, one reader slot: the core's locks are per process (a writer that
// finds its own process reading reports misuse), so the request thread and the watcher thread
// never use the file store or the watch table at the same time: both hold `mu` (a process-local
// mutex, fcache_guard()) around each use. A stream over pinned bytes needs no lock (a pin is the
// slot's reclamation epoch, core/reclaim.hpp).
//
// Process end (MSHUTDOWN): the thread is stopped and joined, then the lease released (WL-2: the
// epoch moves, the next check anywhere takes over at once). fork(): a child of an owner (php-fpm
// never forks from a worker, but a script may call pcntl_fork) has no thread: it notices that
// its pid changed, forgets the parent's thread object without touching it, and never releases
// the parent's lease. The php-fpm master never owns the lease: it serves no request, and RINIT
// never runs in it.
#include <algorithm>
#include <atomic>
#include <mutex>
#include <new>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "features.hpp"
#ifdef WINCACHE_SANITIZE_TWINS
#include "sanitize_twin.hpp"  // the sanitized build only: the watcher_throw fault
#endif

#ifdef _WIN32
#include "../prims/win32_watch.hpp"
#else
#include "../prims/posix_watch.hpp"
#endif

namespace wcx {
namespace {

struct WatcherState {
  std::mutex mu;  // the file store and the watch table, between this process's two threads
  std::thread* thread = nullptr;  // the watcher thread (owned by the process in `pid`)
  std::uint64_t pid = 0;          // the process that started it (its proc_id: Prim::self() is
                                  // cached, no system call; a fork()ed child's differs)
  std::uint64_t me = 0;           // its proc_id (the lease's owner word)
  std::atomic<bool> stop{false};
  std::atomic<bool> running{false};  // the thread is watching
  std::string why_not;               // why this process could not watch (open failed)
  std::atomic<bool> gave_up{false};  // the OS watcher failed here: do not take the lease again
  // the thread's figures (relaxed; read by wincache_extra_info in this process)
  std::atomic<std::uint64_t> events{0}, watches{0}, add_failed{0}, logged{0};
};
WatcherState* ws = new WatcherState();  // never destroyed: a detached thread may outlive exit

// A fork()ed child: the parent's thread is not ours (it does not exist here). Forget it without
// touching it, and start from a fresh state (the mutex may have been held by that thread).
void forget_parent_thread() {
  if (ws->pid == 0 || ws->pid == Prim::self()) return;
  ws = new WatcherState();  // the old one leaks with its thread object: never joined here
}

bool is_dir_gone_reason(int err) {
#ifdef _WIN32
  return err == 2 || err == 3 || err == 267;  // FILE_NOT_FOUND, PATH_NOT_FOUND, DIRECTORY
#else
  return err == ENOENT || err == ENOTDIR;
#endif
}

void run_loop(Domain* d) {
  WatcherState& w = *ws;
  wc::DirWatcher dw;
  if (!dw.open()) {
    {
      std::lock_guard<std::mutex> g(w.mu);
      w.why_not = std::string("the OS watcher could not start: ") + dw.last_reason();
      w.gave_up = true;
    }
    // Give the lease back at once (WL-2: the epoch moves): another process may do better.
    if (const FileStores* st = d->file_stores_attached()) st->lease->release(w.me);
    return;
  }
  std::unordered_map<std::string, int> ids;    // directory -> OS watch id
  std::unordered_map<std::string, char> kinds; // directory -> kDirFiles / kDirAncestor
  std::unordered_map<int, std::string> by_id;
  std::uint64_t marked = 0, last_beat = 0;
  std::uint32_t seen_req = 0;
  bool first = true;
  w.running.store(true);
  while (!w.stop.load(std::memory_order_acquire)) {
    const std::uint64_t mono = mono_ms();
    const FileStores* st = d->file_stores_attached();
    if (!st) break;
    if (mono - last_beat >= wc::WatchLeaseTuning::beat_period_ms || first) {
      if (!st->lease->beat(mono, w.me)) break;  // not the owner any more
      last_beat = mono;
    }
    const std::uint64_t e = st->lease->epoch();
    const std::uint32_t req = st->lease->requests();
    if (first || e != marked || req != seen_req) {
      first = false;
      std::lock_guard<std::mutex> g(w.mu);
      FileWatch fw(*st->lease, *st->table, *st->files, kWindowsPaths);
      const std::uint64_t now = now_ms();
      struct Dir {
        std::string path;
        char kind;
        std::uint64_t aux;
      };
      std::vector<Dir> dirs;
      fw.for_each_dir(d->slot(), now, [&](const std::string& p, char k, std::uint64_t a) {
        dirs.push_back(Dir{p, k, a});
      });
      for (const Dir& x : dirs) {
        kinds[x.path] = x.kind;
        if (!ids.count(x.path)) {
          const int id = dw.add(x.path);
          if (id < 0) {
            w.add_failed.fetch_add(1, std::memory_order_relaxed);
            if (is_dir_gone_reason(dw.last_error())) fw.forget_dir(d->slot(), x.path, now);
            continue;
          }
          ids[x.path] = id;
          by_id[id] = x.path;
        }
        if (x.aux != e) fw.mark(d->slot(), x.path, x.aux, e, now);  // active in e (FC-6)
      }
      w.watches.store(ids.size(), std::memory_order_relaxed);
      marked = e;
      seen_req = req;
    }
    const wc::WatchWait r = dw.wait(50);
    if (r == wc::WatchWait::failed) {
      // The OS queue itself failed: what it held is lost (an overflow, FC-7). Start over with a
      // new instance (every directory added again at the next scan); if that fails too, give
      // the lease back (WL-2) so that another process may watch.
      {
        std::lock_guard<std::mutex> g(w.mu);
        FileWatch(*st->lease, *st->table, *st->files, kWindowsPaths).on_overflow();
      }
      dw.close();
      ids.clear();
      by_id.clear();
      first = true;
      if (!dw.open()) {
        std::lock_guard<std::mutex> g(w.mu);
        w.why_not = std::string("the OS watcher failed: ") + dw.last_reason();
        w.gave_up = true;
        break;
      }
      continue;
    }
    if (r != wc::WatchWait::ready) continue;
    // Drained without the lock; applied under it, and only what can matter: in an ancestor's
    // directory only names appearing or vanishing (a write to a log file there is nothing of
    // ours, and takes no lock the request thread may want).
    struct Ev {
      wc::WatchKind kind;
      bool is_dir;
      int id;
      std::string dir, name;
    };
    std::vector<Ev> evs;
    dw.drain([&](const wc::WatchEvent& ev) {
      if (ev.kind == wc::WatchKind::changed) {
        const auto k = kinds.find(std::string(ev.dir));
        if (k != kinds.end() && k->second == wc::kDirAncestor) return;
      }
      evs.push_back(Ev{ev.kind, ev.is_dir, ev.id, std::string(ev.dir), std::string(ev.name)});
    });
    if (evs.empty()) continue;
    std::lock_guard<std::mutex> g(w.mu);
#ifdef WINCACHE_SANITIZE_TWINS
    // run() must survive it. Only on a batch that names the test's trigger file: any other
    // event (one racing the watch's set-up) would stop the watcher before the test sees it run.
    if (sanitize_fault("watcher_throw"))
      for (const Ev& ev : evs)
        if (ev.name == "watcher_fault.trigger") throw std::bad_alloc();
#endif
    FileWatch fw(*st->lease, *st->table, *st->files, kWindowsPaths);
    const std::uint64_t now = now_ms();
    // The files of this batch whose entries were removed: one change-log record each, written
    // after the whole batch is applied (design §7, core/change_log.hpp): a process that applies
    // the record (its OPcache told to drop the script) then recompiles from bytes loaded after
    // every removal of the batch. Several events on one file in a batch make one record.
    std::vector<std::string> changed;
    for (const Ev& ev : evs) {
      switch (ev.kind) {
        case wc::WatchKind::overflow:
          fw.on_overflow();
          break;
        case wc::WatchKind::dir_gone:
          ids.erase(ev.dir);
          by_id.erase(ev.id);
          fw.on_dir_gone(d->slot(), ev.dir, now);
          break;
        default: {
          const auto k = kinds.find(ev.dir);
          const wc::DirEvent de = ev.kind == wc::WatchKind::changed    ? wc::DirEvent::changed
                                  : ev.kind == wc::WatchKind::appeared ? wc::DirEvent::appeared
                                                                       : wc::DirEvent::vanished;
          const char dk = k == kinds.end() ? wc::kDirFiles : k->second;
          if (!fw.on_event(d->slot(), now, de, ev.dir, dk, ev.name, ev.is_dir)) continue;
          if (dk == wc::kDirFiles && !ev.is_dir && !ev.name.empty()) {
            std::string path = fw.join(ev.dir, ev.name);
            if (std::find(changed.begin(), changed.end(), path) == changed.end())
              changed.push_back(std::move(path));
          }
        }
      }
      w.events.fetch_add(1, std::memory_order_relaxed);
    }
    for (const std::string& path : changed) {  // one writer: this thread (WL-1, CL-1)
      st->log->append(wc::ChangeKind::file, path.data(), path.size());
      w.logged.fetch_add(1, std::memory_order_relaxed);
    }
  }
  w.running.store(false);
  dw.close();
  if (w.gave_up)
    if (const FileStores* st = d->file_stores_attached()) st->lease->release(w.me);
}

// The thread's entry. An exception out of the loop (a std::bad_alloc of a path, a map, the event
// list) would reach std::thread's terminate and take the whole PHP process down: the watcher
// gives up instead, as when the OS watcher fails, and gives the lease back (WL-2: the epoch
// moves, so every file is validated again), so that another process may watch. Locks taken in
// the loop are released on the way out (the guard's lock_guard; the stores' locks, core/store.hpp
// UC-4 "the living").
void run(Domain* d) {
  WatcherState& w = *ws;
  try {
    run_loop(d);
  } catch (const std::exception& ex) {
    w.running.store(false);
    {
      std::lock_guard<std::mutex> g(w.mu);
      w.gave_up = true;
      try {
        w.why_not = std::string("the watcher thread stopped: ") + ex.what();
      } catch (...) {  // no memory for the reason either
      }
    }
    if (const FileStores* st = d->file_stores_attached()) st->lease->release(w.me);
  }
}

}  // namespace

std::unique_lock<std::mutex> fcache_guard() {
  forget_parent_thread();
  return std::unique_lock<std::mutex>(ws->mu);
}

void watcher_request_start(Domain* d, const FileStores* st) {
  forget_parent_thread();
  if (!fcache_notify_wanted() || !st || ws->thread || ws->gave_up) return;
  const std::uint64_t me = Prim::self();
  if (!st->lease->check(mono_ms(), me)) return;  // WL-4: no system call while an owner beats
  ws->pid = me;
  ws->me = me;
  ws->stop.store(false);
  try {
    ws->thread = new std::thread(run, d);
  } catch (...) {  // no thread: give the lease back at once (the epoch moves, WL-2)
    ws->thread = nullptr;
    st->lease->release(me);
    ws->gave_up = true;
  }
}

void watcher_stop() {
  forget_parent_thread();
  if (!ws->thread) return;
  ws->stop.store(true, std::memory_order_release);
  ws->thread->join();
  delete ws->thread;
  ws->thread = nullptr;
  Domain* d = joined_local();
  const FileStores* st = d ? d->file_stores_attached() : nullptr;
  if (st) st->lease->release(ws->me);  // WL-2: nothing trusted from now until a takeover
}

bool watcher_owned_here() {
  forget_parent_thread();
  return ws->thread != nullptr && ws->running.load();
}
std::uint64_t watcher_events_here() { return ws->events.load(std::memory_order_relaxed); }
std::uint64_t watcher_logged_here() { return ws->logged.load(std::memory_order_relaxed); }
std::uint64_t watcher_watches_here() { return ws->watches.load(std::memory_order_relaxed); }
std::string watcher_why_not() {
  std::lock_guard<std::mutex> g(ws->mu);
  return ws->why_not;
}

}  // namespace wcx
