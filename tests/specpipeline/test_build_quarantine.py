"""The build facing malformed fragments: an operation it cannot repair or place is quarantined (pointing
into its fragment, with whatever uses it), never a crash nor a name taken from another."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from specpipeline.build import build_document
from specpipeline.errors import SpecError
from specpipeline.fragments import Fragment, load_fragments
from specpipeline.walk import iter_operations

from .conftest import EN_DASH, broken_fragment, listed_operations, new_quarantines

ROOT = Path(__file__).resolve().parents[2]
LISTED_OPERATIONS = listed_operations()


def _hostile(change: str) -> dict[str, Any]:
    fragment = broken_fragment()
    operation = fragment["paths"]["/v9/things/list"]["get"]
    body = operation["responses"]["200"]["content"]["application/json"]
    if change == "responses-list":
        operation["responses"] = []
    elif change == "content-list":
        operation["responses"]["200"]["content"] = []
    elif change == "properties-list":
        body["schema"] = {"type": "object", "properties": []}
    elif change == "schema-string":
        body["schema"] = "string"
    elif change == "path-item-list":
        fragment["paths"]["/v9/other"] = [1]
    elif change == "enum-mixed-types":
        body["schema"]["properties"]["s"] = {"type": "string", "enum": ["a", 1]}
    elif change == "untyped-enum-mixed-types":  # the generator cannot parse it: regenerate quarantined it
        body["schema"] = {"enum": [1, "two", None]}
    elif change == "repeated-path-variable":  # the same
        fragment["paths"]["/v9/things/{id}/{id}"] = fragment["paths"].pop("/v9/things/list")
        operation["parameters"] = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]
    elif change == "nullable-string":
        body["schema"]["properties"]["o"] = {"type": "object", "nullable": "yes", "properties": {}}
    elif change == "ref-number":
        body["schema"]["properties"]["o"] = {"$ref": 5}
    elif change == "operation-string":
        fragment["paths"]["/v9/things/list"]["get"] = "x"
    return fragment


@pytest.mark.parametrize(
    "change",
    [
        "responses-list",
        "content-list",
        "properties-list",
        "schema-string",
        "path-item-list",
        "enum-mixed-types",
        "untyped-enum-mixed-types",
        "repeated-path-variable",
        "nullable-string",
        "ref-number",
        "operation-string",
    ],
)
def test_a_malformed_operation_is_quarantined_never_a_crash(editorial: dict[str, Any], change: str) -> None:
    fragments = [*load_fragments(ROOT / "spec" / "fragments"), Fragment("hostile.json", _hostile(change))]
    result = build_document(fragments, editorial)
    assert new_quarantines(result), change
    for entry in new_quarantines(result):
        assert entry.file == "hostile.json"
        assert entry.pointer.startswith("/paths/~1v9~1"), entry
        assert len(str(entry)) <= 300
        assert "\n" not in str(entry)
        assert "Traceback" not in entry.reason
    assert {(path, method) for path, method, _, _ in iter_operations(result.document)} >= LISTED_OPERATIONS


def test_a_vendor_id_given_twice_or_taken_by_the_editorial_file_is_not_used(editorial: dict[str, Any]) -> None:
    copy_paste = broken_fragment(path="/v0/alpha")
    copy_paste["paths"]["/v0/alpha"]["get"]["operationId"] = "get_balance"  # the editorial name of another
    twins = [broken_fragment(path=f"/v0/twin/{n}") for n in "ab"]
    for twin, path in zip(twins, ("/v0/twin/a", "/v0/twin/b"), strict=True):
        twin["paths"][path]["get"]["operationId"] = "list_things"
    fragments = [*load_fragments(ROOT / "spec" / "fragments"), Fragment("c.json", copy_paste)]
    fragments += [Fragment(f"twin-{n}.json", twin) for n, twin in zip("ab", twins, strict=True)]
    result = build_document(fragments, editorial)
    assert new_quarantines(result) == []
    ids = {path: op["operationId"] for path, _, op, _ in iter_operations(result.document)}
    assert ids["/v1/billing/balance"] == "get_balance"
    assert (ids["/v0/alpha"], ids["/v0/twin/a"], ids["/v0/twin/b"]) == ("get_alpha", "get_twin_a", "get_twin_b")


def test_two_fragments_defining_one_operation_differently_are_both_quarantined(editorial: dict[str, Any]) -> None:
    first, second = broken_fragment(), broken_fragment()
    second["paths"]["/v9/things/list"]["get"]["summary"] = "a different summary"
    fragments = [*load_fragments(ROOT / "spec" / "fragments"), Fragment("a.json", first), Fragment("b.json", second)]
    result = build_document(fragments, editorial)
    assert sorted((q.file, q.operation) for q in new_quarantines(result)) == [
        ("a.json", "GET /v9/things/list"),
        ("b.json", "GET /v9/things/list"),
    ]
    assert all("conflicts with the definition in" in q.reason for q in new_quarantines(result))
    assert "/v9/things/list" not in result.document["paths"]


def test_a_broken_component_quarantines_the_operations_that_use_it(editorial: dict[str, Any]) -> None:
    fragment = broken_fragment(response_schema={"$ref": "#/components/schemas/Thing"})
    fragment["paths"]["/v9/other"] = copy.deepcopy(broken_fragment(path="/v9/other")["paths"]["/v9/other"])
    fragment["components"] = {"schemas": {"Thing": {"type": "object", "properties": {"n": {"type": EN_DASH}}}}}
    result = build_document([*load_fragments(ROOT / "spec" / "fragments"), Fragment("c.json", fragment)], editorial)
    # the operation that uses it, then the component that nothing left uses
    assert [(q.file, q.operation) for q in new_quarantines(result)] == [
        ("c.json", "GET /v9/things/list"),
        ("c.json", "components/schemas/Thing"),
    ]
    assert {q.pointer for q in new_quarantines(result)} == {"/components/schemas/Thing/properties/n/type"}
    assert "get" in result.document["paths"]["/v9/other"]
    assert "Thing" not in result.document["components"]["schemas"]


@pytest.mark.parametrize("resource", ["billing", "usage"])
def test_a_derived_id_never_takes_an_existing_operations_name(editorial: dict[str, Any], resource: str) -> None:
    """``GET /v1/billing`` derives ``get_billing``, the editorial name of ``GET /v2/billing``: the
    newcomer keeps its version, in either file order, and nothing existing is quarantined."""
    newcomer = broken_fragment(path=f"/v1/{resource}")
    twins = [broken_fragment(path=f"/v{n}/gadgets") for n in (7, 8)]  # both new, both derive get_gadgets
    committed = load_fragments(ROOT / "spec" / "fragments")
    extra = [Fragment("new.json", newcomer), Fragment("t7.json", twins[0]), Fragment("t8.json", twins[1])]
    forward = build_document([*committed, *extra], editorial)
    backward = build_document([*reversed(extra), *reversed(committed)], editorial)
    assert forward.text == backward.text
    assert new_quarantines(forward) == []
    ids = {(path, method): op["operationId"] for path, method, op, _ in iter_operations(forward.document)}
    assert ids[(f"/v1/{resource}", "get")] == f"get_v1_{resource}"
    assert ids[(f"/v2/{resource}", "get")] == f"get_{resource}"
    assert (ids[("/v7/gadgets", "get")], ids[("/v8/gadgets", "get")]) == ("get_v7_gadgets", "get_v8_gadgets")
    assert len(set(ids.values())) == len(ids)


@pytest.mark.parametrize("name", ["Transaction", "Pagination", "Error"])
def test_a_vendor_schema_never_takes_an_editorial_name(editorial: dict[str, Any], name: str) -> None:
    fragment = broken_fragment(path="/v2/credits", response_schema={"$ref": f"#/components/schemas/{name}"})
    fragment["components"] = {"schemas": {name: {"type": "object", "properties": {"q": {"type": "string"}}}}}
    fragments = [*load_fragments(ROOT / "spec" / "fragments"), Fragment("credits.json", fragment)]
    result = build_document(fragments, editorial)
    assert new_quarantines(result) == []
    schemas = result.document["components"]["schemas"]
    assert schemas[f"GetV2Credits{name}"] == {"type": "object", "properties": {"q": {"type": "string"}}}
    response = result.document["paths"]["/v2/credits"]["get"]["responses"]["200"]["content"]["application/json"]
    assert response["schema"] == {"$ref": f"#/components/schemas/GetV2Credits{name}"}
    committed = json.loads((ROOT / "spec" / "openapi.json").read_text(encoding="utf-8"))["components"]["schemas"]
    assert schemas[name] == committed[name]  # the ledger entry, the page cursor, the error body keep theirs
    qualified = [line for line in result.report.repairs if line.rule == "qualify-vendor-component"]
    assert [(line.file, line.pointer) for line in qualified if line.file == "credits.json"] == [
        ("credits.json", f"/components/schemas/{name}")
    ]


def test_an_openapi_31_fragment_among_30_ones_is_the_one_blamed(editorial: dict[str, Any]) -> None:
    odd = broken_fragment(path="/v9/odd")
    odd["openapi"] = "3.1.0"
    fragments = [
        *load_fragments(ROOT / "spec" / "fragments"),
        Fragment("zz-odd.json", odd),
        Fragment("00-odd.json", odd),
    ]
    with pytest.raises(SpecError, match=r"OpenAPI 3\.0\.x is what the other fragments use") as raised:
        build_document(fragments, editorial)
    assert (raised.value.file, raised.value.pointer) == ("00-odd.json", "/openapi")


def test_each_side_of_a_conflict_names_the_other_file(editorial: dict[str, Any]) -> None:
    first, second = broken_fragment(), broken_fragment()
    second["paths"]["/v9/things/list"]["get"]["summary"] = "a different summary"
    committed = load_fragments(ROOT / "spec" / "fragments")
    result = build_document([*committed, Fragment("a.json", first), Fragment("b.json", second)], editorial)
    reasons = {q.file: q.reason for q in new_quarantines(result)}
    assert reasons == {
        "a.json": "conflicts with the definition in b.json",
        "b.json": "conflicts with the definition in a.json",
    }


def test_a_vendor_api_key_scheme_is_kept_not_rewritten_to_bearer(editorial: dict[str, Any]) -> None:
    fragment = broken_fragment(path="/v2/credits")
    fragment["components"] = {"securitySchemes": {"access-token": {"type": "apiKey", "in": "header", "name": "X-Key"}}}
    result = build_document([*load_fragments(ROOT / "spec" / "fragments"), Fragment("c.json", fragment)], editorial)
    schemes = result.document["components"]["securitySchemes"]
    assert schemes["access-token-apiKey"] == {"type": "apiKey", "in": "header", "name": "X-Key"}
    assert schemes["access-token"]["scheme"] == "bearer"  # the other fragments' scheme is untouched
    assert result.document["paths"]["/v2/credits"]["get"]["security"] == [{"access-token-apiKey": []}]
    assert result.document["paths"]["/v2/billing"]["get"]["security"] == [{"access-token": []}]


def test_differing_top_level_extensions_keep_one_and_report_the_other(editorial: dict[str, Any]) -> None:
    first, second = broken_fragment(path="/v9/a"), broken_fragment(path="/v9/b")
    first["x-logo"], second["x-logo"] = {"url": "a.png"}, {"url": "b.png"}
    forward = build_document([Fragment("a.json", first), Fragment("b.json", second)], editorial)
    backward = build_document([Fragment("b.json", second), Fragment("a.json", first)], editorial)
    assert forward.text == backward.text
    assert new_quarantines(forward) == []
    assert forward.document["x-logo"] in ({"url": "a.png"}, {"url": "b.png"})
    assert [r.rule for r in forward.report.repairs if r.pointer == "/x-logo"] == ["merge-extension"]


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/v9/things/{}", "an empty variable"),
        ("/v9/things/{ }", "an empty variable"),
        ("/v9/things/{id", "a brace without its pair"),
        ("/v9/things/id}", "a brace without its pair"),
        ("/v9/things/{{id}}", "a brace without its pair"),
    ],
)
def test_a_path_template_with_an_empty_or_unbalanced_variable_is_quarantined(
    editorial: dict[str, Any], path: str, reason: str
) -> None:
    """A generator would send ``{}`` literally; the validator cannot even parse an unbalanced one."""
    fragment = broken_fragment(path=path)
    fragment["paths"][path]["post"] = copy.deepcopy(fragment["paths"][path]["get"])
    del fragment["paths"][path]["post"]["requestBody"]
    result = build_document([*load_fragments(ROOT / "spec" / "fragments"), Fragment("t.json", fragment)], editorial)
    assert [(q.file, q.pointer, q.operation) for q in new_quarantines(result)] == [
        ("t.json", f"/paths/{path.replace('/', '~1')}", f"{method} {path}") for method in ("GET", "POST")
    ]
    assert all(reason in q.reason and repr(path) in q.reason for q in new_quarantines(result))
    assert path not in result.document["paths"]
    assert len(list(iter_operations(result.document))) == len(LISTED_OPERATIONS)


LOOP = "#/components/schemas/A -> #/components/schemas/B -> #/components/schemas/A"


def test_every_member_of_a_ref_loop_and_all_that_use_it_are_quarantined_as_part_of_the_loop(
    editorial: dict[str, Any],
) -> None:
    """A -> B -> A: taking A out alone left B's $ref dangling, reported as pointing at nothing."""
    fragment = broken_fragment(response_schema={"$ref": "#/components/schemas/C"})
    other = broken_fragment(path="/v9/other", response_schema={"$ref": "#/components/schemas/A"})
    fragment["paths"]["/v9/other"] = other["paths"]["/v9/other"]
    fragment["paths"]["/v9/fine"] = broken_fragment(path="/v9/fine")["paths"]["/v9/fine"]
    fragment["components"] = {
        "schemas": {
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"$ref": "#/components/schemas/A"},
            "C": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}}},
            "Unused": {"type": "array", "items": {"$ref": "#/components/schemas/B"}},
        }
    }
    result = build_document([*load_fragments(ROOT / "spec" / "fragments"), Fragment("loop.json", fragment)], editorial)
    found = {q.operation: (q.pointer, q.reason) for q in new_quarantines(result)}
    assert set(found) == {
        "GET /v9/things/list",
        "GET /v9/other",
        "components/schemas/A",
        "components/schemas/B",
        "components/schemas/C",
        "components/schemas/Unused",
    }
    assert found["components/schemas/A"] == ("/components/schemas/A/$ref", f"part of the $ref loop {LOOP}")
    assert found["components/schemas/B"] == (
        "/components/schemas/B/$ref",
        "part of the $ref loop #/components/schemas/B -> #/components/schemas/A -> #/components/schemas/B",
    )
    for user in ("GET /v9/things/list", "GET /v9/other", "components/schemas/C", "components/schemas/Unused"):
        assert "uses the $ref loop" in found[user][1] or "$ref cycle" in found[user][1], user
    assert not any("nothing in the fragment" in reason for _, reason in found.values())
    assert "get" in result.document["paths"]["/v9/fine"]
