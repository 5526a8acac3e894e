"""The FOCUS export as Parquet (the ``[parquet]`` extra, pyarrow): the CSV's rows and columns, typed.

Each cell is the CSV's own text converted, so the two files say the same: FOCUS's Decimal columns a
Parquet DECIMAL (exact; never a float), its DateTime columns UTC timestamps, every other column a
string, ``Tags`` the same JSON object text (FOCUS's KeyValueFormat), an empty cell null. The rows are
written a row group at a time as they come, never held whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import IO, Any

from .._exceptions import ConfigurationError, InvalidParameterError
from ._focus import COLUMNS, FocusExport
from ._values import decimal_text

__all__ = [
    "PARQUET_EXTRA",
    "ParquetExtraMissingError",
    "decimal_type",
    "export_amounts",
    "require_extra",
    "write_parquet",
]

PARQUET_EXTRA = "pip install 'aimlapi-billing[parquet]'"
#: FOCUS 1.2's columns of type Decimal.
DECIMALS = frozenset(
    {"BilledCost", "CommitmentDiscountQuantity", "ConsumedQuantity", "ContractedCost", "ContractedUnitPrice",
     "EffectiveCost", "ListCost", "ListUnitPrice", "PricingCurrencyContractedUnitPrice",
     "PricingCurrencyEffectiveCost", "PricingCurrencyListUnitPrice", "PricingQuantity"}
)  # fmt: skip
#: FOCUS 1.2's columns of type DateTime.
MOMENTS = frozenset({"BillingPeriodEnd", "BillingPeriodStart", "ChargePeriodEnd", "ChargePeriodStart"})
#: The DECIMAL's scale at least: the store's nano-dollars, so that every month's file has one type.
MIN_SCALE = 9
#: Parquet's widest DECIMAL (pyarrow's decimal256).
MAX_PRECISION = 76
#: Rows to a row group: what memory holds at once (a FOCUS row is ~60 cells; 64k rows is tens of MB,
#: and few enough row groups that a reader's per-group overhead stays small).
ROW_GROUP_ROWS = 65_536


class ParquetExtraMissingError(ConfigurationError):
    """pyarrow, which writes Parquet, is not installed."""


def require_extra() -> None:
    """ParquetExtraMissingError (one line: what to install) when the ``[parquet]`` extra is missing."""
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        raise ParquetExtraMissingError(
            f"export focus to Parquet needs the [parquet] extra (pyarrow): {PARQUET_EXTRA}"
        ) from None


def decimal_type(amounts: Iterable[Decimal]) -> Any:
    """The narrowest of DECIMAL(38, s) and DECIMAL(76, s) that holds every amount exactly, s at least 9.

    A streamed file's schema is fixed before its first row group, so the type is decided by a first pass
    over every amount the file will hold, in the form its cells write (``decimal_text``)."""
    import pyarrow as pa

    scale, whole = MIN_SCALE, 1
    for value in amounts:
        _, digits, exponent = value.as_tuple()
        assert isinstance(exponent, int)  # the CSV's cells are finite (decimal_text)
        scale = max(scale, -exponent)
        whole = max(whole, len(digits) + exponent)
    precision = whole + scale
    if precision > MAX_PRECISION:
        raise InvalidParameterError(
            f"an amount needs {precision} digits, more than a Parquet DECIMAL holds ({MAX_PRECISION}): "
            "write the CSV (-o FILE.csv) instead"
        )
    return pa.decimal128(38, scale) if precision <= 38 else pa.decimal256(MAX_PRECISION, scale)


def export_amounts(export: FocusExport) -> Iterator[Decimal]:
    """Every DECIMAL cell of ``export``'s rows, as its text says it: the first pass that sizes the type.

    From the charges already read rather than a SQL max(abs()): a row's cost is a sum of entries (which
    no per-entry maximum bounds), and an amount stored as text may have more places than nano-dollars."""
    for charge in export.charges:
        yield Decimal(decimal_text(charge.billed))
        yield Decimal(decimal_text(charge.effective))
        if charge.requests is not None:
            yield Decimal(charge.requests)


def write_parquet(
    file: IO[bytes], rows: Iterable[dict[str, str]], decimal: Any, *, row_group_rows: int | None = None
) -> int:
    """The CSV's ``rows`` (text; empty is null) into ``file`` as Parquet, ``row_group_rows`` rows to a row
    group (default ``ROW_GROUP_ROWS``), each written as soon as it is read, so that memory holds one row
    group's cells whatever the month's size; ``decimal`` the money columns' type (``decimal_type``). How
    many rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    size = row_group_rows or ROW_GROUP_ROWS
    moment = pa.timestamp("us", tz="UTC")
    schema = pa.schema(
        [
            pa.field(column, decimal if column in DECIMALS else moment if column in MOMENTS else pa.string())
            for column in COLUMNS
        ],
        metadata={"focus_version": "1.2"},
    )
    group: list[list[str | None]] = [[] for _ in COLUMNS]  # the cells only: a row's dict is not kept
    count = 0
    with pq.ParquetWriter(file, schema) as writer:
        for row in rows:
            for cells, column in zip(group, COLUMNS, strict=True):
                cells.append(row[column] or None)
            count += 1
            if count % size == 0:
                _write_group(writer, schema, group)
        if count % size:
            _write_group(writer, schema, group)
    return count


def _write_group(writer: Any, schema: Any, group: list[list[str | None]]) -> None:
    """One row group of text cells, typed by Arrow's own cast: exact (a value the type cannot hold
    raises, never rounds), no Python Decimal or datetime per cell. Empties ``group``."""
    import pyarrow as pa

    arrays = [pa.array(cells, pa.string()).cast(field.type) for cells, field in zip(group, schema, strict=True)]
    writer.write_table(pa.Table.from_arrays(arrays, schema=schema), row_group_size=len(group[0]))
    for cells in group:
        cells.clear()
