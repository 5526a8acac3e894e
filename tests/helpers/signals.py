"""The suite's guard on the process's SIGINT handler. A helpers module, not a test module."""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest


def sigint_left_as_found() -> Iterator[None]:
    """Around one test: a test that leaves the process's SIGINT handler changed (the CLI's
    ``entry_point`` ignores SIGINT once its command is done) breaks every later test of its worker
    that interrupts a child with SIGINT, since the child inherits an ignored signal and runs to its end.
    The handler the test found is put back, and the test that changed it fails, named."""
    found = signal.getsignal(signal.SIGINT)
    yield
    left = signal.getsignal(signal.SIGINT)
    if left != found:
        signal.signal(signal.SIGINT, found)
        pytest.fail(f"the test left SIGINT handled by {left!r} (it found {found!r}): restore it", pytrace=False)
