#!/bin/sh
# tests/win32/wine_run.sh: the tests' CMAKE_CROSSCOMPILING_EMULATOR: `wine "$@"`, once more if
# wine exited non-zero having printed NOTHING. Under load Wine now and then fails to start a test
# process at all (seen 2 times in ~85 stage runs, each time another test, 0.00 s, no output: not
# even gtest's "Running main()"); that is not what the tests check. A test that ran and failed
# prints its failures and is never retried; a failure with no output twice in a row is reported.
out=$(mktemp) || exit 1
for attempt in 1 2; do
  wine "$@" >"$out" 2>&1
  rc=$?
  if [ "$rc" = 0 ] || [ -s "$out" ]; then
    cat "$out"
    rm -f "$out"
    exit "$rc"
  fi
  echo "wine_run: wine exited $rc with no output (attempt $attempt): $*" >&2
done
rm -f "$out"
exit "$rc"
