from __future__ import annotations

import copy
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from specpipeline.build import build_document, load_editorial
from specpipeline.errors import SpecError
from specpipeline.fragments import Fragment, load_fragments
from specpipeline.overlay import apply_overlay, load_overlays, parse_overlay
from specpipeline.report import Report

from .conftest import broken_fragment

ROOT = Path(__file__).resolve().parents[2]


def _overlay(actions: list[dict[str, Any]], extends: str | None = None) -> str:
    document: dict[str, Any] = {"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": actions}
    if extends:
        document["extends"] = extends
    return yaml.safe_dump(document)


def test_update_merges_objects_and_remove_deletes_every_selected_node() -> None:
    document = {"a": {"b": 1, "keep": {"x": 1}}, "list": [{"name": "p"}, {"name": "q"}, {"name": "p"}]}
    overlay = parse_overlay(
        "o.yaml",
        _overlay(
            [
                {"target": "$.a", "update": {"b": 2, "keep": {"y": 2}}},
                {"target": "$.list[?@.name == 'p']", "remove": True},
                {"target": "$.list", "update": {"name": "r"}},
            ]
        ),
    )
    report = Report()
    apply_overlay(overlay, document, "doc.json", report)
    assert document == {"a": {"b": 2, "keep": {"x": 1, "y": 2}}, "list": [{"name": "q"}, {"name": "r"}]}
    lines = [str(repair) for repair in report.repairs]
    assert lines[0].endswith("o.yaml#/actions/0: updated doc.json#/a")
    assert [line.split(": ", 1)[1] for line in lines[1:3]] == ["removed doc.json#/list/2", "removed doc.json#/list/0"]


def test_an_action_that_selects_nothing_is_reported_not_an_error() -> None:
    overlay = parse_overlay("o.yaml", _overlay([{"target": "$.nothing", "remove": True}]))
    report = Report()
    document = {"a": 1}
    apply_overlay(overlay, document, "doc.json", report)
    assert document == {"a": 1}
    assert "selects nothing in doc.json" in report.repairs[0].detail


@pytest.mark.parametrize(
    ("text", "pointer", "message"),
    [
        ("overlay: 1.0.0\nactions: [", "", "malformed YAML"),
        ('{"openapi": "3.0.0"}', "/overlay", "Overlay 1.0 document"),
        ("overlay: 1.0.0\nactions: []", "/actions", "non-empty list"),
        (_overlay([{"target": "$.a"}]), "/actions/0", "exactly one of"),
        (_overlay([{"target": "$.a", "update": {}, "remove": True}]), "/actions/0", "exactly one of"),
        (_overlay([{"target": "$.paths[", "remove": True}]), "/actions/0/target", "invalid JSONPath"),
        (_overlay([{"target": "$.a", "update": {"n": float("nan")}}]), "/actions/0/update/n", "not a JSON number"),
    ],
)
def test_a_bad_overlay_is_refused_with_its_file_and_pointer(text: str, pointer: str, message: str) -> None:
    with pytest.raises(SpecError) as raised:
        parse_overlay("spec/overlays/o.yaml", text)
    assert (raised.value.file, raised.value.pointer) == ("spec/overlays/o.yaml", pointer)
    assert message in raised.value.message
    assert "\n" not in str(raised.value)


def test_the_committed_overlay_makes_the_logs_filters_repeatable() -> None:
    editorial = load_editorial(ROOT / "spec" / "editorial.yaml")
    fragments = load_fragments(ROOT / "spec" / "fragments")
    result = build_document(fragments, editorial, load_overlays(ROOT / "spec" / "overlays"))
    parameters = {p["name"]: p for p in result.document["paths"]["/v2/logs"]["get"]["parameters"]}
    assert parameters["status"]["schema"] == {"type": "array", "items": {"$ref": "#/components/schemas/LogStatus"}}
    assert parameters["model"]["schema"]["type"] == "array"
    assert (parameters["status"]["style"], parameters["status"]["explode"]) == ("form", True)
    overlay_lines = [
        r for r in result.report.repairs if r.rule == "overlay" and r.file.endswith("10-logs-repeatable-filters.yaml")
    ]
    assert len(overlay_lines) == 4


def test_the_committed_overlays_give_the_model_endpoints_what_their_docs_pages_say() -> None:
    """complete-model-list.md shows a pricing unit and variant; the metrics fragment's own text says
    `aliases` is repeated. Each action of the two overlays applies."""
    editorial = load_editorial(ROOT / "spec" / "editorial.yaml")
    fragments = load_fragments(ROOT / "spec" / "fragments")
    result = build_document(fragments, editorial, load_overlays(ROOT / "spec" / "overlays"))
    schemas = result.document["components"]["schemas"]
    assert schemas["PricingUnit"]["required"] == ["name", "price", "per"]
    assert schemas["PricingVariant"]["properties"]["when"]["additionalProperties"] == {"type": "string"}
    [aliases] = result.document["paths"]["/models/metrics"]["get"]["parameters"]
    assert (aliases["schema"]["type"], aliases["schema"]["maxItems"], aliases["explode"]) == ("array", 100, True)
    applied = Counter(Path(r.file).name for r in result.report.repairs if r.rule == "overlay")
    assert applied["20-models-pricing-shapes.yaml"] == 2
    assert applied["30-model-metrics-repeatable-aliases.yaml"] == 2


def test_the_committed_money_overlay_states_the_rules_the_models_check() -> None:
    editorial = load_editorial(ROOT / "spec" / "editorial.yaml")
    fragments = load_fragments(ROOT / "spec" / "fragments")
    result = build_document(fragments, editorial, load_overlays(ROOT / "spec" / "overlays"))
    schemas = result.document["components"]["schemas"]
    with_usage = [name for name, schema in schemas.items() if "monthly_usage" in schema.get("properties", {})]
    assert sorted(with_usage) == ["ApiKey", "CreatedApiKey", "LatestApiKey", "ReplacedApiKey"]
    assert all(schemas[name]["properties"]["monthly_usage"]["minimum"] == 0 for name in with_usage)
    assert schemas["TransactionAmount"]["properties"]["usd"]["minimum"] == 0
    assert schemas["KeyLimit"]["properties"]["threshold"]["minimum"] == 0
    assert schemas["CreatedApiKey"]["properties"]["key"]["format"] == "password"
    assert schemas["BillingDetailResponse"]["properties"]["user_id"]["type"] == "integer"
    money = [r for r in result.report.repairs if r.rule == "overlay" and r.file.endswith("20-money-rules.yaml")]
    assert len(money) == 8


def test_a_fragment_overlay_repairs_what_would_be_quarantined(tmp_path: Path) -> None:
    """The vendor publishes DELETE /v1/keys with a path parameter: the overlay says where it goes."""
    editorial = load_editorial(ROOT / "spec" / "editorial.yaml")
    broken = copy.deepcopy(broken_fragment(path="/v9/keys", method="delete"))
    del broken["paths"]["/v9/keys"]["delete"]["requestBody"]
    prefix = {"name": "prefix", "in": "path", "required": True, "schema": {"type": "string"}}
    broken["paths"]["/v9/keys"]["delete"]["parameters"] = [prefix]
    fragments = [*load_fragments(ROOT / "spec" / "fragments"), Fragment("spec/fragments/keys-v9.json", broken)]
    without = build_document(fragments, editorial)
    assert [q.operation for q in without.quarantined] == ["DELETE /v9/keys"]
    fix = _overlay(
        [
            {
                "target": "$.paths",
                "update": {"/v9/keys/{prefix}": json.loads(json.dumps(broken["paths"]["/v9/keys"]))},
            },
            {"target": "$.paths['/v9/keys']", "remove": True},
        ],
        extends="keys-v9.json",
    )
    (tmp_path / "keys.yaml").write_text(fix, encoding="utf-8")
    fixed = build_document(fragments, editorial, load_overlays(tmp_path))
    assert fixed.quarantined == []
    assert "delete" in fixed.document["paths"]["/v9/keys/{prefix}"]


def test_a_document_overlay_applies_to_the_merged_document(tmp_path: Path) -> None:
    editorial = load_editorial(ROOT / "spec" / "editorial.yaml")
    (tmp_path / "contact.yaml").write_text(
        _overlay([{"target": "$.info.contact", "update": {"email": "billing@example.com"}}]), encoding="utf-8"
    )
    result = build_document([Fragment("a.json", broken_fragment())], editorial, load_overlays(tmp_path))
    assert result.document["info"]["contact"]["email"] == "billing@example.com"


def test_an_overlay_for_a_fragment_that_is_gone_is_reported_and_skipped(tmp_path: Path) -> None:
    editorial = load_editorial(ROOT / "spec" / "editorial.yaml")
    (tmp_path / "gone.yaml").write_text(_overlay([{"target": "$.a", "remove": True}], "gone.json"), encoding="utf-8")
    result = build_document([Fragment("a.json", broken_fragment())], editorial, load_overlays(tmp_path))
    assert any("no fragment named 'gone.json'" in r.detail for r in result.report.repairs)


def test_a_document_overlay_that_breaks_the_document_is_named_in_the_refusal(tmp_path: Path) -> None:
    editorial = load_editorial(ROOT / "spec" / "editorial.yaml")
    (tmp_path / "bad.yaml").write_text(_overlay([{"target": "$.info", "update": {"title": 5}}]), encoding="utf-8")
    with pytest.raises(SpecError, match="info with a title and a version is missing") as raised:
        build_document([Fragment("a.json", broken_fragment())], editorial, load_overlays(tmp_path))
    assert raised.value.file.endswith("bad.yaml")
    assert raised.value.pointer == "/actions/0"


def test_a_recursive_target_over_lists_and_objects_removes_every_match() -> None:
    document = {"x": 1, "a": [{"x": 2}, {"b": {"x": 3}}], "c": {"x": 4}, "l": list(range(12))}
    overlay = parse_overlay(
        "o.yaml", _overlay([{"target": "$..x", "remove": True}, {"target": "$.l[1,10]", "remove": True}])
    )
    apply_overlay(overlay, document, "doc.json", Report())
    assert document == {"a": [{}, {"b": {}}], "c": {}, "l": [0, *range(2, 10), 11]}


@pytest.mark.parametrize(
    ("text", "pointer", "message"),
    [
        (
            "overlay: 1.0.0\nactions:\n  - target: $.info\n    update: {x-day: 2026-08-21}\n",
            "/actions/0/update/x-day",
            "date",
        ),
        (
            "overlay: 1.0.0\nactions:\n  - target: $.info\n    update: {x-b: !!binary aGk=}\n",
            "/actions/0/update/x-b",
            "bytes",
        ),
        ("overlay: 1.0.0\nactions:\n  - target: $.info\n    update: {1: one}\n", "/actions/0/update", "not a string"),
    ],
)
def test_an_overlay_value_json_cannot_hold_is_refused_with_its_pointer(text: str, pointer: str, message: str) -> None:
    with pytest.raises(SpecError, match=message) as raised:
        parse_overlay("o.yaml", text)
    assert (raised.value.file, raised.value.pointer) == ("o.yaml", pointer)


def test_an_overlay_that_is_not_utf8_is_one_line_naming_it(tmp_path: Path) -> None:
    (tmp_path / "latin.yaml").write_bytes(
        _overlay([{"target": "$.info", "update": {"x-n": "caf"}}]).encode() + b"# caf\xe9\n"
    )
    with pytest.raises(SpecError, match="not UTF-8: byte 0xe9 at line") as raised:
        load_overlays(tmp_path)
    assert raised.value.file.endswith("latin.yaml")


@pytest.mark.parametrize(
    ("action", "extends", "message"),
    [
        ({"target": "$.paths", "remove": True}, None, "paths is missing"),
        ({"target": "$.paths", "remove": True}, "a.json", "paths is missing"),
        ({"target": "$.info", "remove": True}, None, "info with a title and a version is missing"),
        ({"target": "$", "update": {"openapi": "2.0"}}, None, "openapi is '2.0', not 3.0.x"),
        ({"target": "$.components.schemas.ThingsListResponse", "remove": True}, None, "points to nothing"),
    ],
)
def test_an_overlay_that_breaks_the_document_is_blamed_by_action(
    tmp_path: Path, action: dict[str, Any], extends: str | None, message: str
) -> None:
    editorial = load_editorial(ROOT / "spec" / "editorial.yaml")
    harmless = {"target": "$.info", "update": {"x-note": "first"}}
    (tmp_path / "bad.yaml").write_text(_overlay([harmless, action], extends), encoding="utf-8")
    with pytest.raises(SpecError, match=message) as raised:
        build_document([Fragment("a.json", broken_fragment())], editorial, load_overlays(tmp_path))
    assert (raised.value.file, raised.value.pointer) == (str(tmp_path / "bad.yaml"), "/actions/1")
    assert "\n" not in str(raised.value)
    assert len(str(raised.value)) <= 300


@pytest.mark.parametrize("target", ["$.components.schemas.Transaction", "$..description"])
def test_a_document_overlay_that_invalidates_a_schema_is_blamed_not_the_vendor(tmp_path: Path, target: str) -> None:
    editorial = load_editorial(ROOT / "spec" / "editorial.yaml")
    action = (
        {"target": target, "update": {"type": 7}} if "Transaction" in target else {"target": target, "remove": True}
    )
    (tmp_path / "bad.yaml").write_text(_overlay([action]), encoding="utf-8")
    with pytest.raises(SpecError, match="not valid OpenAPI") as raised:
        build_document(load_fragments(ROOT / "spec" / "fragments"), editorial, load_overlays(tmp_path))
    assert (raised.value.file, raised.value.pointer) == (str(tmp_path / "bad.yaml"), "/actions/0")
    assert "inference id" not in raised.value.message  # no text of the offending value


@pytest.mark.parametrize("version", ["1.9.9", "1.1.0", "2.0.0", "1.0"])
def test_only_overlay_1_0_documents_are_read(version: str) -> None:
    with pytest.raises(SpecError, match=r"OpenAPI Overlay 1\.0 document") as raised:
        parse_overlay("o.yaml", _overlay([{"target": "$.info", "remove": True}]).replace("1.0.0", version))
    assert raised.value.pointer == "/overlay"


def test_an_overlay_named_yml_is_refused_not_skipped(tmp_path: Path) -> None:
    (tmp_path / "fix.yml").write_text(_overlay([{"target": "$.info", "remove": True}]), encoding="utf-8")
    with pytest.raises(SpecError, match=r"read from \*\.yaml files") as raised:
        load_overlays(tmp_path)
    assert raised.value.file.endswith("fix.yml")
