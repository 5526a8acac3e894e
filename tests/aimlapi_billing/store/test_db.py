"""Opening a store: the schema's revisions as the readers know them (from the migration files' names,
without importing Alembic) are Alembic's own; a store on a read-only file system is read (SQLite
opened immutable: no WAL index can be made there) and a sync of it fails in one line."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_api_server import FakeAIMLAPI


def test_the_revisions_read_from_file_names_are_alembics() -> None:
    from alembic.script import ScriptDirectory

    from aimlapi_billing.store._db import _MIGRATIONS, head_revision, known_revisions

    script = ScriptDirectory(str(_MIGRATIONS))
    assert known_revisions() == [revision.revision for revision in reversed(list(script.walk_revisions()))]
    assert head_revision() == script.get_current_head()


def test_a_reader_never_imports_alembic(tmp_path: Path) -> None:
    from aimlapi_billing.store import open_for_sync

    url = f"sqlite:///{tmp_path / 'spend.db'}"
    with open_for_sync(url):
        pass  # an empty store of this version's schema
    code = (
        "import sys, io\n"
        "from aimlapi_billing._cli import main\n"
        "out = io.StringIO()\n"
        f"main(['check-keys', '-w', '50', '--db', {url!r}], out, io.StringIO())\n"
        "print(out.getvalue().split(' - ')[1].strip())\n"
        "print('sqlalchemy' in sys.modules, 'alembic' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "True False", done.stdout
    assert "has no finished sync" in done.stdout  # the schema was read, and checked


@pytest.fixture
def read_only_copy(tmp_path: Path, small_fake: FakeAIMLAPI) -> Iterator[str]:
    """A synced store copied onto a tmpfs then remounted read-only (root only: skipped elsewhere)."""
    from aimlapi_billing.store import open_for_sync, sync

    from .conftest import billing_for

    source = tmp_path / "spend.db"
    with billing_for(small_fake) as billing, open_for_sync(f"sqlite:///{source}") as store:
        sync(store, billing)
    sqlite3.connect(source).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    mount = tmp_path / "ro"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here (not root)")
    try:
        shutil.copy(source, mount / "spend.db")
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        yield f"sqlite:///{mount / 'spend.db'}"
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_a_store_on_a_read_only_file_system_is_read_and_never_written(read_only_copy: str, tmp_path: Path) -> None:
    from aimlapi_billing._cli import main

    def run(*argv: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        return main(list(argv), out, err), out.getvalue(), err.getvalue()

    code, out, err = run("report", "--db", read_only_copy, "--period", "30d", "--json")
    as_of = json.loads(out)["as_of"]  # the copy's last sync, read from the read-only file
    assert (code, err) == (0, "")
    assert json.loads(out)["end"] == as_of  # the period ends there, where the store's data end
    assert json.loads(out)["total_usd"] == "4.48"
    assert run("check-keys", "-w", "50", "--db", read_only_copy)[0] == 0
    month = json.loads(run("report", "--db", read_only_copy, "--period", "30d", "--by", "day", "--json")[1])
    assert month["rows"]
    code, out, err = run("sync", "--db", read_only_copy)
    assert (code, out) == (9, "")
    assert len(err.splitlines()) == 1
    assert "read-only" in err or "cannot" in err
