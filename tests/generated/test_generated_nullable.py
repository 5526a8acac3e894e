"""The generated models accept ``null`` exactly where the vendor's fragments say a field may be null.

Every property of every request and response body of the committed fragments is followed, in
parallel, through the vendor's schema and the repaired ``spec/openapi.json`` to the generated model
and field that hold it. A body built from the spec's own schema then gets ``null`` in that field:
where the vendor wrote ``nullable: true`` the model must parse it and give it back; where it did
not, the field refuses it (a ``SchemaError`` naming it), and no field's type admits ``None``.
"""

from __future__ import annotations

import json
import re
import typing
from pathlib import Path
from typing import Any

import aimlapi_billing_client.models as models
import pytest
from aimlapi_billing_client.types import SchemaError

from fake_api.examples import example, resolve

ROOT = Path(__file__).resolve().parents[2]
SPEC = json.loads((ROOT / "spec" / "openapi.json").read_text(encoding="utf-8"))
# The fragments spec/sources.json lists (regenerate refuses a directory holding any other).
FRAGMENTS = [
    ROOT / "spec" / "fragments" / name
    for name in sorted(json.loads((ROOT / "spec" / "sources.json").read_text(encoding="utf-8"))["files"])
]
METHODS = ("get", "put", "post", "delete", "patch")


def _resolve(schema: Any) -> tuple[str | None, dict[str, Any]]:
    return resolve(schema, SPEC["components"]["schemas"])


def _fields(vendor: Any, ours: Any, model: str | None) -> typing.Iterator[tuple[str, str, dict[str, Any]]]:
    """``(model, property, vendor schema)`` for every property below ``vendor``, ``ours`` being the
    same place in the repaired document, ``model`` the component that holds it."""
    name, resolved = _resolve(ours)
    model = name or model
    if not isinstance(vendor, dict):
        return
    if isinstance(vendor.get("items"), dict):
        yield from _fields(vendor["items"], resolved.get("items"), model)
    for prop, child in (vendor.get("properties") or {}).items():
        if isinstance(child, dict) and model is not None:
            yield model, prop, child
            yield from _fields(child, resolved["properties"][prop], model)


def _bodies() -> list[Any]:
    cases = []
    for fragment_path in FRAGMENTS:
        fragment = json.loads(fragment_path.read_text(encoding="utf-8"))
        for path, item in fragment["paths"].items():
            for method in METHODS:
                ours = SPEC["paths"].get(path, {}).get(method)
                if method not in item or ours is None:  # not in the fragment, or quarantined: not generated
                    continue
                operation = item[method]
                pairs = [
                    (operation["responses"][status]["content"][media]["schema"], response["content"][media]["schema"])
                    for status, response in ours["responses"].items()
                    if status.startswith("2")
                    for media in response.get("content", {})
                ]
                if method != "get" and "requestBody" in operation:
                    for media, content in operation["requestBody"]["content"].items():
                        pairs.append((content["schema"], ours["requestBody"]["content"][media]["schema"]))
                for vendor, repaired in pairs:
                    for model, prop, schema in _fields(vendor, repaired, None):
                        nullable = schema.get("nullable") is True or None in schema.get("enum", [])
                        cases.append(pytest.param(model, prop, nullable, id=f"{fragment_path.name}:{model}.{prop}"))
    return cases


BODIES = _bodies()


def _python_name(model: type, prop: str) -> str:
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", prop).lower()
    names = set(model.__model_fields__)  # type: ignore[attr-defined]
    return next(candidate for candidate in (snake, f"{snake}_") if candidate in names)


def test_every_nullable_field_of_the_fragments_is_covered() -> None:
    nullable = {case.values[:2] for case in BODIES if case.values[2]}
    assert {case.id.split(":")[0] for case in BODIES} == {path.name for path in FRAGMENTS}
    assert ("ApiKey", "limit") in nullable
    assert ("Transaction", "model") in nullable
    assert ("LogEntry", "client_request_id") in nullable
    assert len(nullable) >= 10


@pytest.mark.parametrize(("model_name", "prop", "nullable"), BODIES)
def test_null_is_accepted_exactly_where_the_vendor_allows_it(model_name: str, prop: str, nullable: bool) -> None:
    model = getattr(models, model_name)
    schema = SPEC["components"]["schemas"][model_name]
    body = example(schema, SPEC["components"]["schemas"])
    body[prop] = None
    # The models package exports lazily (PEP 562): every name, loaded, for the annotations to resolve.
    namespace = {name: getattr(models, name) for name in models.__all__}
    hint = typing.get_type_hints(model, localns=namespace)[_python_name(model, prop)]
    if nullable:
        parsed = model.from_dict(body)
        assert parsed.to_dict()[prop] is None
        assert type(None) in typing.get_args(hint)
        return
    assert type(None) not in typing.get_args(hint)
    # Every field the vendor does not let be null refuses it, naming the field.
    with pytest.raises(SchemaError, match=f"^field '{prop}' should be .*, got null$"):
        model.from_dict(body)
