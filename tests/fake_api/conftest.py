"""The stand-in server on 127.0.0.1, and a client that checks every answer against the repaired spec."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fake_api import from_spec
from fake_api.data import MANAGEMENT_KEY
from fake_api_server import LEDGER_AS_OF, FakeAIMLAPI
from openapi_schema_validator import OAS30Validator

SPEC = json.loads((Path(__file__).resolve().parents[2] / "spec" / "openapi.json").read_text())


def _closed(schema: Any) -> Any:
    """``schema`` with every object that lists its properties closed to others, so a field the spec
    does not know (a full key in a listing, the private ``key_prefix`` of a log row) fails."""
    if isinstance(schema, list):
        return [_closed(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    closed = {name: _closed(value) for name, value in schema.items()}
    if "properties" in schema and "additionalProperties" not in schema:
        closed["additionalProperties"] = False
    return closed


COMPONENTS = _closed(SPEC["components"])


def response_schema(method: str, path: str, status: int, media_type: str) -> dict[str, Any]:
    """The repaired spec's schema for ``status`` of ``method path`` (a template such as ``/v1/keys/{prefix}``)."""
    response = SPEC["paths"][path][method.lower()]["responses"][str(status)]
    if "$ref" in response:
        response = SPEC["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
    return dict(response["content"][media_type]["schema"])


def assert_conforms(response: httpx.Response, template: str) -> None:
    """``response`` is JSON that the spec's schema for its operation, status and media type accepts,
    closed objects and all."""
    media_type = response.headers["content-type"]
    schema = response_schema(response.request.method, template, response.status_code, media_type)
    OAS30Validator({**schema, "components": COMPONENTS}).validate(response.json())


def template_of(path: str) -> str:
    return from_spec.template_of(path) or path


class Api:
    """Requests to one stand-in server with a bearer key; every answer is checked against the spec."""

    def __init__(self, server: FakeAIMLAPI, key: str = MANAGEMENT_KEY) -> None:
        self.server = server
        self.key = key
        self.client = httpx.Client(base_url=server.url, timeout=10)

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.client.close()

    def request(self, method: str, path: str, key: str | None = None, **options: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {key or self.key}"}
        response = self.client.request(method, path, headers=headers, **options)
        assert_conforms(response, template_of(path))
        return response

    def get(self, path: str, key: str | None = None, **params: Any) -> httpx.Response:
        return self.request("GET", path, key, params=params)

    def ok(self, path: str, key: str | None = None, **params: Any) -> Any:
        response = self.get(path, key, **params)
        assert response.status_code == 200, response.text
        return response.json()

    def refused(self, expected: int, path: str, key: str | None = None, **params: Any) -> str:
        response = self.get(path, key, **params)
        assert response.status_code == expected, response.text
        message: str = response.json()["message"]
        return message


@pytest.fixture
def server() -> Iterator[FakeAIMLAPI]:
    with FakeAIMLAPI(now=LEDGER_AS_OF) as fake:
        yield fake


@pytest.fixture
def api(server: FakeAIMLAPI) -> Iterator[Api]:
    with Api(server) as client:
        yield client
