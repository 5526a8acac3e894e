"""``export focus`` to Parquet at its edges: the format by suffix or --format, the missing extra (one
line naming the pip command, exit 3, nothing written), the store refused as -o, an empty month (exit
11), a full disk or Ctrl-C between row groups, a --format the name contradicts, and the FinOps
Foundation's validator's verdict (the CSV's)."""

from __future__ import annotations

import contextlib
import datetime
import os
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import focus_validator
from tests.helpers.cli import run
from tests.helpers.tmpfs import tiny_tmpfs

pq = pytest.importorskip("pyarrow.parquet")


def _left(tmp_path: Path) -> list[str]:
    return sorted(path.name for path in tmp_path.iterdir() if not path.name.startswith("spend.db"))


@pytest.mark.parametrize(
    ("name", "option", "parquet"),
    [
        ("f.parquet", (), True),
        ("F.PARQUET", (), True),
        ("f.parquet", ("--format", "parquet"), True),
        ("f.CSV", ("--format", "csv"), False),
        ("f.txt", ("--format", "parquet"), True),
        ("f", ("--format", "parquet"), True),
        ("f.parquet.csv", (), False),
        ("f", (), False),
        ("f.txt", (), False),
        (".parquet", (), True),
    ],
)
def test_the_suffix_or_format_chooses_parquet(
    store: tuple[str, str], tmp_path: Path, name: str, option: tuple[str, ...], parquet: bool
) -> None:
    url, month = store
    path = tmp_path / name
    code, out, err = run("export", "focus", "--month", month, "--db", url, "-o", str(path), *option)
    assert code == 0, err
    assert out.startswith("wrote ")
    head = path.read_bytes()[:4]
    assert (head == b"PAR1") is parquet
    if not parquet:
        assert head == b"Avai"  # the CSV's header: AvailabilityZone first
    else:
        total = Decimal(out.split("(BilledCost ")[1].split()[0])
        assert sum(pq.read_table(path).column("BilledCost").to_pylist()) == total
    assert _left(tmp_path) == [name]


@pytest.mark.parametrize(
    ("name", "kind", "named"),
    [("f.parquet", "csv", "parquet"), ("F.Parquet", "csv", "parquet"), ("f.csv", "parquet", "csv"),
     (".csv", "parquet", "csv")],
)  # fmt: skip
def test_a_format_the_file_name_contradicts_is_exit_2_and_nothing_is_written(
    store: tuple[str, str], tmp_path: Path, name: str, kind: str, named: str
) -> None:
    url, month = store
    path = tmp_path / name
    path.write_bytes(b"the previous export")
    code, out, err = run("export", "focus", "--month", month, "--db", url, "-o", str(path), "--format", kind)
    assert (code, out) == (2, ""), err
    assert err == (
        f"aimlapi-billing: error: --format {kind} contradicts -o {path} (a .{named} name): "
        f"name the file .{kind}, or leave --format out\n"
    )
    assert path.read_bytes() == b"the previous export"
    assert _left(tmp_path) == [name]


def test_without_pyarrow_one_line_names_the_extra_and_nothing_is_written(
    store: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, month = store
    # None in sys.modules makes the import fail, as an environment without the extra does.
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    code, out, err = run("export", "focus", "--month", month, "--db", url, "-o", str(tmp_path / "f.parquet"))
    assert (code, out) == (3, "")
    assert err == (
        "aimlapi-billing: error: export focus to Parquet needs the [parquet] extra (pyarrow): "
        "pip install 'aimlapi-billing[parquet]'\n"
    )
    assert _left(tmp_path) == []
    # The CSV needs no pyarrow.
    code, _, err = run("export", "focus", "--month", month, "--db", url, "-o", str(tmp_path / "f.csv"))
    assert code == 0, err


@pytest.mark.parametrize("companion", ["", "-wal", "-journal"])
def test_the_store_is_never_replaced_by_the_parquet_file(
    store: tuple[str, str], tmp_path: Path, companion: str
) -> None:
    url, month = store
    database = tmp_path / "spend.db"
    before = database.read_bytes()
    (tmp_path / "link.parquet").symlink_to(f"spend.db{companion}")
    for target in (f"{database}{companion}", str(tmp_path / "link.parquet")):
        code, out, err = run("export", "focus", "--month", month, "--db", url, "-o", target, "--format", "parquet")
        assert (code, out) == (2, ""), err
        assert "is the store itself" in err
        assert len(err.splitlines()) == 1
    assert database.read_bytes() == before


def test_an_empty_month_is_exit_11_and_writes_no_parquet(store: tuple[str, str], tmp_path: Path) -> None:
    code, out, err = run("export", "focus", "--month", "2020-02", "--db", store[0], "-o", str(tmp_path / "f.parquet"))
    assert (code, out) == (11, "")
    assert "holds no ledger entry and no request row in 2020-02: nothing written" in err
    assert _left(tmp_path) == []


def _failing_after_one_row_group(monkeypatch: pytest.MonkeyPatch, failure: BaseException) -> list[int]:
    """Row groups of one row, and ``failure`` raised by the second's write: a file half written."""
    from aimlapi_billing.store import _focus_parquet

    written = pq.ParquetWriter.write_table
    calls: list[int] = []

    def failing(writer: Any, *args: Any, **kwargs: Any) -> None:
        calls.append(1)
        if len(calls) > 1:
            raise failure
        written(writer, *args, **kwargs)

    monkeypatch.setattr(_focus_parquet, "ROW_GROUP_ROWS", 1)
    monkeypatch.setattr(pq.ParquetWriter, "write_table", failing)
    return calls


def test_a_failing_parquet_write_keeps_the_previous_file_and_leaves_no_temporary(
    store: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    url, month = store
    path = tmp_path / "f.parquet"
    path.write_bytes(b"the previous export")
    calls = _failing_after_one_row_group(monkeypatch, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
    code, out, err = run("export", "focus", "--month", month, "--db", url, "-o", str(path))
    assert (code, out) == (2, "")
    assert err == f"aimlapi-billing: error: cannot write {path}: No space left on device; nothing written\n"
    assert path.read_bytes() == b"the previous export"
    assert _left(tmp_path) == ["f.parquet"]
    assert len(calls) == 2  # one row group was written before the disk filled


def test_ctrl_c_between_row_groups_keeps_the_previous_file_and_leaves_no_temporary(
    store: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, month = store
    path = tmp_path / "f.parquet"
    path.write_bytes(b"the previous export")
    calls = _failing_after_one_row_group(monkeypatch, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):  # the entry point makes it exit 130
        run("export", "focus", "--month", month, "--db", url, "-o", str(path))
    assert path.read_bytes() == b"the previous export"
    assert _left(tmp_path) == ["f.parquet"]
    assert len(calls) == 2


def test_a_full_disk_keeps_the_previous_parquet_file_and_leaves_no_temporary(
    store: tuple[str, str], tmp_path: Path
) -> None:
    url, month = store
    with tiny_tmpfs(tmp_path / "tiny") as disk:
        previous = disk / "focus.parquet"
        previous.write_bytes(b"the export of last night")
        filler = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)
        written = 0
        with contextlib.suppress(OSError):  # the disk filled
            while True:
                written += os.write(filler, b"\0" * 1024)
        os.ftruncate(filler, written - 2048)  # leaves less room than the Parquet file needs
        os.close(filler)
        code, out, err = run("export", "focus", "--month", month, "--db", url, "-o", str(previous))
        assert (code, out) == (2, "")
        assert err == f"aimlapi-billing: error: cannot write {previous}: No space left on device; nothing written\n"
        assert previous.read_bytes() == b"the export of last night"
        assert sorted(path.name for path in disk.iterdir()) == ["filler", "focus.parquet"]


def test_an_amount_no_parquet_decimal_holds_is_exit_2_and_the_csv_keeps_it(
    store: tuple[str, str], tmp_path: Path
) -> None:
    import csv
    import sqlite3

    url, month = store
    wide = "1" * 70 + ".5"  # 70 whole digits and the scale's 9: more than Parquet's 76
    with sqlite3.connect(tmp_path / "spend.db") as connection:
        connection.execute(
            "UPDATE ledger SET usd_nano = NULL, usd_text = ?, direction = 'CHARGE', type = 'ADJUSTMENT' "
            "WHERE id = (SELECT id FROM ledger ORDER BY created_us DESC LIMIT 1)",
            (wide,),
        )
    code, out, err = run("export", "focus", "--month", month, "--db", url, "-o", str(tmp_path / "f.parquet"))
    assert (code, out) == (2, "")
    assert err.startswith("aimlapi-billing: error: an amount needs 79 digits, more than a Parquet DECIMAL holds (76)")
    assert len(err.splitlines()) == 1
    assert _left(tmp_path) == []
    code, _, err = run("export", "focus", "--month", month, "--db", url, "-o", str(tmp_path / "f.csv"))
    assert code == 0, err
    with (tmp_path / "f.csv").open(newline="") as stream:
        assert wide in {row["BilledCost"] for row in csv.DictReader(stream)}


@pytest.mark.slow
def test_the_focus_validator_gives_the_parquet_file_the_csvs_verdict(tmp_path: Path) -> None:
    from fake_api.seeded_store import SeededKey, seed

    if not focus_validator.TOOL.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{focus_validator.TOOL} is missing: the shared tools are beside the repository on CI")
        pytest.skip(f"{focus_validator.TOOL} is not beside this clone")
    end = datetime.datetime(2026, 11, 30, 12, tzinfo=datetime.UTC)
    url = f"sqlite:///{tmp_path / 'spend.db'}"
    seed(url, [SeededKey("a1b2c3d", "ci", Decimal(5))], ["openai/gpt-5"], end=end, days=2, per_day=8)
    # One validator run (its runs are the suite's costliest): the CSV's verdict is asserted in test_export.
    path = tmp_path / "focus.parquet"
    code, _, err = run("export", "focus", "--month", "2026-11", "--db", url, "-o", str(path))
    assert code == 0, err
    verdict = focus_validator.validate(path)
    assert verdict.failed == {"InvoiceId-C-005-C"}, verdict.output[-3000:]  # the CSV's documented verdict
    assert "InvoiceId-C-003-C" in verdict.passed
    assert len(verdict.passed) > 100
