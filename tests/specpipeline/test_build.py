from __future__ import annotations

import inspect
import json
import typing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from specpipeline.build import build_document, build_from_directory, validate
from specpipeline.errors import SpecError
from specpipeline.fragments import Fragment, extract_fragments, load_fragments
from specpipeline.lift import is_generic
from specpipeline.walk import iter_operations

from tests.conftest import SEED_PAGE
from tests.helpers.quickstart import docs_page

from .conftest import (
    broken_fragment,
    committed_quarantine,
    listed_fragments,
    listed_operations,
    new_quarantines,
)

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
LISTED = listed_fragments()
COMMITTED_QUARANTINE = committed_quarantine()
LISTED_OPERATIONS = listed_operations()


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


def test_the_merged_document_is_valid_and_complete(built: Any, editorial: dict[str, Any]) -> None:
    document = built.document
    validate(document, "openapi.json")
    found = {(path, method): op for path, method, op, _ in iter_operations(document)}
    assert set(found) == LISTED_OPERATIONS
    assert [(entry.file, entry.pointer) for entry in built.quarantined] == [
        (entry.file, entry.pointer) for entry in COMMITTED_QUARANTINE
    ]
    vendor = {(path, method): op for f in LISTED for path, method, op, _ in iter_operations(f.document)}
    tags = {tag["name"] for tag in document["tags"]}
    for (path, method), operation in found.items():
        entry = editorial["operations"].get(f"{method.upper()} {path}", {})
        assert operation["operationId"] == entry.get("operationId", operation["operationId"])
        assert operation["tags"][0] in tags
        if method in ("post", "patch", "put") and "requestBody" in vendor[(path, method)]:  # bodies are kept
            body = operation["requestBody"]["content"]["application/json"]["schema"]
            assert body["$ref"].endswith("Request")
        else:
            assert "requestBody" not in operation
        assert operation["summary"]
        assert operation["description"]
        assert operation["security"] == [{"access-token": []}]
        extensions = {key for key in vendor[(path, method)] if key.startswith("x-")}
        assert extensions <= set(operation)  # the vendor's extensions survive
        assert {"400", "401", "403", "404", "429", "500", "502", "503", "504"} <= set(operation["responses"])
        assert all(response.get("description") or "$ref" in response for response in operation["responses"].values())
    ids = [operation["operationId"] for operation in found.values()]
    assert len(ids) == len(set(ids))
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
    # The committed fragments need these; a fragment added tomorrow may need more (each in the docs'
    # table: the test below).
    assert built.report.rules_applied() >= ALL_RULES
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
    [entry] = new_quarantines(result)
    assert (entry.file, entry.operation) == ("bad.json", "GET /v9/things/list")
    assert entry.pointer.startswith("/paths/~1v9~1things~1list/get/parameters/0")
    assert "not valid OpenAPI" in entry.reason
    assert "{" not in entry.reason  # no dump of the offending node
    assert "/v9/things/list" not in result.document["paths"]
    assert len(list(iter_operations(result.document))) == len(LISTED_OPERATIONS)


def test_when_every_operation_is_quarantined_the_build_is_refused(editorial: dict[str, Any]) -> None:
    fragment = broken_fragment()
    fragment["paths"]["/v9/things/list"]["get"]["parameters"] = [{"name": "id", "in": "path", "required": True}]
    with pytest.raises(SpecError, match="path parameter 'id' is not in the path template") as raised:
        build_document([Fragment("bad.json", fragment)], editorial)
    assert raised.value.pointer == "/paths/~1v9~1things~1list/get/parameters/0"


def test_generated_detail_model_has_required_top_level_fields() -> None:
    from aimlapi_billing_client.models import AutoTopupSettings, BillingDetailResponse
    from aimlapi_billing_client.types import Unset

    parameters = list(inspect.signature(BillingDetailResponse).parameters.values())
    assert [parameter.name for parameter in parameters] == list(BillingDetailResponse.__model_fields__)
    for parameter in parameters:
        assert parameter.default is inspect.Parameter.empty, f"{parameter.name} should be required"
        assert "Unset" not in str(parameter.annotation)
    hints = typing.get_type_hints(AutoTopupSettings)
    assert AutoTopupSettings.__model_fields__
    assert all(Unset in typing.get_args(hints[name]) for name in AutoTopupSettings.__model_fields__)


FRAGMENT_NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12)


@pytest.mark.parametrize("with_names", [True, False], ids=["editorial-names", "derived-names-only"])
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_neither_the_order_nor_the_names_of_the_fragments_change_a_byte(
    editorial: dict[str, Any], with_names: bool, data: st.DataObject
) -> None:
    """Derived names only: every collision (``Data``, ``Limit``, ``DataItem``) is settled by rule."""
    rules = editorial if with_names else {k: v for k, v in editorial.items() if k != "operations"}
    fragments = load_fragments(ROOT / "spec" / "fragments")
    reference = _reference_build(with_names, rules, fragments)
    shuffled = data.draw(st.permutations(fragments))
    names = data.draw(st.lists(FRAGMENT_NAMES, min_size=len(fragments), max_size=len(fragments), unique=True))
    renamed = [Fragment(f"{name}.json", fragment.document) for name, fragment in zip(names, shuffled, strict=True)]
    result = build_document(renamed, rules)
    assert result.text == reference.text
    assert new_quarantines(reference) == []
    # The same operations left out, for the same reasons, whatever the files are called.
    left_out = sorted((entry.operation, entry.pointer, entry.reason) for entry in result.quarantined)
    assert left_out == sorted((entry.operation, entry.pointer, entry.reason) for entry in reference.quarantined)


_REFERENCES: dict[bool, Any] = {}


def _reference_build(with_names: bool, rules: dict[str, Any], fragments: list[Fragment]) -> Any:
    if with_names not in _REFERENCES:
        _REFERENCES[with_names] = build_document(fragments, rules)
    return _REFERENCES[with_names]


def test_derived_names_read_well_and_tell_collisions_apart_by_operation(editorial: dict[str, Any]) -> None:
    """Without the editorial names: each by rule from the operation and the property path."""
    rules = {k: v for k, v in editorial.items() if k != "operations"}
    schemas = build_document(load_fragments(ROOT / "spec" / "fragments"), rules).document["components"]["schemas"]
    assert not [name for name in schemas if is_generic(name)]
    for bad in ("Data", "Data1", "DataItem", "ModelsItem", "Limit1", "Amount", "Group"):
        assert bad not in schemas
    # data[] is the resource (the path's last segment, singular); its fields are named after it
    assert {"Transaction", "TransactionDirection", "TransactionType", "Log", "LogStatus", "LogOrigin"} <= set(schemas)
    assert {"KeyLimit", "KeyScope", "LimitRetention"} <= set(schemas)  # data[].limit.retention: owner "Limit"
    # /v2/usage/detail: "Detail" alone says nothing, so the noun is UsageDetail
    assert {"UsageDetailModel", "UsageDetailGroup", "GroupTokens", "UsageDetailGroupBy"} <= set(schemas)
    # data[] of GET /v1/keys is not the only "Key": each is qualified by its body
    assert {"KeysResponseDataItem", "LatestKeyResponseData", "CreateKeyResponseData"} <= set(schemas)
    assert "DeleteKeysPrefixResponse" in schemas  # the DELETE named like a POST is named by its path


def test_every_rule_the_build_reports_is_in_the_docs_rules_table(built: Any) -> None:
    rules_page = docs_page("contributing/spec-pipeline.md")
    for rule in built.report.rules_applied():
        assert f"| `{rule}` |" in rules_page, rule
