"""The ledger: one page, lazy iteration over every page, filters, and faults mid-stream."""

from __future__ import annotations

import datetime
import io
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fake_api.examples import exact
from fake_api_server import LEDGER, FakeAIMLAPI, Passthrough, Reply, ledger_entry
from pytest_httpx import HTTPXMock

from aimlapi_billing import (
    AIMLAPIError,
    AsyncBilling,
    BadRequestError,
    Billing,
    InvalidParameterError,
    PaginationError,
    Transaction,
    TransactionDirection,
    TransactionsResponse,
    TransactionType,
)
from aimlapi_billing._cli import main
from tests.aimlapi_billing.conftest import API_KEY, BASE_URL
from tests.helpers.cli import cli_json

URL = BASE_URL + "/v2/billing/transactions"
# Characters URL encoding must carry through untouched: the API rejects a re-encoded cursor.
TRICKY_CURSOR = "eyJ2IjoxfQ+/==&x=%2F?#é"


def _page(entries: list[dict[str, Any]], cursor: str | None) -> dict[str, Any]:
    return {"data": entries, "pagination": {"next_cursor": cursor, "has_more": cursor is not None}}


def _entry(n: int) -> dict[str, Any]:
    return ledger_entry(f"2025-11-{20 - n:02d}T00:00:00.000Z", "CHARGE", "MODEL_USAGE", n / 100, "m", f"r{n}")


def _query(request: httpx.Request) -> dict[str, list[str]]:
    return parse_qs(urlsplit(str(request.url)).query, keep_blank_values=True)


def _three_pages(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=_page([_entry(1), _entry(2)], "first"))
    httpx_mock.add_response(json=_page([_entry(3), _entry(4)], TRICKY_CURSOR))
    httpx_mock.add_response(json=_page([_entry(5)], None))


def test_iteration_follows_every_cursor_untouched_and_stops_at_the_last_page(httpx_mock: HTTPXMock) -> None:
    _three_pages(httpx_mock)
    with Billing() as billing:
        entries = list(billing.transactions(direction="CHARGE"))
    assert [e.reference_id for e in entries] == ["r1", "r2", "r3", "r4", "r5"]
    first, second, third = httpx_mock.get_requests()
    assert "cursor" not in _query(first)
    assert _query(second)["cursor"] == ["first"]
    assert _query(third)["cursor"] == [TRICKY_CURSOR]
    assert all(_query(r)["limit"] == ["100"] and _query(r)["direction"] == ["CHARGE"] for r in (first, second, third))


async def test_async_iteration_follows_every_cursor(httpx_mock: HTTPXMock) -> None:
    _three_pages(httpx_mock)
    async with AsyncBilling() as billing:
        entries = [entry async for entry in billing.transactions(limit=2)]
    assert [e.reference_id for e in entries] == ["r1", "r2", "r3", "r4", "r5"]
    assert _query(httpx_mock.get_requests()[2])["cursor"] == [TRICKY_CURSOR]


def test_iteration_is_lazy(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=_page([_entry(1), _entry(2)], "next"))
    with Billing() as billing:
        entries = billing.transactions()
        assert httpx_mock.get_requests() == []
        assert next(entries).reference_id == "r1"
        assert next(entries).reference_id == "r2"
    assert len(httpx_mock.get_requests()) == 1  # the second page was never needed


def test_one_page_with_a_cursor(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=_page([_entry(1)], "more"))
    with Billing() as billing:
        page = billing.transactions_page(cursor=TRICKY_CURSOR, limit=1)
    assert isinstance(page, TransactionsResponse)
    assert page.pagination.next_cursor == "more"
    assert isinstance(page.data[0], Transaction)
    assert page.data[0].direction is TransactionDirection.CHARGE
    assert page.data[0].type_ is TransactionType.MODEL_USAGE
    assert _query(httpx_mock.get_request())["cursor"] == [TRICKY_CURSOR]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (
            {"from_": datetime.datetime(2026, 8, 1, 2, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))},
            {"from": "2026-08-01T00:00:00Z"},
        ),
        ({"to": datetime.datetime(2026, 8, 18, tzinfo=datetime.UTC)}, {"to": "2026-08-18T00:00:00Z"}),
        ({"from_": "2026-08-01T00:00:00+02:00"}, {"from": "2026-08-01T00:00:00+02:00"}),
        (
            {"direction": TransactionDirection.TOPUP, "type": TransactionType.BONUS},
            {"direction": "TOPUP", "type": "BONUS"},
        ),
        ({"direction": "CHARGE", "type": "CREDITS_EXPIRED"}, {"direction": "CHARGE", "type": "CREDITS_EXPIRED"}),
        ({"limit": 7}, {"limit": "7"}),
    ],
)
def test_filters_are_serialised(httpx_mock: HTTPXMock, filters: dict[str, Any], expected: dict[str, str]) -> None:
    httpx_mock.add_response(json=_page([], None))
    with Billing() as billing:
        billing.transactions_page(**filters)
    query = {name: values[0] for name, values in _query(httpx_mock.get_request()).items()}  # type: ignore[arg-type]
    assert {name: query[name] for name in expected} == expected


def test_a_naive_datetime_is_local_time(httpx_mock: HTTPXMock) -> None:
    naive = datetime.datetime(2026, 8, 1, 12, 0)
    httpx_mock.add_response(json=_page([], None))
    with Billing() as billing:
        billing.transactions_page(from_=naive)
    sent = _query(httpx_mock.get_request())["from"][0]  # type: ignore[arg-type]
    assert datetime.datetime.fromisoformat(sent) == naive.astimezone()


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"direction": "SIDEWAYS"}, "direction must be one of CHARGE, TOPUP"),
        ({"type": "GIFT"}, "type must be one of"),
        ({"limit": 0}, "limit must be a whole number from 1 to 100"),
        ({"limit": 101}, "limit must be"),
        ({"limit": True}, "limit must be"),
        ({"from_": 1754006400}, "from must be a datetime or an ISO 8601 string"),
        (
            {"to": datetime.datetime(1, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=14)))},
            "to is outside the calendar in UTC",
        ),
        ({"max_pages": 0}, "max_pages must be a whole number, 1 or more"),
        ({"deadline": float("nan")}, "deadline must be a finite number"),
        ({"deadline": -1}, "deadline must be above 0"),
        ({"timeout": float("inf")}, "timeout must be a finite number"),
    ],
)
def test_bad_filters_are_refused_before_any_request(
    httpx_mock: HTTPXMock, filters: dict[str, Any], message: str
) -> None:
    with Billing() as billing:
        with pytest.raises(InvalidParameterError, match=message) as raised:
            billing.transactions(**filters)
        if "max_pages" not in filters:  # one page has no page limit
            with pytest.raises(ValueError, match=message):
                billing.transactions_page(**filters)
    assert isinstance(raised.value, AIMLAPIError)
    assert httpx_mock.get_requests() == []


def test_a_400_for_a_bad_cursor_is_a_bad_request_error(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=_page([_entry(1)], "expired"))
    httpx_mock.add_response(status_code=400, json={"message": "invalid cursor", "statusCode": "400"})
    with Billing() as billing:
        entries = billing.transactions()
        assert next(entries).reference_id == "r1"
        with pytest.raises(BadRequestError, match="invalid cursor"):
            next(entries)


def test_a_429_mid_stream_is_retried_without_duplicates_or_gaps(httpx_mock: HTTPXMock, no_sleep: None) -> None:
    httpx_mock.add_response(json=_page([_entry(1), _entry(2)], "c2"))
    httpx_mock.add_response(status_code=429, headers={"retry-after": "1"}, json={"message": "slow down"})
    httpx_mock.add_response(json=_page([_entry(3)], None))
    with Billing() as billing:
        assert [e.reference_id for e in billing.transactions()] == ["r1", "r2", "r3"]
    requests = httpx_mock.get_requests()
    assert [_query(r).get("cursor") for r in requests] == [None, ["c2"], ["c2"]]


def test_a_server_repeating_a_cursor_stops_the_iteration(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=_page([_entry(1)], "same"))
    httpx_mock.add_response(json=_page([_entry(2)], "same"))
    with Billing() as billing, pytest.raises(PaginationError, match="a next_cursor an earlier page gave"):
        list(billing.transactions())


def test_has_more_without_a_cursor_ends_the_iteration(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json={"data": [_entry(1)], "pagination": {"next_cursor": None, "has_more": True}})
    with Billing() as billing:
        assert len(list(billing.transactions())) == 1


# -- against the real local server ------------------------------------------------------------------


def test_paging_against_the_real_server(fake_api: FakeAIMLAPI) -> None:
    with Billing(base_url=fake_api.url) as billing:
        entries = list(billing.transactions(limit=2))
    assert [e.to_dict() for e in entries] == exact(LEDGER)
    # The server accepts a cursor only byte for byte as issued (its cursors hold + / = & % ?).
    assert len(fake_api.requests_to("/v2/billing/transactions")) == 4


async def test_filtered_async_paging_against_the_real_server(fake_api: FakeAIMLAPI) -> None:
    since = datetime.datetime(2025, 11, 1, tzinfo=datetime.UTC)
    async with AsyncBilling(base_url=fake_api.url) as billing:
        entries = [e async for e in billing.transactions(from_=since, direction=TransactionDirection.CHARGE, limit=1)]
    assert [e.reference_id for e in entries] == ["inf-3", "inf-2", "inf-1", None]


def test_a_forged_cursor_is_rejected_by_the_real_server(fake_api: FakeAIMLAPI) -> None:
    with Billing(base_url=fake_api.url) as billing:
        first = billing.transactions_page(limit=2)
        assert first.pagination.next_cursor is not None
        re_encoded = first.pagination.next_cursor.replace("+", "%2B")
        with pytest.raises(BadRequestError, match="invalid cursor"):
            billing.transactions_page(limit=2, cursor=re_encoded)


def test_a_429_mid_stream_against_the_real_server(fake_api: FakeAIMLAPI, fast_backoff: None) -> None:
    fake_api.script("/v2/billing/transactions", Passthrough(), Reply(429, {"message": "slow"}, {"retry-after": "0"}))
    with Billing(base_url=fake_api.url) as billing:
        entries = list(billing.transactions(limit=3))
    assert [e.to_dict() for e in entries] == exact(LEDGER)
    assert len(fake_api.requests_to("/v2/billing/transactions")) == 4  # 3 pages + 1 retry


# -- the command line ---------------------------------------------------------------------------------


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), out=out, err=err), out.getvalue(), err.getvalue()


def test_cli_json_lines(fake_api: FakeAIMLAPI) -> None:
    code, out, _ = _run("transactions", "--json", "--page-size", "3", "--base-url", fake_api.url)
    assert code == 0
    assert [json.loads(line) for line in out.splitlines()] == [cli_json(entry, "Transaction") for entry in LEDGER]


def test_cli_csv_with_filters(fake_api: FakeAIMLAPI) -> None:
    argv = (
        "transactions",
        "--csv",
        "--direction",
        "TOPUP",
        "--from",
        "2025-10-30T00:00:00Z",
        "--base-url",
        fake_api.url,
    )
    code, out, _ = _run(*argv)
    assert code == 0
    assert out.splitlines() == [
        "created_at,direction,type,amount_usd,amount_credits,model,reference_id",
        "2025-11-08T12:00:00.000Z,TOPUP,PAYMENT,100,200000000,,pay-1",
        "2025-10-30T10:00:00.000Z,TOPUP,BONUS,10,20000000,,",
    ]


def test_cli_table_and_max_entries(fake_api: FakeAIMLAPI) -> None:
    code, out, _ = _run("transactions", "--max-entries", "2", "--base-url", fake_api.url)
    assert code == 0
    assert out.splitlines() == [
        "created at                dir     type                      USD  model",
        "2025-11-10T09:30:00.000Z  CHARGE  MODEL_USAGE              1.56  openai/gpt-5",
        "2025-11-09T18:00:00.000Z  CHARGE  MODEL_USAGE              0.42  anthropic/claude-sonnet",
    ]
    assert len(fake_api.requests_to("/v2/billing/transactions")) == 1


def test_cli_streams_each_entry_before_fetching_the_next_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """Memory stays flat: entries are written as pages arrive, never collected first."""
    ledger = [_entry(n % 90) for n in range(1000)]
    with FakeAIMLAPI(ledger=ledger) as api:

        class Recording(io.StringIO):
            requests_when_first_written: int | None = None

            def write(self, text: str) -> int:
                if self.requests_when_first_written is None and text.startswith("{"):
                    self.requests_when_first_written = len(api.requests)
                return super().write(text)

        out = Recording()
        assert main(["transactions", "--json", "--page-size", "100", "--base-url", api.url], out=out) == 0
        assert out.requests_when_first_written == 1
        assert len(out.getvalue().splitlines()) == 1000
        assert len(api.requests) == 10


def test_cli_bad_dates_and_api_errors(fake_api: FakeAIMLAPI) -> None:
    code, _, err = _run("transactions", "--from", "last tuesday", "--base-url", fake_api.url)
    assert code == 2
    assert "not an ISO 8601 date" in err
    code, _, err = _run(
        "transactions", "--from", "2025-11-02T00:00:00Z", "--to", "2025-11-01T00:00:00Z", "--base-url", fake_api.url
    )
    assert code == 5
    assert err == "aimlapi-billing: error: Error code: 400 - `to` must be later than `from` (request id: fake-400)\n"


@pytest.mark.parametrize("style", ["table", "--json", "--csv"])
def test_cli_redacts_a_key_echoed_in_a_ledger_cell(style: str) -> None:
    """A server that puts the caller's key in a model name: no output style shows it."""
    ledger = [ledger_entry("2025-11-20T00:00:00.000Z", "CHARGE", "MODEL_USAGE", 1.5, f"m {API_KEY}", "r1")]
    with FakeAIMLAPI(ledger=ledger) as api:
        code, out, _ = _run("transactions", *([] if style == "table" else [style]), "--base-url", api.url)
    assert code == 0
    assert "m <redacted>" in out
    assert API_KEY[8:16] not in out
    if style == "--json":
        assert json.loads(out)["model"] == "m <redacted>"


def test_cli_csv_cells_a_spreadsheet_would_run_get_a_leading_quote() -> None:
    """As every CSV output does (docs/cli/index.md): a text cell that a spreadsheet would take for a
    formula is written with a leading ' ; amounts and dates as they came."""
    ledger = [ledger_entry("2025-11-20T00:00:00.000Z", "CHARGE", "MODEL_USAGE", 1.5, "=1+1", "@SUM(A1)")]
    with FakeAIMLAPI(ledger=ledger) as api:
        code, out, _ = _run("transactions", "--csv", "--base-url", api.url)
    assert code == 0
    assert out.splitlines()[1] == "2025-11-20T00:00:00.000Z,CHARGE,MODEL_USAGE,1.5,3000000,'=1+1,'@SUM(A1)"
