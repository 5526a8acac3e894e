# Sourced by test.sh: makes sure Debian's `prometheus` package (prometheus and promtool, 2.42 on
# Debian 12) is installed, since the monitoring tests start a real Prometheus and run promtool.
# Installs it with apt-get when missing, without starting its system service.

ensure_prometheus() {
  if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then
    return 0
  fi
  # ${BASH_SOURCE%/*}: no dirname (the set-up's tests run this with a minimal PATH).
  source "${BASH_SOURCE[0]%/*}/_apt.sh"
  apt_install prometheus "the monitoring tests need prometheus and promtool" prometheus.service || return 1
  if ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1; then
    echo "error: the prometheus package is installed but prometheus or promtool is not on PATH" >&2
    return 1
  fi
}

ensure_prometheus
