#!/usr/bin/env bash
# Every check and test: style and types, the drift check, then the whole pytest suite (which also
# runs the OpenAPI linters of tools/lint, and Prometheus and promtool) on one pytest-xdist worker
# per core (--dist worksteal, in pyproject.toml). Extra arguments go to pytest, after -n auto:
# `-k foo`, `-x`, `-m "not slow"`, `-n 0` (one process).
source "$(dirname "${BASH_SOURCE[0]}")/_bootstrap.sh"
# The monitoring tests run a real Prometheus and promtool (Debian's package, via apt-get when missing).
source "$(dirname "${BASH_SOURCE[0]}")/_prometheus.sh"
# The store tests run a real PostgreSQL server (Debian's package, via apt-get when missing).
source "$(dirname "${BASH_SOURCE[0]}")/_postgres.sh"
# The report --html tests open the page in headless Chromium (Debian's package, via apt-get when missing).
source "$(dirname "${BASH_SOURCE[0]}")/_chromium.sh"

lint_stamp="tools/lint/node_modules/.aimlapi-billing-stamp"
lint_wanted="$(sha256sum tools/lint/package-lock.json | cut -d' ' -f1)"
if [ "$(cat "$lint_stamp" 2>/dev/null)" != "$lint_wanted" ]; then
  echo "bootstrap: installing the pinned OpenAPI linters (tools/lint)" >&2
  (cd tools/lint && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
  echo "$lint_wanted" >"$lint_stamp"
fi

echo "== ruff"
ruff check src scripts tests benchmarks
ruff format --check src scripts tests benchmarks
echo "== mypy --strict"
mypy src scripts/specpipeline scripts/releasing scripts/fake_api_server.py scripts/fake_api scripts/docs_site.py
MYPYPATH=scripts mypy benchmarks
echo "== drift check"
python scripts/regenerate.py --check --quiet
echo "== pytest"
# Measured on 2 shared cores: a third worker costs a collection and is slower, not faster.
exec python -m pytest -n auto "$@"
