"""What a type checker sees of the public methods (tests/test_typing.py runs mypy --strict on this
file): the parsed result on Billing, an awaitable of it on AsyncBilling, an APIResponse of it under
with_raw_response, iterators of rows. Not collected by pytest: nothing here runs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import assert_type

from aimlapi_billing import (
    APIResponse,
    AsyncBilling,
    Billing,
    BillingDetailResponse,
    BudgetReport,
    CreatedKey,
    Forecast,
    LogEntry,
    Reconciliation,
    Transaction,
    UsageReport,
)


def sync_calls(billing: Billing) -> None:
    assert_type(billing.detail(), BillingDetailResponse)
    assert_type(billing.forecast(), Forecast)
    assert_type(billing.reconcile(period="7d"), Reconciliation)
    assert_type(billing.transactions(), Iterator[Transaction])
    assert_type(billing.with_raw_response.detail(), APIResponse[BillingDetailResponse])
    assert_type(billing.with_raw_response.forecast(), APIResponse[Forecast])
    assert_type(billing.usage.total(period="7d"), UsageReport)
    assert_type(billing.usage.with_raw_response.total(period="7d"), APIResponse[UsageReport])
    assert_type(billing.keys.budgets(), BudgetReport)
    assert_type(billing.keys.with_raw_response.budgets(), APIResponse[BudgetReport])
    assert_type(billing.keys.create(name="ci"), CreatedKey)
    assert_type(billing.logs.list(period="1d"), Iterator[LogEntry])
    assert_type(billing.with_options(max_retries=1), Billing)


async def async_calls(billing: AsyncBilling) -> None:
    assert_type(await billing.detail(), BillingDetailResponse)
    assert_type(await billing.with_raw_response.detail(), APIResponse[BillingDetailResponse])
    assert_type(await billing.usage.total(period="7d"), UsageReport)
    assert_type(await billing.keys.budgets(), BudgetReport)
    assert_type(billing.transactions(), AsyncIterator[Transaction])
    assert_type(billing.logs.list(period="1d"), AsyncIterator[LogEntry])
