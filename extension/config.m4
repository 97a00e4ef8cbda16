dnl extension/config.m4: PHP's own build route for wincache (phpize && ./configure && make).
dnl The sources include ../core and ../prims relatively: build from a tree that keeps
dnl extension/, core/ and prims/ side by side (a clone of the repository, or
dnl scripts/phpize_build.sh, which copies them into a scratch directory first).
PHP_ARG_ENABLE([wincache],
  [whether to enable the wincache user cache],
  [AS_HELP_STRING([--enable-wincache], [Enable wincache (shared user cache and named locks)])],
  [yes])

if test "$PHP_WINCACHE" != "no"; then
  PHP_REQUIRE_CXX()
  PHP_CXX_COMPILE_STDCXX(17, mandatory, WINCACHE_STDCXX)
  PHP_ADD_LIBRARY(stdc++, 1, WINCACHE_SHARED_LIBADD)
  dnl hiredis (libhiredis-dev) for wincache.redis, when present; without it the feature
  dnl reports itself unavailable.
  AC_CHECK_HEADER([hiredis/hiredis.h], [
    AC_CHECK_LIB([hiredis], [redisConnectWithTimeout], [
      PHP_ADD_LIBRARY(hiredis, 1, WINCACHE_SHARED_LIBADD)
      AC_DEFINE([WINCACHE_HAVE_HIREDIS], [1], [hiredis is available: wincache.redis])
    ])
  ])
  PHP_SUBST(WINCACHE_SHARED_LIBADD)
  PHP_NEW_EXTENSION(wincache, wincache.cpp process.cpp ucache.cpp locks.cpp session.cpp session_redis.cpp redis.cpp ucache_redis.cpp near_listener.cpp extra.cpp info.cpp stats.cpp fcache.cpp rplist.cpp reroute.cpp watcher.cpp opcache.cpp codec.cpp buffers.cpp runtime.cpp zerocopy.cpp, $ext_shared, ,
                    [$WINCACHE_STDCXX -fno-strict-aliasing], cxx)
fi
