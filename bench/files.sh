#!/usr/bin/env bash
# bench/files.sh: the file part of the benchmark (issues 14 and 19). An include-heavy page (200
# autoloaded classes from 300 class files, 4 config includes) that also makes 50 calls of
# rerouted file functions per request (bench/php/app/gen.php), behind nginx + a php-fpm static
# pool with OPcache on, driven by wrk: PHP alone vs ours (wincache.so with the file cache and the
# reroutes on), on the machine's disk and on a slow file system (bench/slowfs.c, a FUSE
# passthrough that waits a fixed time in every call). Requests/s, p99, the file-system system
# calls of a warm request (strace on the pool's workers) and the calls that reach the slow one.
#
#   bench/files.sh --so PATH/wincache.so --out ROWS.jsonl --disk-dir DIR [--workers N]
#                  [--duration SECONDS] [--reps N] [--latency-us US] [--fuse-cache-s S]
#                  [--count N] [--quick]
#
#   --disk-dir    a directory on the machine's disk (not tmpfs): the application is generated in
#                 a fresh subdirectory of it (scripts/bench.sh passes its build tree)
#   --workers     the pool's size (default 4)
#   --duration    seconds of each measured wrk run (default 5)
#   --reps        runs per variant and file system (default 3); the rows give the medians
#   --latency-us  the slow file system's wait per call, in microseconds (default 200)
#   --fuse-cache-s  how long the kernel keeps the slow file system's names, attributes and misses
#                 (slowfs cache_s; default 1, libfuse's own entry and attribute timeout; 0: every
#                 lookup and stat reaches it)
#   --count       warm requests the system calls are counted over (default 40)
#   --quick       duration 1, reps 1, count 3: a smoke test that it works (CI)
#
# Variants (the same php-fpm8.2 -n binary, pool and -d flags (COMMON_D: opcache.enable=1, errors
# to a log) but these):
#   php   PHP alone                      -d opcache.validate_timestamps=V -d opcache.revalidate_freq=F
#   ours  the same + -d extension=/abs/wincache.so -d wincache.fcenabled=1 -d wincache.reroute_enabled=1
#         -d wincache.opcache_invalidate=1
# OPcache modes: vt1rf0 (validate_timestamps=1, revalidate_freq=0: a stat of every included file
# per include), vt1rf2 (=1 and 2: OPcache's defaults), vt0 (ours only, issue 19: OPcache never
# checks a file, our invalidation is what keeps it right; compared with PHP alone at OPcache's
# defaults, the vt1rf2 run of PHP alone: what a site runs today without a deploy-aware cache).
# File systems: disk (the application in --disk-dir) and slow (the same directory through
# slowfs mounted at <work>/mnt: -o ro,allow_other,default_permissions, delay_us=--latency-us,
# cache_s=--fuse-cache-s: names, attributes and misses kept that long by the kernel, file data
# dropped at each open).
# Order: for each rep, for each file system: php vt1rf0, ours vt1rf0, php vt1rf2, ours vt1rf2,
# ours vt0, each on fresh php-fpm + nginx: one request checked against the generator's answer
# (expected.txt), 1 s of wrk warm-up, then the measured wrk run; on the slow file system the
# calls slowfs answered during it are read from its counters (SIGUSR1 before and after). In the
# first rep on disk the same servers then count system calls over --count requests one after the
# other (curl, one connection, each answer checked) until every worker is back in accept():
# strace -f attached to every worker before, detached after; the log read by
# bench/php/syscalls.php (which calls count and in which category is said there and in the
# docs). The counts by call go to files_syscalls.txt beside --out.
# Any non-2xx response, wrong answer, socket error, PHP log line or a server that does not come
# up fails the run (exit 1, logs shown). Nothing is installed here: a missing program exits 77.
# The FUSE file system is unmounted at exit whatever the outcome (fusermount3 -u, retried, then
# lazily), and its process waited for. Rows are appended to --out only when every run succeeded.
# The pool + nginx, wrk (-t1 -c8), the helpers and the exit trap are bench/fpm_lib.sh's.
set -uo pipefail
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
me=files.sh
# say die skip, start_fpm_nginx stop_servers, http_get run_wrk field, finish, med
# shellcheck source=fpm_lib.sh
. "$here/fpm_lib.sh"
usage() { sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

so="" out="" disk_dir="" workers_list="4" duration=5 reps=3 latency_us=200 count_n=40 fuse_cache_s=1
while (($#)); do
  case "$1" in
    --so) so=${2:-}; shift 2 || usage ;;
    --out) out=${2:-}; shift 2 || usage ;;
    --disk-dir) disk_dir=${2:-}; shift 2 || usage ;;
    --workers) workers_list=${2:-}; shift 2 || usage ;;
    --duration) duration=${2:-}; shift 2 || usage ;;
    --reps) reps=${2:-}; shift 2 || usage ;;
    --latency-us) latency_us=${2:-}; shift 2 || usage ;;
    --count) count_n=${2:-}; shift 2 || usage ;;
    --fuse-cache-s) fuse_cache_s=${2:-}; shift 2 || usage ;;
    --quick) duration=1; reps=1; count_n=3; shift ;;
    -h|--help) usage ;;
    *) echo "files.sh: unknown argument: $1" >&2; usage ;;
  esac
done
[ -n "$so" ] && [ -n "$out" ] && [ -n "$disk_dir" ] || usage
[[ "$workers_list" =~ ^[1-9][0-9]*$ ]] || die "--workers: one pool size, not '$workers_list'"
[[ "$duration" =~ ^[1-9][0-9]*$ ]] || die "--duration: a whole number of seconds, not '$duration'"
[[ "$reps" =~ ^[1-9][0-9]*$ ]] || die "--reps: a positive number, not '$reps'"
[[ "$latency_us" =~ ^[0-9]+$ ]] || die "--latency-us: a whole number of microseconds, not '$latency_us'"
[[ "$count_n" =~ ^[1-9][0-9]*$ ]] || die "--count: a positive number, not '$count_n'"
[[ "$fuse_cache_s" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--fuse-cache-s: seconds, not '$fuse_cache_s'"
check_common_args
workers=$workers_list
[ -d "$disk_dir" ] || die "--disk-dir $disk_dir: no such directory"
disk_dir=$(cd "$disk_dir" && pwd -P)
out_dir=$(cd "$(dirname "$out")" && pwd)

# --- prerequisites: skip (77) when something is not installed ---------------------------------
need_commands php-fpm8.2 php8.2 nginx wrk curl strace fusermount3 cc pkg-config
pkg-config --exists fuse3 || skip "no fuse3.pc (libfuse3-dev is not installed)"
[ -c /dev/fuse ] || skip "no /dev/fuse: this machine cannot mount a FUSE file system"
mods=$(php-fpm8.2 -n -d zend_extension=opcache -m 2>/dev/null)
grep -qx 'Zend OPcache' <<<"$mods" || skip "opcache does not load into php-fpm8.2"

# --- directories: work (configs, sockets, logs, slowfs, the mount point), the application ------
work=$(mktemp -d /tmp/wincache-filesbench.XXXXXX) || die "mktemp failed"
disk=$(mktemp -d "$disk_dir/filesbench.XXXXXX") || { rm -rf "$work"; die "cannot create a directory in $disk_dir"; }
chmod 755 "$disk"
app=$disk/app
mnt=$work/mnt
mkdir -m 755 "$mnt"
docroot=$app
fpm_workdir index.php

fuse_pid=""
unmount_slowfs() {  # the exit hook: unmount (retried while busy, then lazily), wait for slowfs
  local i
  if grep -q " $mnt fuse" /proc/mounts; then
    for ((i = 0; i < 50; i++)); do
      fusermount3 -u "$mnt" 2>/dev/null && break
      sleep 0.1
    done
    if grep -q " $mnt fuse" /proc/mounts; then
      say "warning: $mnt still busy after 5 s: detaching it lazily (fusermount3 -uz)"
      fusermount3 -uz "$mnt"
    fi
  fi
  if [ -n "$fuse_pid" ]; then
    for ((i = 0; i < 50; i++)); do kill -0 "$fuse_pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$fuse_pid" 2>/dev/null && { say "slowfs (pid $fuse_pid) did not exit: killing it"; kill -KILL "$fuse_pid"; }
    wait "$fuse_pid" 2>/dev/null
    fuse_pid=""
  fi
  # its last line: the counters at unmount (the ones before answered SIGUSR1)
  [ -s "$work/logs/slowfs.log" ] && grep '^slowfs: calls:' "$work/logs/slowfs.log" | tail -n 1 | sed "s/^/$me: at unmount, /"
  return 0
}
strace_pid=""
stop_strace() {  # stop_servers' hook: a failed count leaves no tracer behind
  [ -n "$strace_pid" ] || return 0
  kill -INT "$strace_pid" 2>/dev/null
  wait "$strace_pid" 2>/dev/null
  strace_pid=""
}
stop_also=stop_strace
exit_also=unmount_slowfs
exit_rm=("$disk")
arm_traps

# --- the application: generated once, its files dated a minute back (OPcache does not cache a
# file modified within opcache.file_update_protection = 2 s) ----------------------------------
php8.2 -n "$here/php/app/gen.php" "$app" >"$work/logs/gen.out" 2>&1 || { cat "$work/logs/gen.out"; die "gen.php failed"; }
find "$app" -exec touch -h -d "@$(($(date +%s) - 60))" {} +
chmod -R a+rX "$app"
expected=$(cat "$app/expected.txt")
if [ -n "$pool_user" ] && ! setpriv --reuid="$pool_user" --regid=nogroup --clear-groups -- \
     test -r "$app/index.php" 2>/dev/null; then
  die "--disk-dir $disk_dir: the pool's user ($pool_user) cannot read $app; use a --disk-dir it can"
fi
disk_fs=$(df --output=fstype "$app" 2>/dev/null | tail -n 1)
[ -n "$disk_fs" ] || disk_fs=$(stat -f -c %T "$app")
[ "$disk_fs" != tmpfs ] || say "warning: --disk-dir $disk_dir is on tmpfs, not a disk"

# --- the slow file system -----------------------------------------------------------------------
# shellcheck disable=SC2046
cc -O2 -Wall -o "$work/slowfs" "$here/slowfs.c" $(pkg-config --cflags --libs fuse3) \
  >"$work/logs/slowfs_cc.out" 2>&1 || { cat "$work/logs/slowfs_cc.out"; die "cannot build bench/slowfs.c"; }
setsid "$work/slowfs" -f -o "ro,allow_other,default_permissions,fsname=slowfs,subtype=slowfs" \
  -o "delay_us=$latency_us,cache_s=$fuse_cache_s" "$app" "$mnt" >>"$work/logs/slowfs.log" 2>&1 &
fuse_pid=$!
for ((i = 0; i < 100; i++)); do
  grep -q " $mnt fuse" /proc/mounts && break
  kill -0 "$fuse_pid" 2>/dev/null || break
  sleep 0.05
done
if ! grep -q " $mnt fuse" /proc/mounts || [ "$(cat "$mnt/expected.txt" 2>/dev/null)" != "$expected" ]; then
  failed=1
  say "the FUSE mount of $app at $mnt did not come up (slowfs log below)"
  cat "$work/logs/slowfs.log"
  exit 1
fi
# what one file_get_contents() of a small file one directory below the mount costs here, against
# the disk (open, read, close: at least 3 calls of the slow file system, whatever its cache)
fgc_us() {  # PATH N: microseconds per file_get_contents(), the median of 5 rounds of N
  php8.2 -n -r '[, $p, $n] = $argv; $r = [];
                for ($k = 0; $k < 5; $k++) { $t = hrtime(true); for ($i = 0; $i < $n; $i++) file_get_contents($p); $r[] = (hrtime(true) - $t) / $n / 1000; }
                sort($r); printf("%.1f", $r[2]);' "$1" "$2"
}
fgc_slow=$(fgc_us "$mnt/config/app.php" 50)
fgc_disk=$(fgc_us "$app/config/app.php" 2000)
say "slow file system: $mnt (slowfs, delay ${latency_us} us per call, kernel cache ${fuse_cache_s} s; a file_get_contents() of config/app.php: $fgc_slow us, on $disk_fs $fgc_disk us)"

# --- variants -------------------------------------------------------------------------------------
OURS_D=(-d "extension=$so" -d wincache.fcenabled=1 -d wincache.reroute_enabled=1 -d wincache.opcache_invalidate=1)
declare -A MODE_D=(
  [vt1rf0]="-d opcache.validate_timestamps=1 -d opcache.revalidate_freq=0"
  [vt1rf2]="-d opcache.validate_timestamps=1 -d opcache.revalidate_freq=2"
  [vt0]="-d opcache.validate_timestamps=0"
)
declare -A MODE_TEXT=(
  [vt1rf0]="OPcache validate_timestamps=1 revalidate_freq=0"
  [vt1rf2]="OPcache validate_timestamps=1 revalidate_freq=2"
  [vt0]="OPcache validate_timestamps=0 + our invalidation, vs OPcache defaults"
)
RUNS=("php vt1rf0" "ours vt1rf0" "php vt1rf2" "ours vt1rf2" "ours vt0")
STRACE_SET='%file,read,pread64,readv,preadv,preadv2,write,pwrite64,writev,pwritev,pwritev2,fstat,fstatfs,lseek,close,getdents64,mmap,fchdir,flock,fcntl,fsync,fdatasync,ftruncate,fallocate,fadvise64,readahead,sendfile,copy_file_range,splice,ioctl,fgetxattr,flistxattr,fsetxattr,fremovexattr,fchmod,fchown,syncfs,sync_file_range'

# pool_idle TAG: returns once every worker has waited in accept() at two looks 0.1 s apart:
# the requests wrk left in flight (queued in the pool's listen backlog when it stopped) are done,
# and so is the last request's shutdown. /proc/PID/syscall starts with the number of the call the
# process waits in: 43 is accept on x86_64, where php-fpm's idle workers wait.
pool_idle() {
  local tag=$1 i p ok idle=0
  for ((i = 0; i < 200; i++)); do
    ok=1
    for p in $(children "$fpm_pid"); do
      [ "$(cut -d' ' -f1 "/proc/$p/syscall" 2>/dev/null)" = 43 ] || ok=0
    done
    if ((ok)); then ((++idle >= 2)) && return 0; else idle=0; fi
    sleep 0.1
  done
  failed=1; say "$tag: the workers did not all wait in accept() within 20 s"; exit 1
}

# counted_requests TAG: count_n requests one after the other on one connection (curl), each
# answered 200 with the right body; returns when the pool is idle again
counted_requests() {
  local tag=$1 i codes urls=()
  for ((i = 0; i < count_n; i++)); do urls+=("http://127.0.0.1:$port/$php_page"); done
  codes=$(curl -sS --max-time 120 -w '%{http_code}\n' "${urls[@]}" | sort | uniq -c)
  [ "$codes" = "$(printf '%7d 200\n%7d %s' "$count_n" "$count_n" "$expected")" ] ||
    { failed=1; say "$tag: the counted requests answered (count, line):"; echo "$codes"; exit 1; }
  pool_idle "$tag"
}

# count_syscalls TAG: strace on every worker of the running pool over count_n warm requests;
# sets sc_line (syscalls.php's SYSCALLS line) and appends its whole answer to the details file
count_syscalls() {
  local tag=$1 p pids=() args=() i ok log
  log=$work/strace_$tag.txt
  for p in $(children "$fpm_pid"); do pids+=("$p"); args+=(-p "$p"); done
  ((${#pids[@]} == workers)) || { failed=1; say "$tag: ${#pids[@]} workers, not $workers"; exit 1; }
  pool_idle "$tag"
  strace -f -qq -y -e trace="$STRACE_SET" -o "$log" "${args[@]}" 2>"$work/logs/strace_$tag.err" &
  strace_pid=$!
  for ((i = 0; i < 100; i++)); do
    ok=1
    for p in "${pids[@]}"; do
      [ "$(awk '/^TracerPid:/ {print $2}' "/proc/$p/status" 2>/dev/null)" = "$strace_pid" ] || ok=0
    done
    ((ok)) && break
    sleep 0.05
  done
  ((ok)) || { failed=1; say "$tag: strace did not attach to the workers"; exit 1; }
  counted_requests "$tag"
  stop_strace
  sc_out=$(php8.2 -n "$here/php/syscalls.php" --root "$app" --requests "$count_n" "$log") ||
    { failed=1; say "$tag: syscalls.php failed"; exit 1; }
  sc_line=$(grep '^SYSCALLS ' <<<"$sc_out")
  [ "$(field seen "$sc_line")" = "$count_n" ] ||
    { failed=1; say "$tag: the strace log shows $(field seen "$sc_line") requests, not $count_n"; exit 1; }
  { echo "== $tag: $count_n warm requests, per request"; echo "$sc_out"; } >>"$details"
  rm -f "$log"
}

# fuse_calls: the calls slowfs has answered so far (SIGUSR1 makes it print its counters)
fuse_calls() {
  local n0 i
  n0=$(grep -c '^slowfs: calls:' "$work/logs/slowfs.log")
  kill -USR1 "$fuse_pid" || { failed=1; say "slowfs is gone"; exit 1; }
  for ((i = 0; i < 100; i++)); do
    (($(grep -c '^slowfs: calls:' "$work/logs/slowfs.log") > n0)) && break
    sleep 0.02
  done
  grep '^slowfs: calls:' "$work/logs/slowfs.log" | tail -n 1 | awk '$(NF - 1) == "total" {print $NF}'
}
# one_run VARIANT MODE FS TAG COUNT: start, check, warm up, measure, [count], stop; sets rps p99
one_run() {
  local variant=$1 mode=$2 fs=$3 tag=$4 count=$5 vd b c0 c1
  # shellcheck disable=SC2206
  vd=(${MODE_D[$mode]})
  [ "$variant" = ours ] && vd+=("${OURS_D[@]}")
  if [ "$fs" = slow ]; then docroot=$mnt; else docroot=$app; fi
  start_fpm_nginx "$variant $mode on $fs" "$workers" "$tag" "${vd[@]}"
  b=$(http_get "") || { failed=1; say "$tag: index.php failed: $b"; exit 1; }
  [ "$b" = "$expected" ] || { failed=1; say "$tag: index.php answered '$b', not '$expected'"; exit 1; }
  run_wrk "$WARMUP" ""
  pool_idle "$tag"    # what the warm-up left in flight is done before the measured run
  [ "$fs" = slow ] && c0=$(fuse_calls)
  run_wrk "$duration" ""
  rps=$(field rps "$rep_line"); p99=$(field p99_ms "$rep_line")
  if [ "$fs" = slow ]; then
    # the slow file system's calls over the measured run per request it completed; the requests
    # in flight when wrk stops (at most one per connection) finish and add theirs too
    pool_idle "$tag"
    c1=$(fuse_calls)
    [ -n "$c0" ] && [ -n "$c1" ] || { failed=1; say "$tag: no call counts from slowfs"; exit 1; }
    fc=$(awk -v a="$c0" -v b="$c1" -v n="$(field requests "$rep_line")" 'BEGIN {printf "%.2f", (n > 0 ? (b - a) / n : 0)}')
  fi
  ((count)) && count_syscalls "$tag"
  stop_servers
  check_php_log
}

details=$out_dir/files_syscalls.txt
: >"$details" || die "cannot write $details"
say "module $so; pool of $workers workers; $reps rep(s) x ${duration} s; wrk -t$WRK_THREADS -c$WRK_CONNS; strace over $count_n requests; app $app ($disk_fs); work dir $work"
t_start=$(date +%s)
declare -A R=() P=() S=() F=()
for ((r = 1; r <= reps; r++)); do
  for fs in disk slow; do
    for run in "${RUNS[@]}"; do
      read -r variant mode <<<"$run"
      key="$variant $mode $fs"
      count=0
      ((r == 1)) && [ "$fs" = disk ] && count=1
      sc_line="" fc=""
      one_run "$variant" "$mode" "$fs" "r${r}_${fs}_${variant}_$mode" "$count"
      R[$key]+="$rps "; P[$key]+="$p99 "
      [ -n "$sc_line" ] && S["$variant $mode"]=$sc_line
      [ -n "$fc" ] && F["$variant $mode"]+="$fc "
      printf 'files.sh: %-4s %-6s %-4s rep %d/%d: %9.1f req/s  p99 %8.3f ms  (%s requests)%s\n' \
        "$variant" "$mode" "$fs" "$r" "$reps" "$rps" "$p99" "$(field requests "$rep_line")" \
        "${sc_line:+  ${sc_line#SYSCALLS }}${fc:+  slow FS calls/req $fc}"
    done
  done
done

# --- rows ---------------------------------------------------------------------------------------
rows=()
summary=()
row() {  # NAME UNIT BETTER OURS PEER PEER_NAME TARGET TARGET_TEXT N NOTE
  local v
  for v in "$4" "$5"; do
    [[ "$v" =~ ^-?[0-9]+(\.[0-9]+)?$ ]] || die "row '$1': '$v' is not a number (a measurement is missing)"
  done
  rows+=("$(printf '{"part":"files","name":"%s","unit":"%s","better":"%s","ours":%s,"peer":%s,"peer_name":"%s","target":%s,"target_text":"%s","n":%d,"note":"%s"}' \
    "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "$9" "${10}")")
}
fs_text() { [ "$1" = disk ] && echo "local disk ($disk_fs)" || echo "slow FS (FUSE, +${latency_us} us per call, kernel cache ${fuse_cache_s} s)"; }
# the peer of a mode: PHP alone in the same mode; for vt0, PHP alone at OPcache's defaults
peer_of() { [ "$1" = vt0 ] && echo "php vt1rf2" || echo "php $1"; }
peer_name() { [ "$1" = vt0 ] && echo "PHP alone, OPcache defaults" || echo "PHP alone"; }
today="ours: the file cache with notifications, the reroutes, OPcache told what changed (wincache.opcache_invalidate=1)"
for fs in disk slow; do
  for mode in vt1rf0 vt1rf2 vt0; do
    o=$(med "${R[ours $mode $fs]}"); p=$(med "${R[$(peer_of $mode) $fs]}")
    if [ "$fs" = slow ]; then target='{"ratio":1.5}'; tt=">= 1.5x PHP alone"; else target='{"ratio":1}'; tt=">= 1x PHP alone (never slower)"; fi
    note="wrk -t$WRK_THREADS -c$WRK_CONNS ${duration}s, $workers workers; $today"
    [ "$fs" = slow ] && note+="; a file_get_contents() of config/app.php there: $fgc_slow us (disk $fgc_disk us)"
    [ "$mode" = vt0 ] && note+="; vt0 is safe only with ours: OPcache is told what changed (issue 19; mp_deploy checks every scenario fresh within 1 s), PHP alone at vt0 serves old code after a deploy"
    row "include-heavy page + 50 rerouted reads, $(fs_text "$fs"), ${MODE_TEXT[$mode]}" "req/s" higher \
      "$(printf '%.1f' "$o")" "$(printf '%.1f' "$p")" "$(peer_name "$mode")" "$target" "$tt" "$reps" "$note"
    o99=$(med "${P[ours $mode $fs]}"); p99m=$(med "${P[$(peer_of $mode) $fs]}")
    row "include-heavy page + 50 rerouted reads, $(fs_text "$fs"), ${MODE_TEXT[$mode]}: p99 latency" "ms" lower \
      "$(printf '%.3f' "$o99")" "$(printf '%.3f' "$p99m")" "$(peer_name "$mode")" null "" "$reps" "wrk -t$WRK_THREADS -c$WRK_CONNS ${duration}s"
    summary+=("$(printf '%-4s %-6s: ours %9.1f req/s, %s %9.1f req/s (x%s); p99 ours %.3f ms, peer %.3f ms' "$fs" "$mode" "$o" \
      "$(peer_name "$mode")" "$p" "$(awk -v a="$o" -v b="$p" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')" "$o99" "$p99m")")
  done
done
for mode in vt1rf0 vt1rf2 vt0; do
  so_line=${S[ours $mode]}; sp_line=${S[$(peer_of $mode)]}
  note="strace -f on the $workers workers over $count_n warm requests, per request; the calls by name: $details"
  row "file-system syscalls per warm request, all, ${MODE_TEXT[$mode]}" "syscalls/req" lower \
    "$(field all "$so_line")" "$(field all "$sp_line")" "$(peer_name "$mode")" null "" 1 \
    "$note; front (request start) ours $(field front "$so_line"), peer $(field front "$sp_line"); other ours $(field other "$so_line"), peer $(field other "$sp_line")"
  # no file-system call for cached work: the reads in every mode; the includes only where OPcache
  # itself does not stat them (vt1rf0 stats every include by its setting, vt1rf2 every 2 s)
  if [ "$mode" = vt0 ]; then target='{"max":0}'; tt="ours: none"; inote="$today"
  else target=null; tt=""; inote="OPcache checks included files itself in this mode (${MODE_TEXT[$mode]#OPcache }); $today"; fi
  row "file-system syscalls per warm request on the included files (autoloader, classes, .php configs), ${MODE_TEXT[$mode]}" "syscalls/req" lower \
    "$(field includes "$so_line")" "$(field includes "$sp_line")" "$(peer_name "$mode")" "$target" "$tt" 1 "$note; $inote"
  row "file-system syscalls per warm request of the 50 rerouted reads (configs, templates), ${MODE_TEXT[$mode]}" "syscalls/req" lower \
    "$(field reads "$so_line")" "$(field reads "$sp_line")" "$(peer_name "$mode")" '{"max":0}' "ours: none" 1 "$note; $today"
  summary+=("$(printf 'syscalls/req %-6s: ours %s; %s %s' "$mode" "${so_line#SYSCALLS }" "$(peer_name "$mode")" "${sp_line#SYSCALLS }")")
  fo=$(med "${F[ours $mode]}"); fp=$(med "${F[$(peer_of $mode)]}")
  row "calls reaching the slow FS per request (FUSE requests slowfs answered), ${MODE_TEXT[$mode]}" "calls/req" lower \
    "$fo" "$fp" "$(peer_name "$mode")" null "" "$reps" \
    "slowfs' own counters over the measured wrk run / its requests; with the kernel keeping names and attributes ${fuse_cache_s} s, the lookups and getattrs per request depend on the request rate; $today"
  summary+=("$(printf 'slow FS calls/req %-6s: ours %s, %s %s' "$mode" "$fo" "$(peer_name "$mode")" "$fp")")
done

append_rows
