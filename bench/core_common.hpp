// bench/core_common.hpp: what bench_core.cpp, core_frag.cpp, core_procs.cpp and core_slots.cpp
// share: loud failure with cleanup, the fixed-seed size stream, result rows (markdown table +
// JSON Lines), and the run options (--quick).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

namespace bench {

// ---- options ------------------------------------------------------------------------------
struct Options {
  bool quick = false;        // --quick: CI smoke run (< ~15 s)
  std::string rows_path;     // --rows=FILE: JSON Lines, one object per comparison
  int reps = 5;              // repetitions whose median is reported (Google Benchmark and 2-proc)
  double min_time = 0.2;     // Google Benchmark MinTime per repetition, seconds
  std::uint64_t churn_steps = 1000000;  // fragmentation: allocation attempts after the fill
  int frag_seeds = 3;                   // fragmentation: independent seeds (median reported)
  std::uint64_t proc_ops = 1000000;      // 2-process locks: acquire/release pairs per child
};

// ---- failure ------------------------------------------------------------------------------
// Prints and aborts (in a forked child: prints and _exit(86), the parent then fails loudly).
// Before aborting it unlinks every shared-memory name registered below.
[[noreturn]] void fail(const char* what);
[[noreturn]] void failf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

// A POSIX shm name ("/x", as shm_unlink wants it) to unlink on fail() and on SIGINT/SIGTERM/
// SIGHUP. Boost's segments are unlinked right after creation anyway (the mapping outlives the
// name), so a SIGKILL leaves nothing behind either; this covers the window in between.
void register_shm(const std::string& posix_name);
void unregister_shm(const std::string& posix_name);
void unlink_registered_shm();       // async-signal-safe
void install_signal_cleanup();
void mark_child();                  // called first thing in a forked child

// ---- deterministic sizes ------------------------------------------------------------------
// splitmix64: portable, no std distribution (whose output may differ between libraries).
struct SplitMix {
  std::uint64_t s;
  explicit SplitMix(std::uint64_t seed) : s(seed) {}
  std::uint64_t next() {
    s += 0x9E3779B97F4A7C15ull;
    std::uint64_t z = s;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double unit() { return double(next() >> 11) * 0x1.0p-53; }  // [0, 1)
  // Log-uniform request size in [16, 65536].
  std::uint32_t size() {
    const double v = 16.0 * std::exp2(12.0 * unit());
    return std::uint32_t(v < 16.0 ? 16.0 : v > 65536.0 ? 65536.0 : v);
  }
  std::uint64_t below(std::uint64_t n) { return next() % n; }  // bias irrelevant here
};

// ---- result rows --------------------------------------------------------------------------
constexpr double kNull = std::numeric_limits<double>::quiet_NaN();  // written as null

struct Row {
  enum class Target { none, ratio, diff };
  std::string name;         // what is compared, e.g. "lock read, uncontended"
  std::string unit;         // "ns/op", "%"
  bool lower_better = true;
  double ours = kNull;
  double peer = kNull;      // kNull: no peer
  std::string peer_name;
  Target target = Target::none;
  double target_value = 0;
  std::string target_text;
  int n = 0;                // how many values the median is over
  std::string note;
};

// Our advantage over the peer: speed-up (peer/ours if lower is better, ours/peer if higher)
// for Target::ratio rows and ns rows; difference in the good direction for diff / % rows.
double speedup(const Row& r);
double advantage(const Row& r);
// "yes", "NO" or "-" (no target or no numbers).
const char* target_met(const Row& r);

void print_table(std::FILE* out, const std::vector<Row>& rows);
bool write_rows_jsonl(const std::string& path, const std::vector<Row>& rows);

double median(std::vector<double> v);  // NaN when empty

// ---- the two custom parts (outside Google Benchmark) --------------------------------------
// Each prints its own progress lines to stdout and returns its rows.
std::vector<Row> run_fragmentation(const Options& opt);
std::vector<Row> run_lock_processes(const Options& opt);
std::vector<Row> run_lock_slots(const Options& opt);

}  // namespace bench
