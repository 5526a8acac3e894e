"""The FinOps Foundation's FOCUS validator for the tests: ``../shared/tools/focus-validate`` (PyPI
focus-validator 2.2.1 in a Python 3.12 venv it builds under ~/.cache on its first run, ~2 minutes).

Runs hold an exclusive lock, so ``scripts/test.sh``'s background warm-up (``python
tests/helpers/focus_validator.py``, started before pytest) and the suite's first validation never build the
venv twice at once: the test waits for the warm-up instead. A helpers module, not a test module."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT.parent / "shared" / "tools" / "focus-validate"
_RESULT = re.compile(r"^\S+ ([A-Za-z]+-[A-Z]-[0-9]{3}-[A-Z]): (PASS|FAIL|SKIPPED)", re.MULTILINE)
#: The validator's run, the first one's venv build included (measured ~120 s on 2 shared cores).
TIMEOUT = 900


@dataclass(frozen=True)
class Validation:
    code: int
    failed: frozenset[str]
    passed: frozenset[str]
    output: str


def _lock_path() -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    cache.mkdir(parents=True, exist_ok=True)
    return cache / "focus-validator.aimlapi-billing.lock"


@contextlib.contextmanager
def _locked() -> Iterator[None]:
    with open(_lock_path(), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def validate(path: Path) -> Validation:
    """The validator's verdict on the CSV at ``path``: exit code, the rules failed and passed."""
    with _locked():
        done = subprocess.run(
            [str(TOOL), str(path)], capture_output=True, text=True, timeout=TIMEOUT, cwd=path.parent, check=False
        )
    output = done.stdout + done.stderr
    results = _RESULT.findall(output)
    return Validation(
        done.returncode,
        frozenset(rule for rule, verdict in results if verdict == "FAIL"),
        frozenset(rule for rule, verdict in results if verdict == "PASS"),
        output,
    )


def warm() -> int:
    """Build the validator's venv now (a one-row file validated, its verdict ignored)."""
    if not TOOL.exists():
        return 0
    with tempfile.TemporaryDirectory() as directory:
        sample = Path(directory) / "warm.csv"
        sample.write_text("BilledCost\n1.0\n")
        return 0 if validate(sample).code in (0, 1) else 1


if __name__ == "__main__":
    sys.exit(warm())
