#!/usr/bin/env bash
# bench/make_room_instr.sh [PRESSURE_SIM] [pressure_sim arguments]: instructions of the keyed
# store's eviction (KeyedStore<..., FreqPolicy>::make_room, inclusive) under callgrind, per call
# and per store of the frequency policy, for one run of bench/pressure_sim.cpp (default
# arguments: --only 1 --warm 20000 --steps 40000, the Zipf traces at 25% and 50%). The stores
# come from pressure_sim --counts 1 (every miss is a store). Deterministic, so it can be run on a
# loaded machine (docs/benchmarks.md "pressure", fourth round).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sim=${1:-$root/build/bench/pressure_sim}
shift || true
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--only 1 --warm 20000 --steps 40000)
command -v valgrind >/dev/null || { echo "make_room_instr.sh: valgrind is not installed"; exit 77; }
work=$(mktemp -d /tmp/make_room_instr.XXXXXX)
trap 'rm -rf "$work"' EXIT
# Collected only while the frequency policy's make_room is on the stack. No function it calls may
# match the pattern too (callgrind toggles the collection at each match: a callee named after
# one of make_room's lambdas would switch it off), hence core/store.hpp's named Older comparator.
fn='*FreqPolicy*>::make_room(*'
valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" --toggle-collect="$fn" \
  "$sim" "${args[@]}" --counts 1 >"$work/stdout" 2>"$work/stderr"
stores=$(awk '/^counts:/ {s += $3} END {print s + 0}' "$work/stderr")
ir=$(awk '/^totals:/ {print $2}' "$work/cg.out")
calls=$(cd "$work" && callgrind_annotate --tree=caller cg.out 2>/dev/null |
  awk '/^ *[0-9,]+ .*< / { last = $0 }
       /\*  [^ ]*:wc::KeyedStore<wc::PrimStd, .anonymous namespace.::FreqPolicy.*>::make_room\(unsigned long, unsigned long, unsigned long\)/ {
         if (!done) { n = last; sub(/.*\(/, "", n); sub(/x\)$/, "", n); gsub(",", "", n); print n; done = 1 } }')
[ -n "$ir" ] && [ -n "$calls" ] && [ "$calls" -gt 0 ] ||
  { echo "make_room_instr.sh: no make_room in the profile" >&2; exit 1; }
awk -v ir="$ir" -v calls="$calls" -v stores="$stores" 'BEGIN {
  printf "make_room: %d calls, %.0f instructions (%.0f per call)", calls, ir, ir / calls
  if (stores > 0) printf "; %d stores, %.0f per store", stores, ir / stores
  printf "\n" }'
