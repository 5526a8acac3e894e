from __future__ import annotations

import copy
from typing import Any

import pytest
from specpipeline.errors import SpecError
from specpipeline.fragments import Fragment
from specpipeline.merge import canonical_order, drop_unused_components, merge_fragments
from specpipeline.report import Report


def _doc(path: str, operation: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "openapi": "3.0.0",
        "info": {"title": "AIML API", "version": "1.0.0"},
        "servers": [{"url": "https://api.aimlapi.com"}],
        "paths": {path: {"get": operation}},
        **extra,
    }


OPERATION = {"operationId": "get_a", "tags": ["billing"], "responses": {"200": {"description": "OK"}}}


def test_the_same_path_and_method_with_different_content_is_an_error_naming_both_files(
    editorial: dict[str, Any],
) -> None:
    changed = copy.deepcopy(OPERATION)
    changed["summary"] = "something else"
    fragments = [Fragment("one.json", _doc("/a", OPERATION)), Fragment("two.json", _doc("/a", changed))]
    with pytest.raises(SpecError) as raised:
        merge_fragments(fragments, editorial)
    assert raised.value.file == "two.json"
    assert raised.value.pointer == "/paths/~1a/get"
    assert "one.json" in raised.value.message


def test_identical_duplicates_merge_and_servers_and_extensions_are_kept(editorial: dict[str, Any]) -> None:
    first = _doc("/a", OPERATION, **{"x-vendor": {"k": 1}})
    second = _doc("/b", {**OPERATION, "operationId": "get_b", "x-codeSamples": [{"lang": "cURL", "source": "curl"}]})
    second["servers"].append({"url": "https://eu.aimlapi.com"})
    merged = merge_fragments(
        [Fragment("1.json", first), Fragment("2.json", second), Fragment("3.json", first)], editorial
    )
    assert merged["servers"] == [{"url": "https://api.aimlapi.com"}, {"url": "https://eu.aimlapi.com"}]
    assert merged["x-vendor"] == {"k": 1}
    assert merged["paths"]["/b"]["get"]["x-codeSamples"] == [{"lang": "cURL", "source": "curl"}]
    assert merged["info"]["version"] == "1.0.0"
    assert merged["info"]["title"] == editorial["info"]["title"]
    assert merged["tags"] == [t for t in editorial["tags"] if t["name"] == "billing"]


def test_conflicting_components_are_an_error(editorial: dict[str, Any]) -> None:
    first = _doc("/a", OPERATION, components={"schemas": {"Thing": {"type": "string"}}})
    second = _doc("/b", {**OPERATION, "operationId": "b"}, components={"schemas": {"Thing": {"type": "integer"}}})
    with pytest.raises(SpecError, match=r"conflicts with the definition in a\.json") as raised:
        merge_fragments([Fragment("a.json", first), Fragment("b.json", second)], editorial)
    assert raised.value.pointer == "/components/schemas/Thing"


def test_fragments_disagreeing_on_the_api_version_are_an_error(editorial: dict[str, Any]) -> None:
    newer = _doc("/b", OPERATION)
    newer["info"]["version"] = "2.0.0"
    with pytest.raises(SpecError) as raised:
        merge_fragments([Fragment("a.json", _doc("/a", OPERATION)), Fragment("b.json", newer)], editorial)
    assert (raised.value.file, raised.value.pointer) == ("b.json", "/info/version")


def test_mixed_openapi_versions_are_an_error(editorial: dict[str, Any]) -> None:
    newer = _doc("/b", OPERATION)
    newer["openapi"] = "3.1.0"
    with pytest.raises(SpecError, match="is what the other fragments use; mixed"):
        merge_fragments([Fragment("a.json", _doc("/a", OPERATION)), Fragment("b.json", newer)], editorial)


def test_unused_components_are_dropped_transitively_and_reported() -> None:
    document = _doc(
        "/a",
        {**OPERATION, "security": [{"bearer": []}]},
        components={
            "schemas": {
                "Used": {"type": "string"},
                "Orphan": {"type": "object", "properties": {"x": {"$ref": "#/components/schemas/OnlyOrphanUses"}}},
                "OnlyOrphanUses": {"type": "string"},
            },
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "other": {"type": "http", "scheme": "basic"},
            },
        },
    )
    document["paths"]["/a"]["get"]["responses"]["200"]["content"] = {
        "application/json": {"schema": {"$ref": "#/components/schemas/Used"}}
    }
    report = Report()
    drop_unused_components(document, report, "openapi.json")
    assert list(document["components"]["schemas"]) == ["Used"]
    assert list(document["components"]["securitySchemes"]) == ["bearer"]
    assert [r.pointer for r in report.repairs] == [
        "/components/schemas/Orphan",
        "/components/schemas/OnlyOrphanUses",
        "/components/securitySchemes/other",
    ]


def test_canonical_order_puts_top_level_keys_in_the_usual_order_and_sorts_paths() -> None:
    document = {"paths": {"/b": {}, "/a": {}}, "x-z": 1, "components": {}, "info": {}, "openapi": "3.0.0"}
    ordered = canonical_order(document)
    assert list(ordered) == ["openapi", "info", "paths", "components", "x-z"]
    assert list(ordered["paths"]) == ["/a", "/b"]
