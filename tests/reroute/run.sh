#!/bin/sh
# tests/reroute/run.sh: the differential test of the 13 rerouted file functions (see README.md).
#
#   run.sh PHP_BINARY EXT_SO        the corpus, PHP alone against PHP + wincache.so with its reroutes
#   run.sh --self-test PHP_BINARY   proves compare.php reports known differences and exits non-zero
#                                   (planted in a real recording), and that a real second run
#                                   which differs from PHP (realpath cache off) fails end to end
#
# For each SAPI (php CLI, then php-cgi -q) and each setting (plain, obd_rt, obd_ini) it builds a
# fresh fixture tree, runs corpus.php in a fresh process with
#     PHP_BINARY -n                                                          (the "php" run)
# rebuilds the tree at the same path, runs it again with
#     PHP_BINARY -n -d extension=EXT_SO -d wincache.enablecli=1 -d wincache.reroute_enabled=1
#                   -d wincache.fcenabled=1 -d wincache.namesalt=rrcorpus   (the "ext" run)
# (identical otherwise: same paths, same environment, same user), and compares the two
# recordings with compare.php. Exit 0 only if every pair is identical; 1 on a difference; 2 on a
# usage or setup error.
#
# As root, PHP runs as nobody:nogroup (setpriv) so that the permission cases mean something (root
# bypasses file modes); the scratch tree then belongs to nobody.
#
# Environment: PHP_CGI (default: php-cgi next to PHP_BINARY, else on PATH; none: the CGI runs are
# skipped with a SKIP line), WCR_SAPIS (default "cli cgi"), WCR_SETTINGS (default
# "plain obd_rt obd_ini"), WCR_MAX_DIFFS (differences printed per group, default 25, 0 = all),
# WCR_KEEP=1 (keep the scratch directory and print its path), WCR_SAVE=DIR (copy the recordings,
# <sapi>-<setting>-<php|ext>.jsonl, there), WCR_TMPDIR (where the scratch
# directory is made; default /dev/shm if writable, else TMPDIR or /tmp; it is removed at exit).
set -u

here=$(cd "$(dirname "$0")" && pwd -P)
usage() {
    echo "usage: $0 PHP_BINARY EXT_SO | $0 --self-test PHP_BINARY" >&2
    exit 2
}
selftest=0
if [ "${1:-}" = "--self-test" ]; then
    selftest=1
    shift
    [ $# -eq 1 ] || usage
    php=$1
    so=
else
    [ $# -eq 2 ] || usage
    php=$1
    so=$2
fi
case $php in */*) php=$(cd "$(dirname "$php")" && pwd -P)/$(basename "$php") ;; *) php=$(command -v "$php") || { echo "$0: no PHP binary $1" >&2; exit 2; } ;; esac
[ -x "$php" ] || { echo "$0: $php is not executable" >&2; exit 2; }
if [ $selftest -eq 0 ]; then
    [ -f "$so" ] || { echo "$0: no extension $so" >&2; exit 2; }
    so=$(cd "$(dirname "$so")" && pwd -P)/$(basename "$so")
fi

# php-cgi: PHP_CGI, or the php-cgi beside the CLI binary (php8.2 -> php-cgi8.2), or on PATH.
cgi=${PHP_CGI:-}
if [ -z "$cgi" ]; then
    base=$(basename "$php")
    for c in "$(dirname "$php")/php-cgi${base#php}" "$(dirname "$php")/php-cgi"; do
        if [ -x "$c" ]; then cgi=$c; break; fi
    done
    [ -n "$cgi" ] || cgi=$(command -v php-cgi 2>/dev/null || true)
fi

# The scratch trees are metadata-heavy (thousands of small files per run): on tmpfs when there
# is one.
if [ -n "${WCR_TMPDIR:-}" ]; then
    scratch_root=$WCR_TMPDIR
elif [ -d /dev/shm ] && [ -w /dev/shm ]; then
    scratch_root=/dev/shm
else
    scratch_root=${TMPDIR:-/tmp}
fi
work=$(mktemp -d "$scratch_root/wcr-reroute.XXXXXXXX") || exit 2
cleanup() {
    if [ "${WCR_KEEP:-0}" = 1 ]; then
        echo "kept: $work"
    else
        # The fixture has 0000 / 0555 modes in it: make it removable first.
        chmod -R u+rwX "$work" 2>/dev/null
        rm -rf "$work"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
chmod 755 "$work"
work=$(cd "$work" && pwd -P)
mkdir "$work/out"

# Who runs PHP.
runas=
if [ "$(id -u)" = 0 ]; then
    if command -v setpriv >/dev/null 2>&1 && id nobody >/dev/null 2>&1; then
        grp=$(id -gn nobody)
        runas="setpriv --reuid=nobody --regid=$grp --clear-groups"
        owner="nobody:$grp"
    else
        echo "WARN running as root (no setpriv or no user nobody): the permission cases see root's view"
    fi
fi
# The scripts and the module must be readable by that user; if not, run copies.
scripts=$here
if [ -n "$runas" ]; then
    if ! $runas test -r "$here/corpus.php" -a -r "$here/compare.php" || { [ -n "$so" ] && ! $runas test -r "$so"; }; then
        mkdir "$work/bin"
        cp "$here/corpus.php" "$here/compare.php" "$work/bin/"
        scripts=$work/bin
        if [ -n "$so" ]; then cp "$so" "$work/bin/wincache.so"; so=$work/bin/wincache.so; fi
        chmod -R a+rX "$work/bin"
        echo "note: $here is not readable by $owner: running copies from $work/bin"
    fi
fi

# Under scripts/sanitize.sh (WC_SANITIZED=1) every process inherits the ASan runtime through
# LD_PRELOAD, and PHP runs many times slower under it. Only the runs that load wincache.so need it:
# PHP alone (the "php" runs, the fixture builds) runs without it, with the rest of the same
# environment. The sanitized reroute_corpus: 551 s alone before, 245 s with this (2026-12-01).
plain=
if [ "${WC_SANITIZED:-0}" = 1 ]; then plain="env -u LD_PRELOAD"; fi

# fresh_tree: an empty scratch directory at the same path every time, owned by the runner.
fresh_tree() {
    if [ -e "$work/s" ]; then
        chmod -R u+rwX "$work/s" 2>/dev/null
        rm -rf "$work/s"
    fi
    mkdir "$work/s"
    if [ -n "$runas" ]; then chown "$owner" "$work/s"; fi
    (cd "$work/s" && WCR_SCRATCH=$work/s WCR_PHASE=build exec $plain $runas "$php" -n "$scripts/corpus.php") \
        >"$work/out/build.log" 2>&1 || { echo "ERROR fixture build failed:"; cat "$work/out/build.log"; exit 2; }
}

# run_corpus SAPI SETTING MODE OUTFILE
run_corpus() {
    rc_sapi=$1 rc_setting=$2 rc_mode=$3 rc_out=$4
    case $rc_sapi in
        cli) bin="$php -n" ;;
        # php-cgi's max_execution_time is 30 s of CPU (the CLI's is 0): the sanitized build's
        # longest run (cgi, obd_ini) came within reach of it on a slow VM and died half-way.
        # The corpus compares answers, not speed; a hang is ctest's TIMEOUT's to catch.
        cgi) bin="$cgi -n -q -d max_execution_time=0" ;;
    esac
    set --
    rc_plain=$plain
    if [ "$rc_mode" = ext ]; then
        rc_plain=
        set -- -d "extension=$so" -d wincache.enablecli=1 -d wincache.reroute_enabled=1 \
               -d wincache.fcenabled=1 -d wincache.namesalt=rrcorpus
    elif [ "$rc_mode" = fake ]; then
        # The self-test's stand-in for a wrong reroute: PHP with its realpath cache off answers
        # a few calls differently (it is fresher than PHP after an external change).
        set -- -d realpath_cache_size=0
    fi
    if [ "$rc_setting" = obd_ini ]; then
        set -- "$@" -d "open_basedir=$work/s/t/base:$scripts"
    fi
    (cd "$work/s" && WCR_SCRATCH=$work/s WCR_PHASE=run WCR_SETTING=$rc_setting \
        exec $rc_plain $runas $bin "$@" "$scripts/corpus.php") <"/dev/null" >"$rc_out" 2>"$rc_out.err"
    echo $? >"$rc_out.rc"
}

if [ $selftest -eq 1 ]; then
    # A real recording (PHP alone, CLI, plain), then compare.php against copies of it with known
    # differences (tests/reroute/selftest.php).
    fresh_tree
    run_corpus cli plain php "$work/out/base.jsonl"
    if [ "$(cat "$work/out/base.jsonl.rc")" != 0 ]; then
        echo "ERROR the corpus run failed (rc $(cat "$work/out/base.jsonl.rc")):"
        head -c 4000 "$work/out/base.jsonl.err"
        exit 2
    fi
    "$php" -n "$here/selftest.php" "$php" "$here/compare.php" "$work/out/base.jsonl" "$work/out"
    st=$?
    # End to end: the whole pipeline (fresh tree, run, compare) against a second run that differs
    # from PHP the way a cache that forgot PHP's realpath cache would. It must fail, on the
    # sequences where PHP's own answer is stale.
    fresh_tree
    run_corpus cli plain fake "$work/out/fake.jsonl"
    "$php" -n "$here/compare.php" --label fake --max-diffs 0 "$work/out/base.jsonl" "$work/out/fake.jsonl" \
        >"$work/out/fake.txt"
    frc=$?
    if [ $frc -eq 1 ] && grep -q '^FAIL fake seq' "$work/out/fake.txt" \
        && grep -q '^  DIFF seq/realpath/symlink_swap_external:' "$work/out/fake.txt" \
        && grep -q '^  DIFF seq/file_get_contents/symlink_swap_external:' "$work/out/fake.txt"; then
        echo "ok - end to end: a run with realpath_cache_size=0 fails ($(grep -c '^  DIFF' "$work/out/fake.txt") cases, the stale-realpath sequences among them)"
    else
        echo "not ok - end to end: a run with realpath_cache_size=0 must fail on symlink_swap_external (compare.php exit $frc):"
        head -60 "$work/out/fake.txt"
        st=1
    fi
    exit $st
fi

rc=0
total_calls=0
echo "reroute corpus: php=$php ext=$so"
[ -n "$runas" ] && echo "running PHP as $owner"
for sapi in ${WCR_SAPIS:-cli cgi}; do
    if [ "$sapi" = cgi ] && [ -z "$cgi" ]; then
        echo "SKIP cgi: no php-cgi (set PHP_CGI)"
        continue
    fi
    for setting in ${WCR_SETTINGS:-plain obd_rt obd_ini}; do
        for mode in php ext; do
            fresh_tree
            run_corpus "$sapi" "$setting" "$mode" "$work/out/$sapi-$setting-$mode.jsonl"
        done
        a=$work/out/$sapi-$setting-php.jsonl
        b=$work/out/$sapi-$setting-ext.jsonl
        echo "=== $sapi $setting"
        # Exit codes and stderr are part of the comparison.
        ra=$(cat "$a.rc") rb=$(cat "$b.rc")
        if [ "$ra" != "$rb" ]; then
            echo "FAIL $sapi/$setting exit-code (php $ra, ext $rb)"
            rc=1
        fi
        sed "s#$work/s#{S}#g" "$a.err" >"$a.err.n"
        sed "s#$work/s#{S}#g" "$b.err" >"$b.err.n"
        if ! cmp -s "$a.err.n" "$b.err.n"; then
            echo "FAIL $sapi/$setting stderr differs:"
            diff "$a.err.n" "$b.err.n" | head -40 | sed 's/^/  /'
            rc=1
        elif [ -s "$a.err.n" ]; then
            echo "note: both runs wrote to stderr:"
            head -20 "$a.err.n" | sed 's/^/  /'
        fi
        "$php" -n "$here/compare.php" --label "$sapi/$setting" --expect-ext --max-diffs "${WCR_MAX_DIFFS:-25}" "$a" "$b" \
            >"$work/out/cmp.txt"
        crc=$?
        cat "$work/out/cmp.txt"
        [ $crc -eq 0 ] || rc=1
    done
done

if [ -n "${WCR_SAVE:-}" ]; then
    mkdir -p "$WCR_SAVE" && cp "$work/out/"*.jsonl "$WCR_SAVE/" && echo "recordings saved in $WCR_SAVE"
fi

# Coverage and corpus size, from the PHP-alone recordings of each SAPI.
for sapi in ${WCR_SAPIS:-cli cgi}; do
    set -- "$work/out/$sapi-"*-php.jsonl
    [ -f "$1" ] || continue
    echo "=== coverage ($sapi, all settings)"
    "$php" -n "$here/compare.php" --summary "$@"
done
# How CLI and CGI differ (PHP alone): information for the reroutes, never a failure.
if [ -f "$work/out/cli-plain-php.jsonl" ] && [ -f "$work/out/cgi-plain-php.jsonl" ]; then
    echo "=== cli vs cgi (PHP alone, plain): cases where the SAPIs themselves differ"
    "$php" -n "$here/compare.php" --info --names cli,cgi --label cli-vs-cgi --max-diffs 3 \
        "$work/out/cli-plain-php.jsonl" "$work/out/cgi-plain-php.jsonl" | grep -v '^PASS'
fi
if [ $rc -eq 0 ]; then
    echo "reroute corpus: PASS (every call identical with and without the extension)"
else
    echo "reroute corpus: FAIL"
fi
exit $rc
