"""``$ref`` loops: those the generator cannot build are quarantined, member by member, with the
loop named; a recursive object (a property naming its own schema) is built as it is.

The rule is the generator's: an object component is created first as an empty class and its
properties are read once every component exists; everything else (an alias, ``allOf``, a union,
array ``items``, an object inside a union) needs what it names built first. The last two tests hold
the rule against the pinned openapi-python-client itself.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from specpipeline import repairs_references
from specpipeline.build import BuildResult, build_document
from specpipeline.fragments import Fragment, load_fragments
from specpipeline.generate import PACKAGE_NAME, GenerationError, generate_package
from specpipeline.walk import iter_operations

from .conftest import broken_fragment

ROOT = Path(__file__).resolve().parents[2]
R = "#/components/schemas/"
STRING = {"type": "string"}


def ref(name: str) -> dict[str, str]:
    return {"$ref": R + name}


def model(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties}


# name: (schemas, each member's $ref to the next one, the keywords the loop passes through)
UNBUILDABLE: dict[str, tuple[dict[str, Any], dict[str, str], str]] = {
    "anyOf-oneOf": (
        {"A": {"anyOf": [ref("B")]}, "B": {"oneOf": [ref("A")]}},
        {"A": "/anyOf/0/$ref", "B": "/oneOf/0/$ref"},
        "anyOf, oneOf",
    ),
    "items-then-alias": (
        {"A": {"type": "array", "items": ref("B")}, "B": ref("A")},
        {"A": "/items/$ref", "B": "/$ref"},
        "items",
    ),
    "items-of-itself": ({"A": {"type": "array", "items": ref("A")}}, {"A": "/items/$ref"}, "items"),
    "oneOf-itself-or-string": ({"A": {"oneOf": [ref("A"), STRING]}}, {"A": "/oneOf/0/$ref"}, "oneOf"),
    "allOf-A-B": (
        {"A": {"allOf": [ref("B")]}, "B": {"allOf": [ref("A")]}},
        {"A": "/allOf/0/$ref", "B": "/allOf/0/$ref"},
        "allOf",
    ),
    "allOf-itself": ({"A": {"allOf": [ref("A")]}}, {"A": "/allOf/0/$ref"}, "allOf"),
    "allOf-of-objects": (
        {
            "A": {"type": "object", "allOf": [ref("B"), model(x=STRING)]},
            "B": {"type": "object", "allOf": [ref("A"), model(y=STRING)]},
        },
        {"A": "/allOf/0/$ref", "B": "/allOf/0/$ref"},
        "allOf",
    ),
    "object-inside-a-union": (
        {"A": {"anyOf": [model(next=ref("A")), STRING]}},
        {"A": "/anyOf/0/properties/next/$ref"},
        "anyOf, properties",
    ),
    "map-inside-a-union": (
        {"A": {"anyOf": [{"type": "object", "additionalProperties": ref("A")}, STRING]}},
        {"A": "/anyOf/0/additionalProperties/$ref"},
        "anyOf, additionalProperties",
    ),
    "property-allOf-of-its-parent": (
        {"A": model(child={"allOf": [ref("A"), model(extra=STRING)]})},
        {"A": "/properties/child/allOf/0/$ref"},
        "properties, allOf",
    ),
    "alias-union-items": (
        {"A": ref("B"), "B": {"anyOf": [ref("C"), STRING]}, "C": {"type": "array", "items": ref("A")}},
        {"A": "/$ref", "B": "/anyOf/0/$ref", "C": "/items/$ref"},
        "anyOf, items",
    ),
}

# Recursion the generator builds: each loop passes through an object component's properties.
BUILDABLE: dict[str, dict[str, Any]] = {
    "tree": {"A": model(name=STRING, children={"type": "array", "items": ref("A")})},
    "linked-list": {"A": model(name=STRING, next=ref("A"))},
    "allOf-wrapped-property": {"A": model(name=STRING, next={"allOf": [ref("A")]})},
    "nullable-property": {"A": model(name=STRING, next={"$ref": R + "A", "nullable": True})},
    "union-property": {"A": model(name=STRING, next={"anyOf": [ref("A"), STRING]})},
    "map-of-itself": {"A": {"type": "object", "additionalProperties": ref("A")}},
    "array-of-objects-back": {"A": {"type": "array", "items": ref("B")}, "B": model(children=ref("A"))},
    "array-of-inline-objects-back": {"A": {"type": "array", "items": model(next=ref("A"))}},
    "union-of-objects-back": {
        "A": {"oneOf": [ref("B"), ref("C")]},
        "B": model(a=ref("A")),
        "C": model(all={"type": "array", "items": ref("A")}),
    },
    "allOf-base-then-back": {"A": {"allOf": [ref("Base"), model(next=ref("A"))]}, "Base": model(id=STRING)},
    "base-property-back": {"A": {"allOf": [ref("Base"), model(x=STRING)]}, "Base": model(child=ref("A"))},
}


def _fragment(schemas: dict[str, Any], uses: str | None = "A") -> dict[str, Any]:
    """``/v9/loop`` answering an object whose ``extra`` is ``uses``, beside an unrelated ``/v9/fine``."""
    response = model(id=STRING, **({"extra": ref(uses)} if uses else {}))
    fragment = broken_fragment(path="/v9/loop", response_schema=response)
    fragment["paths"]["/v9/fine"] = broken_fragment(path="/v9/fine")["paths"]["/v9/fine"]
    fragment["components"] = {"schemas": copy.deepcopy(schemas)}
    return fragment


def _build(editorial: dict[str, Any], *extra: Fragment) -> BuildResult:
    return build_document([*load_fragments(ROOT / "spec" / "fragments"), *extra], editorial)


def _operations(result: BuildResult) -> set[tuple[str, str]]:
    return {(path, method) for path, method, _, _ in iter_operations(result.document)}


@pytest.mark.parametrize("shape", sorted(UNBUILDABLE))
def test_a_loop_the_generator_cannot_build_is_quarantined_member_by_member(
    editorial: dict[str, Any], shape: str
) -> None:
    schemas, links, through = UNBUILDABLE[shape]
    vendor = _operations(_build(editorial))
    result = _build(editorial, Fragment("loop.json", _fragment(schemas)))
    found = {q.operation: q for q in result.quarantined}
    assert set(found) == {"GET /v9/loop", *(f"components/schemas/{name}" for name in links)}
    assert {q.file for q in result.quarantined} == {"loop.json"}
    for name, link in links.items():
        entry = found[f"components/schemas/{name}"]
        assert entry.pointer == f"/components/schemas/{name}{link}", shape
        assert entry.reason.startswith(f"part of the $ref loop {R}{name} -> "), entry.reason
        assert entry.reason.endswith(f"-> {R}{name} through {through}" if through else f"-> {R}{name}"), entry.reason
        assert all(f"{R}{member}" in entry.reason for member in links), entry.reason
    user = found["GET /v9/loop"]
    assert user.pointer.endswith("/responses/200/content/application~1json/schema/properties/extra/$ref")
    assert user.reason.startswith(f"$ref cycle {R}A -> "), user.reason
    assert "the generator must build each member before the one holding it" in user.reason
    assert not any("nothing in the fragment" in q.reason for q in result.quarantined)
    # Nothing else is blocked: every other operation is built, and no model is lost.
    assert _operations(result) == vendor | {("/v9/fine", "get")}
    assert not set(links) & set(result.document["components"]["schemas"])


@pytest.mark.parametrize("shape", ["allOf-A-B", "allOf-itself", "anyOf-oneOf", "items-of-itself"])
def test_a_loop_no_operation_uses_is_quarantined_without_blocking_the_build(
    editorial: dict[str, Any], shape: str
) -> None:
    """The validator used to recurse forever on an allOf loop: the whole build stopped, blamed on
    spec/editorial.yaml."""
    schemas, links, _ = UNBUILDABLE[shape]
    result = _build(editorial, Fragment("loop.json", _fragment(schemas, uses=None)))
    assert sorted((q.operation, q.pointer) for q in result.quarantined) == sorted(
        (f"components/schemas/{name}", f"/components/schemas/{name}{link}") for name, link in links.items()
    )
    assert {("/v9/loop", "get"), ("/v9/fine", "get")} <= _operations(result)


@pytest.mark.parametrize("shape", sorted(BUILDABLE))
def test_recursion_through_an_object_components_properties_is_built_as_it_is(
    editorial: dict[str, Any], shape: str
) -> None:
    result = _build(editorial, Fragment("tree.json", _fragment(BUILDABLE[shape])))
    assert result.quarantined == []
    kept = result.document["components"]["schemas"]
    assert set(BUILDABLE[shape]) <= set(kept)
    assert f'"{R}' in json.dumps([kept[name] for name in BUILDABLE[shape]])  # still recursive
    assert ("/v9/loop", "get") in _operations(result)


def _all_shapes_in_one(shapes: dict[str, dict[str, Any]]) -> Fragment:
    """One fragment with an operation per shape, its schemas renamed apart (``S3A``, ``S3B``)."""
    fragment = broken_fragment(path="/v9/none")
    fragment["paths"] = {}
    fragment["components"] = {"schemas": {}}
    for number, (_, schemas) in enumerate(sorted(shapes.items())):
        prefix = f"S{number}"
        text = json.dumps(schemas).replace(f'"{R}', f'"{R}{prefix}')
        renamed = {f"{prefix}{name}": schema for name, schema in json.loads(text).items()}
        single = _fragment(renamed, uses=f"{prefix}A")
        fragment["paths"][f"/v9/shape{number}"] = single["paths"]["/v9/loop"]
        fragment["components"]["schemas"].update(renamed)
    return Fragment("shapes.json", fragment)


def _generate(result: BuildResult, destination: Path) -> tuple[list[str], str]:
    """The ``/v9/shape<n>`` operations whose generated function parses a 200 into its model, or the
    generator's complaint if it refuses the document."""
    spec = destination.parent / "openapi.json"
    spec.write_text(result.text, encoding="utf-8")
    try:
        generate_package(spec, ROOT / "generator-config.yaml", destination)
    except GenerationError as exc:
        return [], str(exc)
    parsed = []
    for module in (destination / "api").glob("*/get_shape*.py"):
        number = module.stem.removeprefix("get_shape")
        model_file = destination / "models" / f"shape_{number}_response.py"
        if f"Shape{number}Response.from_dict(" in module.read_text(encoding="utf-8") and model_file.is_file():
            parsed.append(module.stem)
    return sorted(parsed), ""


def test_the_pinned_generator_builds_every_loop_the_rule_lets_through(
    editorial: dict[str, Any], tmp_path: Path
) -> None:
    result = _build(editorial, _all_shapes_in_one(BUILDABLE))
    assert result.quarantined == []
    models, complaint = _generate(result, tmp_path / PACKAGE_NAME)
    assert complaint == ""
    assert models == sorted(f"get_shape{number}" for number in range(len(BUILDABLE)))


def test_the_pinned_generator_loses_the_model_of_every_loop_the_rule_quarantines(
    editorial: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the rule, each of these loses its operation's model (loops through allOf alone are
    left out: the validator cannot read them at all)."""
    shapes = {name: schemas for name, (schemas, _, through) in UNBUILDABLE.items() if through != "allOf"}
    monkeypatch.setattr(repairs_references, "_unbuildable_loop", lambda *_: None)
    result = _build(editorial, _all_shapes_in_one(shapes))
    assert result.quarantined == []
    assert len([path for path in result.document["paths"] if path.startswith("/v9/shape")]) == len(shapes)
    models, complaint = _generate(result, tmp_path / PACKAGE_NAME)
    assert models == []
    if complaint:  # it refused the document: for these loops, and for nothing else
        assert "Could not find reference" in complaint
    else:  # it wrote the rest and silently left these models out
        assert (tmp_path / PACKAGE_NAME / "models" / "billing_response.py").is_file()
