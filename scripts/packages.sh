# scripts/packages.sh: sourced by scripts/test.sh, serve.sh and bench.sh (not run).
#
#   ensure_packages WHO PACKAGE...   installs the Debian packages that are missing (apt-get, as
#                                    root); not root and something missing: says what, exits 2
ensure_packages() {
  local who=$1 p
  shift
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  if [ "$(id -u)" != 0 ]; then
    echo "$who: missing packages and not root: run as root or install them: ${missing[*]}" >&2
    exit 2
  fi
  echo "$who: installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    { echo "$who: apt-get install failed" >&2; exit 2; }
}
