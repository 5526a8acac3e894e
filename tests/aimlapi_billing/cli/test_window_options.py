"""The window options of every command (``_cli/_window.py``) against the stand-in on 127.0.0.1: what
``usage``, ``logs``, ``reconcile`` and ``forecast`` send for weeks, calendar months, ``--since`` and
calendar windows in ``--tz``."""

from __future__ import annotations

import datetime
import json
import zoneinfo
from urllib.parse import parse_qs, urlsplit

import pytest
from fake_api_server import FakeAIMLAPI

from tests.helpers.cli import rejected, run

UTC = datetime.UTC


def queries(server: FakeAIMLAPI, path: str) -> list[dict[str, str]]:
    return [
        {name: values[-1] for name, values in parse_qs(urlsplit(seen.path).query).items()}
        for seen in server.requests_to(path)
    ]


def test_weeks_are_the_apis_days_and_months_an_explicit_window() -> None:
    with FakeAIMLAPI() as server:
        assert run("usage", "--period", "2w", "--base-url", server.url)[0] == 0
        assert run("usage", "--period", "1mo", "--base-url", server.url)[0] == 0
        week, month = queries(server, "/v2/usage")
    assert week == {"period": "14d"}
    start, end = (datetime.datetime.fromisoformat(month[name]) for name in ("start", "end"))
    assert datetime.timedelta(days=28) <= end - start <= datetime.timedelta(days=31)
    assert start.time() == end.time()  # the same moment of the day, a calendar month before


def test_since_and_a_start_alone_end_now() -> None:
    now = datetime.datetime.now(UTC)
    since = (now - datetime.timedelta(days=3)).replace(microsecond=0).isoformat()
    with FakeAIMLAPI() as server:
        code, out, _ = run("usage", "--since", since, "--json", "--base-url", server.url)
        assert run("logs", "--start", since, "--base-url", server.url)[0] == 0
        (asked,) = queries(server, "/v2/usage")
        (page,) = queries(server, "/v2/logs")
    assert code == 0
    assert datetime.datetime.fromisoformat(asked["start"]) == datetime.datetime.fromisoformat(since)
    assert datetime.datetime.fromisoformat(asked["end"]) >= now
    assert datetime.datetime.fromisoformat(json.loads(out)["end"]) >= now
    assert datetime.datetime.fromisoformat(page["end"]) >= now


def test_a_calendar_window_in_a_zone_for_logs_reconcile_and_forecast() -> None:
    with FakeAIMLAPI() as server:
        assert run("logs", "--period", "this-week", "--tz", "Pacific/Chatham", "--base-url", server.url)[0] == 0
        (page,) = queries(server, "/v2/logs")
        code, out, _ = run(
            "reconcile", "--period", "last-month", "--tz", "Europe/Berlin", "--json", "--base-url", server.url
        )
        assert code in (0, 10)
        code, out, err = run(
            "forecast", "--window", "last-month", "--tz", "Asia/Tokyo", "--json", "--base-url", server.url
        )
    start = datetime.datetime.fromisoformat(page["start"])
    assert start.astimezone(zoneinfo.ZoneInfo("Pacific/Chatham")).time() == datetime.time(0)
    assert (code, err) == (0, "")
    forecast = json.loads(out)
    window_start = datetime.datetime.fromisoformat(forecast["window_start"])
    assert window_start.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo")).time() == datetime.time(0)
    assert window_start.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo")).day == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["forecast", "--window", "2mo", "--tz", "Europe/Berlin"], "calendar --window"),
        (["forecast", "--window", "this-month", "--tz", "Nowhere/Atlantis"], "IANA"),
        (["forecast", "--window", "121mo"], "from 1h to 3660d"),
        (["reconcile", "--tz", "UTC", "--period", "24h"], "calendar --period"),
        (["reconcile", "--since", "2999-12-31T00:00:00+00:00"], "in the future"),
        (["logs", "--since", "2026-01-01", "--end", "2026-02-01"], "not both"),
        (["usage", "--period", "7d", "--since", "2026-01-01"], "not both"),
        (["usage", "--period", "2w1d"], "not a span"),
        # A space around a moment is refused as one around a span (' 7d') is: one rule.
        (["usage", "--since", "2026-12-01 "], "space around an ISO 8601 date or time: '2026-12-01 '"),
        (["logs", "--start", " 2026-12-01", "--end", "2026-12-02"], "space around"),
        (["usage", "--period", " 7d"], "not a span"),
    ],
    ids=" ".join,
)
def test_a_bad_window_is_one_line_and_exit_2_before_any_request(argv: list[str], message: str) -> None:
    with FakeAIMLAPI() as server:
        assert message in rejected(server, *argv)
