// bench/pressure_sim.cpp: hit rate of the keyed store's eviction policies, in one process, on
// the real store (wc::KeyedStore over PrimStd in a private buffer), cache-aside: get, and on a
// miss set. The same traces as bench/php/pressure.php (docs/benchmarks.md "pressure"), with many
// more steps, and two static oracles for the Zipf traces.
//
//   pressure_sim [--keys N] [--warm W] [--steps S] [--seed X] [--only 1|0] [--counts 1]
//                [--trace NAME] [--lru 0] [--sizes 22,24.5,50]
//   (--counts 1: also the frequency store's stores and evictions over the whole run, warm-up
//   included, on stderr: the denominators of instructions per store under callgrind; --trace
//   zipf1.0 (the name, its space optional), recency, scan, ...: that trace only; --lru 0: without
//   the LRU runs, for timing the frequency store alone; --sizes: the cache sizes in percent of
//   the working set, default 25,50: the window's sweep)
//   (--only 1: the Zipf traces only, 0: the others; IDEAL=1 in the environment adds the ideal
//   LFU, with admission, in batches, and in the frequency store's smaller arena: ideal_lfu())
// Prints one line per (trace, cache size): the hit rate (%) of the measured steps with LRU and
// with the frequency policy the user cache ships (the recency window it ended with, and the
// arena's mean free share while measuring, and the part of it in holes too small for any
// entry), and the two oracles. First the capacities each gets.
//
// Traces (key i has a value of 256 + (i * 7919) % 1536 bytes, the working set is the sum):
//   zipf S       keys drawn from Zipf(S) over N keys
//   recency      90% of the draws uniform over a hot set of N/20 keys that slides by one key
//                every 10 steps (a key stays hot for 10,000 steps, about 9 draws of its own, then never
//                returns), 10% uniform over all N keys
//   scan         Zipf(1), and every other step one key of a one-pass scan (each scanned key is
//                new and never asked for again)
// Oracles (Zipf only): "popular", issue 16's: the hit rate of a cache that holds the most popular
// keys that fit, taken in popularity order (oracle_popular()). "oracle", stricter: the hit rate
// of a cache that holds exactly a fixed set of keys, the set with the highest total probability
// that fits: keys taken greedily by probability per byte of
// their entry (entry record + key + value + the allocator's head, rounded as the allocator
// rounds) until the arena of an empty LRU store of the same size (no sketch) is full. This ignores the free
// space eviction keeps (its batch reserve, fragmentation): no real cache reaches it. Both get the
// same capacity and entry sizes.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <set>
#include <tuple>
#include <string>
#include <vector>

#include "core/store.hpp"
#include "core/ucache.hpp"
#include "prims/prim_std.hpp"

namespace {

bool g_counts = false;  // --counts 1
bool g_lru = true;      // --lru 0: skip the LRU runs

struct LruPolicy {
  static constexpr std::uint64_t magic = 0x53494D4C52553031ull;
  static constexpr wc::Expiry expiry = wc::Expiry::since_store;
  static constexpr bool pin_reads = false;
  static constexpr bool evictable(std::uint16_t) { return true; }
};
// What the user cache ships (core/ucache.hpp), under the simulator's own magic.
struct FreqPolicy : LruPolicy {
  static constexpr wc::Eviction eviction = wc::UserCachePolicy::eviction;
  static constexpr unsigned window_percent = wc::UserCachePolicy::window_percent;
};

std::uint64_t vlen_of(std::uint64_t i) { return 256 + (i * 7919) % 1536; }

struct Trace {
  std::vector<std::uint32_t> keys;  // the key of every step (warm-up first)
};

std::vector<double> zipf_cdf(std::uint64_t n, double s) {
  std::vector<double> c(n);
  double sum = 0;
  for (std::uint64_t r = 0; r < n; ++r) c[r] = (sum += 1.0 / std::pow(double(r + 1), s));
  for (double& x : c) x /= sum;
  return c;
}
std::uint32_t draw(const std::vector<double>& cdf, std::mt19937_64& g) {
  const double u = std::uniform_real_distribution<double>(0, 1)(g);
  return std::uint32_t(std::lower_bound(cdf.begin(), cdf.end(), u) - cdf.begin());
}

// The arena's mean free share over the measured steps (sampled every 997 steps): what the
// eviction batches' reserve and fragmentation keep unused, room the oracle fills; `small_pct`:
// the part of it in free blocks under kSmallHole bytes, smaller than any entry of the trace
// (the smallest takes 384 bytes): holes only an eviction beside them can make useful.
constexpr std::uint64_t kSmallHole = 384;
template <class Policy>
double run(const std::vector<std::uint32_t>& trace, std::uint64_t warm, std::uint64_t region,
           std::uint64_t* evictions, std::uint64_t* window = nullptr, double* free_pct = nullptr,
           double* small_pct = nullptr) {
  using Store = wc::KeyedStore<wc::PrimStd, Policy>;
  std::unique_ptr<char[]> mem(new char[region + 64]);
  void* base = reinterpret_cast<void*>((reinterpret_cast<std::uintptr_t>(mem.get()) + 63) & ~63ull);
  std::memset(base, 0, region);
  Store* st = Store::create(base, region, 1000, true);
  if (!st) std::abort();
  static char val[4096];
  std::uint64_t hits = 0, samples = 0;
  double free_sum = 0, small_sum = 0;
  char key[32];
  for (std::uint64_t t = 0; t < trace.size(); ++t) {
    const std::uint32_t i = trace[t];
    const int kl = std::snprintf(key, sizeof key, "p:%u", i);
    if (t >= warm && t % 997 == 0) {
      std::uint64_t small = 0;
      const wc::AllocStats m = st->free_blocks(0, [&](std::uint64_t b) {
        if (b < kSmallHole) small += b;
      });
      free_sum += double(m.free) / double(m.total);
      small_sum += double(small) / double(m.total);
      ++samples;
    }
    bool hit = false;
    st->get(0, key, std::uint32_t(kl), 1000, [&](wc::ValueType, const char*, std::uint64_t) { hit = true; });
    if (hit) {
      if (t >= warm) ++hits;
    } else {
      const auto r = st->store(0, key, std::uint32_t(kl), wc::ValueType::string_v, val,
                               vlen_of(i), 0, 1000, Store::Mode::set);
      if (r != wc::CacheStatus::ok) std::abort();
    }
  }
  if (evictions) *evictions = st->stats(0).evictions;
  if (g_counts && wc::EvictionOf<Policy>::value == wc::Eviction::frequency)
    std::fprintf(stderr, "counts: stores %llu evictions %llu\n",
                 (unsigned long long)st->stats(0).misses, (unsigned long long)st->stats(0).evictions);
  if (window) *window = st->window_permille();
  if (free_pct) *free_pct = samples ? 100.0 * free_sum / double(samples) : 0;
  if (small_pct) *small_pct = samples ? 100.0 * small_sum / double(samples) : 0;
  if (const char* v = st->violation()) {
    std::fprintf(stderr, "violation: %s\n", v);
    std::abort();
  }
  return 100.0 * double(hits) / double(trace.size() - warm);
}

// Arena bytes of an empty store of `region` bytes (by default an LRU store's: no sketch), and
// the block an entry of key i takes.
template <class Policy = LruPolicy>
std::uint64_t arena_of(std::uint64_t region) {
  using Store = wc::KeyedStore<wc::PrimStd, Policy>;
  std::unique_ptr<char[]> mem(new char[region + 64]);
  void* base = reinterpret_cast<void*>((reinterpret_cast<std::uintptr_t>(mem.get()) + 63) & ~63ull);
  Store* st = Store::create(base, region, 1000, false);
  return st->meminfo(0).free;
}
std::uint64_t block_of(std::uint64_t i) {
  const std::uint64_t klen = std::to_string(i).size() + 2;
  const std::uint64_t need = sizeof(wc::KeyedStore<wc::PrimStd, LruPolicy>::Entry) +
                             ((klen + 7) & ~7ull) + vlen_of(i) + 8;
  return std::max<std::uint64_t>(32, (need + 15) / 16 * 16);
}
// A static cache filled in the order given: each key that still fits the arena is taken, one that
// does not is passed over; its hit rate (%) is the probability of the keys taken.
double fill(const std::vector<double>& cdf, const std::vector<std::uint32_t>& order,
            std::uint64_t arena) {
  double hit = 0;
  std::uint64_t used = 0;
  for (const std::uint32_t i : order) {
    if (used + block_of(i) > arena) continue;
    used += block_of(i);
    hit += cdf[i] - (i ? cdf[i - 1] : 0);
  }
  return 100.0 * hit;
}
// The stricter oracle: keys by probability per byte of their entry.
double oracle(const std::vector<double>& cdf, std::uint64_t arena) {
  std::vector<std::pair<double, std::uint32_t>> by;  // (probability per byte, key)
  for (std::uint32_t i = 0; i < cdf.size(); ++i) {
    const double p = cdf[i] - (i ? cdf[i - 1] : 0);
    by.emplace_back(p / double(block_of(i)), i);
  }
  std::sort(by.begin(), by.end(), [](auto& a, auto& b) { return a.first > b.first; });
  std::vector<std::uint32_t> order;
  for (auto& [d, i] : by) order.push_back(i);
  return fill(cdf, order, arena);
}
// The oracle: keys in popularity order, whatever their size. Greedy by probability per
// byte is not optimal for whole keys, so the oracle above is not above this one by construction;
// on these traces it is (docs/benchmarks.md "pressure", sixth round).
double oracle_popular(const std::vector<double>& cdf, std::uint64_t arena) {
  std::vector<std::uint32_t> order(cdf.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;  // Zipf: key i has rank i + 1
  return fill(cdf, order, arena);
}

// An idealised frequency cache, no store: exact access counts of every key since the start (no
// sketch, no aging), exact entry sizes with no fragmentation and no free reserve, one victim at a
// time, the lowest count per byte first (ties: least recently used), in the oracle's capacity.
// `admit`: a missed key is stored only if its count per byte beats the victims it would displace
// (TinyLFU's admission, without a window); otherwise always (cache-aside, as the store does).
// What any policy that learns the frequencies from the trace itself can hope for.
// `batch` (0: none): when a newcomer does not fit, evict down to 1/batch of the arena free
// beyond it, as the store's batches do (then one at a time again until the next miss that does
// not fit): what batching alone costs, with nothing else of the store's.
double ideal_lfu(const std::vector<std::uint32_t>& trace, std::uint64_t warm, std::uint64_t arena,
                 bool admit, std::uint64_t batch = 0) {
  std::vector<std::uint32_t> count(trace.empty() ? 0 : *std::max_element(trace.begin(), trace.end()) + 1);
  std::vector<std::uint64_t> stamp(count.size());
  std::vector<char> in(count.size());
  // (count per byte, last use, key), the least valuable first
  using K = std::tuple<double, std::uint64_t, std::uint32_t>;
  std::set<K> order;
  auto key_of = [&](std::uint32_t i) { return K{double(count[i]) / double(block_of(i)), stamp[i], i}; };
  std::uint64_t used = 0, hits = 0;
  for (std::uint64_t t = 0; t < trace.size(); ++t) {
    const std::uint32_t i = trace[t];
    if (in[i]) order.erase(key_of(i));
    ++count[i];
    stamp[i] = t;
    if (in[i]) {
      if (t >= warm) ++hits;
      order.insert(key_of(i));
      continue;
    }
    const std::uint64_t b = block_of(i);
    if (admit) {  // would the displaced entries be worth less than the newcomer?
      std::uint64_t room = arena - used;
      auto it = order.begin();
      while (room < b && it != order.end() && std::get<0>(*it) < std::get<0>(key_of(i)))
        room += block_of(std::get<2>(*it++));
      if (room < b) continue;
    }
    const std::uint64_t room = batch && used + b > arena ? arena - arena / batch : arena;
    while (used + b > room && !order.empty()) {
      const std::uint32_t v = std::get<2>(*order.begin());
      order.erase(order.begin());
      in[v] = 0;
      used -= block_of(v);
    }
    in[i] = 1;
    used += b;
    order.insert(key_of(i));
  }
  return 100.0 * double(hits) / double(trace.size() - warm);
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t only = 9, n = 20000, warm = 200000, steps = 1000000, seed = 20261121;
  // The window's sweep (issue 16, fourth round): --sizes 22,24,25 (percent of the working set,
  // default 25,50).
  std::vector<double> sizes{0.25, 0.5};
  std::string trace_only;
  for (int a = 1; a + 1 < argc; a += 2) {
    const std::string o = argv[a];
    if (o == "--trace") trace_only = argv[a + 1];
    if (o == "--sizes") {
      sizes.clear();
      for (const char* c = argv[a + 1]; *c;) {
        char* end = nullptr;
        sizes.push_back(std::strtod(c, &end) / 100);
        c = *end ? end + 1 : end;
      }
    }
    const std::uint64_t v = std::strtoull(argv[a + 1], nullptr, 10);
    if (o == "--keys") n = v;
    else if (o == "--warm") warm = v;
    else if (o == "--steps") steps = v;
    else if (o == "--seed") seed = v;
    else if (o == "--only") only = v;
    else if (o == "--counts") g_counts = v != 0;
    else if (o == "--lru") g_lru = v != 0;
  }
  std::uint64_t ws = 0;
  for (std::uint64_t i = 0; i < n; ++i) ws += vlen_of(i);
  std::printf("%llu keys, working set %.1f MB, %llu warm-up + %llu measured steps\n",
              (unsigned long long)n, double(ws) / 1048576, (unsigned long long)warm,
              (unsigned long long)steps);
  for (const double frac : sizes) {
    const std::uint64_t region = std::uint64_t(double(ws) * frac);
    std::printf("cache %.0f%%: region %llu B; arena of an empty LRU store %llu B (the oracle's and the "
                "ideal models' capacity), of an empty frequency store %llu B (less the sketch)\n",
                frac * 100, (unsigned long long)region, (unsigned long long)arena_of(region),
                (unsigned long long)arena_of<FreqPolicy>(region));
  }
  std::printf("%-10s %5s %8s %10s %8s %6s %6s %8s %8s\n", "trace", "cache", "LRU", "frequency", "window",
              "free", "<384B", "oracle", "popular");
  struct T { std::string name; double s; };
  for (const T& tr : {T{"zipf 0.8", 0.8}, T{"zipf 1.0", 1.0}, T{"zipf 1.2", 1.2},
                      T{"recency", 0}, T{"scan", -1}}) {
    if (only != 9 && (only != 0) != (tr.s > 0)) continue;
    if (!trace_only.empty() && trace_only != tr.name) {
      std::string name = tr.name;
      name.erase(std::remove(name.begin(), name.end(), ' '), name.end());
      if (name != trace_only) continue;
    }
    std::mt19937_64 g(seed);
    std::vector<std::uint32_t> keys;
    const std::vector<double> cdf = zipf_cdf(n, tr.s > 0 ? tr.s : 1.0);
    std::uint32_t scan_next = std::uint32_t(n);
    const std::uint64_t hot = std::max<std::uint64_t>(1, n / 20);
    for (std::uint64_t t = 0; t < warm + steps; ++t) {
      if (tr.s > 0) {
        keys.push_back(draw(cdf, g));
      } else if (tr.s == 0) {
        const std::uint64_t b = t / 10;
        if (std::uniform_real_distribution<double>(0, 1)(g) < 0.9)
          keys.push_back(std::uint32_t((b + g() % hot) % n));
        else
          keys.push_back(std::uint32_t(g() % n));
      } else {
        keys.push_back(t % 2 ? scan_next++ : draw(cdf, g));
      }
    }
    for (const double frac : sizes) {
      const std::uint64_t region = std::uint64_t(double(ws) * frac);
      std::uint64_t ev = 0;
      const double lru = g_lru ? run<LruPolicy>(keys, warm, region, &ev, nullptr) : 0.0;
      std::uint64_t fev = 0, window = 0;
      double free_pct = 0, small_pct = 0;
      const double freq = run<FreqPolicy>(keys, warm, region, &fev, &window, &free_pct, &small_pct);
      std::printf("%-10s %4.1f%% %8.2f %10.2f %7.1f%% %5.1f%% %5.1f%%", tr.name.c_str(), frac * 100,
                  lru, freq, double(window) / 10, free_pct, small_pct);
      if (tr.s > 0) {
        const std::uint64_t arena = arena_of(region);
        std::printf(" %8.2f %8.2f", oracle(cdf, arena), oracle_popular(cdf, arena));
      }
      if (std::getenv("IDEAL")) {
        const std::uint64_t arena = arena_of(region);
        const double plain = ideal_lfu(keys, warm, arena, false);
        const double admit = ideal_lfu(keys, warm, arena, true);
        const double batched = ideal_lfu(keys, warm, arena, false, 32);
        const double smaller = ideal_lfu(keys, warm, arena_of<FreqPolicy>(region), false);
        std::printf("  ideal LFU %.2f, with admission %.2f, in batches of 1/32 %.2f, in the "
                    "frequency store's arena %.2f", plain, admit, batched, smaller);
      }
      std::printf("\n");
      std::fflush(stdout);
    }
  }
}
