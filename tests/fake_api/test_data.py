"""The stand-in account's dataset: one set of requests behind the ledger, the logs and the usage totals."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from fake_api.data import DISCREPANCIES, KEYS, LOGS, synthetic_requests
from fake_api_server import LEDGER, LEDGER_AS_OF, FakeAIMLAPI, dated

from tests.fake_api.conftest import Api

WINDOW = {"start": "2025-10-01T00:00:00Z", "end": "2025-11-10T12:00:00Z"}


def three_records(api: Api) -> tuple[dict[str, Decimal], dict[str, Decimal], Decimal]:
    """The ledger's charges and the logs' charged rows by id, and the usage total, for every key, over HTTP."""
    charges: dict[str, Decimal] = {}
    cursor: dict[str, str] = {}
    while True:
        page = api.ok("/v2/billing/transactions", type="MODEL_USAGE", limit=100, **cursor)
        charges |= {entry["reference_id"]: Decimal(str(entry["amount"]["usd"])) for entry in page["data"]}
        if not page["pagination"]["has_more"]:
            break
        cursor = {"cursor": page["pagination"]["next_cursor"]}
    logged: dict[str, Decimal] = {}
    usage = Decimal(0)
    for key in api.ok("/v1/keys")["data"]:
        offset, more = 0, True
        while more:
            page = api.ok("/v2/logs", key_prefix=key["prefix"], status="succeeded", limit=100, offset=offset, **WINDOW)
            logged |= {row["inference_id"]: Decimal(str(row["cost"]["usd"])) for row in page["data"]}
            offset, more = offset + 100, page["pagination"]["has_more"]
        usage += Decimal(str(api.ok("/v2/usage", key_prefix=key["prefix"], **WINDOW)["spend"]))
    return charges, logged, usage


def test_the_ledger_the_logs_and_the_usage_agree(api: Api) -> None:
    charges, logged, usage = three_records(api)
    assert charges == logged == {"inf-1": Decimal("2.5"), "inf-2": Decimal("0.42"), "inf-3": Decimal("1.56")}
    assert usage == sum(charges.values()) == Decimal("4.48")


def test_failed_requests_cost_nothing_and_have_no_charge() -> None:
    failed = [row for row in LOGS if row["status"] == "failed"]
    assert [row["inference_id"] for row in failed] == ["inf-f2", "inf-f1"]
    assert all(row["cost"] == {"usd": 0.0, "credits": 0} for row in failed)
    assert not {row["inference_id"] for row in failed} & {entry["reference_id"] for entry in LEDGER}


def test_a_missing_charge_is_in_the_logs_and_usage_only() -> None:
    with FakeAIMLAPI(now=LEDGER_AS_OF, discrepancies={"missing_charge"}) as server, Api(server) as api:
        charges, logged, usage = three_records(api)
    assert set(logged) - set(charges) == {"inf-4"}
    assert logged["inf-4"] == Decimal("0.31")
    assert usage == Decimal("4.79")
    assert sum(charges.values()) == Decimal("4.48")


def test_an_amount_that_differs_is_the_ledgers() -> None:
    with FakeAIMLAPI(now=LEDGER_AS_OF, discrepancies={"amount_differs"}) as server, Api(server) as api:
        charges, logged, usage = three_records(api)
    assert set(charges) == set(logged)
    assert (charges["inf-2"], logged["inf-2"]) == (Decimal("0.43"), Decimal("0.42"))
    assert usage == Decimal("4.48")


def test_every_discrepancy_is_documented_and_an_unknown_one_is_refused() -> None:
    assert set(DISCREPANCIES) == {"missing_charge", "amount_differs"}
    with pytest.raises(ValueError, match="unknown discrepancy 'typo'"):
        FakeAIMLAPI(discrepancies={"typo"})


def test_the_account_is_dated_like_the_ledger() -> None:
    now = datetime.datetime(2030, 1, 15, 6, 0, tzinfo=datetime.UTC)
    with FakeAIMLAPI(now=now) as server:
        _, ledger = dated(now)
        assert server.ledger == ledger
        newest: dict[str, Any] = server.logs[0]
        assert newest["created"] == ledger[0]["created_at"] == "2030-01-15T03:30:00.000Z"  # 2.5 hours before now
        assert server.keys[0]["created_at"] == "2030-01-03T04:00:00.000Z"  # 12 days 2 hours before
        assert [key["prefix"] for key in server.keys] == [key["prefix"] for key in KEYS]
        with Api(server) as api:
            assert api.ok("/v2/usage", period="24h", key_prefix="b747e891")["spend"] == 1.56
            assert api.ok("/v1/keys")["data"][2]["monthly_usage"] == 1.56


def test_the_default_server_dates_from_the_moment_it_is_made() -> None:
    before = datetime.datetime.now(datetime.UTC)
    with FakeAIMLAPI() as server, Api(server) as api:
        body = api.ok("/v2/usage", period="7d")
    end = datetime.datetime.fromisoformat(body["end"])
    assert before - datetime.timedelta(seconds=1) <= end <= datetime.datetime.now(datetime.UTC)
    assert body["spend"] == 2.5


def test_a_larger_synthetic_account_reconciles_too() -> None:
    logs, charges = synthetic_requests(700, LEDGER_AS_OF)
    assert len(charges) == 630  # every tenth request failed
    with FakeAIMLAPI(now=LEDGER_AS_OF, logs=logs, ledger=charges) as server, Api(server) as api:
        ledger, logged, usage = three_records(api)
        assert len(ledger) == len(logged) == 630
        assert ledger == logged
        assert usage == sum(ledger.values())
        daily = api.ok("/v2/usage/detail", period="30d", key_prefix="b747e891", group_by="day")
        assert len(daily["groups"]) == 31  # a 30-day window from noon touches 31 days
        assert sum(group["requests"]["charged"] for group in daily["groups"]) == daily["requests"]
        assert sum(group["requests"]["total"] for group in daily["groups"]) == 233  # requests 1, 4, ..., 697
        assert sum(Decimal(str(group["spend"])) for group in daily["groups"]) == Decimal(str(daily["spend"]))
