"""Every reader of the store after a real ``sync --keep`` against the stand-in, on SQLite and
PostgreSQL: a window that starts before the pruned cut-off is refused (one line naming it, exit 13;
UNKNOWN from the plugin; stale series from the exporter), never summed as if the store were whole;
a window after the cut-off is answered as before."""

from __future__ import annotations

import datetime
import importlib.util
import json
import re
from pathlib import Path

import pytest
from fake_api_server import FakeAIMLAPI

from tests.helpers.cli import run

#: The refusal's one line: the cut-off named, to the second.
REFUSED = re.compile(r"was pruned \(sync --keep\): its [a-z ]+ are whole only from (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")


@pytest.fixture
def pruned(api: FakeAIMLAPI, store_url: str) -> tuple[str, datetime.datetime]:
    """The default account (5 requests over 3 days, 7 ledger entries over 12) synced, checked, and
    synced again keeping 2 days: what check-keys said before, and the store."""
    assert run("sync", "--db", store_url)[0] == 0
    before = datetime.datetime.now(datetime.UTC)
    code, out, err = run("sync", "--db", store_url, "--keep", "2d")
    assert (code, err) == (0, ""), err
    assert "pruned what is older than 2d" in out
    assert not out.splitlines()[1].endswith("0 ledger entries, 0 log rows, 0 usage rows, 0 key versions, 0 balances")
    return store_url, before - datetime.timedelta(days=2)


def _refused(code: int, out: str, err: str, cutoff: datetime.datetime, *, exit_code: int = 13) -> None:
    assert (code, out) == (exit_code, ""), err
    assert err.count("\n") == 1, err
    _names(err, cutoff)


def _names(line: str, cutoff: datetime.datetime) -> None:
    named = REFUSED.search(line)
    assert named is not None, line
    assert abs(datetime.datetime.fromisoformat(named.group(1)) - cutoff) < datetime.timedelta(minutes=5)


def _iso(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("output", [[], ["--json"], ["--csv"], ["--by", "team", "--teams", "TEAMS"]])
def test_report_refuses_a_window_before_the_cut_off(
    pruned: tuple[str, datetime.datetime], output: list[str], tmp_path: Path
) -> None:
    url, cutoff = pruned
    if "TEAMS" in output:
        (tmp_path / "teams.toml").write_text('[[rule]]\nteam = "all"\nglob = "*"\n')
        output = [*output[:-1], str(tmp_path / "teams.toml")]
    _refused(*run("report", "--db", url, "--period", "7d", *output), cutoff)
    start = cutoff + datetime.timedelta(hours=1)  # after the cut-off (to the last sync): answered
    code, out, err = run("report", "--db", url, "--start", _iso(start), *output)
    assert code == 0, err
    assert out


def test_report_html_refuses_a_window_before_the_cut_off(pruned: tuple[str, datetime.datetime], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    url, cutoff = pruned
    page = tmp_path / "page.html"
    _refused(*run("report", "--db", url, "--period", "7d", "--html", str(page)), cutoff)
    assert not page.exists()


@pytest.mark.parametrize("output", [[], ["--json"]])
def test_reconcile_refuses_a_window_before_the_cut_off(
    pruned: tuple[str, datetime.datetime], output: list[str]
) -> None:
    url, cutoff = pruned
    _refused(*run("reconcile", "--db", url, "--period", "7d", *output), cutoff)
    start = cutoff + datetime.timedelta(hours=1)  # after the cut-off: compared
    code, out, err = run("reconcile", "--db", url, "--since", _iso(start), *output)
    assert code in (0, 10), err
    assert out


def test_export_focus_refuses_a_month_before_the_cut_off(pruned: tuple[str, datetime.datetime], tmp_path: Path) -> None:
    url, cutoff = pruned
    last_month = (cutoff.replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")  # begins before the cut-off
    target = tmp_path / "focus.csv"
    _refused(*run("export", "focus", "--month", last_month, "--db", url, "-o", str(target)), cutoff)
    assert not target.exists()


def test_check_keys_is_unknown_where_a_period_starts_before_the_cut_off(pruned: tuple[str, datetime.datetime]) -> None:
    # old-experiments has a no_reset limit since its creation, long before the cut-off: its spend is partial.
    url, cutoff = pruned
    code, out, err = run("check-keys", "-w", "50", "-c", "80", "--db", url)
    assert (code, err) == (3, "")
    assert out.startswith("KEYS UNKNOWN - ")
    assert out.count("\n") == 1
    _names(out, cutoff)


def test_forecast_refuses_a_window_before_the_cut_off(pruned: tuple[str, datetime.datetime]) -> None:
    url, cutoff = pruned
    _refused(*run("forecast", "--db", url, "--window", "7d"), cutoff)
    code, out, err = run("forecast", "--db", url, "--window", "1d", "--json")  # inside what the store holds
    assert code == 0, err
    assert json.loads(out)["as_of"]


@pytest.mark.parametrize("option", [["--keys"], ["--forecast-window", "7d"]])
def test_metrics_leaves_the_series_out_and_exits_13(pruned: tuple[str, datetime.datetime], option: list[str]) -> None:
    pytest.importorskip("prometheus_client")
    url, cutoff = pruned
    code, out, err = run("metrics", "--db", url, *option)
    assert code == 13, err
    samples = [line.split(" ")[0] for line in out.splitlines() if not line.startswith("#")]
    assert "aimlapi_store_stale 1.0" in out
    assert not [name for name in samples if not name.startswith("aimlapi_store_")]  # no value series at all
    assert err.count("\n") == 1, err
    _names(err, cutoff)
    # Without the figure that reaches before the cut-off, the store is served (the balance is whole).
    code, out, err = run("metrics", "--db", url)
    assert (code, err) == (0, "")
    assert "aimlapi_store_stale 0.0" in out
    assert "\naimlapi_balance_usd " in out


def test_the_cut_off_never_moves_back_and_is_the_stores_own(pruned: tuple[str, datetime.datetime]) -> None:
    from aimlapi_billing.store import complete_from, open_for_reading

    url, cutoff = pruned
    with open_for_reading(url) as store:
        first = complete_from(store)
    assert set(first) == {"logs", "ledger", "usage_daily", "key_versions", "balances"}
    assert abs(first["logs"] - cutoff) < datetime.timedelta(minutes=5)
    assert first["usage_daily"] == first["logs"].replace(hour=0, minute=0, second=0, microsecond=0)
    assert run("sync", "--db", url, "--keep", "30d")[0] == 0  # a longer keep brings nothing back
    with open_for_reading(url) as store:
        assert complete_from(store) == first


@pytest.mark.parametrize("output", [[], ["--json"]])
def test_a_window_wholly_pruned_is_exit_13_not_nothing_held(
    pruned: tuple[str, datetime.datetime], output: list[str]
) -> None:
    """Pruned away, the window holds no row now, but it did: refused as pruned (13), not as empty (11)."""
    url, cutoff = pruned
    end = cutoff - datetime.timedelta(days=1)
    _refused(
        *run("report", "--db", url, "--start", _iso(end - datetime.timedelta(days=30)), "--end", _iso(end), *output),
        cutoff,
    )


def test_a_reader_asking_for_exactly_the_kept_span_is_answered(api: FakeAIMLAPI, store_url: str) -> None:
    """The cut-off is the run's moment (the store's: where readers end their windows) minus --keep,
    so a window of exactly --keep is whole; and the moment printed is one a window may start at."""
    assert run("sync", "--db", store_url)[0] == 0
    code, out, err = run("sync", "--db", store_url, "--keep", "2d")
    assert (code, err) == (0, ""), err
    printed = re.search(r"pruned what is older than 2d \((\S+)\)", out)
    assert printed is not None, out
    code, out, err = run("forecast", "--db", store_url, "--window", "2d", "--json")
    assert code == 0, err
    assert json.loads(out)["as_of"]
    code, out, err = run("report", "--db", store_url, "--start", printed.group(1))
    assert code == 0, err
    start = datetime.datetime.fromisoformat(printed.group(1)) - datetime.timedelta(seconds=1)
    code, out, err = run("report", "--db", store_url, "--start", _iso(start))
    assert code == 13, err  # a second earlier: refused, naming the moment just accepted
    assert f"whole only from {printed.group(1)}," in err
    if importlib.util.find_spec("prometheus_client") is not None:
        code, out, err = run("metrics", "--db", store_url, "--forecast-window", "2d")
        assert (code, err) == (0, ""), err
        assert "aimlapi_store_stale 0.0" in out
