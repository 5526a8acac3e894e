"""The change report's reading of a document (specpipeline/changes_schemas.py): ``$ref`` s followed and
their cycles walked once, ``allOf`` merged, ``oneOf`` alternatives combined, path-level parameters."""

from __future__ import annotations

from typing import Any

from specpipeline.changes import Change, compare, implied_bump

from tests.helpers.change_documents import (
    OP,
    things_body,
    things_document,
    things_item_properties,
    things_operation,
    things_parameter,
    things_properties,
)


def _referencing() -> dict[str, Any]:
    """The same operation with its body, a parameter and the response itself behind ``$ref`` s."""
    document = things_document()
    amount = things_properties(document)["amount"]
    components: dict[str, Any] = {
        "schemas": {
            "Amount": amount,
            "Things": things_body(document),
            "Kind": things_parameter(document, "kind")["schema"],
        },
        "parameters": {"Kind": {**things_parameter(document, "kind"), "schema": {"$ref": "#/components/schemas/Kind"}}},
        "responses": {"Things": things_operation(document)["responses"]["200"]},
    }
    document["components"] = components
    things_properties(document)["amount"] = {"$ref": "#/components/schemas/Amount"}
    things_item_properties(document)["amount"] = {"$ref": "#/components/schemas/Amount"}
    things_operation(document)["responses"]["200"] = {"$ref": "#/components/responses/Things"}
    components["responses"]["Things"]["content"]["application/json"]["schema"] = {"$ref": "#/components/schemas/Things"}
    things_operation(document)["parameters"] = [
        things_parameter(document, "since"),
        things_parameter(document, "limit"),
        {"$ref": "#/components/parameters/Kind"},
    ]
    return document


def test_references_are_followed_and_read_like_inline_schemas() -> None:
    assert compare(things_document(), _referencing()) == []


def test_a_change_to_a_referenced_component_is_reported_wherever_it_is_used() -> None:
    old = _referencing()
    new = _referencing()
    new["components"]["schemas"]["Amount"]["properties"]["usd"]["format"] = "double"
    new["components"]["schemas"]["Kind"]["enum"].append("C")
    assert compare(old, new) == [
        Change("parameter-enum-value-added", f"{OP} query parameter kind", 'enum value "C" added', False),
        Change(
            "response-field-type-changed",
            f"{OP} response field amount.usd",
            "type changed from number to number (double)",
            True,
        ),
        Change(
            "response-field-type-changed",
            f"{OP} response field data[].amount.usd",
            "type changed from number to number (double)",
            True,
        ),
    ]
    assert implied_bump(compare(old, new)) == "major"


def _recursive() -> dict[str, Any]:
    document = things_document()
    document["components"] = {
        "schemas": {
            "Node": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                    "parent": {"allOf": [{"$ref": "#/components/schemas/Node"}]},
                },
            },
            "Loop": {"$ref": "#/components/schemas/Loop"},
        }
    }
    things_properties(document)["tree"] = {"$ref": "#/components/schemas/Node"}
    things_properties(document)["loop"] = {"$ref": "#/components/schemas/Loop"}
    things_parameter(document, "limit")["schema"] = {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}
    return document


def test_reference_cycles_are_walked_once() -> None:
    old = _recursive()
    new = _recursive()
    new["components"]["schemas"]["Node"]["properties"]["name"]["nullable"] = True
    assert compare(old, new) == [
        Change(
            "response-field-type-changed",
            f"{OP} response field tree.name",
            "type changed from string to string (nullable)",
            True,
        )
    ]


def test_all_of_parts_are_merged() -> None:
    old = things_document()
    new = things_document()
    new["components"] = {"schemas": {"Base": {"type": "object", "properties": {"id": {"type": "string"}}}}}
    extra = {"type": "object", "required": ["id", "amount"], "properties": {"amount": things_properties(new)["amount"]}}
    rest = {key: value for key, value in things_properties(new).items() if key not in ("id", "amount")}
    things_operation(new)["responses"]["200"]["content"]["application/json"]["schema"] = {
        "allOf": [{"$ref": "#/components/schemas/Base"}, extra, {"properties": rest}]
    }
    assert compare(old, new) == []
    new["components"]["schemas"]["Base"]["properties"]["id"]["type"] = "integer"
    assert compare(old, new) == [
        Change("response-field-type-changed", f"{OP} response field id", "type changed from string to integer", True)
    ]


def test_path_level_parameters_count_and_operation_level_ones_win() -> None:
    old = things_document()
    new = things_document()
    since = things_parameter(new, "since")
    things_operation(new)["parameters"].remove(since)
    new["paths"]["/v1/things"]["parameters"] = [since, {"name": "limit", "in": "query", "schema": {"type": "number"}}]
    assert compare(old, new) == []


def _with_payment_method(required_in_bank: list[str]) -> dict[str, Any]:
    document = things_document()
    card = {
        "type": "object",
        "required": ["id", "last4"],
        "properties": {"id": {"type": "string"}, "last4": {"type": "string"}},
    }
    bank = {"type": "object", "required": required_in_bank, "properties": {"id": {"type": "string"}}}
    things_properties(document)["method"] = {"oneOf": [card, bank]}
    return document


def test_one_of_alternatives_are_combined() -> None:
    """A field is required under ``oneOf`` only while every alternative requires it."""
    assert compare(things_document(), _with_payment_method(["id"])) == [
        Change("response-field-added", f"{OP} response field method", "response field added", False)
    ]
    assert compare(_with_payment_method(["id"]), _with_payment_method([])) == [
        Change(
            "response-field-optional",
            f"{OP} response field method.id",
            "field is no longer required: it may be absent",
            True,
        )
    ]
