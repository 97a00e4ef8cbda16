#!/usr/bin/env bash
# scripts/bench.sh: THE benchmark command. Builds what it needs, measures wincache against its
# peers in one run, prints a markdown table and writes results.{md,json,csv}.
#
#   scripts/bench.sh                      everything (~15-17 minutes on 2 cores); as root on a fresh
#                                         Debian 12 it first installs the packages it needs
#   scripts/bench.sh --quick              a smoke run (~2 min): every part, tiny counts; its
#                                         numbers mean nothing
#   scripts/bench.sh --parts core,php     some parts only: core, php, pressure, fpm, sessions, redis, files
#   scripts/bench.sh --out DIR            results in DIR (default build-bench/results)
#   scripts/bench.sh --prebuilt BUILD     no configure/build: BUILD/bench/bench_core and
#                                         BUILD/extension/wincache.so (the test suite's smoke test)
#
# Parts (docs/benchmarks.md says how to read them):
#   core      bench_core: allocator vs Boost.Interprocess and glibc malloc, fragmentation after
#             churn at 90% fill, locks vs pthread_rwlock and Boost's interprocess_sharable_mutex
#             (uncontended and 2 processes)
#   php       one PHP process, our extension vs APCu: get/set/inc/miss (bench/php/run.php)
#   pressure  the cache at half the working set, Zipf keys: hit rate and throughput
#   fpm       php-fpm static pools of 2 and 4 behind nginx, driven by wrk (bench/fpm.sh)
#   sessions  session.save_handler = wincache vs files (disk, tmpfs), redis and memcached under
#             php-fpm + nginx: wrk on 1,000 sessions, and 8 clients on one session counting
#             lost updates (bench/sessions.sh; starts its own redis-server and memcached)
#   redis     sessions on Redis across 2 hosts (two php-fpm masters behind nginx, one
#             redis-server): wincache.redis vs phpredis with locking on, the same two pages
#             (bench/sessions.sh --redis); and the near cache's get of a small value and of a
#             10,000-element array (wincache.redis ucache=near) vs phpredis GET + unserialize
#             (bench/near.sh)
#   files     an include-heavy page + 50 rerouted file reads per request under php-fpm + nginx,
#             OPcache on: PHP alone vs ours (file cache, reroutes) on the disk and on a slow FUSE
#             file system (bench/slowfs.c, built here); req/s, p99, file-system system calls per
#             warm request counted with strace (bench/files.sh, bench/php/app/gen.php)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-bench
out=""
quick=0
prebuilt=""
parts=core,php,pressure,fpm,sessions,redis,files
while (($#)); do
  case $1 in
    --quick) quick=1 ;;
    --parts) parts=$2; shift ;;
    --out) out=$2; shift ;;
    --prebuilt) prebuilt=$2; shift ;;
    -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown argument $1 (--help)" >&2; exit 2 ;;
  esac
  shift
done
say() { echo "== bench.sh: $*"; }
die() { echo "bench.sh: $*" >&2; exit 1; }
has_part() { [[ ",$parts," == *",$1,"* ]]; }

# --- packages ---------------------------------------------------------------------------------
packages=(php8.2-cli php8.2-apcu)
has_part fpm && packages+=(php8.2-fpm nginx wrk curl)
# the session peers (Debian pulls php8.2-igbinary and php8.2-msgpack with them)
has_part sessions && packages+=(php8.2-fpm nginx wrk curl redis-server memcached php8.2-redis
                                php8.2-memcached)
has_part redis && packages+=(php8.2-fpm nginx wrk curl redis-server php8.2-redis libhiredis-dev)
# the files part builds bench/slowfs.c against libfuse3 and mounts it (fusermount3), counts with strace
has_part files && packages+=(php8.2-fpm nginx wrk curl strace fuse3 libfuse3-dev pkg-config gcc libc6-dev)
[ -n "$prebuilt" ] || packages+=(build-essential cmake ninja-build pkg-config libbenchmark-dev
                                 libboost-dev php8.2-dev)
# shellcheck source=packages.sh
. "$root/scripts/packages.sh"
ensure_packages bench.sh "${packages[@]}"

# --- build ------------------------------------------------------------------------------------
if [ -n "$prebuilt" ]; then
  build=$(cd "$prebuilt" && pwd) || die "--prebuilt $prebuilt: no such directory"
else
  say "configure $build (RelWithDebInfo: -O2)"
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWINCACHE_MODELS=OFF \
    -DWINCACHE_PROPTESTS=OFF -DWINCACHE_TESTS=OFF -DWINCACHE_POSIX_TESTS=OFF \
    -DWINCACHE_EXTENSION=ON -DWINCACHE_BENCH=ON >/dev/null || die "cmake configure failed"
  say "build bench_core wincache_ext"
  ninja -C "$build" bench_core wincache_ext >/dev/null || die "build failed (ninja -C $build)"
fi
bench_core=$build/bench/bench_core
so=$build/extension/wincache.so
[ -x "$bench_core" ] || die "no $bench_core"
[ -f "$so" ] || die "no $so"
out=${out:-$build/results}
mkdir -p "$out" || die "cannot create $out"
out=$(cd "$out" && pwd)
rm -f "$out"/*.jsonl

# --- the run's facts (they go into the table's header) -----------------------------------------
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
mem=$(awk '/^MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
os=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")
apcu=$(php8.2 -n -d extension=apcu -r 'echo phpversion("apcu");' 2>/dev/null)
boost=$(sed -n 's/^#define BOOST_LIB_VERSION "\(.*\)"/\1/p' /usr/include/boost/version.hpp 2>/dev/null)
session_peers() {
  local r m pr pm
  r=$(redis-server --version 2>/dev/null | sed -n 's/.* v=\([^ ]*\).*/\1/p')
  m=$(memcached -V 2>/dev/null | awk '{print $2}')
  pr=$(php8.2 -n -d extension=igbinary -d extension=msgpack -d extension=redis -r 'echo phpversion("redis");' 2>/dev/null)
  pm=$(php8.2 -n -d extension=igbinary -d extension=msgpack -d extension=memcached -r 'echo phpversion("memcached");' 2>/dev/null)
  echo ", redis-server ${r:-?} + phpredis ${pr:-?}, memcached ${m:-?} + php-memcached ${pm:-?}"
}
meta=(--meta "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
      --meta "machine=$(nproc) cores ($cpu), $mem, $os, Linux $(uname -r)"
      --meta "load average at start=$(cut -d' ' -f1-3 /proc/loadavg)"
      --meta "peers=PHP $(php8.2 -n -r 'echo PHP_VERSION;'), APCu ${apcu:-?}, Boost ${boost:-?}, glibc $(ldd --version | head -1 | awk '{print $NF}')$(has_part sessions && session_peers)$(has_part files && echo ", libfuse $(pkg-config --modversion fuse3 2>/dev/null || echo '?') (files part's slow FS)")"
      --meta "mode=$([ $quick = 1 ] && echo 'quick (smoke run: the numbers mean nothing)' || echo full)")
qflag=()
((quick)) && qflag=(--quick)

t0=$SECONDS
files=()
if has_part core; then
  # As root (not in --quick), under round-robin real-time priority: other load on the machine
  # (a build, a test run) cannot then take a CPU from the two children of the 2-process lock rows,
  # which would measure a lock that is rarely contended. The kernel's RT throttling keeps 5% of
  # each second for everybody else; SCHED_RR's time slice lets the parent open the children's
  # start barrier even on a machine with as many CPUs as children.
  rt=()
  if ((!quick)) && [ "$(id -u)" = 0 ] && command -v chrt >/dev/null && chrt -r 10 true 2>/dev/null; then
    rt=(chrt -r 10)
    say "part core: under chrt -r 10 (real-time round robin)"
  fi
  say "part core: $bench_core"
  "${rt[@]}" "$bench_core" --rows="$out/core.jsonl" "${qflag[@]}" || die "bench_core failed"
  files+=("$out/core.jsonl")
fi
php_parts=()
has_part php && php_parts+=(one)
has_part pressure && php_parts+=(pressure)
if ((${#php_parts[@]})); then
  say "parts $(IFS=,; echo "${php_parts[*]}"): bench/php/run.php"
  php8.2 -n "$root/bench/php/run.php" --so "$so" --out "$out/php.jsonl" \
    --parts "$(IFS=,; echo "${php_parts[*]}")" "${qflag[@]}" || die "bench/php/run.php failed"
  files+=("$out/php.jsonl")
fi
if has_part fpm; then
  say "part fpm: bench/fpm.sh"
  "$root/bench/fpm.sh" --so "$so" --out "$out/fpm.jsonl" "${qflag[@]}" || die "bench/fpm.sh failed"
  files+=("$out/fpm.jsonl")
fi
if has_part sessions; then
  say "part sessions: bench/sessions.sh"
  # the on-disk save paths go in the build tree (the machine's disk, not tmpfs)
  "$root/bench/sessions.sh" --so "$so" --out "$out/sessions.jsonl" --disk-dir "$build" "${qflag[@]}" ||
    die "bench/sessions.sh failed"
  files+=("$out/sessions.jsonl")
fi
if has_part redis; then
  say "part redis: bench/sessions.sh --redis"
  "$root/bench/sessions.sh" --redis --so "$so" --out "$out/redis.jsonl" --disk-dir "$build" "${qflag[@]}" ||
    die "bench/sessions.sh --redis failed"
  say "part redis: bench/near.sh"
  "$root/bench/near.sh" --so "$so" --out "$out/redis.jsonl" "${qflag[@]}" || die "bench/near.sh failed"
  files+=("$out/redis.jsonl")
fi
if has_part files; then
  say "part files: bench/files.sh"
  # the application is generated in the build tree (the machine's disk, not tmpfs)
  "$root/bench/files.sh" --so "$so" --out "$out/files.jsonl" --disk-dir "$build" "${qflag[@]}" ||
    die "bench/files.sh failed"
  files+=("$out/files.jsonl")
fi
((${#files[@]})) || die "no part selected (--parts core,php,pressure,fpm,sessions,redis,files)"

echo
say "all parts done in $((SECONDS - t0)) s; results in $out/results.{md,json,csv}"
echo
php8.2 -n "$root/bench/report.php" --out-dir "$out" "${meta[@]}" "${files[@]}" ||
  die "bench/report.php failed"
