"""aimlapi-billing usage against the stand-in server (its account on a fixed calendar)."""

from __future__ import annotations

import json
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from fake_api.hostile import Behaviour
from fake_api_server import CHATBOT_KEY, FakeAIMLAPI, Reply

from tests.aimlapi_billing.conftest import API_KEY
from tests.helpers.cli import loads_only_its_own_module, rejected, run
from tests.helpers.log_scenarios import usage as scenario_usage

pytestmark = pytest.mark.usefixtures("fast_backoff")
#: The whole of the stand-in's account (its requests are from 2025-11-07 to 2025-11-10).
WINDOW = ("--start", "2025-11-01T00:00:00Z", "--end", "2025-11-10T12:00:00Z")


def test_the_table_of_the_key_in_use(fake_api: FakeAIMLAPI) -> None:
    code, out, err = run("usage", *WINDOW, "--base-url", fake_api.url)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "window    2025-11-01T00:00:00.000Z to 2025-11-10T12:00:00.000Z",
        "key       the key in use",
        "spend     2.50 USD",
        "requests  1 charged",
    ]


def test_another_keys_models_and_days(fake_api: FakeAIMLAPI) -> None:
    argv = ("usage", *WINDOW, "--key-prefix", "b747e891", "--group-by", "day,model", "--tz", "Europe/Berlin")
    code, out, err = run(*argv, "--base-url", fake_api.url)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "window                     2025-11-01T00:00:00.000Z to 2025-11-10T12:00:00.000Z",
        "key                        b747e891",
        "spend                      1.56 USD",
        "requests                   1 charged",
        "models",
        "  openai/gpt-5             1.56 USD, 1 requests",
        "groups",
        "  2025-11-10 openai/gpt-5  1.56 USD, 1 of 2 requests charged",
    ]
    (seen,) = fake_api.requests_to("/v2/usage/detail")
    query = parse_qs(urlsplit(seen.path).query)
    assert (query["group_by"], query["tz"], query["key_prefix"]) == (["day,model"], ["Europe/Berlin"], ["b747e891"])


def test_json_has_the_apis_field_names_and_the_whole_window(fake_api: FakeAIMLAPI) -> None:
    # 2025-01-01 to 2025-11-10 is 313 days: four requests of at most 92 days, one answer.
    argv = ("usage", "--start", "2025-01-01T00:00:00Z", "--end", "2025-11-10T12:00:00Z", "--models", "--json")
    code, out, err = run(*argv, "--base-url", fake_api.url)
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "spend": "2.5",
        "requests": 1,
        "start": "2025-01-01T00:00:00.000Z",
        "end": "2025-11-10T12:00:00.000Z",
        "currency": "USD",
        "api_key_prefix": None,
        "models": [{"model": "openai/gpt-5", "spend": "2.5", "requests": 1}],
    }
    assert len(fake_api.requests_to("/v2/usage/detail")) == 4


def test_json_groups_are_the_apis_own(fake_api: FakeAIMLAPI) -> None:
    code, out, _ = run("usage", *WINDOW, "--group-by", "model", "--json", "--base-url", fake_api.url)
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"spend", "requests", "start", "end", "currency", "api_key_prefix", "models", "groups"}
    assert data["groups"] == [
        {
            "model": "openai/gpt-5",
            "spend": "2.5",
            "tokens": {"input": 60000, "output": 25000, "total": 85000},
            "requests": {"total": 1, "charged": 1, "succeeded": 1, "failed": 0},
        },
        {
            "model": "anthropic/claude-sonnet",
            "spend": "0",
            "tokens": {"input": 900, "output": 0, "total": 900},
            "requests": {"total": 1, "charged": 0, "succeeded": 0, "failed": 1},
        },
    ]


def test_a_relative_period_is_the_apis(fake_api: FakeAIMLAPI) -> None:
    code, out, _ = run("usage", "--period", "7d", "--json", "--base-url", fake_api.url)
    assert code == 0
    assert json.loads(out)["spend"] == "2.5"
    (seen,) = fake_api.requests_to("/v2/usage")
    assert parse_qs(urlsplit(seen.path).query)["period"] == ["7d"]


def test_the_default_window_is_30_days(fake_api: FakeAIMLAPI) -> None:
    assert run("usage", "--base-url", fake_api.url)[0] == 0
    (seen,) = fake_api.requests_to("/v2/usage")
    assert parse_qs(urlsplit(seen.path).query) == {"period": ["30d"]}


def test_a_regular_key_reading_another_key_is_refused_by_the_api() -> None:
    with FakeAIMLAPI(default_caller=CHATBOT_KEY) as server:
        code, out, err = run("usage", "--key-prefix", "a1b2c3d4", "--base-url", server.url)
    assert (code, out) == (5, "")
    assert "requires a management key" in err
    assert len(err.splitlines()) == 1


def test_a_server_text_reaches_the_terminal_escaped(fake_api: FakeAIMLAPI) -> None:
    fake_api.logs[0]["model"] = "evil\x1b[2J/model"
    code, out, _ = run("usage", *WINDOW, "--key-prefix", "b747e891", "--models", "--base-url", fake_api.url)
    assert code == 0
    assert "\x1b" not in out
    assert "evil\\x1b[2J/model" in out


@pytest.mark.parametrize("shape", [[], ["--json"], ["--group-by", "model"], ["--group-by", "model", "--json"]])
def test_a_model_name_echoing_the_key_is_redacted(fake_api: FakeAIMLAPI, shape: list[str]) -> None:
    fake_api.logs[0]["model"] = f"openai/{API_KEY}"
    argv = ("usage", *WINDOW, "--key-prefix", "b747e891", "--models", *shape, "--base-url", fake_api.url)
    code, out, _ = run(*argv)
    assert code == 0
    assert API_KEY not in out
    assert API_KEY[:8].lower() not in out.lower()
    assert "openai/<redacted>" in out


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--period", "0h"], "not a span"),
        (["--period", "24"], "not a span"),
        (["--period", "1y"], "not a span"),
        (["--period", "1.5mo"], "not a span"),
        (["--period=-7d"], "not a span"),
        (["--period", "3661d"], "from 1h to 3660d"),
        (["--period", "87841h"], "from 1h to 3660d"),
        (["--end", "2025-11-01"], "needs --start"),
        (["--since", "2025-11-01", "--start", "2025-11-01"], "not both"),
        (["--since", "9999-01-01"], "in the future"),
        (["--period", "7d", "--start", "2025-11-01", "--end", "2025-11-02"], "not both"),
        (["--start", "2025-11-02", "--end", "2025-11-01"], "must be later"),
        (["--start", "9999-12-31T00:00:00", "--end", "9999-12-31T23:59:59"], "must be from 0001-01-02"),
        (["--start", "0001-01-01", "--end", "0001-01-02T12:00:00"], "must be from 0001-01-02"),
        (["--start", "2025-11-02", "--end", "2025-11-02"], "must be later"),
        (["--start", "0001-01-01", "--end", "9999-01-01"], "longer than 3660 days"),
        (["--start", "2025-02-30", "--end", "2025-03-01"], "not an ISO 8601"),
        (["--start", "yesterday", "--end", "2025-03-01"], "not an ISO 8601"),
        (["--start", "0001-01-01T00:00+14:00", "--end", "2025-03-01"], "not an ISO 8601"),
        (["--key-prefix", ""], "not a key prefix"),
        (["--key-prefix", "ab\x1bcd"], "not a key prefix"),
        (["--group-by", "week"], "invalid choice"),
        (["--group-by", "day", "--tz", "utc"], "did you mean 'UTC'"),
        (["--group-by", "day", "--tz", "+05:00"], "IANA"),
        (["--tz", "Europe/Berlin"], "needs --group-by day"),
        (["--group-by", "model", "--tz", "Europe/Berlin"], "needs --group-by day"),
        (["--json", "--bogus"], "unrecognized arguments"),
    ],
)
def test_every_option_is_checked_before_any_request(fake_api: FakeAIMLAPI, options: list[str], message: str) -> None:
    assert message in rejected(fake_api, "usage", *options)


def test_the_longest_window_is_accepted(fake_api: FakeAIMLAPI) -> None:
    code, out, err = run("usage", "--period", "3660d", "--json", "--base-url", fake_api.url)
    assert (code, err) == (0, "")
    assert json.loads(out)["spend"] == "2.5"
    assert len(fake_api.requests_to("/v2/usage")) == 40  # ceil(3660 / 92)


def test_the_command_loads_only_what_it_uses(fake_api: FakeAIMLAPI) -> None:
    loads_only_its_own_module(
        fake_api,
        ["usage", "--period", "7d"],
        {
            "aimlapi_billing.lib.reconcile",
            "aimlapi_billing.resources.logs",
            "aimlapi_billing.resources.keys",
            "aimlapi_billing.lib.forecast",
            "csv",
        },
    )


# -- answers no server should give (real sockets) --------------------------------------------------


def _usage_of(behaviour: Behaviour, *options: str) -> tuple[int, str, str]:
    with FakeAIMLAPI() as server:
        server.route("/v2/usage", behaviour)
        return run("usage", *options, "--base-url", server.url)


def test_json_money_is_the_exact_sum() -> None:
    # Four 92-day pieces of 250000.00000000003: the exact sum has more digits than a float holds.
    code, out, err = _usage_of(scenario_usage(250000.00000000003, 1), "--period", "365d", "--json")
    assert (code, err) == (0, "")
    exact = 4 * Decimal(repr(250000.00000000003))
    assert f'"spend": "{exact:f}",' in out  # a string of every digit, which no reader's float rounds
    assert Decimal(json.loads(out)["spend"]) == exact != Decimal(repr(float(exact)))


def test_a_sum_beyond_any_spend_is_refused_not_printed_as_infinity() -> None:
    code, out, err = _usage_of(scenario_usage(1.7e308, 5), "--period", "200d", "--json")
    assert (code, out) == (6, "")
    assert "spend of 5.10000e+308: more than 1e+15" in err


@pytest.mark.parametrize(("spend", "requests", "field"), [(-5.5, 3, "spend is -5.5"), (1.0, -3, "requests is -3")])
def test_negative_figures_are_refused_by_name(spend: float, requests: int, field: str) -> None:
    code, out, err = _usage_of(scenario_usage(spend, requests), "--period", "7d")
    assert (code, out) == (6, "")
    assert f"GET /v2/usage (piece 1 of 1) {field}" in err


def test_a_piece_measured_over_less_than_asked_is_refused() -> None:
    code, out, err = _usage_of(scenario_usage(1.0, 1, measured_days=30), "--period", "200d")
    assert (code, out) == (6, "")
    assert "measured piece 1 of 3 over" in err
    assert "its spend would not cover the window" in err


@pytest.mark.parametrize("shape", [[], ["--json"]], ids=["table", "json"])
def test_a_currency_other_than_usd_is_exit_6_redacted_and_escaped(fake_api: FakeAIMLAPI, shape: list[str]) -> None:
    body = {
        "api_key_prefix": "b747e891",
        "start": "2025-11-01T00:00:00.000Z",
        "end": "2025-11-10T12:00:00.000Z",
        "spend": 1.5,
        "currency": f"USD {API_KEY}\x1b[2J",
        "requests": 3,
    }
    fake_api.script("/v2/usage", Reply(200, body))
    code, out, err = run("usage", *WINDOW, "--key-prefix", "b747e891", *shape, "--base-url", fake_api.url)
    assert (code, out) == (6, "")
    assert API_KEY[:8].lower() not in err.lower()
    assert "\x1b" not in err
    assert "field 'currency' is 'USD <redacted>" in err


@pytest.mark.parametrize(("zone", "midnight"), [(None, "T00:00:00"), ("Asia/Tokyo", "T15:00:00")])
def test_a_named_period_is_the_calendar_window_in_tz(fake_api: FakeAIMLAPI, zone: str | None, midnight: str) -> None:
    """Before: `--period this-month` was refused (exit 2). The window starts at local midnight on the
    1st (Tokyo: 15:00 UTC the day before) and ends now; --tz alone, without a grouping by day, is
    taken for a named period."""
    import datetime

    from aimlapi_billing._windows import named_window

    argv = ["usage", "--period", "this-month", "--models", "--json"] + (["--tz", zone] if zone else [])
    code, out, err = run(*argv, "--base-url", fake_api.url)
    assert (code, err) == (0, "")
    (seen,) = fake_api.requests_to("/v2/usage/detail")
    query = parse_qs(urlsplit(seen.path).query)
    start = datetime.datetime.fromisoformat(query["start"][0].replace("Z", "+00:00"))
    assert start == named_window("this-month", zone or "UTC")[0]
    assert query["start"][0].endswith(f"{midnight}Z")
    assert "tz" not in query  # the API takes tz with a grouping by day only
    assert json.loads(out)["start"].startswith(query["start"][0][:19])


def test_an_unknown_named_period_is_a_usage_error(fake_api: FakeAIMLAPI) -> None:
    err = rejected(fake_api, "usage", "--period", "this-fortnight")
    assert "this-month" in err
