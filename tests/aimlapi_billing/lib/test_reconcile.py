"""billing.reconcile(): the ledger, every key's logs and usage of one window, compared (mocked API)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from pytest_httpx import HTTPXMock

from aimlapi_billing import (
    Billing,
    InvalidParameterError,
    PaginationError,
    PermissionDeniedError,
    ResponseValidationError,
)
from aimlapi_billing.types.reconcile import Reconciliation
from tests.helpers.api_records import END, START, charge, key, row
from tests.helpers.resources import MODES, call


class Account:
    """A mocked API over one account: keys, each key's log rows and usage, and the ledger."""

    def __init__(
        self,
        logs: dict[str, list[dict[str, Any]]],
        ledger: list[dict[str, Any]],
        usage: dict[str, tuple[float, int]] | None = None,
        page_size: int = 100,
        ledger_page_size: int = 100,
    ) -> None:
        self.logs = logs
        self.ledger = ledger
        self.usage = usage
        self.page_size = page_size
        self.ledger_page_size = ledger_page_size

    def __call__(self, request: httpx.Request) -> httpx.Response:
        query = {name: values[-1] for name, values in parse_qs(request.url.query.decode()).items()}
        path = request.url.path
        if path == "/v1/keys":
            return httpx.Response(200, json={"data": [key(prefix) for prefix in self.logs]})
        if path == "/v2/usage":
            prefix = query["key_prefix"]
            rows = [r for r in self.logs[prefix] if query["start"] <= r["created"] < query["end"]]
            if self.usage is not None:
                spend, requests = self.usage[prefix]
            else:
                spend = float(sum(Decimal(repr(r["cost"]["usd"])) for r in rows))
                requests = sum(1 for r in rows if r["status"] == "succeeded")
            body = {
                "api_key_prefix": prefix,
                "start": query["start"],
                "end": query["end"],
                "spend": spend,
                "currency": "USD",
                "requests": requests,
            }
            return httpx.Response(200, json=body)
        if path == "/v2/logs":
            rows = [r for r in self.logs[query["key_prefix"]] if query["start"] <= r["created"] < query["end"]]
            offset, limit = int(query["offset"]), min(int(query["limit"]), self.page_size)
            pagination = {"limit": limit, "offset": offset, "total": len(rows), "has_more": offset + limit < len(rows)}
            return httpx.Response(200, json={"data": rows[offset : offset + limit], "pagination": pagination})
        if path == "/v2/billing/transactions":
            entries = [
                e for e in self.ledger if query["from"] <= e["created_at"] < query["to"] and e["type"] == query["type"]
            ]
            offset = int(query.get("cursor", "0"))
            more = offset + self.ledger_page_size < len(entries)
            pagination = {"next_cursor": str(offset + self.ledger_page_size) if more else None, "has_more": more}
            return httpx.Response(
                200, json={"data": entries[offset : offset + self.ledger_page_size], "pagination": pagination}
            )
        raise AssertionError(f"unexpected request {request.method} {request.url}")


def consistent() -> Account:
    """Two keys; key b has a failed row that costs nothing; every costing row has its charge."""
    return Account(
        logs={
            "aaaa1111": [row("inf-1", 2.5), row("inf-2", 0.42, "2026-01-03T00:00:00Z")],
            "bbbb2222": [row("inf-3", 1.56, "2026-01-04T00:00:00Z"), row("inf-f", 0.0, status="failed")],
        },
        ledger=[
            charge("inf-1", 2.5),
            charge("inf-2", 0.42, "2026-01-03T00:00:01Z"),
            charge("inf-3", 1.56, "2026-01-04T00:00:01Z"),
        ],
    )


async def reconcile(mode: str, **arguments: Any) -> Reconciliation:
    result: Reconciliation = await call(
        mode, lambda billing: billing.reconcile(**{"start": START, "end": END, **arguments})
    )
    return result


def queries(httpx_mock: HTTPXMock, path: str) -> list[dict[str, list[str]]]:
    return [parse_qs(r.url.query.decode()) for r in httpx_mock.get_requests() if r.url.path == path]


@pytest.mark.parametrize("mode", MODES)
async def test_three_records_that_agree(httpx_mock: HTTPXMock, mode: str) -> None:
    httpx_mock.add_callback(consistent(), is_reusable=True)
    result = await reconcile(mode)
    assert result.agree
    assert result.totals_agree
    assert (result.ledger_usd, result.logs_usd, result.usage_usd) == (Decimal("4.48"),) * 3
    assert (result.ledger_charges, result.logs_rows, result.logs_charged_rows, result.usage_requests) == (3, 4, 3, 3)
    assert result.key_prefixes == ("aaaa1111", "bbbb2222")
    assert result.only_in_logs == result.only_in_ledger == result.amounts_differ == result.pending == ()
    assert (result.start, result.end) == (START, END)
    # Each key's usage and logs, for exactly the window; the ledger for MODEL_USAGE, a settle past the end.
    assert [q["key_prefix"] for q in queries(httpx_mock, "/v2/usage")] == [["aaaa1111"], ["bbbb2222"]]
    assert {(q["start"][0], q["end"][0]) for q in queries(httpx_mock, "/v2/logs")} == {(START, END)}
    (ledger,) = queries(httpx_mock, "/v2/billing/transactions")
    assert (ledger["from"], ledger["to"], ledger["type"]) == ([START], ["2026-01-08T00:15:00Z"], ["MODEL_USAGE"])
    assert result.to_dict()["ledger"] == {"spend": Decimal("4.48"), "charges": 3}


@pytest.mark.parametrize("mode", MODES)
async def test_a_request_without_its_charge(httpx_mock: HTTPXMock, mode: str) -> None:
    account = consistent()
    account.logs["bbbb2222"].append(row("inf-4", 0.31, "2026-01-05T00:00:00Z"))
    httpx_mock.add_callback(account, is_reusable=True)
    result = await reconcile(mode)
    assert not result.agree
    (missing,) = result.only_in_logs
    assert (missing.id, missing.ledger_usd, missing.logs_usd, missing.difference) == (
        "inf-4",
        None,
        Decimal("0.31"),
        Decimal("-0.31"),
    )
    assert result.ledger_vs_logs_usd == Decimal("-0.31")
    assert result.usage_vs_logs_usd == 0


@pytest.mark.parametrize("mode", MODES)
async def test_charges_without_a_request(httpx_mock: HTTPXMock, mode: str) -> None:
    account = consistent()
    account.ledger += [charge("inf-ghost", 0.2), charge(None, 0.05)]
    httpx_mock.add_callback(account, is_reusable=True)
    result = await reconcile(mode)
    assert not result.agree
    assert [(m.id, m.ledger_usd, m.logs_usd) for m in result.only_in_ledger] == [
        ("inf-ghost", Decimal("0.2"), None),
        (None, Decimal("0.05"), None),
    ]


@pytest.mark.parametrize("mode", MODES)
async def test_amounts_that_differ_by_a_cent_or_more(httpx_mock: HTTPXMock, mode: str) -> None:
    account = consistent()
    account.ledger[1] = charge("inf-2", 0.43, "2026-01-03T00:00:01Z")
    httpx_mock.add_callback(account, is_reusable=True)
    result = await reconcile(mode)
    assert not result.agree
    (differs,) = result.amounts_differ
    assert (differs.id, differs.ledger_usd, differs.logs_usd, differs.difference) == (
        "inf-2",
        Decimal("0.43"),
        Decimal("0.42"),
        Decimal("0.01"),
    )


@pytest.mark.parametrize("mode", MODES)
async def test_differences_below_the_tolerance_agree(httpx_mock: HTTPXMock, mode: str) -> None:
    account = consistent()
    account.ledger[1] = charge("inf-2", 0.4249, "2026-01-03T00:00:01Z")
    httpx_mock.add_callback(account, is_reusable=True)
    assert (await reconcile(mode)).agree
    # The same answers with a tighter tolerance: no longer agreement.
    strict = await reconcile(mode, tolerance="0.0001")
    assert [m.id for m in strict.amounts_differ] == ["inf-2"]
    assert not strict.agree


@pytest.mark.parametrize("mode", MODES)
async def test_a_double_charge_is_an_amount_that_differs(httpx_mock: HTTPXMock, mode: str) -> None:
    account = consistent()
    account.ledger.append(charge("inf-1", 2.5, "2026-01-02T10:00:09Z"))
    httpx_mock.add_callback(account, is_reusable=True)
    result = await reconcile(mode)
    assert [(m.id, m.ledger_usd, m.logs_usd) for m in result.amounts_differ] == [
        ("inf-1", Decimal("5.0"), Decimal("2.5"))
    ]
    assert result.ledger_charges == 3
    assert not result.agree


@pytest.mark.parametrize("mode", MODES)
async def test_a_zero_cost_row_that_was_charged(httpx_mock: HTTPXMock, mode: str) -> None:
    account = consistent()
    account.ledger.append(charge("inf-f", 0.3))
    httpx_mock.add_callback(account, is_reusable=True)
    result = await reconcile(mode)
    assert [(m.id, m.ledger_usd, m.logs_usd) for m in result.amounts_differ] == [
        ("inf-f", Decimal("0.3"), Decimal("0.0"))
    ]


@pytest.mark.parametrize("mode", MODES)
async def test_usage_totals_that_disagree_with_the_logs(httpx_mock: HTTPXMock, mode: str) -> None:
    account = consistent()
    account.usage = {"aaaa1111": (2.92, 2), "bbbb2222": (1.6, 1)}
    httpx_mock.add_callback(account, is_reusable=True)
    result = await reconcile(mode)
    assert result.usage_usd == Decimal("4.52")
    assert result.usage_vs_logs_usd == Decimal("0.04")
    assert not result.totals_agree
    assert not result.agree
    assert result.only_in_logs == result.amounts_differ == ()


@pytest.mark.parametrize("mode", MODES)
async def test_a_charge_that_lands_after_the_window_counts_for_its_request(httpx_mock: HTTPXMock, mode: str) -> None:
    account = consistent()
    account.logs["aaaa1111"].append(row("inf-edge", 0.1, "2026-01-07T23:59:59Z"))
    # Its charge 30 s after the window; another charge then belongs to the next window's request.
    account.ledger += [charge("inf-edge", 0.1, "2026-01-08T00:00:29Z"), charge("inf-next", 9.0, "2026-01-08T00:01:00Z")]
    httpx_mock.add_callback(account, is_reusable=True)
    result = await reconcile(mode)
    assert result.agree
    assert result.ledger_usd == Decimal("4.58")


@pytest.mark.parametrize("mode", MODES)
async def test_a_recent_request_is_pending_not_missing(httpx_mock: HTTPXMock, mode: str) -> None:
    now = datetime.datetime.now(datetime.UTC)
    recent = (now - datetime.timedelta(minutes=2)).isoformat().replace("+00:00", "Z")
    account = Account(
        logs={"aaaa1111": [row("inf-1", 2.5, recent), row("inf-0", 1.0, "2000-01-01T00:00:00Z")]}, ledger=[]
    )
    httpx_mock.add_callback(account, is_reusable=True)
    result = await call(mode, lambda billing: billing.reconcile(period="1h"))
    assert [m.id for m in result.pending] == ["inf-1"]
    assert result.pending_usd == Decimal("2.5")
    assert result.only_in_logs == ()
    assert result.agree
    # With no settling time, the same row is missing.
    strict = await call(mode, lambda billing: billing.reconcile(period="1h", settle=datetime.timedelta(0)))
    assert [m.id for m in strict.only_in_logs] == ["inf-1"]
    assert not strict.agree


@pytest.mark.parametrize("mode", MODES)
async def test_a_model_usage_entry_that_is_no_charge_is_counted_apart(httpx_mock: HTTPXMock, mode: str) -> None:
    account = consistent()
    account.ledger.append(charge("inf-1", 2.5, direction="TOPUP"))
    httpx_mock.add_callback(account, is_reusable=True)
    result = await reconcile(mode)
    assert result.ledger_other_entries == 1
    assert result.ledger_usd == Decimal("4.48")
    assert not result.agree


@pytest.mark.parametrize("mode", MODES)
async def test_a_key_listed_twice_is_read_once(httpx_mock: HTTPXMock, mode: str) -> None:
    account = consistent()

    def twice(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/keys":
            return httpx.Response(200, json={"data": [key("aaaa1111"), key("bbbb2222"), key("aaaa1111")]})
        return account(request)

    httpx_mock.add_callback(twice, is_reusable=True)
    result = await reconcile(mode)
    assert result.key_prefixes == ("aaaa1111", "bbbb2222")
    assert result.agree
    assert len(queries(httpx_mock, "/v2/usage")) == 2


@pytest.mark.parametrize("mode", MODES)
async def test_pages_and_long_windows(httpx_mock: HTTPXMock, mode: str) -> None:
    account = Account(
        logs={"aaaa1111": [row(f"inf-{n}", 0.01, f"2026-0{1 + n % 5}-1{n % 10}T00:00:00Z") for n in range(7)]},
        ledger=[charge(f"inf-{n}", 0.01, f"2026-0{1 + n % 5}-1{n % 10}T00:00:01Z") for n in range(7)],
        page_size=2,
        ledger_page_size=3,
    )
    httpx_mock.add_callback(account, is_reusable=True)
    result = await reconcile(mode, end="2026-06-01T00:00:00Z")  # 151 days: two pieces of at most 92
    assert result.agree
    assert result.ledger_usd == result.logs_usd == result.usage_usd == Decimal("0.07")
    assert len(queries(httpx_mock, "/v2/usage")) == 2
    assert len(queries(httpx_mock, "/v2/billing/transactions")) == 3
    assert (result.start, result.end) == (START, "2026-06-01T00:00:00Z")


@pytest.mark.parametrize("mode", MODES)
async def test_logs_that_never_end_stop_at_max_pages(httpx_mock: HTTPXMock, mode: str) -> None:
    def endless(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/keys":
            return httpx.Response(200, json={"data": [key("aaaa1111")]})
        if request.url.path == "/v2/usage":
            body = {
                "api_key_prefix": "aaaa1111",
                "start": START,
                "end": END,
                "spend": 0,
                "currency": "USD",
                "requests": 0,
            }
            return httpx.Response(200, json=body)
        if request.url.path == "/v2/billing/transactions":
            return httpx.Response(200, json={"data": [], "pagination": {"next_cursor": None, "has_more": False}})
        offset = int(parse_qs(request.url.query.decode())["offset"][0])
        pagination = {"limit": 100, "offset": offset, "total": 10**9, "has_more": True}
        return httpx.Response(200, json={"data": [row(f"inf-{offset}", 0.01)], "pagination": pagination})

    httpx_mock.add_callback(endless, is_reusable=True)
    with pytest.raises(PaginationError, match="max_pages is 3"):
        await reconcile(mode, max_pages=3)
    assert len(queries(httpx_mock, "/v2/logs")) == 3


@pytest.mark.parametrize("mode", MODES)
async def test_a_ledger_whose_cursors_loop(httpx_mock: HTTPXMock, mode: str) -> None:
    account = consistent()

    def looping(request: httpx.Request) -> httpx.Response:
        if request.url.path != "/v2/billing/transactions":
            return account(request)
        return httpx.Response(
            200, json={"data": [charge("inf-1", 2.5)], "pagination": {"next_cursor": "same", "has_more": True}}
        )

    httpx_mock.add_callback(looping, is_reusable=True)
    with pytest.raises(PaginationError, match="loop"):
        await reconcile(mode)


@pytest.mark.parametrize("mode", MODES)
async def test_a_regular_key_cannot_list_the_keys(httpx_mock: HTTPXMock, mode: str) -> None:
    body = {"message": "Managing keys requires a management key", "statusCode": "403"}
    httpx_mock.add_response(url="https://api.aimlapi.com/v1/keys", status_code=403, json=body)
    with pytest.raises(PermissionDeniedError, match="management key") as raised:
        await reconcile(mode)
    assert raised.value.status_code == 403
    assert len(httpx_mock.get_requests()) == 1  # nothing else read


@pytest.mark.parametrize("mode", MODES)
async def test_usage_in_another_currency_cannot_be_compared(httpx_mock: HTTPXMock, mode: str) -> None:
    account = consistent()

    def euros(request: httpx.Request) -> httpx.Response:
        response = account(request)
        if request.url.path == "/v2/usage":
            return httpx.Response(200, json={**response.json(), "currency": "EUR"})
        return response

    httpx_mock.add_callback(euros, is_reusable=True)
    with pytest.raises(ResponseValidationError, match="EUR"):
        await reconcile(mode)


@pytest.mark.parametrize("mode", MODES)
async def test_an_unreadable_ledger_time(httpx_mock: HTTPXMock, mode: str) -> None:
    account = consistent()
    account.ledger[0] = {**account.ledger[0], "created_at": "2026-01-02T10:00:05Z-nonsense"}
    httpx_mock.add_callback(account, is_reusable=True)
    with pytest.raises(ResponseValidationError, match="unreadable time"):
        await reconcile(mode)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"start": None, "end": None}, "pass period"),
        ({"period": "7d"}, "either period or start and end"),
        ({"end": "2025-12-01T00:00:00Z"}, "must be later"),
        ({"tolerance": 0}, "tolerance"),
        ({"tolerance": "-0.01"}, "tolerance"),
        ({"tolerance": float("nan")}, "tolerance"),
        ({"tolerance": "one cent"}, "tolerance"),
        ({"tolerance": True}, "tolerance"),
        ({"settle": datetime.timedelta(days=2)}, "settle"),
        ({"settle": 60}, "settle"),
        ({"max_pages": 0}, "max_pages"),
        ({"deadline": -1}, "deadline"),
    ],
)
@pytest.mark.parametrize("mode", MODES)
async def test_arguments_are_checked_before_any_request(
    httpx_mock: HTTPXMock, mode: str, arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidParameterError, match=message):
        await reconcile(mode, **arguments)
    assert httpx_mock.get_requests() == []


def test_the_plain_form_is_exact(httpx_mock: HTTPXMock) -> None:
    account = consistent()
    account.logs["aaaa1111"].append(row("inf-4", 0.1, "2026-01-05T00:00:00Z"))
    httpx_mock.add_callback(account, is_reusable=True)

    with Billing() as billing:
        data = billing.reconcile(start=START, end=END).to_dict()
    assert data["agree"] is False
    assert data["tolerance_usd"] == Decimal("0.01")
    assert data["settle_seconds"] == 900
    assert data["logs"]["spend"] == Decimal("4.58")
    assert str(data["ledger_minus_logs_usd"]) == "-0.10"  # Decimals, digits as summed: no float in between
    assert data["only_in_logs"] == [
        {
            "id": "inf-4",
            "ledger_usd": None,
            "logs_usd": Decimal("0.1"),
            "difference_usd": Decimal("-0.1"),
            "created": "2026-01-05T00:00:00Z",
            "model": "openai/gpt-5",
        }
    ]


def test_a_client_loads_the_reconciliation_only_when_asked() -> None:
    import subprocess
    import sys

    probe = (
        "import sys; from aimlapi_billing import Billing; b = Billing(api_key='k'); "
        "print('aimlapi_billing.lib.reconcile' in sys.modules, 'aimlapi_billing.resources.logs' in sys.modules); "
        "from aimlapi_billing import InvalidParameterError\n"
        "try:\n    b.reconcile(period='1x')\nexcept InvalidParameterError:\n    pass\n"
        "print('aimlapi_billing.lib.reconcile' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False", "True"]
