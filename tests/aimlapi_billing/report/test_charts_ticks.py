"""The daily chart's x axis spans the window and no more: no tick label for a day outside it."""

from __future__ import annotations

import datetime
import re

import pytest

from aimlapi_billing import store


@pytest.mark.parametrize(("first", "end"), [("2026-09-01", "2026-12-01"), ("2026-11-01", "2026-12-01")])
def test_no_tick_past_the_windows_last_day(three_months: str, first: str, end: str) -> None:
    pytest.importorskip("matplotlib")
    from aimlapi_billing.report import _charts

    start, stop = (datetime.datetime.fromisoformat(f"{day}T00:00:00+00:00") for day in (first, end))
    with store.open_for_reading(three_months) as opened:
        figures = store.dashboard(opened, start, stop)
    ticks = re.findall(r'<g id="xtick_\d+">.*?<text[^>]*>([^<]*)</text>', _charts.daily(figures), re.S)
    assert ticks[0] == first
    assert all(first <= tick < end for tick in ticks), ticks  # ISO days compare as text
