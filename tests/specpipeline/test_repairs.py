from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

import pytest
from specpipeline.context import RepairContext
from specpipeline.errors import SpecError
from specpipeline.fragments import Fragment
from specpipeline.repairs import DEFECT_REPAIRS
from specpipeline.repairs_paths import (
    add_missing_response_descriptions,
    declare_path_parameters,
    drop_bodyless_request_bodies,
    reject_malformed_path_items,
    reject_unmatched_path_parameters,
)
from specpipeline.repairs_references import inline_references_into_operations, reject_unresolvable_references
from specpipeline.repairs_schemas import (
    hoist_misplaced_required,
    lower_misplaced_required,
    move_required_out_of_properties,
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


def _response_schema(fragment: dict[str, Any], method: str = "get") -> Any:
    return fragment["paths"]["/v9/things/list"][method]["responses"]["200"]["content"]["application/json"]["schema"]


def _owner_schema(**extra: Any) -> dict[str, Any]:
    owner = {"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer"}}}
    return {"type": "object", "properties": {"count": {"type": "integer"}, "owner": owner}, **extra}


def test_a_required_list_written_as_a_member_of_properties_moves_to_the_object(
    make_fragment: Callable[..., dict[str, Any]], ctx: RepairContext
) -> None:
    schema = _owner_schema()
    schema["properties"]["owner"]["properties"]["required"] = ["name"]  # one level down, too
    schema["properties"]["required"] = ["count", "owner"]
    fragment = make_fragment(response_schema=schema)
    move_required_out_of_properties(fragment, ctx)
    repaired = _response_schema(fragment)
    assert repaired["required"] == ["count", "owner"]
    assert repaired["properties"]["owner"]["required"] == ["name"]
    assert "required" not in repaired["properties"]
    assert "required" not in repaired["properties"]["owner"]["properties"]
    assert {r.rule for r in ctx.report.repairs} == {"required-in-properties"}
    assert ctx.report.repairs[0].pointer.endswith("/schema/properties/required")


def test_a_list_of_non_strings_in_properties_is_an_error(
    make_fragment: Callable[..., dict[str, Any]], ctx: RepairContext
) -> None:
    schema = _owner_schema()
    schema["properties"]["required"] = ["count", 3]
    with pytest.raises(SpecError, match="non-strings") as raised:
        move_required_out_of_properties(make_fragment(response_schema=schema), ctx)
    assert raised.value.pointer.endswith("/schema/properties/required")


@pytest.mark.parametrize("on_array", [False, True], ids=["object-child", "array-items"])
def test_a_required_list_one_level_too_high_moves_down_to_the_child_it_names(
    make_fragment: Callable[..., dict[str, Any]], ctx: RepairContext, on_array: bool
) -> None:
    if on_array:
        owner = _owner_schema()["properties"]["owner"]
        schema = {"type": "object", "properties": {"owners": {"type": "array", "items": owner, "required": ["name"]}}}
    else:
        schema = _owner_schema(required=["count", "name", "age"])
    fragment = make_fragment(response_schema=schema)
    lower_misplaced_required(fragment, ctx)
    reject_undefined_required(fragment, ctx)  # nothing left that names no property
    repaired = _response_schema(fragment)
    if on_array:
        assert repaired["properties"]["owners"]["items"]["required"] == ["name"]
        assert "required" not in repaired["properties"]["owners"]
    else:
        assert repaired["required"] == ["count"]
        assert repaired["properties"]["owner"]["required"] == ["name", "age"]
    [repair] = ctx.report.repairs
    assert repair.rule == "lower-misplaced-required"


def test_a_required_list_two_children_could_take_stays_and_is_an_error(
    make_fragment: Callable[..., dict[str, Any]], ctx: RepairContext
) -> None:
    schema = _owner_schema(required=["name"])
    schema["properties"]["buyer"] = copy.deepcopy(schema["properties"]["owner"])
    fragment = make_fragment(response_schema=schema)
    lower_misplaced_required(fragment, ctx)
    assert ctx.report.repairs == []
    with pytest.raises(SpecError, match=r"\['name'\] are not properties"):
        reject_undefined_required(fragment, ctx)


def _path_fragment(path: str, parameters: list[dict[str, Any]]) -> dict[str, Any]:
    return {"paths": {path: {"delete": {"parameters": parameters, "responses": {"200": {"description": "ok"}}}}}}


def test_a_template_variable_without_a_parameter_is_declared(ctx: RepairContext) -> None:
    fragment = _path_fragment("/v9/keys/{prefix}", [{"name": "force", "in": "query", "schema": {"type": "boolean"}}])
    declare_path_parameters(fragment, ctx)
    reject_unmatched_path_parameters(fragment, ctx)
    parameters = fragment["paths"]["/v9/keys/{prefix}"]["delete"]["parameters"]
    assert parameters[1] == {"name": "prefix", "in": "path", "required": True, "schema": {"type": "string"}}
    [repair] = ctx.report.repairs
    assert (repair.rule, repair.pointer) == (
        "declare-path-parameter",
        "/paths/~1v9~1keys~1{prefix}/delete/parameters/1",
    )


def test_a_path_parameter_declared_optional_is_made_required(ctx: RepairContext) -> None:
    fragment = _path_fragment("/v9/keys/{prefix}", [])
    fragment["paths"]["/v9/keys/{prefix}"]["parameters"] = [{"name": "prefix", "in": "path", "schema": {}}]
    declare_path_parameters(fragment, ctx)
    assert fragment["paths"]["/v9/keys/{prefix}"]["parameters"][0]["required"] is True
    assert ctx.report.repairs[0].pointer == "/paths/~1v9~1keys~1{prefix}/parameters/0/required"


def test_a_path_parameter_the_template_lacks_cannot_be_repaired(ctx: RepairContext) -> None:
    fragment = _path_fragment("/v9/keys", [{"name": "prefix", "in": "path", "required": True}])
    declare_path_parameters(fragment, ctx)
    with pytest.raises(SpecError, match="'prefix' is not in the path template '/v9/keys'") as raised:
        reject_unmatched_path_parameters(fragment, ctx)
    assert raised.value.pointer == "/paths/~1v9~1keys/delete/parameters/0"


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("other.json#/components/schemas/Thing", "external $ref"),
        ("https://example.com/s.json", "external $ref"),
        ("#/components/schemas/Missing", "unresolvable $ref"),
    ],
)
def test_references_that_cannot_be_followed_are_errors(
    make_fragment: Callable[..., dict[str, Any]], ctx: RepairContext, ref: str, message: str
) -> None:
    schema = {"type": "object", "properties": {"thing": {"$ref": ref}}, "example": {"$ref": "not checked: data"}}
    fragment = make_fragment(response_schema=schema)
    with pytest.raises(SpecError, match=re.escape(message)) as raised:
        reject_unresolvable_references(fragment, ctx)
    assert raised.value.pointer.endswith("/schema/properties/thing/$ref")


def test_resolvable_local_references_pass(make_fragment: Callable[..., dict[str, Any]], ctx: RepairContext) -> None:
    fragment = make_fragment(response_schema={"$ref": "#/components/schemas/Thing"})
    fragment["components"] = {"schemas": {"Thing": {"type": "object", "properties": {}}}}
    reject_unresolvable_references(fragment, ctx)


def test_a_reference_cycle_is_an_error_naming_the_chain(ctx: RepairContext) -> None:
    document = {
        "paths": {"/v9/a": {"get": {"responses": {"200": {"$ref": "#/components/schemas/A"}}}}},
        "components": {"schemas": {"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}}},
    }
    with pytest.raises(SpecError, match=r"\$ref cycle #/components/schemas/A -> #/components/schemas/B") as raised:
        reject_unresolvable_references(document, ctx)
    assert raised.value.pointer == "/paths/~1v9~1a/get/responses/200/$ref"  # the operation's, not a component's


def _node_schema(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "paths": {
            "/v9/tree": {
                "get": {
                    "responses": {
                        "200": {
                            "content": {
                                "application/json": {"schema": {"type": "object", "properties": {"node": node}}}
                            }
                        }
                    }
                }
            }
        }
    }


NODE_REF = "#/paths/~1v9~1tree/get/responses/200/content/application~1json/schema/properties/node"


def test_a_reference_into_an_inline_schema_becomes_a_copy(ctx: RepairContext) -> None:
    document = _node_schema({"type": "object", "properties": {"id": {"type": "string"}}})
    schema = document["paths"]["/v9/tree"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    schema["properties"]["twin"] = {"$ref": NODE_REF}
    inline_references_into_operations(document, ctx)
    assert schema["properties"]["twin"] == schema["properties"]["node"]
    assert [r.rule for r in ctx.report.repairs] == ["inline-reference-into-operation"]


def test_a_recursive_reference_into_an_inline_schema_is_an_error(ctx: RepairContext) -> None:
    node = {"type": "object", "properties": {"kids": {"type": "array", "items": {"$ref": NODE_REF}}}}
    with pytest.raises(SpecError, match="refers into an operation itself") as raised:
        inline_references_into_operations(_node_schema(node), ctx)
    assert raised.value.pointer.endswith("/properties/node/properties/kids/items/$ref")


def test_a_path_parameter_given_as_a_reference_is_not_declared_twice(ctx: RepairContext) -> None:
    parameter = {"name": "account", "in": "path", "schema": {"type": "string"}}
    document = {
        "paths": {"/v9/{account}": {"get": {"parameters": [{"$ref": "#/components/parameters/Account"}]}}},
        "components": {"parameters": {"Account": parameter}},
    }
    declare_path_parameters(document, ctx)
    reject_unmatched_path_parameters(document, ctx)
    assert document["paths"]["/v9/{account}"]["get"]["parameters"] == [{"$ref": "#/components/parameters/Account"}]
    assert parameter["required"] is True
    assert [r.pointer for r in ctx.report.repairs] == ["/components/parameters/Account/required"]


def test_a_path_key_without_a_leading_slash_is_an_error_naming_it(ctx: RepairContext) -> None:
    with pytest.raises(SpecError, match="a path must start with '/'") as raised:
        reject_malformed_path_items({"paths": {"v9/things": {"get": {}}}}, ctx)
    assert raised.value.pointer == "/paths/v9~1things"
