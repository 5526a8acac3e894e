# Sourced by _prometheus.sh, _postgres.sh and _chromium.sh: apt_install PACKAGE WHY [SERVICE] installs
# Debian's PACKAGE with apt-get (via sudo -n when not root) without starting its system service, and
# disables SERVICE on a systemd machine (none for a package without one); WHY says what needs it, in
# every error.

apt_install() {
  local package="$1" why="$2" service="${3:-}"
  local sudo=()
  if [ "$(id -u)" != 0 ]; then
    if ! command -v sudo >/dev/null 2>&1 || ! sudo -n true 2>/dev/null; then
      echo "error: $why; install it with" >&2
      if [ -n "$service" ]; then
        echo "  sudo apt-get install --no-install-recommends $package   (then: sudo systemctl disable --now $service)" >&2
      else
        echo "  sudo apt-get install --no-install-recommends $package" >&2
      fi
      return 1
    fi
    sudo=(sudo -n)
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: $why, and this is not a Debian system (no apt-get): install $package yourself" >&2
    return 1
  fi
  echo "bootstrap: installing Debian's $package package with apt-get" >&2
  # policy-rc.d answering 101 is Debian's documented way to keep maintainer scripts from starting
  # a service (invoke-rc.d and deb-systemd-invoke both ask it); only ours is removed afterwards.
  # (AIMLAPI_BILLING_POLICY_RC_D lets the set-up's own tests use a scratch path.)
  local policy="${AIMLAPI_BILLING_POLICY_RC_D:-/usr/sbin/policy-rc.d}" own_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
    "${sudo[@]}" chmod 755 "$policy"
    own_policy=1
  fi
  local log status=0
  log="$(mktemp)"
  {
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$package"
  } >"$log" 2>&1 || status=$?
  if [ "$own_policy" = 1 ]; then
    "${sudo[@]}" rm -f "$policy"
  fi
  if [ "$status" != 0 ]; then
    tail -n 20 "$log" >&2
    rm -f "$log"
    echo "error: apt-get could not install the $package package (exit $status, last lines above); $why" >&2
    return 1
  fi
  rm -f "$log"
  # On a systemd machine the package enables its unit for the next boot: undo that, the tests start
  # their own server on a loopback port.
  if [ -n "$service" ] && [ -d /run/systemd/system ]; then
    "${sudo[@]}" systemctl disable --now "$service" >/dev/null 2>&1 || true
  fi
}
