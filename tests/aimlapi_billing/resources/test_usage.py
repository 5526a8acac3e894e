"""billing.usage: arguments checked before any request, windows split at 92 days and combined exactly."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs

import pytest
from aimlapi_billing_client.models import UsageDetailResponse, UsageResponse
from fake_api_server import FakeAIMLAPI
from hypothesis import given, settings
from hypothesis import strategies as st
from pytest_httpx import HTTPXMock

from aimlapi_billing import BadRequestError, Billing, InvalidParameterError, ResponseValidationError
from aimlapi_billing._windows import MAX_WINDOW, split, windows
from aimlapi_billing.resources.usage import USAGE, combine, combined_report
from tests.aimlapi_billing.conftest import BASE_URL
from tests.helpers.log_scenarios import usage as scenario_usage
from tests.helpers.resources import MODES, call

START = "2026-01-01T00:00:00Z"
END = "2026-01-08T00:00:00Z"


def usage_body(
    spend: float = 1.5, requests: int = 3, start: str = START, end: str = END, **more: Any
) -> dict[str, Any]:
    return {
        "api_key_prefix": None,
        "start": start,
        "end": end,
        "spend": spend,
        "currency": "USD",
        "requests": requests,
        **more,
    }


def group(spend: float, day: str | None = None, model: str | None = None) -> dict[str, Any]:
    extra = {key: value for key, value in (("day", day), ("model", model)) if value is not None}
    return {
        "spend": spend,
        "tokens": {"input": 1, "output": 2, "total": 3},
        "requests": {"total": 2, "charged": 1, "succeeded": 1, "failed": 1},
        **extra,
    }


def query(request: Any) -> dict[str, list[str]]:
    return parse_qs(request.url.query.decode())


@pytest.mark.parametrize("mode", MODES)
async def test_total_sends_the_period_and_returns_exact_decimals(httpx_mock: HTTPXMock, mode: str) -> None:
    httpx_mock.add_response(
        url=BASE_URL + "/v2/usage?period=7d&key_prefix=abcd1234", json=usage_body(spend=0.1, api_key_prefix="abcd1234")
    )
    report = await call(mode, lambda billing: billing.usage.total(period="7d", key_prefix="abcd1234"))
    assert report.api_key_prefix == "abcd1234"
    assert report.spend == Decimal("0.1")
    assert (report.requests, report.start, report.end, report.currency) == (3, START, END, "USD")
    assert report.models == ()
    assert report.groups is None
    assert len(report.parts) == 1
    assert isinstance(report.parts[0], UsageResponse)


@pytest.mark.parametrize("mode", MODES)
async def test_detail_sends_group_by_and_tz_and_merges_models(httpx_mock: HTTPXMock, mode: str) -> None:
    body = usage_body(
        spend=0.3,
        models=[{"model": "openai/gpt-5", "spend": 0.2, "requests": 2}, {"model": "m2", "spend": 0.1, "requests": 1}],
        groups=[group(0.3, day="2026-01-01", model="openai/gpt-5")],
    )
    httpx_mock.add_response(json=body)
    report = await call(
        mode,
        lambda billing: billing.usage.detail(
            start=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
            end=END,
            group_by=["day", "model"],
            tz="Europe/Berlin",
        ),
    )
    sent = httpx_mock.get_request()
    assert sent is not None
    assert sent.url.path == "/v2/usage/detail"
    assert query(sent) == {"start": [START], "end": [END], "group_by": ["day,model"], "tz": ["Europe/Berlin"]}
    assert [(m.model, m.spend, m.requests) for m in report.models] == [
        ("openai/gpt-5", Decimal("0.2"), 2),
        ("m2", Decimal("0.1"), 1),
    ]
    assert report.groups is not None
    assert report.groups[0].day == "2026-01-01"
    assert isinstance(report.parts[0], UsageDetailResponse)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({}, "pass period"),
        ({"period": "7d", "start": START, "end": END}, "not both"),
        ({"end": END}, "pass period"),
        ({"period": "7y"}, "hours, days, weeks or calendar months"),
        ({"period": "0d"}, "hours, days, weeks or calendar months"),
        ({"period": " 7d"}, "hours, days, weeks or calendar months"),
        ({"period": 7}, "hours, days, weeks or calendar months"),
        ({"start": END, "end": START}, "later than start"),
        ({"start": START, "end": START}, "later than start"),
        ({"start": "yesterday", "end": END}, "not an ISO 8601"),
        ({"start": 1700000000, "end": END}, "datetime or an ISO 8601 string"),
        ({"period": "7d", "tz": ""}, "IANA time zone"),
        ({"period": "7d", "group_by": "week"}, "group_by must be"),
        ({"period": "7d", "group_by": "day,week"}, "group_by must be"),
        ({"period": "7d", "key_prefix": ""}, "key_prefix"),
        ({"period": "7d", "key_prefix": "ab\ncd"}, "key_prefix"),
        ({"period": "7d", "deadline": 0}, "deadline"),
        ({"period": "7d", "timeout": float("nan")}, "timeout"),
    ],
)
@pytest.mark.parametrize("mode", MODES)
async def test_bad_arguments_fail_before_any_request(
    httpx_mock: HTTPXMock, mode: str, arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidParameterError, match=message):
        await call(mode, lambda billing: billing.usage.detail(**arguments))
    assert httpx_mock.get_requests() == []


@pytest.mark.parametrize(
    ("tz", "message"),
    [("utc", "did you mean 'UTC'"), ("+05:00", "IANA time zone"), ("Europe/berlin", "did you mean 'Europe/Berlin'")],
)
@pytest.mark.parametrize("zones", ["system", "fixed"])
def test_tz_must_be_an_iana_name_spelt_exactly(
    httpx_mock: HTTPXMock, monkeypatch: pytest.MonkeyPatch, tz: str, message: str, zones: str
) -> None:
    from aimlapi_billing import Billing
    from aimlapi_billing.resources import usage as _usage

    if zones == "fixed":  # the rule itself, whatever time zone database this machine has
        monkeypatch.setattr(_usage, "_zones", lambda: frozenset({"UTC", "Europe/Berlin"}))
    elif not _usage._zones():
        pytest.skip("this machine has no time zone database (system or the tzdata package)")
    with Billing() as billing, pytest.raises(InvalidParameterError, match=message):
        billing.usage.detail(period="7d", tz=tz)
    assert httpx_mock.get_requests() == []


def test_total_takes_no_grouping() -> None:
    from aimlapi_billing import Billing

    with Billing() as billing, pytest.raises(TypeError):
        billing.usage.total(period="7d", group_by="day")  # type: ignore[call-arg]


@pytest.mark.parametrize("mode", MODES)
async def test_a_200_day_window_is_three_requests_combined_exactly(httpx_mock: HTTPXMock, mode: str) -> None:
    bodies = [
        usage_body(
            0.1,
            1,
            "2026-01-01T00:00:00Z",
            "2026-04-03T00:00:00Z",
            models=[{"model": "a", "spend": 0.1, "requests": 1}],
            groups=[group(0.1, model="a")],
        ),
        usage_body(
            0.2,
            2,
            "2026-04-03T00:00:00Z",
            "2026-07-04T00:00:00Z",
            models=[{"model": "a", "spend": 0.2, "requests": 2}],
            groups=[group(0.2, model="a")],
        ),
        usage_body(
            0.7,
            5,
            "2026-07-04T00:00:00Z",
            "2026-07-20T00:00:00Z",
            models=[{"model": "b", "spend": 0.7, "requests": 5}],
            groups=[],
        ),
    ]
    for body in bodies:
        httpx_mock.add_response(
            url=BASE_URL
            + f"/v2/usage/detail?start={body['start']}&end={body['end']}&group_by=model".replace(":", "%3A"),
            json=body,
        )
    report = await call(
        mode,
        lambda billing: billing.usage.detail(start="2026-01-01T00:00:00", end="2026-07-20T00:00:00Z", group_by="model"),
    )
    assert len(httpx_mock.get_requests()) == 3
    assert report.spend == Decimal("1.0")  # 0.1 + 0.2 + 0.7 in floats is 0.9999999999999999
    assert report.requests == 8
    assert (report.start, report.end) == ("2026-01-01T00:00:00Z", "2026-07-20T00:00:00Z")
    assert [(m.model, m.spend, m.requests) for m in report.models] == [
        ("b", Decimal("0.7"), 5),
        ("a", Decimal("0.3"), 3),
    ]
    assert report.groups is not None
    assert [g.spend for g in report.groups] == [Decimal("0.1"), Decimal("0.2")]


def test_a_long_period_becomes_contiguous_pieces_ending_now() -> None:
    before = datetime.datetime.now(datetime.UTC)
    pieces = windows("365d", None, None)
    after = datetime.datetime.now(datetime.UTC)
    bounds = [(datetime.datetime.fromisoformat(p["start"]), datetime.datetime.fromisoformat(p["end"])) for p in pieces]
    assert len(bounds) == 4
    assert all(b - a <= MAX_WINDOW for a, b in bounds)
    assert all(bounds[i][1] == bounds[i + 1][0] for i in range(3))
    assert bounds[-1][1] - bounds[0][0] == datetime.timedelta(days=365)
    assert before <= bounds[-1][1] <= after
    assert windows("92d", None, None) == [{"period": "92d"}]
    assert windows("2208h", None, None) == [{"period": "2208h"}]  # 92 days exactly: one request
    assert len(windows("2209h", None, None)) == 2


@pytest.mark.parametrize("mode", MODES)
async def test_a_piece_in_another_currency_is_not_added(httpx_mock: HTTPXMock, mode: str) -> None:
    httpx_mock.add_response(json=usage_body(end="2026-04-03T00:00:00Z"))
    httpx_mock.add_response(json=usage_body(start="2026-04-03T00:00:00Z", end="2026-06-01T00:00:00Z", currency="EUR"))
    with pytest.raises(ResponseValidationError, match="field 'currency' is 'EUR': the SDK reads amounts in USD only"):
        await call(mode, lambda billing: billing.usage.total(start=START, end="2026-06-01T00:00:00Z"))


@pytest.mark.parametrize("mode", MODES)
async def test_pieces_for_different_keys_are_not_added(httpx_mock: HTTPXMock, mode: str) -> None:
    httpx_mock.add_response(json=usage_body(end="2026-04-03T00:00:00Z"))
    httpx_mock.add_response(
        json=usage_body(start="2026-04-03T00:00:00Z", end="2026-06-01T00:00:00Z", api_key_prefix="other123")
    )
    with pytest.raises(ResponseValidationError, match="'other123': they cannot be added"):
        await call(mode, lambda billing: billing.usage.total(start=START, end="2026-06-01T00:00:00Z"))


@pytest.mark.parametrize("mode", MODES)
async def test_an_api_error_is_typed(httpx_mock: HTTPXMock, mode: str) -> None:
    httpx_mock.add_response(status_code=400, json={"error": {"message": "window over 92 days"}})
    with pytest.raises(BadRequestError, match="window over 92 days"):
        await call(mode, lambda billing: billing.usage.total(period="7d"))


@pytest.mark.parametrize("mode", MODES)
async def test_a_body_that_breaks_the_schema_is_a_validation_error(httpx_mock: HTTPXMock, mode: str) -> None:
    httpx_mock.add_response(json={**usage_body(), "spend": "lots"})
    with pytest.raises(ResponseValidationError, match="spend"):
        await call(mode, lambda billing: billing.usage.total(period="7d"))


# -- the property: any window, any split, the same total ------------------------------------------

EPOCH = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
charges = st.lists(
    st.tuples(st.integers(0, 1000 * 86_400 - 1), st.integers(0, 10**9)),  # (second of the window, micro-USD)
    max_size=40,
)


def answer(charged: list[tuple[int, int]], start: datetime.datetime, end: datetime.datetime) -> UsageResponse:
    """What a correct server answers for [start, end): the float of the exact sum, as JSON carries it."""
    inside = [micros for second, micros in charged if start <= EPOCH + datetime.timedelta(seconds=second) < end]
    exact_sum = sum((Decimal(micros) / 10**6 for micros in inside), Decimal(0))
    return UsageResponse.from_dict(usage_body(float(exact_sum), len(inside), start.isoformat(), end.isoformat()))


@settings(max_examples=200, deadline=None)
@given(charged=charges, offset=st.integers(0, 500 * 86_400), length=st.integers(1, 1000 * 86_400))
def test_any_window_split_at_92_days_gives_the_total_of_one_request(
    charged: list[tuple[int, int]], offset: int, length: int
) -> None:
    start = EPOCH + datetime.timedelta(seconds=offset)
    end = start + datetime.timedelta(seconds=length)
    queries = windows(None, start, end)
    steps = combined_report(USAGE, queries)
    received: Any = None
    try:
        while True:
            call_ = steps.send(received)
            piece_start = datetime.datetime.fromisoformat(call_.params["start"])
            piece_end = datetime.datetime.fromisoformat(call_.params["end"])
            assert piece_end - piece_start <= MAX_WINDOW
            received = answer(charged, piece_start, piece_end)
    except StopIteration as done:
        report = done.value
    whole = answer(charged, start, end)
    inside = [m for s, m in charged if start <= EPOCH + datetime.timedelta(seconds=s) < end]
    assert report.spend == sum((Decimal(m) / 10**6 for m in inside), Decimal(0))
    assert report.spend == whole.spend  # the model's exact Decimal
    assert report.requests == whole.requests


@settings(max_examples=200, deadline=None)
@given(charged=charges, cuts=st.lists(st.integers(1, 1000 * 86_400 - 1), max_size=12, unique=True))
def test_any_split_combines_to_the_same_total(charged: list[tuple[int, int]], cuts: list[int]) -> None:
    bounds = [EPOCH + datetime.timedelta(seconds=s) for s in [0, *sorted(cuts), 1000 * 86_400]]
    parts = [answer(charged, a, b) for a, b in itertools.pairwise(bounds)]
    whole = answer(charged, bounds[0], bounds[-1])
    report = combine(parts)
    assert report.spend == whole.spend
    assert report.requests == whole.requests
    assert (report.start, report.end) == (whole.start, whole.end)


def test_split_covers_the_window_without_gaps() -> None:
    start = EPOCH
    pieces = split(start, start + 3 * MAX_WINDOW + datetime.timedelta(seconds=1))
    assert len(pieces) == 4
    assert pieces[-1][1] - pieces[-1][0] == datetime.timedelta(seconds=1)


# -- answers that cannot be spend, windows the API did not measure, moments at the calendar's edges -


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (usage_body(spend=-5.5), r"GET /v2/usage \(piece 1 of 1\) spend is -5.5"),
        (usage_body(requests=-3), r"GET /v2/usage \(piece 1 of 1\) requests is -3"),
    ],
)
@pytest.mark.parametrize("mode", MODES)
async def test_negative_figures_are_refused_by_name(
    httpx_mock: HTTPXMock, mode: str, body: dict[str, Any], message: str
) -> None:
    httpx_mock.add_response(json=body)
    with pytest.raises(ResponseValidationError, match=message):
        await call(mode, lambda billing: billing.usage.total(start=START, end=END))


@pytest.mark.parametrize(
    ("models", "groups", "field"),
    [
        ([{"model": "m", "spend": -1.0, "requests": 1}], [], "models[].spend is -1.0"),
        ([{"model": "m", "spend": 1.0, "requests": -1}], [], "models[].requests is -1"),
        ([], [group(-0.5, day="2026-01-01")], "groups[].spend is -0.5"),
        (
            [],
            [{**group(0.5), "requests": {"total": 1, "charged": -1, "succeeded": 1, "failed": 0}}],
            "groups[].requests.charged is -1",
        ),
    ],
)
def test_negative_figures_of_a_detail_are_refused_by_name(
    httpx_mock: HTTPXMock, models: list[Any], groups: list[Any], field: str
) -> None:
    httpx_mock.add_response(json=usage_body(models=models, groups=groups))
    with Billing() as billing, pytest.raises(ResponseValidationError) as raised:
        billing.usage.detail(start=START, end=END, group_by="day")
    assert f"GET /v2/usage/detail (piece 1 of 1) {field}" in str(raised.value)


@pytest.mark.parametrize("mode", MODES)
async def test_a_sum_beyond_any_spend_is_refused(httpx_mock: HTTPXMock, mode: str) -> None:
    ends = ["2026-01-01T00:00:00Z", "2026-04-03T00:00:00Z", "2026-07-04T00:00:00Z", "2026-08-01T00:00:00Z"]
    for start, end in itertools.pairwise(ends):
        httpx_mock.add_response(json=usage_body(spend=1.7e308, start=start, end=end))
    with pytest.raises(ResponseValidationError, match=r"spend of 5.10000e\+308: more than 1e\+15"):
        await call(mode, lambda billing: billing.usage.total(start=ends[0], end=ends[-1]))


def test_a_large_exact_sum_is_kept_exact(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=usage_body(spend=0.1234567890123456, end="2026-04-03T00:00:00Z"))
    httpx_mock.add_response(json=usage_body(spend=1000000, start="2026-04-03T00:00:00Z", end="2026-05-01T00:00:00Z"))
    with Billing() as billing:
        report = billing.usage.total(start=START, end="2026-05-01T00:00:00Z")
    assert report.spend == Decimal("1000000.1234567890123456")


@pytest.mark.parametrize("mode", MODES)
async def test_a_piece_measured_over_less_than_asked_is_refused(mode: str) -> None:
    with FakeAIMLAPI() as server:
        server.route("/v2/usage", scenario_usage(1.0, 1, measured_days=30))
        with pytest.raises(ResponseValidationError, match=r"measured piece 1 of 4 over .* not .* as asked"):
            await call(mode, lambda billing: billing.usage.total(period="365d"), base_url=server.url)
        assert server.count("/v2/usage") == 1


@pytest.mark.parametrize(
    ("echo", "accepted"),
    [
        (("2026-01-01T00:00:00Z", "2026-01-08T00:00:00Z"), True),
        (("2026-01-01T00:00:00.999Z", "2026-01-07T23:59:59+00:00"), True),  # within a second
        (("2025-12-31T23:59:58Z", "2026-01-08T00:00:00Z"), False),
        (("2026-01-01T00:00:00Z", "2026-01-07T00:00:00Z"), False),
        (("2026-01-01", "not a time"), False),
    ],
)
def test_the_echoed_window_is_checked_within_a_second(
    httpx_mock: HTTPXMock, echo: tuple[str, str], accepted: bool
) -> None:
    httpx_mock.add_response(json=usage_body(start=echo[0], end=echo[1]))
    with Billing() as billing:
        if accepted:
            assert billing.usage.total(start=START, end=END).spend == Decimal("1.5")
        else:
            with pytest.raises(ResponseValidationError, match="piece 1 of 1"):
                billing.usage.total(start=START, end=END)


def test_a_period_is_checked_by_its_length(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=usage_body(start="2026-01-02T00:00:00Z"))  # 6 days for "7d"
    with Billing() as billing, pytest.raises(ResponseValidationError, match="not the last 7d as asked"):
        billing.usage.total(period="7d")


NOW = datetime.datetime.now(datetime.UTC)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime.datetime.min, NOW),  # naive: local time, which may leave the calendar
        (NOW - datetime.timedelta(days=1), datetime.datetime.max),
        (NOW - datetime.timedelta(days=1), datetime.datetime.max.replace(tzinfo=datetime.UTC)),
        ("0001-01-01T00:00:00", "0001-01-03T00:00:00"),
        ("9999-12-31T00:00:00Z", "9999-12-31T23:59:59Z"),
    ],
    ids=["naive-min", "naive-max", "aware-max", "year-1", "year-9999"],
)
@pytest.mark.parametrize("method", ["usage.total", "usage.detail", "logs.list", "logs.page", "reconcile"])
@pytest.mark.parametrize("mode", MODES)
async def test_moments_at_the_calendars_edges_are_invalid_parameters(
    httpx_mock: HTTPXMock, mode: str, method: str, start: Any, end: Any
) -> None:
    def use(billing: Any) -> Any:
        target = billing
        for name in method.split("."):
            target = getattr(target, name)
        return target(start=start, end=end)

    with pytest.raises(InvalidParameterError, match=r"start|end"):
        await call(mode, use)
    assert httpx_mock.get_requests() == []


def test_a_figure_that_cannot_be_is_named_before_the_window_is_compared(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=usage_body(spend=-5.5, start="2026-01-07T00:00:00Z"))  # one day for "7d"
    with Billing() as billing, pytest.raises(ResponseValidationError, match=r"\(piece 1 of 1\) spend is -5.5"):
        billing.usage.total(period="7d")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("echo", "shown"), [("zzzz9999", r"another key \('zzzz9999'\)"), (None, "no key")])
async def test_an_answer_for_another_key_than_asked_is_refused(
    httpx_mock: HTTPXMock, mode: str, echo: str | None, shown: str
) -> None:
    # A server that measured another key (or says none) would print that key's spend as this one's.
    httpx_mock.add_response(json=usage_body(api_key_prefix=echo))
    with pytest.raises(
        ResponseValidationError, match=f"answered for {shown} \\(piece 1 of 1\\), not key 'abcd1234' as asked"
    ):
        await call(mode, lambda billing: billing.usage.total(period="7d", key_prefix="abcd1234"))
