#!/usr/bin/env bash
# scripts/sanitize.sh: the sanitizer stage (ctest labels unit, posix, phpt, and nine multiprocess
# tests) in its own build.
#
#   scripts/sanitize.sh [BUILD_DIR]      configure BUILD_DIR (default ${BUILD_DIR:-build}/asan) with
#                                        -DWINCACHE_SANITIZE=address,undefined at -O1, build the unit and
#                                        posix tests and wincache.so, run the three labels and nine multiprocess tests; prints a
#                                        summary line "asan: N passed, M failed (...)"; exits non-zero
#                                        if any test failed, i.e. on any sanitizer report
#   scripts/sanitize.sh exec PRELOAD CMD [ARG...]
#                                        (the build's WINCACHE_TEST_LAUNCHER, used by ctest) run CMD
#                                        with PRELOAD (a colon list: the dlopen shim, the ASan runtime)
#                                        in LD_PRELOAD, USE_ZEND_ALLOC=0, every report of every process
#                                        written to a scratch directory; exits non-zero and prints the
#                                        reports if there is any, else CMD's exit status
#
# SANITIZE=address,undefined (the default) picks the sanitizers; ASAN_EXTRA_OPTIONS is appended to
# ASAN_OPTIONS in exec mode. The seeded twins (tests/sanitize/twin.sh) show that a heap overflow, an
# undefined behaviour and a leak in wincache.so each fail the stage. See docs/sanitizers.md.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

if [ "${1:-}" = exec ]; then
  preload=$2
  shift 2
  logs=$(mktemp -d "${TMPDIR:-/tmp}/wc-sanitize.XXXXXX") || exit 2
  chmod 1777 "$logs"  # the reroute corpus runs PHP as nobody: its reports must land here too
  # verify_asan_link_order=0: the shim comes before the ASan runtime (it must see dlopen first).
  # Leak checking stays on in every process; tests/sanitize/lsan.supp names the only suppressed
  # leaks, none in wincache.so. Reports go to files (log_path): run-tests.php compares only a
  # test's output, so a report on a child's stderr could pass unnoticed, and a file is seen
  # whichever process wrote it (php, php-cgi, a shell).
  # USE_ZEND_ALLOC=0 USE_TRACKED_ALLOC=1 (as php-src's run-tests.php --asan): every emalloc is a
  # malloc of its own, so ASan checks each block; what a request leaves is freed when it ends,
  # as PHP's own heap would be, with report_memleaks=0 (PHP_INI_SCAN_DIR adds $logs/ini to
  # Debian's conf.d; run_phpt.sh passes PHPT_ARGS to run-tests.php, whose -d report_memleaks=1
  # would win over an ini file). Without that, a reference cycle a script leaves (PHP frees
  # those only with its heap) is a leak report, with or without wincache. SKIP_ASAN=1: the
  # tests that measure process memory or limit the address space skip (php-src's convention).
  # ZEND_DONT_UNLOAD_MODULES=1: PHP keeps wincache.so mapped at exit, so the frames of a leak
  # report in it are still named when LeakSanitizer prints them.
  mkdir -p "$logs/ini" && echo "report_memleaks=0" >"$logs/ini/zz-sanitize.ini"
  # WC_SANITIZED=1 tells a test script that it runs under this launcher (tests/reroute/run.sh runs
  # PHP without the extension outside the runtime).
  LD_PRELOAD=$preload USE_ZEND_ALLOC=0 USE_TRACKED_ALLOC=1 SKIP_ASAN=1 ZEND_DONT_UNLOAD_MODULES=1 WC_SANITIZED=1 \
  PHP_INI_SCAN_DIR=":$logs/ini" PHPT_ARGS="-d report_memleaks=0" \
  ASAN_OPTIONS="verify_asan_link_order=0:detect_leaks=1:log_path=$logs/asan${ASAN_EXTRA_OPTIONS:+:$ASAN_EXTRA_OPTIONS}" \
  LSAN_OPTIONS="suppressions=$root/tests/sanitize/lsan.supp:print_suppressions=0" \
  UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$logs/ubsan" WC_UBSAN_LOG_PATH=$logs/ubsan \
    "$@"
  rc=$?
  rm -rf "$logs/ini"
  reports=("$logs"/*)
  if [ -e "${reports[0]}" ]; then
    for f in "${reports[@]}"; do
      echo "--- sanitizer report $(basename "$f"):"
      cat "$f"
    done
    echo "sanitize.sh: ${#reports[@]} sanitizer report(s) (command exit $rc): $*"
    [ "$rc" = 0 ] && rc=1
  fi
  rm -rf "$logs"
  exit "$rc"
fi

build=${1:-${BUILD_DIR:-$root/build}/asan}
jobs=${JOBS:-$(nproc)}
t0=$SECONDS
echo "== sanitize: configure and build ($build, -fsanitize=${SANITIZE:-address,undefined}, -O1)"
# Only what the labels unit, posix and phpt need: no models (Relacy replaces the runtime), no
# property tests, no benchmarks.
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
  -DWINCACHE_SANITIZE="${SANITIZE:-address,undefined}" -DWINCACHE_MODELS=OFF \
  -DWINCACHE_PROPTESTS=OFF -DWINCACHE_BENCH=OFF >/dev/null ||
  { echo "sanitize.sh: configure failed" >&2; echo "asan: 0 passed, 1 failed (configure failed)"; exit 1; }
if ! nice ninja -C "$build" -j"$jobs" >"$build/build.log" 2>&1; then
  tail -40 "$build/build.log"
  echo "asan: 0 passed, 1 failed (build failed, $build/build.log)"
  exit 1
fi
t_build=$((SECONDS - t0))

# Left out: phpt_build_phpize (builds its own unsanitized copy), phpt_arginfo_current (a source
# check), reroute_compare_selftest (PHP alone, without the extension), and the zero-copy
# scripts of tests/zerocopy (they start php with modules of their own, outside the ASan preload;
# the corpus files they run are phpt tests of the stage anyway).
t1=$SECONDS
# The unit and posix executables are sanitized themselves: ASan's and UBSan's defaults, plus a
# stack for a UBSan report (the PHP tests' launcher sets its own options, above).
out=$(UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --test-dir "$build" -L '^(unit|posix|phpt)$' \
        -E '^(phpt_build_phpize|phpt_arginfo_current|reroute_compare_selftest|zc_twin_refcounted|zc_corpus_jit|zc_whole_suite)$' \
        --no-tests=error -j"$jobs" --output-on-failure 2>&1)
rc=$?
# Then the multiprocess tests whose paths no phpt reaches: workers forked by php-cgi and php-fpm,
# recycled, killed with kill -9 mid-write and mid-lock, the session lock across workers, the file
# watcher's takeover, the request time limits (about 90 s; the rest of the label repeats these
# paths, and mp_deploy alone takes minutes). Their masters' exit-time leak check is off
# (tests/multiprocess/CMakeLists.txt): php-fpm's and php-cgi's own start-up allocations are never
# freed; the phpt tests check leaks.
# Each of them must run: a renamed test would otherwise drop out of the stage unnoticed (ctest
# runs what the pattern matches and exits 0 even when nothing does).
mp_tests=(cgi_children fpm recycle kill_load lock_kill fpm_default_stop sessions fcache_watch limits)
mp_re="^mp_($(IFS='|'; echo "${mp_tests[*]}"))\$"
out_mp=$(ctest --test-dir "$build" -L '^multiprocess$' -R "$mp_re" --no-tests=error \
           -j"$jobs" --output-on-failure 2>&1)
rc_mp=$?
n_mp=$(echo "$out_mp" | sed -nE 's/.* tests? failed out of ([0-9]+).*/\1/p')
if [ "${n_mp:-0}" != "${#mp_tests[@]}" ]; then
  echo "asan: ${n_mp:-0} of the ${#mp_tests[@]} multiprocess tests named here ran: $mp_re"
  rc_mp=1
fi
[ "$rc" = 0 ] && rc=$rc_mp
t_run=$((SECONDS - t1))
n_all=0
n_bad=0
for o in "$out" "$out_mp"; do
  echo "$o" | grep -vE "^(Internal ctest|Test project|Constructing|Checking|Updating| *Start +[0-9]+:|.*Test +#[0-9]+: .* Passed)" |
    sed "/^$/N;/^\n$/D"
  a=$(echo "$o" | sed -nE 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/p')
  b=$(echo "$o" | sed -nE 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/p')
  n_all=$((n_all + ${a:-0}))
  n_bad=$((n_bad + ${b:-0}))
done
n_ok=$((n_all - n_bad))
if [ "$rc" != 0 ] && [ "$n_bad" = 0 ]; then n_bad=1; fi  # no test ran, or ctest failed
echo "asan: $n_ok passed, $n_bad failed (build $t_build s, tests $t_run s)"
[ "$n_bad" = 0 ]
