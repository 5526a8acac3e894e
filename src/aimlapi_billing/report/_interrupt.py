"""Ctrl-C held while the page is drawn and put in place.

matplotlib catches ``Exception`` around its imports and prints ``Exception ignored in`` for errors in
finalizers: a KeyboardInterrupt raised inside the drawing can be swallowed, and the page written
anyway. So SIGINT is only recorded while drawing, and raised as KeyboardInterrupt by :meth:`Held.check`
once the drawing has returned, before anything is replaced. A Ctrl-C after the check (the rename, the
"wrote" line) is dropped: the page is in place, and the command's success stands.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


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
    own Ctrl-C handler or another hold: a program's own handler, or SIGINT ignored, is left alone."""
    held = Held()
    if threading.current_thread() is not threading.main_thread():
        yield held
        return
    previous = signal.getsignal(signal.SIGINT)
    ours = getattr(previous, "__self__", None)
    if previous is not signal.default_int_handler and not isinstance(ours, Held):
        yield held
        return
    signal.signal(signal.SIGINT, held.record)
    try:
        yield held
    finally:
        signal.signal(signal.SIGINT, previous)
