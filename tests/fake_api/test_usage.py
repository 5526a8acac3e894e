"""GET /v2/usage and /v2/usage/detail of the stand-in server: windows, keys, groups and figures, over HTTP."""

from __future__ import annotations

import pytest
from fake_api.data import BATCH_KEY, CHATBOT_KEY

from tests.fake_api.conftest import Api

USAGE_PATHS = ("/v2/usage", "/v2/usage/detail")


@pytest.mark.parametrize("path", USAGE_PATHS)
def test_a_period_ends_at_the_servers_now_and_is_echoed_in_utc(api: Api, path: str) -> None:
    body = api.ok(path, period="24h")
    assert (body["start"], body["end"]) == ("2025-11-09T12:00:00.000Z", "2025-11-10T12:00:00.000Z")
    assert (body["api_key_prefix"], body["currency"]) == (None, "USD")


@pytest.mark.parametrize("path", USAGE_PATHS)
def test_start_and_end_are_resolved_to_utc_and_a_missing_offset_means_utc(api: Api, path: str) -> None:
    body = api.ok(path, start="2025-11-07T00:00:00", end="2025-11-08T03:00:00+03:00")
    assert (body["start"], body["end"]) == ("2025-11-07T00:00:00.000Z", "2025-11-08T00:00:00.000Z")
    assert (body["spend"], body["requests"]) == (2.5, 1)


@pytest.mark.parametrize("path", USAGE_PATHS)
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"period": "7d", "start": "2025-11-01T00:00:00Z", "end": "2025-11-02T00:00:00Z"},
        {"period": "7d", "end": "2025-11-02T00:00:00Z"},
        {"start": "2025-11-01T00:00:00Z"},
        {"end": "2025-11-01T00:00:00Z"},
    ],
    ids=["neither", "both", "period-and-end", "start-only", "end-only"],
)
def test_exactly_one_of_period_or_start_and_end(api: Api, path: str, params: dict[str, str]) -> None:
    assert "period" in api.refused(400, path, **params)


@pytest.mark.parametrize("path", USAGE_PATHS)
@pytest.mark.parametrize("period", ["0d", "7w", "-1d", "7", "1.5h", "d", "7D", " 7d", "7d ", "", "7dd", "٣d"])
def test_a_malformed_period_is_refused(api: Api, path: str, period: str) -> None:
    api.refused(400, path, period=period)


@pytest.mark.parametrize("path", USAGE_PATHS)
@pytest.mark.parametrize(
    "text",
    ["yesterday", "2025-13-01T00:00:00Z", "2025-11-01T25:00:00Z", "", "1e9", "9999-12-31T23:59:59-05:00",
     "0001-01-01T00:00:00+05:00"],
)  # fmt: skip
def test_a_malformed_timestamp_is_refused(api: Api, path: str, text: str) -> None:
    assert "Malformed" in api.refused(400, path, start=text, end="2025-11-02T00:00:00Z")
    assert "Malformed" in api.refused(400, path, start="2025-11-01T00:00:00Z", end=text)


@pytest.mark.parametrize("path", USAGE_PATHS)
def test_end_may_equal_start_but_not_precede_it(api: Api, path: str) -> None:
    empty = api.ok(path, start="2025-11-07T08:15:00Z", end="2025-11-07T08:15:00Z")
    assert (empty["spend"], empty["requests"]) == (0, 0)
    assert "earlier" in api.refused(400, path, start="2025-11-07T08:15:00Z", end="2025-11-07T08:14:59.999Z")
    # The same instant written in two offsets is not a reversed window.
    api.ok(path, start="2025-11-07T09:00:00+01:00", end="2025-11-07T08:00:00Z")


@pytest.mark.parametrize("path", USAGE_PATHS)
def test_the_window_is_at_most_92_days(api: Api, path: str) -> None:
    api.ok(path, period="92d")
    api.ok(path, period="2208h")
    api.ok(path, start="2025-08-10T00:00:00Z", end="2025-11-10T00:00:00Z")
    for params in (
        {"period": "93d"},
        {"period": "2209h"},
        {"period": "9" * 400 + "d"},
        {"start": "2025-08-10T00:00:00Z", "end": "2025-11-10T00:00:00.001Z"},
        {"start": "0001-01-01T00:00:00Z", "end": "9999-12-31T23:59:59Z"},
    ):
        assert "92 days" in api.refused(400, path, **params)


def test_usage_refuses_group_by_and_tz_that_only_detail_accepts(api: Api) -> None:
    assert "detail only" in api.refused(400, "/v2/usage", period="7d", group_by="day")
    assert "detail only" in api.refused(400, "/v2/usage", period="7d", tz="UTC")
    assert "groups" not in api.ok("/v2/usage/detail", period="7d", tz="Europe/Berlin")


@pytest.mark.parametrize(
    "tz", ["utc", "+05:00", "UTC+5", "europe/berlin", "Europe/Berlin ", "", "Mars/Olympus", "../UTC"]
)
def test_tz_must_be_an_iana_name_matched_exactly(api: Api, tz: str) -> None:
    assert "time zone" in api.refused(400, "/v2/usage/detail", period="7d", group_by="day", tz=tz)


@pytest.mark.parametrize("group_by", ["days", "model,day", "day, model", "DAY", "", "key"])
def test_group_by_is_day_model_or_both(api: Api, group_by: str) -> None:
    assert "group_by" in api.refused(400, "/v2/usage/detail", period="7d", group_by=group_by)


@pytest.mark.parametrize("path", USAGE_PATHS)
def test_who_may_read_which_key(api: Api, path: str) -> None:
    # The page's table: any key its own spend; a management key any key's; a regular key only its own.
    assert api.ok(path, period="7d")["spend"] == 2.5
    assert api.ok(path, period="7d", key_prefix="b747e891") == api.ok(path, CHATBOT_KEY, period="7d") | {
        "api_key_prefix": "b747e891"
    }
    assert api.ok(path, CHATBOT_KEY, period="7d", key_prefix="b747e891")["spend"] == 1.56
    assert "management key" in api.refused(403, path, CHATBOT_KEY, period="7d", key_prefix="c0ffee42")
    assert "management key" in api.refused(403, path, BATCH_KEY, period="7d", key_prefix="a1b2c3d4")
    api.refused(404, path, period="7d", key_prefix="ffffffff")


def test_detail_lists_models_by_spend_and_counts_only_charged_requests(api: Api) -> None:
    body = api.ok("/v2/usage/detail", period="30d", key_prefix="b747e891")
    assert (body["spend"], body["requests"]) == (1.56, 1)
    assert body["models"] == [{"model": "openai/gpt-5", "spend": 1.56, "requests": 1}]
    main = api.ok("/v2/usage/detail", period="30d")
    # The main key's only claude request failed: it is no charged spend, so no model entry.
    assert main["models"] == [{"model": "openai/gpt-5", "spend": 2.5, "requests": 1}]


def test_groups_by_day_cover_every_day_and_reconcile_on_charged(api: Api) -> None:
    body = api.ok("/v2/usage/detail", start="2025-11-06T00:00:00Z", end="2025-11-09T00:00:00Z", group_by="day")
    assert [group["day"] for group in body["groups"]] == ["2025-11-06", "2025-11-07", "2025-11-08"]
    assert [group["spend"] for group in body["groups"]] == [0, 2.5, 0]
    counts = [group["requests"] for group in body["groups"]]
    assert counts[2] == {"total": 1, "charged": 0, "succeeded": 0, "failed": 1}
    assert body["requests"] == sum(count["charged"] for count in counts) == 1
    assert sum(count["total"] for count in counts) == 2  # a failed request: total exceeds charged
    assert body["groups"][1]["tokens"] == {"input": 60000, "output": 25000, "total": 85000}


@pytest.mark.parametrize(
    ("tz", "days"),
    [
        ("UTC", ["2025-11-09", "2025-11-10"]),
        ("Asia/Tokyo", ["2025-11-10", "2025-11-10"]),  # 18:00 UTC on the 9th is 03:00 on the 10th
        ("Pacific/Honolulu", ["2025-11-09", "2025-11-09"]),  # 09:30 UTC on the 10th is 23:30 on the 9th
    ],
)
def test_tz_moves_the_day_boundary_but_not_start_and_end(api: Api, tz: str, days: list[str]) -> None:
    chatbot = api.ok("/v2/usage/detail", period="2d", key_prefix="b747e891", group_by="day,model", tz=tz)
    batch = api.ok("/v2/usage/detail", period="2d", key_prefix="c0ffee42", group_by="day,model", tz=tz)
    assert [group["day"] for group in batch["groups"] + chatbot["groups"]] == days
    assert (chatbot["start"], chatbot["end"]) == ("2025-11-08T12:00:00.000Z", "2025-11-10T12:00:00.000Z")


def test_groups_by_model_and_by_day_and_model(api: Api) -> None:
    body = api.ok("/v2/usage/detail", period="7d", group_by="model")
    assert [(group["model"], group["spend"], group["requests"]["total"]) for group in body["groups"]] == [
        ("openai/gpt-5", 2.5, 1),
        ("anthropic/claude-sonnet", 0, 1),
    ]
    both = api.ok("/v2/usage/detail", period="7d", key_prefix="b747e891", group_by="day,model")
    assert both["groups"] == [
        {
            "day": "2025-11-10",
            "model": "openai/gpt-5",
            "spend": 1.56,
            "tokens": {"input": 82000, "output": 12000, "total": 94000},
            "requests": {"total": 2, "charged": 1, "succeeded": 1, "failed": 1},
        }
    ]


@pytest.mark.parametrize(
    ("start", "end", "tz"),
    [("0001-01-01T00:00:00Z", "0001-01-02T00:00:00Z", "America/Los_Angeles"),
     ("9999-12-31T00:00:00Z", "9999-12-31T23:00:00Z", "Asia/Tokyo")],
)  # fmt: skip
def test_days_off_the_calendar_are_a_400_not_a_dropped_connection(api: Api, start: str, end: str, tz: str) -> None:
    assert "calendar" in api.refused(400, "/v2/usage/detail", start=start, end=end, group_by="day", tz=tz)
    for group_by in ("model", "day,model"):  # no request in the window: no day to place
        assert api.ok("/v2/usage/detail", start=start, end=end, group_by=group_by, tz=tz)["groups"] == []
