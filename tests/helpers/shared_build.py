"""A directory built once per test session, however many pytest-xdist workers ask for it. A helpers
module, not a test module."""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """``name``, filled by ``build`` once per session, for fixtures whose tests only read it.

    Under pytest-xdist the first worker to ask builds it in the session's temporary root (each
    worker's basetemp is ``<root>/popen-gwN``: the root is this session's alone) while the others
    wait on a lock, then read the same directory. A build that fails leaves no mark of completion:
    the next worker builds again, and fails its own tests the same way. Without xdist: in basetemp.
    """
    if "PYTEST_XDIST_WORKER" not in os.environ:
        directory = tmp_path_factory.mktemp(name)
        build(directory)
        return directory
    root = tmp_path_factory.getbasetemp().parent
    directory, done = root / f"shared-{name}", root / f"shared-{name}.done"
    with open(root / f"shared-{name}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(directory, ignore_errors=True)
            directory.mkdir()
            build(directory)
            done.touch()
    return directory
