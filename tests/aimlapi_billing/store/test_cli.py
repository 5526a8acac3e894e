"""``sync`` and ``report`` as commands: the JSON contract, one writer, and the one-line errors of a
store that cannot be used (nothing in it changed or lost)."""

from __future__ import annotations

import contextlib
import datetime
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from fake_api_server import FakeAIMLAPI

from aimlapi_billing._cli import main
from tests.helpers.cli import run

from .conftest import dump


@pytest.fixture
def synced(api: FakeAIMLAPI, tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'spend.db'}"
    code, out, err = run("sync", "--db", url)
    assert (code, err) == (0, ""), err
    assert out.startswith(f"synced {url} (settle 1h): 7 new ledger entries, 5 new log rows")
    return url


def _window() -> list[str]:
    end = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)
    return ["--start", (end - datetime.timedelta(days=200)).isoformat(), "--end", end.isoformat()]


def test_report_json_is_the_contract_with_money_as_decimal_strings(synced: str) -> None:
    code, out, _ = run("report", "--db", synced, *_window(), "--by", "key,model,day", "--json")
    assert code == 0
    data = json.loads(out)
    assert list(data) == ["start", "end", "currency", "total_usd", "rows", "as_of"]
    assert (data["currency"], data["total_usd"]) == ("USD", "4.48")
    assert data["start"].endswith("Z")
    assert all(list(row) == ["key_prefix", "model", "day", "spend_usd", "requests"] for row in data["rows"])
    assert sorted((row["key_prefix"], row["spend_usd"], row["requests"]) for row in data["rows"]) == [
        ("a1b2c3d4", "0", 0),  # the failed playground request: no spend, no charged request
        ("a1b2c3d4", "2.5", 1),
        ("b747e891", "1.56", 1),
        ("c0ffee42", "0.42", 1),
    ]
    assert sum(Decimal(row["spend_usd"]) for row in data["rows"]) == Decimal(data["total_usd"])
    code, out, _ = run("report", "--db", synced, *_window(), "--by", "model", "--json")
    rows = json.loads(out)["rows"]
    assert rows == [
        {"model": "anthropic/claude-sonnet", "spend_usd": "0.42", "requests": 1},
        {"model": "openai/gpt-5", "spend_usd": "4.06", "requests": 2},
    ]


def test_report_csv_and_table(synced: str) -> None:
    code, out, _ = run("report", "--db", synced, *_window(), "--by", "model", "--csv")
    assert (code, out) == (0, "model,spend_usd,requests\nanthropic/claude-sonnet,0.42,1\nopenai/gpt-5,4.06,2\n")
    code, out, _ = run("report", "--db", synced, *_window())
    lines = out.splitlines()
    assert lines[1].split() == ["key_prefix", "USD", "requests"]
    assert lines[-1].split() == ["total", "4.48", "3"]


def test_report_over_a_window_longer_than_92_days(synced: str) -> None:
    code, out, _ = run("report", "--db", synced, "--period", "400d", "--json")
    assert (code, json.loads(out)["total_usd"]) == (0, "4.48")


@pytest.mark.parametrize("bad", ["--month 2026-13", "--by key,key", "--by colour", "--month 2026-11 --period 7d"])
def test_a_bad_report_option_is_one_line_and_exit_2(synced: str, bad: str) -> None:
    code, out, err = run("report", "--db", synced, *bad.split())
    assert (code, out, err.count("\n")) == (2, "", 1)


def test_a_second_sync_exits_8_while_one_writes_and_waits_with_wait(api: FakeAIMLAPI, store_url: str) -> None:
    from aimlapi_billing.store import open_for_sync

    with open_for_sync(store_url):
        code, out, err = run("sync", "--db", store_url)
        assert (code, out) == (8, "")
        assert err == f"aimlapi-billing: error: another sync is writing to {store_url} (its lock is held); " \
            "try again when it ends, or give --wait\n"  # fmt: skip
        waited: list[tuple[int, str, str]] = []
        second = threading.Thread(target=lambda: waited.append(run("sync", "--db", store_url, "--wait")))
        second.start()
        time.sleep(1.0)
        assert not waited  # still waiting for the lock
    second.join(timeout=60)
    assert waited[0][0] == 0, waited
    assert len(dump(store_url)["logs"]) == len(api.logs)


def test_a_file_that_is_not_a_store_is_refused_and_left_alone(api: FakeAIMLAPI, tmp_path: Path) -> None:
    text = tmp_path / "notes.db"
    text.write_bytes(b"my notes, not a database\n" * 100)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as database:
        database.execute("CREATE TABLE recipes (name TEXT)")
    database.close()
    for path, words in ((text, "is not a store (not an SQLite database"), (other, "holds tables of another")):
        before = path.read_bytes()
        for command in ("sync", "report"):
            code, out, err = run(command, "--db", str(path))
            assert (code, out, err.count("\n")) == (9, "", 1), err
            assert words in err or command == "report"
        assert path.read_bytes() == before


def test_a_corrupt_store_is_one_line(synced: str) -> None:
    path = Path(synced.removeprefix("sqlite:///"))
    with sqlite3.connect(path) as database:
        database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()
    data = bytearray(path.read_bytes())
    data[4096 : 4096 * 3] = b"\xa5" * 8192  # pages 2 and 3: tables' b-trees
    path.write_bytes(bytes(data))
    for command in ("sync", "report"):
        code, _, err = run(command, "--db", synced)
        assert (code, err.count("\n")) == (9, 1), err
        assert "corrupt" in err or "malformed" in err


def test_a_store_of_a_newer_version_is_refused(api: FakeAIMLAPI, store_url: str) -> None:
    assert run("sync", "--db", store_url)[0] == 0
    from sqlalchemy import text

    from aimlapi_billing.store import open_for_sync

    with open_for_sync(store_url) as store, store.transaction() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9000'"))
    before = dump_unchecked(store_url)
    for command in ("sync", "report"):
        code, _, err = run(command, "--db", store_url)
        assert code == 9
        assert "was written by a newer aimlapi-billing (schema 9000; this version knows up to 0004)" in err
    assert dump_unchecked(store_url) == before


def dump_unchecked(url: str) -> list[tuple[object, ...]]:
    from sqlalchemy import text

    from aimlapi_billing.store import open_for_sync  # noqa: F401  (the extra is there)
    from aimlapi_billing.store._db import open_store
    from aimlapi_billing.store._url import resolve

    store = open_store(resolve(url), create=False)
    try:
        with store.connect() as connection:
            return sorted(tuple(row) for row in connection.execute(text("SELECT uid, created_us FROM logs")))
    finally:
        store.close()


@contextlib.contextmanager
def _tmpfs(where: Path, size: str) -> Iterator[Path]:
    """A small tmpfs at ``where`` (root only: the test is skipped otherwise), unmounted at the end."""
    where.mkdir()
    if (
        os.geteuid() != 0
        or subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], check=False).returncode
    ):
        pytest.skip("mounting a tmpfs needs root")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_a_read_only_store_is_one_line_and_unchanged(synced: str, api: FakeAIMLAPI, tmp_path: Path) -> None:
    with _tmpfs(tmp_path / "ro", "4m") as disk:
        shutil.copy(synced.removeprefix("sqlite:///"), disk / "spend.db")
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        before = (disk / "spend.db").read_bytes()
        code, out, err = run("sync", "--db", str(disk / "spend.db"))
        assert (code, out, err.count("\n")) == (9, "", 1), err
        assert "read-only" in err.lower()
        assert (disk / "spend.db").read_bytes() == before


def test_a_full_disk_is_one_line_and_loses_nothing(api: FakeAIMLAPI, tmp_path: Path) -> None:
    with _tmpfs(tmp_path / "disk", "1m") as disk:
        url = f"sqlite:///{disk / 'spend.db'}"
        assert run("sync", "--db", url)[0] == 0
        kept = dump(url)
        filler = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
        try:  # everything the disk has left
            while os.write(filler, b"\0" * 4096):
                pass
        except OSError:
            pass
        finally:
            os.close(filler)
        from fake_api.data import iso, log_row

        now = datetime.datetime.now(datetime.UTC)
        api.logs[:0] = [
            log_row(iso(now - datetime.timedelta(seconds=index)), "b747e891", "openai/gpt-5", 0.01, (1, 1),
                    f"inf-full-{index}-" + "x" * 150, f"req-{index}-" + "y" * 150)
            for index in range(1, 400)
        ]  # fmt: skip
        code, out, err = run("sync", "--db", url)
        assert (code, out, err.count("\n")) == (9, "", 1), err
        assert "the disk is full" in err
        (disk / "filler").unlink()
        assert {row[1] for row in kept["logs"]} <= {row[1] for row in dump(url)["logs"]}
        with sqlite3.connect(disk / "spend.db") as database:
            assert database.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        database.close()


def test_without_the_extra_it_says_what_to_install(
    api: FakeAIMLAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "sqlalchemy", None)
    code, out, err = run("sync", "--db", str(tmp_path / "s.db"))
    assert (code, out) == (3, "")
    assert err == "aimlapi-billing: error: the store needs the [store] extra: pip install 'aimlapi-billing[store]'\n"
    assert not (tmp_path / "s.db").exists()


def test_without_psycopg_a_postgresql_store_says_what_to_install(
    api: FakeAIMLAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    code, _, err = run("report", "--db", "postgresql://me@127.0.0.1:5/spend")
    assert code == 3
    assert "pip install 'aimlapi-billing[postgres]'" in err


def test_passwords_never_show(api: FakeAIMLAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run("sync", "--db", "postgresql://me:hunter2-secret@127.0.0.1:5/spend")
    assert (code, out) == (2, "")
    assert "hunter2-secret" not in err
    assert "postgresql://me:***@127.0.0.1:5/spend" in err
    monkeypatch.setenv("PGPASSWORD", "hunter2-secret")
    code, out, err = run("sync", "--db", "postgresql://me@127.0.0.1:5/spend")  # nothing listens on port 5
    assert code == 9
    assert "hunter2-secret" not in err
    assert err.count("\n") == 1


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_progress_line_on_a_terminal_only(api: FakeAIMLAPI, tmp_path: Path) -> None:
    err = _Terminal()
    assert main(["sync", "--db", str(tmp_path / "a.db")], io.StringIO(), err) == 0
    assert "\r\x1b[Ksync: ledger: " in err.getvalue()
    assert "rows/s" in err.getvalue()
    assert err.getvalue().endswith("\r\x1b[K")  # the line is cleared at the end
    code, _, quiet = run("sync", "--db", str(tmp_path / "b.db"))
    assert (code, quiet) == (0, "")


def test_an_echo_of_the_api_key_is_stored_redacted_and_never_reported(api: FakeAIMLAPI, tmp_path: Path) -> None:
    from fake_api.data import iso, log_row

    from ..conftest import API_KEY

    created = iso(datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1))
    api.logs.insert(0, log_row(created, "b747e891", f"echo/{API_KEY}", 0.5, (1, 1), "inf-echo", f"req-{API_KEY}"))
    url = f"sqlite:///{tmp_path / 'spend.db'}"
    assert run("sync", "--db", url)[0] == 0
    for style in ("--json", "--csv"):
        code, out, err = run("report", "--db", url, "--period", "1d", "--by", "key,model", style)
        assert code == 0
        assert "echo/<redacted>" in out
        assert API_KEY not in out + err
    assert API_KEY not in Path(url.removeprefix("sqlite:///")).read_bytes().decode("latin-1")
