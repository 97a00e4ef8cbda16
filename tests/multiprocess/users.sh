# tests/multiprocess/users.sh: two real Unix users for the tests of issue 17 part 2 (sourced
# after lib.sh; users_init after mp_init; not run).
#
#   users_init     skip (77) unless root with useradd/userdel/setpriv; take the machine-wide
#                  lock of these tests (the users are machine-wide: one run at a time, whichever
#                  checkout it runs from); create wc_usr_a and wc_usr_b (system users, no home,
#                  no shell, a group each) -> $UA $UB (names), $UIDA $UIDB, $GA $GB (groups)
#   users_cleanup  stop every server (lib.sh's mp_stop_all: a user with processes cannot be
#                  removed), remove what is left of their /dev/shm and save-path directories,
#                  and remove both users and their groups. Set as MP_CLEANUP by users_init, so
#                  it runs whichever way the test ends (lib.sh's EXIT trap).
#   as_a CMD... / as_b CMD...   run CMD as that user (setpriv, no supplementary groups)
USERS_COMMENT="wincache multiprocess test user"
UA=wc_usr_a
UB=wc_usr_b

users_init() {
  [ "$(id -u)" = 0 ] || { echo "SKIP: needs root (creates two users)"; exit 77; }
  local c
  for c in useradd userdel setpriv flock getent; do
    command -v "$c" >/dev/null || { echo "SKIP: no $c"; exit 77; }
  done
  exec 8>/tmp/wincache_mp_users.lock
  flock -w 120 8 || { echo "SKIP: another run held /tmp/wincache_mp_users.lock for 120 s"; exit 77; }
  local u
  for u in $UA $UB; do
    if getent passwd "$u" >/dev/null; then
      # left by a run that was killed before its cleanup: ours only if it carries our comment
      [ "$(getent passwd "$u" | cut -d: -f5)" = "$USERS_COMMENT" ] ||
        { echo "SKIP: a user $u exists and is not this test's"; exit 77; }
      userdel "$u" >/dev/null 2>&1 || { echo "SKIP: a stale $u cannot be removed (processes?)"; exit 77; }
    fi
    getent group "$u" >/dev/null && groupdel "$u" >/dev/null 2>&1
    useradd -r -M -d /nonexistent -s /usr/sbin/nologin -U -c "$USERS_COMMENT" "$u" ||
      { echo "FAIL: useradd $u"; exit 1; }
  done
  MP_CLEANUP=users_cleanup
  UIDA=$(id -u $UA); UIDB=$(id -u $UB); GA=$(id -gn $UA); GB=$(id -gn $UB)
  info "created users $UA ($UIDA) and $UB ($UIDB)"
}

as_a() { setpriv --reuid=$UA --regid="$GA" --clear-groups "$@"; }
as_b() { setpriv --reuid=$UB --regid="$GB" --clear-groups "$@"; }

users_cleanup() {
  mp_stop_all
  local u uid d
  for u in $UA $UB; do
    uid=$(id -u "$u" 2>/dev/null) || continue
    # (mp_finish reports any object of our salt left; these are the empty directories and
    # whatever a test planted on purpose)
    for d in /dev/shm/wincache-"$uid" /dev/shm/wincache-"$uid".*; do
      [ -e "$d" ] || [ -L "$d" ] || continue
      [ -n "$(ls -A "$d" 2>/dev/null)" ] && info "left in $d: $(ls -A "$d" | tr '\n' ' ')"
      rm -rf "$d"
    done
    userdel "$u" >/dev/null 2>&1 || echo "FAIL: userdel $u failed (a process of $u still runs?)"
    getent group "$u" >/dev/null && groupdel "$u" >/dev/null 2>&1
    getent passwd "$u" >/dev/null && { echo "FAIL: user $u is still there"; MP_FAILS=$((MP_FAILS + 1)); }
  done
}
