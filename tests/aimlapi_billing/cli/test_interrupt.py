"""Ctrl-C always ends a run with exit 130, even when Python drops its KeyboardInterrupt: a SIGINT
handled inside a ``__del__`` (or a weakref callback, as the import system's module locks have) is
printed as "Exception ignored" and lost; the recorded interrupt raises again at the next safe point."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_api_server import FakeAIMLAPI

from aimlapi_billing._cli import _interrupt


class _Swallower:
    """Delivers SIGINT from its ``__del__``: the handler runs there, and Python drops what it raises."""

    def __del__(self) -> None:
        signal.raise_signal(signal.SIGINT)


@pytest.fixture
def installed() -> Iterator[None]:
    previous = signal.getsignal(signal.SIGINT)
    _interrupt.install()
    try:
        yield
    finally:
        _interrupt.install()  # clears what the test recorded
        signal.signal(signal.SIGINT, previous)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the drop is the point
def test_a_dropped_interrupt_raises_at_the_next_check(installed: None) -> None:
    _interrupt.check()  # nothing recorded: nothing raised
    swallower = _Swallower()
    del swallower  # the KeyboardInterrupt is raised in __del__ and dropped: this line goes on
    with pytest.raises(KeyboardInterrupt):
        _interrupt.check()


def test_the_line_and_code_are_the_clis(capsys: pytest.CaptureFixture[str]) -> None:
    from aimlapi_billing._cli._common import EXIT_INTERRUPTED, PROG

    assert _interrupt.stopped() == EXIT_INTERRUPTED
    assert capsys.readouterr().err == f"{PROG}: interrupted (Ctrl-C)\n"


def test_the_handler_still_raises_where_it_lands(installed: None) -> None:
    with pytest.raises(KeyboardInterrupt):
        signal.raise_signal(signal.SIGINT)
    with pytest.raises(KeyboardInterrupt):
        _interrupt.check()


#: The real entry point, with the first page written followed by a SIGINT that lands in a __del__.
_SYNC = """
import signal, sys
from aimlapi_billing.store import _progress

class Swallower:
    def __del__(self):
        signal.raise_signal(signal.SIGINT)

page = _progress.Progress.page
fired = []

def swallowing(self, *args):
    if not fired:
        fired.append(True)
        swallower = Swallower()
        del swallower
    page(self, *args)

_progress.Progress.page = swallowing
from aimlapi_billing._cli import entry_point
sys.argv = ["aimlapi-billing", *sys.argv[1:]]
entry_point()
"""


def test_sync_ends_with_130_when_the_interrupt_is_dropped(tmp_path: Path) -> None:
    db = tmp_path / "spend.db"
    with FakeAIMLAPI() as server:
        env = {**os.environ, "AIMLAPI_BILLING_BASE_URL": server.url}
        env.pop("AIMLAPI_BILLING_DB", None)
        done = subprocess.run(
            [sys.executable, "-c", _SYNC, "sync", "--db", str(db)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 130, done.stderr
    assert "Exception ignored" in done.stderr  # the interrupt was dropped where it landed ...
    assert done.stderr.endswith("aimlapi-billing: interrupted (Ctrl-C)\n")  # ... and still ended the run
    assert done.stdout == ""
    with sqlite3.connect(db) as connection:  # the run is not recorded as finished
        assert connection.execute("SELECT COUNT(*) FROM sync_runs WHERE finished_us IS NOT NULL").fetchone() == (0,)
