"""Every operation of spec/openapi.json is in the generated client, and parses each of its responses.

Read from the spec, not listed by hand: a fragment added the documented way is covered as it is
regenerated. The generator can leave an operation or a response out with only a warning; the
pipeline quarantines those (tests/specpipeline/test_generate.py), and this holds the committed
client to it: for each operation, its module (``api/<tag>/<operationId>``) and, for each response
with a JSON body, a model of the schema's class parsed from a minimal valid body.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from aimlapi_billing_client import Client

from fake_api.examples import example, resolve

ROOT = Path(__file__).resolve().parents[2]
SPEC = json.loads((ROOT / "spec" / "openapi.json").read_text(encoding="utf-8"))
METHODS = ("get", "put", "post", "delete", "patch")


def _responses() -> list[Any]:
    cases = []
    for path, item in SPEC["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            for status, response in operation["responses"].items():
                if "$ref" in response:
                    response = SPEC["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                label = f"{method.upper()} {path} {status}"
                cases.append(pytest.param(operation["tags"][0], operation["operationId"], status, schema, id=label))
    return cases


RESPONSES = _responses()


def test_every_operation_of_the_spec_has_its_responses_checked() -> None:
    operations = {(path, method) for path, item in SPEC["paths"].items() for method in item if method in METHODS}
    checked = {case.id.rsplit(" ", 1)[0] for case in RESPONSES}
    assert checked == {f"{method.upper()} {path}" for path, method in operations}
    assert any(case.values[2].startswith("2") for case in RESPONSES)


@pytest.mark.parametrize(("tag", "operation_id", "status", "schema"), RESPONSES)
def test_the_generated_module_parses_the_response(tag: str, operation_id: str, status: str, schema: Any) -> None:
    module = importlib.import_module(f"aimlapi_billing_client.api.{tag}.{operation_id}")
    components = SPEC["components"]["schemas"]
    body = example(schema, components) if schema is not None else None
    response = httpx.Response(int(status), json=body)
    client = Client("http://127.0.0.1", raise_on_unexpected_status=True)
    parsed = module._parse_response(client=client, response=response)
    if schema is None:
        assert parsed is None
        return
    name, _ = resolve(schema, components)
    assert type(parsed).__name__ == name
    assert parsed.to_dict() == body
