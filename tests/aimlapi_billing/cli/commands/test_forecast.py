"""`forecast` against the stand-in on 127.0.0.1: server text escaped and redacted."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from fake_api_server import FakeAIMLAPI

from tests.aimlapi_billing.conftest import API_KEY
from tests.helpers.cli import run

pytestmark = pytest.mark.usefixtures("fast_backoff")


def one_charge(model: str) -> list[dict[str, Any]]:
    """A ledger of one 1 USD charge an hour ago, for ``model``."""
    now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)
    return [
        {
            "created_at": now.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "direction": "CHARGE",
            "type": "MODEL_USAGE",
            "amount": {"usd": 1.0, "credits": 2_000_000},
            "model": model,
            "reference_id": "inf-x",
        }
    ]


def test_forecast_table_escapes_control_characters_from_the_server(fake_api: FakeAIMLAPI) -> None:
    fake_api.ledger = one_charge("evil\x1b[31m\nrunway 9999 days\u2028")
    code, out, _ = run("forecast", "--window", "30d", "--base-url", fake_api.url)
    assert code == 0
    assert "\x1b" not in out
    assert "\u2028" not in out
    assert not any(line.startswith("runway 9999") for line in out.splitlines())


@pytest.mark.parametrize("json_output", [False, True])
def test_forecast_redacts_a_model_name_that_echoes_the_key(fake_api: FakeAIMLAPI, json_output: bool) -> None:
    fake_api.ledger = one_charge(f"echo/{API_KEY}")
    code, out, _ = run("forecast", "--window", "30d", "--base-url", fake_api.url, *(["--json"] if json_output else []))
    assert code == 0
    assert "echo/<redacted>" in out
    assert API_KEY[:8] not in out
    assert API_KEY[-8:] not in out


def test_a_past_calendar_window_counts_only_its_own_spend_and_says_when_it_ended(
    fake_api: FakeAIMLAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: forecast --window last-week counted this week's 40 USD too, and called the week's last
    7 days "the last 7 days"."""
    now = datetime.datetime(2026, 8, 20, 12, tzinfo=datetime.UTC)  # a Thursday: last week is 08-10 .. 08-17
    monkeypatch.setattr("aimlapi_billing._windows.utc_now", lambda: now)

    def charge(moment: str, usd: float) -> dict[str, Any]:
        entry = one_charge("vendor/model")[0]
        return {**entry, "created_at": moment, "amount": {"usd": usd, "credits": 1}}

    fake_api.ledger = [
        charge("2026-08-19T00:00:00.000Z", 40.0),  # this week
        charge("2026-08-17T00:00:00.000Z", 30.0),  # this week's first moment: not last week's
        charge("2026-08-16T23:00:00.000Z", 7.0),
        charge("2026-08-11T00:00:00.000Z", 7.0),
        charge("2026-08-09T23:59:59.000Z", 99.0),  # the week before
    ]
    code, out, err = run("forecast", "--window", "last-week", "--base-url", fake_api.url)
    assert (code, err) == (0, "")
    rows = dict(line.strip().split("  ", 1) for line in out.splitlines() if "  " in line.strip())
    rows = {label: value.strip() for label, value in rows.items()}
    assert rows["spend"] == "14.00 USD (14.00 USD in the 7 days to 2026-08-17 00:00 UTC)"
    assert rows["window"].startswith("7 days from 2026-08-10 00:00 UTC")
    assert "ended 2026-08-17 00:00 UTC" in rows["window"]
    assert rows["daily burn"] == "2.00 USD (7 days to 2026-08-17 00:00 UTC: 2.00 USD)"


def test_yesterday_names_its_one_day_not_seven(fake_api: FakeAIMLAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: a one-day window's figures were labelled "the last 7 days" (they cover its one day)."""
    now = datetime.datetime(2026, 8, 20, 12, tzinfo=datetime.UTC)
    monkeypatch.setattr("aimlapi_billing._windows.utc_now", lambda: now)
    entry = one_charge("vendor/model")[0]
    fake_api.ledger = [
        {**entry, "created_at": "2026-08-20T01:00:00.000Z", "amount": {"usd": 50.0, "credits": 1}},  # today
        {**entry, "created_at": "2026-08-19T10:00:00.000Z", "amount": {"usd": 3.0, "credits": 1}},
    ]
    code, out, err = run("forecast", "--window", "yesterday", "--base-url", fake_api.url)
    assert (code, err) == (0, "")
    lines = [line.strip().split("  ", 1) for line in out.splitlines() if "  " in line.strip()]
    rows = {label: value.strip() for label, value in lines}
    assert rows["spend"] == "3.00 USD (3.00 USD in the 1 day to 2026-08-20 00:00 UTC)"
    assert "7 days" not in out
    assert rows["window"].startswith("1 day from 2026-08-19 00:00 UTC")
