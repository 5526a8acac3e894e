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
    assert sorted(components) == ["Thing", "ThingOwner", "ThingsResponse"]
    response = components["ThingsResponse"]
    assert response["properties"]["owner"] == response["properties"]["previous_owner"] == _ref("ThingOwner")
    assert components["ThingOwner"]["properties"]["name"]["description"] == "Who owns it."
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
    """Both are the ``owner`` of a ``Key`` (/v9/keys, /v8/keys): ``KeyOwner`` would name either."""
    keys = _fragment(_object(owner=_object(key=STRING)), path="/v9/keys", operation_id="list_keys")
    old = _fragment(_object(owner=_object(log=STRING)), path="/v8/keys", operation_id="list_old_keys")
    forward = _lift([copy.deepcopy(keys), copy.deepcopy(old)])
    backward = _lift([copy.deepcopy(old), copy.deepcopy(keys)])
    assert sorted(forward[1]) == ["KeysResponse", "KeysResponseOwner", "OldKeysResponse", "OldKeysResponseOwner"]
    assert json.dumps(forward[1], sort_keys=True) == json.dumps(backward[1], sort_keys=True)
    assert forward[1]["KeysResponseOwner"]["properties"] == {"key": STRING}


def test_a_property_that_only_holds_the_resource_is_named_after_it_and_generic_words_get_its_noun() -> None:
    """``data[]`` of /v9/things is a ``Thing``, its ``info`` a ``ThingInfo`` and, ``Info`` saying
    nothing, the ``kind`` in that a ``ThingInfoKind`` (under ``pricing`` it would be ``PricingKind``)."""
    kind = {"type": "string", "enum": ["a", "b"]}
    schema = _object(data={"type": "array", "items": _object(id=STRING, info=_object(kind=kind))})
    _, components, _ = _lift([_fragment(schema)])
    assert sorted(components) == ["Thing", "ThingInfo", "ThingInfoKind", "ThingsResponse"]


def test_names_that_say_nothing_are_qualified_until_they_do() -> None:
    """/v9/data: the resource itself is ``Data``, which says nothing, and so does ``DataResponseDataItem``."""
    schema = _object(data={"type": "array", "items": _object(id=STRING)})
    _, components, _ = _lift([_fragment(schema, path="/v9/data", operation_id="get_data")])
    assert sorted(components) == ["DataResponse", "GetV9DataDataResponseDataItem"]


def test_a_nullable_object_stays_nullable_where_it_is_used_not_in_the_component() -> None:
    schema = _object(
        limit={**_object(usd={"type": "number"}), "nullable": True}, spending_limit=_object(usd={"type": "number"})
    )
    _, components, report = _lift([_fragment(schema)])
    properties = components["ThingsResponse"]["properties"]
    assert properties["limit"] == {"anyOf": [_ref("ThingLimit"), NULL_OBJECT]}
    assert properties["spending_limit"] == _ref("ThingLimit")  # the same object, not nullable here
    assert "nullable" not in components["ThingLimit"]
    assert [r.pointer.rsplit("/", 2)[-2:] for r in report.repairs if r.rule == "keep-nullable-on-lift"] == [
        ["limit", "nullable"]
    ]


def test_a_nullable_enum_loses_its_null_to_the_use_site() -> None:
    schema = _object(
        state={"type": "string", "enum": ["on", "off", None]},
        switch={"type": "string", "enum": ["on", "off"], "nullable": True},
    )
    _, components, _ = _lift([_fragment(schema)])
    assert components["ThingState"] == {"type": "string", "enum": ["on", "off"]}
    properties = components["ThingsResponse"]["properties"]
    assert properties["state"] == properties["switch"] == {"anyOf": [_ref("ThingState"), NULL_STRING]}


def test_a_filter_and_the_field_it_filters_share_one_enum_component() -> None:
    field = {"type": "string", "enum": ["OPEN", "DONE"], "description": "Where it stands."}
    parameters = [{"name": "status", "in": "query", "schema": {"type": "string", "enum": ["OPEN", "DONE"]}}]
    [fragment], components, _ = _lift([_fragment(_object(status=field), parameters=parameters)])
    expected = {"type": "string", "enum": ["OPEN", "DONE"], "description": "Where it stands."}
    assert components["ThingStatus"] == expected
    assert fragment["paths"][PATH]["get"]["parameters"][0]["schema"] == _ref("ThingStatus")


def test_a_repeatable_filter_shares_the_enum_of_its_items() -> None:
    field = {"type": "string", "enum": ["OPEN", "DONE"]}
    array = {"type": "array", "items": {"type": "string", "enum": ["OPEN", "DONE"]}}
    parameters = [{"name": "status", "in": "query", "schema": array}]
    [fragment], components, _ = _lift([_fragment(_object(status=field), parameters=parameters)])
    assert fragment["paths"][PATH]["get"]["parameters"][0]["schema"] == {"type": "array", "items": _ref("ThingStatus")}
    assert sorted(components) == ["ThingStatus", "ThingsResponse"]


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
    assert sorted(components) == ["CreateThingRequest", "CreateThingResponse", "ThingLimit"]
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
        ("Data", "Data"),  # no plural to undo: the items are named after their owner (see above)
        ("Status", "Status"),
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
