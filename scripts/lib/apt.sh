# Sourced by scripts/setup.sh and scripts/setup-tests.sh: installs the Debian packages given that
# are not installed yet (as root, or through sudo). `who` names the caller in its messages.
apt_install_missing() { # who package...
  local who=$1 missing=() p
  shift
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  local as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then as_root=(sudo); else
      echo "$who: run as root (or install sudo) to install: ${missing[*]}" >&2; exit 1; fi
  fi
  echo "$who: installing ${missing[*]}"
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
