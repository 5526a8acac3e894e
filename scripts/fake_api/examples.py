"""Minimal valid values for the schemas of a repaired OpenAPI document: bodies for the stand-in
server's answers from the spec (``fake_api.from_spec``), and for the tests to feed generated models."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

DATE_TIME = "2026-08-21T00:00:00+00:00"  # in the form the generated models give back


def resolve(schema: Any, components: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """``(component name, schema)`` behind a ``$ref``, or behind the ``anyOf: [$ref, null]`` the
    pipeline writes for a nullable lifted schema; ``(None, schema)`` for an inline one."""
    if isinstance(schema, dict) and "anyOf" in schema:
        schema = next(option for option in schema["anyOf"] if option.get("enum") != [None])
    if isinstance(schema, dict) and "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return name, components[name]
    return None, schema


def example(schema: Any, components: dict[str, Any]) -> Any:
    """A minimal valid value for ``schema``: required properties only, the first enum value."""
    _, schema = resolve(schema, components)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: example(properties[name], components) for name in schema.get("required", [])}
    if kind == "array":
        return []
    if kind == "string":
        return DATE_TIME if schema.get("format") == "date-time" else "x"
    return {"number": 1.5, "integer": 1, "boolean": True}.get(str(kind), "x")


def exact(body: Any) -> Any:
    """``body`` with its numbers as a generated model's ``to_dict()`` gives them back: the exact
    ``Decimal`` of each number's JSON text (``1.56`` is ``Decimal('1.56')``, which no float equals)."""
    return json.loads(json.dumps(body), parse_float=Decimal)
