"""An SQLite store's own files, whatever name reaches them: one writer lock for every alias of the
file (a symlink), and no ``export focus -o`` over the store, its WAL, its index or its lock."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from fake_api_server import FakeAIMLAPI

from aimlapi_billing.store import open_for_sync
from tests.helpers.cli import run


def test_a_symlink_alias_takes_the_same_writer_lock(api: FakeAIMLAPI, tmp_path: Path) -> None:
    real = tmp_path / "data" / "spend.db"
    real.parent.mkdir()
    alias = tmp_path / "alias.db"
    alias.symlink_to(real)
    with open_for_sync(str(real)):
        code, out, err = run("sync", "--db", str(alias))
    assert (code, out) == (8, ""), err
    assert "another sync is writing" in err
    assert not Path(f"{alias}.lock").exists()  # the lock is the real file's, beside it
    assert Path(f"{real}.lock").exists()


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", ".lock"])
@pytest.mark.parametrize("through", ["the path", "a symlink to it", "a relative path"])
def test_export_refuses_to_write_over_the_store(
    api: FakeAIMLAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str, through: str
) -> None:
    store = tmp_path / "spend.db"
    assert run("sync", "--db", str(store))[0] == 0
    target = Path(f"{store}{suffix}")
    target.touch()  # -shm and -wal may be gone after the sync's last close
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir() if path.is_file()}
    if through == "a symlink to it":
        output = tmp_path / "out.csv"
        output.symlink_to(target)
    elif through == "a relative path":
        monkeypatch.chdir(tmp_path)
        output = Path(target.name)
    else:
        output = target
    month = f"{datetime.datetime.now(datetime.UTC):%Y-%m}"
    code, out, err = run("export", "focus", "--month", month, "--db", str(store), "-o", str(output))
    assert (code, out) == (2, ""), err
    assert "is the store itself" in err
    assert err.count("\n") == 1
    after = {path.name: path.read_bytes() for path in tmp_path.iterdir() if path.is_file() and not path.is_symlink()}
    assert {name: data for name, data in after.items() if name in before} == before
    assert os.path.exists(store)
