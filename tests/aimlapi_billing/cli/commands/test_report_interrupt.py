"""Ctrl-C and ``report --html``: before "wrote FILE" it is exit 130 with the old file kept, even when
the signal lands where matplotlib would swallow it; after "wrote FILE" it changes nothing (exit 0)."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fake_api.seeded_store import SeededKey, seed

from aimlapi_billing._cli import main

pytest.importorskip("matplotlib")
END = datetime.datetime(2026, 11, 30, 12, tzinfo=datetime.UTC)
WINDOW = ["--start", "2026-11-01T00:00:00Z", "--end", "2026-11-30T12:00:00Z"]


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "spend.db"
    seed(f"sqlite:///{path}", [SeededKey("a1b2c3d4", "search", Decimal(50))], ["gpt-4o"], end=END, days=10, per_day=6)
    return path


class _InterruptedFinalizer:
    """Gets Ctrl-C in its finalizer, where Python only prints "Exception ignored in" (as matplotlib's
    caches and ``except Exception`` around its imports do): a KeyboardInterrupt raised there is lost."""

    def __del__(self) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):  # the handler runs between bytecodes, inside this finalizer
            pass


def test_ctrl_c_while_drawing_is_raised_before_the_file_is_replaced(
    store: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from aimlapi_billing.report import _page

    drawn = _page.render

    def render(*args: Any) -> str:
        _InterruptedFinalizer()  # collected at once: its interrupt is swallowed unless held
        return drawn(*args)

    monkeypatch.setattr(_page, "render", render)
    page = store.parent / "page.html"
    page.write_text("old\n")
    with pytest.raises(KeyboardInterrupt):
        main(["report", "--db", str(store), *WINDOW, "--html", str(page)])
    assert page.read_text() == "old\n"
    assert "wrote" not in capsys.readouterr().err
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # put back as it was


def test_ctrl_c_right_after_wrote_file_is_still_exit_0(store: Path) -> None:
    """The interpreter's shutdown after the success line (matplotlib's takes a while) ignores SIGINT."""
    page = store.parent / "page.html"
    command = [str(Path(sys.executable).parent / "aimlapi-billing"), "report", "--db", str(store), *WINDOW]
    for _ in range(3):
        with subprocess.Popen([*command, "--html", str(page)], stderr=subprocess.PIPE) as process:
            assert process.stderr is not None
            wrote = process.stderr.readline().decode()
            process.send_signal(signal.SIGINT)
            rest = process.stderr.read().decode()
        assert wrote.startswith(f"wrote {page} ("), wrote + rest
        assert (process.returncode, rest) == (0, "")
        assert page.read_text().endswith("</html>\n")
