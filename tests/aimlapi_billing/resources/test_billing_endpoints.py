"""Declaring a billing endpoint as ``_plan.py`` and docs/contributing/layout.md say: its body cap
defaults, so a name with no entry in ``DEFAULT_MAX_RESPONSE_BYTES`` is declared and called."""

from __future__ import annotations

from typing import Any

import pytest
from fake_api.hostile import json_body
from fake_api_server import FakeAIMLAPI

from aimlapi_billing import DEFAULT_MAX_RESPONSE_BYTES, Billing, ResponseTooLargeError
from aimlapi_billing._config import DEFAULT_API_MAX_BYTES
from aimlapi_billing._plan import NOT_GIVEN, Call, Plan, Resource, operation
from aimlapi_billing.resources import billing
from tests.aimlapi_billing.conftest import API_KEY

# A new endpoint, declared the documented way (the name has no entry in the caps' table).
NEW = billing._billing_endpoint("GET /v2/billing/new", "get_billing", "BillingResponse")


class _NewResource(Resource[Any, Any]):
    @operation
    def new(self) -> Plan[Any]:
        return Plan(Call(NEW), NOT_GIVEN, NOT_GIVEN)


def test_a_new_billing_endpoint_takes_the_default_cap_and_is_called() -> None:
    assert "GET /v2/billing/new" not in DEFAULT_MAX_RESPONSE_BYTES
    assert NEW.max_bytes == DEFAULT_API_MAX_BYTES
    with FakeAIMLAPI() as server, Billing(api_key=API_KEY, base_url=server.url, max_retries=0) as client:
        assert _NewResource(client).new() == client.summary()  # its builder's path, /v2/billing
        # The default cap holds: a body past it is refused, never read whole.
        server.route("/v2/billing", json_body({"current_balance": 1, "pad": "x" * DEFAULT_API_MAX_BYTES}))
        with pytest.raises(ResponseTooLargeError):
            _NewResource(client).new()


def test_a_cap_given_wins_and_every_documented_cap_is_kept() -> None:
    assert billing._billing_endpoint("GET /v2/billing/new", "get_billing", "BillingResponse", 1024).max_bytes == 1024
    declared = {endpoint.name: endpoint.max_bytes for endpoint in (billing.BALANCE, billing.SUMMARY, billing.DETAIL)}
    declared[billing.TRANSACTIONS.name] = billing.TRANSACTIONS.max_bytes
    assert declared == dict(DEFAULT_MAX_RESPONSE_BYTES)
    assert DEFAULT_MAX_RESPONSE_BYTES["GET /v2/billing"] == 64 * 1024  # not the 4 MiB default
