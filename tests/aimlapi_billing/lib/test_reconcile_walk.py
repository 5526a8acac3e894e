"""billing.reconcile() while the logs change under it: rows deleted or arriving during the walk, and the memory it
holds (the stand-in's scripted logs)."""

from __future__ import annotations

import datetime
import tracemalloc
from decimal import Decimal
from typing import Any

import pytest
from fake_api_server import FakeAIMLAPI

from aimlapi_billing import (
    Billing,
    PaginationError,
    ResponseValidationError,
)
from aimlapi_billing._plan import FanOut
from aimlapi_billing.types.reconcile import Reconciliation
from tests.helpers.api_records import END, START, charge, key, row
from tests.helpers.log_scenarios import answering, changing_logs, growing_logs, iso, log_row, logs_page
from tests.helpers.log_scenarios import charge as scenario_charge
from tests.helpers.log_scenarios import keys as scenario_keys
from tests.helpers.log_scenarios import ledger as scenario_ledger
from tests.helpers.log_scenarios import usage as scenario_usage
from tests.helpers.resources import MODES, call


def _account_whose_rows_arrive_late(arrivals: int | None) -> FakeAIMLAPI:
    """252 requests, each charged 0.01 and counted by usage; the logs show 250 at first and the
    last ``arrivals`` while they are walked (a row before each page), shifting the pages."""
    return _account(growing_logs(250, arrivals), [scenario_charge(f"inf-{n}") for n in range(1, 253)])


def _account(logs: Any, charges: list[dict[str, Any]]) -> FakeAIMLAPI:
    """One key whose logs behave as ``logs``, the ledger ``charges``, and usage of 2.52 USD in 252 requests."""
    server = FakeAIMLAPI()
    server.route("/v1/keys", scenario_keys("a1b2c3d4"))
    server.route("/v2/usage", scenario_usage(2.52, 252))
    server.route("/v2/billing/transactions", scenario_ledger(charges))
    server.route("/v2/logs", logs)
    return server


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("rows", "changes", "deleted", "arrived"),
    [(200, {1: -50}, range(151, 201), range(0)), (300, {1: -50, 2: 50}, range(251, 301), range(301, 351))],
    ids=["deleted", "deleted-then-as-many-arrive"],
)
async def test_rows_deleted_during_the_walk_are_taken_back_and_the_window_read_again(
    mode: str, rows: int, changes: dict[int, int], deleted: range, arrived: range
) -> None:
    # After the first page the 50 newest rows are deleted (their charges stay): the rows folded
    # from the window are taken back, charges and mismatches included, and it is read again. Every
    # row that remains is compared once, the deleted ones show as charges of no row, and rows that
    # arrived meanwhile as rows without a charge. First-page rows, so taken twice, count once: one
    # charged twice its cost, one never charged, one charged after the window's end, and one with
    # a late entry that is no CHARGE.
    twice, never, late_charge, other = (f"inf-{rows - number}" for number in (60, 70, 80, 90))
    late = iso(datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=1))
    charges = [scenario_charge(f"inf-{n}") for n in range(1, rows + 1) if f"inf-{n}" not in (never, late_charge)]
    charges += [scenario_charge(twice), {**scenario_charge(late_charge), "created_at": late}]
    charges += [{**scenario_charge(other), "created_at": late, "direction": "TOPUP"}]
    with _account(changing_logs(rows, changes), charges) as server:
        result = await call(mode, lambda billing: billing.reconcile(period="24h"), base_url=server.url)
        requests = server.count("/v2/logs")
    assert sorted(row.id or "" for row in result.only_in_ledger) == sorted(f"inf-{n}" for n in deleted)
    assert sorted(row.id or "" for row in result.only_in_logs) == sorted([never, *(f"inf-{n}" for n in arrived)])
    assert [(row.id, row.ledger_usd, row.logs_usd) for row in result.amounts_differ] == [
        (twice, Decimal("0.02"), Decimal("0.01"))
    ]
    assert result.pending == ()
    kept = rows - len(deleted) + len(arrived)
    assert requests == 2 + -(-kept // 100)  # two pages, then the window again
    assert (result.logs_rows, result.logs_charged_rows, result.logs_usd) == (kept, kept, Decimal(kept) / 100)
    assert (result.ledger_charges, result.ledger_usd) == (rows - 1, Decimal(rows) / 100)
    assert result.ledger_other_entries == 1


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("changes", "kept", "requests"),
    [({1: -250}, 50, 2 + 1), ({2: -150}, 150, 3 + 2)],
    ids=["after-the-first-page", "after-the-second-page"],
)
async def test_rows_deleted_below_the_offset_read_are_taken_back_and_the_window_read_again(
    mode: str, changes: dict[int, int], kept: int, requests: int
) -> None:
    # So many rows are deleted that the next page's offset lies beyond the new total: that page
    # paged as asked, the total fell, so it is the deletion rule (read again), not a server that
    # pages wrongly, on the first reading.
    charges = [scenario_charge(f"inf-{n}") for n in range(1, 301)]
    with _account(changing_logs(300, changes), charges) as server:
        result = await call(mode, lambda billing: billing.reconcile(period="24h"), base_url=server.url)
        assert server.count("/v2/logs") == requests
    assert sorted(row.id or "" for row in result.only_in_ledger) == sorted(f"inf-{n}" for n in range(kept + 1, 301))
    assert result.only_in_logs == result.amounts_differ == ()
    assert (result.logs_rows, result.logs_usd, result.ledger_usd) == (kept, Decimal(kept) / 100, Decimal("3.00"))


def test_only_the_window_read_again_is_taken_back() -> None:
    # Key a1b2c3d4's 120 rows are folded first; rows of key e5f6a7b8 are deleted while its window
    # is read: taking its rows back leaves the first key's.
    first = [log_row(f"inf-a{n}") for n in range(1, 121)]
    changing = changing_logs(200, {1: -50})

    def logs(connection: Any, request: Any) -> None:
        if request.query["key_prefix"] == ["a1b2c3d4"]:
            return answering(lambda asked: logs_page(first, asked))(connection, request)
        return changing(connection, request)

    charges = [scenario_charge(f"inf-a{n}") for n in range(1, 121)] + [
        scenario_charge(f"inf-{n}") for n in range(1, 201)
    ]
    with _account(logs, charges) as server, Billing(base_url=server.url) as billing:
        server.route("/v1/keys", scenario_keys("a1b2c3d4", "e5f6a7b8"))
        result = billing.reconcile(period="24h")
    assert result.key_prefixes == ("a1b2c3d4", "e5f6a7b8")
    assert sorted(row.id or "" for row in result.only_in_ledger) == sorted(f"inf-{n}" for n in range(151, 201))
    assert result.only_in_logs == result.amounts_differ == ()
    assert (result.logs_rows, result.logs_usd, result.ledger_usd) == (270, Decimal("2.70"), Decimal("3.20"))


def test_rows_deleted_in_every_reading_end_the_reconciliation() -> None:
    charges = [scenario_charge(f"inf-{n}") for n in range(1, 201)]
    with _account(changing_logs(200, {1: -10, 3: -10, 5: -10}), charges) as server:
        with Billing(base_url=server.url) as billing, pytest.raises(PaginationError) as raised:
            billing.reconcile(period="24h")
        assert server.count("/v2/logs") == 6
    assert "went from 180 to 170 rows while it was read: rows were deleted, in the last of its 3 readings" in str(
        raised.value
    )
    assert "of key a1b2c3d4" in str(raised.value)


@pytest.mark.parametrize("mode", MODES)
async def test_rows_that_arrive_during_the_walk_are_no_double_charge(mode: str) -> None:
    with _account_whose_rows_arrive_late(arrivals=2) as server:
        result = await call(mode, lambda billing: billing.reconcile(period="24h"), base_url=server.url)
    assert (result.amounts_differ, result.only_in_ledger, result.only_in_logs) == ((), (), ())
    assert (result.logs_rows, result.logs_usd, result.ledger_usd) == (252, Decimal("2.52"), Decimal("2.52"))
    assert result.agree


def test_rows_that_keep_arriving_show_as_what_was_read() -> None:
    # Every page brings a row: the walk ends when the rows read match the total, with one more row
    # than the ledger has charged: it is in the logs only, and counted once.
    with _account_whose_rows_arrive_late(arrivals=None) as server, Billing(base_url=server.url) as billing:
        result = billing.reconcile(period="24h")
    assert [row.id for row in result.only_in_logs] == ["inf-253"]
    assert (result.amounts_differ, result.only_in_ledger) == ((), ())
    assert result.logs_rows == 253


def _synthetic_peak(rows: int) -> int:
    """tracemalloc's peak while a reconciliation of ``rows`` log rows, each with its charge, is driven
    by parsed pages made on the fly (as the client makes them): what the comparison keeps."""
    from aimlapi_billing_client.models import KeysResponse, LogsResponse, TransactionsResponse, UsageResponse

    from aimlapi_billing.lib.reconcile import reconcile_plan

    def synthetic_row(number: int) -> dict[str, Any]:
        return {**row(f"inf-{number:020d}", 0.001 + number * 1e-7), "request_id": f"req-{number:012d}"}

    def synthetic_charge(number: int) -> dict[str, Any]:
        return charge(f"inf-{number:020d}", 0.001 + number * 1e-7)

    plan = reconcile_plan(
        period=None,
        start=START,
        end=END,
        tolerance="0.01",
        settle=datetime.timedelta(minutes=15),
        max_pages=10_000,
        timeout=None,
        deadline=None,
    )

    def usage_of_each_key(fan_out: FanOut) -> list[Any]:
        """The usage fan-out, one key after another: each key's pieces answered as below."""
        results = []
        for part in fan_out.parts:
            answer: Any = None
            try:
                while True:
                    call = part.send(answer)
                    usage = {"start": START, "end": END, "spend": 1.0, "currency": "USD", "requests": rows}
                    answer = UsageResponse.from_dict({"api_key_prefix": call.params["key_prefix"], **usage})
            except StopIteration as done:
                results.append(done.value)
        return results

    tracemalloc.start()
    received: Any = None
    try:
        while True:
            step = plan.steps.send(received)
            if isinstance(step, FanOut):
                received = usage_of_each_key(step)
                continue
            name, params = step.endpoint.name, step.params
            if name == "GET /v1/keys":
                model: Any = KeysResponse.from_dict({"data": [key("aaaa1111")]})
            elif name == "GET /v2/usage":
                usage = {"start": START, "end": END, "spend": 1.0, "currency": "USD", "requests": rows}
                model = UsageResponse.from_dict({"api_key_prefix": "aaaa1111", **usage})
            elif name == "GET /v2/logs":
                at = params["offset"]
                pagination = {"limit": 100, "offset": at, "total": rows, "has_more": at + 100 < rows}
                data = [synthetic_row(n) for n in range(at, min(at + 100, rows))]
                model = LogsResponse.from_dict({"data": data, "pagination": pagination})
            else:
                at = int(params.get("cursor") or 0)
                more = at + 100 < rows
                data = [synthetic_charge(n) for n in range(at, min(at + 100, rows))]
                pages = {"next_cursor": str(at + 100) if more else None, "has_more": more}
                model = TransactionsResponse.from_dict({"data": data, "pagination": pages})
            received = step.convert(None, model) if step.convert else model
    except StopIteration as stop:
        result: Reconciliation = stop.value
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert (result.logs_rows, result.ledger_charges, result.ledger_vs_logs_usd) == (rows, rows, 0)
    assert result.only_in_logs == result.only_in_ledger == result.amounts_differ == ()
    return peak


def test_memory_holds_the_charges_not_the_rows() -> None:
    # The README's figure: a few hundred bytes per request (its charge, and its digest while its
    # window is walked), not the ~2.5 kB of keeping every parsed row and charge. Measured against a
    # baseline in the same run.
    small, large = _synthetic_peak(1_000), _synthetic_peak(6_000)
    per_row = (large - small) / 5_000
    assert per_row < 600, f"{per_row:.0f} bytes per request"


def test_usage_measured_over_less_than_the_window_is_refused() -> None:
    with _account_whose_rows_arrive_late(arrivals=0) as server, Billing(base_url=server.url) as billing:
        server.route("/v2/usage", scenario_usage(2.52, 252, measured_days=30))
        with pytest.raises(ResponseValidationError, match="measured key a1b2c3d4's piece 1 of 2 over"):
            billing.reconcile(period="100d")
