#!/usr/bin/env bash
# scripts/phpize_build.sh [DIR]: the extension built by PHP's own convention, from a scratch copy
# of extension/, core/ and prims/ (phpize writes its files into the source directory):
#   phpize && ./configure && make && make test
# DIR defaults to a new temporary directory; set SKIP_MAKE_TEST=1 to stop after make.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -ge 1 ]; then
  dir=$1
else
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
fi
mkdir -p "$dir"
cp -r "$root/extension" "$root/core" "$root/prims" "$dir/"
cd "$dir/extension"
phpize >/dev/null
./configure --enable-wincache >/dev/null
make -j"$(nproc)" >/dev/null
test -f modules/wincache.so
echo "phpize build: $dir/extension/modules/wincache.so"
if [ "${SKIP_MAKE_TEST:-0}" != 1 ]; then
  NO_INTERACTION=1 REPORT_EXIT_STATUS=1 make test TESTS="-q tests/" 2>&1 | tail -25
fi
