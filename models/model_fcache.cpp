// Relacy: the trust rule of the file cache with change notifications (FC-6 in
// docs/invariants/fcache.md), the real FileCache::open (core/fcache.hpp) and the real
// FileWatch::on_event (core/fwatch.hpp) over the real watch lease (core/watch_lease.hpp).
//
// What is modelled:
//   - the keyed store as a linearizable map of one path (every store operation runs under the
//     store's lock: here one mutex); values are never freed during an iteration, as a pinned
//     entry outlives its removal;
//   - the file as an atomic version: a stat or a load sees one version whole (a file changing
//     while read is FC-3's business, checked by the property test);
//   - the OS and the owner's watcher thread as one thread that changes the file, then applies the
//     event the OS reports for it (an event is always reported after the change it reports);
//   - the directory's OS watch active in the current epoch throughout.
//
//   FC-6  once every event is applied, no entry is trusted (served with no system call) with
//         bytes other than the file's: whatever the interleaving of a request's load or re-check
//         with the change and its event, the next open serves the current version, and if the
//         entry is trusted it holds the current version.
// Negative twins (USER ASSERT: a stale entry trusted, the next open serves the old version):
//   a cache that trusts every validation, watched or not (NoFileCacheBugs::trust_unwatched),
//   and a watcher that counts an event only after applying it (FileWatch's bug
//   count_after_apply: a load that read the old bytes checks the count between the two and
//   trusts what it stored).
#include <deque>
#include <string>

#include "../core/fwatch.hpp"
#include "../core/watch_lease.hpp"
#include "prim_relacy.hpp"

using namespace wc;
using namespace wc::model;

constexpr std::uint64_t kNow = 1000;  // ms: every operation's clock (nothing expires)
const std::string kDir = "/app";
const std::string kPath = "/app/a.php";

// The keyed store of one key, linearizable, with the aux word.
class MiniStore {
 public:
  static constexpr std::uint32_t kMaxKey = 4096;
  enum class Mode : std::uint8_t { set, add };
  struct Head {
    std::uint64_t created_ms = 0;
  };
  struct View {
    ValueType type;
    const char* bytes;
    std::uint64_t len;
    PrimRelacy::atomic<std::uint64_t>& aux;
  };

  MiniStore() { present_.store(false, std::memory_order_relaxed); }
  const Head& h() const { return head_; }
  static std::uint64_t hash_of(const char* k, std::uint32_t n) {
    std::uint64_t h = 1469598103934665603ull;
    for (std::uint32_t i = 0; i < n; ++i) h = (h ^ std::uint8_t(k[i])) * 1099511628211ull;
    return h;
  }

  template <class Fn>
  CacheStatus get_entry(unsigned, const char* key, std::uint32_t klen, std::uint64_t, Fn&& fn) {
    m_.lock($);
    CacheStatus st = CacheStatus::miss;
    if (mine(key, klen) && present_.load(std::memory_order_relaxed)) {
      View v{ValueType::string_v, cur_->data(), cur_->size(), aux_};
      fn(v);
      st = CacheStatus::ok;
    }
    m_.unlock($);
    return st;
  }
  template <class Same>
  bool cas_aux(unsigned, const char* key, std::uint32_t klen, std::uint64_t, std::uint64_t expect,
               std::uint64_t want, Same&& same) {
    m_.lock($);
    bool ok = false;
    if (mine(key, klen) && present_.load(std::memory_order_relaxed) &&
        same(cur_->data(), cur_->size()))
      ok = aux_.compare_exchange_strong(expect, want, std::memory_order_seq_cst);
    m_.unlock($);
    return ok;
  }
  CacheStatus remove(unsigned, const char* key, std::uint32_t klen, std::uint64_t) {
    m_.lock($);
    CacheStatus st = CacheStatus::miss;
    if (mine(key, klen) && present_.load(std::memory_order_relaxed)) {
      present_.store(false, std::memory_order_relaxed);
      st = CacheStatus::ok;
    }
    m_.unlock($);
    return st;
  }
  CacheStatus store(unsigned, const char* key, std::uint32_t klen, ValueType, const char* bytes,
                    std::uint64_t len, std::uint64_t, std::uint64_t, Mode, std::uint64_t,
                    std::uint64_t aux) {
    if (!mine(key, klen)) return CacheStatus::too_large;
    m_.lock($);
    values_.emplace_back(bytes, len);
    cur_ = &values_.back();
    aux_.store(aux, std::memory_order_seq_cst);
    present_.store(true, std::memory_order_relaxed);
    m_.unlock($);
    return CacheStatus::ok;
  }
  bool present(unsigned, const char* key, std::uint32_t klen) {
    m_.lock($);
    const bool p = mine(key, klen) && present_.load(std::memory_order_relaxed);
    m_.unlock($);
    return p;
  }

  // For the checks in after() (no thread runs then).
  bool peek(std::string* bytes, std::uint64_t* aux) {
    if (!present_.load(std::memory_order_relaxed)) return false;
    *bytes = *cur_;
    *aux = aux_.load(std::memory_order_seq_cst);
    return true;
  }

 private:
  static bool mine(const char* key, std::uint32_t klen) {
    return std::string(key, klen) == kPath || std::string(key, klen) == kDir;
  }
  rl::mutex m_;
  Head head_;
  PrimRelacy::atomic<bool> present_;
  PrimRelacy::atomic<std::uint64_t> aux_;
  const std::string* cur_ = nullptr;
  std::deque<std::string> values_;  // every value ever stored: a pinned entry outlives removal
};

// The file: one version, changed whole. A stat and a load each see one version.
struct ModelFs {
  PrimRelacy::atomic<int> version;
  ModelFs() { version.store(1, std::memory_order_relaxed); }
  static FileStat stat_of(int v) {
    // Every version has its own size and times; all long before the loads (FC-3: settled).
    return FileStat{true, true, 1, std::int64_t(v) * 1000, std::int64_t(v) * 1000, 7, 1, 0100644};
  }
  FileStat stat(const std::string&) { return stat_of(version.load(std::memory_order_seq_cst)); }
  LoadStatus load(const std::string&, std::uint64_t, std::uint64_t head, FileStat& st,
                  std::string& buf) {
    const int v = version.load(std::memory_order_seq_cst);
    st = stat_of(v);
    buf.assign(head, '\0');
    buf.push_back(char('0' + v));
    return LoadStatus::ok;
  }
  // The wall clock: long after every version's times (FC-3: settled), and never the same twice,
  // as a nanosecond clock read by two loads (a load's stamp hashes it: FileMeta::stamp).
  // (A plain counter: the model's threads switch only at modelled operations.)
  std::int64_t clock = 1'000'000'000'000;
  std::int64_t now_ns() { return clock++; }
  void change() { version.fetch_add(1, std::memory_order_seq_cst); }
  char current() { return char('0' + version.load(std::memory_order_seq_cst)); }
};

template <class FWBugs>
using Lease = WatchLease<PrimRelacy>;

template <class FCBugs, class FWBugs>
struct World6 {
  World w;
  Lease<FWBugs> lease;
  MiniStore files;
  MiniStore table;  // the watch table (the directory's own state is given by Dirs, below)
  ModelFs fs;
  FileCache<MiniStore, FCBugs> cache{files};
  FileWatch<Lease<FWBugs>, MiniStore, MiniStore, FWBugs> watch{lease, table, files};
  std::uint64_t epoch = 0;

  // The request side's view of the watch: the directory is active in the current epoch.
  struct Dirs {
    World6* s;
    std::uint64_t dir_epoch(const std::string&) { return s->epoch; }
    std::uint64_t applied() { return s->lease.applied(); }
  };

  void init(bool stored) {
    world() = &w;
    RL_ASSERT(lease.check(1, 1));  // an owner whose thread watches /app
    epoch = lease.epoch();
    RL_ASSERT(epoch != 0);
    if (stored) {  // the file loaded earlier, in this epoch, not yet trusted
      std::string buf;
      const FileServed r = open(buf);
      RL_ASSERT(r.outcome == FileOutcome::loaded);
      std::uint64_t aux = 0;
      std::string bytes;
      RL_ASSERT(files.peek(&bytes, &aux));
      files.cas_aux(0, kPath.data(), std::uint32_t(kPath.size()), kNow, aux,
                    aux_word(std::uint32_t(epoch), 0, false),
                    [](const char*, std::uint64_t) { return true; });
    }
  }
  FileParams params() const {
    FileParams p{};
    p.epoch = epoch;
    p.max_size = 1 << 20;
    p.notify = true;
    return p;
  }
  FileServed open(std::string& buf) {
    Dirs d{this};
    const FileParams p = params();
    return cache.open(0, kPath, kNow, p, fs, buf, d);
  }
  char served(const FileServed& r) { return r.len == 1 ? r.bytes[0] : '?'; }

  // The writer: the file changes, then the OS reports it and the watcher applies it.
  void change_and_apply() {
    fs.change();
    watch.on_event(0, kNow, DirEvent::changed, kDir, kDirFiles, "a.php", false);
  }

  // FC-6, once every event is applied.
  void check_after() {
    std::string bytes;
    std::uint64_t aux = 0;
    if (files.peek(&bytes, &aux) && watch_trusted(aux, epoch))
      RL_ASSERT(bytes.back() == fs.current());  // a trusted entry holds the current version
    std::string buf;
    const FileServed r = open(buf);
    RL_ASSERT(served(r) == fs.current());  // the next open serves the current version
  }
};

// A request opens the file (a load if absent, a re-check if stored untrusted) while the file
// changes and its event is applied.
template <class FCBugs, class FWBugs, bool Stored>
struct OpenWhileChanging : rl::test_suite<OpenWhileChanging<FCBugs, FWBugs, Stored>, 2> {
  World6<FCBugs, FWBugs> s;
  void before() { s.init(Stored); }
  void thread(unsigned idx) {
    if (idx == 0) {
      std::string buf;
      const FileServed r = s.open(buf);
      const char v = s.served(r);
      RL_ASSERT(v == '1' || v == '2');  // the old version or the new, whole
    } else {
      s.change_and_apply();
    }
  }
  void after() { s.check_after(); }
};

// Two requests open the file at once (each a load, or one a re-check of what the other stored)
// while it changes twice (two events): the trust CAS of one must not land on the other's entry.
template <class FCBugs, class FWBugs>
struct TwoRequestsTwoChanges : rl::test_suite<TwoRequestsTwoChanges<FCBugs, FWBugs>, 3> {
  World6<FCBugs, FWBugs> s;
  void before() { s.init(false); }
  void thread(unsigned idx) {
    if (idx == 2) {
      s.change_and_apply();
      s.change_and_apply();
      return;
    }
    std::string buf;
    s.open(buf);
  }
  void after() { s.check_after(); }
};

struct TrustUnwatched : NoFileCacheBugs {
  static constexpr bool trust_unwatched = true;
};
struct CasByWordOnly : NoFileCacheBugs {
  static constexpr bool cas_by_word_only = true;
};
struct CountAfterApply : NoFileWatchBugs {
  static constexpr bool count_after_apply = true;
};

int main(int argc, char** argv) {
  const Options o = parse_options(argc, argv);
  Tally t;
  must_hold<OpenWhileChanging<NoFileCacheBugs, NoFileWatchBugs, false>>(
      "FC-6 a load while the file changes and its event is applied", o, t);
  must_hold<OpenWhileChanging<NoFileCacheBugs, NoFileWatchBugs, true>>(
      "FC-6 a re-check while the file changes and its event is applied", o, t);
  must_hold<TwoRequestsTwoChanges<NoFileCacheBugs, NoFileWatchBugs>>(
      "FC-6 a load and a re-check across two changes", o, t);
  must_catch<OpenWhileChanging<TrustUnwatched, NoFileWatchBugs, false>>(
      "twin: every validation trusted", rl::test_result_user_assert_failed, o, t);
  must_catch<TwoRequestsTwoChanges<CasByWordOnly, NoFileWatchBugs>>(
      "twin: the trust CAS lands on a reloaded entry (ABA)", rl::test_result_user_assert_failed,
      o, t);
  must_catch<OpenWhileChanging<NoFileCacheBugs, CountAfterApply, false>>(
      "twin: an event counted after it is applied", rl::test_result_user_assert_failed, o, t);
  t.summary("model file cache trust");
  return t.exit_code();
}
