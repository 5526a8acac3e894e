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
  # --no-compile: pip compiles the ~5,600 installed modules one by one (~15 s of one core); they are
  # compiled below by compileall on every core, beside the steps that follow (see BOOTSTRAP_COMPILING).
  "$VENV/bin/python" -m pip install --quiet --no-compile --requirement "$ROOT/requirements/dev.txt" \
    2> >(grep -v "^WARNING: Location" >&2)
  "$VENV/bin/python" -m pip install --quiet --no-deps --no-build-isolation --editable "$ROOT"
  # Compiled bytecode is only a speed-up: a file that does not compile (pip skips those too) fails
  # nothing here, its import does. Only where PYTHONDONTWRITEBYTECODE is set: nothing else would
  # compile the modules then. Without it each module is compiled, and its cache written, at its first
  # import: test.sh unsets it, and its processes import ~1 in 5 of the ~5,600 installed modules.
  if [ -n "${PYTHONDONTWRITEBYTECODE:-}" ]; then
    local site
    site="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    "$VENV/bin/python" -m compileall -q -j 0 "$site" >/dev/null 2>&1 &
    BOOTSTRAP_COMPILING=$!
  fi
  echo "$wanted" >"$stamp"
}

# The pid of the background compileall after a fresh install, else empty: scripts that run many
# Python processes (test.sh, before pytest) wait for it.
BOOTSTRAP_COMPILING=""
bootstrap
export PATH="$VENV/bin:$PATH"
cd "$ROOT"
