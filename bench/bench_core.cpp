// bench/bench_core.cpp: micro-benchmarks of the core's uncontended fast paths.
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
//   lock_read/*    uncontended lock_shared(0)/unlock_shared(0) vs pthread_rwlock rdlock/unlock
//   lock_write/*   uncontended lock()/unlock() vs pthread_rwlock wrlock/unlock
//                  (both locks in MAP_SHARED anonymous mappings; pthread with PROCESS_SHARED)
//
// After the run a ratio table (medians of 5 repetitions, same run) is printed. The project's
// targets are reported, never asserted: allocator >= 2x faster than Boost.Interprocess; lock
// within 1.5x of pthread_rwlock uncontended.
//
// Standard flags work: --benchmark_filter, --benchmark_out=f.json --benchmark_out_format=json, ...
#include <benchmark/benchmark.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <boost/interprocess/managed_shared_memory.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <new>
#include <ostream>
#include <string>
#include <vector>

#include "core/allocator.hpp"
#include "core/rwlock.hpp"
#include "prims/prim_std.hpp"

namespace bip = boost::interprocess;

namespace {

constexpr std::size_t kArenaBytes = std::size_t{64} << 20;  // 64 MB for every shared arena
constexpr std::size_t kSizes = 4096;                        // precomputed request sizes
constexpr std::size_t kLive = 64;                           // live allocations (ring)
constexpr std::size_t kWarmPairs = 4 * kSizes;              // untimed pairs before timing
constexpr double kMinTime = 0.2;
constexpr int kReps = 5;
static_assert((kSizes & (kSizes - 1)) == 0 && (kLive & (kLive - 1)) == 0, "powers of two");

using Lock = wc::RwLock<wc::PrimStd>;
using Heap = wc::Allocator<wc::PrimStd>;
static_assert(std::atomic<std::uint64_t>::is_always_lock_free, "shared-memory atomics");

// ---- global fixtures (created once in main, before any benchmark runs) ----------------------
std::string g_shm_name;
std::unique_ptr<bip::managed_shared_memory> g_boost;
void* g_arena = nullptr;                 // for wc::Allocator
Lock* g_lock = nullptr;                  // wc::RwLock in its own shared mapping
pthread_rwlock_t* g_prw = nullptr;       // pthread rwlock in its own shared mapping
std::array<std::uint32_t, kSizes> g_sizes;

void remove_shm() {
  if (!g_shm_name.empty()) bip::shared_memory_object::remove(g_shm_name.c_str());
}

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "bench_core: FAILED: %s\n", what);
  remove_shm();  // abort() skips destructors: do not leave 64 MB behind in /dev/shm
  std::abort();
}

void* map_shared(std::size_t bytes) {
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) fail("mmap");
  return p;
}

// Log-uniform sizes in [16, 65536] from a fixed-seed splitmix64 (portable: no std distribution).
void make_sizes() {
  std::uint64_t s = 0x57494E4341434845ull;  // "WINCACHE"
  for (auto& out : g_sizes) {
    s += 0x9E3779B97F4A7C15ull;
    std::uint64_t z = s;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    const double u = double(z >> 11) * 0x1.0p-53;  // [0, 1)
    const double v = 16.0 * std::exp2(12.0 * u);   // [16, 65536)
    out = std::uint32_t(v < 16.0 ? 16.0 : v > 65536.0 ? 65536.0 : v);
  }
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

// ---- locks ----------------------------------------------------------------------------------
void BM_read_ours(benchmark::State& st) {
  Lock* lk = g_lock;
  for (auto _ : st) {
    if (lk->lock_shared(0) != wc::Acquire::ok) fail("RwLock::lock_shared");
    benchmark::ClobberMemory();  // the "read section"
    if (!lk->unlock_shared(0)) fail("RwLock::unlock_shared");
  }
  st.SetItemsProcessed(st.iterations());
}

void BM_read_pthread(benchmark::State& st) {
  pthread_rwlock_t* lk = g_prw;
  for (auto _ : st) {
    if (pthread_rwlock_rdlock(lk) != 0) fail("pthread_rwlock_rdlock");
    benchmark::ClobberMemory();
    if (pthread_rwlock_unlock(lk) != 0) fail("pthread_rwlock_unlock");
  }
  st.SetItemsProcessed(st.iterations());
}

void BM_write_ours(benchmark::State& st) {
  Lock* lk = g_lock;
  for (auto _ : st) {
    if (lk->lock() != wc::Acquire::ok) fail("RwLock::lock");
    benchmark::ClobberMemory();
    if (!lk->unlock()) fail("RwLock::unlock");
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

// ---- names shared by registration and the ratio table ---------------------------------------
const char* const kAllocOurs = "alloc_pairs/wc_allocator";
const char* const kAllocOursLocked = "alloc_pairs/wc_allocator+rwlock";
const char* const kAllocBoost = "alloc_pairs/boost_interprocess";
const char* const kAllocMalloc = "alloc_pairs/glibc_malloc";
const char* const kReadOurs = "lock_read/wc_rwlock";
const char* const kReadPthread = "lock_read/pthread_rwlock";
const char* const kWriteOurs = "lock_write/wc_rwlock";
const char* const kWritePthread = "lock_write/pthread_rwlock";

// ---- reporter: the console output as usual, plus a ratio table at the end -------------------
class RatioReporter : public benchmark::ConsoleReporter {
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
        if (r.aggregate_name == "median") median_[name] = ns;
      } else {  // no aggregates (e.g. --benchmark_repetitions=1): keep the last plain run
        single_[name] = ns;
      }
    }
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    std::ostream& out = GetOutputStream();
    out << "\n### Ratios (real time per iteration, median of repetitions, this run)\n\n"
        << "| comparison | ours ns | other ns | ratio | target | met |\n"
        << "|---|---:|---:|---:|---|---|\n";
    // faster: other / ours ("x faster"); of: ours / other ("x of").
    row(out, "allocator: wc vs Boost.Interprocess", kAllocOurs, kAllocBoost, true, 2.0);
    row(out, "allocator: wc vs glibc malloc", kAllocOurs, kAllocMalloc, true, 0);
    row(out, "allocator: wc+RwLock vs Boost.Interprocess", kAllocOursLocked, kAllocBoost, true,
        0);
    row(out, "lock read (shared): wc vs pthread_rwlock", kReadOurs, kReadPthread, false, 1.5);
    row(out, "lock write (exclusive): wc vs pthread_rwlock", kWriteOurs, kWritePthread, false,
        1.5);
    out << "\nallocator ratio = other/ours (\"x faster\", higher is better); lock ratio = "
           "ours/pthread (\"x of pthread\", lower is better). Targets are reported, not "
           "asserted.\n";
    out.flush();
  }

 private:
  bool get(const std::string& name, double& ns) const {
    auto it = median_.find(name);
    if (it != median_.end()) return ns = it->second, true;
    it = single_.find(name);
    if (it != single_.end()) return ns = it->second, true;
    return false;
  }

  void row(std::ostream& out, const char* what, const char* ours_name, const char* other_name,
           bool faster, double target) const {
    double ours, other;
    char buf[256], tgt[32] = "-", met[8] = "-";
    if (target > 0) std::snprintf(tgt, sizeof tgt, faster ? ">= %.1fx" : "<= %.1fx", target);
    if (!get(ours_name, ours) || !get(other_name, other) || ours <= 0 || other <= 0) {
      std::snprintf(buf, sizeof buf, "| %s | n/a | n/a | n/a | %s | - |\n", what, tgt);
      out << buf;
      return;
    }
    const double ratio = faster ? other / ours : ours / other;
    if (target > 0) {
      std::snprintf(met, sizeof met, "%s", (faster ? ratio >= target : ratio <= target) ? "yes"
                                                                                          : "NO");
    }
    std::snprintf(buf, sizeof buf, "| %s | %.1f | %.1f | %.2fx %s | %s | %s |\n", what, ours,
                  other, ratio, faster ? "faster" : "of pthread", tgt, met);
    out << buf;
  }

  std::map<std::string, double> median_, single_;
};

void setup() {
  make_sizes();

  g_arena = map_shared(kArenaBytes);

  g_lock = new (map_shared(sizeof(Lock))) Lock();

  g_prw = static_cast<pthread_rwlock_t*>(map_shared(sizeof(pthread_rwlock_t)));
  pthread_rwlockattr_t attr;
  if (pthread_rwlockattr_init(&attr) != 0 ||
      pthread_rwlockattr_setpshared(&attr, PTHREAD_PROCESS_SHARED) != 0 ||
      pthread_rwlock_init(g_prw, &attr) != 0)
    fail("pthread_rwlock_init");
  pthread_rwlockattr_destroy(&attr);

  g_shm_name = "wincache_bench_core_" + std::to_string(getpid());
  remove_shm();
  try {
    g_boost = std::make_unique<bip::managed_shared_memory>(bip::create_only, g_shm_name.c_str(),
                                                           kArenaBytes);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_core: managed_shared_memory: %s\n", e.what());
    fail("boost managed_shared_memory create_only");
  }
}

void teardown() {
  g_boost.reset();
  remove_shm();
  pthread_rwlock_destroy(g_prw);
  munmap(g_prw, sizeof(pthread_rwlock_t));
  g_lock->~Lock();
  munmap(g_lock, sizeof(Lock));
  munmap(g_arena, kArenaBytes);
}

void register_all() {
  auto reg = [](const char* name, void (*fn)(benchmark::State&)) {
    benchmark::RegisterBenchmark(name, fn)
        ->Unit(benchmark::kNanosecond)
        ->MinTime(kMinTime)
        ->Repetitions(kReps)
        ->ReportAggregatesOnly(true);
  };
  reg(kAllocOurs, BM_alloc_ours);
  reg(kAllocOursLocked, BM_alloc_ours_locked);
  reg(kAllocBoost, BM_alloc_boost);
  reg(kAllocMalloc, BM_alloc_malloc);
  reg(kReadOurs, BM_read_ours);
  reg(kReadPthread, BM_read_pthread);
  reg(kWriteOurs, BM_write_ours);
  reg(kWritePthread, BM_write_pthread);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  setup();
  register_all();
  RatioReporter reporter(isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_Defaults
                                               : benchmark::ConsoleReporter::OO_Tabular);
  benchmark::RunSpecifiedBenchmarks(&reporter);  // --benchmark_out* adds the file reporter
  benchmark::Shutdown();
  teardown();
  return 0;
}
