#!/usr/bin/env bash
# scripts/win32_glue.sh: the PHP glue compiles and links for x86_64 Windows (stage win32glue).
#
#   scripts/win32_glue.sh [DIR]     DIR: the work directory (default build/win32glue)
#   WIN32_TESTS=0 scripts/win32_glue.sh   prints a SKIP line and exits 77
#
# The shipped DLL is built by PHP's Windows build (extension/config.w32, MSVC), which this machine
# cannot run. This check does the nearest thing it can:
#   1. PHP 8.2's own Windows headers: Debian's php8.2 source package (`apt-get source php8.2`, with
#      a `Types: deb-src` entry mirroring the Debian `deb` entries), cached in DIR/php-src.
#   2. A prepared include tree in DIR/php-win32 laid out like PHP's devel pack (main/, Zend/,
#      TSRM/, win32/, ext/, sapi/), with main/config.w32.h generated as configure.js does for an
#      NTS x64 build, and the few mingw-w64 workarounds kept apart in mingw/ (see prepare_headers).
#   3. Every extension/*.cpp (and through them core/ and prims/prim_win32.hpp, win32_os.hpp)
#      compiled with x86_64-w64-mingw32-g++-posix -std=c++17 and the defines PHP's build passes
#      to a shared NTS release extension (see compile_flags); PHP's headers as system headers,
#      ours with -Wall -Wextra.
#   4. php8.def: exactly the php8.dll symbols the objects import: the `__imp_` references nm
#      lists that the Windows import libraries PHP links every extension with do not resolve.
#      ZEND_FASTCALL functions carry their MSVC export name (name@@N, see write_def); data is DATA.
#      x86_64-w64-mingw32-dlltool makes libphp8.a from it.
#   5. php_wincache.dll linked from config.w32's source list against libphp8.a; its import table
#      must name php8.dll's symbols exactly as the .def does and only Windows system DLLs beside
#      it, and its only export must be get_module.
# Fails if a file does not compile, if an object references a symbol that neither php8.dll nor
# Windows provides (a POSIX-only call; libwinpthread's POSIX layer counts as not Windows), if
# config.w32 lists another set of sources than extension/*.cpp, or if the link fails.
# Prints PASS/FAIL per check, the imported PHP symbols, and a last line "win32glue: ...".
#
# Needs (installs as root if missing): g++-mingw-w64-x86-64, dpkg-dev; a deb-src entry and
# network access on the first run only.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/build/win32glue}
jobs=${JOBS:-$(nproc)}

if [ "${WIN32_TESTS:-1}" = 0 ]; then
  echo "SKIP win32glue: WIN32_TESTS=0"
  exit 77
fi

t_start=$SECONDS
CXX=x86_64-w64-mingw32-g++-posix
NM=x86_64-w64-mingw32-nm
DLLTOOL=x86_64-w64-mingw32-dlltool
OBJDUMP=x86_64-w64-mingw32-objdump

# shellcheck source=packages.sh
. "$root/scripts/packages.sh"
ensure_packages win32_glue.sh g++-mingw-w64-x86-64 dpkg-dev

n_pass=0
n_fail=0
pass() { echo "PASS $*"; n_pass=$((n_pass + 1)); }
fail() { echo "FAIL $*"; n_fail=$((n_fail + 1)); }
finish() {  # finish NOTE: the last line, and the exit code
  echo "win32glue: $n_pass passed, $n_fail failed${1:+ ($1)}; $((SECONDS - t_start)) s"
  [ "$n_fail" = 0 ]
  exit
}

mkdir -p "$out"
out=$(cd "$out" && pwd)

# ---- 1. PHP's sources (cached) ----------------------------------------------------------------
src_cache=$out/php-src
# A deb-src entry mirroring the `deb` entries of this Debian release (same URIs, suites,
# components, keys), unless apt already knows php8.2's source.
ensure_deb_src() {
  local known
  known=$(apt-cache showsrc php8.2 2>/dev/null | grep -c '^Version:')
  [ "${known:-0}" != 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "win32_glue.sh: no deb-src entry for php8.2 and not root: add one (Types: deb-src) or run as root" >&2
    return 1
  fi
  local codename list=/etc/apt/sources.list.d/wincache-deb-src.sources f
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
  : >"$list.tmp"
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && [ "$f" != "$list" ] || continue
    # deb822 stanzas of type deb for this release -> the same stanza as deb-src.
    awk -v rel="$codename" 'BEGIN { RS = ""; ORS = "\n\n" }
      /(^|\n)Types:[^\n]*deb([ \t\n]|$)/ && /(^|\n)Suites:[^\n]*/ && $0 ~ ("Suites:[^\n]*" rel) &&
      !/(^|\n)Enabled:[ \t]*no/ {
        n = split($0, l, "\n"); s = ""
        for (i = 1; i <= n; i++) {
          if (l[i] ~ /^#/ || l[i] ~ /^Architectures:/) continue
          if (l[i] ~ /^Types:/) l[i] = "Types: deb-src"
          s = s l[i] "\n"
        }
        printf "%s\n", s
      }' "$f" >>"$list.tmp"
  done
  if [ -f /etc/apt/sources.list ]; then  # one-line format
    sed -nE "s/^deb(\s+\[[^]]*\])?\s+(\S+)\s+(\S*$codename\S*)\s+(.*)$/Types: deb-src\nURIs: \2\nSuites: \3\nComponents: \4\n/p" \
      /etc/apt/sources.list >>"$list.tmp"
  fi
  if ! [ -s "$list.tmp" ]; then
    rm -f "$list.tmp"
    echo "win32_glue.sh: no Debian $codename deb entry to mirror as deb-src" >&2
    return 1
  fi
  mv "$list.tmp" "$list"
  echo "win32_glue.sh: added $list; apt-get update"
  apt-get update -qq >/dev/null 2>&1 || echo "win32_glue.sh: apt-get update reported errors" >&2
}

# apt-get source php8.2 into $src_cache, newest version first: the security pool's source is not
# always served (then the release's own version is taken). Reruns reuse the tree.
fetch_source() {
  if [ -f "$src_cache/tree" ] && [ -d "$(cat "$src_cache/tree")/win32/build" ]; then return 0; fi
  ensure_deb_src || return 1
  local v dir
  for v in $(apt-cache showsrc php8.2 | sed -n 's/^Version: //p' | sort -u -V -r); do
    rm -rf "$src_cache"
    mkdir -p "$src_cache"
    if (cd "$src_cache" && apt-get source -qq "php8.2=$v" >fetch.log 2>&1); then
      dir=$(find "$src_cache" -mindepth 1 -maxdepth 1 -type d -name 'php8.2-*' | head -1)
      if [ -n "$dir" ] && [ -f "$dir/win32/build/config.w32.h.in" ]; then
        # Keep what the check reads: ext/ holds 158 of the tree's 206 MB, mostly sources.
        find "$dir/ext" -type f ! -name '*.h' ! -name 'config.w32' -delete
        rm -f "$src_cache"/*.tar.* "$src_cache"/*.dsc
        echo "$v" >"$src_cache/version"
        echo "$dir" >"$src_cache/tree"
        return 0
      fi
    fi
    echo "win32_glue.sh: apt-get source php8.2=$v failed ($(grep -m1 '^E:' "$src_cache/fetch.log" | cut -c1-100)...; the security pool's source is not always served): trying the next older version" >&2
  done
  echo "win32_glue.sh: could not fetch php8.2's source package" >&2
  return 1
}

# ---- 2. the prepared headers (cached) ---------------------------------------------------------
inc=$out/php-win32
# What PHP's Windows build generates, and the mingw-w64 workarounds. Only main/config.w32.h is
# generated for the headers the glue reads: Zend/zend_config.w32.h is a source file;
# main/php_config.h, main/build-defs.h and Zend/zend_config.h are the autoconf (Unix) headers,
# never read under PHP_WIN32. Everything else is copied verbatim.
prepare_headers() {
  local tree=$1 stamp
  stamp="$(cat "$src_cache/version") $(sha256sum "$0" | cut -c1-16)"
  if [ -f "$inc/stamp" ] && [ "$(cat "$inc/stamp")" = "$stamp" ]; then return 0; fi
  rm -rf "$inc"
  mkdir -p "$inc/mingw"
  # The devel pack's layout: every header of main/, Zend/, TSRM/, win32/, ext/, sapi/.
  (cd "$tree" && find main Zend TSRM win32 ext sapi -name '*.h' -print0 |
    xargs -0 cp --parents -t "$inc") || return 1

  # main/config.w32.h as configure.js's generate_config_h() writes it: the template with
  # @PREFIX@ replaced (default prefix C:\php, backslashes doubled), then the AC_DEFINEs of
  # the configure scripts in a build of the core (NTS, x64, release, VS16 = Visual C++ 2019,
  # the toolset of official PHP 8.2 builds):
  #   win32/build/confutils.js  PHP_BUILD_SYSTEM, CONFIGURE_COMMAND, PHP_BUILD_COMPILER,
  #                             PHP_COMPILER_ID (goes into the module's build id,
  #                             "API20220829,NTS,VS16", which php.exe compares when loading),
  #                             PHP_BUILD_ARCH, PHP_LINKER_MAJOR/MINOR, and the default
  #                             intrinsics (sse2: __SSE__, __SSE2__, also predefined by gcc)
  #   win32/build/config.w32    HAVE_STRNLEN, HAVE_GAI_STRERROR, HAVE_IPV6 (ipv6 is on by default)
  #   ext/standard, date, pcre, hash config.w32 (always built): PHP_CONFIG_FILE_SCAN_DIR,
  #                             PHP_USE_PHP_CRYPT_R, HAVE_TIMELIB_CONFIG_H, HAVE_BUNDLED_PCRE,
  #                             PCRE2_CODE_UNIT_WIDTH, PCRE2_STATIC, HAVE_PCRE_JIT_SUPPORT,
  #                             PHP_MHASH_BC
  # No ZTS: NTS (config.w32 refuses ZTS); configure.js puts ZTS in CFLAGS, not in this file.
  {
    sed 's/@PREFIX@/C:\\\\php/g' "$tree/win32/build/config.w32.h.in"
    cat <<'EOF'

/* values determined by configure.js */

/* Windows build system version */
#define PHP_BUILD_SYSTEM "Microsoft Windows Server 2019 Datacenter [10.0.17763]"

/* Configure line */
#define CONFIGURE_COMMAND "cscript /nologo /e:jscript configure.js  \"--disable-zts\" \"--enable-wincache=shared\""

/* Detected compiler version */
#define PHP_BUILD_COMPILER "Visual C++ 2019"

/* Compiler compatibility ID */
#define PHP_COMPILER_ID "VS16"

/* Detected compiler architecture */
#define PHP_BUILD_ARCH "x64"

/* Linker major version */
#define PHP_LINKER_MAJOR 14

/* Linker minor version */
#define PHP_LINKER_MINOR 29

#define __SSE__ 1

#define __SSE2__ 1

#define HAVE_STRNLEN 1

#define HAVE_GAI_STRERROR 1

#define HAVE_IPV6 1

#define PHP_CONFIG_FILE_SCAN_DIR ""

#define PHP_USE_PHP_CRYPT_R 1

/* Have timelib_config.h */
#define HAVE_TIMELIB_CONFIG_H 1

/* Using bundled PCRE library */
#define HAVE_BUNDLED_PCRE 1

/* Have PCRE library */
#define PCRE2_CODE_UNIT_WIDTH 8

#define PCRE2_STATIC 1

/* PCRE library */
#define HAVE_PCRE_JIT_SUPPORT 1

#define PHP_MHASH_BC 1

#if __has_include("main/config.pickle.h")
#include "main/config.pickle.h"
#endif
EOF
  } >"$inc/main/config.w32.h"

  # mingw-w64 workarounds. PHP's headers are not edited; what they need from MSVC and what
  # mingw-w64 does differently is supplied here (each item: the file and line of PHP 8.2.32):
  #
  # (a) main/streams/php_stream_transport.h:19 includes <Ws2tcpip.h> (and other headers
  #     <Winsock2.h>): Windows file names are case-insensitive, mingw-w64 ships them in lower
  #     case on a case-sensitive file system. Case aliases, searched last (-idirafter).
  echo '#include <ws2tcpip.h>' >"$inc/mingw/Ws2tcpip.h"
  echo '#include <winsock2.h>' >"$inc/mingw/Winsock2.h"
  # (b) force-included before everything (-include), so that it precedes the first system header:
  cat >"$inc/mingw/msvc_compat.h" <<'EOF'
/* Force-included by scripts/win32_glue.sh: what PHP's Windows headers take from MSVC that
 * mingw-w64 (GCC) lacks or does differently. Not part of PHP; not used by the shipped build. */
#pragma once

/* main/php.h:95 declares `typedef int pid_t;` (MSVC's CRT has no pid_t). mingw-w64's
 * <sys/types.h> declares pid_t as __int64 on Win64: a conflicting declaration. Keep PHP's
 * (the type php8.dll was built with): mingw's typedef is guarded by _PID_T_. */
#define _PID_T_
typedef int _pid_t;
typedef int pid_t;

/* Zend/zend_portability.h:90 takes `defined(ZEND_WIN32) && !defined(__clang__)` to mean MSVC
 * and defines ZEND_ASSUME(c) as __assume(c), an MSVC keyword GCC does not have. */
#define __assume(c) do { if (!(c)) __builtin_unreachable(); } while (0)

/* Zend/zend_atomic.h:58-61 maps InterlockedExchange8 to the MSVC intrinsic
 * _InterlockedExchange8, which mingw-w64's <intrin.h> (v10) does not declare (it has
 * _InterlockedOr8). The intrinsic is a full-barrier exchange. */
#ifdef __cplusplus
extern "C" {
#endif
static __inline__ char _InterlockedExchange8(char volatile *p, char v) {
  return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);
}
#ifdef __cplusplus
}
#endif
EOF
  # (c) used only to find php8.dll's export names (write_def), never to compile the glue:
  #     Zend/zend_portability.h:294 defines ZEND_FASTCALL as __vectorcall for MSVC only; GCC
  #     has no __vectorcall, so under mingw it is empty. The marker shows which imports are
  #     ZEND_FASTCALL in a preprocessed probe.
  cat >"$inc/mingw/fastcall_marker.h" <<'EOF'
#undef ZEND_FASTCALL
#define ZEND_FASTCALL __wincache_zend_fastcall__
EOF
  echo "$stamp" >"$inc/stamp"
}

# ---- 3. compile -------------------------------------------------------------------------------
# config.w32's own flags: its /D defines, its libraries.
w32=$root/extension/config.w32
w32_sources=$(sed -nE 's/.*EXTENSION\("wincache", *"([^"]*)".*/\1/p' "$w32")
w32_defines=$(sed -nE '/EXTENSION\("wincache"/,/\);/p' "$w32" | grep -oE '/D *[A-Za-z0-9_]+(=[^ "]*)?' |
  sed -E 's|^/D *|-D|')
w32_libs=$(sed -nE 's/.*ADD_FLAG\("LIBS_WINCACHE", *"([^"]*)".*/\1/p' "$w32" |
  tr ' ' '\n' | sed -nE 's/^(.*)\.lib$/-l\1/p' | tr 'A-Z\n' 'a-z ' | sed 's/ $//')
# Libraries PHP's build links every module with (confutils.js toolset_setup_common_libs).
php_libs="-lkernel32 -lole32 -luser32 -ladvapi32 -lshell32 -lws2_32 -ldnsapi -lpsapi -lbcrypt"

# The defines PHP's Windows build passes to a shared extension, NTS, release (confutils.js):
#   toolset_setup_common_cflags: _WINDOWS WINDOWS=1 ZEND_WIN32=1 PHP_WIN32=1 WIN32 _MBCS
#                                _USE_MATH_DEFINES
#   toolset_setup_build_mode:    NDebug NDEBUG ZEND_DEBUG=0 (and /Ox: -O2 here)
#   win32/build/config.w32:      FD_SETSIZE=256 (--enable-fd-setsize's default)
#   EXTENSION(..., shared):      ZEND_COMPILE_DL_EXT=1 COMPILE_DL_WINCACHE WINCACHE_EXPORTS=1
#   BASE_INCLUDES (phpize):      the devel pack's include, main, Zend, TSRM, ext
#   config.w32's cflags:         /std:c++17 -> -std=c++17; /EHsc is g++'s default; its /D's
compile_flags() {
  echo -std=c++17 -O2 -D_WINDOWS -DWINDOWS=1 -DZEND_WIN32=1 -DPHP_WIN32=1 -DWIN32 -D_MBCS \
    -D_USE_MATH_DEFINES -DNDebug -DNDEBUG -DZEND_DEBUG=0 -DFD_SETSIZE=256 \
    -DZEND_COMPILE_DL_EXT=1 -DCOMPILE_DL_WINCACHE -DWINCACHE_EXPORTS=1 $w32_defines \
    -isystem "$inc" -isystem "$inc/main" -isystem "$inc/Zend" -isystem "$inc/TSRM" \
    -isystem "$inc/ext" -idirafter "$inc/mingw" -include "$inc/mingw/msvc_compat.h"
}

compile_all() {
  local objdir=$out/obj f name running=0
  rm -rf "$objdir"
  mkdir -p "$objdir"
  # shellcheck disable=SC2046
  for f in "$root"/extension/*.cpp; do
    name=$(basename "$f" .cpp)
    (
      t0=$(date +%s.%N)
      $CXX $(compile_flags) -Wall -Wextra -Wno-missing-field-initializers -fno-strict-aliasing \
        -c "$f" -o "$objdir/$name.o" >"$objdir/$name.log" 2>&1
      echo $? >"$objdir/$name.rc"
      echo "$(date +%s.%N) $t0" | awk '{printf "%.1f", $1 - $2}' >"$objdir/$name.time"
    ) &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
      wait -n
      running=$((running - 1))
    fi
  done
  wait
  for f in "$root"/extension/*.cpp; do
    name=$(basename "$f" .cpp)
    local warnings
    warnings=$(grep -c 'warning:' "$objdir/$name.log")
    if [ "$(cat "$objdir/$name.rc")" = 0 ]; then
      pass "compile extension/$name.cpp ($(cat "$objdir/$name.time") s, $warnings warnings)"
      [ "$warnings" = 0 ] || sed 's/^/    /' "$objdir/$name.log"
    else
      fail "compile extension/$name.cpp"
      sed 's/^/    /' "$objdir/$name.log" | head -60
    fi
  done
}

# ---- 4. the .def of php8.dll's symbols --------------------------------------------------------
# The PHP headers the glue includes (quoted includes of extension/ found in the prepared tree):
# the probe and the helper below include the same ones, php.h first.
php_headers() {
  local h d
  echo php.h
  grep -ho '#include "[^"]*"' "$root"/extension/*.cpp "$root"/extension/*.hpp "$root"/extension/*.h |
    sed 's/#include "\(.*\)"/\1/' | sort -u | while read -r h; do
    [ "$h" = php.h ] && continue
    for d in "$inc" "$inc/main" "$inc/Zend" "$inc/TSRM" "$inc/ext"; do
      if [ -f "$d/$h" ]; then echo "$h"; break; fi
    done
  done
}

# php8.def lists the imports by the names MSVC's php8.dll exports them under:
#   - plain functions and data (__cdecl on x64): undecorated; data marked DATA (no thunk);
#   - ZEND_FASTCALL functions are __vectorcall in the MSVC build, exported decorated as
#     name@@N, N = 8 bytes per parameter on x64 (php8.dll exports e.g. zend_hash_find@@16).
#     GCC has no __vectorcall (gcc bug 89485), so the objects call them by the plain name with
#     the Microsoft x64 convention; the .def maps the plain name to the decorated export
#     (`name == name@@N`). For integer, pointer and scalar floating parameters in the first
#     four positions the two conventions pass arguments and results in the same registers; the
#     helper refuses (static_assert) any FASTCALL import with a non-scalar parameter or result,
#     or a floating-point parameter beyond the fourth (__vectorcall puts those in XMM4/XMM5).
write_def() {
  local work=$out/imports
  rm -rf "$work"
  mkdir -p "$work"
  local objs=("$out"/obj/*.o)
  # (i) undefined symbols of the objects
  "$NM" -u "${objs[@]}" | awk 'NF >= 2 {print $NF}' | sort -u >"$work/undefined.txt"
  # (ii) what the Windows import libraries and the toolchain leave unresolved: a probe link
  #      without php8.dll. Each must be an __imp_ reference (a PHPAPI/ZEND_API declaration).
  $CXX -shared -static -static-libgcc -static-libstdc++ -o "$work/probe.dll" "${objs[@]}" \
    $w32_libs $php_libs >"$work/probe.log" 2>&1
  grep -oE "undefined reference to \`[^']+'" "$work/probe.log" |
    sed -E "s/undefined reference to \`(.*)'/\1/" | sort -u >"$work/unresolved.txt"
  grep -v '^__imp_' "$work/unresolved.txt" >"$work/not_imported.txt"
  comm -12 "$work/undefined.txt" "$work/unresolved.txt" | sed -n 's/^__imp_//p' >"$work/imports.txt"
  if [ -s "$work/not_imported.txt" ]; then
    fail "imports: symbols neither Windows nor a PHPAPI/ZEND_API declaration provides (POSIX-only code?):"
    sed 's/^/    /' "$work/not_imported.txt"
  fi
  if [ ! -s "$work/imports.txt" ]; then
    fail "imports: no php8.dll symbol found (probe link: $work/probe.log)"
    return 1
  fi
  # (iii) references only mingw-w64's POSIX layer (libwinpthread) resolves: the MSVC build has
  #       no such library. pthread_*/sched_* come from libstdc++'s own thread support (-posix).
  local wp
  wp=$($CXX -print-file-name=libwinpthread.a)
  "$NM" --defined-only "$wp" 2>/dev/null | awk '$2 ~ /^[TDBR]$/ {print $3}' | sort -u >"$work/winpthread.txt"
  comm -12 "$work/undefined.txt" "$work/winpthread.txt" | grep -vE '^(pthread_|sched_)' >"$work/posix.txt"
  if [ -s "$work/posix.txt" ]; then
    fail "imports: POSIX functions (resolved only by mingw-w64's libwinpthread, absent under MSVC):"
    for s in $(cat "$work/posix.txt"); do
      echo "    $s: referenced by $(cd "$out/obj" && "$NM" -u -A ./*.o | grep -w "$s" | sed 's|^\./\([^:]*\):.*|\1|' | tr '\n' ' ')"
    done
  fi

  # (iv) which imports are ZEND_FASTCALL: a preprocessed probe with the marker.
  local flags
  flags=$(compile_flags)
  { echo 'extern "C" {'; php_headers | sed 's/.*/#include "&"/'; echo '}'; } >"$work/probe.cpp"
  # shellcheck disable=SC2086
  $CXX $flags -include "$inc/Zend/zend_portability.h" -include "$inc/mingw/fastcall_marker.h" \
    -E -P "$work/probe.cpp" -o "$work/probe.i" 2>"$work/probe_e.log" ||
    { fail "imports: preprocessing the FASTCALL probe"; cat "$work/probe_e.log"; return 1; }
  tr '\n' ' ' <"$work/probe.i" | grep -oE '__wincache_zend_fastcall__ +[A-Za-z_][A-Za-z0-9_]* *\(' |
    awk '{print $2}' | tr -d '(' | sort -u >"$work/fastcall_all.txt"
  comm -12 "$work/imports.txt" "$work/fastcall_all.txt" >"$work/fastcall.txt"

  # (v) kind and parameter bytes of each import, from its declaration: a helper compiled to
  #     assembly, one constant per import (bytes + kind; kind 1 data, 2 function, 3 variadic).
  {
    cat "$work/probe.cpp"
    cat <<'EOF'
#include <cstddef>
#include <type_traits>
namespace wincache_glue {
template <class T> struct Sig { static constexpr std::size_t size = 1; };
template <class R, class... A> struct Sig<R(A...)> {
  static constexpr std::size_t size = 8 * sizeof...(A) + 2;
  template <class... B> static constexpr bool no_late_float() {
    std::size_t i = 0;
    bool ok = true;
    ((ok = ok && !(i++ >= 4 && std::is_floating_point<B>::value)), ...);
    return ok;
  }
  static constexpr bool vectorcall_safe = (std::is_void<R>::value || std::is_scalar<R>::value) &&
                                          (std::is_scalar<A>::value && ...) && no_late_float<A...>();
};
template <class R, class... A> struct Sig<R(A..., ...)> {
  static constexpr std::size_t size = 8 * sizeof...(A) + 3;
  static constexpr bool vectorcall_safe = false;
};
}  // namespace wincache_glue
#define WC_IMPORT(name) \
  extern "C" const unsigned wincache_sig_##name = wincache_glue::Sig<decltype(name)>::size;
#define WC_FASTCALL(name) \
  WC_IMPORT(name) \
  static_assert(wincache_glue::Sig<decltype(name)>::vectorcall_safe, \
                #name ": ZEND_FASTCALL (__vectorcall in php8.dll) with a parameter or result " \
                "that __vectorcall passes differently from the Microsoft x64 convention");
EOF
    while read -r s; do
      if grep -qx "$s" "$work/fastcall.txt"; then echo "WC_FASTCALL($s)"; else echo "WC_IMPORT($s)"; fi
    done <"$work/imports.txt"
  } >"$work/helper.cpp"
  # shellcheck disable=SC2086
  $CXX $flags -Wno-ignored-attributes -S "$work/helper.cpp" -o "$work/helper.s" \
    >"$work/helper.log" 2>&1 ||
    { fail "imports: the declaration helper"; sed 's/^/    /' "$work/helper.log" | head -40; return 1; }

  local name size kind bytes n_fast=0 n_data=0
  {
    echo "; php8.dll symbols imported by php_wincache.dll (generated by scripts/win32_glue.sh)"
    echo "LIBRARY php8.dll"
    echo "EXPORTS"
    awk '/^wincache_sig_[A-Za-z0-9_]*:$/ { sub(":", ""); name = $1; next }
         name != "" && $1 == ".long" { print substr(name, 14), $2; name = "" }' "$work/helper.s" |
      sort | while read -r name size; do
      kind=$((size % 8))
      bytes=$((size - kind))
      if [ "$kind" = 1 ]; then
        echo "  $name DATA"
      elif grep -qx "$name" "$work/fastcall.txt"; then
        echo "  $name == $name@@$bytes"
      else
        echo "  $name"
      fi
    done
  } >"$out/php8.def"
  n_fast=$(grep -c '==' "$out/php8.def")
  n_data=$(grep -c ' DATA$' "$out/php8.def")
  local n_def n_imp
  n_def=$(grep -cE '^  ' "$out/php8.def")
  n_imp=$(wc -l <"$work/imports.txt")
  if [ "$n_def" != "$n_imp" ]; then
    fail "php8.def: $n_def entries for $n_imp imported symbols"
    return 1
  fi
  if "$DLLTOOL" -d "$out/php8.def" -l "$out/libphp8.a" -D php8.dll 2>"$work/dlltool.log"; then
    pass "php8.def + libphp8.a: $n_imp php8.dll symbols ($n_fast ZEND_FASTCALL as name@@N, $n_data data)"
  else
    fail "dlltool"
    cat "$work/dlltool.log"
    return 1
  fi
}

# ---- 5. link and look at the DLL --------------------------------------------------------------
link_dll() {
  local objs=() f dll=$out/php_wincache.dll
  for f in $w32_sources; do objs+=("$out/obj/${f%.cpp}.o"); done
  rm -f "$dll"
  # shellcheck disable=SC2086
  if ! $CXX -shared -static -static-libgcc -static-libstdc++ -o "$dll" "${objs[@]}" \
    "$out/libphp8.a" $w32_libs $php_libs >"$out/link.log" 2>&1; then
    fail "link php_wincache.dll"
    sed 's/^/    /' "$out/link.log" | head -40
    return 1
  fi
  pass "link php_wincache.dll ($(($(stat -c %s "$dll") / 1024)) KiB) from config.w32's ${#objs[@]} sources, against libphp8.a $w32_libs"

  "$OBJDUMP" -p "$dll" >"$out/dll.txt"
  awk '/DLL Name:/ {dll = $3} /^\t[0-9a-f]+\t +[0-9]+  / && dll != "" {print dll, $3}' \
    "$out/dll.txt" >"$out/dll_imports.txt"
  local want got others exports
  want=$(sed -nE 's/^  ([^ ]+) == ([^ ]+)$/\2/p; s/^  ([^ =]+)( DATA)?$/\1/p' "$out/php8.def" | sort)
  got=$(awk '$1 == "php8.dll" {print $2}' "$out/dll_imports.txt" | sort)
  others=$(awk '$1 != "php8.dll" {print $1}' "$out/dll_imports.txt" | sort -u | tr '\n' ' ')
  exports=$(sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$/p' "$out/dll.txt" | sed -nE 's/^\s+\[ *[0-9]+\] (.*)$/\1/p' |
    tr '\n' ' ')
  local ok=1
  if [ "$want" != "$got" ]; then
    ok=0
    echo "    php8.dll imports differ from php8.def:"
    diff <(echo "$want") <(echo "$got") | sed 's/^/    /'
  fi
  # Beside php8.dll, only Windows' own DLLs: no libstdc++/libgcc/winpthread DLL to ship.
  local d
  for d in $others; do
    case $(echo "$d" | tr 'A-Z' 'a-z') in
      kernel32.dll | advapi32.dll | msvcrt.dll | user32.dll | ole32.dll | shell32.dll | ws2_32.dll | \
        dnsapi.dll | psapi.dll | bcrypt.dll | ntdll.dll | api-ms-win-*) ;;
      *) ok=0; echo "    imports a DLL that is not part of Windows: $d" ;;
    esac
  done
  if [ "$exports" != "get_module " ]; then ok=0; echo "    exports: $exports(want get_module only)"; fi
  if [ "$ok" = 1 ]; then
    pass "php_wincache.dll: exports get_module; imports $(echo "$got" | wc -l) symbols from php8.dll (= php8.def), and $others"
  else
    fail "php_wincache.dll's import/export tables"
  fi
}

# ---- run --------------------------------------------------------------------------------------
echo "== win32glue: the glue for x86_64 Windows with mingw-w64 against PHP 8.2's Windows headers ($out)"
t0=$SECONDS
if ! fetch_source; then
  fail "PHP's source package (apt-get source php8.2)"
  finish "no PHP headers"
fi
tree=$(cat "$src_cache/tree")
if ! prepare_headers "$tree"; then
  fail "prepare the headers"
  finish
fi
echo "headers: PHP $(sed -n 's/.*PHP_VERSION "\(.*\)"/\1/p' "$tree/main/php_version.h") from Debian's php8.2 $(cat "$src_cache/version") source package, prepared in $inc ($((SECONDS - t0)) s)"

# config.w32's sources and extension/*.cpp are the same set (PHP's build links config.w32's).
listed=$(echo "$w32_sources" | tr ' ' '\n' | sed '/^$/d' | sort)
present=$(cd "$root/extension" && ls ./*.cpp | sed 's|^\./||' | sort)
if [ "$listed" = "$present" ]; then
  pass "config.w32 lists every extension/*.cpp ($(echo "$listed" | wc -l) files)"
else
  fail "config.w32's EXTENSION() sources differ from extension/*.cpp:"
  diff <(echo "$listed") <(echo "$present") | sed -n 's/^</    only in config.w32:/p; s/^>/    not in config.w32:/p'
fi

t0=$SECONDS
compile_all
echo "compiled in $((SECONDS - t0)) s ($jobs jobs)"
if [ "$n_fail" != 0 ]; then finish "compile failed: nothing linked"; fi

if write_def; then
  link_dll
  echo "php8.dll symbols the glue imports (php8.def, as php8.dll exports them):"
  awk '$1 != "" && $1 !~ /^(;|LIBRARY|EXPORTS)/ { print ($2 == "==" ? $3 : $2 == "DATA" ? $1 " (data)" : $1) }' "$out/php8.def" |
    paste - - - | awk -F'\t' '{ printf "  %-38s %-38s %s\n", $1, $2, $3 }'
fi
n_imports=$(grep -cE '^  ' "$out/php8.def" 2>/dev/null)
finish "$(ls "$root"/extension/*.cpp | wc -l) sources, ${n_imports:-0} php8.dll imports"
