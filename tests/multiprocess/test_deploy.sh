#!/usr/bin/env bash
# mp_deploy (issues 14, 19): deploys under php-fpm (a static pool of 4) behind nginx, the common
# setup: root .../current/public, SCRIPT_FILENAME $document_root$fastcgi_script_name (through the
# `current` symlink), include_path through `current`. The app (deploy/release/, written as
# releases/N/ with @V@ = N): index.php requires config.php, require_once's Lib.php through
# include_path, autoloads App\Greeter (is_file + require), reads a template (file_get_contents)
# and a settings file (parse_ini_file), and uses App\Extra if the autoloader finds it; its last
# line, ver=, names the version of each part. deploy/prepend.php (auto_prepend_file) is the
# harness: lib.sh's spread barrier, the request's times, whether wincache has the file cache.
#
# A cell = a configuration (a row of matrix) x a scenario (scenarios): a fresh tree (every file an
# hour old, as left by an earlier deploy) and a fresh php-fpm + nginx; every worker warmed twice
# (spread: all 4 at once; the old version in all 4, and OPcache holding every file of the app);
# the scenario's change, which ends at T; then polls until every worker serves the new version:
# each poll is a spread (one request in each of the 4 workers at once). A worker's time-to-fresh
# is the time, from T, at which it looked at the files (t_check: after the barrier) in the first
# request after which it served only the new version. After DEPLOY_BOUND s (10) the cell is
# "stale > 10 s": a result (what OPcache alone serves), not an error.
#
# Checks: the warm-up (old version in all 4 workers; OPcache holds the app where it is on);
# every poll reached all 4 workers with a complete page. In the "PHP + wincache" rows, if the
# extension has the file cache with change notifications (deploy/prepend.php's fcache=: in
# php-fpm, asked through a probe request; the polling first slice reported 0), in the rows
# without OPcache, and in the rows with OPcache if wincache tells OPcache what changed (issue 19:
# prepend.php's opcsync=1; a row with wincache.opcache_invalidate=0, wc_novt_off, is measured
# and a SKIP line says it is unchecked; DEPLOY_CHECK=1 checks it, and it then fails):
# every request started (REQUEST_TIME_FLOAT) 1 s or more after T got
# the new version, in all 4 workers (the issues' "fresh in every worker within 1 s"; polling goes
# on until a poll started after T + 1 s, so a slow poll cannot fail it). Without the file cache
# those checks are skipped (a SKIP line) and the wincache rows are not measured (DEPLOY_FULL=1
# measures them anyway, unchecked).
#
# Output: the table (scenario x configuration -> the slowest worker's time-to-fresh in ms, or
# stale), in $DEPLOY_OUT (CMake: build/tests/multiprocess/deploy_table.md; by hand: the temp
# dir), printed at the end; per cell an info line with each worker's times.
#
# usage: test_deploy.sh /path/to/wincache.so|stub    (stub: the PHP-alone rows only)
#   DEPLOY_FULL=1     the full matrix: also the "PHP, no OPcache" row and the scenarios marked
#                     full below (about 15 minutes); the default run is the core subset
#   DEPLOY_BOUND=S    give up on a cell after S s (10)
#   DEPLOY_ROWS="..." DEPLOY_SCENARIOS="..."   run only these rows / scenarios (names below)
#   DEPLOY_OUT=FILE   where the table goes
#   DEPLOY_DEBUG=1    print every poll's answers
#   DEPLOY_CHECK=1    check freshness within 1 s in every row measured, PHP alone too (to try the
#                     checks: the stale cells of the PHP rows then fail)
source "$(dirname "$0")/lib.sh"
command -v nginx >/dev/null || { echo "SKIP: nginx is not installed"; exit 77; }
FULL=${DEPLOY_FULL:-0}
BOUND=${DEPLOY_BOUND:-10}
WITHIN=1        # s: the issues' bound ("fresh in every worker within 1 s")
WORKERS=4
HAVE_OPC=0
[[ $'\n'$(php-fpm8.2 -m 2>/dev/null)$'\n' == *$'\nZend OPcache\n'* ]] && HAVE_OPC=1
UNTIL_STEP=0.02 # until_true's step (lib.sh): spreads, so polls, follow each other faster
MP_WATCHDOG=${MP_WATCHDOG:-$((FULL ? 1500 : 900))}
mp_init deploy "${1:?usage: $0 wincache.so|stub}"
umask 022
D=$MP_DIR/deploy
APP=$TMP/app
R=$APP/current          # the deploys write through current, as deploy tools do
OUT=${DEPLOY_OUT:-$TMP/deploy_table.md}
cp "$D/prepend.php" "$TMP/www/deploy_prepend.php" && chmod 644 "$TMP/www/deploy_prepend.php"
# the overflow scenario's storm: 20,000 files, more if the queue is longer (3 events per file)
STORM=$(($(cat /proc/sys/fs/inotify/max_queued_events 2>/dev/null || echo 16384) * 2))
((STORM < 20000)) && STORM=20000

# --- the matrix: rows (configurations) ------------------------------------------------------
# row NAME CORE WC OPC LABEL INI...: CORE 1 = in the default run (else DEPLOY_FULL=1 only), WC 1 =
# loads wincache (these rows are checked, if it has the file cache), OPC 1 = needs OPcache; INI:
# php-fpm -d settings, and nginx:realpath_root for SCRIPT_FILENAME $realpath_root$fastcgi_script_name
# (nginx resolves `current` per request: the usual advice for symlink deploys). The OPcache and
# realpath-cache settings are given even where they are PHP's defaults, so that the machine's
# php.ini does not change what a row measures.
OPC_DEFAULTS=(opcache.enable=1 opcache.validate_timestamps=1 opcache.revalidate_freq=2
  opcache.revalidate_path=0 opcache.file_update_protection=2 opcache.enable_file_override=0)
OPC_NOVT=("${OPC_DEFAULTS[@]/opcache.validate_timestamps=1/opcache.validate_timestamps=0}")
RP_DEFAULTS=(realpath_cache_size=4096K realpath_cache_ttl=120)
WC_FC=(wincache.fcenabled=1 wincache.fcndetect=1)
ROWS=()
declare -A ROW_CORE ROW_WC ROW_OPC ROW_LABEL ROW_INI ROW_SKIP
row() {
  local n=$1
  ROWS+=("$n"); ROW_CORE[$n]=$2; ROW_WC[$n]=$3; ROW_OPC[$n]=$4; ROW_LABEL[$n]=$5
  shift 5
  ROW_INI[$n]="$*"
}
matrix() {
  row php_opc   1 0 1 "PHP, OPcache defaults"                     "${RP_DEFAULTS[@]}" "${OPC_DEFAULTS[@]}"
  row php_novt  1 0 1 "PHP, OPcache validate_timestamps=0"        "${RP_DEFAULTS[@]}" "${OPC_NOVT[@]}"
  row php_noopc 0 0 0 "PHP, no OPcache"                           "${RP_DEFAULTS[@]}" opcache.enable=0
  row php_revpath 0 0 1 "PHP, OPcache defaults but revalidate_path=1" "${RP_DEFAULTS[@]}" "${OPC_DEFAULTS[@]/opcache.revalidate_path=0/opcache.revalidate_path=1}"
  row php_rpttl 0 0 1 "PHP, OPcache defaults, realpath_cache_ttl=2" realpath_cache_size=4096K realpath_cache_ttl=2 "${OPC_DEFAULTS[@]}"
  row php_revpath_rpttl 0 0 1 "PHP, OPcache defaults but revalidate_path=1, realpath_cache_ttl=2" realpath_cache_size=4096K realpath_cache_ttl=2 "${OPC_DEFAULTS[@]/opcache.revalidate_path=0/opcache.revalidate_path=1}"
  row php_realroot 0 0 1 "PHP, OPcache defaults, nginx \$realpath_root" "${RP_DEFAULTS[@]}" "${OPC_DEFAULTS[@]}" nginx:realpath_root
  row wc_opc    1 1 1 "PHP + wincache, OPcache defaults"          "${RP_DEFAULTS[@]}" "${OPC_DEFAULTS[@]}" "${WC_FC[@]}"
  row wc_novt   1 1 1 "PHP + wincache, OPcache validate_timestamps=0" "${RP_DEFAULTS[@]}" "${OPC_NOVT[@]}" "${WC_FC[@]}"
  row wc_noopc  1 1 0 "PHP + wincache, no OPcache"                "${RP_DEFAULTS[@]}" opcache.enable=0 "${WC_FC[@]}"
  row wc_novt_off 0 1 1 "PHP + wincache, OPcache validate_timestamps=0, OPcache not told (wincache.opcache_invalidate=0)" "${RP_DEFAULTS[@]}" "${OPC_NOVT[@]}" "${WC_FC[@]}" wincache.opcache_invalidate=0
}

# --- the scenarios ----------------------------------------------------------------------------
# scenario NAME CORE NEW [OLD] DESCRIPTION: NEW / OLD are ver= lines (fp: release 1 with changes);
# build_NAME (optional) adds to the tree before the warm-up, apply_NAME is the change.
fp() {  # fp [part=version...]: the ver= fingerprint of release 1 with these parts changed
  declare -A v=([i]=1 [c]=1 [l]=1 [k]=1 [t]=1 [s]=1 [x]=-)
  local a
  for a in "$@"; do v[${a%%=*}]=${a#*=}; done
  echo "i:${v[i]} c:${v[c]} l:${v[l]} k:${v[k]} t:${v[t]} s:${v[s]} x:${v[x]}"
}
SCENARIOS=()
declare -A SCN_CORE SCN_NEW SCN_OLD SCN_DESC
scenario() {
  SCENARIOS+=("$1"); SCN_CORE[$1]=$2; SCN_NEW[$1]=$3; SCN_OLD[$1]=$4; SCN_DESC[$1]=$5
}
scenarios() {
  scenario rewrite_same    1 "$(fp c=2)" "$(fp)" "config.php (required) rewritten in place, same size"
  scenario rewrite_size    1 "$(fp i=2)" "$(fp)" "public/index.php (the script nginx names through current) rewritten in place, new size"
  scenario rename_over     1 "$(fp l=2)" "$(fp)" "lib/Lib.php (include_path) replaced: a new file renamed over it"
  scenario delete_recreate 1 "$(fp k=2)" "$(fp)" "src/App/Greeter.php (autoloaded) deleted, then written again (a new inode)"
  scenario delete          1 "$(fp)" "$(fp x=1)" "src/App/Extra.php deleted (the autoloader's is_file no longer finds it)"
  scenario template        1 "$(fp t=2)" "$(fp)" "templates/page.tpl (file_get_contents) rewritten in place"
  scenario settings        1 "$(fp s=2)" "$(fp)" "config/app.ini (parse_ini_file) rewritten in place"
  scenario new_file        1 "$(fp x=2)" "$(fp)" "src/App/Extra.php created, in a directory the app already loads from"
  scenario symlink_swap    1 "$(fp i=2 c=2 l=2 k=2 t=2 s=2)" "$(fp)" "the whole release: current -> releases/2 (ln -s + mv -T, atomic)"
  scenario include_shadow  1 "$(fp l=o)" "$(fp)" "overrides/Lib.php created: before lib/Lib.php on include_path"
  scenario include_shadow_newdir 0 "$(fp l=o)" "$(fp)" "overrides/ (on include_path, missing until now) created with a Lib.php in it"
  scenario overflow        1 "$(fp c=2)" "$(fp)" "$STORM files created in config.php's directory, config.php rewritten, the $STORM touched again (an inotify queue overflow)"
  scenario rewrite_keep_mtime 0 "$(fp c=2)" "$(fp)" "config.php rewritten in place, same size, its mtime put back (touch -r; as cp -p, rsync -a, tar x of a file with the old time)"
}
render() { sed "s/@V@/$2/g" "$1"; }  # render SRC VERSION: a file of the app for that release
apply_rewrite_same() { render "$D/release/config.php" 2 >"$R/config.php"; }
apply_rewrite_size() {
  { render "$D/release/public/index.php" 2; echo "// release 2 (a longer file)"; } >"$R/public/index.php"
}
apply_rename_over() {
  render "$D/release/lib/Lib.php" 2 >"$R/lib/.Lib.php.new" && mv -f "$R/lib/.Lib.php.new" "$R/lib/Lib.php"
}
apply_delete_recreate() {
  rm -f "$R/src/App/Greeter.php"
  render "$D/release/src/App/Greeter.php" 2 >"$R/src/App/Greeter.php"
}
build_delete() { render "$D/more/Extra.php" 1 >"$APP/releases/1/src/App/Extra.php"; }
apply_delete() { rm -f "$R/src/App/Extra.php"; }
apply_template() { render "$D/release/templates/page.tpl" 2 >"$R/templates/page.tpl"; }
apply_settings() { render "$D/release/config/app.ini" 2 >"$R/config/app.ini"; }
apply_new_file() { render "$D/more/Extra.php" 2 >"$R/src/App/Extra.php"; }
build_symlink_swap() { make_release 2; }  # uploaded before the deploy, as deploy tools do
apply_symlink_swap() { ln -sfn "$APP/releases/2" "$APP/current.new" && mv -T "$APP/current.new" "$APP/current"; }
apply_include_shadow() { cp "$D/more/ShadowLib.php" "$R/overrides/Lib.php"; }
build_include_shadow_newdir() { rmdir "$APP/releases/1/overrides"; }
apply_include_shadow_newdir() { mkdir "$R/overrides" && cp "$D/more/ShadowLib.php" "$R/overrides/Lib.php"; }
apply_overflow() {
  (cd "$APP/releases/1" && seq -f 'storm_%.0f' 1 "$STORM" | xargs touch)
  render "$D/release/config.php" 2 >"$R/config.php"
  (cd "$APP/releases/1" && seq -f 'storm_%.0f' 1 "$STORM" | xargs touch)
}
apply_rewrite_keep_mtime() {
  touch -r "$R/config.php" "$TMP/mtime_ref"
  render "$D/release/config.php" 2 >"$R/config.php"
  touch -r "$TMP/mtime_ref" "$R/config.php"
}

# --- one cell -----------------------------------------------------------------------------------
make_release() {
  local r=$APP/releases/$1 f
  mkdir -p "$r"/{public,lib,overrides,src/App,templates,config}
  for f in public/index.php config.php lib/Lib.php src/App/Greeter.php templates/page.tpl config/app.ini; do
    render "$D/release/$f" "$1" >"$r/$f"
  done
}
build_app() {  # build_app SCENARIO: releases/1 (+ the scenario's additions), current -> releases/1
  rm -rf "$APP"
  mkdir -p "$APP/releases"
  make_release 1
  ln -s "$APP/releases/1" "$APP/current"
  ! declare -F "build_$1" >/dev/null || "build_$1"
  # every file an hour old, from an earlier deploy: OPcache does not keep a file younger than
  # file_update_protection (2 s), so a tree written just now would never be served stale
  find "$APP" -exec touch -h -d '-1 hour' {} +
  chmod -R a+rX "$APP"
}
row_settings() {  # row_settings ROW: FPM_D and EXT_ARGS for php-fpm
  local kv
  FPM_D=(-d "include_path=.:$APP/current/overrides:$APP/current/lib"
         -d "auto_prepend_file=$TMP/www/deploy_prepend.php")
  NGINX_SCRIPT_ROOT='$document_root'
  for kv in ${ROW_INI[$1]}; do
    if [ "$kv" = nginx:realpath_root ]; then NGINX_SCRIPT_ROOT='$realpath_root'; else FPM_D+=(-d "$kv"); fi
  done
  EXT_ARGS=()
  ((ROW_WC[$1])) && EXT_ARGS=(-d "extension=$SO")
  return 0
}
start_servers() {  # -> FPORT (php-fpm), NPORT (nginx)
  local p
  p=$(free_port "$(base_port)") || { fail "no free port"; return 1; }
  retry_port start_fpm "$p" "$WORKERS" || return 1
  FPORT=$PORT_USED
  p=$(free_port $((FPORT + 1))) || { fail "no free port"; return 1; }
  NGINX_ROOT=$APP/current/public retry_port start_nginx "$p" "$FPORT" || return 1
  NPORT=$PORT_USED
}
gone_all() { local p; for p in "$@"; do kill -0 "$p" 2>/dev/null && return 1; done; return 0; }
stop_server() {  # stop_server PID: as mp_stop_all does, one server, and wait for it and its workers
  local pid=$1 ws p keep=()
  [ -n "$pid" ] || return 0
  ws=$(workers "$pid")
  case "$(comm_of "$pid")" in
    php-fpm*) kill -QUIT "$pid" ;;
    *) kill -TERM "$pid" ;;
  esac
  # shellcheck disable=SC2086
  if ! until_true "$HANG" gone_all "$pid" $ws; then
    fail "pid $pid ($(comm_of "$pid")) or its workers did not stop within ${HANG}s; killing them"
    kill -KILL $ws "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null
  for p in "${MP_PIDS[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
  MP_PIDS=(${keep[@]+"${keep[@]}"})
}
stop_servers() { stop_server "${NGINX_PID:-}"; stop_server "${FPM_PID:-}"; NGINX_PID=; FPM_PID=; }
# dreq PORT QUERY: index.php?QUERY through nginx, body on stdout, status 0 only for a whole page
dreq() {
  local out rc
  out=$(curl -s --max-time "$REQ_TIMEOUT" "http://127.0.0.1:$1/index.php?$2")
  rc=$?
  echo "$out"
  [ $rc = 0 ] && grep -q '^end=1$' <<<"$out"
}
now_ns() { date +%s%N; }

WARM_BAD=0
CELLS_RUN=0
declare -A CELL
# warm OLD OPC: two spreads; the second must show OLD in all 4 workers (and with OPC, OPcache
# holding every file the app included)
warm() {
  local old=$1 opc=$2 bad
  spread dreq "$NPORT" "$WORKERS" "opc=1" && spread dreq "$NPORT" "$WORKERS" "opc=1" || return 1
  WARM_PIDS=$SPREAD_PIDS
  bad=$(spread_answers ver | awk -v o="$old" '{p = $1; $1 = ""; sub(/^ /, "")} $0 != o {print p ": " $0}')
  [ -z "$bad" ] || { fail "$CELL_NAME: warm-up: not every worker serves the old version ($old): $bad"; return 1; }
  if ((opc)); then
    bad=$(spread_answers opc | awk '{split($2, a, "/")} a[1] == 0 || a[1] != a[2]')
    [ -z "$bad" ] || { fail "$CELL_NAME: warm-up: OPcache does not hold every file of the app: $bad"; return 1; }
  fi
}
# poll REC T_NS NEW OLD CHECKED: spreads until a poll finds all 4 new (and, CHECKED, started at
# least WITHIN s after T) or BOUND s have passed. Records: batch pid t_start t_check state ver
poll() {
  local rec=$1 t_ns=$2 new=$3 old=$4 checked=$5 batch=0 t lines last
  t="${t_ns:0:${#t_ns}-9}.${t_ns: -9}"
  : >"$rec"
  while :; do
    batch=$((batch + 1))
    spread dreq "$NPORT" "$WORKERS" "b=$batch" || return 1
    lines=$(awk -v b=$batch -v new="$new" -v old="$old" -v t="$t" '
      function emit() {
        if (f == "") return
        st = ver == new ? "new" : ver == old ? "old" : "mixed"
        if (st != "new") allnew = 0
        d = (ts - t) * 1000
        if (min == "" || d < min) min = d
        print b, pid, ts, tc, st, ver
      }
      BEGIN { allnew = 1 }
      FNR == 1 { emit(); f = FILENAME; pid = ts = tc = ver = "" }
      /^pid=/ && pid == "" { pid = substr($0, 5) }
      /^t_start=/ { ts = substr($0, 9) }
      /^t_check=/ { tc = substr($0, 9) }
      /^ver=/ { ver = substr($0, 5) }
      END { emit(); printf "S %d %d\n", allnew, min }' "$SPREAD_OUT"/*)
    grep -v '^S ' <<<"$lines" >>"$rec"
    last=$(grep '^S ' <<<"$lines")
    set -- $last
    if (($2)) && { ((!checked)) || (($3 >= WITHIN * 1000)); }; then return 0; fi
    (($(now_ns) - t_ns >= BOUND * 1000000000)) && return 0
  done
}
# summarize REC T_NS: per worker, the t_check (ms after T) of the first answer after which it
# served only the new version; the cell's value: the slowest worker, or stale
summarize() {
  local rec=$1 t_ns=$2 t
  t="${t_ns:0:${#t_ns}-9}.${t_ns: -9}"
  awk -v t="$t" -v bound="$BOUND" -v nw="$WORKERS" '
    { pid = $2; ms = ($4 - t) * 1000; seen[pid] = 1; n[pid]++
      if ($5 == "new") { if (!(pid in from)) from[pid] = ms }
      else { if (pid in from) flap[pid] = 1; delete from[pid]; last_old[pid] = ms; if ($5 == "mixed") { mixed = 1; mixv = $0 } }
      last[pid] = $5 }
    END {
      max = -1; stale = 0; workers = 0
      for (p in seen) {
        workers++
        d = d sprintf(" %s:", p)
        if (p in last_old) d = d sprintf(" not new at %d ms,", last_old[p])
        if (p in from) { d = d sprintf(" new from %d ms", from[p]); if (from[p] > max) { max = from[p]; maxp = p } }
        else { d = d " never new"; stale++ }
        if (p in flap) d = d " (went back to an old or mixed version on the way)"
        d = d ";"
      }
      note = ""
      for (p in flap) { note = note " (flapped)"; break }
      if (mixed) { for (i = 0; i < 5; i++) sub(/^[^ ]+ /, "", mixv); note = note " (mixed seen: " mixv ")" }
      if (stale) v = sprintf("stale > %d s (%d of %d workers)", bound, stale, workers)
      else if (maxp in last_old) v = sprintf("%d–%d", last_old[maxp], max)
      else v = sprintf("≤ %d", max)
      print v note
      print substr(d, 2)
    }' "$rec"
}

# run_cell ROW SCENARIO CHECKED: CELL[ROW,SCENARIO] = the result
run_cell() {
  local row=$1 scn=$2 checked=$3 t0 t_ns rec out a_ns
  CELL_NAME="$row/$scn"
  t0=$(now_ns)
  CELL[$row,$scn]="error"
  build_app "$scn"
  row_settings "$row"
  if ! start_servers; then stop_servers; return; fi
  if ! warm "${SCN_OLD[$scn]}" "${ROW_OPC[$row]}"; then WARM_BAD=$((WARM_BAD + 1)); stop_servers; return; fi
  a_ns=$(now_ns)
  "apply_$scn"
  t_ns=$(now_ns)
  rec=$TMP/rec_${row}_$scn
  if poll "$rec" "$t_ns" "${SCN_NEW[$scn]}" "${SCN_OLD[$scn]}" "$checked"; then
    out=$(summarize "$rec" "$t_ns")
    CELL[$row,$scn]=$(head -1 <<<"$out")
    CELLS_RUN=$((CELLS_RUN + 1))
    [ -z "${DEPLOY_DEBUG:-}" ] || { echo "records of $row $scn (T $t_ns): batch pid t_start t_check state ver"; cat "$rec"; }
    info "$row $scn: ${CELL[$row,$scn]} [change took $(((t_ns - a_ns) / 1000000)) ms; workers:$(sed -n 2p <<<"$out")] (cell $(((t_ns - t0) / 1000000)) ms + $((($(now_ns) - t_ns) / 1000000)) ms)"
    if ((checked)); then
      local late viol
      late=$(awk -v t="${t_ns:0:${#t_ns}-9}.${t_ns: -9}" -v w="$WITHIN" '$3 - t >= w {print $2}' "$rec" | sort -u | tr '\n' ' ')
      viol=$(awk -v t="${t_ns:0:${#t_ns}-9}.${t_ns: -9}" -v w="$WITHIN" '$3 - t >= w && $5 != "new" && ++n <= 6 {printf "%s at %d ms: %s %s %s %s %s %s %s; ", $2, ($3 - t) * 1000, $6, $7, $8, $9, $10, $11, $12}
        END {if (n > 6) printf "and %d more", n - 6}' "$rec")
      check "$row $scn: every request started ${WITHIN} s or more after the change got the new version, in all $WORKERS workers (${late% })${viol:+; stale: $viol}" \
        test -z "$viol" -a "$(wc -w <<<"$late")" = "$WORKERS"
    fi
  fi
  stop_servers
}

# probe_fcache ROW: does the extension, loaded by php-fpm with ROW's settings, have the file cache?
# FCACHE=1/0 (or "" if it did not load: a FAIL)
probe_fcache() {
  local b
  FCACHE=""
  build_app rewrite_same
  row_settings "$1"
  start_servers || { stop_servers; return; }
  b=$(dreq "$NPORT" "probe=1") || fail "probe request: no whole page: $(tr '\n' ' ' <<<"$b")"
  stop_servers
  if [ "$(field wincache <<<"$b")" != 1 ]; then
    fail "wincache is not loaded in php-fpm with extension=$SO"
    return
  fi
  FCACHE=$(field fcache <<<"$b")
  OPCSYNC=$(field opcsync <<<"$b")
}

# --- the run ------------------------------------------------------------------------------------
matrix
scenarios
RUN_ROWS=() RUN_SCNS=() SKIPS=()
for r in "${ROWS[@]}"; do
  if [ -n "${DEPLOY_ROWS:-}" ]; then in_list "$r" "$DEPLOY_ROWS" || { ROW_SKIP[$r]="not run (DEPLOY_ROWS)"; continue; }
  elif ((!ROW_CORE[$r] && !FULL)) && ! { ((!HAVE_OPC)) && [ "$r" = php_noopc ]; }; then
    ROW_SKIP[$r]="not run (DEPLOY_FULL=1)"; continue
  fi
  if ((ROW_OPC[$r] && !HAVE_OPC)); then ROW_SKIP[$r]="skipped: OPcache is not installed"; continue; fi
  if ((ROW_WC[$r])) && [ "$SO" = stub ]; then ROW_SKIP[$r]="skipped: stub (no extension)"; continue; fi
  RUN_ROWS+=("$r")
done
for s in "${SCENARIOS[@]}"; do
  if [ -n "${DEPLOY_SCENARIOS:-}" ]; then in_list "$s" "$DEPLOY_SCENARIOS" && RUN_SCNS+=("$s")
  elif ((SCN_CORE[$s] || FULL)); then RUN_SCNS+=("$s")
  fi
done
info "rows: ${RUN_ROWS[*]}; scenarios: ${RUN_SCNS[*]}; bound ${BOUND} s; storm $STORM files"

FCACHE=""
OPC_UNCHECKED=()
for r in "${RUN_ROWS[@]}"; do
  checked=${DEPLOY_CHECK:-0}
  if ((ROW_WC[$r])); then
    if [ -z "$FCACHE" ]; then
      probe_fcache "$r"
      [ -n "$FCACHE" ] || FCACHE=error
      info "the file cache with change notifications in php-fpm (prepend.php fcache=) = $FCACHE"
    fi
    if [ "$FCACHE" = error ]; then ROW_SKIP[$r]="error: wincache did not load"; continue; fi
    if [ "$FCACHE" = 1 ] && ((!ROW_OPC[$r])); then checked=1
    elif [ "$FCACHE" = 1 ] && [ "$OPCSYNC" = 1 ] && [[ " ${ROW_INI[$r]} " != *" wincache.opcache_invalidate=0 "* ]]; then
      checked=1  # wincache tells OPcache what changed (issue 19, design §7)
    elif [ "$FCACHE" = 1 ]; then
      # OPcache keeps compiled scripts by its own validation (revalidate_freq, mtimes) unless
      # wincache tells it: without that (an older build, or opcache_invalidate=0) measured only.
      ((${DEPLOY_CHECK:-0})) || OPC_UNCHECKED+=("$r")
    elif ((!FULL)); then ROW_SKIP[$r]="to be measured when the file cache lands"; continue
    fi
  fi
  for s in "${RUN_SCNS[@]}"; do run_cell "$r" "$s" "$checked"; done
done
if [ "$FCACHE" = 0 ]; then
  echo "SKIP: the wincache freshness checks (every scenario fresh in every worker within ${WITHIN} s, in the PHP + wincache rows): this wincache.so has no file cache with change notifications (prepend.php's fcache=0 in php-fpm)$( ((FULL)) && echo "; its rows were measured, unchecked" || echo "; its rows are not measured")"
  SKIPS+=("wincache freshness checks: no file cache with notifications")
fi
if ((${#OPC_UNCHECKED[@]})); then
  echo "SKIP: the wincache freshness checks in the rows with OPcache not told (${OPC_UNCHECKED[*]}): measured, not checked: OPcache serves what it compiled until wincache invalidates it (issue 19: wincache.opcache_invalidate=1 and a build that has it); the other rows are checked"
  SKIPS+=("wincache + OPcache rows where OPcache is not told: unchecked")
fi
check "warm-up: in every cell all $WORKERS workers served the old version (and OPcache held every file of the app where it is on)" test "$WARM_BAD" = 0

# --- the table ----------------------------------------------------------------------------------
{
  echo "# deploy: time to fresh (ms; the slowest of $WORKERS php-fpm workers)"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(php-fpm8.2 -v 2>/dev/null | head -1 | cut -d' ' -f1-2), $(nproc) cores, bound ${BOUND} s$( ((FULL)) && echo ", DEPLOY_FULL=1")."
  echo "A worker's time: from the end of the change to when it looked at the files in the first"
  echo "request after which it served only the new version. Polls are one request in each worker at"
  echo "once, back to back: a cell \"A–B\" is the slowest worker's last poll that was not new (A)"
  echo "and its first poll that was (B); \"≤ B\": new from the first poll on."
  echo
  printf '| scenario |'; for r in "${ROWS[@]}"; do printf ' %s |' "$r"; done; echo
  printf '|---|'; for r in "${ROWS[@]}"; do printf -- '---|'; done; echo
  for s in "${SCENARIOS[@]}"; do
    printf '| %s |' "$s"
    for r in "${ROWS[@]}"; do
      if [ -n "${ROW_SKIP[$r]:-}" ]; then printf ' %s |' "${ROW_SKIP[$r]}"
      elif [ -n "${CELL[$r,$s]:-}" ]; then printf ' %s |' "${CELL[$r,$s]}"
      else printf ' not run |'
      fi
    done
    echo
  done
  echo
  for r in "${ROWS[@]}"; do echo "- $r: ${ROW_LABEL[$r]}: ${ROW_INI[$r]}"; done
  for s in "${SCENARIOS[@]}"; do echo "- $s: ${SCN_DESC[$s]}"; done
} >"$OUT"
echo "---- the table: $OUT"
cat "$OUT"
echo "----"
((CELLS_RUN > 0)) || fail "no cell could be measured"
if ((${#SKIPS[@]})); then info "skipped: ${SKIPS[*]}"; fi
