# Sourced by test.sh: makes sure Debian's `prometheus` package (prometheus and promtool, 2.42 on
# Debian 12) is installed, since the monitoring tests start a real Prometheus and run promtool.
# Installs it with apt-get when missing, without starting its system service.

ensure_prometheus() {
  if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then
    return 0
  fi
  local sudo=()
  if [ "$(id -u)" != 0 ]; then
    if ! command -v sudo >/dev/null 2>&1 || ! sudo -n true 2>/dev/null; then
      echo "error: the monitoring tests need prometheus and promtool; install them with" >&2
      echo "  sudo apt-get install --no-install-recommends prometheus   (then: sudo systemctl disable --now prometheus)" >&2
      return 1
    fi
    sudo=(sudo -n)
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: prometheus and promtool are missing and this is not a Debian system (no apt-get);" \
      "install Prometheus 2.42 or newer so that both are on PATH" >&2
    return 1
  fi
  echo "bootstrap: installing Debian's prometheus package (prometheus, promtool) with apt-get" >&2
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
      "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus
  } >"$log" 2>&1 || status=$?
  if [ "$own_policy" = 1 ]; then
    "${sudo[@]}" rm -f "$policy"
  fi
  if [ "$status" != 0 ]; then
    tail -n 20 "$log" >&2
    rm -f "$log"
    echo "error: apt-get could not install the prometheus package (exit $status, last lines above);" \
      "the monitoring tests need prometheus and promtool" >&2
    return 1
  fi
  rm -f "$log"
  # On a systemd machine the package enables its unit for the next boot: undo that, the tests start
  # their own Prometheus on a loopback port.
  if [ -d /run/systemd/system ]; then
    "${sudo[@]}" systemctl disable --now prometheus.service >/dev/null 2>&1 || true
  fi
  if ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1; then
    echo "error: the prometheus package is installed but prometheus or promtool is not on PATH" >&2
    return 1
  fi
}

ensure_prometheus
