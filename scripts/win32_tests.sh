#!/usr/bin/env bash
# scripts/win32_tests.sh: the Win32 backends (PrimWin32, Win32Os) with real processes under Wine.
#
#   scripts/win32_tests.sh [DIR]          build tests/win32/ for mingw in DIR (default
#                                         build-win32), start Wine, ctest -L win32, stop Wine
#   scripts/win32_tests.sh build DIR      configure + build only (no Wine needed)
#   scripts/win32_tests.sh wine-start DIR start the wineserver and boot the prefix DIR/wineprefix
#   scripts/win32_tests.sh wine-stop DIR  stop that wineserver
#
# scripts/test.sh uses the three subcommands around its `win32` stage. The Wine prefix lives in
# the build tree (first start creates it, ~15 s). The wineserver and wineboot are started BEFORE
# ctest, with their output detached: Wine helper processes that inherit ctest's pipes make
# ctest hang. The caller must export the same WINEPREFIX / WINEDEBUG to ctest (the tests run
# through wine, CMAKE_CROSSCOMPILING_EMULATOR); `wine_env DIR` below prints them.
# Needs: g++-mingw-w64-x86-64 wine64 wine googletest (scripts/test.sh installs them).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=${JOBS:-$(nproc)}

wine_env() {  # the environment the tests need
  export WINEPREFIX="$1/wineprefix"
  export WINEDEBUG=-all,err+module  # -all alone would hide missing-DLL errors
  export WINEDLLOVERRIDES="mscoree,mshtml="  # no Mono / Gecko install prompts at first boot
}

do_build() {
  local dir=$1
  # A build tree configured from another source directory (the tests moved) is reconfigured
  # from scratch; the Wine prefix beside it is kept.
  if [ -f "$dir/CMakeCache.txt" ] &&
     ! grep -qx "CMAKE_HOME_DIRECTORY:INTERNAL=$root/tests/win32" "$dir/CMakeCache.txt"; then
    rm -rf "$dir/CMakeCache.txt" "$dir/CMakeFiles"
  fi
  cmake -S "$root/tests/win32" -B "$dir" -G Ninja \
    -DCMAKE_TOOLCHAIN_FILE="$root/tests/win32/toolchain-mingw.cmake" >/dev/null ||
    { echo "win32: configure failed" >&2; return 1; }
  ninja -C "$dir" -j"$jobs" >"$dir/build.log" 2>&1 ||
    { cat "$dir/build.log"; echo "win32: build failed" >&2; return 1; }
}

wine_start() {
  wine_env "$1"
  mkdir -p "$WINEPREFIX"
  wineserver -p </dev/null >/dev/null 2>&1 || true  # fails if one already runs: fine
  wine wineboot </dev/null >/dev/null 2>&1 || { echo "win32: wineboot failed" >&2; return 1; }
}

wine_stop() {
  wine_env "$1"
  wineserver -k </dev/null >/dev/null 2>&1
  wineserver -w </dev/null >/dev/null 2>&1
  return 0
}

case "${1:-}" in
  build) do_build "$2" ;;
  wine-start) wine_start "$2" ;;
  wine-stop) wine_stop "$2" ;;
  *)
    dir=${1:-$root/build-win32}
    do_build "$dir" || exit 1
    trap 'wine_stop "$dir"' EXIT
    wine_start "$dir" || exit 1
    ctest --test-dir "$dir" -L '^win32$' -j"$jobs" --output-on-failure
    ;;
esac
