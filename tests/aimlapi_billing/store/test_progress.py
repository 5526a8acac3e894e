"""The progress line of a sync: the rows it counts are those of the walk it names (the ledger's rows
are not a key's logs), and each page is a safe point where the caller's check may stop the run."""

from __future__ import annotations

import itertools

import pytest

from aimlapi_billing.store import _progress
from aimlapi_billing.store._progress import Progress


@pytest.fixture(autouse=True)
def slow_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """A second between two readings of the clock: every page gets its line."""
    ticks = itertools.count(1000)
    monkeypatch.setattr(_progress.time, "monotonic", lambda: float(next(ticks)))


def test_the_rows_counted_are_those_of_the_walk_named() -> None:
    lines: list[str] = []
    progress = Progress(lines.append)
    progress.page("ledger", 500, 0.5)
    progress.page("ledger", 200, 1.0)
    progress.page("logs a1b2c3d4", 30, 0.5)
    assert lines[1].startswith("sync: ledger: 700 rows, 2 pages, ")
    assert lines[2].startswith("sync: logs a1b2c3d4: 30 rows, 1 pages, "), lines[2]
    assert progress.rows == 730  # the run's, for its rate


def test_each_page_is_a_safe_point() -> None:
    calls: list[str] = []

    def check() -> None:
        calls.append("check")
        if len(calls) == 2:
            raise KeyboardInterrupt

    progress = Progress(None, check)
    progress.page("ledger", 1, 0.1)
    with pytest.raises(KeyboardInterrupt):
        progress.page("ledger", 1, 0.2)
    assert progress.rows == 1  # the page checked before it was counted
