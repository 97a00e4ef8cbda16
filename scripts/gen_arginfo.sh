#!/usr/bin/env bash
# scripts/gen_arginfo.sh [OUT_DIR]: generate extension/wincache_arginfo.h from
# extension/wincache.stub.php with PHP's own build/gen_stub.php (php8.2-dev), offline.
#
# gen_stub.php downloads PHP-Parser 4.15.1 unless a folder PHP-Parser-4.15.1/lib/PhpParser sits
# beside it, so it runs from a scratch copy next to Debian's php-parser (/usr/share/php/PhpParser).
# Without OUT_DIR the header is written into extension/ (commit it); with OUT_DIR it is written
# there instead (tests/arginfo_current.sh compares the two).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
gen=${GEN_STUB:-$(ls /usr/lib/php/*/build/gen_stub.php 2>/dev/null | head -1)}
[ -f "$gen" ] || { echo "gen_arginfo: no build/gen_stub.php (apt-get install php8.2-dev)" >&2; exit 77; }
[ -d /usr/share/php/PhpParser ] || { echo "gen_arginfo: no /usr/share/php/PhpParser (apt-get install php-parser)" >&2; exit 77; }
php=${PHP_BINARY:-$(command -v php)}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp "$gen" "$scratch/gen_stub.php"
mkdir -p "$scratch/PHP-Parser-4.15.1/lib"
ln -s /usr/share/php/PhpParser "$scratch/PHP-Parser-4.15.1/lib/PhpParser"
cp "$root/extension/wincache.stub.php" "$scratch/"
"$php" "$scratch/gen_stub.php" -f "$scratch/wincache.stub.php" >/dev/null
out=${1:-$root/extension}
cp "$scratch/wincache_arginfo.h" "$out/wincache_arginfo.h"
echo "gen_arginfo: $out/wincache_arginfo.h"
