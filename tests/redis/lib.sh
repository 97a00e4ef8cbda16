# tests/redis/lib.sh (sourced after tests/multiprocess/lib.sh): what the Redis tests share. A
# redis-server on loopback and php-fpm masters with their own namesalts as "hosts" that share
# no memory, and a FastCGI request to a host's page.
#   redis_init NAME SO PAGE    skips (77) without the real extension, redis-server or hiredis;
#                              mp_init NAME SO; copies tests/redis/PAGE into the docroot
#   req PORT QUERY             PAGE?QUERY's answer from the php-fpm on PORT (status 0: complete,
#                              the page's last line end=1)
#   rcli ARGS...               redis-cli on the test's redis-server
#   field NAME                 the value of NAME=... on stdin
#   start_redis                a redis-server on $RPORT (persistence off); sets REDIS_PID
#   redis_start_first          picks RPORT, starts redis-server, or exits
#   host NAME WORKERS [OPTS] [FPM FLAGS...]
#                              a php-fpm master with a fresh namesalt whose wincache.redis is
#                              127.0.0.1:$RPORT?prefix=$APP&read_timeout=3&connect_timeout=1,
#                              then $HOST_OPTS and OPTS, with $HOST_FPM_D and the FLAGS; sets
#                              HOSTPORT[NAME], adds the master to MASTERS
# read_timeout 3 s: a stall of a loaded machine must not read as Redis down (a 1 s timeout did).
redis_init() {
  [ "$2" = stub ] && { echo "SKIP: needs the real extension"; exit 77; }
  command -v redis-server >/dev/null || { echo "SKIP: redis-server is not installed"; exit 77; }
  mp_init "$1" "$2"
  PAGE=$3
  cp "$(dirname "${BASH_SOURCE[0]}")/$PAGE" "$TMP/www/$PAGE" && chmod 644 "$TMP/www/$PAGE"
  local avail
  avail=$(php8.2 -d "extension=$SO" -d wincache.enablecli=1 -r 'echo json_encode(wincache_extra_info()["redis"]["available"] ?? false);')
  [ "$avail" = true ] || { echo "SKIP: this wincache.so was built without hiredis"; exit 77; }
}

req() {
  local out rc
  out=$(env -i SCRIPT_FILENAME="$TMP/www/$PAGE" SCRIPT_NAME="/$PAGE" REQUEST_URI="/$PAGE?$2" \
        QUERY_STRING="$2" REQUEST_METHOD=GET REDIRECT_STATUS=200 SERVER_NAME=localhost \
        SERVER_PROTOCOL=HTTP/1.1 GATEWAY_INTERFACE=CGI/1.1 \
        timeout "$REQ_TIMEOUT" cgi-fcgi -bind -connect "127.0.0.1:$1" 2>>"$TMP/logs/cgi-fcgi.err")
  rc=$?
  out=$(sed '1,/^\r\{0,1\}$/d' <<<"$out")
  echo "$out"
  [ $rc = 0 ] && grep -q '^end=1$' <<<"$out"
}
rcli() { redis-cli -p "$RPORT" "$@"; }
field() { sed -n "s/^$1=//p" | head -1; }

start_redis() {
  redis-server --port "$RPORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
    --logfile "$TMP/logs/redis.log" >/dev/null 2>&1 &
  REDIS_PID=$!
  MP_PIDS+=("$REDIS_PID")
  until_true "$HANG" rcli ping >/dev/null || { fail "redis-server did not answer"; return 1; }
}
redis_start_first() {
  RPORT=$(free_port "$(base_port)") || { fail "no free port"; exit 1; }
  start_redis || exit 1
  info "redis-server $REDIS_PID on $RPORT"
}

declare -A HOSTPORT
EXTRA_SALTS=()
MASTERS=()
HOST_OPTS=""
HOST_FPM_D=()
host() {
  local name=$1 n=$2 salt p
  salt=$(new_salt); EXTRA_SALTS+=("$salt")
  FPM_D=("${HOST_FPM_D[@]}"
         -d "wincache.redis=\"127.0.0.1:$RPORT?prefix=$APP&read_timeout=3&connect_timeout=1$HOST_OPTS${3:-}\""
         "${@:4}")
  p=$(free_port $((RPORT + 1 + RANDOM % 300))) || { fail "no free port"; return 1; }
  retry_port start_fpm "$p" "$n" "$salt" || return 1
  HOSTPORT[$name]=$PORT_USED
  MASTERS+=("$FPM_PID")
  info "host $name: php-fpm $FPM_PID on $PORT_USED (namesalt $salt)"
}
