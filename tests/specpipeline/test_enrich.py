from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from specpipeline.context import RepairContext
from specpipeline.enrich import (
    apply_bearer_security,
    choose_bearer_scheme,
    derive_operation_id,
    describe_operations,
    document_error_responses,
    lift_inline_enums,
    lift_inline_schemas,
    name_operations,
)
from specpipeline.errors import SpecError

PATH = "/v9/things/list"


def _op(fragment: dict[str, Any], method: str = "get") -> dict[str, Any]:
    operation: dict[str, Any] = fragment["paths"][PATH][method]
    return operation


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/v2/billing/detail", "get_billing_detail"),
        ("get", "/v1/billing/balance", "get_billing_balance"),
        ("delete", "/v2/keys/{key-id}", "delete_keys_key_id"),
    ],
)
def test_derive_operation_id(method: str, path: str, expected: str) -> None:
    assert derive_operation_id(method, path) == expected


def test_editorial_operation_ids_win_over_the_vendors(ctx: RepairContext) -> None:
    fragment = {"paths": {"/v1/billing/balance": {"get": {"operationId": "_v1_billing_balance"}}}}
    name_operations(fragment, ctx)
    assert fragment["paths"]["/v1/billing/balance"]["get"]["operationId"] == "get_balance"
    assert "'_v1_billing_balance' -> 'get_balance'" in ctx.report.repairs[0].detail


def test_unknown_operations_get_a_derived_id_and_clean_ids_are_kept(
    make_fragment: Callable[..., dict[str, Any]], ctx: RepairContext
) -> None:
    fragment = make_fragment()
    name_operations(fragment, ctx)
    assert _op(fragment)["operationId"] == "get_things_list"
    clean = make_fragment(path="/v9/other")
    clean["paths"]["/v9/other"]["get"]["operationId"] = "list_other_things"
    name_operations(clean, ctx)
    assert clean["paths"]["/v9/other"]["get"]["operationId"] == "list_other_things"


def test_descriptions_come_from_the_editorial_entry_or_are_derived(
    make_fragment: Callable[..., dict[str, Any]], ctx: RepairContext
) -> None:
    fragment = make_fragment(summary="Vendor summary")
    _op(fragment)["responses"]["200"]["description"] = "Every thing there is."
    describe_operations(fragment, ctx)
    assert _op(fragment)["summary"] == "Vendor summary"
    assert _op(fragment)["description"] == "Every thing there is."
    assert _op(fragment)["tags"] == ["billing"]


def test_inline_objects_are_lifted_children_first_and_identical_ones_shared(
    make_fragment: Callable[..., dict[str, Any]], ctx: RepairContext
) -> None:
    owner = {"type": "object", "properties": {"name": {"type": "string"}}}
    schema = {
        "type": "object",
        "properties": {
            "owner": owner,
            "previous_owner": {"type": "object", "properties": {"name": {"type": "string"}}},
            "things": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "integer"}}}},
        },
    }
    fragment = make_fragment(response_schema=schema)
    name_operations(fragment, ctx)
    lift_inline_schemas(fragment, ctx)
    schemas = fragment["components"]["schemas"]
    assert sorted(schemas) == ["Owner", "PreviousOwner", "ThingsItem", "ThingsListResponse"]
    response = schemas["ThingsListResponse"]
    assert response["properties"]["owner"] == {"$ref": "#/components/schemas/Owner"}
    assert response["properties"]["things"]["items"] == {"$ref": "#/components/schemas/ThingsItem"}
    assert _op(fragment)["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ThingsListResponse"
    }


def test_schema_names_from_the_editorial_file_rename_lifted_objects(ctx: RepairContext) -> None:
    schema = {"type": "object", "properties": {"autotopup_settings": {"type": "object", "properties": {}}}}
    fragment = {
        "paths": {
            PATH: {
                "get": {
                    "operationId": "get_x",
                    "responses": {"200": {"content": {"application/json": {"schema": schema}}}},
                }
            }
        }
    }
    lift_inline_schemas(fragment, ctx)
    assert "AutoTopupSettings" in fragment["components"]["schemas"]


def test_two_different_objects_wanting_one_name_is_an_error(
    make_fragment: Callable[..., dict[str, Any]], ctx: RepairContext
) -> None:
    schema = {
        "type": "object",
        "properties": {
            "a": {
                "type": "object",
                "properties": {"owner": {"type": "object", "properties": {"x": {"type": "string"}}}},
            },
            "owner": {"type": "object", "properties": {"y": {"type": "string"}}},
        },
    }
    fragment = make_fragment(response_schema=schema)
    with pytest.raises(SpecError, match="clash with a different schema") as raised:
        lift_inline_schemas(fragment, ctx)
    assert raised.value.pointer.endswith("/schema/properties/owner")


def test_every_operation_is_secured_with_the_chosen_bearer_scheme(
    make_fragment: Callable[..., dict[str, Any]], ctx: RepairContext
) -> None:
    fragment = make_fragment()
    apply_bearer_security(fragment, ctx)
    assert _op(fragment)["security"] == [{"bearerAuth": []}]
    assert fragment["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}


def test_the_vendors_bearer_scheme_is_preferred_over_ours(editorial: dict[str, Any]) -> None:
    vendor = {"type": "http", "scheme": "bearer", "bearerFormat": "<YOUR_AIMLAPI_KEY>"}
    documents: list[dict[str, Any]] = [
        {"components": {"securitySchemes": {"apiKey": {"type": "apiKey", "in": "header", "name": "X"}}}},
        {"components": {"securitySchemes": {"access-token": vendor}}},
    ]
    assert choose_bearer_scheme(documents, editorial) == ("access-token", vendor)
    assert choose_bearer_scheme([{}], editorial)[0] == "bearerAuth"


def test_document_level_security_is_copied_onto_operations(
    make_fragment: Callable[..., dict[str, Any]], ctx: RepairContext
) -> None:
    fragment = make_fragment()
    fragment["security"] = [{"bearerAuth": []}, {}]
    apply_bearer_security(fragment, ctx)
    assert _op(fragment)["security"] == [{"bearerAuth": []}, {}]


def test_documented_error_responses_are_added_and_the_vendors_own_kept(
    make_fragment: Callable[..., dict[str, Any]], ctx: RepairContext
) -> None:
    fragment = make_fragment()
    vendor_404 = {"description": "No such thing."}
    _op(fragment)["responses"]["404"] = vendor_404
    document_error_responses(fragment, ctx)
    responses = _op(fragment)["responses"]
    assert responses["404"] == vendor_404
    assert responses["401"] == {"$ref": "#/components/responses/Unauthorized"}
    assert set(responses) == {"200", "400", "401", "403", "404", "429", "500", "502", "503", "504"}
    unauthorized = fragment["components"]["responses"]["Unauthorized"]
    assert set(unauthorized["content"]) == {"application/json", "application/problem+json"}
    error = fragment["components"]["schemas"]["Error"]
    assert "required" not in error  # both vendor shapes must parse
    assert error["properties"]["statusCode"]["type"] == "string"


def _enum_fragment(parameter_enum: list[str], field_enum: list[str]) -> dict[str, Any]:
    schema = {
        "type": "object",
        "properties": {"status": {"type": "string", "enum": field_enum, "description": "Where it stands."}},
    }
    return {
        "paths": {
            PATH: {
                "get": {
                    "operationId": "get_things",
                    "parameters": [
                        {"name": "status", "in": "query", "schema": {"type": "string", "enum": parameter_enum}}
                    ],
                    "responses": {"200": {"content": {"application/json": {"schema": schema}}}},
                }
            }
        }
    }


def test_a_filter_and_the_field_it_filters_share_one_enum_component(ctx: RepairContext) -> None:
    fragment = _enum_fragment(["OPEN", "DONE"], ["OPEN", "DONE"])
    lift_inline_schemas(fragment, ctx)
    lift_inline_enums(fragment, ctx)
    schemas = fragment["components"]["schemas"]
    assert schemas["Status"] == {"type": "string", "enum": ["OPEN", "DONE"], "description": "Where it stands."}
    assert schemas["ThingsResponse"]["properties"]["status"] == {"$ref": "#/components/schemas/Status"}
    assert _op(fragment)["parameters"][0]["schema"] == {"$ref": "#/components/schemas/Status"}
    assert [r.rule for r in ctx.report.repairs].count("lift-inline-enum") == 2


def test_different_enums_wanting_one_name_fall_back_to_the_parents_name(ctx: RepairContext) -> None:
    fragment = _enum_fragment(["OPEN"], ["OPEN", "DONE"])
    lift_inline_schemas(fragment, ctx)
    lift_inline_enums(fragment, ctx)
    schemas = fragment["components"]["schemas"]
    assert schemas["Status"]["enum"] == ["OPEN", "DONE"]
    assert schemas["GetThingsStatus"]["enum"] == ["OPEN"]
    assert _op(fragment)["parameters"][0]["schema"] == {"$ref": "#/components/schemas/GetThingsStatus"}


def test_lifting_enums_twice_changes_nothing(ctx: RepairContext) -> None:
    fragment = _enum_fragment(["OPEN", "DONE"], ["OPEN", "DONE"])
    lift_inline_schemas(fragment, ctx)
    lift_inline_enums(fragment, ctx)
    before = json.dumps(fragment, sort_keys=True)
    ctx.report.repairs.clear()
    lift_inline_enums(fragment, ctx)
    assert json.dumps(fragment, sort_keys=True) == before
    assert ctx.report.repairs == []
