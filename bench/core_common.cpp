// bench/core_common.cpp: failure and cleanup, result rows (markdown table and JSON Lines).
#include "core_common.hpp"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdarg>
#include <cstdlib>
#include <cstring>

namespace bench {

namespace {

constexpr int kMaxShm = 8;
constexpr std::size_t kShmName = 96;
char g_shm[kMaxShm][kShmName];  // "" = free entry; plain memory, read by the signal handler
volatile sig_atomic_t g_child = 0;

void on_signal(int sig) {
  if (!g_child) unlink_registered_shm();
  signal(sig, SIG_DFL);
  raise(sig);
}

}  // namespace

void register_shm(const std::string& posix_name) {
  for (auto& e : g_shm)
    if (e[0] == 0) {
      std::snprintf(e, kShmName, "%s", posix_name.c_str());
      return;
    }
  fail("too many registered shm names");
}

void unregister_shm(const std::string& posix_name) {
  for (auto& e : g_shm)
    if (posix_name == e) e[0] = 0;
}

void unlink_registered_shm() {
  for (auto& e : g_shm)
    if (e[0] != 0) shm_unlink(e);  // async-signal-safe; a missing name is fine
}

void install_signal_cleanup() {
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, nullptr);
  }
}

void mark_child() { g_child = 1; }

void fail(const char* what) {
  if (g_child) {
    std::fprintf(stderr, "bench_core[child %d]: FAILED: %s\n", int(getpid()), what);
    std::fflush(stderr);
    _exit(86);  // the parent sees the status and fails loudly itself
  }
  std::fprintf(stderr, "bench_core: FAILED: %s\n", what);
  std::fflush(stderr);
  unlink_registered_shm();  // abort() skips destructors: leave nothing in /dev/shm
  std::abort();
}

void failf(const char* fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  fail(buf);
}

double median(std::vector<double> v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); }),
          v.end());
  if (v.empty()) return kNull;
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

double speedup(const Row& r) {
  if (!std::isfinite(r.ours) || !std::isfinite(r.peer) || r.ours <= 0 || r.peer <= 0)
    return kNull;
  return r.lower_better ? r.peer / r.ours : r.ours / r.peer;
}

double advantage(const Row& r) {
  if (!std::isfinite(r.ours) || !std::isfinite(r.peer)) return kNull;
  return r.lower_better ? r.peer - r.ours : r.ours - r.peer;
}

const char* target_met(const Row& r) {
  if (r.target == Row::Target::none) return "-";
  const double v = r.target == Row::Target::ratio ? speedup(r) : advantage(r);
  if (!std::isfinite(v)) return "-";
  return v >= r.target_value ? "yes" : "NO";
}

namespace {

std::string num(double v, const char* fmt) {
  if (!std::isfinite(v)) return "n/a";
  char b[64];
  std::snprintf(b, sizeof b, fmt, v);
  return b;
}

void json_string(std::string& out, const std::string& s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char b[8];
          std::snprintf(b, sizeof b, "\\u%04x", c);
          out += b;
        } else {
          out += char(c);
        }
    }
  }
  out += '"';
}

void json_number(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  char b[64];
  std::snprintf(b, sizeof b, "%.6g", v);
  out += b;
}

}  // namespace

void print_table(std::FILE* out, const std::vector<Row>& rows) {
  std::fprintf(out,
               "\n### Core comparisons (medians of repetitions, this run)\n\n"
               "| comparison | peer | ours | peer value | unit | ours vs peer | target | met |\n"
               "|---|---|---:|---:|---|---:|---|---|\n");
  for (const Row& r : rows) {
    std::string vs;
    if (r.unit == "%") {
      const double a = advantage(r);
      vs = std::isfinite(a) ? num(a, "%+.2f pts") : "n/a";
    } else {
      const double s = speedup(r);
      vs = std::isfinite(s) ? num(s, "%.2fx") : "n/a";
    }
    std::fprintf(out, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", r.name.c_str(),
                 r.peer_name.empty() ? "-" : r.peer_name.c_str(),
                 num(r.ours, r.unit == "%" ? "%.2f" : "%.1f").c_str(),
                 num(r.peer, r.unit == "%" ? "%.2f" : "%.1f").c_str(), r.unit.c_str(),
                 vs.c_str(), r.target_text.empty() ? "-" : r.target_text.c_str(),
                 target_met(r));
  }
  std::fprintf(out,
               "\n\"ours vs peer\": for times, the speed-up peer/ours (> 1: we are faster); for "
               "%% rows, our advantage in percentage points (> 0: we are better, in the row's "
               "good direction). Targets are reported, never asserted.\n");
  for (const Row& r : rows)
    if (!r.note.empty()) std::fprintf(out, "- %s vs %s: %s\n", r.name.c_str(),
                                      r.peer_name.c_str(), r.note.c_str());
  std::fflush(out);
}

bool write_rows_jsonl(const std::string& path, const std::vector<Row>& rows) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return false;
  for (const Row& r : rows) {
    std::string s = "{\"part\":\"core\",\"name\":";
    json_string(s, r.name);
    s += ",\"unit\":";
    json_string(s, r.unit);
    s += ",\"better\":";
    json_string(s, r.lower_better ? "lower" : "higher");
    s += ",\"ours\":";
    json_number(s, r.ours);
    s += ",\"peer\":";
    json_number(s, r.peer);
    s += ",\"peer_name\":";
    if (r.peer_name.empty())
      s += "null";
    else
      json_string(s, r.peer_name);
    s += ",\"target\":";
    if (r.target == Row::Target::none) {
      s += "null";
    } else {
      s += r.target == Row::Target::ratio ? "{\"ratio\":" : "{\"diff\":";
      json_number(s, r.target_value);
      s += "}";
    }
    s += ",\"target_text\":";
    json_string(s, r.target_text);
    s += ",\"n\":";
    s += std::to_string(r.n);
    s += ",\"note\":";
    json_string(s, r.note);
    s += "}\n";
    if (std::fputs(s.c_str(), f) == EOF) {
      std::fclose(f);
      return false;
    }
  }
  return std::fclose(f) == 0;
}

}  // namespace bench
