from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from specpipeline.context import RepairContext
from specpipeline.errors import SpecError
from specpipeline.fragments import Fragment
from specpipeline.repairs import (
    DEFECT_REPAIRS,
    add_missing_response_descriptions,
    drop_bodyless_request_bodies,
    hoist_misplaced_required,
    reject_invalid_schema_types,
    reject_undefined_required,
)

from .conftest import EN_DASH

DETAIL_SCHEMA = "/paths/~1v2~1billing~1detail/get/responses/200/content/application~1json/schema"


def _schema_at(document: dict[str, Any], pointer: str) -> Any:
    node: Any = document
    for token in pointer.strip("/").split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


def _by_name(fragments: list[Fragment], name: str) -> dict[str, Any]:
    return next(f.document for f in fragments if f.name.endswith(name))


def test_seed_get_bodies_are_dropped_and_reported(seed_fragments: list[Fragment], ctx: RepairContext) -> None:
    for fragment in seed_fragments:
        drop_bodyless_request_bodies(fragment.document, ctx)
        for path_item in fragment.document["paths"].values():
            assert "requestBody" not in path_item["get"]
    pointers = [repair.pointer for repair in ctx.report.repairs]
    assert "/paths/~1v2~1billing~1detail/get/requestBody" in pointers
    assert {repair.rule for repair in ctx.report.repairs} == {"drop-bodyless-request-body"}
    assert len(pointers) == 3


def test_head_bodies_go_and_post_bodies_stay(make_fragment: Callable[..., dict[str, Any]], ctx: RepairContext) -> None:
    head = make_fragment(method="head")
    post = make_fragment(method="post")
    post_body = copy.deepcopy(post["paths"]["/v9/things/list"]["post"]["requestBody"])
    drop_bodyless_request_bodies(head, ctx)
    drop_bodyless_request_bodies(post, ctx)
    assert "requestBody" not in head["paths"]["/v9/things/list"]["head"]
    assert post["paths"]["/v9/things/list"]["post"]["requestBody"] == post_body


def test_an_en_dash_type_outside_a_get_body_is_an_error_naming_file_and_pointer(
    make_fragment: Callable[..., dict[str, Any]], ctx: RepairContext
) -> None:
    post = make_fragment(method="post")
    drop_bodyless_request_bodies(post, ctx)
    with pytest.raises(SpecError) as raised:
        reject_invalid_schema_types(post, ctx)
    assert raised.value.file == "hand-made.json"
    assert raised.value.pointer == "/paths/~1v9~1things~1list/post/requestBody/content/application~1json/schema/type"
    assert "invalid schema type" in str(raised.value)


def test_an_invalid_type_deep_in_a_response_is_an_error(
    make_fragment: Callable[..., dict[str, Any]], ctx: RepairContext
) -> None:
    schema = {"type": "object", "properties": {"items": {"type": "array", "items": {"type": EN_DASH}}}}
    fragment = make_fragment(response_schema=schema)
    drop_bodyless_request_bodies(fragment, ctx)
    with pytest.raises(SpecError) as raised:
        reject_invalid_schema_types(fragment, ctx)
    assert raised.value.pointer.endswith("/schema/properties/items/items/type")


def test_openapi_31_type_lists_and_null_are_valid(
    make_fragment: Callable[..., dict[str, Any]], ctx: RepairContext
) -> None:
    fragment = make_fragment(response_schema={"type": "object", "properties": {"n": {"type": ["string", "null"]}}})
    fragment["openapi"] = "3.1.0"
    drop_bodyless_request_bodies(fragment, ctx)
    reject_invalid_schema_types(fragment, ctx)  # no error


def test_seed_misplaced_required_moves_to_the_detail_object(seed_fragments: list[Fragment], ctx: RepairContext) -> None:
    document = _by_name(seed_fragments, "billing-detail-v2.json")
    hoist_misplaced_required(document, ctx)
    schema = _schema_at(document, DETAIL_SCHEMA)
    assert schema["required"] == ["user_id", "email", "current_balance", "currency", "autotopup_settings"]
    assert "required" not in schema["properties"]["autotopup_settings"]
    [repair] = ctx.report.repairs
    assert repair.pointer == DETAIL_SCHEMA + "/properties/autotopup_settings/required"


def test_only_foreign_names_move_when_the_list_is_mixed(
    make_fragment: Callable[..., dict[str, Any]], ctx: RepairContext
) -> None:
    schema = {
        "type": "object",
        "properties": {
            "count": {"type": "integer"},
            "owner": {
                "type": "object",
                "properties": {"name": {"type": "string"}},
                "required": ["name", "count"],
            },
        },
    }
    fragment = make_fragment(response_schema=schema)
    hoist_misplaced_required(fragment, ctx)
    lifted = fragment["paths"]["/v9/things/list"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert lifted["required"] == ["count"]
    assert lifted["properties"]["owner"]["required"] == ["name"]


def test_a_correctly_placed_required_is_left_alone(
    make_fragment: Callable[..., dict[str, Any]], ctx: RepairContext
) -> None:
    schema = {
        "type": "object",
        "properties": {"owner": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}},
        "required": ["owner"],
    }
    fragment = make_fragment(response_schema=schema)
    before = copy.deepcopy(fragment)
    hoist_misplaced_required(fragment, ctx)
    assert fragment == before
    assert ctx.report.repairs == []


def test_required_names_that_exist_nowhere_are_an_error(
    make_fragment: Callable[..., dict[str, Any]], ctx: RepairContext
) -> None:
    schema = {"type": "object", "properties": {"count": {"type": "integer"}}, "required": ["count", "ghost"]}
    fragment = make_fragment(response_schema=schema)
    hoist_misplaced_required(fragment, ctx)
    with pytest.raises(SpecError) as raised:
        reject_undefined_required(fragment, ctx)
    assert raised.value.pointer.endswith("/responses/200/content/application~1json/schema/required")
    assert "['ghost']" in raised.value.message


@pytest.mark.parametrize(
    ("status", "description"),
    [
        ("200", "OK"),
        ("404", "Not Found"),
        ("default", "Unexpected error"),
        ("4XX", "Client error"),
        ("299", "HTTP 299"),
    ],
)
def test_missing_response_descriptions_are_added(
    make_fragment: Callable[..., dict[str, Any]], ctx: RepairContext, status: str, description: str
) -> None:
    fragment = make_fragment()
    operation = fragment["paths"]["/v9/things/list"]["get"]
    operation["responses"] = {status: operation["responses"]["200"]}
    add_missing_response_descriptions(fragment, ctx)
    assert operation["responses"][status]["description"] == description
    assert ctx.report.repairs[0].pointer == f"/paths/~1v9~1things~1list/get/responses/{status}/description"


def test_existing_response_descriptions_are_kept(
    make_fragment: Callable[..., dict[str, Any]], ctx: RepairContext
) -> None:
    fragment = make_fragment()
    fragment["paths"]["/v9/things/list"]["get"]["responses"]["200"]["description"] = "The things."
    add_missing_response_descriptions(fragment, ctx)
    assert fragment["paths"]["/v9/things/list"]["get"]["responses"]["200"]["description"] == "The things."


def test_every_defect_repair_is_a_no_op_the_second_time(seed_fragments: list[Fragment], ctx: RepairContext) -> None:
    for fragment in seed_fragments:
        for rule in DEFECT_REPAIRS:
            rule(fragment.document, ctx)
    assert len(ctx.report.repairs) == 7  # 3 bodies, 1 required list, 3 descriptions
    repaired = copy.deepcopy([fragment.document for fragment in seed_fragments])
    ctx.report.repairs.clear()
    for fragment in seed_fragments:
        for rule in DEFECT_REPAIRS:
            rule(fragment.document, ctx)
    assert ctx.report.repairs == []
    assert [fragment.document for fragment in seed_fragments] == repaired
