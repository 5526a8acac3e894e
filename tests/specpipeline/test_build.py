from __future__ import annotations

import copy
import inspect
import json
import typing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from specpipeline.build import build_document, build_from_directory, load_editorial, validate
from specpipeline.errors import SpecError
from specpipeline.fragments import Fragment, extract_fragments, load_fragments
from specpipeline.lift import is_generic
from specpipeline.walk import iter_operations

from tests.conftest import SEED_PAGE
from tests.helpers.quickstart import docs_page

from .conftest import EN_DASH, broken_fragment, fragment_operations, listed_fragments

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
# What every test compares with: the fragments spec/sources.json lists, and the operations their
# build keeps (a fragment added the documented way may have one the pipeline quarantines).
LISTED = listed_fragments()
COMMITTED_QUARANTINE = build_document(LISTED, load_editorial(ROOT / "spec" / "editorial.yaml")).quarantined
LISTED_OPERATIONS = fragment_operations(LISTED) - {
    (operation.split(" ", 1)[1], operation.split(" ", 1)[0].lower())
    for operation in (entry.operation for entry in COMMITTED_QUARANTINE)
}


def new_quarantines(result: Any) -> list[Any]:
    """What ``result`` quarantines beyond what the committed fragments' build does."""
    known = {(entry.file, entry.pointer) for entry in COMMITTED_QUARANTINE}
    return [entry for entry in result.quarantined if (entry.file, entry.pointer) not in known]


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


def _hostile(change: str) -> dict[str, Any]:
    fragment = broken_fragment()
    operation = fragment["paths"]["/v9/things/list"]["get"]
    body = operation["responses"]["200"]["content"]["application/json"]
    if change == "responses-list":
        operation["responses"] = []
    elif change == "content-list":
        operation["responses"]["200"]["content"] = []
    elif change == "properties-list":
        body["schema"] = {"type": "object", "properties": []}
    elif change == "schema-string":
        body["schema"] = "string"
    elif change == "path-item-list":
        fragment["paths"]["/v9/other"] = [1]
    elif change == "enum-mixed-types":
        body["schema"]["properties"]["s"] = {"type": "string", "enum": ["a", 1]}
    elif change == "untyped-enum-mixed-types":  # the generator cannot parse it: regenerate quarantined it
        body["schema"] = {"enum": [1, "two", None]}
    elif change == "repeated-path-variable":  # the same
        fragment["paths"]["/v9/things/{id}/{id}"] = fragment["paths"].pop("/v9/things/list")
        operation["parameters"] = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]
    elif change == "nullable-string":
        body["schema"]["properties"]["o"] = {"type": "object", "nullable": "yes", "properties": {}}
    elif change == "ref-number":
        body["schema"]["properties"]["o"] = {"$ref": 5}
    elif change == "operation-string":
        fragment["paths"]["/v9/things/list"]["get"] = "x"
    return fragment


@pytest.mark.parametrize(
    "change",
    [
        "responses-list",
        "content-list",
        "properties-list",
        "schema-string",
        "path-item-list",
        "enum-mixed-types",
        "untyped-enum-mixed-types",
        "repeated-path-variable",
        "nullable-string",
        "ref-number",
        "operation-string",
    ],
)
def test_a_malformed_operation_is_quarantined_never_a_crash(editorial: dict[str, Any], change: str) -> None:
    fragments = [*load_fragments(ROOT / "spec" / "fragments"), Fragment("hostile.json", _hostile(change))]
    result = build_document(fragments, editorial)
    assert new_quarantines(result), change
    for entry in new_quarantines(result):
        assert entry.file == "hostile.json"
        assert entry.pointer.startswith("/paths/~1v9~1"), entry
        assert len(str(entry)) <= 300
        assert "\n" not in str(entry)
        assert "Traceback" not in entry.reason
    assert {(path, method) for path, method, _, _ in iter_operations(result.document)} >= LISTED_OPERATIONS


def test_a_vendor_id_given_twice_or_taken_by_the_editorial_file_is_not_used(editorial: dict[str, Any]) -> None:
    copy_paste = broken_fragment(path="/v0/alpha")
    copy_paste["paths"]["/v0/alpha"]["get"]["operationId"] = "get_balance"  # the editorial name of another
    twins = [broken_fragment(path=f"/v0/twin/{n}") for n in "ab"]
    for twin, path in zip(twins, ("/v0/twin/a", "/v0/twin/b"), strict=True):
        twin["paths"][path]["get"]["operationId"] = "list_things"
    fragments = [*load_fragments(ROOT / "spec" / "fragments"), Fragment("c.json", copy_paste)]
    fragments += [Fragment(f"twin-{n}.json", twin) for n, twin in zip("ab", twins, strict=True)]
    result = build_document(fragments, editorial)
    assert new_quarantines(result) == []
    ids = {path: op["operationId"] for path, _, op, _ in iter_operations(result.document)}
    assert ids["/v1/billing/balance"] == "get_balance"
    assert (ids["/v0/alpha"], ids["/v0/twin/a"], ids["/v0/twin/b"]) == ("get_alpha", "get_twin_a", "get_twin_b")


def test_two_fragments_defining_one_operation_differently_are_both_quarantined(editorial: dict[str, Any]) -> None:
    first, second = broken_fragment(), broken_fragment()
    second["paths"]["/v9/things/list"]["get"]["summary"] = "a different summary"
    fragments = [*load_fragments(ROOT / "spec" / "fragments"), Fragment("a.json", first), Fragment("b.json", second)]
    result = build_document(fragments, editorial)
    assert sorted((q.file, q.operation) for q in new_quarantines(result)) == [
        ("a.json", "GET /v9/things/list"),
        ("b.json", "GET /v9/things/list"),
    ]
    assert all("conflicts with the definition in" in q.reason for q in new_quarantines(result))
    assert "/v9/things/list" not in result.document["paths"]


def test_a_broken_component_quarantines_the_operations_that_use_it(editorial: dict[str, Any]) -> None:
    fragment = broken_fragment(response_schema={"$ref": "#/components/schemas/Thing"})
    fragment["paths"]["/v9/other"] = copy.deepcopy(broken_fragment(path="/v9/other")["paths"]["/v9/other"])
    fragment["components"] = {"schemas": {"Thing": {"type": "object", "properties": {"n": {"type": EN_DASH}}}}}
    result = build_document([*load_fragments(ROOT / "spec" / "fragments"), Fragment("c.json", fragment)], editorial)
    # the operation that uses it, then the component that nothing left uses
    assert [(q.file, q.operation) for q in new_quarantines(result)] == [
        ("c.json", "GET /v9/things/list"),
        ("c.json", "components/schemas/Thing"),
    ]
    assert {q.pointer for q in new_quarantines(result)} == {"/components/schemas/Thing/properties/n/type"}
    assert "get" in result.document["paths"]["/v9/other"]
    assert "Thing" not in result.document["components"]["schemas"]


@pytest.mark.parametrize("resource", ["billing", "usage"])
def test_a_derived_id_never_takes_an_existing_operations_name(editorial: dict[str, Any], resource: str) -> None:
    """``GET /v1/billing`` derives ``get_billing``, the editorial name of ``GET /v2/billing``: the
    newcomer keeps its version, in either file order, and nothing existing is quarantined."""
    newcomer = broken_fragment(path=f"/v1/{resource}")
    twins = [broken_fragment(path=f"/v{n}/gadgets") for n in (7, 8)]  # both new, both derive get_gadgets
    committed = load_fragments(ROOT / "spec" / "fragments")
    extra = [Fragment("new.json", newcomer), Fragment("t7.json", twins[0]), Fragment("t8.json", twins[1])]
    forward = build_document([*committed, *extra], editorial)
    backward = build_document([*reversed(extra), *reversed(committed)], editorial)
    assert forward.text == backward.text
    assert new_quarantines(forward) == []
    ids = {(path, method): op["operationId"] for path, method, op, _ in iter_operations(forward.document)}
    assert ids[(f"/v1/{resource}", "get")] == f"get_v1_{resource}"
    assert ids[(f"/v2/{resource}", "get")] == f"get_{resource}"
    assert (ids[("/v7/gadgets", "get")], ids[("/v8/gadgets", "get")]) == ("get_v7_gadgets", "get_v8_gadgets")
    assert len(set(ids.values())) == len(ids)


@pytest.mark.parametrize("name", ["Transaction", "Pagination", "Error"])
def test_a_vendor_schema_never_takes_an_editorial_name(editorial: dict[str, Any], name: str) -> None:
    fragment = broken_fragment(path="/v2/credits", response_schema={"$ref": f"#/components/schemas/{name}"})
    fragment["components"] = {"schemas": {name: {"type": "object", "properties": {"q": {"type": "string"}}}}}
    fragments = [*load_fragments(ROOT / "spec" / "fragments"), Fragment("credits.json", fragment)]
    result = build_document(fragments, editorial)
    assert new_quarantines(result) == []
    schemas = result.document["components"]["schemas"]
    assert schemas[f"GetV2Credits{name}"] == {"type": "object", "properties": {"q": {"type": "string"}}}
    response = result.document["paths"]["/v2/credits"]["get"]["responses"]["200"]["content"]["application/json"]
    assert response["schema"] == {"$ref": f"#/components/schemas/GetV2Credits{name}"}
    committed = json.loads((ROOT / "spec" / "openapi.json").read_text(encoding="utf-8"))["components"]["schemas"]
    assert schemas[name] == committed[name]  # the ledger entry, the page cursor, the error body keep theirs
    qualified = [line for line in result.report.repairs if line.rule == "qualify-vendor-component"]
    assert [(line.file, line.pointer) for line in qualified if line.file == "credits.json"] == [
        ("credits.json", f"/components/schemas/{name}")
    ]


def test_an_openapi_31_fragment_among_30_ones_is_the_one_blamed(editorial: dict[str, Any]) -> None:
    odd = broken_fragment(path="/v9/odd")
    odd["openapi"] = "3.1.0"
    fragments = [
        *load_fragments(ROOT / "spec" / "fragments"),
        Fragment("zz-odd.json", odd),
        Fragment("00-odd.json", odd),
    ]
    with pytest.raises(SpecError, match=r"OpenAPI 3\.0\.x is what the other fragments use") as raised:
        build_document(fragments, editorial)
    assert (raised.value.file, raised.value.pointer) == ("00-odd.json", "/openapi")


def test_each_side_of_a_conflict_names_the_other_file(editorial: dict[str, Any]) -> None:
    first, second = broken_fragment(), broken_fragment()
    second["paths"]["/v9/things/list"]["get"]["summary"] = "a different summary"
    committed = load_fragments(ROOT / "spec" / "fragments")
    result = build_document([*committed, Fragment("a.json", first), Fragment("b.json", second)], editorial)
    reasons = {q.file: q.reason for q in new_quarantines(result)}
    assert reasons == {
        "a.json": "conflicts with the definition in b.json",
        "b.json": "conflicts with the definition in a.json",
    }


def test_a_vendor_api_key_scheme_is_kept_not_rewritten_to_bearer(editorial: dict[str, Any]) -> None:
    fragment = broken_fragment(path="/v2/credits")
    fragment["components"] = {"securitySchemes": {"access-token": {"type": "apiKey", "in": "header", "name": "X-Key"}}}
    result = build_document([*load_fragments(ROOT / "spec" / "fragments"), Fragment("c.json", fragment)], editorial)
    schemes = result.document["components"]["securitySchemes"]
    assert schemes["access-token-apiKey"] == {"type": "apiKey", "in": "header", "name": "X-Key"}
    assert schemes["access-token"]["scheme"] == "bearer"  # the other fragments' scheme is untouched
    assert result.document["paths"]["/v2/credits"]["get"]["security"] == [{"access-token-apiKey": []}]
    assert result.document["paths"]["/v2/billing"]["get"]["security"] == [{"access-token": []}]


def test_differing_top_level_extensions_keep_one_and_report_the_other(editorial: dict[str, Any]) -> None:
    first, second = broken_fragment(path="/v9/a"), broken_fragment(path="/v9/b")
    first["x-logo"], second["x-logo"] = {"url": "a.png"}, {"url": "b.png"}
    forward = build_document([Fragment("a.json", first), Fragment("b.json", second)], editorial)
    backward = build_document([Fragment("b.json", second), Fragment("a.json", first)], editorial)
    assert forward.text == backward.text
    assert new_quarantines(forward) == []
    assert forward.document["x-logo"] in ({"url": "a.png"}, {"url": "b.png"})
    assert [r.rule for r in forward.report.repairs if r.pointer == "/x-logo"] == ["merge-extension"]


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/v9/things/{}", "an empty variable"),
        ("/v9/things/{ }", "an empty variable"),
        ("/v9/things/{id", "a brace without its pair"),
        ("/v9/things/id}", "a brace without its pair"),
        ("/v9/things/{{id}}", "a brace without its pair"),
    ],
)
def test_a_path_template_with_an_empty_or_unbalanced_variable_is_quarantined(
    editorial: dict[str, Any], path: str, reason: str
) -> None:
    """A generator would send ``{}`` literally; the validator cannot even parse an unbalanced one."""
    fragment = broken_fragment(path=path)
    fragment["paths"][path]["post"] = copy.deepcopy(fragment["paths"][path]["get"])
    del fragment["paths"][path]["post"]["requestBody"]
    result = build_document([*load_fragments(ROOT / "spec" / "fragments"), Fragment("t.json", fragment)], editorial)
    assert [(q.file, q.pointer, q.operation) for q in new_quarantines(result)] == [
        ("t.json", f"/paths/{path.replace('/', '~1')}", f"{method} {path}") for method in ("GET", "POST")
    ]
    assert all(reason in q.reason and repr(path) in q.reason for q in new_quarantines(result))
    assert path not in result.document["paths"]
    assert len(list(iter_operations(result.document))) == len(LISTED_OPERATIONS)


LOOP = "#/components/schemas/A -> #/components/schemas/B -> #/components/schemas/A"


def test_every_member_of_a_ref_loop_and_all_that_use_it_are_quarantined_as_part_of_the_loop(
    editorial: dict[str, Any],
) -> None:
    """A -> B -> A: taking A out alone left B's $ref dangling, reported as pointing at nothing."""
    fragment = broken_fragment(response_schema={"$ref": "#/components/schemas/C"})
    other = broken_fragment(path="/v9/other", response_schema={"$ref": "#/components/schemas/A"})
    fragment["paths"]["/v9/other"] = other["paths"]["/v9/other"]
    fragment["paths"]["/v9/fine"] = broken_fragment(path="/v9/fine")["paths"]["/v9/fine"]
    fragment["components"] = {
        "schemas": {
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"$ref": "#/components/schemas/A"},
            "C": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}}},
            "Unused": {"type": "array", "items": {"$ref": "#/components/schemas/B"}},
        }
    }
    result = build_document([*load_fragments(ROOT / "spec" / "fragments"), Fragment("loop.json", fragment)], editorial)
    found = {q.operation: (q.pointer, q.reason) for q in new_quarantines(result)}
    assert set(found) == {
        "GET /v9/things/list",
        "GET /v9/other",
        "components/schemas/A",
        "components/schemas/B",
        "components/schemas/C",
        "components/schemas/Unused",
    }
    assert found["components/schemas/A"] == ("/components/schemas/A/$ref", f"part of the $ref loop {LOOP}")
    assert found["components/schemas/B"] == (
        "/components/schemas/B/$ref",
        "part of the $ref loop #/components/schemas/B -> #/components/schemas/A -> #/components/schemas/B",
    )
    for user in ("GET /v9/things/list", "GET /v9/other", "components/schemas/C", "components/schemas/Unused"):
        assert "uses the $ref loop" in found[user][1] or "$ref cycle" in found[user][1], user
    assert not any("nothing in the fragment" in reason for _, reason in found.values())
    assert "get" in result.document["paths"]["/v9/fine"]
