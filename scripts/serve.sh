#!/usr/bin/env bash
# scripts/serve.sh: build wincache.so and serve demo/ with nginx + a php-fpm static pool of 4
# workers that share one cache, in the foreground. Ctrl-C (or SIGTERM) stops everything it
# started, by pid, and leaves nothing in /dev/shm.
#
#   scripts/serve.sh                    as root on a fresh Debian 12: installs what is missing
#   PORT=9000 scripts/serve.sh          another port (default 8080, 127.0.0.1 only)
#   BUILD_DIR=/tmp/b scripts/serve.sh   another build directory (default <repo>/build)
#   WORKERS=8 WINCACHE_NAMESALT=demo1234 UCACHESIZE=16 scripts/serve.sh
#   WINCACHE_SO=/path/wincache.so scripts/serve.sh   skip the build, serve with that module
#   STATS_PASSWORD=secret scripts/serve.sh   /wincache.php asks for user wincache and this
#                                       password (default: localhost-only access, no password)
#   WINCACHE_PAGE_PASSWORD_HASH='$2y$10$...' scripts/serve.sh   the same with a ready hash
#
# The statistics page web/wincache.php is served at /wincache.php beside the demo.
# Generated configuration and logs: $BUILD_DIR/serve/ (nginx.conf, php-fpm.conf, logs/).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
port=${PORT:-8080}
workers=${WORKERS:-4}
salt=${WINCACHE_NAMESALT:-}
ucachesize=${UCACHESIZE:-8}
serve=$build/serve
say() { echo "serve.sh: $*"; }
die() { echo "serve.sh: $*" >&2; exit 1; }

# --- packages ---------------------------------------------------------------------------------
packages=(php8.2-cli php8.2-fpm nginx)
[ -n "${WINCACHE_SO:-}" ] || packages+=(php8.2-dev cmake ninja-build g++)
# shellcheck source=packages.sh
. "$root/scripts/packages.sh"
ensure_packages serve.sh "${packages[@]}"
# The nginx package starts a system nginx on port 80 on installation; it is not ours: leave it.

# --- build ------------------------------------------------------------------------------------
if [ -n "${WINCACHE_SO:-}" ]; then
  so=$WINCACHE_SO
  [ -f "$so" ] || die "WINCACHE_SO=$so: no such file"
else
  say "configure $build"
  cmake -S "$root" -B "$build" -G Ninja -DWINCACHE_MODELS=OFF -DWINCACHE_PROPTESTS=OFF \
    -DWINCACHE_TESTS=OFF -DWINCACHE_POSIX_TESTS=OFF -DWINCACHE_BENCH=OFF >/dev/null ||
    die "cmake configure failed"
  say "build wincache_ext"
  ninja -C "$build" wincache_ext >/dev/null || die "build failed (ninja -C $build wincache_ext)"
  so=$build/extension/wincache.so
  [ -f "$so" ] || die "the build produced no $so"
fi
so=$(cd "$(dirname "$so")" && pwd)/$(basename "$so")

# --- ports, directories -----------------------------------------------------------------------
# shellcheck source=servers.sh
. "$root/scripts/servers.sh"
listening "$port" && die "port $port is already in use (PORT=... to pick another)"
fpm_port=$((port + 1000))
while listening "$fpm_port" || [ "$fpm_port" = "$port" ]; do fpm_port=$((fpm_port + 1)); done
((fpm_port < 65536)) || die "no free port for php-fpm"

mkdir -p "$serve/logs" "$serve/tmp" || die "cannot create $serve"
user_lines=""
nginx_user=""
if [ "$(id -u)" = 0 ]; then
  user_lines=$'user = nobody\ngroup = nogroup'
  nginx_user="user nobody nogroup;"
  chown nobody:nogroup "$serve/tmp"
fi
chmod 755 "$serve" 2>/dev/null
chmod 777 "$serve/logs"
: >"$serve/logs/php_errors.log"; chmod 666 "$serve/logs/php_errors.log"

# The pool runs as nobody: it must be able to read demo/. A checkout under /root is not
# readable by nobody; then serve a copy.
docroot=$root/demo
copy=""
if [ "$(id -u)" = 0 ] && ! runuser -u nobody -- test -r "$docroot/index.php" 2>/dev/null; then
  copy=$(mktemp -d /tmp/wincache-serve.XXXXXX)
  cp -r "$docroot"/. "$copy"/ && chmod -R a+rX "$copy"
  docroot=$copy
  say "nobody cannot read $root/demo: serving a copy in $copy"
fi

webdir=$root/web
if [ "$(id -u)" = 0 ] && ! runuser -u nobody -- test -r "$webdir/wincache.php" 2>/dev/null; then
  webcopy=$(mktemp -d /tmp/wincache-web.XXXXXX)
  cp "$webdir/wincache.php" "$webcopy/" && chmod -R a+rX "$webcopy"
  webdir=$webcopy
fi

# /wincache.php's access (web/wincache.php refuses to run without one): a password hash, or
# localhost-only access (this server listens on 127.0.0.1 only).
page_hash=${WINCACHE_PAGE_PASSWORD_HASH:-}
if [ -z "$page_hash" ] && [ -n "${STATS_PASSWORD:-}" ]; then
  page_hash=$(STATS_PASSWORD=$STATS_PASSWORD php8.2 -n -r 'echo password_hash(getenv("STATS_PASSWORD"), PASSWORD_DEFAULT);') ||
    die "cannot hash STATS_PASSWORD"
fi
if [ -n "$page_hash" ]; then
  # php-fpm reads an env[] value that starts with $ from its own environment (a hash has $ in it)
  export WINCACHE_PAGE_PASSWORD_HASH=$page_hash
  page_env="env[WINCACHE_PAGE_PASSWORD_HASH] = \$WINCACHE_PAGE_PASSWORD_HASH"
  page_access="user wincache, the password you set"
else
  page_env="env[WINCACHE_PAGE_LOCALHOST] = 1"
  page_access="localhost only, no password (STATS_PASSWORD=... for one)"
fi
[ -n "${WINCACHE_PAGE_SHOW_VALUES:-}" ] && page_env+=$'\n'"env[WINCACHE_PAGE_SHOW_VALUES] = $WINCACHE_PAGE_SHOW_VALUES"

cat >"$serve/php-fpm.conf" <<EOF
; generated by scripts/serve.sh
[global]
pid = $serve/php-fpm.pid
error_log = $serve/logs/php-fpm.log
daemonize = no
; graceful stop: workers get SIGQUIT and finish (the default 0 sends SIGTERM at once)
process_control_timeout = 10s

[wincache_demo]
$user_lines
listen = 127.0.0.1:$fpm_port
pm = static
pm.max_children = $workers
catch_workers_output = yes
php_admin_value[error_log] = $serve/logs/php_errors.log
php_admin_flag[log_errors] = on
$page_env
EOF

cat >"$serve/nginx.conf" <<EOF
# generated by scripts/serve.sh
$nginx_user
daemon off;
master_process on;
worker_processes 1;
pid $serve/nginx.pid;
error_log $serve/logs/nginx_error.log warn;
events { worker_connections 256; }
http {
  access_log $serve/logs/nginx_access.log;
  client_body_temp_path $serve/tmp/body;
  proxy_temp_path $serve/tmp/proxy;
  fastcgi_temp_path $serve/tmp/fastcgi;
  uwsgi_temp_path $serve/tmp/uwsgi;
  scgi_temp_path $serve/tmp/scgi;
  default_type text/html;
  server {
    listen 127.0.0.1:$port;
    root $docroot;
    index index.php;
    location = /wincache.php {
      fastcgi_pass 127.0.0.1:$fpm_port;
      include /etc/nginx/fastcgi_params;
      fastcgi_param SCRIPT_FILENAME $webdir/wincache.php;
      fastcgi_param SCRIPT_NAME /wincache.php;
    }
    location ~ \.php\$ {
      fastcgi_pass 127.0.0.1:$fpm_port;
      # Debian's nginx package ships the standard CGI parameters
      include /etc/nginx/fastcgi_params;
      fastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name;
    }
  }
}
EOF

# --- start, stop ------------------------------------------------------------------------------
fpm_pid=""
nginx_pid=""
stopping=0
stop() {  # stop EXIT_CODE
  ((stopping)) && return
  stopping=1
  trap '' INT TERM
  echo
  say "stopping"
  stop_nginx_fpm "$nginx_pid" "$fpm_pid"
  # The workers' group is named after the php-fpm master and pinned to it (SEG-9); the master
  # drops the pin as the workers' user when it exits, so nothing should be left.
  if [ -n "$STOPPED_FPM_LEFT" ]; then
    say "WARNING: left in /dev/shm after the stop: $(echo $STOPPED_FPM_LEFT)"
  else
    say "nothing of the php-fpm master's group is left in /dev/shm"
  fi
  [ -n "$copy" ] && rm -rf "$copy"
  [ -n "${webcopy:-}" ] && rm -rf "$webcopy"
  say "stopped; logs in $serve/logs"
  exit "${1:-0}"
}
trap 'stop 0' INT TERM
trap 'stop $?' EXIT

# Sessions: the wincache handler, its durable records in $serve/sessions (root's, 1733, as
# Debian's /var/lib/php/sessions: every pool user may add its own directory there).
mkdir -p "$serve/sessions" && chmod 1733 "$serve/sessions"
php_ini=(-d "extension=$so" -d "wincache.ucachesize=$ucachesize"
         -d session.save_handler=wincache -d "session.save_path=$serve/sessions")
[ -n "$salt" ] && php_ini+=(-d "wincache.namesalt=$salt")
setsid php-fpm8.2 -F -y "$serve/php-fpm.conf" "${php_ini[@]}" >>"$serve/logs/php-fpm.out" 2>&1 &
fpm_pid=$!
setsid nginx -p "$serve" -c "$serve/nginx.conf" -e "$serve/logs/nginx_error.log" \
  >>"$serve/logs/nginx.out" 2>&1 &
nginx_pid=$!

ok=0
for ((i = 0; i < 300; i++)); do  # up to 30 s: a hang bound (a loaded machine starts them slowly)
  kill -0 "$fpm_pid" 2>/dev/null || break
  kill -0 "$nginx_pid" 2>/dev/null || break
  if listening "$port" && listening "$fpm_port"; then ok=1; break; fi
  sleep 0.1
done
if ((!ok)); then
  say "start failed; logs:"
  tail -n 20 "$serve"/logs/*.log "$serve"/logs/*.out 2>/dev/null
  exit 1
fi
if ! php8.2 -n -d "extension=$so" -r 'exit(function_exists("wincache_ucache_get") ? 0 : 1);' 2>/dev/null; then
  say "warning: $so does not load into php8.2 -n"
fi
cat <<EOF

  wincache demo: nginx (pid $nginx_pid) -> php-fpm (master pid $fpm_pid, $workers workers)
  module      $so
  demo        http://127.0.0.1:$port/            (reload: other worker pids, one counter)
  statistics  http://127.0.0.1:$port/wincache.php   ($page_access)
  text API    http://127.0.0.1:$port/api.php?op=info
  logs        $serve/logs/

  Ctrl-C stops it.
EOF
# (Both run in their own session: a Ctrl-C reaches only this script, which stops them gracefully.)
# Wait until one of them dies or we are told to stop.
while kill -0 "$fpm_pid" 2>/dev/null && kill -0 "$nginx_pid" 2>/dev/null; do
  sleep 1 &
  wait $! 2>/dev/null
done
say "nginx or php-fpm exited on its own"
tail -n 20 "$serve"/logs/*.log 2>/dev/null
stop 1
