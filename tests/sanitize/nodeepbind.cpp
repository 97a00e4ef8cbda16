// tests/sanitize/nodeepbind.cpp: preloaded (before the ASan runtime) into every process the
// sanitizer stage's launcher starts (scripts/sanitize.sh exec): the unsanitized Debian php, php-cgi,
// and the shells and tools of the test scripts. Two jobs:
//  - dlopen: PHP loads extensions with dlopen(RTLD_DEEPBIND) unless PHP itself was built with ASan,
//    and the ASan runtime refuses such a dlopen ("RTLD_DEEPBIND flag which is incompatible with
//    sanitizer runtime") and kills the process. This dlopen drops the flag and hands on to the next
//    one (the ASan runtime's interceptor, then glibc's). It also notes whether wincache.so was ever
//    loaded into this process.
//  - __lsan_is_turned_off: LeakSanitizer's hook, asked at exit. Leak checking stays on in every
//    process that loaded wincache.so and is off in the others (bash, mktemp, cp, run-tests.php's own
//    php, ...): they never ran our code, and some of Debian's tools do not free everything at exit.
//    It is off, too, in a fork()ed child of such a process (pcntl_fork in a test, a php-fpm
//    worker): the threads of the parent (the watcher's) do not exist in the child, so what only
//    their stacks referenced looks leaked ("Running thread ... was not suspended. False leaks are
//    possible"), and the child deliberately abandons its parent's Domain and watcher state
//    untouched (process.cpp forget_parent, watcher.cpp forget_parent_thread). ASan and UBSan
//    still check everything such a child does; only the exit-time leak scan is skipped.
// Built without sanitizers and without the C++ runtime: it must not allocate before the ASan
// runtime starts.
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

namespace {
volatile int wincache_loaded = 0;
volatile int forked_child = 0;  // a fork()ed copy of a process that had loaded wincache.so

void in_forked_child() { forked_child = 1; }

bool is_wincache(const char* file) {
  if (!file) return false;
  const char* slash = strrchr(file, '/');
  const char* base = slash ? slash + 1 : file;
  return strcmp(base, "wincache.so") == 0;
}
}  // namespace

extern "C" __attribute__((visibility("default"))) void* dlopen(const char* file, int mode) {
  using Fn = void* (*)(const char*, int);
  static Fn next = nullptr;
  if (!next) next = reinterpret_cast<Fn>(dlsym(RTLD_NEXT, "dlopen"));
  if (!is_wincache(file)) return next(file, mode & ~RTLD_DEEPBIND);
  if (!wincache_loaded) pthread_atfork(nullptr, nullptr, in_forked_child);
  wincache_loaded = 1;
  void* h = next(file, mode & ~RTLD_DEEPBIND);
  // wincache.so brought GCC's UBSan runtime with it. Beside the ASan runtime it ignores
  // UBSAN_OPTIONS' log_path and reports on stderr, where run-tests.php would take a report for
  // (part of) a test's output; WC_UBSAN_LOG_PATH (set by the launcher) sends it to a file.
  const char* log = getenv("WC_UBSAN_LOG_PATH");
  void* ubsan = h && log ? next("libubsan.so.1", RTLD_LAZY | RTLD_NOLOAD) : nullptr;
  if (ubsan) {
    using SetPath = void (*)(const char*);
    if (auto set = reinterpret_cast<SetPath>(dlsym(ubsan, "__sanitizer_set_report_path"))) set(log);
  }
  return h;
}

extern "C" __attribute__((visibility("default"))) int __lsan_is_turned_off() {
  return wincache_loaded && !forked_child ? 0 : 1;
}
