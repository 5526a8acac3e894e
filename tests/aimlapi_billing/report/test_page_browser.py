"""``report --html`` in a real browser (Debian's headless Chromium): the page renders with no console
error and no request beyond its own file, no text from the store runs as markup, and the figures the
page shows equal ``report --json``'s for the same window. One page load per group of assertions."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from aimlapi_billing.store._dashboard import TOP_GROUPS, TOP_KEYS, TOP_MODELS

from .conftest import HOSTILE_NAMES, MODELS, WINDOW, Browser, report_json, run

_READ = """() => {
  const cells = (selector) => [...document.querySelectorAll(selector)];
  return {
    total: document.querySelector('#total').dataset.usd,
    groups: cells('ol.groups li').map((li) => [li.dataset.other, li.textContent]),
    daily: cells('#daily tbody tr[data-day]').map((tr) => [tr.dataset.day,
      cells(`#daily tr[data-day="${tr.dataset.day}"] td[data-group]`).map((td) => td.dataset.usd)]),
    models: cells('#models tbody tr[data-model]').map((tr) => [tr.dataset.model, tr.dataset.other,
      tr.querySelector('td[data-usd]').dataset.usd]),
    keys: cells('#limits tbody tr[data-key]').map((tr) => [tr.dataset.key, tr.dataset.other,
      tr.querySelector('td[data-usd]').dataset.usd]),
    verdict: document.querySelector('[data-verdict]').dataset.verdict,
    scripts: document.querySelectorAll('script, img, iframe, object, embed, link').length,
    text: document.body.innerText,
    svgs: document.querySelectorAll('svg').length,
  };
}"""


_SVG_TEXT = """() => [[...document.querySelectorAll('svg text')].map((t) => t.textContent),
  document.querySelectorAll('svg svg, svg script, svg img').length]"""


def _top(totals: dict[str, Decimal], count: int) -> list[tuple[str, Decimal]]:
    ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    top = ranked[:count]
    if len(ranked) > count:
        top.append((f"other ({len(ranked) - count:,})", sum((amount for _, amount in ranked[count:]), Decimal(0))))
    return top


def _render(db: str, path: Path, *argv: str) -> None:
    code, out, err = run("report", "--db", db, *WINDOW, *argv, "--html", str(path))
    assert (code, out) == (0, ""), err
    assert err.startswith(f"wrote {path} (")


def _clean(loaded: Any, path: Path) -> None:
    assert loaded.console == []
    assert loaded.errors == []
    assert loaded.dialogs == []
    assert loaded.requests == [path.resolve().as_uri()]  # nothing fetched: no font, image, script or style


@pytest.mark.parametrize("by", ["key", "team"])
def test_the_page_shows_report_json_figures_and_fetches_nothing(
    three_months: str, teams_file: Path, tmp_path: Path, browser: Browser, by: str
) -> None:
    path = tmp_path / "spend.html"
    _render(three_months, path, "--by", by, "--teams", str(teams_file))
    loaded = browser.load(path, lambda page: page.evaluate(_READ))
    _clean(loaded, path)
    shown = loaded.result
    assert shown["scripts"] == 0
    assert shown["svgs"] == 4

    by_day = report_json(three_months, "--by", f"day,{by}", "--teams", str(teams_file))
    field = "key_prefix" if by == "key" else "team"
    assert shown["total"] == by_day["total_usd"]
    totals: dict[str, Decimal] = {}
    for row in by_day["rows"]:
        totals[row[field]] = totals.get(row[field], Decimal(0)) + Decimal(row["spend_usd"])
    expected = _top(totals, TOP_GROUPS)
    assert [name for _, name in shown["groups"]] == [name for name, _ in expected]
    assert [other for other, _ in shown["groups"]] == ["false"] * min(len(totals), TOP_GROUPS) + ["true"] * (
        len(totals) > TOP_GROUPS
    )
    named = {name for name, _ in expected[:TOP_GROUPS]}
    cells: dict[tuple[str, int], Decimal] = {}
    for row in by_day["rows"]:
        group = [name for name, _ in expected].index(row[field]) if row[field] in named else len(expected) - 1
        cells[row["day"], group] = cells.get((row["day"], group), Decimal(0)) + Decimal(row["spend_usd"])
    assert len(shown["daily"]) == 91
    for day, amounts in shown["daily"]:
        assert [Decimal(amount) for amount in amounts] == [
            cells.get((day, n), Decimal(0)) for n in range(len(expected))
        ]
    assert shown["verdict"] == "agree"


def test_models_and_keys_tables_equal_report_json(three_months: str, tmp_path: Path, browser: Browser) -> None:
    path = tmp_path / "spend.html"
    _render(three_months, path)
    loaded = browser.load(path, lambda page: page.evaluate(_READ))
    _clean(loaded, path)
    shown = loaded.result

    models = {row["model"]: Decimal(row["spend_usd"]) for row in report_json(three_months, "--by", "model")["rows"]}
    assert len(models) == len(MODELS) > TOP_MODELS
    assert [(name, Decimal(usd)) for name, _, usd in shown["models"]] == _top(models, TOP_MODELS)
    keys = {row["key_prefix"]: Decimal(row["spend_usd"]) for row in report_json(three_months, "--by", "key")["rows"]}
    assert {prefix: Decimal(usd) for prefix, other, usd in shown["keys"] if other == "false"}.items() <= keys.items()
    assert sum(Decimal(usd) for _, _, usd in shown["keys"]) == sum(keys.values())
    assert len(shown["keys"]) <= TOP_KEYS + 1


def test_text_from_the_store_is_shown_as_text_never_run(three_months: str, tmp_path: Path, browser: Browser) -> None:
    path = tmp_path / "spend.html"
    _render(three_months, path)
    loaded = browser.load(path, lambda page: (page.evaluate(_READ), page.evaluate(_SVG_TEXT)))
    _clean(loaded, path)  # the <img> in a key's name fetched nothing, the <script> said nothing
    shown, (labels, svg_elements) = loaded.result
    assert shown["scripts"] == 0
    for name in HOSTILE_NAMES:
        assert name in shown["text"]
    assert "<svg onload=alert(1)>" in shown["text"]
    # In the charts too: matplotlib escaped the labels (cut to 32 characters), no element came of them.
    assert any(label.startswith("<svg onload=alert(1)>") for label in labels)
    assert svg_elements == 0


def test_an_empty_window_renders_and_says_so(three_months: str, tmp_path: Path, browser: Browser) -> None:
    """The command refuses a window the store holds nothing for (exit 11); the library still draws one."""
    from aimlapi_billing.report import write_html
    from aimlapi_billing.store import dashboard, open_for_reading

    path = tmp_path / "empty.html"
    code, _, err = run(
        "report", "--db", three_months, "--start", "2020-01-01", "--end", "2020-01-02", "--html", str(path)
    )
    assert (code, path.exists()) == (11, False), err
    start = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    with open_for_reading(three_months) as opened:
        write_html(path, dashboard(opened, start, start + datetime.timedelta(days=1)))
    loaded = browser.load(path, lambda page: page.evaluate(_READ))
    _clean(loaded, path)
    shown = loaded.result
    assert shown["total"] == "0"
    assert shown["daily"] == [["2020-01-01", []]]
    assert path.read_text().count("no spend in this window") == 2  # the daily and the models chart say so


def test_it_prints_on_a4_without_cutting_a_table(
    three_months: str, teams_file: Path, tmp_path: Path, browser: Browser
) -> None:
    path = tmp_path / "spend.html"
    _render(three_months, path, "--by", "team", "--teams", str(teams_file))

    def printed(page: Any) -> tuple[list[float], bytes]:
        # A4's 210 mm less the page's 12 mm margins, at CSS's 96 px to the inch: 703 px.
        page.set_viewport_size({"width": 703, "height": 1000})
        page.emulate_media(media="print")
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, "
            "...[...document.querySelectorAll('table, svg')].map((e) => e.getBoundingClientRect().right)]"
        )
        margins = {"top": "12mm", "bottom": "12mm", "left": "12mm", "right": "12mm"}
        return widths, page.pdf(format="A4", margin=margins)

    loaded = browser.load(path, printed)
    widths, pdf = loaded.result
    assert max(widths) <= 703, widths
    assert pdf.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert 3 <= pages <= 15, pages  # 91 days of figures: a few pages, not one cut short nor hundreds
    _clean(loaded, path)
