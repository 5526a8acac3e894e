"""Ctrl-C that always ends a run (exit 130), even when Python drops its KeyboardInterrupt.

Python runs a SIGINT handler in the main thread between two bytecodes, wherever they are. When that
is a weakref callback or a ``__del__`` (the import system's module locks have one), the
KeyboardInterrupt it raises is printed as "Exception ignored in ..." and dropped, and the run would
go on to its end and exit 0. So :func:`install`'s handler records the interrupt before it raises, and
a command calls :func:`check` at its safe points (each page, between records, before its last line):
an interrupt recorded there raises again, and the run ends as any Ctrl-C does."""

from __future__ import annotations

import signal
import sys
import threading
from types import FrameType

_recorded = threading.Event()
#: _common's PROG and EXIT_INTERRUPTED, not imported from there: this module loads before the SDK does.
_LINE = "aimlapi-billing: interrupted (Ctrl-C)"
_EXIT = 130


def _handler(signum: int, frame: FrameType | None) -> None:
    _recorded.set()
    raise KeyboardInterrupt


def install() -> None:
    """Handle SIGINT with the recording handler (the process's entry point calls it; the main thread
    only: elsewhere Python refuses a handler, and nothing changes)."""
    _recorded.clear()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _handler)


def check() -> None:
    """KeyboardInterrupt if a Ctrl-C was recorded: its first exception may have been dropped."""
    if _recorded.is_set():
        raise KeyboardInterrupt


def stopped() -> int:
    """The one line of an interrupted run, on stderr; its exit code (130)."""
    print(_LINE, file=sys.stderr)
    return _EXIT
