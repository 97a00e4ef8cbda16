#!/usr/bin/env bash
# mp_pid_namespaces: processes in two pid namespaces that share /dev/shm (the containers of one
# pod) and are otherwise configured alike (same user, same wincache.apppoolid, same salt).
# Defect 4 of the hostile test: they shared one group, but liveness is read from /proc of the
# caller's namespace, so each side took the other for dead: its locks were taken over and its
# segments swept. Now the pid namespace is part of the group's name (core/naming.hpp): they never
# share, and nothing one side does touches the other's group.
#   - A (in a new pid namespace, where it is pid 1) stores a value and stays;
#   - B (this namespace) does not see it, takes the "same" lock A holds (A holds it until told, so
#     A's lock would refuse B after B's 2 s lock timeout), and its start-up sweep leaves A's live
#     group alone;
#   - A2, a later process in A's namespace, still finds A's value.
# usage: test_pid_namespaces.sh /path/to/wincache.so|stub
source "$(dirname "$0")/lib.sh"
[ "${1:-}" = stub ] && { echo "SKIP: needs the real extension"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (unshare --pid)"; exit 77; }
command -v unshare >/dev/null && command -v nsenter >/dev/null || { echo "SKIP: no unshare/nsenter"; exit 77; }
unshare --pid --fork --mount-proc true 2>/dev/null || { echo "SKIP: pid namespaces unavailable"; exit 77; }
mp_init pid_namespaces "${1:?usage: $0 wincache.so}"
POOL=ns_$SALT
cli() { php8.2 -n "${EXT_ARGS[@]}" -d wincache.enablecli=1 -d "wincache.apppoolid=$POOL" \
          -d "wincache.namesalt=$SALT" "$@"; }
php_args="-n ${EXT_ARGS[*]} -d wincache.enablecli=1 -d wincache.apppoolid=$POOL -d wincache.namesalt=$SALT"

# A: a new pid namespace (and a mount namespace with its own /proc), sharing /dev/shm.
unshare --pid --fork --mount-proc php8.2 $php_args -r '
  var_dump(wincache_ucache_set("k", "from A"), wincache_lock("L"));
  echo "group ", function_exists("wincache_extra_info") ? wincache_extra_info()["group"] : "?", "\n";
  file_put_contents($argv[1], "ready\n");
  while (!file_exists($argv[2])) usleep(50000);
  var_dump(wincache_ucache_get("k"));
  wincache_unlock("L");
' "$TMP/a_ready" "$TMP/a_go" >"$TMP/logs/a.out" 2>&1 &
U=$!
MP_PIDS+=("$U")
check "A started in its own pid namespace" until_true "$HANG" test -f "$TMP/a_ready"
A=$(workers "$U" | head -1)   # unshare's child: pid 1 inside, A here
[ -n "$A" ] || { fail "A's process not found"; exit 1; }
check "A and this shell are in different pid namespaces" test "$(readlink /proc/$A/ns/pid)" != "$(readlink /proc/self/ns/pid)"

out=$(cli -r '
  var_dump(wincache_ucache_get("k", $ok), $ok);
  $t = microtime(true);
  ini_set("wincache.locktimeout", "2");
  var_dump(wincache_lock("L"));
  echo "waited_ms ", (int)((microtime(true) - $t) * 1000), "\n";
  echo "group ", function_exists("wincache_extra_info") ? wincache_extra_info()["group"] : "?", "\n";
' 2>&1)
echo "$out" >"$TMP/logs/b.out"
check "B does not see A's value (separate groups)" grep -qx "bool(false)" <<<"$(echo "$out" | sed -n 2p)"
# A holds L until told (a_go): were it the same lock, B would be refused after its 2 s timeout.
check "B takes lock L (waited $(awk '/^waited_ms/ {print $2}' <<<"$out") ms): A's hold is in another group, not broken in A's" \
  test "$(sed -n 3p <<<"$out")" = 'bool(true)'
ga=$(awk '/^group/ {print $2}' "$TMP/logs/a.out"); gb=$(awk '/^group/ {print $2}' <<<"$out")
check "the groups' names differ by the pid namespace ($ga / $gb)" test -n "$ga" -a -n "$gb" -a "$ga" != "$gb"

# A2: a later process in A's namespace finds A's group intact (B's start-up sweep spared it).
out2=$(nsenter -t "$A" -p -m php8.2 $php_args -d wincache.locktimeout=1 \
       -r 'var_dump(wincache_ucache_get("k"), wincache_lock("L"));' 2>&1)
echo "$out2" >"$TMP/logs/a2.out"
check "A2 (A's namespace) still reads A's value" grep -qx 'string(6) "from A"' <<<"$out2"
check "A2 waits for A's lock rather than breaking it (refused after locktimeout)" \
  bash -c "grep -q 'gave up waiting' <<<'$out2' && grep -qx 'bool(false)' <<<'$out2'"
touch "$TMP/a_go"
wait "$U"
check "A read its value to the end" grep -q 'string(6) "from A"' "$TMP/logs/a.out"
