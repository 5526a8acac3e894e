"""The page's wording, on a page rendered from a seeded store: what its figures are, said honestly."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

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


def test_long_names_are_cut_in_headers_whole_in_their_title_and_days_never_wrap(three_months: str) -> None:
    from aimlapi_billing.teams import parse_teams

    pytest.importorskip("matplotlib")
    long_team = "finance and " * 8  # 96 characters, within the teams file's cap
    teams = parse_teams({"rule": [{"team": long_team.strip(), "glob": "*"}]}, "<test>")
    start = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
    end = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
    with store.open_for_reading(three_months) as opened:
        figures = store.dashboard(opened, start, end, teams=teams, by="team")
    page = render_html(figures, end)
    daily = page[page.index('<table id="daily">') : page.index("</table>", page.index('<table id="daily">'))]
    heads = re.findall(r"<th([^>]*)>(.*?)</th>", daily)
    cut = [(attributes, shown) for attributes, shown in heads if shown.startswith("finance")]
    assert cut == [(' class=usd title="' + long_team.strip() + '"', long_team[:23] + "…")]
    assert "<td class=day>2026-11-01</td>" in daily
    assert ".day { white-space: nowrap; }" in page


def test_by_team_the_page_says_keys_are_mapped_by_their_current_name(three_months: str, page: str) -> None:
    from aimlapi_billing.teams import parse_teams

    teams = parse_teams({"rule": [{"team": "all", "glob": "*"}]}, "<test>")
    start = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
    end = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
    with store.open_for_reading(three_months) as opened:
        by_team = render_html(store.dashboard(opened, start, end, teams=teams, by="team"), end)
    assert 'id="renamed"' in by_team
    assert "<b>current</b> name" in by_team
    assert 'id="renamed"' not in page  # by key, no team is shown in the daily table


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (101, "101st"),
        (111, "111th"),
        (112, "112th"),
    ],
)
def test_ordinals(number: int, text: str) -> None:
    from aimlapi_billing.report._page import _ordinal

    assert _ordinal(number) == text


#: Every kind of character the page must not carry from a name: C0 (NUL, BEL, ESC, tab, newline), C1
#: (NEL, CSI), the bidi overrides and isolates.
CONTROLS = "\x00\x07\x1b\t\n\x85\x9b" + "".join(chr(c) for c in range(0x202A, 0x202F)) + "\u2066\u2067\u2068\u2069"


def test_control_and_bidi_characters_in_key_and_model_names_are_not_in_the_page(tmp_path: Path) -> None:
    from decimal import Decimal

    from fake_api.seeded_store import SeededKey, seed

    from aimlapi_billing.teams import parse_teams

    pytest.importorskip("matplotlib")
    end = datetime.datetime(2026, 11, 30, 12, tzinfo=datetime.UTC)
    url = f"sqlite:///{tmp_path}/controls.db"
    seed(
        url,
        [SeededKey("a1b2c3d4", f"key{CONTROLS}name", Decimal(5))],
        [f"model{CONTROLS}x"],
        end=end,
        days=2,
        per_day=4,
    )
    teams = parse_teams({"rule": [{"team": "ops", "glob": "*"}]}, "<test>")  # a teams file refuses controls
    start = datetime.datetime(2026, 11, 29, tzinfo=datetime.UTC)
    with store.open_for_reading(url) as opened:
        pages = [render_html(store.dashboard(opened, start, end, teams=teams, by=by), end) for by in ("key", "team")]
    for page in pages:
        assert [hex(ord(character)) for character in page if character in CONTROLS and character != "\n"] == []
        # Replaced by spaces, never dropped: the name stays readable, and the cells are still there.
        assert "model" + " " * len(CONTROLS) + "x" in page
        assert "key" + " " * len(CONTROLS) + "name" in page


def test_a_key_spending_over_a_limit_of_0_ranks_first_as_over(tmp_path: Path) -> None:
    """Not folded into "other (N)", nor last with a blank ratio: a limit of 0 spent on is the worst."""
    from decimal import Decimal

    from fake_api.seeded_store import SeededKey, seed

    from aimlapi_billing.store._dashboard import TOP_KEYS

    pytest.importorskip("matplotlib")
    url = f"sqlite:///{tmp_path / 'spend.db'}"
    keys = [SeededKey(f"k{n:07d}", f"service-{n}", Decimal(1)) for n in range(TOP_KEYS + 3)]
    keys.append(SeededKey("zero0000", "frozen", Decimal(0)))
    end = datetime.datetime(2026, 11, 30, 12, tzinfo=datetime.UTC)
    seed(url, keys, ["gpt-4o"], end=end, days=3, per_day=len(keys) * 2)
    start = datetime.datetime(2026, 11, 27, tzinfo=datetime.UTC)
    with store.open_for_reading(url) as opened:
        figures = store.dashboard(opened, start, end)
    assert figures.keys[0].prefix == "zero0000"
    html = render_html(figures)
    limits = html[html.index('id="limits"') :]
    first = re.search(r'<tr data-key="([^"]+)"[^>]*>(.*?)</tr>', limits)
    assert first is not None
    assert first[1] == "zero0000"
    assert '<td class="n">over (∞)</td>' in first[2]
    assert ">over (∞) frozen (zero0000)</text>" in html  # the chart's label says it too
