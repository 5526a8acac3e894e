# Sourced by the scripts in this folder: makes .venv (Python >= 3.11) with the pinned tools of
# requirements/dev.txt and this project installed editable, reinstalling when either changes.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${AIMLAPI_BILLING_VENV:-$ROOT/.venv}"
export PIP_DISABLE_PIP_VERSION_CHECK=1

find_python() {
  local candidate
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  echo "error: Python 3.11 or newer is needed (openapi-python-client requires it)" >&2
  return 1
}

bootstrap() {
  local stamp="$VENV/.aimlapi-billing-stamp" wanted
  wanted="$(cat "$ROOT/requirements/dev.txt" "$ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1)"
  if [ -x "$VENV/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$wanted" ]; then
    return 0
  fi
  echo "bootstrap: preparing $VENV from requirements/dev.txt" >&2
  rm -rf "$VENV"
  "$(find_python)" -m venv "$VENV"
  # The filter hides a harmless warning some pip configurations print once per package.
  "$VENV/bin/python" -m pip install --quiet --requirement "$ROOT/requirements/dev.txt" 2> >(grep -v "^WARNING: Location" >&2)
  "$VENV/bin/python" -m pip install --quiet --no-deps --no-build-isolation --editable "$ROOT"
  echo "$wanted" >"$stamp"
}

bootstrap
export PATH="$VENV/bin:$PATH"
cd "$ROOT"
