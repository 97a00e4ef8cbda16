#!/usr/bin/env bash
# bench/near.sh: the near-cache rows of the `redis` part (scripts/bench.sh): a get of a small
# value and of a 10,000-element array from the host's near cache (wincache.redis with
# ucache=near: a local hit, the listener trusted) vs phpredis's Redis::get + unserialize() of the
# same value from the same redis-server (a round trip on a unix socket). One PHP process each
# (bench/php/near_get.php), in turn, --reps times; the rows give the medians. Target: >= 20x.
# The CLI runs with wincache.ucache_zero_copy=1, php-fpm's default (zerocopy.hpp): a near hit of an
# array hands out the host's zero-copy image, as it does on a php-fpm host.
#
#   bench/near.sh --so PATH/wincache.so --out ROWS.jsonl [--seconds S] [--reps N] [--quick]
set -uo pipefail
me=near.sh
say() { echo "$me: $*"; }
die() { echo "$me: $*" >&2; exit 1; }
so="" out="" seconds=3 reps=3
while [ $# -gt 0 ]; do
  case $1 in
    --so) so=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --quick) seconds=0.5; reps=1; shift ;;
    *) die "unknown argument $1" ;;
  esac
done
[ -f "$so" ] && [ -n "$out" ] || die "usage: $0 --so wincache.so --out rows.jsonl"
so=$(cd "$(dirname "$so")" && pwd)/$(basename "$so")
here=$(cd "$(dirname "$0")" && pwd)
for c in redis-server redis-cli php8.2; do command -v $c >/dev/null || { echo "$me: SKIP: $c missing"; exit 77; }; done
# shellcheck source=../tests/redis/unix_redis.sh
. "$here/../tests/redis/unix_redis.sh"
unix_redis_start nearbench || die "redis-server did not answer"
work=$WORK
app=nb$$
printf 'extension=%s\nwincache.enablecli=1\nwincache.ucache_zero_copy=1\nwincache.namesalt=nb%s\nwincache.redis="unix:%s?prefix=%s&ucache=near"\nextension=igbinary\nextension=msgpack\nextension=redis\n' \
  "$so" "$$" "$work/redis.sock" "$app" >"$work/php.ini"
php8.2 -n -c "$work/php.ini" -r 'exit(extension_loaded("redis") && (wincache_extra_info()["redis"]["available"] ?? false) ? 0 : 1);' 2>/dev/null ||
  { echo "$me: SKIP: needs php8.2-redis and a wincache.so built with hiredis"; exit 77; }
median() { sort -g | awk '{a[NR] = $1} END {if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
declare -A OPS=()
for ((r = 1; r <= reps; r++)); do
  for size in small array; do
    for v in near phpredis; do
      line=$(php8.2 -n -c "$work/php.ini" "$here/php/near_get.php" "$v" "$size" "$seconds" "$work/redis.sock" "$app" 2>&1)
      ops=$(sed -n 's/.*ops=\([0-9.]*\).*/\1/p' <<<"$line")
      [[ "$line" == *"checks=1 local=1"* ]] || die "$v $size: $line"
      OPS[$v$size]+="$ops "
      printf '%s: %-8s %-5s rep %d/%d: %12.1f ops/s\n' "$me" "$v" "$size" "$r" "$reps" "$ops"
    done
  done
done
med() { tr ' ' '\n' <<<"$1" | grep . | median; }
rv=$(redis-server --version | sed -n 's/.* v=\([^ ]*\).*/\1/p')
for size in small array; do
  what=$([ $size = small ] && echo "a small value (3-element array)" || echo "a 10,000-element array")
  o=$(med "${OPS[near$size]}"); p=$(med "${OPS[phpredis$size]}")
  printf '{"part":"redis","name":"near cache on Redis: get of %s","unit":"ops/s","better":"higher","ours":%s,"peer":%s,"peer_name":"phpredis GET + unserialize","target":{"ratio":20},"target_text":">= 20x a round trip","n":%d,"note":"one PHP process each, %s s per run; ours: local hits of a trusted near cache (wincache.redis ucache=near; ucache_zero_copy=1 as under php-fpm: arrays handed out as zero-copy images); phpredis: Redis::get + unserialize() on a unix socket, redis-server %s"}\n' \
    "$what" "$o" "$p" "$reps" "$seconds" "$rv" >>"$out"
  say "$what: ours $o ops/s, phpredis $p ops/s ($(awk -v a="$o" -v b="$p" 'BEGIN { printf "%.1fx", a / b }'))"
done
