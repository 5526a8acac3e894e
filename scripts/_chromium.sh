# Sourced by test.sh: makes sure Debian's `chromium` package is installed, since the `report --html`
# tests open the page in a real headless browser (driven by Playwright through executable_path:
# Playwright's own browser builds are never downloaded). Installs it with apt-get when missing
# (about 35 s on a fresh Debian 12 machine, apt-get update included; measured in docs/cli/report-html.md).

ensure_chromium() {
  if command -v chromium >/dev/null 2>&1; then
    return 0
  fi
  source "${BASH_SOURCE[0]%/*}/_apt.sh"
  apt_install chromium "the report --html tests need a headless browser (chromium)" || return 1
  if ! command -v chromium >/dev/null 2>&1; then
    echo "error: the chromium package is installed but chromium is not on PATH" >&2
    return 1
  fi
}

ensure_chromium
