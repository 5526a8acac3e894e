"""The page's wording, on a page rendered from a seeded store: what its figures are, said honestly."""

from __future__ import annotations

import datetime
import re

import pytest

from aimlapi_billing import store
from aimlapi_billing.report import render_html


@pytest.fixture(scope="module")
def page(three_months: str) -> str:
    pytest.importorskip("matplotlib")
    start = datetime.datetime(2026, 9, 1, tzinfo=datetime.UTC)
    end = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
    with store.open_for_reading(three_months) as opened:
        figures = store.dashboard(opened, start, end)
    return render_html(figures, datetime.datetime(2026, 12, 1, 1, tzinfo=datetime.UTC))


def test_the_limit_ratio_says_it_is_window_spend_over_the_limit(page: str) -> None:
    limits = page[page.index('<section id="s2">') : page.index('<section id="s3">')]
    headers = re.findall(r"<th[^>]*>(.*?)</th>", limits)
    assert "window spend ÷ limit" in headers
    assert "of limit" not in headers
    assert "A limit applies per its period" in limits
