# tests/redis/unix_redis.sh (sourced): a private redis-server on a unix socket in a scratch
# directory, persistence off, stopped and the directory removed when the script exits. Used by
# bench/near.sh and tests/redis/test_redis_near_zc.sh.
#   unix_redis_start PREFIX   sets WORK (the directory; the socket is $WORK/redis.sock) and
#                             REDIS_PID; returns 1 if it did not answer within 10 s
unix_redis_start() {
  WORK=$(mktemp -d "/tmp/$1.XXXXXX")
  chmod 755 "$WORK"
  redis-server --unixsocket "$WORK/redis.sock" --unixsocketperm 777 --port 0 --save "" \
    --appendonly no --daemonize no --logfile "$WORK/redis.log" >/dev/null 2>&1 &
  REDIS_PID=$!
  trap 'kill "$REDIS_PID" 2>/dev/null; wait "$REDIS_PID" 2>/dev/null; rm -rf "$WORK"' EXIT
  local _
  for _ in $(seq 100); do
    redis-cli -s "$WORK/redis.sock" ping >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}
