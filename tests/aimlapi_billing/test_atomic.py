"""``_atomic.replacing``: the old file or the new one, never a part, whatever stops the writer."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from aimlapi_billing._atomic import replacing


def test_the_new_file_replaces_the_old_one_whole_readable_by_all(tmp_path: Path) -> None:
    target = tmp_path / "spend.csv"
    target.write_text("old\n")
    with replacing(target, text=True) as file:
        file.write("new,é\n")
        assert target.read_text() == "old\n"  # nothing shows before the block ends
    assert target.read_text(encoding="utf-8") == "new,é\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert os.listdir(tmp_path) == ["spend.csv"]


@pytest.mark.parametrize("stop", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_an_error_or_an_interrupt_leaves_the_old_file_and_no_temporary_one(tmp_path: Path, stop: BaseException) -> None:
    target = tmp_path / "metrics.prom"
    target.write_bytes(b"old\n")

    def write_half() -> None:
        with replacing(target) as file:
            file.write(b"half a")
            raise stop

    with pytest.raises(type(stop)):
        write_half()
    assert target.read_bytes() == b"old\n"
    assert os.listdir(tmp_path) == ["metrics.prom"]


@pytest.mark.parametrize("path", ["/dev/null", "."])
def test_what_is_not_a_regular_file_is_never_replaced(tmp_path: Path, path: str) -> None:
    target = Path(path) if path.startswith("/") else tmp_path
    with pytest.raises(OSError, match="not a regular file"), replacing(target):
        pass
    assert target.exists()
