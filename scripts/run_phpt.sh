#!/usr/bin/env bash
# scripts/run_phpt.sh SO TEST.phpt: one phpt through PHP's run-tests.php with the extension SO
# loaded, in a scratch copy (run-tests writes .out/.diff/.php files next to the test). Exits
# non-zero and prints the diff if the test fails.
set -uo pipefail
so=$1
test=$2
php=${PHP_BINARY:-$(command -v php)}
runner=${RUN_TESTS:-$(ls /usr/lib/php/*/build/run-tests.php 2>/dev/null | head -1)}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp "$test" "$dir/"
cp "$(dirname "$test")"/*.inc "$dir/" 2>/dev/null || true
name=$(basename "$test" .phpt)
# PHPT_ARGS: more run-tests.php arguments (the sanitizer stage's launcher, scripts/sanitize.sh:
# -d report_memleaks=0); unset, none.
read -ra extra <<<"${PHPT_ARGS:-}"
out=$(NO_INTERACTION=1 REPORT_EXIT_STATUS=1 "$php" "$runner" -q -p "$php" -d extension="$so" \
      "${extra[@]}" "$dir/$name.phpt" 2>&1)
rc=$?
if [ "$rc" != 0 ] || ! grep -q "^Tests passed *: *1" <<<"$out"; then
  if grep -q "^Tests skipped *: *1" <<<"$out"; then echo "SKIP $name"; exit 0; fi
  echo "$out" | grep -E "^(FAIL|SKIP|BORK|LEAK)" || true
  [ -f "$dir/$name.diff" ] && { echo "--- diff (expected -, actual +):"; cat "$dir/$name.diff"; }
  [ -f "$dir/$name.out" ] && { echo "--- output:"; head -50 "$dir/$name.out"; }
  if [ ! -f "$dir/$name.diff" ]; then  # no diff: say what run-tests.php said, whatever it was
    echo "--- run-tests.php (exit $rc), no diff written:"
    echo "$out" | grep -v "^ *$" | tail -40
  fi
  exit 1
fi
echo "PASS $name"
