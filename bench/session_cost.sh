#!/usr/bin/env bash
# bench/session_cost.sh: the deterministic cost of one session request (page A of
# bench/php/session_page.php on one ~1 KB session), for comparing builds and handlers where the
# req/s of bench/sessions.sh move by more than the change on a shared machine.
#
#   bench/session_cost.sh --so PATH/wincache.so [--handler wincache|files] [--save-path DIR]
#                         [--n N] [--callgrind-out FILE]
#
# php-cgi8.2 -T runs the page repeatedly in one process (opcache on, the session's cookie set,
# as sessions.sh's pool runs it). Two run lengths, 100 and 100+N requests (N default 500), are
# measured and subtracted, so that start-up and the first request drop out:
#   instructions per request   valgrind --tool=callgrind (user space only)
#   system calls per request   strace -f -c, by name
# --handler files measures PHP's files handler in the same way (the extension is still loaded).
# The save path (default a fresh directory under /tmp) decides the file system. Prints one
# "COST instr=... syscalls=..." line, then the system calls per request by name;
# --callgrind-out keeps the longer run's callgrind file (for callgrind_annotate --inclusive=yes).
set -uo pipefail
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
so="" handler=wincache save="" n=500 cg_out=""
usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while (($#)); do
  case "$1" in
    --so) so=${2:-}; shift 2 || usage ;;
    --handler) handler=${2:-}; shift 2 || usage ;;
    --save-path) save=${2:-}; shift 2 || usage ;;
    --n) n=${2:-}; shift 2 || usage ;;
    --callgrind-out) cg_out=${2:-}; shift 2 || usage ;;
    -h|--help) usage ;;
    *) echo "session_cost.sh: unknown argument: $1" >&2; usage ;;
  esac
done
[ -n "$so" ] && [ -f "$so" ] || usage
[[ "$n" =~ ^[1-9][0-9]*$ ]] || usage
for c in php-cgi8.2 valgrind strace; do
  command -v "$c" >/dev/null || { echo "session_cost.sh: SKIP: $c is not installed"; exit 77; }
done
so=$(cd "$(dirname "$so")" && pwd)/$(basename "$so")
work=$(mktemp -d /tmp/wincache-sesscost.XXXXXX) || exit 1
trap 'rm -rf "$work"' EXIT
[ -n "$save" ] || save=$work/save
mkdir -p "$save" && chmod 700 "$save"
cp "$here/php/session_page.php" "$work/"
# a group of our own (the extension's shared memory), so that nothing else's is measured
D=(-n -d zend_extension=opcache -d opcache.enable=1 -d extension="$so" -d "wincache.namesalt=cost$$"
   -d session.save_handler="$handler" -d session.save_path="$save" -d session.gc_probability=0
   -d log_errors=1 -d display_errors=0 -d error_log="$work/err.log")
# a process that keeps the group's shared memory attached between the measured runs (otherwise
# every run would create the segments afresh and read the session from the backing first)
php8.2 -n -d extension="$so" -d "wincache.namesalt=cost$$" -d wincache.enablecli=1 -d session.save_handler="$handler" \
  -d session.save_path="$save" -r 'session_id("holder"); session_start(); session_write_close();
  wincache_ucache_set("holder", 1); echo "up\n"; fclose(STDOUT); sleep(3600);' >"$work/holder.out" 2>&1 &
holder=$!
trap 'kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null; rm -rf "$work"' EXIT
for ((i = 0; i < 100; i++)); do grep -q up "$work/holder.out" && break; sleep 0.05; done
grep -q up "$work/holder.out" || { cat "$work/holder.out"; echo "session_cost.sh: the holder did not start" >&2; exit 1; }
export REDIRECT_STATUS=200 REQUEST_METHOD=GET SCRIPT_FILENAME=$work/session_page.php
sid=$(printf 'sess%028d' 0)
out=$(QUERY_STRING="op=populate&n=1" php-cgi8.2 "${D[@]}" "$SCRIPT_FILENAME")
grep -q "populated=1 handler=$handler" <<<"$out" || { echo "$out"; echo "session_cost.sh: populate failed" >&2; exit 1; }
export HTTP_COOKIE="PHPSESSID=$sid"
out=$(php-cgi8.2 "${D[@]}" -T 2 "$SCRIPT_FILENAME")
grep -q "ok visits=2" <<<"$out" || { echo "$out"; echo "session_cost.sh: page A failed" >&2; exit 1; }

instr() {  # RUNS -> instructions of a php-cgi -T RUNS
  valgrind --tool=callgrind --callgrind-out-file="$work/cg_$1.out" php-cgi8.2 "${D[@]}" -T "$1" \
    "$SCRIPT_FILENAME" 2>&1 >/dev/null | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
sys() {  # RUNS -> "name count" lines of a php-cgi -T RUNS
  strace -f -c -o "$work/st_$1.txt" php-cgi8.2 "${D[@]}" -T "$1" "$SCRIPT_FILENAME" >/dev/null 2>&1
  awk '$NF != "total" && $NF != "syscall" && $1 ~ /^[0-9.]+$/ {print $NF, ($5 ~ /^[0-9]+$/ && NF == 6 ? $4 : $4)}' \
    "$work/st_$1.txt"
}
a=$((100)); b=$((100 + n))
instr 20 >/dev/null  # a first run after the populate: the store holds the session from here on
i1=$(instr $a); i2=$(instr $b)
[ -n "$i1" ] && [ -n "$i2" ] || { echo "session_cost.sh: callgrind failed" >&2; exit 1; }
[ -z "$cg_out" ] || cp "$work/cg_$b.out" "$cg_out"
s1=$(sys $a); s2=$(sys $b)
per=$(join -a 2 -e 0 -o 0,1.2,2.2 <(sort <<<"$s1") <(sort <<<"$s2") |
      awk -v n="$n" '{d = ($3 - $2) / n; if (d > 0.005) printf "%s %.2f\n", $1, d}' | sort -k2,2gr)
total=$(awk '{s += $2} END {printf "%.2f", s}' <<<"$per")
[ -s "$work/err.log" ] && { echo "session_cost.sh: PHP logged:"; head -5 "$work/err.log"; exit 1; }
echo "COST handler=$handler instr=$(( (i2 - i1) / n )) syscalls=$total save=$(stat -f -c %T "$save")"
sed 's/^/  /' <<<"$per"
