"""``_atomic.replacing``: the old file or the new one, never a part, whatever stops the writer."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from aimlapi_billing._atomic import replacing


def test_the_new_file_replaces_the_old_one_whole_keeping_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "spend.csv"
    target.write_text("old\n")
    target.chmod(0o644)
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


@pytest.mark.parametrize("kept", [0o600, 0o640, 0o664])
def test_an_existing_file_keeps_its_mode(tmp_path: Path, kept: int) -> None:
    target = tmp_path / "private.html"
    target.write_text("old")
    target.chmod(kept)
    with replacing(target) as file:
        file.write(b"new")
    assert (target.read_bytes(), stat.S_IMODE(target.stat().st_mode)) == (b"new", kept)


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002])
def test_a_new_file_gets_what_open_would_give_it(tmp_path: Path, mask: int) -> None:
    previous = os.umask(mask)
    try:
        with replacing(tmp_path / "new.html") as file:
            file.write(b"new")
        with (tmp_path / "by-open.html").open("wb"):
            pass
    finally:
        os.umask(previous)
    wanted = stat.S_IMODE((tmp_path / "by-open.html").stat().st_mode)
    assert stat.S_IMODE((tmp_path / "new.html").stat().st_mode) == wanted == 0o666 & ~mask


def test_an_explicit_mode_wins_over_the_umask_and_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "aimlapi.prom"
    target.write_text("old")
    target.chmod(0o600)
    previous = os.umask(0o077)
    try:
        with replacing(target, mode=0o644) as file:
            file.write(b"new")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_a_symlink_is_written_through_to_its_target(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    real = tmp_path / "shared" / "report.html"
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "report.html"
    link.symlink_to(real)
    with replacing(link) as file:
        file.write(b"new")
    assert link.is_symlink()
    assert os.readlink(link) == str(real)
    assert (real.read_bytes(), stat.S_IMODE(real.stat().st_mode)) == (b"new", 0o640)
    assert sorted(os.listdir(tmp_path / "shared")) == ["report.html"]


@pytest.mark.parametrize("name", ["r" * 250 + ".html", "é" * 125 + ".html"])
def test_a_name_near_the_file_systems_limit_is_written(tmp_path: Path, name: str) -> None:
    assert len(name.encode()) >= 250
    target = tmp_path / name
    with replacing(target) as file:
        file.write(b"page")
    assert target.read_bytes() == b"page"
    assert os.listdir(tmp_path) == [name]
