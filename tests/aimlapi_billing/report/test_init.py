"""``report --html`` at its edges, without a browser: the missing extra, a file that cannot be
written (nothing left behind, an old file kept whole), a missing store, 1,000 keys and 50 models
(the legend and tables bounded), one day, a window long enough to be shown by month."""

from __future__ import annotations

import datetime
import json
import os
import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from fake_api.seeded_store import SeededKey, seed

from aimlapi_billing.store._dashboard import TOP_GROUPS, TOP_KEYS, TOP_MODELS

from .conftest import WINDOW, run


def test_without_the_report_extra_it_is_exit_3_in_one_line(
    three_months: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # what an environment without it raises: ImportError
    code, out, err = run("report", "--db", three_months, "--html", str(tmp_path / "r.html"))
    assert (code, out) == (3, "")
    assert err == (
        "aimlapi-billing: error: report --html needs the [report] extra (matplotlib): "
        "pip install 'aimlapi-billing[report]'\n"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("where", ["missing-dir/r.html", "."])
def test_an_unwritable_file_is_exit_2_and_leaves_nothing(three_months: str, tmp_path: Path, where: str) -> None:
    target = tmp_path / where
    code, out, err = run("report", "--db", three_months, *WINDOW, "--html", str(target))
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1
    assert str(target) in err
    assert ".tmp" not in err
    assert sorted(path.name for path in tmp_path.iterdir()) == []


def test_an_old_file_is_replaced_whole_or_kept(three_months: str, tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    target.write_text("old report")
    code, _, err = run("report", "--db", f"sqlite:///{tmp_path / 'none.db'}", "--html", str(target))
    assert code == 9, err  # no store: the old file is kept as it was
    missing = f"sqlite:///{tmp_path / 'none.db'}"
    assert err == f"aimlapi-billing: error: no store at {missing} yet: run `aimlapi-billing sync` first\n"
    assert target.read_text() == "old report"
    code, _, err = run("report", "--db", three_months, *WINDOW, "--html", str(target))
    assert code == 0, err
    text = target.read_text()
    assert text.startswith("<!DOCTYPE html>")
    assert text.endswith("</html>\n")
    assert oct(target.stat().st_mode & 0o777) == "0o644"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["r.html"]


def test_html_groups_only_by_key_or_team(three_months: str, tmp_path: Path) -> None:
    code, out, err = run("report", "--db", three_months, "--by", "key,model", "--html", str(tmp_path / "r.html"))
    assert (code, out) == (2, "")
    assert "give --by key or --by team" in err
    code, _, err = run("report", "--db", three_months, "--html", str(tmp_path / "r.html"), "--json")
    assert code == 2
    assert "not allowed with argument" in err


def _cells(text: str, table: str) -> list[str]:
    body = text.split(f'<table id="{table}">', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr[ >]", body)


def test_a_thousand_keys_and_fifty_models_stay_bounded(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'spend.db'}"
    keys = [SeededKey(f"k{n:07d}", f"svc-{n}", Decimal(5) if n % 3 == 0 else None) for n in range(1000)]
    end = datetime.datetime(2026, 11, 30, 12, tzinfo=datetime.UTC)
    seed(db, keys, [f"model-{n}" for n in range(50)], end=end, days=3, per_day=3000)
    target = tmp_path / "r.html"
    code, _, err = run("report", "--db", db, "--start", "2026-11-27", "--end", "2026-11-30", "--html", str(target))
    assert code == 0, err
    text = target.read_text()
    assert len(text) < 400_000
    assert text.count('<li data-group="') == TOP_GROUPS + 1
    assert text.count('data-other="true"') == 3  # the legend's, the models', the keys' "other"
    assert len(_cells(text, "models")) == 1 + TOP_MODELS + 1 + 1  # header, top, other, total
    assert len(_cells(text, "limits")) == 1 + TOP_KEYS + 1
    assert f'data-members="{1000 - TOP_GROUPS}"' in text
    code, out, _ = run("report", "--db", db, "--start", "2026-11-27", "--end", "2026-11-30", "--json")
    assert f'id="total" data-usd="{json.loads(out)["total_usd"]}"' in text
    # The keys nearest their limit come first: every key of the table's top has a limit of 5 USD.
    limits = re.findall(r'<tr data-key="k\d+" data-other="false">.*?</tr>', text)
    assert len(limits) == TOP_KEYS
    assert all('data-usd="5"' in row for row in limits)


def test_one_day_and_a_long_window(three_months: str, tmp_path: Path) -> None:
    target = tmp_path / "day.html"
    code, _, err = run(
        "report", "--db", three_months, "--start", "2026-10-10", "--end", "2026-10-11", "--html", str(target)
    )
    assert code == 0, err
    text = target.read_text()
    assert re.findall(r'<tr data-day="([0-9-]+)">', text) == ["2026-10-10"]
    assert 'data-verdict="agree"' in text
    target = tmp_path / "year.html"
    code, _, err = run(
        "report", "--db", three_months, "--start", "2026-01-01", "--end", "2027-01-01", "--html", str(target)
    )
    assert code == 0, err
    text = target.read_text()
    assert re.findall(r'<tr data-day="([0-9-]+)">', text) == [f"2026-{month:02d}-01" for month in range(1, 13)]
    assert "Spend per month" in text
    assert os.path.getsize(target) < 200_000
