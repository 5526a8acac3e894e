"""The API change report: one hand-made before/after pair per kind of change, and the Markdown."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from specpipeline.changes import Change, compare, implied_bump, render_markdown

from tests.helpers.change_documents import (
    OP,
    things_body,
    things_document,
    things_item_properties,
    things_operation,
    things_parameter,
    things_properties,
)

ROOT = Path(__file__).resolve().parents[2]


def _after(edit: Callable[[dict[str, Any]], None]) -> tuple[dict[str, Any], dict[str, Any]]:
    old = things_document()
    new = things_document()
    edit(new)
    return old, new


# --- one edit per kind of change ------------------------------------------------------------------


def add_operation(d: dict[str, Any]) -> None:
    d["paths"]["/v1/others"] = {"get": {"operationId": "get_others", "responses": {"200": {"description": "OK"}}}}


def remove_operation(d: dict[str, Any]) -> None:
    d["paths"]["/v1/things"]["post"] = d["paths"]["/v1/things"].pop("get")


def rename_operation(d: dict[str, Any]) -> None:
    things_operation(d)["operationId"] = "list_things"


def add_optional_parameter(d: dict[str, Any]) -> None:
    things_operation(d)["parameters"].append({"name": "cursor", "in": "query", "schema": {"type": "string"}})


def add_required_parameter(d: dict[str, Any]) -> None:
    things_operation(d)["parameters"].append(
        {"name": "X-Account", "in": "header", "required": True, "schema": {"type": "string"}}
    )


def remove_optional_parameter(d: dict[str, Any]) -> None:
    things_operation(d)["parameters"].remove(things_parameter(d, "limit"))


def remove_required_parameter(d: dict[str, Any]) -> None:
    things_operation(d)["parameters"].remove(things_parameter(d, "since"))


def require_parameter(d: dict[str, Any]) -> None:
    things_parameter(d, "limit")["required"] = True


def relax_parameter(d: dict[str, Any]) -> None:
    del things_parameter(d, "since")["required"]


def retype_parameter(d: dict[str, Any]) -> None:
    things_parameter(d, "limit")["schema"] = {"type": "string"}


def reformat_parameter(d: dict[str, Any]) -> None:
    things_parameter(d, "since")["schema"]["format"] = "date-time"


def add_parameter_enum_value(d: dict[str, Any]) -> None:
    things_parameter(d, "kind")["schema"]["enum"].append("C")


def remove_parameter_enum_value(d: dict[str, Any]) -> None:
    things_parameter(d, "kind")["schema"]["enum"].remove("A")


def constrain_parameter_to_enum(d: dict[str, Any]) -> None:
    things_parameter(d, "since")["schema"]["enum"] = ["today", "yesterday"]


def add_response_field(d: dict[str, Any]) -> None:
    things_item_properties(d)["amount"]["properties"]["eur"] = {"type": "number"}


def add_response_object(d: dict[str, Any]) -> None:
    things_properties(d)["owner"] = {
        "type": "object",
        "properties": {"name": {"type": "string"}, "email": {"type": "string"}},
    }


def remove_response_field(d: dict[str, Any]) -> None:
    del things_properties(d)["amount"]["properties"]["usd"]


def remove_response_object(d: dict[str, Any]) -> None:
    del things_properties(d)["data"]
    things_properties(d)["id"]["description"] = "Reworded."


def require_response_field(d: dict[str, Any]) -> None:
    things_body(d)["required"].append("status")


def relax_response_field(d: dict[str, Any]) -> None:
    things_body(d)["required"].remove("id")


def retype_response_field(d: dict[str, Any]) -> None:
    things_item_properties(d)["amount"]["properties"]["usd"] = {"type": "string"}


def retype_response_object(d: dict[str, Any]) -> None:
    things_properties(d)["amount"] = {"type": "array", "items": {"type": "number"}}


def reformat_response_field(d: dict[str, Any]) -> None:
    things_properties(d)["id"]["format"] = "uuid"


def make_response_field_nullable(d: dict[str, Any]) -> None:
    things_properties(d)["amount"]["properties"]["usd"]["nullable"] = True


def add_response_enum_value(d: dict[str, Any]) -> None:
    things_properties(d)["status"]["enum"].append("disputed")


def remove_response_enum_value(d: dict[str, Any]) -> None:
    things_properties(d)["status"]["enum"].remove("closed")


def remove_response_body(d: dict[str, Any]) -> None:
    del things_operation(d)["responses"]["200"]["content"]


def describe_differently(d: dict[str, Any]) -> None:
    things_operation(d)["summary"] = "Things, listed"
    things_operation(d)["description"] = "All the things."
    things_operation(d)["x-internal"] = True
    things_parameter(d, "limit")["description"] = "How many."
    things_parameter(d, "limit")["example"] = 10
    things_properties(d)["id"]["description"] = "The thing's id."
    things_properties(d)["id"]["example"] = "t-1"
    things_properties(d)["status"]["examples"] = ["open"]
    things_properties(d)["status"]["title"] = "Status"
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
    assert compare(things_document(), things_document()) == []
    assert implied_bump([]) == "patch"


def test_the_committed_document_compared_with_itself_has_no_changes() -> None:
    document = json.loads((ROOT / "spec" / "openapi.json").read_text(encoding="utf-8"))
    assert compare(document, copy.deepcopy(document)) == []


def test_the_inputs_are_not_modified() -> None:
    old, new = _after(add_response_object)
    snapshot = copy.deepcopy((old, new))
    compare(old, new)
    assert (old, new) == snapshot


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
