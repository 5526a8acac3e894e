"""The FOCUS export as Parquet (the ``[parquet]`` extra, pyarrow): the CSV's rows and columns, typed.

Each cell is the CSV's own text converted, so the two files say the same: FOCUS's Decimal columns a
Parquet DECIMAL (exact; never a float), its DateTime columns UTC timestamps, every other column a
string, ``Tags`` the same JSON object text (FOCUS's KeyValueFormat), an empty cell null.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any

from .._exceptions import ConfigurationError, InvalidParameterError
from ._focus import COLUMNS

__all__ = ["PARQUET_EXTRA", "ParquetExtraMissingError", "require_extra", "write_parquet"]

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


def _decimal_type(values: Iterable[Decimal]) -> Any:
    """The narrowest of DECIMAL(38, s) and DECIMAL(76, s) that holds every value exactly, s at least 9."""
    import pyarrow as pa

    scale, whole = MIN_SCALE, 1
    for value in values:
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


def _moment(text: str) -> datetime.datetime:
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.UTC)


def write_parquet(file: IO[bytes], rows: Iterable[dict[str, str]]) -> int:
    """The CSV's ``rows`` (text; empty is null) as one Parquet table into ``file``; how many rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    cells: dict[str, list[Any]] = {column: [] for column in COLUMNS}
    count = 0
    for row in rows:
        count += 1
        for column in COLUMNS:
            text = row[column]
            if not text:
                cells[column].append(None)
            elif column in DECIMALS:
                cells[column].append(Decimal(text))
            elif column in MOMENTS:
                cells[column].append(_moment(text))
            else:
                cells[column].append(text)
    decimal = _decimal_type(value for column in DECIMALS for value in cells[column] if value is not None)
    moment = pa.timestamp("us", tz="UTC")
    fields = [
        pa.field(column, decimal if column in DECIMALS else moment if column in MOMENTS else pa.string())
        for column in COLUMNS
    ]
    schema = pa.schema(fields, metadata={"focus_version": "1.2"})
    table = pa.table({field.name: pa.array(cells[field.name], type=field.type) for field in fields}, schema=schema)
    pq.write_table(table, file)
    return count
