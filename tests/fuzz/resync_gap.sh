#!/usr/bin/env bash
# tests/fuzz/resync_gap.sh SO [twin]: tests/fuzz/resync_gap.php (the fuzzer's finding 2, a gap in
# its model) in a group of its own. With `twin`, FUZZ_BREAK=resync_gap puts the gap back in
# tests/fuzz/model.php, and the run must report the finding.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
so=$1
command -v php >/dev/null || { echo "SKIP: no php"; exit 77; }
[ "${2:-}" = twin ] && export FUZZ_BREAK=resync_gap
out=$(php -n -d "extension=$so" -d wincache.enablecli=1 -d "wincache.apppoolid=gap$$" \
          -d wincache.namesalt=gap -d error_reporting=-1 -d display_errors=stderr \
          "$here/resync_gap.php" 2>&1)
rc=$?
echo "$out"
if [ "${2:-}" = twin ]; then
  if [ "$rc" = 1 ] && grep -q '^FINDING: get of present key p2m1 missed' <<<"$out"; then echo "twin resync_gap: CAUGHT"; exit 0; fi
  echo "twin resync_gap: MISSED (exit $rc)"; exit 1
fi
exit "$rc"
