#!/bin/sh
# Run the library compatibility replays against a built extension.
#   tests/compat/run.sh /path/to/wincache.so
# Each script prints "ok N - ..." / "not ok N - ..." lines and exits 1 on any failure; this exits 1 if any script
# failed. Every script gets its own wincache.namesalt so that parallel runs (and phpt tests started by the same
# parent process) do not share, and clear, one another's user cache.
set -u
if [ $# -ne 1 ] || [ ! -f "$1" ]; then
    echo "usage: $0 <path-to-wincache.so>" >&2
    exit 2
fi
so=$1
case $so in /*) ;; *) so=$(pwd)/$so ;; esac
php=${PHP:-php}
dir=$(cd "$(dirname "$0")" && pwd)
failed=0
for pair in doctrine_wincache:cpdoctri yii_wincache:cpyiiwc moodle_wincache:cpmoodle drupal_wincache:cpdrupal; do
    name=${pair%%:*}
    salt=${pair#*:}
    echo "=== $name"
    if "$php" -d extension="$so" -d wincache.enablecli=1 -d wincache.namesalt="$salt" "$dir/$name.php"; then
        echo "=== $name: PASS"
    else
        echo "=== $name: FAIL"
        failed=1
    fi
done
exit $failed
