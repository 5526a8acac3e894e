"""``export focus`` at its edges: a bad or future month, a month without data, an output that cannot
be written (a missing directory, a full disk), a store too old for --max-age, a file that is not a
store: one line, a documented exit code, and never a half-written file."""

from __future__ import annotations

import datetime
import errno
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.cli import run
from tests.helpers.tmpfs import tiny_tmpfs


def _one_line(err: str) -> str:
    assert len(err.splitlines()) == 1, err
    assert err.startswith("aimlapi-billing: error: ")
    return err


@pytest.mark.parametrize("month", ["2026-13", "2026-00", "0000-01", "9999-12", "2026-1", "26-11", " ", "2026-11x"])
def test_a_month_that_is_not_one_is_a_usage_error(store: tuple[str, str], tmp_path: Path, month: str) -> None:
    out_file = tmp_path / "focus.csv"
    code, out, err = run("export", "focus", "--month", month, "--db", store[0], "-o", str(out_file))
    assert (code, out) == (2, "")
    assert "--month" in _one_line(err)
    assert not out_file.exists()


def test_a_month_that_has_not_begun_is_a_usage_error(store: tuple[str, str], tmp_path: Path) -> None:
    future = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=40)).strftime("%Y-%m")
    code, out, err = run("export", "focus", "--month", future, "--db", store[0], "-o", str(tmp_path / "f.csv"))
    assert (code, out) == (2, "")
    assert "has not begun" in _one_line(err)
    assert list(tmp_path.glob("f.csv*")) == []


def test_a_month_without_data_writes_nothing_and_exits_11(store: tuple[str, str], tmp_path: Path) -> None:
    code, out, err = run("export", "focus", "--month", "2020-02", "--db", store[0], "-o", str(tmp_path / "f.csv"))
    assert (code, out) == (11, "")
    assert "holds no ledger entry and no request row in 2020-02" in _one_line(err)
    assert [path.name for path in tmp_path.iterdir() if not path.name.startswith("spend.db")] == []


def test_the_current_month_says_which_charges_the_file_lacks(store: tuple[str, str], tmp_path: Path) -> None:
    url, month = store
    code, out, err = run("export", "focus", "--month", month, "--db", url, "-o", str(tmp_path / "f.csv"))
    assert code == 0
    assert out.startswith("wrote ")
    if month == datetime.datetime.now(datetime.UTC).strftime("%Y-%m"):  # the month goes on after the sync
        assert err.startswith("aimlapi-billing: note: the last sync began ")
        assert err.endswith(f"charges of {month} after it are not in {tmp_path / 'f.csv'}\n")


@pytest.mark.parametrize("where", ["missing-directory", "a-directory", "under-a-file"])
def test_an_output_that_cannot_be_written_leaves_nothing(store: tuple[str, str], tmp_path: Path, where: str) -> None:
    url, month = store
    (tmp_path / "a-file").write_text("x")
    (tmp_path / "a-directory").mkdir()
    target = {
        "missing-directory": tmp_path / "nowhere" / "f.csv",
        "a-directory": tmp_path / "a-directory",
        "under-a-file": tmp_path / "a-file" / "f.csv",
    }[where]
    before = sorted(tmp_path.rglob("*"))
    code, out, err = run("export", "focus", "--month", month, "--db", url, "-o", str(target))
    assert (code, out) == (2, "")
    assert f"cannot write {target}" in _one_line(err)
    assert "nothing written" in err
    assert sorted(tmp_path.rglob("*")) == before


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs (root only: skipped elsewhere, where the unit test below stands in), unmounted after."""
    with tiny_tmpfs(tmp_path / "tiny") as mount:
        yield mount


def test_a_full_disk_keeps_the_previous_file_and_leaves_no_temporary(tmp_path: Path, tiny_disk: Path) -> None:
    from fake_api_server import large_server

    url = f"sqlite:///{tmp_path / 'spend.db'}"
    from aimlapi_billing import Billing
    from aimlapi_billing.store import open_for_sync, sync

    with large_server(4000, now=datetime.datetime.now(datetime.UTC)) as fake:
        # The SDK without its client-side logs rate limit: the stand-in has none here.
        billing = Billing(api_key="k" * 32, base_url=fake.url, allow_insecure_http=True, logs_rate_limit=None)
        with billing, open_for_sync(url) as opened:
            sync(opened, billing)
        month = fake.ledger[len(fake.ledger) // 2]["created_at"][:7]
    previous = tiny_disk / "focus.csv"
    previous.write_text("the export of last night\n")
    code, out, err = run("export", "focus", "--month", month, "--db", url, "-o", str(previous))
    assert (code, out) == (2, "")
    assert "No space left on device" in _one_line(err)
    assert previous.read_text() == "the export of last night\n"
    assert sorted(path.name for path in tiny_disk.iterdir()) == ["focus.csv"]


def test_enospc_while_syncing_the_file_removes_the_temporary(
    store: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, month = store

    def full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    code, out, err = run("export", "focus", "--month", month, "--db", url, "-o", str(tmp_path / "f.csv"))
    assert (code, out) == (2, "")
    assert "No space left on device" in _one_line(err)
    assert sorted(path.name for path in tmp_path.iterdir() if not path.name.startswith("spend.db")) == []


def test_a_store_older_than_max_age_exits_12_and_writes_nothing(store: tuple[str, str], tmp_path: Path) -> None:
    url, month = store
    database = sqlite3.connect(url.removeprefix("sqlite:///"))
    with database:
        database.execute("UPDATE sync_runs SET started_us = started_us - 3 * 3600 * 1000000")
    database.close()
    argv = ["export", "focus", "--month", month, "--db", url, "-o", str(tmp_path / "f.csv")]
    code, out, err = run(*argv, "--max-age", "2h")
    assert (code, out) == (12, "")
    assert "older than --max-age 2h 0m" in _one_line(err)
    assert not (tmp_path / "f.csv").exists()
    assert run(*argv, "--max-age", "4h")[0] == 0


@pytest.mark.parametrize("bad", ["0", "0.5m", "30s", "-2h", "nan", "inf", "2x"])  # 1m is a minute: allowed
def test_max_age_at_its_edges_is_a_usage_error(store: tuple[str, str], tmp_path: Path, bad: str) -> None:
    argv = ["export", "focus", "--month", store[1], "--db", store[0], "-o", str(tmp_path / "f.csv")]
    code, out, err = run(*argv, "--max-age", bad)
    assert (code, out) == (2, "")
    assert "--max-age" in _one_line(err)


def test_a_file_that_is_not_a_store_exits_9(tmp_path: Path) -> None:
    junk = tmp_path / "notes.db"
    junk.write_bytes(b"not a database at all\n" * 100)
    code, out, err = run("export", "focus", "--month", "2026-01", "--db", str(junk), "-o", str(tmp_path / "f.csv"))
    assert (code, out) == (9, "")
    assert "is not a store" in _one_line(err)
    assert junk.read_bytes() == b"not a database at all\n" * 100


def test_a_store_of_a_newer_schema_exits_9_and_is_left_alone(store: tuple[str, str], tmp_path: Path) -> None:
    url, month = store
    database = sqlite3.connect(url.removeprefix("sqlite:///"))
    with database:
        database.execute("UPDATE alembic_version SET version_num = '9999'")
    database.close()
    code, out, err = run("export", "focus", "--month", month, "--db", url, "-o", str(tmp_path / "f.csv"))
    assert (code, out) == (9, "")
    assert "written by a newer aimlapi-billing" in _one_line(err)


#: Names a spreadsheet would run as a formula, in every column of names the export writes.
FORMULAS = ['=HYPERLINK("http://127.0.0.1:9/","x")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


def test_names_that_start_a_formula_are_quoted_and_the_focus_validator_still_passes(tmp_path: Path) -> None:
    import csv
    from decimal import Decimal

    from fake_api.seeded_store import SeededKey, seed

    from tests.helpers import focus_validator

    end = datetime.datetime(2026, 11, 30, 12, tzinfo=datetime.UTC)
    url = f"sqlite:///{tmp_path / 'spend.db'}"
    keys = [SeededKey("-a1b2c3d", FORMULAS[0], Decimal(5)), SeededKey("=b2c3d4e", FORMULAS[3])]
    seed(url, keys, FORMULAS[1:3] + FORMULAS[4:], end=end, days=2, per_day=8)
    path = tmp_path / "focus.csv"
    code, _, err = run("export", "focus", "--month", "2026-11", "--db", url, "-o", str(path), "--account-name", "@acme")
    assert code == 0, err
    with path.open(newline="") as stream:
        rows = list(csv.DictReader(stream))
    usage = [row for row in rows if row["SubAccountId"]]
    assert {row["SubAccountId"] for row in usage} == {"'-a1b2c3d", "'=b2c3d4e"}
    assert {row["SubAccountName"] for row in usage} == {"'" + FORMULAS[0], "'" + FORMULAS[3]}
    # A tab or CR is written as its escape (a bare CR would split the row), which needs no quote.
    assert {row["SkuId"] for row in usage} == {"'+1+1", "'-2+3", "\\tTAB", "\\rCR"}
    assert len(rows) == len(path.read_text().splitlines()) - 1
    assert {row["SkuPriceId"] for row in usage} == {row["SkuId"] for row in usage}
    assert {row["BillingAccountName"] for row in rows} == {"'@acme"}
    # Numbers and dates are never quoted: a cost of -0.5 stays a number.
    assert all(row["BilledCost"][0] in "-0123456789" for row in rows)
    assert all(row["ChargePeriodStart"].startswith("2026-11-") for row in rows)
    # The prefix in Tags is JSON text (it starts with {, never a formula): kept as the key's own.
    assert any('"aimlapi/key_prefix": "-a1b2c3d"' in row["Tags"] for row in usage)
    if not focus_validator.TOOL.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{focus_validator.TOOL} is missing: the shared tools are beside the repository on CI")
        pytest.skip(f"{focus_validator.TOOL} is not beside this clone")
    verdict = focus_validator.validate(path)
    assert verdict.failed == {"InvoiceId-C-005-C"}, verdict.output[-3000:]  # its own contradiction (test_focus)
