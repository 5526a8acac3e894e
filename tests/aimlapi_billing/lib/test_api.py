"""``billing.api``: every operation of the spec, through the SDK's driver, with no hand-written code.

The operations come from ``spec/openapi.json``, never from a list here, so an operation of a fragment
added the documented way is tested too (the stand-in answers it from the spec); the retry rules by
method are held against a hostile loopback server.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aimlapi_billing_client.models as models
import pytest
from aimlapi_billing_client.api import OPERATIONS
from fake_api.hostile import Connection, Request, json_body, oversized
from fake_api_server import BALANCE, FakeAIMLAPI

from aimlapi_billing import (
    APIConnectionError,
    APIResponse,
    APITimeoutError,
    Billing,
    InternalServerError,
    InvalidParameterError,
    OutcomeUnknownError,
    ResponseTooLargeError,
)
from aimlapi_billing._plan import RetryPolicy
from aimlapi_billing.lib import api as api_module
from tests.aimlapi_billing.conftest import API_KEY
from tests.helpers.resources import MODES, call

pytestmark = pytest.mark.usefixtures("fast_backoff")

SPEC = json.loads((Path(__file__).resolve().parents[3] / "spec" / "openapi.json").read_text(encoding="utf-8"))
_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def spec_operations() -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path): operation
        for path, item in SPEC["paths"].items()
        for method, operation in item.items()
        if method in _METHODS
    }


def indexed() -> dict[tuple[str, str], tuple[str, str, str]]:
    """``(METHOD, path) -> (tag, operation, model)``, from the generated index."""
    return {
        (method, path): (tag, name, model)
        for tag, ops in OPERATIONS.items()
        for name, (method, path, model) in ops.items()
    }


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = SPEC["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _sample(schema: dict[str, Any]) -> Any:
    """A value of ``schema``: its example, else the least value of its type (objects: their required
    properties only)."""
    schema = _resolve(schema)
    if "example" in schema:
        return schema["example"]
    if "enum" in schema:
        return schema["enum"][0]
    for union in ("anyOf", "oneOf", "allOf"):
        if union in schema:
            return _sample(schema[union][0])
    kind = schema.get("type", "object")
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: _sample(properties[name]) for name in schema.get("required", []) if name in properties}
    return {"string": "x1", "integer": 1, "number": 1, "boolean": False, "array": []}[kind]


def arguments(operation: dict[str, Any]) -> dict[str, Any]:
    """The required parameters of ``operation``, by their spec examples: what a caller must pass;
    and a window's ``period``, which the API requires unless ``start`` and ``end`` are given (a rule
    of the vendor's docs that the spec cannot say)."""
    given: dict[str, Any] = {}
    for parameter in operation.get("parameters", []):
        if parameter.get("required") or parameter["name"] == "period":
            name = re.sub(r"\W", "_", parameter["name"]).lower()
            given[name] = str(parameter.get("example", _sample(parameter.get("schema", {}))))
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if operation.get("requestBody", {}).get("required") and body:
        given["body"] = _sample(body["schema"])
    return given


def success_model(operation: dict[str, Any]) -> str:
    """The component name of ``operation``'s 2xx JSON body."""
    for status, response in operation["responses"].items():
        if str(status).startswith("2"):
            schema = response.get("content", {}).get("application/json", {}).get("schema", {})
            return str(schema.get("$ref", "").rsplit("/", 1)[-1])
    return ""


def test_the_index_names_every_operation_of_the_spec_and_nothing_else() -> None:
    assert set(indexed()) == set(spec_operations())
    for key, operation in spec_operations().items():
        assert indexed()[key][2] == success_model(operation), key


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("key", sorted(spec_operations()), ids=" ".join)
async def test_every_operation_of_the_spec_is_callable_on_both_clients(mode: str, key: tuple[str, str]) -> None:
    tag, name, model = indexed()[key]
    given = arguments(spec_operations()[key])
    path = re.compile(re.sub(r"\\\{[^/]*\\\}", "[^/]+", re.escape(key[1])) + "$")
    for raw in (False, True):  # a fresh account each: a DELETE does not find its key twice
        with FakeAIMLAPI() as server:

            def use(billing: Any, raw: bool = raw) -> Any:
                return getattr(getattr(billing.api.with_raw_response if raw else billing.api, tag), name)(**given)

            result = await call(mode, use, base_url=server.url)
            seen = [(request.method, request.path.split("?")[0]) for request in server.requests]
        if raw:
            assert isinstance(result, APIResponse)
            assert result.http_response.request.headers["authorization"] == "<redacted>"
            result = result.parse()
        if model:
            assert isinstance(result, getattr(models, model))
        else:  # a 2xx the spec gives no model (a 204 DELETE): its JSON, here none
            assert result is None
        assert [method for method, _ in seen] == [key[0]]
        assert path.match(seen[0][1]), seen


def test_tags_and_operations_are_listed_and_an_unknown_one_names_those_that_exist() -> None:
    with Billing() as billing:
        assert set(OPERATIONS) <= set(dir(billing.api))
        assert "with_raw_response" in dir(billing.api)
        for tag, ops in OPERATIONS.items():
            assert dir(getattr(billing.api, tag)) == sorted(ops)
        with pytest.raises(AttributeError, match=r"no tag 'kyes'; the tags: billing, keys"):
            _ = billing.api.kyes
        with pytest.raises(AttributeError, match=r"no operation 'list'; the operations: create_key, delete_key"):
            _ = billing.api.keys.list
        assert billing.api.keys is billing.api.keys
        assert billing.api.keys.list_keys is billing.api.keys.list_keys
        copy = billing.with_options(deadline=1)
        assert copy.api is not billing.api
        assert copy.api.keys.list_keys._client is copy


def test_the_parameters_are_the_generated_ones_keyword_only() -> None:
    with Billing() as billing:
        signature = inspect.signature(billing.api.keys.update_key)
        assert list(signature.parameters) == ["prefix", "body", "timeout", "deadline"]
        assert {p.kind for p in signature.parameters.values()} == {inspect.Parameter.KEYWORD_ONLY}
        assert "Update an API key" in (billing.api.keys.update_key.__doc__ or "")
        with pytest.raises(TypeError):
            billing.api.keys.delete_key("b747e891")  # type: ignore[misc]


@pytest.mark.parametrize(
    ("use", "message"),
    [
        (lambda b: b.api.keys.list_keys(limit=5), r"GET /v1/keys takes no parameter limit; the parameters: deadline"),
        (lambda b: b.api.keys.update_key(body={}), r"PATCH /v1/keys/\{prefix\} needs the parameter prefix"),
        (
            lambda b: b.api.keys.update_key(prefix="b747e891", body={"disabled": "no"}),
            r"body is not a UpdateKeyRequest",
        ),
        (lambda b: b.api.keys.update_key(prefix="b747e891", body="{}"), r"a parameter the request cannot carry"),
        (lambda b: b.api.keys.list_keys(deadline=-1), r"deadline"),
    ],
)
@pytest.mark.parametrize("mode", MODES)
async def test_a_bad_argument_is_an_invalid_parameter_error_before_any_request(
    mode: str, use: Any, message: str
) -> None:
    with FakeAIMLAPI() as server:
        with pytest.raises(InvalidParameterError, match=message):
            await call(mode, use, base_url=server.url)
        assert server.requests == []


@pytest.mark.parametrize("prefix", ["", ".", "..", None, True, 1.5, b"abcd1234", API_KEY.encode()])
@pytest.mark.parametrize("mode", MODES)
async def test_a_path_parameter_cannot_change_the_path(mode: str, prefix: Any) -> None:
    """``..`` would send DELETE /v1 (httpx removes dot segments), ``.`` or ``""`` DELETE /v1/keys,
    ``None`` DELETE /v1/keys/None: refused before any request."""
    with FakeAIMLAPI() as server:
        with pytest.raises(
            InvalidParameterError, match=r"DELETE /v1/keys/\{prefix\}: the path parameter prefix"
        ) as raised:
            await call(mode, lambda b: b.api.keys.delete_key(prefix=prefix), base_url=server.url)
        assert server.requests == []
        assert API_KEY[:20] not in str(raised.value)


def test_retry_policy_by_method() -> None:
    idempotent = {"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "get"}
    for method in idempotent:
        assert api_module.retry_policy(method) is RetryPolicy.IDEMPOTENT
    for method in ("POST", "PATCH", "TRACE", "CONNECT"):
        assert api_module.retry_policy(method) is RetryPolicy.UNTIL_SENT


@pytest.fixture
def undeclared(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every operation as one no resource declares: what a fragment added tomorrow gets."""
    monkeypatch.setattr(api_module, "_declared", lambda: {})
    api_module._endpoint.cache_clear()
    yield
    api_module._endpoint.cache_clear()


def _drop_after_reading(connection: Connection, request: Request) -> None:
    """Read the request (the server did), then close without a word: the answer is lost."""


@pytest.mark.usefixtures("undeclared")
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("use", "path", "expected_requests"),
    [
        (lambda b: b.api.keys.create_key(body={"name": "ci"}), "/v1/keys", 1),  # POST: may have been sent
        (lambda b: b.api.keys.update_key(prefix="abcd1234", body={}), "/v1/keys/abcd1234", 1),  # PATCH: the same
        (lambda b: b.api.keys.delete_key(prefix="abcd1234"), "/v1/keys/abcd1234", 3),  # DELETE: retried
        (lambda b: b.api.keys.list_keys(), "/v1/keys", 3),  # GET: retried
    ],
)
async def test_an_undeclared_operation_is_retried_by_its_method(
    mode: str, use: Any, path: str, expected_requests: int
) -> None:
    with FakeAIMLAPI() as server:
        server.route(path, _drop_after_reading)
        with pytest.raises(APIConnectionError) as raised:
            await call(mode, use, base_url=server.url, max_retries=2)
        assert server.count(path) == expected_requests
        assert isinstance(raised.value, OutcomeUnknownError) is (expected_requests == 1)
        if expected_requests == 1:
            assert "read back what" in str(raised.value)


@pytest.mark.usefixtures("undeclared")
@pytest.mark.parametrize("mode", MODES)
async def test_a_post_is_retried_while_it_certainly_was_not_acted_on(mode: str) -> None:
    answers = iter(
        [json_body({"message": "slow down"}, 429, {"Retry-After": "0"}), json_body({"message": "boom"}, 500)]
    )
    with FakeAIMLAPI() as server:
        server.route("/v1/keys", lambda connection, request: next(answers)(connection, request))
        with pytest.raises(InternalServerError, match="whether it took effect is unknown; not retried") as raised:
            await call(mode, lambda b: b.api.keys.create_key(body={"name": "ci"}), base_url=server.url, max_retries=5)
        assert server.count("/v1/keys") == 2  # the 429 retried, the 500 not: it may have acted
        assert API_KEY not in str(raised.value)


@pytest.mark.parametrize("mode", MODES)
async def test_a_declared_operation_keeps_its_declaration(mode: str) -> None:
    """PATCH /v1/keys/{prefix} is declared idempotent (it sets absolute values): retried."""
    with FakeAIMLAPI() as server:
        server.route("/v1/keys/abcd1234", json_body({"message": "boom"}, 500))
        with pytest.raises(InternalServerError):
            await call(
                mode, lambda b: b.api.keys.update_key(prefix="abcd1234", body={}), base_url=server.url, max_retries=2
            )
        assert server.count("/v1/keys/abcd1234") == 3


@pytest.mark.parametrize("mode", MODES)
async def test_a_created_key_is_redacted_from_then_on(mode: str) -> None:
    """POST /v1/keys keeps its declaration's secret: the new key is in no response shown afterwards."""

    def use(billing: Any) -> Any:
        return billing.api.with_raw_response.keys.create_key(body={"name": "ci"})

    with FakeAIMLAPI() as server:
        before = {key["key"] for key in server.keys}
        raw = await call(mode, use, base_url=server.url)
        (created,) = [key["key"] for key in server.keys if key["key"] not in before]
    assert raw.parse().data.name == "ci"
    shown = raw.http_response.text + repr(raw.parse()) + repr(raw.http_response.headers)
    assert created not in shown
    assert created[:8] in shown  # its prefix is no secret
    assert API_KEY not in shown


@pytest.mark.usefixtures("undeclared")
@pytest.mark.parametrize("mode", MODES)
async def test_an_undeclared_operation_has_the_default_cap_and_the_client_cap_overrides_it(mode: str) -> None:
    with FakeAIMLAPI() as server:
        server.route("/v1/billing/balance", oversized(api_module.DEFAULT_API_MAX_BYTES + 1024))
        with pytest.raises(ResponseTooLargeError, match="larger than 4,194,304 bytes"):
            await call(mode, lambda b: b.api.billing.get_balance(), base_url=server.url)
        with pytest.raises(ResponseTooLargeError, match="larger than 1,000 bytes"):
            await call(mode, lambda b: b.api.billing.get_balance(), base_url=server.url, max_response_bytes=1000)


@pytest.mark.usefixtures("undeclared")
@pytest.mark.parametrize("mode", MODES)
async def test_a_2xx_without_a_model_is_its_json_or_none(mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(OPERATIONS["billing"], "get_balance", ("GET", "/v1/billing/balance", ""))
    with FakeAIMLAPI() as server:
        server.route("/v1/billing/balance", json_body([1, "two", None]))
        assert await call(mode, lambda b: b.api.billing.get_balance(), base_url=server.url) == [1, "two", None]
        server.route("/v1/billing/balance", lambda connection, request: connection.whole(b"", 204))
        assert await call(mode, lambda b: b.api.billing.get_balance(), base_url=server.url) is None


@pytest.mark.parametrize("mode", MODES)
async def test_the_logs_operation_waits_for_the_clients_rate_limit(mode: str) -> None:
    """GET /v2/logs keeps its declaration's rate limit: a second request in the window waits, and
    with no slot before the deadline none is sent."""

    def twice(billing: Any) -> Any:
        first = billing.api.logs.list_logs(period="7d")
        if inspect.isawaitable(first):

            async def both() -> Any:
                await first
                return await billing.api.logs.list_logs(period="7d", deadline=1)

            return both()
        return billing.api.logs.list_logs(period="7d", deadline=1)

    with FakeAIMLAPI() as server:
        with pytest.raises(APITimeoutError, match=r"rate limit \(1 requests per 60 s\) has no slot"):
            await call(mode, twice, base_url=server.url, logs_rate_limit=(1, 60))
        assert len(server.requests_to("/v2/logs")) == 1


@pytest.mark.usefixtures("undeclared")
@pytest.mark.parametrize("mode", MODES)
async def test_a_parameter_named_like_a_call_option_takes_its_place(mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """An operation whose generated builder has ``timeout`` and ``deadline`` parameters (the vendor's
    query, say) sends them; the call then runs with the client's own timeout and deadline."""
    import sys
    import types

    def get_kwargs(*, timeout: str = "", deadline: str = "") -> dict[str, Any]:
        return {"method": "get", "url": "/v1/billing/balance", "params": {"timeout": timeout, "deadline": deadline}}

    module = types.ModuleType("aimlapi_billing_client.api.billing.get_timed_balance")
    module._get_kwargs = get_kwargs  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setitem(OPERATIONS["billing"], "get_timed_balance", OPERATIONS["billing"]["get_balance"])
    seen: list[Request] = []
    with FakeAIMLAPI() as server:
        answer = json_body(BALANCE)

        def record(connection: Connection, request: Request) -> None:
            seen.append(request)
            answer(connection, request)

        server.route("/v1/billing/balance", record)
        use = lambda b: b.api.with_raw_response.billing.get_timed_balance(timeout="30s", deadline="tomorrow")  # noqa: E731
        result = await call(mode, use, base_url=server.url)
    assert isinstance(result, APIResponse)
    assert [(request.query["timeout"], request.query["deadline"]) for request in seen] == [(["30s"], ["tomorrow"])]


@pytest.mark.usefixtures("undeclared")
@pytest.mark.parametrize("mode", MODES)
async def test_a_tag_named_like_an_attribute_of_the_namespace_is_reached_with_an_underscore(
    mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A vendor tag ``with_raw_response`` neither shadows ``billing.api.with_raw_response`` nor hides:
    it is ``billing.api.with_raw_response_``, listed once each by ``dir``."""
    import sys

    from aimlapi_billing_client.api.billing import get_balance

    monkeypatch.setitem(sys.modules, "aimlapi_billing_client.api.with_raw_response.get_balance", get_balance)
    monkeypatch.setitem(OPERATIONS, "with_raw_response", {"get_balance": OPERATIONS["billing"]["get_balance"]})
    with FakeAIMLAPI() as server:
        server.route("/v1/billing/balance", json_body(BALANCE))
        plain = await call(mode, lambda b: b.api.with_raw_response_.get_balance(), base_url=server.url)
        raw = await call(mode, lambda b: b.api.with_raw_response.with_raw_response_.get_balance(), base_url=server.url)
    assert isinstance(plain, models.BalanceResponse)
    assert isinstance(raw, APIResponse)
    with Billing(API_KEY) as billing:
        listed = dir(billing.api)
        assert listed.count("with_raw_response") == 1
        assert listed.count("with_raw_response_") == 1
        assert isinstance(billing.api.with_raw_response, api_module.API)


@pytest.mark.usefixtures("undeclared")
def test_a_text_outside_a_parameters_enum_is_refused_and_one_inside_it_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    """A nullable enum parameter's builder sends any text as it is (the generated shape below): the
    value is checked against the generated enum first."""
    import sys
    import types

    from aimlapi_billing_client.models import UsageGrouping
    from aimlapi_billing_client.types import UNSET, Unset

    def get_kwargs(*, group_by: Unset | UsageGrouping | None = UNSET) -> dict[str, Any]:
        value = group_by.value if isinstance(group_by, UsageGrouping) else group_by
        return {"method": "get", "url": "/v1/billing/balance", "params": {"group_by": value}}

    module = types.ModuleType("aimlapi_billing_client.api.billing.get_grouped_balance")
    module._get_kwargs = get_kwargs  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setitem(OPERATIONS["billing"], "get_grouped_balance", OPERATIONS["billing"]["get_balance"])
    seen: list[Request] = []
    answer = json_body(BALANCE)

    def record(connection: Connection, request: Request) -> None:
        seen.append(request)
        answer(connection, request)

    valid = next(iter(UsageGrouping)).value
    with FakeAIMLAPI() as server, Billing(API_KEY, base_url=server.url) as billing:
        server.route("/v1/billing/balance", record)
        with pytest.raises(InvalidParameterError, match=r"group_by is 'nope', not one of '"):
            billing.api.billing.get_grouped_balance(group_by="nope")
        assert seen == []
        billing.api.billing.get_grouped_balance(group_by=valid)
    assert [request.query["group_by"] for request in seen] == [[valid]]
