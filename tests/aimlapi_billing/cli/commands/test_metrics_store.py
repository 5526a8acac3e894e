"""``metrics --db``'s one reading: a store that cannot be read is one line on stderr (the command's
error), never the collector's warning besides it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def test_a_missing_store_is_one_line(tmp_path: Path) -> None:
    pytest.importorskip("prometheus_client")
    missing = tmp_path / "missing.db"
    # A process of its own: the collector's warning went through logging's handler of last resort
    # (the real stderr), which an in-process run does not see.
    done = subprocess.run(
        [sys.executable, "-m", "aimlapi_billing", "metrics", "--db", str(missing)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 9
    assert "aimlapi_store_read_success 0.0" in done.stdout
    assert (
        done.stderr
        == f"aimlapi-billing: error: no store at sqlite:///{missing} yet: run `aimlapi-billing sync` first\n"
    )
    assert not missing.exists()
