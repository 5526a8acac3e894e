#!/usr/bin/env bash
# Every check and test: style, then the whole pytest suite (which also runs the OpenAPI linters of
# tools/lint, and Prometheus and promtool) on pytest-xdist workers (--dist worksteal, in
# pyproject.toml), with the type checks and the drift check beside it. Extra arguments go to pytest,
# after its -n: `-k foo`, `-x`, `-m "not slow"`, `-n 0` (one process).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
started=$SECONDS
step() { echo "== $1 (set-up and checks so far: $((SECONDS - started)) s)"; }

# The set-up steps that need neither each other nor .venv run side by side with the venv's pip
# install (on a fresh machine: pip ~1-2 min, npm ci and apt-get tens of seconds each): the pinned
# OpenAPI linters, and Debian's Prometheus and PostgreSQL (one apt-get at a time: dpkg's lock).
# Each is awaited, and its failure fails this script, before the first check.
install_linters() {
  local stamp="tools/lint/node_modules/.aimlapi-billing-stamp" wanted
  wanted="$(sha256sum tools/lint/package-lock.json | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    echo "bootstrap: installing the pinned OpenAPI linters (tools/lint)" >&2
    (cd tools/lint && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
    echo "$wanted" >"$stamp"
  fi
}
install_servers() {
  # The monitoring tests run a real Prometheus and promtool, the store tests a real PostgreSQL
  # server, the report --html tests a headless Chromium (Debian's packages, via apt-get when missing).
  source "$here/_prometheus.sh"
  source "$here/_postgres.sh"
  source "$here/_chromium.sh"
}
# Bytecode caches on, whatever the caller's environment says: the suite starts hundreds of Python
# processes (the CLI, the exporter, nested regenerations and pytest runs) and each would compile the
# package, the generated client and the scripts again, and pytest rewrite every test module in each
# worker. They go to __pycache__/, which git ignores; so the venv's modules are compiled as they are
# first imported, not all of them up front (_bootstrap.sh).
unset PYTHONDONTWRITEBYTECODE
# The FOCUS validator (../shared/tools/focus-validate) builds a Python 3.12 venv on its first run, about
# two minutes: started first, in the background, so the export test finds it ready. The test waits for it
# on the same lock (tests/helpers/focus_validator.py, standard library only); the warm-up ends by itself.
python3 "$here/../tests/helpers/focus_validator.py" >/dev/null 2>&1 &
(cd "$here/.." && install_linters) &
linters=$!
(install_servers) &
servers=$!
source "$here/_bootstrap.sh"
wait "$linters" || { echo "error: the OpenAPI linters could not be installed (above)" >&2; exit 1; }
wait "$servers" || exit 1

step ruff
ruff check src scripts tests benchmarks
ruff format --check src scripts tests benchmarks
if [ -n "$BOOTSTRAP_COMPILING" ]; then
  wait "$BOOTSTRAP_COMPILING" || true # only a speed-up: see _bootstrap.sh
fi
# The type checks and the drift check (a regeneration) run beside the suite, not before it: the
# suite's workers spend part of their time waiting on servers and child processes, and these fill it
# (~18 s of wall time saved on 2 cores). Their output is shown when the suite ends; either failing
# fails this script, as the suite does.
step "pytest, with mypy --strict and the drift check beside it"
checks_output="$(mktemp)"
(
  python scripts/regenerate.py --check --quiet &
  drift=$!
  mypy src scripts/specpipeline scripts/releasing scripts/fake_api_server.py scripts/fake_api scripts/docs_site.py &&
    MYPYPATH=scripts mypy benchmarks || { wait "$drift"; echo "error: mypy failed (above)"; exit 1; }
  wait "$drift" || { echo "error: the drift check failed (above)"; exit 1; }
) >"$checks_output" 2>&1 &
checks=$!
# One worker more than the cores (3 on 2: 5 min 17 s -> 4 min 59 s measured, same tests): a worker
# waiting on a server or a child leaves its core to the others.
status=0
python -m pytest -n "$(($(nproc) + 1))" "$@" || status=$?
if wait "$checks"; then
  cat "$checks_output"
else
  cat "$checks_output" >&2
  status=1
fi
rm -f "$checks_output"
exit "$status"
