// bench/core_frag.cpp: fragmentation after a long random churn at 90% fill, wc::Allocator vs
// Boost.Interprocess managed_shared_memory (rbtree_best_fit), on arenas of the same size.
//
// Workload (identical request stream for both; fixed seeds):
//   arena     kFragArena = 32 MB for both: ours is Heap::create(mem, 0, 32 MB) on a MAP_SHARED
//             mapping (its ~12.6 KB header and journal inside), Boost's is a 32 MB
//             managed_shared_memory (its segment manager header and named-object index inside).
//   sizes     log-uniform 16 B - 64 KB (mean ~7.9 KB), splitmix64 stream seeded per seed.
//   payload   what we count as "live" is the sum of the REQUESTED sizes of the live blocks, for
//             both allocators (never their rounded block sizes): per-block overhead and rounding
//             are the allocator's cost, so they show up as lost fill.
//   fill      allocate sizes from the stream while the live payload stays <= 90% of the arena.
//   churn     `steps` allocation attempts; before each, free random live blocks (victim index
//             from a second stream) until the next request fits under the 90% cap, then
//             allocate it; a failed allocation is counted and its request dropped. The live
//             payload therefore stays just under 90% of the arena throughout. Both allocators see
//             the same request sizes and victim draws; their live sets can only differ once one
//             of them has failed a request (then the victims' indices name different blocks).
//
// Metrics (rows with unit "%", peer Boost.Interprocess, median over the seeds):
//   (a) churn failures     % of churn allocation attempts that failed (lower is better). With
//                          10% of the arena free (3.2 MB) and requests <= 64 KB, every failure
//                          is fragmentation (or the allocator's fit policy), not lack of memory.
//   (b) largest block      after the churn, the largest request that still succeeds (binary
//                          search with nothrow allocation, each probe freed again) as % of the
//                          allocator's OWN free-byte count (ours: stats().free, Boost:
//                          get_free_memory(); both count whole free blocks including their
//                          headers). 100% = all free memory in one hole. Higher is better. Ours
//                          grants a request only when a block of its rounded-up size class is
//                          free (O(1) good fit, ALLOC-8) plus a bounded look at 8 blocks of the
//                          exact class, so this measures what alloc() will really grant, not
//                          the largest hole.
//   (c) fill after churn   from the churned state, allocate further sizes from the stream until
//                          the first failure; live payload as % of the arena (higher is better).
//   (d) fill, fresh arena  the same on a fresh arena (no churn): the baseline of (c), showing
//                          per-block overhead and header size rather than fragmentation.
// glibc malloc is left out: it has no fixed arena (it grows the heap / mmaps on demand), so
// "fails at 90% fill" has no meaning for it.
#include <sys/mman.h>
#include <unistd.h>

#include <boost/interprocess/managed_shared_memory.hpp>
#include <chrono>
#include <memory>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "core/allocator.hpp"
#include "core_common.hpp"
#include "prims/prim_std.hpp"

namespace bip = boost::interprocess;

namespace bench {
namespace {

using Heap = wc::Allocator<wc::PrimStd>;
constexpr std::uint64_t kFragArena = std::uint64_t{32} << 20;
constexpr double kFill = 0.90;

struct OursFrag {
  using handle = std::uint64_t;
  Heap* a;
  handle alloc(std::uint64_t n) { return a->alloc(n); }
  void free(handle h) {
    if (!a->free(h)) fail("frag: wc::Allocator::free refused a live block");
  }
  std::uint64_t free_bytes() const { return a->stats().free; }
  // Payload of the largest free block (diagnostic: alloc's good fit may refuse a request that
  // this block could hold).
  std::uint64_t largest_hole() const { return a->stats().largest_free; }
  void check() const {
    if (const char* v = a->violation()) failf("frag: wc::Allocator violation: %s", v);
  }
};

struct BoostFrag {
  using handle = void*;
  bip::managed_shared_memory::segment_manager* sm;
  handle alloc(std::uint64_t n) { return sm->allocate(n, std::nothrow); }
  void free(handle h) { sm->deallocate(h); }
  std::uint64_t free_bytes() const { return sm->get_free_memory(); }
  std::uint64_t largest_hole() const { return 0; }  // no API; best fit: = largest allocatable
  void check() const {
    if (!sm->check_sanity()) fail("frag: Boost segment_manager check_sanity");
  }
};

struct FragResult {
  double churn_fail_pct, largest_pct, fill_after_pct, fill_fresh_pct;
  std::uint64_t largest, free_bytes, failures, hole;
};

// Largest n in [0, hi] for which alloc(n) succeeds (each successful probe is freed again).
template <class A>
std::uint64_t largest_allocatable(A& a, std::uint64_t hi) {
  std::uint64_t lo = 0;
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo + 1) / 2;
    const auto h = a.alloc(mid);
    if (h) {
      a.free(h);
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

// Allocates sizes from `sizes` until the first failure; returns the live payload bytes.
template <class A, class Live>
std::uint64_t fill_until_failure(A& a, SplitMix& sizes, Live& live, std::uint64_t live_bytes) {
  for (;;) {
    const std::uint32_t s = sizes.size();
    const auto h = a.alloc(s);
    if (!h) return live_bytes;
    live.emplace_back(h, s);
    live_bytes += s;
  }
}

template <class A>
void free_all(A& a, std::vector<std::pair<typename A::handle, std::uint32_t>>& live) {
  for (auto& e : live) a.free(e.first);
  live.clear();
}

// Churn phase and metrics (a)-(c) on `a`, which must be a fresh arena of kFragArena bytes.
template <class A>
void churn(A& a, std::uint64_t seed, std::uint64_t steps, FragResult& r) {
  using H = typename A::handle;
  SplitMix sizes(seed), victims(seed ^ 0xA5A5A5A5DEADBEEFull);
  std::vector<std::pair<H, std::uint32_t>> live;
  live.reserve(8192);
  const std::uint64_t cap = std::uint64_t(kFill * double(kFragArena));
  std::uint64_t live_bytes = 0;
  std::uint32_t s = sizes.size();
  for (; live_bytes + s <= cap; s = sizes.size()) {  // fill
    const H h = a.alloc(s);
    if (!h) failf("frag: allocation failed while filling at %.1f%%",
                  100.0 * double(live_bytes) / double(kFragArena));
    live.emplace_back(h, s);
    live_bytes += s;
  }
  std::uint64_t failures = 0;
  for (std::uint64_t i = 0; i < steps; ++i, s = sizes.size()) {  // churn (s is pending)
    while (live_bytes + s > cap && !live.empty()) {
      const std::size_t v = std::size_t(victims.below(live.size()));
      a.free(live[v].first);
      live_bytes -= live[v].second;
      live[v] = live.back();
      live.pop_back();
    }
    const H h = a.alloc(s);
    if (!h) {
      ++failures;
      continue;
    }
    live.emplace_back(h, s);
    live_bytes += s;
  }
  a.check();
  r.failures = failures;
  r.churn_fail_pct = steps ? 100.0 * double(failures) / double(steps) : kNull;
  r.free_bytes = a.free_bytes();
  r.hole = a.largest_hole();
  r.largest = largest_allocatable(a, r.free_bytes);
  r.largest_pct = r.free_bytes ? 100.0 * double(r.largest) / double(r.free_bytes) : kNull;
  live_bytes = fill_until_failure(a, sizes, live, live_bytes);
  r.fill_after_pct = 100.0 * double(live_bytes) / double(kFragArena);
  free_all(a, live);
  a.check();
}

template <class A>
double fresh_fill(A& a, std::uint64_t seed) {
  SplitMix sizes(seed ^ 0x5EED5EED5EED5EEDull);
  std::vector<std::pair<typename A::handle, std::uint32_t>> live;
  const std::uint64_t bytes = fill_until_failure(a, sizes, live, 0);
  free_all(a, live);
  a.check();
  return 100.0 * double(bytes) / double(kFragArena);
}

// A 32 MB managed_shared_memory whose name is unlinked as soon as it exists.
std::unique_ptr<bip::managed_shared_memory> boost_segment() {
  const std::string name = "wincache_bench_frag_" + std::to_string(getpid());
  bip::shared_memory_object::remove(name.c_str());
  register_shm("/" + name);
  std::unique_ptr<bip::managed_shared_memory> seg;
  try {
    seg = std::make_unique<bip::managed_shared_memory>(bip::create_only, name.c_str(),
                                                       kFragArena);
  } catch (const std::exception& e) {
    failf("frag: managed_shared_memory(%s): %s", name.c_str(), e.what());
  }
  bip::shared_memory_object::remove(name.c_str());  // the mapping stays valid
  unregister_shm("/" + name);
  return seg;
}

}  // namespace

std::vector<Row> run_fragmentation(const Options& opt) {
  void* mem = mmap(nullptr, kFragArena, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) fail("frag: mmap");
  std::vector<double> o[4], b[4];
  std::uint64_t o_fail = 0, b_fail = 0;
  for (int k = 0; k < opt.frag_seeds; ++k) {
    const std::uint64_t seed = 0x57434652414730ull + std::uint64_t(k);  // "WCFRAG0" + k
    const auto t0 = std::chrono::steady_clock::now();
    FragResult ro{}, rb{};
    {
      Heap* h = Heap::create(mem, 0, kFragArena);
      if (!h) fail("frag: wc::Allocator::create");
      OursFrag a{h};
      churn(a, seed, opt.churn_steps, ro);
      h = Heap::create(mem, 0, kFragArena);
      if (!h) fail("frag: wc::Allocator::create");
      OursFrag f{h};
      ro.fill_fresh_pct = fresh_fill(f, seed);
    }
    {
      auto seg = boost_segment();
      BoostFrag a{seg->get_segment_manager()};
      churn(a, seed, opt.churn_steps, rb);
      if (!a.sm->all_memory_deallocated()) fail("frag: Boost segment leaked");
      seg = boost_segment();
      BoostFrag f{seg->get_segment_manager()};
      rb.fill_fresh_pct = fresh_fill(f, seed);
    }
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf(
        "frag/seed%d  %llu churn steps (%.1f s)\n"
        "  wc_allocator        churn failures %.3f%% (%llu)  largest allocatable %llu B "
        "(largest free block %llu B) of %llu B free (%.2f%%)  fill after churn %.2f%%  fresh "
        "fill %.2f%%\n"
        "  boost_interprocess  churn failures %.3f%% (%llu)  largest allocatable %llu B of %llu "
        "B free (%.2f%%)  fill after churn %.2f%%  fresh fill %.2f%%\n",
        k, (unsigned long long)opt.churn_steps, secs, ro.churn_fail_pct,
        (unsigned long long)ro.failures, (unsigned long long)ro.largest,
        (unsigned long long)ro.hole, (unsigned long long)ro.free_bytes, ro.largest_pct,
        ro.fill_after_pct, ro.fill_fresh_pct, rb.churn_fail_pct, (unsigned long long)rb.failures,
        (unsigned long long)rb.largest, (unsigned long long)rb.free_bytes, rb.largest_pct,
        rb.fill_after_pct, rb.fill_fresh_pct);
    std::fflush(stdout);
    const double ov[4] = {ro.churn_fail_pct, ro.largest_pct, ro.fill_after_pct, ro.fill_fresh_pct};
    const double bv[4] = {rb.churn_fail_pct, rb.largest_pct, rb.fill_after_pct, rb.fill_fresh_pct};
    for (int i = 0; i < 4; ++i) o[i].push_back(ov[i]), b[i].push_back(bv[i]);
    o_fail += ro.failures;
    b_fail += rb.failures;
  }
  munmap(mem, kFragArena);

  const std::string churn_desc = std::to_string(opt.churn_steps / 1000) + "k";
  const char* names[4] = {"fragmentation: failed allocations during churn",
                          "fragmentation: largest allocatable block after churn, % of free bytes",
                          "fragmentation: fill until first failure after churn, % of arena",
                          "fragmentation: fill until first failure on a fresh arena, % of arena"};
  const bool lower[4] = {true, false, false, false};
  std::vector<Row> rows;
  for (int i = 0; i < 4; ++i) {
    Row r;
    r.name = names[i];
    r.unit = "%";
    r.lower_better = lower[i];
    r.ours = median(o[i]);
    r.peer = median(b[i]);
    r.peer_name = "Boost.Interprocess";
    r.n = opt.frag_seeds;
    r.note = "32 MB arenas, 90% payload cap, log-uniform 16 B-64 KB, " + churn_desc +
             " churn steps, " +
             (opt.frag_seeds == 1 ? std::string("1 seed")
                                  : "median of " + std::to_string(opt.frag_seeds) + " seeds");
    if (i == 0)
      r.note += " (failures summed over seeds: ours " + std::to_string(o_fail) + ", Boost " +
                std::to_string(b_fail) + ")";
    rows.push_back(r);
  }
  return rows;
}

}  // namespace bench
