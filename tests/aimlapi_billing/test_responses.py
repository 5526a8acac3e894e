"""Property tests: every body the spec allows parses; every body that breaks it is a
ResponseValidationError and nothing else. Bodies are drawn from spec/openapi.json's own schemas.

The strategy is built here from the schema keywords the spec uses: hypothesis-jsonschema 0.23.1,
the latest, fails inside current Hypothesis (it calls an internal API that is gone).
"""

from __future__ import annotations

import copy
import datetime
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aimlapi_billing import Billing, ResponseValidationError

SPEC = json.loads((Path(__file__).resolve().parents[2] / "spec" / "openapi.json").read_text(encoding="utf-8"))
COMPONENTS = SPEC["components"]["schemas"]
ENDPOINTS = {
    "balance": "BalanceResponse",
    "summary": "BillingResponse",
    "detail": "BillingDetailResponse",
    "transactions_page": "TransactionsResponse",
}

#: The one rule beyond the schema: a currency is USD (any case, surrounding whitespace ignored).
USD_SPELLINGS = st.sampled_from(["USD", "usd", "Usd", " USD\n"])
# A wrong value for each JSON type: never valid where that type is declared.
WRONG_VALUE = {"number": "12.5", "integer": "12", "string": 12, "boolean": "true", "object": [], "array": {}}


def resolved(schema: Any) -> Any:
    """The schema with every local $ref replaced by its target (the spec has no cycles)."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            return resolved(COMPONENTS[schema["$ref"].rsplit("/", 1)[-1]])
        return {key: resolved(value) for key, value in schema.items()}
    if isinstance(schema, list):
        return [resolved(item) for item in schema]
    return schema


def from_schema(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values valid under ``schema`` (OpenAPI 3.0: type, format, enum, nullable, properties, required)."""
    strategy: st.SearchStrategy[Any]
    kind = schema.get("type")
    if "enum" in schema:
        strategy = st.sampled_from(schema["enum"])
    elif kind == "object":
        properties = {
            name: USD_SPELLINGS if name == "currency" else from_schema(child)
            for name, child in schema.get("properties", {}).items()
        }
        required = set(schema.get("required", []))
        strategy = st.fixed_dictionaries(
            {name: value for name, value in properties.items() if name in required},
            optional={name: value for name, value in properties.items() if name not in required},
        )
    elif kind == "array":
        strategy = st.lists(from_schema(schema.get("items", {})), max_size=3)
    elif kind == "number":  # a minimum (0: a spend, a cost) is the spec's
        strategy = st.integers(min_value=schema.get("minimum")) | st.floats(
            min_value=schema.get("minimum"), allow_nan=False, allow_infinity=False
        )
    elif kind == "integer":
        strategy = st.integers(min_value=schema.get("minimum"))
    elif kind == "boolean":
        strategy = st.booleans()
    elif kind == "string" and schema.get("format") == "date-time":
        moments = st.datetimes(
            timezones=st.sampled_from([datetime.UTC, datetime.timezone(datetime.timedelta(hours=-5))])
        )
        strategy = st.builds(_rfc3339, moments, st.booleans())
    else:
        strategy = st.text()
    return strategy | st.none() if schema.get("nullable") else strategy


def _rfc3339(moment: datetime.datetime, zulu: bool) -> str:
    text = moment.isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z") if zulu else text


class Server:
    """Serves whatever body the test sets, through httpx's in-process transport."""

    def __init__(self) -> None:
        self.body = b"{}"

    def handler(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=self.body, headers={"content-type": "application/json"})


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[Server, Billing]]:
    server = Server()
    transport = httpx.MockTransport(server.handler)
    with httpx.Client(transport=transport) as http, Billing(api_key="k", http_client=http, max_retries=0) as billing:
        yield server, billing


def _fetch(served: tuple[Server, Billing], method: str, body: Any) -> Any:
    server, billing = served
    server.body = json.dumps(body).encode()
    return getattr(billing, method)()


def _paths(
    schema: dict[str, Any], prefix: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], dict[str, Any], bool]]:
    """Every property path with its schema and whether it is required, nested objects included."""
    required = set(schema.get("required", []))
    for name, child in schema.get("properties", {}).items():
        yield (*prefix, name), child, name in required
        if child.get("type") == "object":
            yield from _paths(child, (*prefix, name))


@pytest.mark.parametrize("method", sorted(ENDPOINTS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_schema_valid_body_parses(served: tuple[Server, Billing], method: str, data: st.DataObject) -> None:
    schema = resolved(COMPONENTS[ENDPOINTS[method]])
    body = data.draw(from_schema(schema), label="body")
    result = _fetch(served, method, body)
    assert set(body) <= set(result.to_dict())
    if "currency" in body:
        assert result.currency == "USD"


@pytest.mark.parametrize("method", ["summary", "detail"])
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_other_currency_is_refused(served: tuple[Server, Billing], method: str, data: st.DataObject) -> None:
    body = data.draw(from_schema(resolved(COMPONENTS[ENDPOINTS[method]])), label="body")
    other = data.draw(st.text().filter(lambda text: not text.isascii() or text.strip().upper() != "USD"))
    with pytest.raises(ResponseValidationError, match="reads amounts in USD only"):  # the key, "k", is redacted
        _fetch(served, method, {**body, "currency": other})


@pytest.mark.parametrize("method", sorted(ENDPOINTS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_bodies_that_break_the_schema_raise_response_validation_error(
    served: tuple[Server, Billing], method: str, data: st.DataObject
) -> None:
    schema = resolved(COMPONENTS[ENDPOINTS[method]])
    body = data.draw(from_schema(schema), label="valid body")
    candidates = [
        (path, child, required)
        for path, child, required in _paths(schema)
        if required or _present(body, path)  # an absent optional field cannot be broken
    ]
    path, child, required = data.draw(st.sampled_from(candidates), label="field")
    mutation = data.draw(st.sampled_from(["remove", "retype"] if required else ["retype"]), label="mutation")
    if mutation == "remove" and not _present(body, path):
        return
    broken = copy.deepcopy(body)
    parent = _parent(broken, path)
    if parent is None:  # an optional parent object is absent; nothing to break
        return
    if mutation == "remove":
        del parent[path[-1]]
    else:
        parent[path[-1]] = WRONG_VALUE[child["type"]]
    with pytest.raises(ResponseValidationError) as refused:
        _fetch(served, method, broken)
    # A wrong type is said in JSON's words, never the SDK's internal types (bool | types.Unset, NoneType).
    message = str(refused.value).partition(" should be ")[2]
    assert re.findall(r"\b(?:bool|float|int|str|list|dict|NoneType|Unset)\b|types\.", message) == [], message


def test_a_wrong_type_is_named_in_json_words_and_a_long_value_is_cut_inside_its_quotes() -> None:
    from fake_api_server import DETAIL

    key = "a1b2c3d45e6f708192a3b4c5d6e7f809"
    echo = f"Bearer {key} and some more text after it{'!' * 100}"  # redacted, then still too long
    body = {**DETAIL, "autotopup_settings": {**DETAIL["autotopup_settings"], "is_enabled": echo}}
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=body))
    with (
        httpx.Client(transport=transport) as http,
        Billing(api_key=key, http_client=http, max_retries=0) as billing,
        pytest.raises(ResponseValidationError) as refused,
    ):
        billing.detail()
    assert re.search(
        r"field 'autotopup_settings\.is_enabled' should be a boolean \(or left out\), "
        r"got a string 'Bearer <redacted> and some more [a-z !]+\.\.\.'$",
        str(refused.value),
    ), refused.value
    assert key not in str(refused.value)


def _present(body: dict[str, Any], path: tuple[str, ...]) -> bool:
    node: Any = body
    for name in path:
        if not isinstance(node, dict) or name not in node:
            return False
        node = node[name]
    return True


def _parent(body: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any] | None:
    node: Any = body
    for name in path[:-1]:
        node = node.get(name) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else None


@pytest.mark.parametrize("body", [[], "text", 3, None])
def test_a_body_that_is_not_an_object_raises_response_validation_error(
    served: tuple[Server, Billing], body: Any
) -> None:
    with pytest.raises(ResponseValidationError, match="not an object"):
        _fetch(served, "detail", body)
