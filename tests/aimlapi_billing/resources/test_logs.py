"""billing.logs: the lazy walk, its guards, repeated filters, and the client's rate limit."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from fake_api_server import FakeAIMLAPI
from pytest_httpx import HTTPXMock

from aimlapi_billing import (
    APITimeoutError,
    AsyncBilling,
    Billing,
    InvalidParameterError,
    PaginationError,
    ResponseValidationError,
)
from tests.helpers.log_scenarios import changing_logs, first_page_at_every_offset, growing_logs, offset_ignored
from tests.helpers.resources import MODES, call


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


def page(offset: int, rows: list[dict[str, Any]], has_more: bool, total: int | None = None) -> dict[str, Any]:
    """A page of ``rows`` at ``offset``; its ``total`` by default more than the rows so far while
    there are more, and where they end on the last page: a walk over several pages to the end passes
    the same ``total`` to each, as a lower total on a later page means rows were deleted."""
    if total is None:
        total = 1000 if has_more else offset + len(rows)
    return {"data": rows, "pagination": {"limit": 100, "offset": offset, "total": total, "has_more": has_more}}


def query(request: httpx.Request) -> dict[str, list[str]]:
    return parse_qs(request.url.query.decode())


@pytest.mark.parametrize("mode", MODES)
async def test_list_walks_every_page_with_repeated_filters(httpx_mock: HTTPXMock, mode: str) -> None:
    httpx_mock.add_response(json=page(0, [row(1), row(2)], True, total=4))
    httpx_mock.add_response(json=page(2, [row(3)], True, total=4))
    httpx_mock.add_response(json=page(3, [row(4, "failed")], False, total=4))
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
        httpx_mock.add_response(json=page(offset, [row(offset)], offset < 4, total=5))
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


# -- rows that move while a window is walked, and servers that page badly (real sockets) ----------


def _drained(billing: Billing, rows: list[str], **arguments: Any) -> Exception | None:
    """Walk the logs into ``rows`` (inference ids, as they come); the error that ended the walk."""
    try:
        for entry in billing.logs.list(period="24h", **arguments):
            rows.append(entry.inference_id)
    except Exception as exc:
        return exc
    return None


async def _walked(mode: str, rows: list[str], **options: Any) -> Exception | None:
    """:func:`_drained` with a fresh client of ``mode`` (``async for`` on :class:`AsyncBilling`)."""
    if mode == "sync":
        with Billing(**options) as billing:
            return _drained(billing, rows)
    async with AsyncBilling(**options) as billing:
        try:
            async for entry in billing.logs.list(period="24h"):
                rows.append(entry.inference_id)
        except Exception as exc:
            return exc
    return None


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("rows", "changes", "fell"),
    [
        (200, {1: -50}, "from 200 to 150 rows"),
        (300, {1: -50, 2: 50}, "from 300 to 250 rows"),
        (300, {1: -250}, "from 300 to 50 rows"),
    ],
    ids=["deleted", "deleted-then-as-many-arrive", "deleted-below-the-offset-asked"],
)
async def test_rows_deleted_during_the_walk_stop_it_after_the_rows_given(
    mode: str, rows: int, changes: dict[int, int], fell: str
) -> None:
    # After the first page the 50 newest rows (given already) are deleted: the others move 50
    # offsets back, so 50 rows would never be read while the rows counted still match the total
    # (and with 50 rows arriving before the third page, the last total is the first again). With
    # 250 deleted, the second page (offset 100) lies beyond the new total: still the deletion.
    given: list[str] = []
    with FakeAIMLAPI() as server:
        server.route("/v2/logs", changing_logs(rows, changes))
        error = await _walked(mode, given, base_url=server.url)
        assert server.count("/v2/logs") == 2
    assert isinstance(error, PaginationError)
    assert "page 2: the window 20" in str(error)
    assert f"{fell} while it was read: rows were deleted, so some of the 100 rows given may be gone" in str(error)
    assert given == [f"inf-{number}" for number in range(rows, rows - 100, -1)]  # the first page, checked


@pytest.mark.parametrize("mode", MODES)
async def test_rows_deleted_before_any_row_is_given_make_the_window_read_again(
    httpx_mock: HTTPXMock, mode: str
) -> None:
    httpx_mock.add_response(json=page(0, [], True, total=5))
    httpx_mock.add_response(json=page(0, [row(1), row(2)], True, total=3))  # lower: not given, read again
    httpx_mock.add_response(json=page(0, [row(1), row(2)], True, total=3))
    httpx_mock.add_response(json=page(2, [row(3)], False, total=3))
    rows = await call(mode, lambda billing: billing.logs.list(period="7d"))
    assert [entry.inference_id for entry in rows] == ["inf-1", "inf-2", "inf-3"]
    assert [query(r)["offset"] for r in httpx_mock.get_requests()] == [["0"], ["0"], ["0"], ["2"]]


@pytest.mark.parametrize("mode", MODES)
async def test_rows_that_arrive_during_the_walk_are_listed_once(mode: str) -> None:
    # Two rows arrive while three pages are read: each shifts the next page by one, so a row comes
    # twice, and the rows ahead of the offset are fetched by a second pass from the start.
    with FakeAIMLAPI() as server:
        server.route("/v2/logs", growing_logs(250, arrivals=2))
        rows = await call(mode, lambda billing: billing.logs.list(period="24h"), base_url=server.url)
        assert server.count("/v2/logs") == 4
    ids = [entry.inference_id for entry in rows]
    assert len(ids) == len(set(ids))
    assert set(ids) == {f"inf-{number}" for number in range(1, 253)}


def test_rows_that_keep_arriving_end_when_the_rows_read_match_the_total() -> None:
    with FakeAIMLAPI() as server, Billing(base_url=server.url) as billing:
        server.route("/v2/logs", growing_logs(250))
        rows: list[str] = []
        assert _drained(billing, rows) is None
    assert len(rows) == len(set(rows)) == 253  # the total of the last page read


@pytest.mark.parametrize("mode", MODES)
async def test_a_total_that_never_adds_up_is_reported_after_three_passes(httpx_mock: HTTPXMock, mode: str) -> None:
    httpx_mock.add_response(json=page(0, [row(1), row(2)], False, total=3), is_reusable=True)
    with pytest.raises(PaginationError, match="2 rows of a total of 3 after 3 passes"):
        await call(mode, lambda billing: billing.logs.list(period="7d"))
    assert len(httpx_mock.get_requests()) == 3


@pytest.mark.parametrize("mode", MODES)
async def test_more_rows_than_the_total_is_an_error(httpx_mock: HTTPXMock, mode: str) -> None:
    # The total unchanged: the server pages wrongly (a lower total would be rows deleted).
    httpx_mock.add_response(json=page(0, [row(1), row(2)], True, total=3))
    httpx_mock.add_response(json=page(2, [row(3), row(4)], False, total=3))
    with pytest.raises(PaginationError, match="rows 2 to 4 of a total of 3"):
        await call(mode, lambda billing: billing.logs.list(period="7d"))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("pages", "message"),
    [
        ([page(0, [row(1), row(2)], True, total=300), page(0, [row(1)], False, total=1)], "asked for offset 2 and got"),
        ([page(0, [], False, total=-1)], "says its total is -1 rows"),
        ([page(0, [row(1)], True, total=5), page(1, [], False, total=-1)], "says its total is -1 rows"),
    ],
    ids=["lower-total-at-another-offset", "negative-total", "negative-total-after-a-page"],
)
async def test_a_lower_total_does_not_excuse_a_page_that_pages_wrongly(
    httpx_mock: HTTPXMock, mode: str, pages: list[dict[str, Any]], message: str
) -> None:
    # Only the rows beyond the total give way to the deletion rule; the page's offset is still
    # checked, and a negative total is no count of rows at all (not a deletion to read again).
    for answer in pages:
        httpx_mock.add_response(json=answer)
    with pytest.raises(PaginationError, match=message):
        await call(mode, lambda billing: billing.logs.list(period="7d"))
    assert len(httpx_mock.get_requests()) == len(pages)


def test_a_row_seen_again_with_other_content_is_an_error(httpx_mock: HTTPXMock) -> None:
    changed = {**row(2), "cost": {"usd": 0.5, "credits": 1_000_000}}
    httpx_mock.add_response(json=page(0, [row(1), row(2)], True, total=4))
    httpx_mock.add_response(json=page(2, [changed, row(3)], False, total=4))
    rows: list[str] = []
    with Billing() as billing:
        error = _drained(billing, rows)
    assert isinstance(error, ResponseValidationError)
    assert "shows request inf-2 again with other content" in str(error)
    assert rows == ["inf-1", "inf-2"]  # nothing of the page that changed


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("missing", ["", " "])
async def test_rows_without_an_inference_id_are_no_repeats_of_each_other(
    httpx_mock: HTTPXMock, mode: str, missing: str | None
) -> None:
    # Failed requests may have no inference_id: distinct rows sharing "" are all listed,
    # not taken for one request "seen again with other content".
    failed = [{**row(number, "failed"), "inference_id": missing} for number in (1, 2, 3)]
    httpx_mock.add_response(json=page(0, [failed[0], failed[1]], True, total=4))
    httpx_mock.add_response(json=page(2, [failed[2], row(4)], False, total=4))
    rows = await call(mode, lambda billing: billing.logs.list(period="7d"))
    assert [entry.request_id for entry in rows] == ["req-1", "req-2", "req-3", "req-4"]


@pytest.mark.parametrize(
    ("behaviour", "message"),
    [
        (offset_ignored(300), "asked for offset 100 and got the page at offset 0"),
        (first_page_at_every_offset(300), "holds only rows of earlier pages"),
    ],
    ids=["offset-ignored", "first-page-at-every-offset"],
)
def test_a_server_that_pages_badly_gives_no_row_of_a_bad_page(behaviour: Any, message: str) -> None:
    with FakeAIMLAPI() as server, Billing(base_url=server.url) as billing:
        server.route("/v2/logs", behaviour)
        rows: list[str] = []
        error = _drained(billing, rows)
        assert server.count("/v2/logs") == 2
    assert isinstance(error, PaginationError)
    assert message in str(error)
    assert rows == [f"inf-{number}" for number in range(300, 200, -1)]


def test_a_page_is_checked_before_its_rows_are_given(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=page(0, [row(1)], True))
    httpx_mock.add_response(json=page(0, [row(2)], False))  # offset 1 asked for
    rows: list[str] = []
    with Billing() as billing:
        assert isinstance(_drained(billing, rows), PaginationError)
    assert rows == ["inf-1"]
