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
    "keep-nullable-on-lift",
    "apply-bearer-security",
    "document-error-responses",
    "overlay",
}
SEED_RULES = ALL_RULES - {"lift-inline-enum", "keep-nullable-on-lift", "overlay"}
OPERATIONS = {
    ("/v1/billing/balance", "get"): ("get_balance", "billing"),
    ("/v2/billing", "get"): ("get_billing", "billing"),
    ("/v2/billing/detail", "get"): ("get_billing_detail", "billing"),
    ("/v2/billing/transactions", "get"): ("list_transactions", "billing"),
    ("/v2/usage", "get"): ("get_usage", "usage"),
    ("/v2/usage/detail", "get"): ("get_usage_detail", "usage"),
    ("/v2/logs", "get"): ("list_logs", "logs"),
    ("/v1/keys", "get"): ("list_keys", "keys"),
    ("/v1/key", "get"): ("get_latest_key", "keys"),
    ("/v1/keys", "post"): ("create_key", "keys"),
    ("/v1/keys/{prefix}", "patch"): ("update_key", "keys"),
    ("/v1/keys/{prefix}", "put"): ("replace_key", "keys"),
    ("/v1/keys/{prefix}", "delete"): ("delete_key", "keys"),
}


@pytest.fixture(scope="module")
def built() -> Any:
    return build_from_directory(
        ROOT / "spec" / "fragments", ROOT / "spec" / "editorial.yaml", ROOT / "spec" / "overlays"
    )


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
    assert seed_built.report.rules_applied() == SEED_RULES


def test_the_merged_document_is_valid_and_complete(built: Any) -> None:
    document = built.document
    validate(document, "openapi.json")
    found = {(path, method): (op["operationId"], *op["tags"]) for path, method, op, _ in iter_operations(document)}
    assert found == OPERATIONS
    assert built.quarantined == []
    for _, method, operation, _ in iter_operations(document):
        if method in ("post", "patch", "put"):  # the keys endpoints' bodies are kept
            body = operation["requestBody"]["content"]["application/json"]["schema"]
            assert body["$ref"].endswith("KeyRequest")
        else:
            assert "requestBody" not in operation
        assert operation["summary"]
        assert operation["description"]
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
    billing = {
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
    }
    assert billing <= set(schemas)  # the names the convenience layer imports


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
    again = build_from_directory(
        ROOT / "spec" / "fragments", ROOT / "spec" / "editorial.yaml", ROOT / "spec" / "overlays"
    )
    assert again.text == built.text
    assert (ROOT / "spec" / "openapi.json").read_text(encoding="utf-8") == built.text


def test_repairing_the_output_changes_nothing(built: Any, editorial: dict[str, Any]) -> None:
    rebuilt = build_document([Fragment("openapi.json", json.loads(built.text))], editorial)
    assert rebuilt.quarantined == []
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
    fragment["servers"] = [{"url": 5}]
    with pytest.raises(SpecError, match="not valid OpenAPI") as raised:
        build_document([Fragment("bad.json", fragment)], editorial)
    assert (raised.value.file, raised.value.pointer) == ("bad.json", "/servers/0/url")


def test_an_operation_invalid_after_repair_is_quarantined_pointing_into_its_fragment(editorial: dict[str, Any]) -> None:
    fragment = broken_fragment()
    fragment["paths"]["/v9/things/list"]["get"]["parameters"] = [{"name": "q", "in": "nowhere"}]
    result = build_document([*load_fragments(ROOT / "spec" / "fragments"), Fragment("bad.json", fragment)], editorial)
    [entry] = result.quarantined
    assert (entry.file, entry.operation) == ("bad.json", "GET /v9/things/list")
    assert entry.pointer.startswith("/paths/~1v9~1things~1list/get/parameters/0")
    assert "not valid OpenAPI" in entry.reason
    assert "{" not in entry.reason  # no dump of the offending node
    assert "/v9/things/list" not in result.document["paths"]
    assert len(list(iter_operations(result.document))) == len(OPERATIONS)


def test_when_every_operation_is_quarantined_the_build_is_refused(editorial: dict[str, Any]) -> None:
    fragment = broken_fragment()
    fragment["paths"]["/v9/things/list"]["get"]["parameters"] = [{"name": "id", "in": "path", "required": True}]
    with pytest.raises(SpecError, match="path parameter 'id' is not in the path template") as raised:
        build_document([Fragment("bad.json", fragment)], editorial)
    assert raised.value.pointer == "/paths/~1v9~1things~1list/get/parameters/0"


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
