"""billing.logs: the lazy walk, its guards, repeated filters, and the client's rate limit."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from pytest_httpx import HTTPXMock

from aimlapi_billing import APITimeoutError, Billing, InvalidParameterError, PaginationError

from .resources import MODES, call


def row(number: int, status: str = "succeeded") -> dict[str, Any]:
    return {
        "created": "2026-08-01T10:00:00Z",
        "status": status,
        "origin": "api",
        "model": "openai/gpt-5",
        "cost": {"usd": 0.001, "credits": 2000},
        "tokens": {"input": 1, "output": 2, "total": 3},
        "request_id": f"req-{number}",
        "inference_id": f"inf-{number}",
        "client_request_id": None,
    }


def page(offset: int, rows: list[dict[str, Any]], has_more: bool, total: int = 1000) -> dict[str, Any]:
    return {"data": rows, "pagination": {"limit": 100, "offset": offset, "total": total, "has_more": has_more}}


def query(request: httpx.Request) -> dict[str, list[str]]:
    return parse_qs(request.url.query.decode())


@pytest.mark.parametrize("mode", MODES)
async def test_list_walks_every_page_with_repeated_filters(httpx_mock: HTTPXMock, mode: str) -> None:
    httpx_mock.add_response(json=page(0, [row(1), row(2)], True))
    httpx_mock.add_response(json=page(2, [row(3)], True))
    httpx_mock.add_response(json=page(3, [row(4, "failed")], False))
    before = datetime.datetime.now(datetime.UTC)
    rows = await call(
        mode,
        lambda billing: billing.logs.list(
            period="24h", key_prefix="abcd1234", model=["openai/gpt-5", "gpt-5"], status=["succeeded", "failed"]
        ),
    )
    assert [entry.inference_id for entry in rows] == ["inf-1", "inf-2", "inf-3", "inf-4"]
    requests = httpx_mock.get_requests()
    assert [query(r)["offset"] for r in requests] == [["0"], ["2"], ["3"]]
    first = query(requests[0])
    assert first["model"] == ["openai/gpt-5", "gpt-5"]
    assert first["status"] == ["succeeded", "failed"]
    assert first["limit"] == ["100"]
    assert first["key_prefix"] == ["abcd1234"]
    # The period is fixed once, so every page reads the same window.
    assert "period" not in first
    assert {(query(r)["start"][0], query(r)["end"][0]) for r in requests} == {(first["start"][0], first["end"][0])}
    end = datetime.datetime.fromisoformat(first["end"][0])
    assert before <= end <= datetime.datetime.now(datetime.UTC)
    assert end - datetime.datetime.fromisoformat(first["start"][0]) == datetime.timedelta(hours=24)


def test_list_is_lazy_and_checks_its_arguments_at_once(httpx_mock: HTTPXMock) -> None:
    with Billing() as billing:
        rows = billing.logs.list(period="7d")
        assert httpx_mock.get_requests() == []
        httpx_mock.add_response(json=page(0, [row(1)], False))
        assert next(rows).inference_id == "inf-1"
        with pytest.raises(InvalidParameterError):
            billing.logs.list(period="7d", status="ok")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"period": "7d", "status": "ok"}, "a status must be one of failed, succeeded"),
        ({"period": "7d", "status": ["succeeded", "SUCCEEDED"]}, "a status must be"),
        ({"period": "7d", "status": []}, "status must be"),
        ({"period": "7d", "model": "a,b"}, "as a list, not joined by commas"),
        ({"period": "7d", "model": [""]}, "a model is a name"),
        ({"period": "7d", "model": [f"m{i}" for i in range(51)]}, "at most 50 models"),
        ({"period": "7d", "max_pages": 0}, "max_pages"),
        ({"period": "7d", "start": "2026-01-01"}, "not both"),
        ({}, "pass period"),
    ],
)
@pytest.mark.parametrize("mode", MODES)
async def test_bad_arguments_fail_before_any_request(
    httpx_mock: HTTPXMock, mode: str, arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidParameterError, match=message):
        await call(mode, lambda billing: billing.logs.list(**arguments))
    assert httpx_mock.get_requests() == []


@pytest.mark.parametrize("mode", MODES)
async def test_a_server_that_ignores_the_offset_is_stopped(httpx_mock: HTTPXMock, mode: str) -> None:
    httpx_mock.add_response(json=page(0, [row(1)], True), is_reusable=True)
    with pytest.raises(PaginationError, match="asked for offset 1 and got the page at offset 0"):
        await call(mode, lambda billing: billing.logs.list(period="7d"))
    assert len(httpx_mock.get_requests()) == 2


@pytest.mark.parametrize("mode", MODES)
async def test_empty_pages_that_say_has_more_are_stopped(httpx_mock: HTTPXMock, mode: str) -> None:
    httpx_mock.add_response(json=page(0, [], True), is_reusable=True)
    with pytest.raises(PaginationError, match="3 empty pages in a row"):
        await call(mode, lambda billing: billing.logs.list(period="7d"))
    assert len(httpx_mock.get_requests()) == 3


@pytest.mark.parametrize("mode", MODES)
async def test_max_pages_ends_a_walk_that_does_not(httpx_mock: HTTPXMock, mode: str) -> None:
    for offset in range(4):
        httpx_mock.add_response(json=page(offset, [row(offset)], True))
    with pytest.raises(PaginationError, match="max_pages is 4") as raised:
        await call(mode, lambda billing: billing.logs.list(period="7d", max_pages=4))
    assert raised.value.pages == 4


@pytest.mark.parametrize("mode", MODES)
async def test_a_window_over_92_days_is_walked_piece_by_piece(httpx_mock: HTTPXMock, mode: str) -> None:
    httpx_mock.add_response(json=page(0, [row(1)], False))
    httpx_mock.add_response(json=page(0, [row(2)], False))
    rows = await call(mode, lambda billing: billing.logs.list(start="2026-01-01T00:00:00Z", end="2026-05-01T00:00:00Z"))
    assert [entry.inference_id for entry in rows] == ["inf-1", "inf-2"]
    windows = [(query(r)["start"][0], query(r)["end"][0]) for r in httpx_mock.get_requests()]
    assert windows == [
        ("2026-01-01T00:00:00Z", "2026-04-03T00:00:00Z"),
        ("2026-04-03T00:00:00Z", "2026-05-01T00:00:00Z"),
    ]


@pytest.mark.parametrize("mode", MODES)
async def test_page_is_one_request_with_its_raw_response(httpx_mock: HTTPXMock, mode: str) -> None:
    httpx_mock.add_response(json=page(40, [row(1)], True), headers={"x-request-id": "req-42"})
    raw = await call(
        mode, lambda billing: billing.logs.with_raw_response.page(period="7d", status="failed", limit=20, offset=40)
    )
    assert raw.status_code == 200
    assert raw.request_id == "req-42"
    assert raw.parse().data[0].inference_id == "inf-1"
    sent = query(httpx_mock.get_requests()[0])
    assert sent == {"period": ["7d"], "status": ["failed"], "limit": ["20"], "offset": ["40"]}
    with pytest.raises(InvalidParameterError, match="limit"):
        await call(mode, lambda billing: billing.logs.page(period="7d", limit=101))


@pytest.mark.parametrize("mode", MODES)
async def test_a_long_walk_waits_for_the_rate_limit_instead_of_hitting_429(
    httpx_mock: HTTPXMock, mode: str, no_sleep: list[float]
) -> None:
    for offset in range(5):
        httpx_mock.add_response(json=page(offset, [row(offset)], offset < 4))
    rows = await call(mode, lambda billing: billing.logs.list(period="7d"), logs_rate_limit=(3, 60.0))
    assert len(rows) == 5
    # Three requests go at once; the fourth and fifth wait for the first and second to age 60 s
    # (the no_sleep are recorded, not slept, so the clock barely moves).
    assert len(no_sleep) == 2
    assert all(59.0 < delay <= 60.0 for delay in no_sleep)


@pytest.mark.parametrize("mode", MODES)
async def test_the_rate_limit_respects_the_deadline(httpx_mock: HTTPXMock, mode: str, no_sleep: list[float]) -> None:
    for offset in range(3):
        httpx_mock.add_response(json=page(offset, [row(offset)], True))
    with pytest.raises(APITimeoutError, match=r"rate limit .* has no slot before the 10 s deadline"):
        await call(mode, lambda billing: billing.logs.list(period="7d", deadline=10), logs_rate_limit=(3, 60.0))
    assert len(httpx_mock.get_requests()) == 3
    assert no_sleep == []


@pytest.mark.parametrize("mode", MODES)
async def test_the_rate_limit_is_shared_by_the_client_and_its_copies(
    httpx_mock: HTTPXMock, mode: str, no_sleep: list[float]
) -> None:
    httpx_mock.add_response(json=page(0, [row(1)], False), is_reusable=True)

    def clients(billing: Any) -> tuple[Any, ...]:
        return (billing, billing.with_options(timeout=5), billing, billing.with_options(max_retries=0))

    async def four_async_calls(billing: Any) -> None:
        for client in clients(billing):
            await client.logs.page(period="7d")

    def four_calls(billing: Any) -> None:
        for client in clients(billing):
            client.logs.page(period="7d")

    await call(mode, four_calls if mode == "sync" else four_async_calls, logs_rate_limit=(2, 30.0))
    assert len(httpx_mock.get_requests()) == 4
    assert len(no_sleep) == 2
    assert all(29.0 < delay <= 30.0 for delay in no_sleep)


def test_no_rate_limit_when_turned_off(httpx_mock: HTTPXMock, no_sleep: list[float]) -> None:
    httpx_mock.add_response(json=page(0, [row(1)], False), is_reusable=True)
    with Billing(logs_rate_limit=None) as billing:
        for _ in range(5):
            billing.logs.page(period="7d")
    assert no_sleep == []


@pytest.mark.parametrize("limit", [(0, 60.0), (200, 0), (200, float("inf")), (True, 60), "200/60", (1, 2, 3)])
def test_a_bad_rate_limit_is_a_configuration_error(limit: Any) -> None:
    from aimlapi_billing import ConfigurationError

    with pytest.raises(ConfigurationError, match="logs_rate_limit"):
        Billing(logs_rate_limit=limit)
