"""``dashboard`` over a window longer than MAX_DAYS_SHOWN days: rows per month, the first labelled by
the window's first day when the window starts mid-month (never a day before the window)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

from fake_api.seeded_store import SeededKey, seed

from aimlapi_billing.store import dashboard, open_for_reading

END = datetime.datetime(2026, 11, 11, tzinfo=datetime.UTC)


def test_a_window_from_mid_month_labels_its_first_month_by_its_first_day(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'spend.db'}"
    seed(url, [SeededKey("a1b2c3d4", "one")], ["m"], end=END, days=150, per_day=4)
    start = datetime.datetime(2026, 6, 15, tzinfo=datetime.UTC)
    with open_for_reading(url) as store:
        figures = dashboard(store, start, END)
    assert figures.bucket == "month"
    assert figures.days == (
        datetime.date(2026, 6, 15),
        datetime.date(2026, 7, 1),
        datetime.date(2026, 8, 1),
        datetime.date(2026, 9, 1),
        datetime.date(2026, 10, 1),
        datetime.date(2026, 11, 1),
    )
    assert {day for day, _group in figures.daily} <= set(figures.days)
    assert sum(figures.daily.values(), Decimal(0)) == figures.total
