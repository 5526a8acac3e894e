from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from specpipeline.context import RepairContext
from specpipeline.enrich import (
    apply_bearer_security,
    choose_bearer_scheme,
    controller_operation_id,
    derive_operation_id,
    derive_tag,
    describe_operations,
    document_error_responses,
    name_operations,
)

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
    assert _op(fragment)["tags"] == ["things"]  # the path's resource, as no editorial entry names one


@pytest.mark.parametrize(
    ("path", "tag"),
    [("/v2/billing/detail", "billing"), ("/v1/keys/{prefix}", "keys"), ("/v2/usage", "usage"), ("/{id}/x", "x")],
)
def test_tags_are_derived_from_the_first_path_segment_that_is_not_a_version(path: str, tag: str) -> None:
    assert derive_tag(path) == tag


@pytest.mark.parametrize(
    ("method", "vendor_id", "expected"),
    [
        ("get", "KeysController_listKeys_v1", "list_keys"),
        ("post", "KeysController_createKey_v1", "create_key"),
        ("get", "KeysController_getLatestKey_v1", "get_latest_key"),
        ("delete", "KeysController_postKeys_v1", None),  # the vendor's copy-pasted DELETE
        ("get", "_v2_usage", None),
    ],
)
def test_controller_style_ids_are_read_unless_their_verb_contradicts_the_method(
    method: str, vendor_id: str, expected: str | None
) -> None:
    assert controller_operation_id(method, vendor_id) == expected


def test_a_delete_named_like_a_post_gets_a_name_from_its_method_and_path(ctx: RepairContext) -> None:
    fragment = {"paths": {"/v9/keys/{prefix}": {"delete": {"operationId": "KeysController_postKeys_v1"}}}}
    name_operations(fragment, ctx)
    assert fragment["paths"]["/v9/keys/{prefix}"]["delete"]["operationId"] == "delete_keys_prefix"


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


def test_the_bearer_scheme_most_fragments_declare_wins_whatever_their_order(editorial: dict[str, Any]) -> None:
    usual = {"type": "http", "scheme": "bearer", "bearerFormat": "<YOUR_AIMLAPI_KEY>"}
    management = {"type": "http", "scheme": "bearer", "bearerFormat": "<YOUR_MANAGEMENT_KEY>"}
    documents = [{"components": {"securitySchemes": {"access-token": s}}} for s in (management, usual, usual)]
    assert choose_bearer_scheme(documents, editorial) == ("access-token", usual)
    assert choose_bearer_scheme(documents[::-1], editorial) == ("access-token", usual)


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
    # The pages write "429", servers send 429: an integer, a string of digits accepted.
    assert error["properties"]["statusCode"]["type"] == "integer"
    assert error["properties"]["statusCode"]["x-aimlapi-digits-accepted"] is True
