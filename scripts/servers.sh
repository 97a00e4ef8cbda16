# scripts/servers.sh: sourced by scripts/serve.sh and bench/fpm_lib.sh (not run). From /proc only:
# no procps or iproute2 needed.
#
#   listening PORT             a TCP socket listens on PORT
#   children PID               PID's child processes
#   cpu_ns PID...              CPU time (ns) that each PID and its children have run so far
#   stop_nginx_fpm NGINX FPM   stops both (either may be ""): SIGQUIT (graceful), up to 15 s,
#                              then SIGKILL to the one left and its children; reaps them. The
#                              master drops its workers' pin (SEG-9) as their user at its module
#                              shutdown, so nothing of its group stays in /dev/shm; whatever
#                              does is listed in $STOPPED_FPM_LEFT (and left for the next start's
#                              sweep, SEG-8).
listening() {
  awk -v h=":$(printf '%04X' "$1")" \
    'NR > 1 && $4 == "0A" && substr($2, length($2) - 4) == h {f = 1} END {exit !f}' \
    /proc/net/tcp /proc/net/tcp6 2>/dev/null
}
children() {
  cat /proc/[0-9]*/stat 2>/dev/null |
    awk -v pp="$1" '{ r = $0; sub(/^.*\) /, "", r); split(r, f, " "); if (f[2] == pp) print $1 }'
}
cpu_ns() {
  # the ones given and their children together (a php-fpm master and its workers); the time
  # each has run on a CPU, from /proc/PID/schedstat (nanoseconds, not clock ticks)
  local p t=0 x
  for p in "$@" $(for x in "$@"; do children "$x"; done); do
    read -r x _ </proc/"$p"/schedstat 2>/dev/null && t=$((t + x))
  done
  echo "$t"
}
stop_nginx_fpm() {
  local nginx=$1 fpm=$2 i p c
  [ -n "$nginx" ] && kill -QUIT "$nginx" 2>/dev/null
  [ -n "$fpm" ] && kill -QUIT "$fpm" 2>/dev/null
  for ((i = 0; i < 150; i++)); do
    { [ -n "$nginx" ] && kill -0 "$nginx" 2>/dev/null; } ||
      { [ -n "$fpm" ] && kill -0 "$fpm" 2>/dev/null; } || break
    sleep 0.1
  done
  for p in $nginx $fpm; do
    if kill -0 "$p" 2>/dev/null; then
      echo "pid $p did not stop in 15 s: killing it and its children"
      for c in $(children "$p"); do kill -KILL "$c" 2>/dev/null; done
      kill -KILL "$p" 2>/dev/null
    fi
  done
  for p in $nginx $fpm; do wait "$p" 2>/dev/null; done
  STOPPED_FPM_LEFT=""
  if [ -n "$fpm" ]; then
    # PosixOs keeps each user's objects in /dev/shm/wincache-<uid>[.<n>]/ (symlinks: not ours)
    local d
    for d in /dev/shm/wincache-*; do
      [ -d "$d" ] && [ ! -L "$d" ] || continue
      for i in $(ls "$d" 2>/dev/null | grep -E "^wincache_[0-9]+_.*_p${fpm}(_|$)"); do
        STOPPED_FPM_LEFT+="$d/$i "
      done
    done
  fi
  return 0
}
