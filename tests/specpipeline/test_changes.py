"""The API change report: one hand-made before/after pair per kind of change, and the Markdown."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from specpipeline.changes import Change, compare, implied_bump, render_markdown

ROOT = Path(__file__).resolve().parents[2]
OP = "GET /v1/things"


def _document() -> dict[str, Any]:
    """One operation with a required and two optional query parameters and a nested response body."""
    amount = {"type": "object", "properties": {"usd": {"type": "number"}}}
    body = {
        "type": "object",
        "required": ["id", "amount"],
        "properties": {
            "id": {"type": "string", "description": "The id."},
            "amount": copy.deepcopy(amount),
            "status": {"type": "string", "enum": ["open", "closed"]},
            "data": {
                "type": "array",
                "items": {"type": "object", "required": ["amount"], "properties": {"amount": copy.deepcopy(amount)}},
            },
        },
    }
    parameters = [
        {"name": "since", "in": "query", "required": True, "schema": {"type": "string"}},
        {"name": "limit", "in": "query", "required": False, "schema": {"type": "integer"}},
        {"name": "kind", "in": "query", "schema": {"type": "string", "enum": ["A", "B"]}},
    ]
    return {
        "openapi": "3.0.0",
        "info": {"title": "Things", "version": "1.0.0"},
        "paths": {
            "/v1/things": {
                "get": {
                    "operationId": "get_things",
                    "summary": "List things",
                    "parameters": parameters,
                    "responses": {
                        "200": {"description": "OK", "content": {"application/json": {"schema": body}}},
                        "404": {"description": "Not Found"},
                    },
                }
            }
        },
    }


def _op(document: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = document["paths"]["/v1/things"]["get"]
    return operation


def _param(document: dict[str, Any], name: str) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = _op(document)["parameters"]
    [parameter] = [p for p in parameters if p["name"] == name]
    return parameter


def _body(document: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = _op(document)["responses"]["200"]["content"]["application/json"]["schema"]
    return schema


def _props(document: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = _body(document)["properties"]
    return properties


def _item_props(document: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = _props(document)["data"]["items"]["properties"]
    return properties


def _after(edit: Callable[[dict[str, Any]], None]) -> tuple[dict[str, Any], dict[str, Any]]:
    old = _document()
    new = _document()
    edit(new)
    return old, new


# --- one edit per kind of change ------------------------------------------------------------------


def add_operation(d: dict[str, Any]) -> None:
    d["paths"]["/v1/others"] = {"get": {"operationId": "get_others", "responses": {"200": {"description": "OK"}}}}


def remove_operation(d: dict[str, Any]) -> None:
    d["paths"]["/v1/things"]["post"] = d["paths"]["/v1/things"].pop("get")


def rename_operation(d: dict[str, Any]) -> None:
    _op(d)["operationId"] = "list_things"


def add_optional_parameter(d: dict[str, Any]) -> None:
    _op(d)["parameters"].append({"name": "cursor", "in": "query", "schema": {"type": "string"}})


def add_required_parameter(d: dict[str, Any]) -> None:
    _op(d)["parameters"].append({"name": "X-Account", "in": "header", "required": True, "schema": {"type": "string"}})


def remove_optional_parameter(d: dict[str, Any]) -> None:
    _op(d)["parameters"].remove(_param(d, "limit"))


def remove_required_parameter(d: dict[str, Any]) -> None:
    _op(d)["parameters"].remove(_param(d, "since"))


def require_parameter(d: dict[str, Any]) -> None:
    _param(d, "limit")["required"] = True


def relax_parameter(d: dict[str, Any]) -> None:
    del _param(d, "since")["required"]


def retype_parameter(d: dict[str, Any]) -> None:
    _param(d, "limit")["schema"] = {"type": "string"}


def reformat_parameter(d: dict[str, Any]) -> None:
    _param(d, "since")["schema"]["format"] = "date-time"


def add_parameter_enum_value(d: dict[str, Any]) -> None:
    _param(d, "kind")["schema"]["enum"].append("C")


def remove_parameter_enum_value(d: dict[str, Any]) -> None:
    _param(d, "kind")["schema"]["enum"].remove("A")


def constrain_parameter_to_enum(d: dict[str, Any]) -> None:
    _param(d, "since")["schema"]["enum"] = ["today", "yesterday"]


def add_response_field(d: dict[str, Any]) -> None:
    _item_props(d)["amount"]["properties"]["eur"] = {"type": "number"}


def add_response_object(d: dict[str, Any]) -> None:
    _props(d)["owner"] = {"type": "object", "properties": {"name": {"type": "string"}, "email": {"type": "string"}}}


def remove_response_field(d: dict[str, Any]) -> None:
    del _props(d)["amount"]["properties"]["usd"]


def remove_response_object(d: dict[str, Any]) -> None:
    del _props(d)["data"]
    _props(d)["id"]["description"] = "Reworded."


def require_response_field(d: dict[str, Any]) -> None:
    _body(d)["required"].append("status")


def relax_response_field(d: dict[str, Any]) -> None:
    _body(d)["required"].remove("id")


def retype_response_field(d: dict[str, Any]) -> None:
    _item_props(d)["amount"]["properties"]["usd"] = {"type": "string"}


def retype_response_object(d: dict[str, Any]) -> None:
    _props(d)["amount"] = {"type": "array", "items": {"type": "number"}}


def reformat_response_field(d: dict[str, Any]) -> None:
    _props(d)["id"]["format"] = "uuid"


def make_response_field_nullable(d: dict[str, Any]) -> None:
    _props(d)["amount"]["properties"]["usd"]["nullable"] = True


def add_response_enum_value(d: dict[str, Any]) -> None:
    _props(d)["status"]["enum"].append("disputed")


def remove_response_enum_value(d: dict[str, Any]) -> None:
    _props(d)["status"]["enum"].remove("closed")


def remove_response_body(d: dict[str, Any]) -> None:
    del _op(d)["responses"]["200"]["content"]


def describe_differently(d: dict[str, Any]) -> None:
    _op(d)["summary"] = "Things, listed"
    _op(d)["description"] = "All the things."
    _op(d)["x-internal"] = True
    _param(d, "limit")["description"] = "How many."
    _param(d, "limit")["example"] = 10
    _props(d)["id"]["description"] = "The thing's id."
    _props(d)["id"]["example"] = "t-1"
    _props(d)["status"]["examples"] = ["open"]
    _props(d)["status"]["title"] = "Status"
    d["info"]["version"] = "1.0.1"


CASES = [
    (add_operation, [Change("operation-added", "GET /v1/others", "operation added", False)], "minor"),
    (
        remove_operation,
        [
            Change("operation-removed", OP, "operation removed", True),
            Change("operation-added", "POST /v1/things", "operation added", False),
        ],
        "major",
    ),
    (
        rename_operation,
        [
            Change(
                "operation-id-changed",
                OP,
                "operationId 'get_things' -> 'list_things': the generated function is renamed",
                True,
            )
        ],
        "major",
    ),
    (
        add_optional_parameter,
        [Change("parameter-added", f"{OP} query parameter cursor", "optional parameter added", False)],
        "minor",
    ),
    (
        add_required_parameter,
        [Change("parameter-added", f"{OP} header parameter X-Account", "required parameter added", True)],
        "major",
    ),
    (
        remove_optional_parameter,
        [Change("parameter-removed", f"{OP} query parameter limit", "optional parameter removed", True)],
        "major",
    ),
    (
        remove_required_parameter,
        [Change("parameter-removed", f"{OP} query parameter since", "required parameter removed", True)],
        "major",
    ),
    (
        require_parameter,
        [Change("parameter-required", f"{OP} query parameter limit", "parameter became required", True)],
        "major",
    ),
    (
        relax_parameter,
        [Change("parameter-optional", f"{OP} query parameter since", "parameter became optional", False)],
        "minor",
    ),
    (
        retype_parameter,
        [Change("parameter-type-changed", f"{OP} query parameter limit", "type changed from integer to string", True)],
        "major",
    ),
    (
        reformat_parameter,
        [
            Change(
                "parameter-type-changed",
                f"{OP} query parameter since",
                "type changed from string to string (date-time)",
                True,
            )
        ],
        "major",
    ),
    (
        add_parameter_enum_value,
        [Change("parameter-enum-value-added", f"{OP} query parameter kind", 'enum value "C" added', False)],
        "minor",
    ),
    (
        remove_parameter_enum_value,
        [Change("parameter-enum-value-removed", f"{OP} query parameter kind", 'enum value "A" removed', True)],
        "major",
    ),
    (
        constrain_parameter_to_enum,
        [
            Change(
                "parameter-type-changed",
                f"{OP} query parameter since",
                "type changed from string to string enum",
                True,
            )
        ],
        "major",
    ),
    (
        add_response_field,
        [Change("response-field-added", f"{OP} response field data[].amount.eur", "response field added", False)],
        "minor",
    ),
    (
        add_response_object,
        [Change("response-field-added", f"{OP} response field owner", "response field added", False)],
        "minor",
    ),
    (
        remove_response_field,
        [Change("response-field-removed", f"{OP} response field amount.usd", "response field removed", True)],
        "major",
    ),
    (
        remove_response_object,
        [Change("response-field-removed", f"{OP} response field data", "response field removed", True)],
        "major",
    ),
    (
        require_response_field,
        [Change("response-field-required", f"{OP} response field status", "field became required", False)],
        "patch",
    ),
    (
        relax_response_field,
        [
            Change(
                "response-field-optional",
                f"{OP} response field id",
                "field is no longer required: it may be absent",
                True,
            )
        ],
        "major",
    ),
    (
        retype_response_field,
        [
            Change(
                "response-field-type-changed",
                f"{OP} response field data[].amount.usd",
                "type changed from number to string",
                True,
            )
        ],
        "major",
    ),
    (
        retype_response_object,
        [
            Change(
                "response-field-type-changed",
                f"{OP} response field amount",
                "type changed from object to array",
                True,
            )
        ],
        "major",
    ),
    (
        reformat_response_field,
        [
            Change(
                "response-field-type-changed",
                f"{OP} response field id",
                "type changed from string to string (uuid)",
                True,
            )
        ],
        "major",
    ),
    (
        make_response_field_nullable,
        [
            Change(
                "response-field-type-changed",
                f"{OP} response field amount.usd",
                "type changed from number to number (nullable)",
                True,
            )
        ],
        "major",
    ),
    (
        add_response_enum_value,
        # The SDK's enums are open: a value it does not know is kept, not an error (a minor addition).
        [Change("response-enum-value-added", f"{OP} response field status", 'enum value "disputed" added', False)],
        "minor",
    ),
    (
        remove_response_enum_value,
        [Change("response-enum-value-removed", f"{OP} response field status", 'enum value "closed" removed', False)],
        "patch",
    ),
    (
        remove_response_body,
        [Change("response-field-removed", f"{OP} response body", "response body removed", True)],
        "major",
    ),
    (describe_differently, [], "patch"),
]


@pytest.mark.parametrize(("edit", "expected", "bump"), CASES, ids=[case[0].__name__ for case in CASES])
def test_each_kind_of_change_is_reported_exactly_with_its_bump(
    edit: Callable[[dict[str, Any]], None], expected: list[Change], bump: str
) -> None:
    old, new = _after(edit)
    changes = compare(old, new)
    assert changes == expected
    assert implied_bump(changes) == bump


def test_identical_documents_have_no_changes_and_imply_a_patch() -> None:
    assert compare(_document(), _document()) == []
    assert implied_bump([]) == "patch"


def test_the_committed_document_compared_with_itself_has_no_changes() -> None:
    document = json.loads((ROOT / "spec" / "openapi.json").read_text(encoding="utf-8"))
    assert compare(document, copy.deepcopy(document)) == []


def test_the_inputs_are_not_modified() -> None:
    old, new = _after(add_response_object)
    snapshot = copy.deepcopy((old, new))
    compare(old, new)
    assert (old, new) == snapshot


def _referencing() -> dict[str, Any]:
    """The same operation with its body, a parameter and the response itself behind ``$ref`` s."""
    document = _document()
    amount = _props(document)["amount"]
    components: dict[str, Any] = {
        "schemas": {
            "Amount": amount,
            "Things": _body(document),
            "Kind": _param(document, "kind")["schema"],
        },
        "parameters": {"Kind": {**_param(document, "kind"), "schema": {"$ref": "#/components/schemas/Kind"}}},
        "responses": {"Things": _op(document)["responses"]["200"]},
    }
    document["components"] = components
    _props(document)["amount"] = {"$ref": "#/components/schemas/Amount"}
    _item_props(document)["amount"] = {"$ref": "#/components/schemas/Amount"}
    _op(document)["responses"]["200"] = {"$ref": "#/components/responses/Things"}
    components["responses"]["Things"]["content"]["application/json"]["schema"] = {"$ref": "#/components/schemas/Things"}
    _op(document)["parameters"] = [
        _param(document, "since"),
        _param(document, "limit"),
        {"$ref": "#/components/parameters/Kind"},
    ]
    return document


def test_references_are_followed_and_read_like_inline_schemas() -> None:
    assert compare(_document(), _referencing()) == []


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
    document = _document()
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
    _props(document)["tree"] = {"$ref": "#/components/schemas/Node"}
    _props(document)["loop"] = {"$ref": "#/components/schemas/Loop"}
    _param(document, "limit")["schema"] = {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}
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
    old = _document()
    new = _document()
    new["components"] = {"schemas": {"Base": {"type": "object", "properties": {"id": {"type": "string"}}}}}
    extra = {"type": "object", "required": ["id", "amount"], "properties": {"amount": _props(new)["amount"]}}
    rest = {key: value for key, value in _props(new).items() if key not in ("id", "amount")}
    _op(new)["responses"]["200"]["content"]["application/json"]["schema"] = {
        "allOf": [{"$ref": "#/components/schemas/Base"}, extra, {"properties": rest}]
    }
    assert compare(old, new) == []
    new["components"]["schemas"]["Base"]["properties"]["id"]["type"] = "integer"
    assert compare(old, new) == [
        Change("response-field-type-changed", f"{OP} response field id", "type changed from string to integer", True)
    ]


def test_path_level_parameters_count_and_operation_level_ones_win() -> None:
    old = _document()
    new = _document()
    since = _param(new, "since")
    _op(new)["parameters"].remove(since)
    new["paths"]["/v1/things"]["parameters"] = [since, {"name": "limit", "in": "query", "schema": {"type": "number"}}]
    assert compare(old, new) == []


def test_changes_come_in_a_deterministic_order() -> None:
    def many(d: dict[str, Any]) -> None:
        add_response_field(d)
        relax_response_field(d)
        add_parameter_enum_value(d)
        rename_operation(d)
        add_operation(d)
        d["paths"]["/v0/legacy"] = {"delete": {"responses": {"204": {"description": "No Content"}}}}
        del d["paths"]["/v1/things"]["get"]["responses"]["404"]

    old, new = _after(many)
    assert [(change.kind, change.location) for change in compare(old, new)] == [
        ("operation-added", "DELETE /v0/legacy"),
        ("operation-added", "GET /v1/others"),
        ("operation-id-changed", OP),
        ("parameter-enum-value-added", f"{OP} query parameter kind"),
        ("response-field-added", f"{OP} response field data[].amount.eur"),
        ("response-field-optional", f"{OP} response field id"),
    ]
    assert compare(old, new) == compare(copy.deepcopy(old), copy.deepcopy(new))


def test_render_markdown_has_the_versions_the_bump_and_marks_breaking_lines() -> None:
    def both(d: dict[str, Any]) -> None:
        add_operation(d)
        remove_response_field(d)

    old, new = _after(both)
    changes = compare(old, new)
    bump = implied_bump(changes)
    text = render_markdown(changes, bump, "1.2.0", "2.0.0")
    assert text.splitlines()[0] == "## API changes 1.2.0 -> 2.0.0 (major bump)"
    assert "- **breaking**: `GET /v1/things response field amount.usd`: response field removed" in text.splitlines()
    assert "- non-breaking: `GET /v1/others`: operation added" in text.splitlines()
    bullets = [line for line in text.splitlines() if line.startswith("- ")]
    assert len(bullets) == 2
    assert bullets[0].startswith("- **breaking**")  # breaking changes come first
    assert text.endswith("\n")


def test_render_markdown_of_a_bump_not_applied_keeps_the_version_and_says_the_bump_is_due() -> None:
    old, new = _after(add_operation)
    text = render_markdown(compare(old, new), "minor", "1.2.0", "1.2.0", applied=False)
    assert text.splitlines()[0] == "## API changes in 1.2.0 (minor bump due, not applied: --no-bump)"
    assert "- non-breaking: `GET /v1/others`: operation added" in text.splitlines()


def test_render_markdown_without_changes_says_so() -> None:
    text = render_markdown([], "patch", "1.0.0", "1.0.1")
    assert "(patch bump)" in text
    assert "- No changes to the API." in text
    assert "**breaking**" not in text


def _with_payment_method(required_in_bank: list[str]) -> dict[str, Any]:
    document = _document()
    card = {
        "type": "object",
        "required": ["id", "last4"],
        "properties": {"id": {"type": "string"}, "last4": {"type": "string"}},
    }
    bank = {"type": "object", "required": required_in_bank, "properties": {"id": {"type": "string"}}}
    _props(document)["method"] = {"oneOf": [card, bank]}
    return document


def test_one_of_alternatives_are_combined() -> None:
    """A field is required under ``oneOf`` only while every alternative requires it."""
    assert compare(_document(), _with_payment_method(["id"])) == [
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


def test_a_model_renamed_or_removed_under_a_kept_operation_is_breaking() -> None:
    """Adding a fragment renamed ``Owner`` to ``CreditsResponseOwner``: same fields, but the
    generated class users import is gone."""
    committed = json.loads((ROOT / "spec" / "openapi.json").read_text(encoding="utf-8"))
    renamed = copy.deepcopy(committed)
    schemas = renamed["components"]["schemas"]
    schemas["CreditsResponseAutoTopupSettings"] = schemas.pop("AutoTopupSettings")
    removed = schemas.pop("TokenCounts")
    text = json.dumps(renamed).replace('/AutoTopupSettings"', '/CreditsResponseAutoTopupSettings"')
    text = text.replace('{"$ref": "#/components/schemas/TokenCounts"}', json.dumps(removed))
    changes = [c for c in compare(committed, json.loads(text)) if c.kind == "model-removed"]
    assert changes == [
        Change(
            "model-removed",
            "components/schemas/AutoTopupSettings",
            "model renamed to CreditsResponseAutoTopupSettings",
            breaking=True,
        ),
        Change("model-removed", "components/schemas/TokenCounts", "model removed", breaking=True),
    ]
    assert implied_bump(changes) == "major"


def test_a_breaking_change_before_1_0_is_labelled_the_minor_bump_it_makes() -> None:
    old, new = _after(remove_response_field)
    changes = compare(old, new)
    assert implied_bump(changes) == "major"
    text = render_markdown(changes, "major", "0.5.0", "0.6.0")
    assert text.splitlines()[0] == "## API changes 0.5.0 -> 0.6.0 (minor bump (breaking, 0.x))"
    not_applied = render_markdown(changes, "major", "0.5.0", "0.5.0", applied=False)
    assert (
        not_applied.splitlines()[0]
        == "## API changes in 0.5.0 (minor bump (breaking, 0.x) due, not applied: --no-bump)"
    )


def test_the_change_report_lists_what_was_quarantined() -> None:
    old, new = _after(add_operation)
    left_out = "spec/fragments/w.json#/paths/~1v9~1mixed/get/responses/200: GET /v9/mixed left out: why"
    text = render_markdown(compare(old, new), "minor", "1.2.0", "1.3.0", quarantined=[left_out])
    assert text.endswith(f"\n\nQuarantined (left out of the spec and the client):\n\n- {left_out}\n")
    assert "Quarantined" not in render_markdown(compare(old, new), "minor", "1.2.0", "1.3.0")
