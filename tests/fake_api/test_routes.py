"""Every operation of the repaired spec is served by the stand-in server, and every answer fits its schema."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from fake_api import from_spec
from fake_api.data import CHATBOT_KEY, DISABLED_KEY
from fake_api_server import LEDGER_AS_OF, FakeAIMLAPI
from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS30Validator

from tests.fake_api.conftest import COMPONENTS, SPEC, Api, assert_conforms, response_schema

#: One request per operation of the spec that the default account answers with 200.
SUCCESSES: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {
    ("GET", "/v1/billing/balance"): ("/v1/billing/balance", {}),
    ("GET", "/v2/billing"): ("/v2/billing", {}),
    ("GET", "/v2/billing/detail"): ("/v2/billing/detail", {}),
    ("GET", "/v2/billing/transactions"): ("/v2/billing/transactions", {"params": {"limit": 2}}),
    ("GET", "/v2/usage"): ("/v2/usage", {"params": {"period": "92d"}}),
    ("GET", "/v2/usage/detail"): ("/v2/usage/detail", {"params": {"period": "7d", "group_by": "day,model"}}),
    ("GET", "/v2/logs"): ("/v2/logs", {"params": {"period": "7d", "key_prefix": "b747e891"}}),
    ("GET", "/v1/keys"): ("/v1/keys", {}),
    ("GET", "/v1/key"): ("/v1/key", {}),
    ("POST", "/v1/keys"): ("/v1/keys", {"json": {"name": "n", "limit": {"retention": "day", "threshold": 1}}}),
    ("PATCH", "/v1/keys/{prefix}"): ("/v1/keys/b747e891", {"json": {"disabled": True}}),
    ("PUT", "/v1/keys/{prefix}"): ("/v1/keys/b747e891", {"json": {"name": None, "scopes": ["model:ocr"]}}),
    ("DELETE", "/v1/keys/{prefix}"): ("/v1/keys/c0ffee42", {}),
    ("GET", "/v1/models"): ("/v1/models", {"params": {"include": "all"}}),
    ("GET", "/models/metrics"): ("/models/metrics", {}),
}


def spec_operations() -> set[tuple[str, str]]:
    methods = {"get", "post", "put", "patch", "delete"}
    return {(method.upper(), path) for path, item in SPEC["paths"].items() for method in item if method in methods}


def test_every_operation_of_the_spec_is_served(api: Api) -> None:
    """By its handler (the requests of SUCCESSES) or, until it has one, from the spec: an operation
    of a fragment just added is answered with a body that fits its schema."""
    assert set(SUCCESSES) <= spec_operations()
    for method, template in sorted(spec_operations() - set(SUCCESSES)):
        response = api.request(method, re.sub(r"\{[^/]*\}", "x1", template))  # checks the schema
        assert response.status_code < 300, (method, template, response.text)


@pytest.mark.parametrize("operation", sorted(spec_operations()), ids=" ".join)
def test_the_spec_alone_answers_each_operation_with_a_body_that_fits(operation: tuple[str, str]) -> None:
    method, template = operation
    path = re.sub(r"\{[^/]*\}", "x1", template)
    assert from_spec.template_of(path) == template
    reply = from_spec.answer(method, path)
    assert reply is not None
    assert 200 <= reply.status < 300
    schema = response_schema(method, template, reply.status, "application/json")
    OAS30Validator({**schema, "components": COMPONENTS}).validate(reply.body)


def test_the_spec_does_not_answer_what_it_does_not_describe() -> None:
    assert from_spec.answer("GET", "/v9/nowhere") is None
    assert from_spec.answer("POST", "/v2/billing") is None  # a path it has, a method it has not
    assert from_spec.template_of("/v1/keys/") is None  # a variable is never empty
    assert from_spec.template_of("/v1/keys/a/b") is None


@pytest.mark.parametrize("operation", sorted(SUCCESSES), ids=" ".join)
def test_each_success_fits_the_spec(api: Api, operation: tuple[str, str]) -> None:
    path, options = SUCCESSES[operation]
    response = api.request(operation[0], path, **options)  # checks the schema, closed objects and all
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("group_by", "tz"), [(None, None), ("day", "Europe/Berlin"), ("model", None), ("day,model", "Asia/Tokyo")]
)
@pytest.mark.parametrize("key_prefix", [None, "a1b2c3d4", "b747e891", "c0ffee42", "d15ab1ed"])
def test_every_usage_shape_fits_the_spec(
    api: Api, group_by: str | None, tz: str | None, key_prefix: str | None
) -> None:
    params = {name: value for name, value in (("group_by", group_by), ("tz", tz), ("key_prefix", key_prefix)) if value}
    instant = "2025-11-07T08:15:00Z"
    for window in ({"period": "92d"}, {"period": "1h"}, {"start": instant, "end": instant}):
        api.ok("/v2/usage/detail", **window, **params)
        if group_by is None and tz is None:
            api.ok("/v2/usage", **window, **params)


@pytest.mark.parametrize("discrepancy", ["missing_charge", "amount_differs"])
def test_answers_with_discrepancies_fit_the_spec(discrepancy: str) -> None:
    with FakeAIMLAPI(now=LEDGER_AS_OF, discrepancies={discrepancy}) as server, Api(server) as api:
        api.ok("/v2/logs", period="7d", key_prefix="b747e891")
        api.ok("/v2/usage/detail", period="7d", key_prefix="b747e891", group_by="day,model")
        api.ok("/v2/billing/transactions", type="MODEL_USAGE")


def test_errors_fit_the_spec(server: FakeAIMLAPI) -> None:
    with Api(server) as api:
        api.refused(400, "/v2/usage", period="93d")
        api.refused(403, "/v2/usage/detail", CHATBOT_KEY, period="7d", key_prefix="a1b2c3d4")
        api.refused(404, "/v2/logs", period="7d", key_prefix="ffffffff")
        api.refused(401, "/v1/key", DISABLED_KEY)
        api.refused(403, "/v1/keys", CHATBOT_KEY)
        assert api.request("DELETE", "/v1/keys/ffffffff").status_code == 404
    unauthorised = httpx.get(f"{server.url}/v2/usage?period=7d")
    assert unauthorised.status_code == 401
    assert_conforms(unauthorised, "/v2/usage")  # the problem+json of a missing key


def test_the_429_fits_the_spec() -> None:
    with FakeAIMLAPI(now=LEDGER_AS_OF, logs_rate_limit=1) as server, Api(server) as api:
        api.ok("/v2/logs", period="7d")
        assert "at most 1 per 60 seconds" in api.refused(429, "/v2/logs", period="7d")


def test_the_schema_check_refuses_a_field_the_spec_does_not_know(server: FakeAIMLAPI) -> None:
    request = httpx.Request("GET", f"{server.url}/v1/keys")
    listing = {"data": [{**server.keys[0], "monthly_usage": 0}]}  # the server's record carries the full key
    leaked = httpx.Response(200, json=listing, request=request)
    with pytest.raises(ValidationError, match="'key' was unexpected"):
        assert_conforms(leaked, "/v1/keys")
    row = {**server.logs[0]}  # with the key_prefix the server keeps for itself
    page = {"data": [row], "pagination": {"limit": 1, "offset": 0, "total": 1, "has_more": False}}
    with pytest.raises(ValidationError, match="'key_prefix' was unexpected"):
        assert_conforms(httpx.Response(200, json=page, request=httpx.Request("GET", server.url)), "/v2/logs")
