"""What every resource call shares: raw responses, with_options copies, debug logging, lazy loading."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import httpx
import pytest
from fake_api.hostile import json_body
from fake_api_server import BILLING, FakeAIMLAPI
from pytest_httpx import HTTPXMock

from aimlapi_billing import (
    APIResponse,
    AsyncBilling,
    Billing,
    InternalServerError,
    InvalidParameterError,
    NotFoundError,
    UsageReport,
)
from aimlapi_billing._plan import NOT_GIVEN, Call, Plan, Resource, Steps, operation
from aimlapi_billing.resources.billing import DETAIL, SUMMARY
from tests.helpers.resources import MODES, call

from .conftest import API_KEY

USAGE = {
    "api_key_prefix": None,
    "start": "2026-01-01T00:00:00Z",
    "end": "2026-01-08T00:00:00Z",
    "spend": 2.5,
    "currency": "USD",
    "requests": 4,
}


@pytest.mark.parametrize("mode", MODES)
async def test_with_raw_response_gives_headers_status_request_id_and_the_parsed_result(
    httpx_mock: HTTPXMock, mode: str
) -> None:
    httpx_mock.add_response(json=USAGE, headers={"x-request-id": "req-7", "x-ratelimit-remaining": "199"})
    raw = await call(mode, lambda billing: billing.usage.with_raw_response.total(period="7d"))
    assert isinstance(raw, APIResponse)
    assert raw.status_code == 200
    assert raw.request_id == "req-7"
    assert raw.headers["x-ratelimit-remaining"] == "199"
    assert isinstance(raw.parse(), UsageReport)
    assert str(raw.parse().spend) == "2.5"
    # The copy carries no credentials.
    assert raw.http_response.request.headers["authorization"] == "<redacted>"
    assert API_KEY not in repr(raw)


def test_a_split_call_keeps_every_response(httpx_mock: HTTPXMock) -> None:
    # Each piece's answer echoes the piece (the SDK checks that it measured the window asked for).
    first, second = {"end": "2026-04-03T00:00:00Z"}, {"start": "2026-04-03T00:00:00Z", "end": "2026-06-01T00:00:00Z"}
    httpx_mock.add_response(json={**USAGE, "start": "2026-01-01T00:00:00Z", **first}, headers={"x-request-id": "a"})
    httpx_mock.add_response(json={**USAGE, **second}, headers={"x-request-id": "b"})
    with Billing() as billing:
        raw = billing.usage.with_raw_response.total(start="2026-01-01T00:00:00Z", end="2026-06-01T00:00:00Z")
    assert [response.headers["x-request-id"] for response in raw.http_responses] == ["a", "b"]
    assert raw.request_id == "b"
    assert str(raw.parse().spend) == "5.0"


def test_with_options_shares_the_pool_and_overrides_per_copy(httpx_mock: HTTPXMock, fast_backoff: None) -> None:
    httpx_mock.add_response(status_code=503)
    httpx_mock.add_response(status_code=503)
    httpx_mock.add_response(json=USAGE)
    with Billing() as billing:
        once = billing.with_options(max_retries=0, timeout=3.0, deadline=5.0)
        assert once._client is billing._client
        assert (once.max_retries, once.timeout, once.deadline) == (0, 3.0, 5.0)
        assert (billing.max_retries, billing.deadline) == (2, 120.0)
        with pytest.raises(InternalServerError):
            once.usage.total(period="7d")
        assert len(httpx_mock.get_requests()) == 1
        assert str(billing.usage.total(period="7d").spend) == "2.5"  # the original still retries
        assert len(httpx_mock.get_requests()) == 3
        request = httpx_mock.get_requests()[0]
        assert request.extensions["timeout"]["read"] == 3.0
        once.close()  # a copy does not own the pool
        assert not billing._client.is_closed
    assert billing._client.is_closed


def test_a_method_is_bound_once_and_a_copy_binds_its_own(httpx_mock: HTTPXMock, fast_backoff: None) -> None:
    httpx_mock.add_response(status_code=503, is_reusable=False)
    httpx_mock.add_response(json=BILLING, is_reusable=False)
    httpx_mock.add_response(status_code=503, is_reusable=False)
    with Billing() as billing:
        assert billing.summary is billing.summary  # made once: reading it is on every call's path
        assert billing.usage.total is billing.usage.total
        billing.summary()  # bound (and used) before the copy is made: the copy must not inherit it
        once = billing.with_options(max_retries=0)
        assert once.summary is not billing.summary
        with pytest.raises(InternalServerError):
            once.summary()  # the copy's own max_retries: no retry after the 503
    assert len(httpx_mock.get_requests()) == 3


@pytest.mark.parametrize(
    "options",
    [
        {"timeout": -1},
        {"deadline": float("inf")},
        {"max_retries": 101},
        {"max_retries": True},
        {"max_response_bytes": 0},
    ],
)
def test_with_options_checks_its_values(options: dict[str, Any]) -> None:
    with Billing() as billing, pytest.raises(InvalidParameterError):
        billing.with_options(**options)


async def test_async_with_options_shares_the_pool() -> None:
    async with AsyncBilling() as billing:
        other = billing.with_options(deadline=None)
        assert other._client is billing._client
        assert other.deadline is None
        await other.aclose()
        assert not billing._client.is_closed


def _run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {key: value for key, value in os.environ.items() if not key.startswith(("AIML", "AIMLAPI"))}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={**environ, **env}, timeout=60
    )


def test_debug_logging_is_switched_on_by_the_environment_and_redacted() -> None:
    echo_headers = {"Content-Type": "application/json", "x-request-id": f"id-{API_KEY}"}
    with FakeAIMLAPI() as server:
        server.route("/v2/usage", json_body(USAGE, 200, echo_headers))
        code = (
            "from aimlapi_billing import Billing; "
            f"print(Billing(base_url={server.url!r}).usage.total(period='7d').spend)"
        )
        on = _run_python(code, AIML_API_KEY=API_KEY, AIMLAPI_BILLING_LOG="debug")
        off = _run_python(code, AIML_API_KEY=API_KEY)
    assert on.stdout.strip() == off.stdout.strip() == "2.5"
    assert f"Request: GET {server.url}/v2/usage?period=7d" in on.stderr
    assert "-> 200 (request id id-<redacted>)" in on.stderr
    assert "httpx" in on.stderr  # httpx's own records too
    assert API_KEY[8:16] not in on.stderr
    assert off.stderr == ""


def test_the_resources_load_on_first_use() -> None:
    probe = (
        "import sys; from aimlapi_billing import Billing; b = Billing(api_key='k'); "
        "names = ('aimlapi_billing.resources.usage', 'aimlapi_billing.resources.keys', "
        "'aimlapi_billing.resources.logs', "
        "'aimlapi_billing_client.api.usage', 'aimlapi_billing_client.api.keys', 'aimlapi_billing_client.api.logs', "
        "'aimlapi_billing_client.models.usage_response', 'aimlapi_billing_client.models.log_entry'); "
        "print(sorted(n for n in names if n in sys.modules)); b.logs; "
        "print(sorted(n for n in names if n in sys.modules))"
    )
    before, after = _run_python(probe).stdout.splitlines()
    assert before == "[]"
    # The resources are independent (pyproject.toml's import-linter contract): logs load no usage module.
    assert after == "['aimlapi_billing.resources.logs']"


def test_importing_the_client_does_not_load_httpcore_but_constructing_it_works() -> None:
    probe = (
        "import sys; from aimlapi_billing import Billing; print('httpcore' in sys.modules); "
        "b = Billing(api_key='k'); print('httpcore' in sys.modules); "
        "print(type(b._client._transport._pool._network_backend).__name__)"
    )
    assert _run_python(probe).stdout.split() == ["False", "True", "BoundedBackend"]


def test_a_resource_repr_names_its_client_without_the_key() -> None:
    with Billing() as billing:
        assert repr(billing.keys) == "<KeysResource of Billing(base_url='https://api.aimlapi.com', max_retries=2)>"
        assert billing.keys is billing.keys
        assert billing.with_options(max_retries=1).keys is not billing.keys


def test_httpx_client_given_by_the_caller_gets_the_headers(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=USAGE)
    with httpx.Client() as mine, Billing(http_client=mine) as billing:
        billing.with_options(timeout=2).usage.total(period="7d")
    request = httpx_mock.get_request()
    assert request is not None
    assert request.headers["authorization"] == f"Bearer {API_KEY}"


@pytest.mark.parametrize("mode", MODES)
async def test_the_billing_methods_have_raw_responses_too(httpx_mock: HTTPXMock, mode: str) -> None:
    httpx_mock.add_response(json={"current_balance": 12.5, "currency": "USD"}, headers={"x-request-id": "req-9"})
    raw = await call(mode, lambda billing: billing.with_raw_response.summary())
    assert (raw.status_code, raw.request_id, raw.parse().current_balance) == (200, "req-9", 12.5)
    with Billing() as billing, pytest.raises(AttributeError, match="no single response"):
        billing.with_raw_response.transactions()


def test_no_iterator_offers_a_raw_response() -> None:
    """An iterator makes a request per page: it has no single response, on a resource as on the client."""
    with Billing() as billing:
        for resource, name in ((billing.logs, "list"), (billing, "transactions")):
            with pytest.raises(AttributeError, match="no single response"):
                getattr(resource.with_raw_response, name)


def test_the_billing_methods_are_declared_once_for_both_clients() -> None:
    for name in ("balance", "summary", "detail", "transactions_page", "transactions", "forecast"):
        assert name not in vars(Billing)
        assert name not in vars(AsyncBilling)


def _detail_or_what_failed() -> Steps[str]:
    try:
        detail = yield Call(DETAIL)
    except NotFoundError as exc:
        again = yield Call(SUMMARY)  # the plan goes on after the error it caught
        return f"caught {exc.status_code}, then {again.current_balance}"
    return f"answered {detail.balance}"


class _Probe(Resource[Any, Any]):
    """A resource of one method whose plan catches the error of its first request."""

    @operation
    def detail_or_what_failed(self) -> Plan[str]:
        return Plan(_detail_or_what_failed(), NOT_GIVEN, NOT_GIVEN)


@pytest.mark.parametrize("mode", MODES)
async def test_a_requests_error_is_raised_into_the_plan_which_may_go_on(httpx_mock: HTTPXMock, mode: str) -> None:
    httpx_mock.add_response(
        url="https://api.aimlapi.com/v2/billing/detail", status_code=404, json={"message": "gone"}, is_reusable=True
    )
    httpx_mock.add_response(
        url="https://api.aimlapi.com/v2/billing", json={"current_balance": 7.5, "currency": "USD"}, is_reusable=True
    )
    assert await call(mode, lambda billing: _Probe(billing).detail_or_what_failed()) == "caught 404, then 7.5"
    # Raw: the responses of the requests that answered, the caught one not among them.
    raw = await call(mode, lambda billing: _Probe(billing, raw=True).detail_or_what_failed())
    assert raw.parse() == "caught 404, then 7.5"
    assert [response.url.path for response in raw.http_responses] == ["/v2/billing"]


@pytest.mark.parametrize("client_class", [Billing, AsyncBilling])
def test_every_accessor_of_a_with_options_copy_serves_the_copy(client_class: type[Any]) -> None:
    """Each resource a client keeps (usage, keys, logs, models, api, raw methods) is the copy's own
    after with_options: read on the original first, then on the copy, it carries the copy's options."""
    from functools import cached_property

    original = client_class(api_key="test-key", base_url="http://127.0.0.1:9")
    names = [
        name
        for klass in type(original).__mro__
        for name, value in vars(klass).items()
        if isinstance(value, cached_property)
    ]
    assert {"usage", "keys", "logs", "models", "api"} <= set(names)
    for name in names:
        getattr(original, name)
    patient = original.with_options(max_retries=7)
    for name in names:
        resource = getattr(patient, name)
        assert resource is not getattr(original, name), name
        owner = getattr(resource, "_client", None)
        if owner is not None:
            assert owner is patient, name
