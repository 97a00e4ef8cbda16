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
valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$sim" "${args[@]}" --counts 1 \
  >"$work/stdout" 2>"$work/stderr"
stores=$(awk '/^counts:/ {s += $3} END {print s + 0}' "$work/stderr")
# The inclusive cost and the call count of the frequency policy's make_room, from the caller tree
# (its largest entry: the inlined parts are listed again per source file).
callgrind_annotate --tree=caller --inclusive=yes "$work/cg.out" 2>/dev/null |
  awk -v stores="$stores" '
    /^ *[0-9,]+ .*< / { last = $0 }
    /^ *[0-9,]+ .*\*  [^ ]*:wc::KeyedStore<wc::PrimStd, .anonymous namespace.::FreqPolicy.*>::make_room\(/ {
      v = $1; gsub(",", "", v)
      if (v + 0 > ir + 0) {
        ir = v; n = last; sub(/.*\(/, "", n); sub(/x\)$/, "", n); calls = n
      }
    }
    END {
      if (!ir) { print "make_room_instr.sh: no make_room in the profile" > "/dev/stderr"; exit 1 }
      printf "make_room: %d calls, %.0f instructions (%.0f per call)", calls, ir, ir / calls
      if (stores > 0) printf "; %d stores, %.0f per store", stores, ir / stores
      printf "\n"
    }'
