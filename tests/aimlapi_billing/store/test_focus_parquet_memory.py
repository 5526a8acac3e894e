"""The Parquet export's memory is one row group's, not the month's: a process writing 4N rows peaks
about where one writing N rows does (the peak resident set, VmHWM, in a fresh process each)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pq = pytest.importorskip("pyarrow.parquet")

#: argv: rows, rows to a row group, the file. Prints the rows written and VmHWM (kB). The rows are
#: made as they are asked for, each with its own cost, key and tags, as a month's usage rows are.
_PEAK = r"""
import re, sys
from decimal import Decimal
from aimlapi_billing.store._focus import COLUMNS
from aimlapi_billing.store._focus_parquet import decimal_type, write_parquet

count, group, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
template = dict.fromkeys(COLUMNS, "")
template.update(BillingAccountId="aimlapi", BillingCurrency="USD", ChargeCategory="Usage",
                BillingPeriodStart="2026-11-01T00:00:00Z", BillingPeriodEnd="2026-12-01T00:00:00Z",
                ChargePeriodStart="2026-11-02T00:00:00Z", ChargePeriodEnd="2026-11-03T00:00:00Z",
                SkuId="gpt-4o", SubAccountType="API Key", x_LedgerType="MODEL_USAGE")

def rows():
    for index in range(count):
        row = dict(template)
        cost = f"{index}.{index % 1000:03d}000001"
        row.update(BilledCost=cost, EffectiveCost=cost, ListCost=cost, ContractedCost=cost,
                   ConsumedQuantity=f"{index % 97}.0", SubAccountId=f"key-{index:08d}",
                   Tags='{"aimlapi/key_prefix": "key-%08d"}' % index)
        yield row

with open(path, "wb") as file:
    written = write_parquet(file, rows(), decimal_type([Decimal(count)]), row_group_rows=group)
print(written, re.search(r"VmHWM:\s+(\d+) kB", open("/proc/self/status").read()).group(1))
"""


def _peak_kib(rows: int, group: int, path: Path) -> int:
    argv = [sys.executable, "-c", _PEAK, str(rows), str(group), str(path)]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    written, kib = result.stdout.split()[-2:]
    assert int(written) == rows
    assert pq.ParquetFile(path).metadata.num_rows == rows
    return int(kib)


def test_four_times_the_rows_does_not_grow_the_peak_memory(tmp_path: Path) -> None:
    rows, group = 20_000, 2_000
    small = _peak_kib(rows, group, tmp_path / "small.parquet")
    large = _peak_kib(4 * rows, group, tmp_path / "large.parquet")
    # Holding the rows would grow the peak by ~3 N rows' cells (tens of MB over a ~100 MB process);
    # streaming leaves it within a row group's noise.
    assert large <= small * 1.1, (small, large)
