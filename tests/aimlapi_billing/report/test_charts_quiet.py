"""``report --html`` says nothing on stderr but its own lines: no matplotlib warning for a glyph the
fonts lack or a control character in a label, none for a home it cannot write its cache to. Run as a
real process, so that matplotlib is imported fresh, as a user's run does."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from fake_api.seeded_store import SeededKey, seed

END = datetime.datetime(2026, 11, 30, 12, tzinfo=datetime.UTC)
MODELS = ["bell\x07and\ttab", "emoji \U0001f600 \U0001f4b8 model", "\u202eright-to-left", "plain"]


@pytest.mark.parametrize("home", ["writable", "unwritable"])
def test_stderr_holds_only_the_commands_own_lines(tmp_path: Path, home: str) -> None:
    pytest.importorskip("matplotlib")
    store = tmp_path / "spend.db"
    seed(f"sqlite:///{store}", [SeededKey("a1b2c3d4", "k\x1bname", Decimal(5))], MODELS, end=END, days=3, per_day=8)
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"MPLCONFIGDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"}
    }
    # A file where the home should be: nothing under it can be made, even by root.
    (tmp_path / "home-file").write_text("")
    environment["HOME"] = str(tmp_path / "home") if home == "writable" else str(tmp_path / "home-file" / "home")
    page = tmp_path / "page.html"
    argv = ["report", "--db", str(store), "--start", "2026-11-27", "--end", "2026-11-30T12:00:00Z", "--by", "key"]
    done = subprocess.run(
        [sys.executable, "-m", "aimlapi_billing", *argv, "--html", str(page)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [f"wrote {page} ({page.stat().st_size:,} bytes)"]
    charts = "".join(part.partition("</svg>")[0] for part in page.read_text().split("<svg")[1:])
    assert "right-to-left" in charts
    assert not [character for character in charts if character in "\x07\x1b\u202e"]
    assert "\U0001f600" in charts  # the text is kept: the reader's browser draws the glyph
    assert not list(tmp_path.glob("home-file*/**/matplotlib"))
