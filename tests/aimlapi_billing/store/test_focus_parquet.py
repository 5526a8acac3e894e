"""``export focus`` to Parquet: the CSV's rows and cells, typed (exact DECIMAL costs, UTC timestamps,
strings), adding up to the ledger's month, on SQLite and PostgreSQL; amounts wider than nano-dollars
widen the DECIMAL, and one wider than Parquet's 76 digits is refused rather than rounded."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fake_api_server import FakeAIMLAPI

from aimlapi_billing._exceptions import InvalidParameterError
from aimlapi_billing.store._focus import COLUMNS
from aimlapi_billing.store._focus_parquet import DECIMALS, MOMENTS, decimal_type, write_parquet
from tests.helpers.cli import run

from .conftest import billing_for

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")


def _sync(url: str, fake: FakeAIMLAPI) -> None:
    from aimlapi_billing.store import open_for_sync, sync

    with billing_for(fake) as billing, open_for_sync(url) as store:
        sync(store, billing)


def _ledger_by_type(fake: FakeAIMLAPI, month: str) -> dict[str, Decimal]:
    """The documented rule: a CHARGE positive, a TOPUP negative, except a PAYMENT (billed as paid)."""
    totals: dict[str, Decimal] = {}
    for entry in fake.ledger:
        if entry["created_at"][:7] == month:
            amount = Decimal(repr(entry["amount"]["usd"]))
            positive = "TOPUP" if entry["type"] == "PAYMENT" else "CHARGE"
            signed = amount if entry["direction"] == positive else -amount
            totals[entry["type"]] = totals.get(entry["type"], Decimal(0)) + signed
    return totals


def _text(column: str, value: Any) -> str:
    """A Parquet cell as the CSV writes it (null is empty)."""
    if value is None:
        return ""
    if column in MOMENTS:
        assert value.utcoffset() == datetime.timedelta(0)
        return str(value.strftime("%Y-%m-%dT%H:%M:%SZ"))
    return str(value)


def test_the_parquet_file_holds_the_csvs_rows_typed_and_adds_up_to_the_ledger(
    store_url: str, small_fake: FakeAIMLAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aimlapi_billing.store import _focus_parquet

    monkeypatch.setattr(_focus_parquet, "ROW_GROUP_ROWS", 3)  # several row groups, as a large month's
    _sync(store_url, small_fake)
    month = small_fake.ledger[0]["created_at"][:7]
    paths = {kind: tmp_path / f"focus.{kind}" for kind in ("csv", "parquet")}
    for path in paths.values():
        code, out, err = run("export", "focus", "--month", month, "--db", store_url, "-o", str(path))
        assert code == 0, err
        assert out.startswith("wrote ")
    with paths["csv"].open(newline="") as stream:
        rows = list(csv.DictReader(stream))
    parquet = pq.ParquetFile(paths["parquet"])
    assert parquet.num_row_groups == -(-len(rows) // 3) > 1
    table = parquet.read()
    assert table.column_names == list(COLUMNS)
    for field in table.schema:
        if field.name in DECIMALS:
            assert field.type == pa.decimal128(38, 9), field
        elif field.name in MOMENTS:
            assert field.type == pa.timestamp("us", tz="UTC"), field
        else:
            assert field.type == pa.string(), field
    read = table.to_pylist()
    assert len(read) == len(rows) > 0
    for row, cells in zip(rows, read, strict=True):
        for column in COLUMNS:
            if column in DECIMALS and row[column]:
                assert isinstance(cells[column], Decimal)
                assert cells[column] == Decimal(row[column]), column  # exact, never a float
            else:
                assert _text(column, cells[column]) == row[column], column
    totals: dict[str, Decimal] = {}
    for cells in read:
        totals[cells["x_LedgerType"]] = totals.get(cells["x_LedgerType"], Decimal(0)) + cells["BilledCost"]
    assert totals == _ledger_by_type(small_fake, month)


def _row(cost: str) -> dict[str, str]:
    row = dict.fromkeys(COLUMNS, "")
    row.update(BilledCost=cost, ChargePeriodStart="2026-11-01T00:00:00Z", Tags='{"a": "b"}')
    return row


def _write(buffer: io.BytesIO, rows: list[dict[str, str]], **options: Any) -> int:
    """Rows written with the type their BilledCost cells need (the CLI sizes it from the charges)."""
    return write_parquet(buffer, rows, decimal_type(Decimal(row["BilledCost"]) for row in rows), **options)


def test_an_amount_finer_than_nano_dollars_widens_the_scale_and_stays_exact() -> None:
    buffer = io.BytesIO()
    assert _write(buffer, [_row("0.000000000001"), _row("12345.5")]) == 2
    table = pq.read_table(io.BytesIO(buffer.getvalue()))
    assert table.schema.field("BilledCost").type == pa.decimal128(38, 12)
    assert table.column("BilledCost").to_pylist() == [Decimal("0.000000000001"), Decimal("12345.5")]
    assert table.column("ChargePeriodStart").to_pylist()[0] == datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
    assert table.column("ListCost").to_pylist() == [None, None]
    assert table.column("Tags").to_pylist() == ['{"a": "b"}'] * 2


def test_an_amount_of_more_than_38_digits_is_a_decimal256() -> None:
    huge = "1" * 40 + ".5"
    buffer = io.BytesIO()
    _write(buffer, [_row(huge)])
    table = pq.read_table(io.BytesIO(buffer.getvalue()))
    assert table.schema.field("BilledCost").type == pa.decimal256(76, 9)
    assert table.column("BilledCost").to_pylist() == [Decimal(huge)]


def test_an_amount_no_parquet_decimal_holds_is_refused_not_rounded() -> None:
    buffer = io.BytesIO()
    with pytest.raises(InvalidParameterError, match="more than a Parquet DECIMAL holds"):
        _write(buffer, [_row("1" * 70 + ".5")])  # 70 whole digits + scale 9 > 76
    assert buffer.getvalue() == b""


def test_rows_are_written_in_row_groups_of_the_given_size_and_read_back_whole() -> None:
    rows = [_row(f"{index}.25") for index in range(7)]
    buffer = io.BytesIO()
    assert _write(buffer, rows, row_group_rows=3) == 7
    parquet = pq.ParquetFile(io.BytesIO(buffer.getvalue()))
    assert [parquet.metadata.row_group(i).num_rows for i in range(parquet.num_row_groups)] == [3, 3, 1]
    assert parquet.read().column("BilledCost").to_pylist() == [Decimal(f"{index}.25") for index in range(7)]


def test_no_rows_is_a_valid_file_of_the_schema() -> None:
    buffer = io.BytesIO()
    assert write_parquet(buffer, [], decimal_type([])) == 0
    table = pq.read_table(io.BytesIO(buffer.getvalue()))
    assert table.num_rows == 0
    assert table.column_names == list(COLUMNS)


def test_the_first_pass_sizes_the_decimal_for_every_cell_even_the_last_row_groups() -> None:
    """The schema is fixed before the first row group: the pass over the charges must see what the
    cells will say, however late in the month the finest or longest amount comes."""
    from aimlapi_billing.store._focus import Charge, FocusExport, focus_rows
    from aimlapi_billing.store._focus_parquet import export_amounts

    def charge(billed: str, requests: int | None) -> Charge:
        amount = Decimal(billed)
        return Charge("Usage", "MODEL_USAGE", 0, amount, amount, "k1", None, "m", requests, "usage")

    start = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
    late = [charge("0.0000000000015000", None), charge("1" * 30 + ".25", 7)]  # trailing zeros: not scale
    export = FocusExport(start, start + datetime.timedelta(days=30), (*(charge("1.5", 2) for _ in range(5)), *late))
    rows = list(focus_rows(export))
    decimal = decimal_type(export_amounts(export))
    assert decimal == decimal_type(Decimal(row[column]) for row in rows for column in DECIMALS if row[column])
    assert decimal == pa.decimal256(76, 13)
    buffer = io.BytesIO()
    assert write_parquet(buffer, rows, decimal, row_group_rows=2) == 7
    table = pq.read_table(io.BytesIO(buffer.getvalue()))
    assert table.column("BilledCost").to_pylist()[-2:] == [Decimal("0.0000000000015"), Decimal("1" * 30 + ".25")]
