// bench/bench_core.cpp: micro-benchmarks of the core against its peers.
//
//   alloc_pairs/*  one free + one alloc per iteration, mixed sizes (16 B - 64 KB, log-uniform,
//                  fixed seed), 64 live allocations replaced in ring (FIFO) order, so frees are
//                  interleaved with allocations of other sizes rather than LIFO:
//                    wc_allocator        wc::Allocator<PrimStd> in a 64 MB
//                                        MAP_SHARED|MAP_ANONYMOUS region (every write journaled)
//                    wc_allocator+rwlock the same, each call inside wc::RwLock lock()/unlock()
//                                        (informational: Boost's segment manager takes its own
//                                        interprocess mutex on every call, ours relies on the
//                                        caller's segment lock)
//                    boost_interprocess  managed_shared_memory (64 MB) segment_manager
//                    glibc_malloc        malloc / free
//   lock_read/*    uncontended read acquire/release: wc::RwLock lock_shared(0)/unlock_shared(0)
//                  (PrimStd; and PrimPosix, the shipped backend, informational) vs
//                  pthread_rwlock rdlock/unlock vs Boost interprocess_sharable_mutex
//                  lock_sharable/unlock_sharable
//   lock_write/*   the same for exclusive lock()/unlock() (pthread wrlock, Boost lock/unlock)
//                  (every lock in its own MAP_SHARED anonymous mapping; pthread PROCESS_SHARED)
//   frag/*         fragmentation after a long random churn at 90% fill, ours vs Boost, on 32 MB
//                  arenas (bench/core_frag.cpp explains the workload and the metrics)
//   lock_2proc_*/* 2 forked processes hammering one lock: read-only, write-only, 90/10
//                  (bench/core_procs.cpp; outside Google Benchmark, own repetitions)
//   lock_write_slots/* uncontended lock()+unlock() of a 1024-slot wc::RwLock<PrimPosix> with
//                  0, 16, 256, 1024 forked processes registered (each claimed a reader slot),
//                  and after they detached, vs the pre-change lock that scans every slot below
//                  its high-water mark (bench/core_slots.cpp; own repetitions)
//
// At the end one table of comparisons (medians of the repetitions, this run) is printed. The
// project's targets are reported, never asserted: allocator >= 2x faster than Boost.Interprocess;
// lock within 1.5x of pthread_rwlock uncontended; with 2 processes, write-only at least as fast
// as pthread_rwlock and read-only at least 5x (issue 16).
//
// Own options (removed from argv before Google Benchmark sees it):
//   --rows=FILE  also write the comparisons as JSON Lines, one object per comparison:
//                {"part":"core","name":...,"unit":"ns/op"|"%","better":"lower"|"higher",
//                 "ours":x,"peer":y|null,"peer_name":...,"target":null|{"ratio":R}|{"diff":D},
//                 "target_text":...,"n":reps,"note":...}
//                A ratio target is met iff our speed-up (peer/ours when lower is better,
//                ours/peer when higher) >= R; a diff target iff ours beats peer by >= D.
//   --quick      CI smoke run (< ~15 s): 3 repetitions, short MinTime, short churn, fewer ops.
// Standard flags work: --benchmark_filter (also selects frag/, lock_2proc_ and lock_write_slots/
// by name),
// --benchmark_out=f.json --benchmark_out_format=json, ...
#include <benchmark/benchmark.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <boost/interprocess/managed_shared_memory.hpp>
#include <boost/interprocess/sync/interprocess_sharable_mutex.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <new>
#include <regex>
#include <string>
#include <vector>

#include "core/allocator.hpp"
#include "core/rwlock.hpp"
#include "core_common.hpp"
#include "prims/prim_posix.hpp"
#include "prims/prim_std.hpp"

namespace bip = boost::interprocess;
using bench::fail;

namespace {

constexpr std::size_t kArenaBytes = std::size_t{64} << 20;  // 64 MB for every shared arena
constexpr std::size_t kSizes = 4096;                        // precomputed request sizes
constexpr std::size_t kLive = 64;                           // live allocations (ring)
constexpr std::size_t kWarmPairs = 4 * kSizes;              // untimed pairs before timing
static_assert((kSizes & (kSizes - 1)) == 0 && (kLive & (kLive - 1)) == 0, "powers of two");

using Lock = wc::RwLock<wc::PrimStd>;
using PLock = wc::RwLock<wc::PrimPosix>;
using Heap = wc::Allocator<wc::PrimStd>;
using BMutex = bip::interprocess_sharable_mutex;
static_assert(std::atomic<std::uint64_t>::is_always_lock_free, "shared-memory atomics");

// ---- global fixtures (created once in main, before any benchmark runs) ----------------------
bench::Options g_opt;
std::unique_ptr<bip::managed_shared_memory> g_boost;
void* g_arena = nullptr;                 // for wc::Allocator
Lock* g_lock = nullptr;                  // wc::RwLock<PrimStd> in its own shared mapping
PLock* g_plock = nullptr;                // wc::RwLock<PrimPosix> in its own shared mapping
pthread_rwlock_t* g_prw = nullptr;       // pthread rwlock in its own shared mapping
BMutex* g_bmx = nullptr;                 // Boost sharable mutex in its own shared mapping
std::array<std::uint32_t, kSizes> g_sizes;

void* map_shared(std::size_t bytes) {
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) fail("mmap");
  return p;
}

// Log-uniform sizes in [16, 65536] from a fixed-seed splitmix64 (portable: no std distribution).
void make_sizes() {
  bench::SplitMix rng(0x57494E4341434845ull);  // "WINCACHE"
  for (auto& out : g_sizes) out = rng.size();
}

// ---- allocator adapters: alloc(n) -> handle (0 / nullptr on failure), free(handle) ----------
struct OursAlloc {
  using handle = std::uint64_t;
  Heap* a;
  handle alloc(std::size_t n) { return a->alloc(n); }
  void free(handle h) {
    if (!a->free(h)) fail("wc::Allocator::free refused a live block");
  }
};

struct OursLockedAlloc {
  using handle = std::uint64_t;
  Heap* a;
  Lock* lk;
  handle alloc(std::size_t n) {
    if (lk->lock() != wc::Acquire::ok) fail("RwLock::lock");
    const handle h = a->alloc(n);
    if (!lk->unlock()) fail("RwLock::unlock");
    return h;
  }
  void free(handle h) {
    if (lk->lock() != wc::Acquire::ok) fail("RwLock::lock");
    const bool ok = a->free(h);
    if (!lk->unlock()) fail("RwLock::unlock");
    if (!ok) fail("wc::Allocator::free refused a live block");
  }
};

struct BoostAlloc {
  using handle = void*;
  bip::managed_shared_memory::segment_manager* sm;
  handle alloc(std::size_t n) { return sm->allocate(n, std::nothrow); }
  void free(handle h) { sm->deallocate(h); }
};

struct MallocAlloc {
  using handle = void*;
  handle alloc(std::size_t n) { return std::malloc(n); }
  void free(handle h) { std::free(h); }
};

// The shared workload: the same size sequence and the same replacement pattern for everyone.
template <class A>
void run_pairs(benchmark::State& st, A& a) {
  using H = typename A::handle;
  std::array<H, kLive> ring{};
  std::size_t i = 0;
  for (; i < kLive; ++i) {
    ring[i] = a.alloc(g_sizes[i]);
    if (!ring[i]) fail("alloc (fill)");
  }
  auto pair = [&](std::size_t k) {
    const std::size_t slot = k & (kLive - 1);
    a.free(ring[slot]);
    const H h = a.alloc(g_sizes[k & (kSizes - 1)]);
    if (!h) fail("alloc returned no memory");
    benchmark::DoNotOptimize(h);
    ring[slot] = h;
  };
  for (const std::size_t end = i + kWarmPairs; i < end; ++i) pair(i);  // untimed warm-up
  for (auto _ : st) pair(i++);
  for (H h : ring) a.free(h);
  st.SetItemsProcessed(st.iterations());
}

void BM_alloc_ours(benchmark::State& st) {
  auto* a = Heap::create(g_arena, 0, kArenaBytes);  // fresh arena for every run
  if (!a) fail("wc::Allocator::create");
  OursAlloc ad{a};
  run_pairs(st, ad);
  if (const char* v = a->violation()) fail(v);
  if (a->stats().used_blocks != 0) fail("wc::Allocator leaked blocks");
}

void BM_alloc_ours_locked(benchmark::State& st) {
  auto* a = Heap::create(g_arena, 0, kArenaBytes);
  if (!a) fail("wc::Allocator::create");
  OursLockedAlloc ad{a, g_lock};
  run_pairs(st, ad);
  if (const char* v = a->violation()) fail(v);
}

void BM_alloc_boost(benchmark::State& st) {
  BoostAlloc ad{g_boost->get_segment_manager()};
  run_pairs(st, ad);
  if (!ad.sm->all_memory_deallocated()) fail("boost segment leaked");
}

void BM_alloc_malloc(benchmark::State& st) {
  MallocAlloc ad;
  run_pairs(st, ad);
}

// ---- locks (uncontended) --------------------------------------------------------------------
template <class L>
void BM_read_wc(benchmark::State& st, L* lk) {
  for (auto _ : st) {
    if (lk->lock_shared(0) != wc::Acquire::ok) fail("RwLock::lock_shared");
    benchmark::ClobberMemory();  // the "read section"
    if (!lk->unlock_shared(0)) fail("RwLock::unlock_shared");
  }
  st.SetItemsProcessed(st.iterations());
}

template <class L>
void BM_write_wc(benchmark::State& st, L* lk) {
  for (auto _ : st) {
    if (lk->lock() != wc::Acquire::ok) fail("RwLock::lock");
    benchmark::ClobberMemory();
    if (!lk->unlock()) fail("RwLock::unlock");
  }
  st.SetItemsProcessed(st.iterations());
}

void BM_read_ours(benchmark::State& st) { BM_read_wc(st, g_lock); }
void BM_write_ours(benchmark::State& st) { BM_write_wc(st, g_lock); }
void BM_read_ours_posix(benchmark::State& st) { BM_read_wc(st, g_plock); }
void BM_write_ours_posix(benchmark::State& st) { BM_write_wc(st, g_plock); }

void BM_read_pthread(benchmark::State& st) {
  pthread_rwlock_t* lk = g_prw;
  for (auto _ : st) {
    if (pthread_rwlock_rdlock(lk) != 0) fail("pthread_rwlock_rdlock");
    benchmark::ClobberMemory();
    if (pthread_rwlock_unlock(lk) != 0) fail("pthread_rwlock_unlock");
  }
  st.SetItemsProcessed(st.iterations());
}

void BM_write_pthread(benchmark::State& st) {
  pthread_rwlock_t* lk = g_prw;
  for (auto _ : st) {
    if (pthread_rwlock_wrlock(lk) != 0) fail("pthread_rwlock_wrlock");
    benchmark::ClobberMemory();
    if (pthread_rwlock_unlock(lk) != 0) fail("pthread_rwlock_unlock");
  }
  st.SetItemsProcessed(st.iterations());
}

void BM_read_boost(benchmark::State& st) {
  BMutex* lk = g_bmx;
  for (auto _ : st) {
    lk->lock_sharable();
    benchmark::ClobberMemory();
    lk->unlock_sharable();
  }
  st.SetItemsProcessed(st.iterations());
}

void BM_write_boost(benchmark::State& st) {
  BMutex* lk = g_bmx;
  for (auto _ : st) {
    lk->lock();
    benchmark::ClobberMemory();
    lk->unlock();
  }
  st.SetItemsProcessed(st.iterations());
}

// ---- names shared by registration and the comparisons ---------------------------------------
const char* const kAllocOurs = "alloc_pairs/wc_allocator";
const char* const kAllocOursLocked = "alloc_pairs/wc_allocator+rwlock";
const char* const kAllocBoost = "alloc_pairs/boost_interprocess";
const char* const kAllocMalloc = "alloc_pairs/glibc_malloc";
const char* const kReadOurs = "lock_read/wc_rwlock";
const char* const kReadOursPosix = "lock_read/wc_rwlock_posix";
const char* const kReadPthread = "lock_read/pthread_rwlock";
const char* const kReadBoost = "lock_read/boost_sharable_mutex";
const char* const kWriteOurs = "lock_write/wc_rwlock";
const char* const kWriteOursPosix = "lock_write/wc_rwlock_posix";
const char* const kWritePthread = "lock_write/pthread_rwlock";
const char* const kWriteBoost = "lock_write/boost_sharable_mutex";

// ---- reporter: the console output as usual; keeps the medians for the comparisons -----------
class MedianReporter : public benchmark::ConsoleReporter {
 public:
  using ConsoleReporter::ConsoleReporter;

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      if (r.error_occurred) continue;
      const std::string name = r.run_name.function_name;
      const double ns = r.GetAdjustedRealTime() / benchmark::GetTimeUnitMultiplier(r.time_unit) *
                        1e9;
      if (r.run_type == Run::RT_Aggregate) {
        if (r.aggregate_name == "median") median_[name] = {ns, int(r.repetitions)};
      } else {  // no aggregates (e.g. --benchmark_repetitions=1): keep the last plain run
        single_[name] = {ns, 1};
      }
    }
  }

  // Median ns and the repetitions behind it; {NaN, 0} if the benchmark did not run.
  std::pair<double, int> get(const std::string& name) const {
    auto it = median_.find(name);
    if (it != median_.end()) return it->second;
    it = single_.find(name);
    if (it != single_.end()) return it->second;
    return {bench::kNull, 0};
  }

 private:
  std::map<std::string, std::pair<double, int>> median_, single_;
};

// One comparison row from two Google Benchmark results (ns per iteration, lower is better).
bench::Row gb_row(const MedianReporter& rep, const char* name, const char* ours,
                  const char* peer, const char* peer_name, double ratio_target,
                  const char* target_text, const char* note = "") {
  bench::Row r;
  r.name = name;
  r.unit = "ns/op";
  r.lower_better = true;
  const auto o = rep.get(ours), p = rep.get(peer);
  r.ours = o.first;
  r.peer = p.first;
  r.peer_name = peer_name;
  r.n = o.second < p.second ? o.second : p.second;
  if (ratio_target > 0) {
    r.target = bench::Row::Target::ratio;
    r.target_value = ratio_target;
    r.target_text = target_text;
  }
  r.note = note;
  return r;
}

std::vector<bench::Row> gb_rows(const MedianReporter& rep) {
  constexpr double kWithin1_5 = 0.6667;  // speed-up pthread/ours >= 1/1.5
  const char* sizes = "allocator alloc+free, 16 B-64 KB";
  std::vector<bench::Row> v;
  v.push_back(gb_row(rep, sizes, kAllocOurs, kAllocBoost, "Boost.Interprocess", 2.0,
                     ">= 2x Boost"));
  v.push_back(gb_row(rep, sizes, kAllocOurs, kAllocMalloc, "glibc malloc", 0, ""));
  v.push_back(gb_row(rep, "allocator alloc+free inside wc::RwLock lock/unlock, 16 B-64 KB",
                     kAllocOursLocked, kAllocBoost, "Boost.Interprocess", 0, "",
                     "informational: Boost's segment manager locks its own mutex per call, "
                     "ours relies on the caller's segment lock"));
  v.push_back(gb_row(rep, "lock read, uncontended", kReadOurs, kReadPthread, "pthread_rwlock",
                     kWithin1_5, "within 1.5x of pthread"));
  v.push_back(gb_row(rep, "lock read, uncontended", kReadOurs, kReadBoost,
                     "Boost interprocess_sharable_mutex", 0, ""));
  v.push_back(gb_row(rep, "lock write, uncontended", kWriteOurs, kWritePthread,
                     "pthread_rwlock", kWithin1_5, "within 1.5x of pthread"));
  v.push_back(gb_row(rep, "lock write, uncontended", kWriteOurs, kWriteBoost,
                     "Boost interprocess_sharable_mutex", 0, ""));
  const char* posix_note = "informational: the shipped cross-process backend (PrimPosix), the "
                           "one the 2-process rows use";
  v.push_back(gb_row(rep, "lock read, uncontended, PrimPosix backend", kReadOursPosix,
                     kReadPthread, "pthread_rwlock", 0, "", posix_note));
  v.push_back(gb_row(rep, "lock write, uncontended, PrimPosix backend", kWriteOursPosix,
                     kWritePthread, "pthread_rwlock", 0, "", posix_note));
  // Drop rows whose benchmarks were filtered out.
  std::vector<bench::Row> out;
  for (auto& r : v)
    if (r.n > 0) out.push_back(r);
  return out;
}

std::string g_shm_name;  // Boost's segment for alloc_pairs (unlinked right after creation)

void setup() {
  make_sizes();

  g_arena = map_shared(kArenaBytes);

  g_lock = new (map_shared(sizeof(Lock))) Lock();
  g_plock = new (map_shared(sizeof(PLock))) PLock();
  g_bmx = new (map_shared(sizeof(BMutex))) BMutex();

  g_prw = static_cast<pthread_rwlock_t*>(map_shared(sizeof(pthread_rwlock_t)));
  pthread_rwlockattr_t attr;
  if (pthread_rwlockattr_init(&attr) != 0 ||
      pthread_rwlockattr_setpshared(&attr, PTHREAD_PROCESS_SHARED) != 0 ||
      pthread_rwlock_init(g_prw, &attr) != 0)
    fail("pthread_rwlock_init");
  pthread_rwlockattr_destroy(&attr);

  g_shm_name = "wincache_bench_core_" + std::to_string(getpid());
  bip::shared_memory_object::remove(g_shm_name.c_str());
  bench::register_shm("/" + g_shm_name);
  try {
    g_boost = std::make_unique<bip::managed_shared_memory>(bip::create_only, g_shm_name.c_str(),
                                                           kArenaBytes);
  } catch (const std::exception& e) {
    bench::failf("boost managed_shared_memory create_only: %s", e.what());
  }
  // The mapping outlives the name: unlink now, so even a SIGKILL leaves nothing in /dev/shm.
  bip::shared_memory_object::remove(g_shm_name.c_str());
  bench::unregister_shm("/" + g_shm_name);
}

void teardown() {
  g_boost.reset();
  pthread_rwlock_destroy(g_prw);
  munmap(g_prw, sizeof(pthread_rwlock_t));
  g_bmx->~BMutex();
  munmap(g_bmx, sizeof(BMutex));
  g_plock->~PLock();
  munmap(g_plock, sizeof(PLock));
  g_lock->~Lock();
  munmap(g_lock, sizeof(Lock));
  munmap(g_arena, kArenaBytes);
}

void register_all() {
  auto reg = [](const char* name, void (*fn)(benchmark::State&)) {
    benchmark::RegisterBenchmark(name, fn)
        ->Unit(benchmark::kNanosecond)
        ->MinTime(g_opt.min_time)
        ->Repetitions(g_opt.reps)
        ->ReportAggregatesOnly(true);
  };
  reg(kAllocOurs, BM_alloc_ours);
  reg(kAllocOursLocked, BM_alloc_ours_locked);
  reg(kAllocBoost, BM_alloc_boost);
  reg(kAllocMalloc, BM_alloc_malloc);
  reg(kReadOurs, BM_read_ours);
  reg(kReadOursPosix, BM_read_ours_posix);
  reg(kReadPthread, BM_read_pthread);
  reg(kReadBoost, BM_read_boost);
  reg(kWriteOurs, BM_write_ours);
  reg(kWriteOursPosix, BM_write_ours_posix);
  reg(kWritePthread, BM_write_pthread);
  reg(kWriteBoost, BM_write_boost);
}

// Our own options: parsed and removed from argv before benchmark::Initialize sees them.
// Also peeks (without removing) at --benchmark_list_tests.
bool parse_own_args(int& argc, char** argv, bool& list_only) {
  int out = 1;
  list_only = false;
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    if (std::strncmp(a, "--rows=", 7) == 0) {
      g_opt.rows_path = a + 7;
      if (g_opt.rows_path.empty()) {
        std::fprintf(stderr, "bench_core: --rows= needs a file name\n");
        return false;
      }
      continue;
    }
    if (std::strcmp(a, "--quick") == 0) {
      g_opt.quick = true;
      continue;
    }
    if (std::strcmp(a, "--benchmark_list_tests") == 0 ||
        std::strcmp(a, "--benchmark_list_tests=true") == 0)
      list_only = true;
    argv[out++] = argv[i];
  }
  argc = out;
  argv[argc] = nullptr;
  if (g_opt.quick) {
    g_opt.reps = 3;
    g_opt.min_time = 0.1;
    g_opt.churn_steps = 200000;
    g_opt.frag_seeds = 1;
    g_opt.proc_ops = 300000;
  }
  return true;
}

// Does the --benchmark_filter select `name`? (Same rule as Google Benchmark: a regex searched in
// the name; a leading '-' negates.)
bool selected(const std::string& name) {
  std::string f = benchmark::GetBenchmarkFilter();
  if (f.empty() || f == "." || f == "all") return true;
  bool negate = false;
  if (f[0] == '-') negate = true, f.erase(0, 1);
  try {
    return std::regex_search(name, std::regex(f)) != negate;
  } catch (const std::regex_error&) {
    return true;
  }
}

}  // namespace

int main(int argc, char** argv) {
  bool list_only = false;
  if (!parse_own_args(argc, argv, list_only)) return 1;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  bench::install_signal_cleanup();
  setup();
  register_all();
  MedianReporter reporter(isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_Defaults
                                                : benchmark::ConsoleReporter::OO_Tabular);
  benchmark::RunSpecifiedBenchmarks(&reporter);  // --benchmark_out* adds the file reporter
  std::fflush(stdout);
  if (list_only) {
    std::printf("frag/wc_allocator_vs_boost\nlock_2proc_read\nlock_2proc_write\n"
                "lock_2proc_90r10w\nlock_write_slots\n");
    benchmark::Shutdown();
    teardown();
    return 0;
  }
  std::vector<bench::Row> rows = gb_rows(reporter);
  std::printf("\n");
  if (selected("frag/wc_allocator_vs_boost")) {
    auto f = bench::run_fragmentation(g_opt);
    rows.insert(rows.end(), f.begin(), f.end());
  }
  if (selected("lock_2proc_read/") || selected("lock_2proc_write/") ||
      selected("lock_2proc_90r10w/")) {
    auto p = bench::run_lock_processes(g_opt);
    rows.insert(rows.end(), p.begin(), p.end());
  }
  if (selected("lock_write_slots/")) {
    auto p = bench::run_lock_slots(g_opt);
    rows.insert(rows.end(), p.begin(), p.end());
  }
  bench::print_table(stdout, rows);
  int rc = 0;
  if (!g_opt.rows_path.empty()) {
    if (bench::write_rows_jsonl(g_opt.rows_path, rows)) {
      std::printf("\n%zu rows written to %s\n", rows.size(), g_opt.rows_path.c_str());
    } else {
      std::fprintf(stderr, "bench_core: cannot write %s\n", g_opt.rows_path.c_str());
      rc = 1;
    }
  }
  benchmark::Shutdown();
  teardown();
  return rc;
}
