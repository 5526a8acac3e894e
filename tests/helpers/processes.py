"""Processes the tests start and stop by their PID: a command with its output in a log, waiting for a
condition with a bound, and the exporter's port read from its banner."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CLI = str(Path(sys.executable).parent / "aimlapi-billing")


#: Generous: Prometheus scrapes every second; this bounds a wait for one condition on a busy machine.
PATIENCE = 30.0


@contextlib.contextmanager
def process(command: list[str], log: Path, env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``command`` with its output in ``log``; stop it by its PID (SIGTERM, then SIGKILL) on exit."""
    with log.open("wb") as output:
        child = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env)
    try:
        yield child
    finally:
        if child.poll() is None:
            os.kill(child.pid, signal.SIGTERM)
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(child.pid, signal.SIGKILL)
                child.wait(timeout=15)
    assert child.returncode is not None


def wait_for(what: str, check: Callable[[], Any], log: Path | None = None) -> Any:
    deadline = time.monotonic() + PATIENCE
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            shown = log.read_text(errors="replace")[-2000:] if log is not None else ""
            pytest.fail(f"waited {PATIENCE} s for {what}\n{shown}")
        time.sleep(0.2)


def exporter_port(log: Path) -> int:
    def banner() -> int | None:
        found = re.search(r"serving http://127\.0\.0\.1:(\d+)/", log.read_text(errors="replace"))
        return int(found[1]) if found else None

    port: int = wait_for("the exporter's banner", banner, log)
    return port
