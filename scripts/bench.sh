#!/usr/bin/env bash
# Configure (Ninja, build-bench, only the benchmark stage), build bench_core and run it.
# Extra arguments go to bench_core (e.g. --benchmark_filter=lock). JSON results are written to
# build-bench/bench_core.json.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build-bench"
cmake -S "$root" -B "$build" -G Ninja \
  -DWINCACHE_MODELS=OFF -DWINCACHE_PROPTESTS=OFF -DWINCACHE_TESTS=OFF -DWINCACHE_BENCH=ON
ninja -C "$build" bench_core
exec "$build/bench/bench_core" --benchmark_out="$build/bench_core.json" \
  --benchmark_out_format=json "$@"
