"""Ctrl-C that always ends a run (exit 130), even where Python or a library drops its KeyboardInterrupt.

Python runs a SIGINT handler in the main thread between two bytecodes, wherever they are. When that
is a weakref callback or a ``__del__`` (the import system's module locks have one), the
KeyboardInterrupt it raises is printed as "Exception ignored in ..." and dropped, and the run would
go on to its end and exit 0. So :func:`install`'s handler records the interrupt before it raises, and
a command calls :func:`check` at its safe points (each page, between records, before its last line):
an interrupt recorded there raises again, and the run ends as any Ctrl-C does.

matplotlib catches ``Exception`` around its imports and prints ``Exception ignored in`` for errors in
finalizers: a KeyboardInterrupt raised inside the drawing can be swallowed, and the page written
anyway. So while a page is drawn (:func:`held_interrupt`) SIGINT is only recorded, and raised as
KeyboardInterrupt by :meth:`Held.check` once the drawing has returned, before anything is replaced.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

_recorded = threading.Event()


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


class Held:
    """Whether SIGINT came while held; :meth:`check` raises it as KeyboardInterrupt."""

    def __init__(self) -> None:
        self.caught = False

    def record(self, signum: int, frame: FrameType | None) -> None:
        self.caught = True

    def check(self) -> None:
        if self.caught:
            self.caught = False
            raise KeyboardInterrupt


@contextmanager
def held_interrupt() -> Iterator[Held]:
    """Record SIGINT instead of raising it, until the block ends (then the handler before is back).
    Only in the main thread (the only one a signal handler can be set from), and only over Python's
    own Ctrl-C handler, :func:`install`'s or another hold: a program's own handler, or SIGINT
    ignored, is left alone."""
    held = Held()
    if threading.current_thread() is not threading.main_thread():
        yield held
        return
    previous = signal.getsignal(signal.SIGINT)
    ours = getattr(previous, "__self__", None)
    if previous is not signal.default_int_handler and previous is not _handler and not isinstance(ours, Held):
        yield held
        return
    signal.signal(signal.SIGINT, held.record)
    try:
        yield held
    finally:
        signal.signal(signal.SIGINT, previous)
