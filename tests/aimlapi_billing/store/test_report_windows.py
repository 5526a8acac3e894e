"""``report``'s window options are every command's (``_cli/_window.py``): spans of weeks and calendar
months, ``--since`` (an open end), calendar windows in ``--tz``, against a store synced from the
stand-in on 127.0.0.1."""

from __future__ import annotations

import datetime
import io
import json
import re
from pathlib import Path

import pytest
from fake_api_server import FakeAIMLAPI

from aimlapi_billing._cli import main


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def synced(small_fake: FakeAIMLAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("AIMLAPI_BILLING_BASE_URL", small_fake.url)
    monkeypatch.delenv("AIMLAPI_BILLING_DB", raising=False)
    url = f"sqlite:///{tmp_path / 'spend.db'}"
    code, _, err = run("sync", "--db", url)
    assert (code, err) == (0, "")
    return url


def _report(url: str, *window: str) -> dict[str, object]:
    code, out, err = run("report", "--db", url, *window, "--json")
    data: dict[str, object] = json.loads(out)
    # A window reaching past the sync (to now, or the end of today) is partial, and the note says so.
    partial = f"aimlapi-billing: note: the last sync began {data['as_of']}: spend after it is not in this report\n"
    assert (code, err) == (0, partial if _moment(data["end"]) > _moment(data["as_of"]) else ""), err
    return data


def _moment(text: object) -> datetime.datetime:
    return datetime.datetime.fromisoformat(str(text))


def test_weeks_months_and_since_cover_the_same_rows(synced: str) -> None:
    now = datetime.datetime.now(datetime.UTC)
    week, month = _report(synced, "--period", "2w"), _report(synced, "--period", "1mo")
    since = _report(synced, "--since", (now - datetime.timedelta(days=10)).isoformat())
    assert week["total_usd"] == month["total_usd"] == since["total_usd"] == "4.48"
    assert _moment(week["end"]) - _moment(week["start"]) == datetime.timedelta(days=14)
    assert datetime.timedelta(days=28) <= _moment(month["end"]) - _moment(month["start"]) <= datetime.timedelta(days=31)
    # Each ends where the last finished sync began (reconcile --db's rule): nothing after it is stored.
    assert week["end"] == month["end"] == since["end"] == week["as_of"]


def test_a_calendar_window_in_a_zone_starts_at_its_local_midnight(synced: str) -> None:
    code, out, err = run("report", "--db", synced, "--period", "yesterday", "--tz", "America/St_Johns", "--json")
    if code == 11:  # the stand-in's requests missed that local day: the refusal names the window
        match = re.search(r"no request row from (\S+) to (\S+): nothing to report", err)
        assert match is not None, err
        start, end = _moment(match[1]), _moment(match[2])
    else:
        data = json.loads(out)
        start, end = _moment(data["start"]), _moment(data["end"])
    assert start.minute == end.minute == 30
    assert end - start in (datetime.timedelta(hours=23), datetime.timedelta(hours=24), datetime.timedelta(hours=25))


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--tz", "Mars/Olympus", "--period", "today"], "IANA"),
        (["--tz", "Europe/Berlin", "--period", "7d"], "calendar --period"),
        (["--since", "2999-01-01"], "in the future"),
        (["--month", "2026-11", "--since", "2026-01-01"], "one of them"),
        (["--period", "1.5mo"], "not a span"),
    ],
)
def test_a_bad_window_is_one_line_and_exit_2(synced: str, argv: list[str], message: str) -> None:
    code, out, err = run("report", "--db", synced, *argv)
    assert (code, out, err.count("\n")) == (2, "", 1)
    assert message in err


@pytest.mark.parametrize(
    ("zone", "start", "end"),
    [
        ("Europe/Berlin", "2026-10-31T23:00:00Z", "2026-11-30T23:00:00Z"),  # CET, after October's DST change
        ("America/St_Johns", "2026-11-01T02:30:00Z", "2026-12-01T03:30:00Z"),  # NDT to NST on 1 November
        ("UTC", "2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z"),
    ],
)
def test_a_month_in_a_zone_runs_from_its_local_midnights(synced: str, zone: str, start: str, end: str) -> None:
    data = _report(synced, "--month", "2026-11", "--tz", zone)
    assert (data["start"], data["end"]) == (start, end)
