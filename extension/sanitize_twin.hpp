// extension/sanitize_twin.hpp: the sanitizer stage's negative twins (scripts/sanitize.sh,
// tests/sanitize/twin.sh). Compiled in only when the build defines WINCACHE_SANITIZE_TWINS, which
// only the sanitized build (-DWINCACHE_SANITIZE=...) does: the shipped extension has none of this.
// With WINCACHE_SANITIZE_TWIN in the environment, every request start (RINIT) commits one seeded
// defect, which the stage must report and fail on:
//   heap  a write one byte past the end of a 16-byte new[] (AddressSanitizer: heap-buffer-overflow)
//   ub    a signed int overflow (UndefinedBehaviorSanitizer, not recoverable: the process aborts)
//   leak  a 4096-byte new[] whose only pointer is dropped (LeakSanitizer at the process's exit)
// and one fault, which the stage must survive (sanitize_fault(), asked where it strikes):
//   watcher_throw  a std::bad_alloc in the file watcher thread's loop as it applies a batch of
//                  events naming a file "watcher_fault.trigger" (extension/watcher.cpp;
//                  tests/sanitize/watcher_fault.phpt)
#ifndef WINCACHE_EXTENSION_SANITIZE_TWIN_HPP
#define WINCACHE_EXTENSION_SANITIZE_TWIN_HPP

#include <climits>
#include <cstdlib>
#include <cstring>

namespace wcx {

inline void sanitize_twin() {
  const char* twin = std::getenv("WINCACHE_SANITIZE_TWIN");
  if (!twin) return;
  if (std::strcmp(twin, "heap") == 0) {
    char* volatile p = new char[16];
    p[16] = 1;  // the seeded heap overflow
    delete[] p;
  } else if (std::strcmp(twin, "ub") == 0) {
    volatile int big = INT_MAX;
    volatile int sum = big + 1;  // the seeded signed overflow
    (void)sum;
  } else if (std::strcmp(twin, "leak") == 0) {
    char* volatile p = new char[4096];
    p[0] = 1;
    p = nullptr;  // the seeded leak: the only pointer is gone
  }
}

// True if the fault `name` is asked for (WINCACHE_SANITIZE_TWIN=name).
inline bool sanitize_fault(const char* name) {
  const char* twin = std::getenv("WINCACHE_SANITIZE_TWIN");
  return twin && std::strcmp(twin, name) == 0;
}

}  // namespace wcx

#endif
