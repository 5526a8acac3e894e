from __future__ import annotations

import json
import typing
from pathlib import Path
from typing import Any

import attrs
import pytest
from specpipeline.build import build_document, build_from_directory, validate
from specpipeline.errors import SpecError
from specpipeline.fragments import Fragment, extract_fragments, load_fragments
from specpipeline.walk import iter_operations

from tests.conftest import SEED_PAGE

from .conftest import broken_fragment

ROOT = Path(__file__).resolve().parents[2]
DETAIL_REQUIRED = ["user_id", "email", "current_balance", "currency", "autotopup_settings"]
ALL_RULES = {
    "drop-bodyless-request-body",
    "hoist-misplaced-required",
    "add-response-description",
    "name-operation",
    "describe-operation",
    "lift-inline-schema",
    "lift-inline-enum",
    "apply-bearer-security",
    "document-error-responses",
}


@pytest.fixture(scope="module")
def built() -> Any:
    return build_from_directory(ROOT / "spec" / "fragments", ROOT / "spec" / "editorial.yaml")


@pytest.fixture(scope="module")
def seed_built(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The document the seed docs page's three fragments make (before the vendor's 2026-08-21 update)."""
    if not SEED_PAGE.exists():
        pytest.skip("the seed docs page lives in ../shared")
    directory = tmp_path_factory.mktemp("seed-fragments")
    for name, text in extract_fragments(str(SEED_PAGE), SEED_PAGE.read_text(encoding="utf-8")).items():
        (directory / name).write_text(text, encoding="utf-8")
    return build_from_directory(directory, ROOT / "spec" / "editorial.yaml")


def test_the_seed_fragments_come_out_valid_with_our_bearer_scheme(seed_built: Any) -> None:
    document = seed_built.document
    validate(document, "openapi.json")
    assert sorted(document["paths"]) == ["/v1/billing/balance", "/v2/billing", "/v2/billing/detail"]
    for _, _, operation, _ in iter_operations(document):
        assert "requestBody" not in operation
        assert operation["security"] == [{"bearerAuth": []}]
    [(name, scheme)] = document["components"]["securitySchemes"].items()
    assert (name, scheme["type"], scheme["scheme"]) == ("bearerAuth", "http", "bearer")
    assert document["components"]["schemas"]["BillingDetailResponse"]["required"] == DETAIL_REQUIRED
    assert seed_built.report.rules_applied() == ALL_RULES - {"lift-inline-enum"}


def test_the_merged_document_is_valid_and_complete(built: Any) -> None:
    document = built.document
    validate(document, "openapi.json")
    assert sorted(document["paths"]) == [
        "/v1/billing/balance",
        "/v2/billing",
        "/v2/billing/detail",
        "/v2/billing/transactions",
    ]
    operation_ids = sorted(op["operationId"] for _, _, op, _ in iter_operations(document))
    assert operation_ids == ["get_balance", "get_billing", "get_billing_detail", "list_transactions"]
    for _, _, operation, _ in iter_operations(document):
        assert "requestBody" not in operation
        assert operation["summary"]
        assert operation["description"]
        assert operation["tags"] == ["billing"]
        assert operation["security"] == [{"access-token": []}]
        assert operation["x-codeSamples"]  # the vendor's extensions survive
        assert {"400", "401", "403", "404", "429", "500", "502", "503", "504"} <= set(operation["responses"])
        assert all(response.get("description") or "$ref" in response for response in operation["responses"].values())
    info = document["info"]
    assert info["description"]
    assert info["contact"]
    assert info["license"]


def test_the_vendors_security_scheme_and_examples_are_kept_not_duplicated(built: Any) -> None:
    components = built.document["components"]
    assert components["securitySchemes"] == {
        "access-token": {
            "scheme": "bearer",
            "bearerFormat": "<YOUR_AIMLAPI_KEY>",
            "type": "http",
            "description": "Bearer key",
        }
    }
    assert components["schemas"]["BillingResponse"]["properties"]["current_balance"]["example"] == 123.45


def test_the_misplaced_required_ends_up_on_billing_detail_response(built: Any) -> None:
    schemas = built.document["components"]["schemas"]
    assert schemas["BillingDetailResponse"]["required"] == DETAIL_REQUIRED
    assert "required" not in schemas["AutoTopupSettings"]
    assert sorted(schemas) == [
        "AutoTopupSettings",
        "BalanceResponse",
        "BillingDetailResponse",
        "BillingResponse",
        "Error",
        "Pagination",
        "Transaction",
        "TransactionAmount",
        "TransactionDirection",
        "TransactionType",
        "TransactionsResponse",
    ]


def test_the_transactions_filters_and_fields_share_one_enum_each(built: Any) -> None:
    document = built.document
    parameters = {p["name"]: p for p in document["paths"]["/v2/billing/transactions"]["get"]["parameters"]}
    transaction = document["components"]["schemas"]["Transaction"]["properties"]
    for parameter, enum in (("direction", "TransactionDirection"), ("type", "TransactionType")):
        reference = {"$ref": f"#/components/schemas/{enum}"}
        assert parameters[parameter]["schema"] == reference
        assert transaction[parameter] == reference
    assert document["components"]["schemas"]["TransactionDirection"]["enum"] == ["TOPUP", "CHARGE"]


def test_the_report_names_every_rule(built: Any) -> None:
    assert built.report.rules_applied() == ALL_RULES
    rendered = built.report.render()
    assert "spec/fragments/billing-detail-v2.json#/paths/~1v2~1billing~1detail/get/requestBody" in rendered


def test_output_is_deterministic_and_matches_the_committed_spec(built: Any) -> None:
    again = build_from_directory(ROOT / "spec" / "fragments", ROOT / "spec" / "editorial.yaml")
    assert again.text == built.text
    assert (ROOT / "spec" / "openapi.json").read_text(encoding="utf-8") == built.text


def test_repairing_the_output_changes_nothing(built: Any, editorial: dict[str, Any]) -> None:
    rebuilt = build_document([Fragment("openapi.json", json.loads(built.text))], editorial)
    assert rebuilt.text == built.text
    assert rebuilt.report.repairs == []


def test_a_new_fragment_with_the_same_defects_comes_out_repaired(editorial: dict[str, Any]) -> None:
    fragments = load_fragments(ROOT / "spec" / "fragments")
    fragments.append(Fragment("new.json", broken_fragment()))
    result = build_document(fragments, editorial)
    operation = result.document["paths"]["/v9/things/list"]["get"]
    assert operation["operationId"] == "get_things_list"
    assert "requestBody" not in operation
    assert operation["security"] == [{"access-token": []}]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ThingsListResponse"
    }
    assert "new.json" in {repair.file for repair in result.report.repairs}


def test_an_invalid_merged_document_is_rejected_before_anything_is_written(editorial: dict[str, Any]) -> None:
    fragment = broken_fragment()
    fragment["paths"]["/v9/things/list"]["get"]["parameters"] = [{"name": "q", "in": "nowhere"}]
    with pytest.raises(SpecError, match="not valid OpenAPI"):
        build_document([Fragment("bad.json", fragment)], editorial)


def test_generated_detail_model_has_required_top_level_fields() -> None:
    from aimlapi_billing_client.models import AutoTopupSettings, BillingDetailResponse
    from aimlapi_billing_client.types import Unset

    for field in attrs.fields(BillingDetailResponse):
        if field.name == "additional_properties":
            continue
        assert field.default is attrs.NOTHING, f"{field.name} should be required"
        assert "Unset" not in str(field.type)
    hints = typing.get_type_hints(AutoTopupSettings)
    assert all(Unset in typing.get_args(hints[f.name]) for f in attrs.fields(AutoTopupSettings) if f.init)
