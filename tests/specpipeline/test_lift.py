from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from specpipeline.context import RepairContext
from specpipeline.enrich import lift_inline_schemas
from specpipeline.lift import LiftTable, member_names, singular
from specpipeline.report import Report

PATH = "/v9/things"
BODY = ("responses", "200", "content", "application/json", "schema")


def _fragment(
    schema: dict[str, Any], path: str = PATH, operation_id: str = "get_things", **extra: Any
) -> dict[str, Any]:
    operation = {
        "operationId": operation_id,
        "responses": {"200": {"content": {"application/json": {"schema": copy.deepcopy(schema)}}}},
        **extra,
    }
    return {"paths": {path: {"get": operation}}}


def _lift(
    fragments: list[dict[str, Any]], editorial: dict[str, Any] | None = None
) -> tuple[list[dict[str, Any]], dict[str, Any], Report]:
    """Lift every fragment and name the schemas together, as a build does."""
    report = Report()
    table = LiftTable()
    for index, fragment in enumerate(fragments):
        ctx = RepairContext(file=f"f{index}.json", report=report, editorial=editorial or {})
        lift_inline_schemas(fragment, ctx)
        table.absorb(ctx.lifts)
    table.assign_names(report)
    return [table.resolve(fragment) for fragment in fragments], table.components, report


def _body(fragment: dict[str, Any], path: str = PATH) -> Any:
    node: Any = fragment["paths"][path]["get"]
    for key in BODY:
        node = node[key]
    return node


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties}


STRING = {"type": "string"}
NULL_OBJECT = {"type": "object", "nullable": True, "enum": [None]}
NULL_STRING = {"type": "string", "nullable": True, "enum": [None]}


def test_inline_objects_are_lifted_children_first_and_identical_ones_shared() -> None:
    schema = _object(
        owner=_object(name={"type": "string", "description": "Who owns it."}),
        previous_owner=_object(name={"type": "string", "description": "Who owned it."}),
        things={"type": "array", "items": _object(id={"type": "integer"})},
    )
    [fragment], components, report = _lift([_fragment(schema)])
    assert sorted(components) == ["Owner", "Thing", "ThingsResponse"]
    response = components["ThingsResponse"]
    assert response["properties"]["owner"] == response["properties"]["previous_owner"] == _ref("Owner")
    assert components["Owner"]["properties"]["name"]["description"] == "Who owns it."
    assert response["properties"]["things"]["items"] == _ref("Thing")
    assert _body(fragment) == _ref("ThingsResponse")
    assert [r.rule for r in report.repairs].count("lift-inline-schema") == 4


def test_editorial_names_by_body_path_win() -> None:
    schema = _object(data={"type": "array", "items": _object(amount=_object(usd={"type": "number"}))})
    editorial = {
        "operations": {
            f"GET {PATH}": {"response_schema": "Ledger", "schema_names": {"data[]": "Entry", "data[].amount": "Money"}}
        }
    }
    _, components, _ = _lift([_fragment(schema)], editorial)
    assert sorted(components) == ["Entry", "Ledger", "Money"]


def test_different_objects_wanting_one_name_are_told_apart_by_their_body_in_any_order() -> None:
    keys = _fragment(_object(owner=_object(key=STRING)), path="/v9/keys", operation_id="list_keys")
    logs = _fragment(_object(owner=_object(log=STRING)), path="/v9/logs", operation_id="list_logs")
    forward = _lift([copy.deepcopy(keys), copy.deepcopy(logs)])
    backward = _lift([copy.deepcopy(logs), copy.deepcopy(keys)])
    assert sorted(forward[1]) == ["KeysResponse", "KeysResponseOwner", "LogsResponse", "LogsResponseOwner"]
    assert json.dumps(forward[1], sort_keys=True) == json.dumps(backward[1], sort_keys=True)
    assert forward[1]["KeysResponseOwner"]["properties"] == {"key": STRING}


def test_names_that_say_nothing_are_qualified_by_their_body() -> None:
    schema = _object(data={"type": "array", "items": _object(id=STRING)})
    _, components, _ = _lift([_fragment(schema)])
    assert sorted(components) == ["ThingsResponse", "ThingsResponseDataItem"]


def test_a_nullable_object_stays_nullable_where_it_is_used_not_in_the_component() -> None:
    schema = _object(
        limit={**_object(usd={"type": "number"}), "nullable": True}, spending_limit=_object(usd={"type": "number"})
    )
    _, components, report = _lift([_fragment(schema)])
    properties = components["ThingsResponse"]["properties"]
    assert properties["limit"] == {"anyOf": [_ref("Limit"), NULL_OBJECT]}
    assert properties["spending_limit"] == _ref("Limit")  # the same object, not nullable here
    assert "nullable" not in components["Limit"]
    assert [r.pointer.rsplit("/", 2)[-2:] for r in report.repairs if r.rule == "keep-nullable-on-lift"] == [
        ["limit", "nullable"]
    ]


def test_a_nullable_enum_loses_its_null_to_the_use_site() -> None:
    schema = _object(
        state={"type": "string", "enum": ["on", "off", None]},
        switch={"type": "string", "enum": ["on", "off"], "nullable": True},
    )
    _, components, _ = _lift([_fragment(schema)])
    assert components["State"] == {"type": "string", "enum": ["on", "off"]}
    properties = components["ThingsResponse"]["properties"]
    assert properties["state"] == properties["switch"] == {"anyOf": [_ref("State"), NULL_STRING]}


def test_a_filter_and_the_field_it_filters_share_one_enum_component() -> None:
    field = {"type": "string", "enum": ["OPEN", "DONE"], "description": "Where it stands."}
    parameters = [{"name": "status", "in": "query", "schema": {"type": "string", "enum": ["OPEN", "DONE"]}}]
    [fragment], components, _ = _lift([_fragment(_object(status=field), parameters=parameters)])
    assert components["Status"] == {"type": "string", "enum": ["OPEN", "DONE"], "description": "Where it stands."}
    assert fragment["paths"][PATH]["get"]["parameters"][0]["schema"] == _ref("Status")


def test_a_repeatable_filter_shares_the_enum_of_its_items() -> None:
    field = {"type": "string", "enum": ["OPEN", "DONE"]}
    array = {"type": "array", "items": {"type": "string", "enum": ["OPEN", "DONE"]}}
    parameters = [{"name": "status", "in": "query", "schema": array}]
    [fragment], components, _ = _lift([_fragment(_object(status=field), parameters=parameters)])
    assert fragment["paths"][PATH]["get"]["parameters"][0]["schema"] == {"type": "array", "items": _ref("Status")}
    assert sorted(components) == ["Status", "ThingsResponse"]


def test_different_enums_wanting_one_name_are_both_qualified() -> None:
    parameters = [{"name": "status", "in": "query", "schema": {"type": "string", "enum": ["OPEN"]}}]
    field = {"type": "string", "enum": ["OPEN", "DONE"]}
    [fragment], components, _ = _lift([_fragment(_object(status=field), parameters=parameters)])
    assert components["ThingsResponseStatus"]["enum"] == ["OPEN", "DONE"]
    assert components["GetThingsStatus"]["enum"] == ["OPEN"]
    assert fragment["paths"][PATH]["get"]["parameters"][0]["schema"] == _ref("GetThingsStatus")


def test_request_bodies_are_lifted_and_share_what_responses_define() -> None:
    limit = _object(usd={"type": "number"})
    fragment = _fragment(_object(limit=limit), operation_id="create_thing")
    fragment["paths"][PATH]["post"] = fragment["paths"][PATH].pop("get")
    fragment["paths"][PATH]["post"]["requestBody"] = {"content": {"application/json": {"schema": _object(limit=limit)}}}
    [lifted], components, _ = _lift([fragment])
    assert sorted(components) == ["CreateThingRequest", "CreateThingResponse", "Limit"]
    body = lifted["paths"][PATH]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == _ref("CreateThingRequest")


def test_lifting_a_lifted_document_changes_nothing() -> None:
    [fragment], components, _ = _lift([_fragment(_object(owner=_object(name=STRING)))])
    fragment["components"] = {"schemas": components}
    before = json.dumps(fragment, sort_keys=True)
    [again], more, report = _lift([fragment])
    assert json.dumps(again, sort_keys=True) == before
    assert more == {}
    assert report.repairs == []


@pytest.mark.parametrize(
    ("plural", "one"),
    [
        ("Models", "Model"),
        ("Entries", "Entry"),
        ("Addresses", "Address"),
        ("Data", "DataItem"),
        ("Status", "StatusItem"),
    ],
)
def test_array_items_are_named_in_the_singular(plural: str, one: str) -> None:
    assert singular(plural) == one


@pytest.mark.parametrize(
    ("values", "names"),
    [
        (["model:chat", "model:ocr"], ["MODEL_CHAT", "MODEL_OCR"]),
        (["day", "model", "day,model"], ["DAY", "MODEL", "DAY_MODEL"]),
        (["TOPUP", "CHARGE"], None),  # the generator's own names read well
        (["a-b", "a_b"], ["A_B", "A_B_2"]),
        (["a", "A"], ["A", "A_2"]),  # the generator itself fails on two members named A
        (["1st", "2nd"], ["V_1ST", "V_2ND"]),
    ],
)
def test_enum_values_that_are_not_identifiers_get_readable_member_names(
    values: list[str], names: list[str] | None
) -> None:
    assert member_names(values) == names


def test_a_second_body_of_one_operation_is_named_by_its_status_and_media_type() -> None:
    fragment = _fragment(_object(id=STRING, owner=_object(name=STRING)))
    responses = fragment["paths"][PATH]["get"]["responses"]
    responses["200"]["content"]["application/xml"] = {"schema": _object(xml_id=STRING, owner=_object(tag=STRING))}
    responses["201"] = {"content": {"application/json": {"schema": _object(created=STRING)}}}
    [lifted], components, _ = _lift([fragment])
    assert sorted(components) == [
        "ThingsResponse",
        "ThingsResponse200ApplicationXml",
        "ThingsResponse200ApplicationXmlOwner",
        "ThingsResponse201ApplicationJson",
        "ThingsResponseOwner",
    ]
    assert _body(lifted) == _ref("ThingsResponse")
