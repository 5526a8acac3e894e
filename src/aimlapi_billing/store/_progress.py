"""The progress line of a long sync, on a terminal only."""

from __future__ import annotations

import time
from collections.abc import Callable


class Progress:
    """The progress line (a terminal only): rows, pages, rate, and an ETA from the share of the
    current walk's window covered."""

    def __init__(self, write: Callable[[str], None] | None, checkpoint: Callable[[], None] | None = None) -> None:
        self._write = write
        self._checkpoint = checkpoint
        self._started = time.monotonic()
        self._shown = 0.0
        self.rows = 0  # of the whole run: the rate
        self._what = ""
        self._what_rows = 0  # of the walk the line names (the ledger's rows are not a key's logs)
        self._what_pages = 0

    def checkpoint(self) -> None:
        """A safe point (a page written, a record done): the caller's check, which may raise
        (the CLI's: a Ctrl-C whose KeyboardInterrupt was dropped)."""
        if self._checkpoint is not None:
            self._checkpoint()

    def page(self, what: str, rows: int, covered: float) -> None:
        self.checkpoint()
        if what != self._what:
            self._what, self._what_rows, self._what_pages = what, 0, 0
        self.rows += rows
        self._what_rows += rows
        self._what_pages += 1
        now = time.monotonic()
        if self._write is None or now - self._shown < 0.2:
            return
        self._shown = now
        elapsed = now - self._started
        rate = self.rows / elapsed if elapsed > 0 else 0.0
        eta = f", {what} ETA {elapsed * (1 - covered) / covered:.0f}s" if 0 < covered < 1 else ""
        self._write(f"sync: {what}: {self._what_rows:,} rows, {self._what_pages:,} pages, {rate:,.0f} rows/s{eta}")

    def done(self) -> None:
        if self._write is not None:
            self._write("")
