// RapidCheck state machine for the file cache's trust rule (core/fcache.hpp: FC-1..FC-3,
// docs/invariants/fcache.md) on PrimSim: one file store (the keyed store with FilePolicy: idle
// ttl, pinned reads, LRU eviction) in a 24 KB region (~10 KB of arena
// past the header and the journal), so that four files of up to 3 KB evict each other; two processes; a model file system whose timestamps have a 10 ms tick (ext4 at 100 Hz) or a 1 s tick (ext3,
// HFS+), drawn per run.
//
// Commands: Get(p, f) (pin, FileCache::open, check, unpin), KillMidGet(p, f, at) (the process is
// killed at any atomic step of its open: mid-load, mid-store, mid-CAS, holding its pin), Rewrite(f)
// (in place; the same size or not; the mtime kept, as `touch -r` / `cp -p` / rsync -t leave it, or
// not), RenameOver(f) (a new file renamed over the path: another inode; mtime kept or not),
// Delete(f), Create(f), Refresh(p) (the epoch bumped: wincache_refresh_if_changed()), Forget(p, f)
// (wincache_refresh_if_changed(f)), Advance(ms) (0 to 2.5 s: changes in one timestamp tick, within
// and past the check interval and the idle ttl), Spawn(p), Kill(p).
//
// The model keeps every file's history: its versions (content or absent) and when each stopped
// being current (ms and a sequence number). Checks, at every Get that serves bytes at time t:
//   FC-1/FC-2  the bytes are a version of the file that was current at some ms > t - chk_ms (the
//              check interval bounds staleness), and never a version older than one served
//              before (once a check saw a change, the old bytes never come back), older than the
//              version current at the last Refresh, or at the last Forget of the file; a Get that
//              stat'ed or read the file (every outcome but a trusted hit) serves what it holds now;
//   FC-3       (the same checks catch a load stored in its change's tick: its later checks
//              compare equal while the bytes differ);
//   and a Get of a file that exists never says `missing`; of one that does not, never serves.
// After every command the store's own invariants hold (violation() == nullptr).
// Twins: compare_mtime_only (WinCache's rule: the mtime to the second) and trust_racy_load.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include <cstdint>
#include <cstdio>
#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "common.hpp"
#include "core/fcache.hpp"
#include "core/fwatch.hpp"
#include "core/watch_lease.hpp"
#include <memory>

namespace {

using namespace wc;
using namespace wc::sim;
using namespace wc::prop;

using SimTuning = SimLockTuning<8>;
constexpr std::uint64_t kRegion = 24 * 1024;  // ~10 KB of arena past the header and journal
constexpr unsigned kFiles = 4, kProcs = 2;
constexpr std::uint64_t kChkMs = 1000;   // the check interval
constexpr std::uint64_t kTtlS = 3;       // the idle ttl
constexpr std::uint64_t kMaxSize = 3000; // maxfilesize: a larger file passes through
constexpr std::uint64_t kNever = std::numeric_limits<std::uint64_t>::max();

// Which file a command touches: file 0 most often, so that changes and gets meet.
rc::Gen<unsigned> file_gen() {
  return rc::gen::weightedElement<unsigned>({{4, 0u}, {2, 1u}, {1, 2u}, {1, 3u}});
}

std::string path_of(unsigned f) { return "/srv/app/file" + std::to_string(f) + ".php"; }

struct Stat {
  unsigned marks = 0, applied = 0, overflows = 0, takeovers = 0, pending_hits = 0;
  unsigned hits = 0, checked = 0, loaded = 0, passed = 0, missing = 0, changes_seen = 0,
           kills = 0, stale_within_bound = 0, evictions = 0;
};
Stat& stat() {
  static Stat s;
  return s;
}

// ---- the model file system -----------------------------------------------------------------------
struct Version {
  std::optional<std::string> content;  // nullopt: the path did not exist
  std::uint64_t until_ms = kNever;     // when it stopped being current (kNever: it is)
};

struct ModelFile {
  FileStat st{};  // st.exists false: absent
  std::string content;
};

struct ModelFs {
  const std::uint64_t* now_ms;
  // The timestamp granularity: 10 ms (ext4's jiffy at 100 Hz) or 1 s (ext3, HFS+, NFS v2).
  std::uint64_t tick_ms = *rc::gen::element<std::uint64_t>(10, 1000);
  ModelFile files[kFiles];
  std::uint64_t next_inode = 100;

  static int index(const std::string& path) {
    for (unsigned f = 0; f < kFiles; ++f)
      if (path == path_of(f)) return int(f);
    return -1;
  }
  std::int64_t now_ns() const { return std::int64_t(*now_ms) * 1000000; }
  std::int64_t stamp_ns() const { return std::int64_t(*now_ms / tick_ms * tick_ms) * 1000000; }
  FileStat stat(const std::string& path) {
    const int f = index(path);
    if (f < 0) return FileStat{};
    return files[f].st;
  }
  LoadStatus load(const std::string& path, std::uint64_t max, std::uint64_t head, FileStat& st,
                  std::string& buf) {
    const int f = index(path);
    if (f < 0 || !files[f].st.exists) return LoadStatus::missing;
    st = files[f].st;
    if (st.size > max) return LoadStatus::too_large;
    buf.assign(head, '\0');
    buf += files[f].content;
    return LoadStatus::ok;
  }
};

struct FcProc : SimProc {};

template <class SB>
using FileStoreRegion =
    ProcsStore<KeyedStore<PrimSim, FilePolicy, SB, SimTuning>, kRegion, FcProc, kProcs>;

// The two modes: polling (fcndetect=0 and no watcher: FC-1) and notifications (FC-6..8).
struct Polling {
  static constexpr bool notify = false;
  using WB = NoFileWatchBugs;
};
template <class WatchBugs = NoFileWatchBugs>
struct Notify {
  static constexpr bool notify = true;
  using WB = WatchBugs;
};
using WatchStoreSim = KeyedStore<PrimSim, WatchPolicy, NoCacheBugs, SimTuning>;
constexpr std::uint64_t kWatchRegion = 24 * 1024;
const std::string kDir = "/srv/app";
constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();

template <class SB, class FB, class M>
struct Sut : FileStoreRegion<SB> {
  using Store = typename FileStoreRegion<SB>::Store;
  using FC = FileCache<Store, FB>;
  using FW = FileWatch<WatchLease<PrimSim>, WatchStoreSim, Store, typename M::WB>;
  using FileStoreRegion<SB>::now;
  FC fc;
  // The lease (the epoch, resolve_gen, the applied count) and the watch table: kWatch.
  WatchLease<PrimSim> lease;
  std::vector<std::uint64_t> wmem = std::vector<std::uint64_t>(kWatchRegion / 8);
  WatchStoreSim* table = nullptr;
  std::unique_ptr<FW> fw;
  // The model of the owner's OS watcher: whether it holds a watch of kDir, and the events it
  // queued and has not applied yet (file, kind), in order.
  bool held = false;
  std::vector<std::pair<unsigned, DirEvent>> queue;
  std::size_t pending_from[kFiles];  // the oldest version a trusted hit may serve while an event
                                     // of a later change is in flight (kNone: none in flight)
  ModelFs fs;
  std::vector<Version> hist[kFiles];
  std::size_t floor_[kFiles] = {};  // the oldest version a Get may still serve
  std::uint64_t counter = 0;        // makes every content unique

  Sut() : FileStoreRegion<SB>(100000), fc(*this->c) {
    this->spawn(1);  // both processes run from the start
    fs.now_ms = &now;
    table = this->as(0, [&] { return WatchStoreSim::create(wmem.data(), kWatchRegion, now); });
    RC_ASSERT(table != nullptr);
    fw = std::make_unique<FW>(lease, *table, *this->c);
    this->as(0, [&] { lease.refresh(); });  // the first owner's takeover bump
    for (auto& v : pending_from) v = kNone;
    // Every file exists at first, written long before (settled), of 2-2.9 KB (together more than the arena holds).
    for (unsigned f = 0; f < kFiles; ++f) {
      ModelFile& m = fs.files[f];
      m.content = fresh_content(f, 2000 + 300 * f);
      m.st = FileStat{true, true, m.content.size(), 1000000000, 1000000000, fs.next_inode++, 7,
                      0100644};
      hist[f].push_back(Version{m.content});
    }
  }
  std::size_t current(unsigned f) const { return hist[f].size() - 1; }
  // A new version of file f becomes current now.
  void changed(unsigned f) {
    hist[f].back().until_ms = now;
    const ModelFile& m = fs.files[f];
    hist[f].push_back(Version{m.st.exists ? std::optional<std::string>(m.content) : std::nullopt});
  }
  std::string fresh_content(std::uint32_t seed, std::uint64_t len) {
    std::string c = make_bytes(seed, len < 8 ? 8 : len);
    ++counter;
    std::memcpy(&c[0], &counter, 8);
    return c;
  }
  void check() {
    this->no_violation();
    if (const char* v = table->violation()) RC_FAIL(std::string("watch table violation ") + v);
    if (const char* v = lease.violation()) RC_FAIL(std::string("lease violation ") + v);
  }
  // File f changed (the model's version moved): the owner's OS watch, if held, queues an event.
  void notify_change(unsigned f, DirEvent kind) {
    if (!M::notify || !held) return;
    queue.emplace_back(f, kind);
    if (pending_from[f] == kNone) pending_from[f] = current(f) - 1;
  }
  // The first running process (the watcher's thread runs in some process), or kProcs.
  unsigned runner() const {
    for (unsigned q = 0; q < kProcs; ++q)
      if (this->procs[q].alive) return q;
    return kProcs;
  }
};

// The request side's view of the watch table for FileCache::open (core/fwatch.hpp).
template <class FW>
struct WatchView {
  FW& fw;
  unsigned slot;
  std::uint64_t now;
  std::uint64_t dir_epoch(const std::string& d) { return fw.dir_epoch(slot, d, now); }
  std::uint64_t applied() { return fw.applied(); }
};

template <class SB, class FB, class M>
using FcCmd = ProcCmd<Sut<SB, FB, M>>;

// The checks of one served content (FC-1, FC-2, FC-3); `what` names the Get.
template <class SB, class FB, class M>
void judge(Sut<SB, FB, M>& s, unsigned f, const FileServed& r, const std::string& what) {
  const bool exists = s.fs.files[f].st.exists;
  if (r.outcome == FileOutcome::missing) {
    if (exists) RC_FAIL(what + ": missing, but the file exists");
    ++stat().missing;
    return;
  }
  if (!r.bytes) {  // passed through without bytes: only a file over the size limit does that
    if (!exists || s.fs.files[f].st.size <= kMaxSize)
      RC_FAIL(what + ": passed through a cacheable file");
    ++stat().passed;
    return;
  }
  const std::string got(r.bytes, r.len);
  if (r.meta.size != r.len) RC_FAIL(what + ": the head's size is not the bytes'");
  // The newest version with these bytes that the rules allow.
  std::size_t match = s.hist[f].size();
  bool seen_at_all = false;
  for (std::size_t v = s.hist[f].size(); v-- > 0;) {
    const Version& ver = s.hist[f][v];
    if (!ver.content || *ver.content != got) continue;
    seen_at_all = true;
    // Polling (FC-1): current less than the check interval ago. Notifications (FC-6): current,
    // or (a trusted hit) no older than the version before a change whose event is in flight.
    const bool in_bound =
        M::notify ? ver.until_ms == kNever ||
                        (r.outcome == FileOutcome::hit && s.pending_from[f] != kNone &&
                         v >= s.pending_from[f])
                  : ver.until_ms == kNever || ver.until_ms + kChkMs > s.now;
    if (v >= s.floor_[f] && in_bound) {
      match = v;
      break;
    }
  }
  if (match == s.hist[f].size()) {
    RC_FAIL(what + (seen_at_all ? ": served bytes the file held longer ago than the check "
                                  "interval, or older than bytes served (or refreshed) before"
                                : ": served bytes the file never held"));
  }
  // What a stat or a read found just now is what the file holds now: a Get that re-checked (or
  // loaded) never serves older bytes ("never content after a change once checked").
  if (r.outcome != FileOutcome::hit && match != s.current(f))
    RC_FAIL(what + ": checked the file just now, and served bytes it no longer holds");
  if (match != s.current(f)) ++stat().stale_within_bound;
  if (match > s.floor_[f]) s.floor_[f] = match;  // never older than this again
  switch (r.outcome) {
    case FileOutcome::hit: ++stat().hits; break;
    case FileOutcome::hit_checked: ++stat().checked; break;
    case FileOutcome::loaded: ++stat().loaded; break;
    default: ++stat().passed; break;
  }
  if (r.changed) ++stat().changes_seen;
}

template <class SB, class FB, class M>
FileServed get_as(Sut<SB, FB, M>& s, unsigned p, unsigned f, std::string& buf, std::string& got) {
  FileParams prm{s.lease.epoch(), kChkMs, kMaxSize, kTtlS};
  prm.notify = M::notify;
  WatchView<typename Sut<SB, FB, M>::FW> w{*s.fw, p, s.now};
  RC_ASSERT(s.c->pin(p));
  FileServed r = s.fc.open(p, path_of(f), s.now, prm, s.fs, buf, w);
  if (r.bytes) got.assign(r.bytes, r.len);  // read while pinned
  s.c->unpin(p);
  if (r.bytes) r.bytes = got.data();
  return r;
}

template <class SB, class FB, class M>
struct Get : FcCmd<SB, FB, M> {
  using FcCmd<SB, FB, M>::p;
  unsigned f = *file_gen();
  void body(Sut<SB, FB, M>& s) const override {
    std::string buf, got;
    const std::uint64_t ev0 = s.c->stats(0).evictions;
    const FileServed r = s.as(p, [&] { return get_as(s, p, f, buf, got); });
    stat().evictions += unsigned(s.c->stats(0).evictions - ev0);
    judge(s, f, r, "Get(p" + std::to_string(p) + ", f" + std::to_string(f) + ")");
  }
  void show(std::ostream& os) const override { os << "Get(p" << p << ", f" << f << ")"; }
};

// The process dies at any atomic step of its open, holding its pin (RECL-2: the dead pin
// nothing); the next process repairs what a dead writer left.
template <class SB, class FB, class M>
struct KillMidGet : FcCmd<SB, FB, M> {
  using FcCmd<SB, FB, M>::p;
  unsigned f = *file_gen();
  long at = *rc::gen::inRange(0L, 400L);
  void body(Sut<SB, FB, M>& s) const override {
    if (!s.others_alive(p)) return;
    std::string buf, got;
    const bool killed = killed_during(s.sim, s.procs[p].id, at, [&] { get_as(s, p, f, buf, got); });
    if (!killed) return;  // it finished first (what it served is not judged: nobody used it)
    ++stat().kills;
    s.procs[p].alive = false;
    const unsigned q = s.repair_by_next();
    if (q < kProcs) s.as(q, [&] { return s.table->stats(q); });  // the watch table too
  }
  void show(std::ostream& os) const override {
    os << "KillMidGet(p" << p << ", f" << f << ", at step " << at << ")";
  }
};

template <class SB, class FB, class M>
struct Rewrite : rc::state::Command<NoModel, Sut<SB, FB, M>> {
  unsigned f = *file_gen();
  std::uint32_t seed = *rc::gen::arbitrary<std::uint32_t>();
  std::uint64_t len = *rc::gen::inRange<std::uint64_t>(8, 3400);
  // Mostly the same size: the change only a timestamp or the inode can reveal.
  bool same_size = *rc::gen::weightedElement<bool>({{3, true}, {1, false}});
  bool keep_mtime = *rc::gen::arbitrary<bool>();
  void apply(NoModel&) const override {}
  void run(const NoModel&, Sut<SB, FB, M>& s) const override {
    ModelFile& m = s.fs.files[f];
    if (!m.st.exists) return;
    m.content = s.fresh_content(seed, same_size ? m.st.size : len);
    m.st.size = m.content.size();
    m.st.ctime_ns = s.fs.stamp_ns();
    if (!keep_mtime) m.st.mtime_ns = s.fs.stamp_ns();
    s.changed(f);
    s.notify_change(f, DirEvent::changed);
  }
  void show(std::ostream& os) const override {
    os << "Rewrite(f" << f << (same_size ? ", same size" : ", " + std::to_string(len) + " B")
       << (keep_mtime ? ", mtime kept" : "") << ")";
  }
};

template <class SB, class FB, class M>
struct RenameOver : rc::state::Command<NoModel, Sut<SB, FB, M>> {
  unsigned f = *file_gen();
  std::uint32_t seed = *rc::gen::arbitrary<std::uint32_t>();
  std::uint64_t len = *rc::gen::inRange<std::uint64_t>(8, 3400);
  bool keep_mtime = *rc::gen::arbitrary<bool>();
  void apply(NoModel&) const override {}
  void run(const NoModel&, Sut<SB, FB, M>& s) const override {
    ModelFile& m = s.fs.files[f];
    const std::int64_t old_mtime = m.st.exists ? m.st.mtime_ns : s.fs.stamp_ns();
    m.content = s.fresh_content(seed, len);
    m.st = FileStat{true, true, m.content.size(), keep_mtime ? old_mtime : s.fs.stamp_ns(),
                    s.fs.stamp_ns(), s.fs.next_inode++, 7, 0100644};
    s.changed(f);
    s.notify_change(f, DirEvent::appeared);
  }
  void show(std::ostream& os) const override {
    os << "RenameOver(f" << f << ", " << len << " B" << (keep_mtime ? ", mtime kept" : "") << ")";
  }
};

template <class SB, class FB, class M>
struct Create : RenameOver<SB, FB, M> {
  void run(const NoModel& m, Sut<SB, FB, M>& s) const override {
    if (!s.fs.files[this->f].st.exists) RenameOver<SB, FB, M>::run(m, s);
  }
  void show(std::ostream& os) const override { os << "Create(f" << this->f << ", " << this->len << " B)"; }
};

template <class SB, class FB, class M>
struct Delete : rc::state::Command<NoModel, Sut<SB, FB, M>> {
  unsigned f = *file_gen();
  void apply(NoModel&) const override {}
  void run(const NoModel&, Sut<SB, FB, M>& s) const override {
    if (!s.fs.files[f].st.exists) return;
    s.fs.files[f] = ModelFile{};
    s.changed(f);
    s.notify_change(f, DirEvent::vanished);
  }
  void show(std::ostream& os) const override { os << "Delete(f" << f << ")"; }
};

template <class SB, class FB, class M>
struct Refresh : FcCmd<SB, FB, M> {
  using FcCmd<SB, FB, M>::p;
  void body(Sut<SB, FB, M>& s) const override {
    s.as(p, [&] { s.lease.refresh(); });
    for (unsigned f = 0; f < kFiles; ++f) s.floor_[f] = s.current(f);
  }
  void show(std::ostream& os) const override { os << "Refresh(p" << p << ")"; }
};

template <class SB, class FB, class M>
struct Forget : FcCmd<SB, FB, M> {
  using FcCmd<SB, FB, M>::p;
  unsigned f = *file_gen();
  void body(Sut<SB, FB, M>& s) const override {
    s.as(p, [&] { return s.fc.forget(p, path_of(f), s.now); });
    s.floor_[f] = s.current(f);
  }
  void show(std::ostream& os) const override { os << "Forget(p" << p << ", f" << f << ")"; }
};

template <class SB, class FB, class M>
struct Advance : rc::state::Command<NoModel, Sut<SB, FB, M>> {
  std::uint64_t by = *rc::gen::element<std::uint64_t>(0, 0, 1, 3, 40, 60, 400, 999, 1000, 1500, 4000);
  void apply(NoModel&) const override {}
  void run(const NoModel&, Sut<SB, FB, M>& s) const override { s.now += by; }
  void show(std::ostream& os) const override { os << "Advance(" << by << " ms)"; }
};

// ---- the owner's watcher thread (notify mode), core/fwatch.hpp ------------------------------
// AddWatches: the thread adds the OS watch of every requested directory (from now on changes in
// kDir are queued as events). Mark: for every directory it holds, the table's aux word to the
// current epoch (the watch is active). Apply: the queued events, in order. Overflow: the queue is
// lost; the thread reports it. Takeover: the owner died; a new one bumps (the lease's takeover)
// and holds nothing until it adds its watches again.
template <class SB, class FB, class M>
struct AddWatches : rc::state::Command<NoModel, Sut<SB, FB, M>> {
  void apply(NoModel&) const override {}
  void run(const NoModel&, Sut<SB, FB, M>& s) const override {
    if (!M::notify) return;
    const unsigned q = s.runner();
    if (q == kProcs) return;
    bool requested = false;
    s.as(q, [&] {
      s.fw->for_each_dir(q, s.now, [&](const std::string& d, char, std::uint64_t) {
        if (d == kDir) requested = true;
      });
    });
    if (requested) s.held = true;
    s.check();
  }
  void show(std::ostream& os) const override { os << "AddWatches"; }
};

template <class SB, class FB, class M>
struct Mark : rc::state::Command<NoModel, Sut<SB, FB, M>> {
  void apply(NoModel&) const override {}
  void run(const NoModel&, Sut<SB, FB, M>& s) const override {
    if (!M::notify || !s.held) return;
    const unsigned q = s.runner();
    if (q == kProcs) return;
    s.as(q, [&] {
      std::uint64_t aux = 0;
      bool found = false;
      s.fw->for_each_dir(q, s.now, [&](const std::string& d, char, std::uint64_t a) {
        if (d == kDir) found = true, aux = a;
      });
      const std::uint64_t e = s.lease.epoch();
      if (found && aux != e && s.fw->mark(q, kDir, aux, e, s.now)) ++stat().marks;
    });
    s.check();
  }
  void show(std::ostream& os) const override { os << "Mark"; }
};

template <class SB, class FB, class M>
struct Apply : rc::state::Command<NoModel, Sut<SB, FB, M>> {
  void apply(NoModel&) const override {}
  void run(const NoModel&, Sut<SB, FB, M>& s) const override {
    if (!M::notify || s.queue.empty()) return;
    const unsigned q = s.runner();
    if (q == kProcs) return;
    s.as(q, [&] {
      for (const auto& [f, kind] : s.queue) {
        const std::string name = path_of(f).substr(kDir.size() + 1);
        if (s.fw->on_event(q, s.now, kind, kDir, kDirFiles, name, false)) ++stat().applied;
      }
    });
    s.queue.clear();
    for (auto& v : s.pending_from) v = kNone;
    s.check();
  }
  void show(std::ostream& os) const override { os << "Apply"; }
};

template <class SB, class FB, class M>
struct Overflow : rc::state::Command<NoModel, Sut<SB, FB, M>> {
  void apply(NoModel&) const override {}
  void run(const NoModel&, Sut<SB, FB, M>& s) const override {
    if (!M::notify || !s.held) return;
    const unsigned q = s.runner();
    if (q == kProcs) return;
    s.queue.clear();  // lost: the OS says only that it lost some
    for (auto& v : s.pending_from) v = kNone;
    s.as(q, [&] { s.fw->on_overflow(); });
    ++stat().overflows;
    s.check();
  }
  void show(std::ostream& os) const override { os << "Overflow"; }
};

template <class SB, class FB, class M>
struct Takeover : rc::state::Command<NoModel, Sut<SB, FB, M>> {
  bool happens = *rc::gen::weightedElement<bool>({{1, true}, {3, false}});  // rarer than the rest
  void apply(NoModel&) const override {}
  void run(const NoModel&, Sut<SB, FB, M>& s) const override {
    if (!M::notify || !happens) return;
    const unsigned q = s.runner();
    if (q == kProcs) return;
    s.held = false;
    s.queue.clear();
    for (auto& v : s.pending_from) v = kNone;
    s.as(q, [&] { s.lease.refresh(); });  // WL-2: the new owner's bump
    ++stat().takeovers;
    s.check();
  }
  void show(std::ostream& os) const override { os << (happens ? "Takeover" : "NoTakeover"); }
};

// store_machine_holds (common.hpp), with every run's command sequence drawn at a size of at least
// kMinSize: the bugs this machine hunts need a change, a get and a re-check of one file in a row,
// which RapidCheck's first, short runs rarely draw (sizes grow from 0 with the run's index).
constexpr int kMinSize = 250;
template <class S, class... Cmds>
bool long_machine_holds(const std::string& name) {
  return rc::check(name, [] {
    const NoModel make{};
    S sut;
    RC_ASSERT(sut.c != nullptr);
    const auto cmds = *rc::gen::withSize([&](int size) {
      return rc::gen::resize(std::max(size, kMinSize),
                             rc::state::gen::commands(make, rc::state::gen::execOneOfWithArgs<Cmds...>()));
    });
    rc::state::runAll(cmds, make, sut);
  });
}

template <class SB, class FB, class M = Polling>
bool fcache_machine_holds(const std::string& name) {
  using S = Sut<SB, FB, M>;
  if constexpr (!M::notify) {
    return long_machine_holds<S, Get<SB, FB, M>, Get<SB, FB, M>, Get<SB, FB, M>, Get<SB, FB, M>,
                              Get<SB, FB, M>, KillMidGet<SB, FB, M>, Rewrite<SB, FB, M>,
                              Rewrite<SB, FB, M>, Rewrite<SB, FB, M>, RenameOver<SB, FB, M>,
                              Create<SB, FB, M>, Delete<SB, FB, M>, Refresh<SB, FB, M>,
                              Forget<SB, FB, M>, Advance<SB, FB, M>, Advance<SB, FB, M>,
                              Advance<SB, FB, M>, Spawn<S>, Kill<S>>(name);
  } else {
    return long_machine_holds<S, Get<SB, FB, M>, Get<SB, FB, M>, Get<SB, FB, M>, Get<SB, FB, M>,
                              Get<SB, FB, M>, KillMidGet<SB, FB, M>, Rewrite<SB, FB, M>,
                              Rewrite<SB, FB, M>, Rewrite<SB, FB, M>, RenameOver<SB, FB, M>,
                              Create<SB, FB, M>, Delete<SB, FB, M>, Refresh<SB, FB, M>,
                              Forget<SB, FB, M>, Advance<SB, FB, M>, AddWatches<SB, FB, M>,
                              AddWatches<SB, FB, M>, Mark<SB, FB, M>, Mark<SB, FB, M>,
                              Get<SB, FB, M>, Get<SB, FB, M>, Apply<SB, FB, M>,
                              Apply<SB, FB, M>, Apply<SB, FB, M>, Overflow<SB, FB, M>,
                              Takeover<SB, FB, M>, Spawn<S>, Kill<S>>(name);
  }
}

struct MtimeOnly : NoFileCacheBugs {
  static constexpr bool compare_mtime_only = true;
};
struct TrustRacy : NoFileCacheBugs {
  static constexpr bool trust_racy_load = true;
};
struct TrustUnwatched : NoFileCacheBugs {
  static constexpr bool trust_unwatched = true;
};
struct DropOverflow : NoFileWatchBugs {
  static constexpr bool drop_overflow = true;
};

TEST(FileCacheMachine, NeverServesAChangedFilePastTheCheckInterval) {
  stat() = Stat{};
  EXPECT_TRUE((fcache_machine_holds<NoCacheBugs, NoFileCacheBugs>("file cache machine")));
  const Stat& s = stat();
  std::printf("[fcache] served: trusted %u, after a stat %u, loaded %u, passed through %u; "
              "missing %u; changes seen at a check %u; older bytes served within the bound %u; "
              "opens killed %u; evictions %u\n",
              s.hits, s.checked, s.loaded, s.passed, s.missing, s.changes_seen,
              s.stale_within_bound, s.kills, s.evictions);
  EXPECT_GT(s.hits, 0u);
  EXPECT_GT(s.checked, 0u);
  EXPECT_GT(s.loaded, 0u);
  EXPECT_GT(s.passed, 0u);
  EXPECT_GT(s.changes_seen, 0u);
  EXPECT_GT(s.stale_within_bound, 0u);
  EXPECT_GT(s.kills, 0u);
  EXPECT_GT(s.evictions, 0u);
}

TEST(FileCacheMachineTwin, AValidationByMtimeOnlyIsRefuted) {
  std::printf("[twin] expecting RapidCheck to refute the next property:\n");
  EXPECT_FALSE((fcache_machine_holds<NoCacheBugs, MtimeOnly>(
      "twin: a re-check that compares only the mtime (an entry served after its file changed)")));
}

TEST(FileCacheMachineTwin, ALoadStoredInItsChangesTickIsRefuted) {
  std::printf("[twin] expecting RapidCheck to refute the next property:\n");
  EXPECT_FALSE((fcache_machine_holds<NoCacheBugs, TrustRacy>(
      "twin: a file changed in its load's timestamp tick is stored")));
}

TEST(FileCacheNotifyMachine, NeverTrustsAnEntryAChangeOrAnOverflowMadeStale) {
  stat() = Stat{};
  EXPECT_TRUE((fcache_machine_holds<NoCacheBugs, NoFileCacheBugs, Notify<>>(
      "file cache machine, notifications")));
  const Stat& s = stat();
  std::printf("[fcache notify] served: trusted %u (of them older bytes with an event in flight "
              "%u), after a stat %u, loaded %u, passed through %u; missing %u; changes seen at a "
              "check %u; opens killed %u; evictions %u; marks %u, events applied %u, overflows "
              "%u, takeovers %u\n",
              s.hits, s.stale_within_bound, s.checked, s.loaded, s.passed, s.missing,
              s.changes_seen, s.kills, s.evictions, s.marks, s.applied, s.overflows, s.takeovers);
  EXPECT_GT(s.hits, 0u);
  EXPECT_GT(s.checked, 0u);
  EXPECT_GT(s.loaded, 0u);
  EXPECT_GT(s.marks, 0u);
  EXPECT_GT(s.applied, 0u);
  EXPECT_GT(s.overflows, 0u);
  EXPECT_GT(s.takeovers, 0u);
  EXPECT_GT(s.stale_within_bound, 0u);
}

TEST(FileCacheNotifyMachineTwin, AWatcherThatDropsAnOverflowIsRefuted) {
  std::printf("[twin] expecting RapidCheck to refute the next property:\n");
  EXPECT_FALSE((fcache_machine_holds<NoCacheBugs, NoFileCacheBugs, Notify<DropOverflow>>(
      "twin: a watcher that drops an overflow (entries validated before it stay trusted)")));
}

TEST(FileCacheNotifyMachineTwin, AnEntryServedAfterItsFileChangedIsRefuted) {
  std::printf("[twin] expecting RapidCheck to refute the next property:\n");
  EXPECT_FALSE((fcache_machine_holds<NoCacheBugs, TrustUnwatched, Notify<>>(
      "twin: an entry trusted without an active watch (served after its file changed)")));
}

}  // namespace
