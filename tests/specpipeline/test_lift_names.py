"""Names for new shapes as good as the hand-named ones: never a bare generic word.

Every component of spec/openapi.json, and every model class of the generated client, must have a
word that is not in ``lift.GENERIC_WORDS`` (``Info``, ``Kind``, ``Details``, ``Data``, ``Item``…): held
here for the committed fragments, and for all 15 of the vendor's service-endpoints folder (with the
two model-endpoints fragments, added the documented way in a copy and regenerated), whose new shapes
are named by the editorial file and, without it (in a copy), by rule from the operation and the
property path.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from specpipeline.build import load_editorial
from specpipeline.context import RepairContext
from specpipeline.enrich import qualify_components_named_by_editorial
from specpipeline.lift import GENERIC_WORDS, is_generic
from specpipeline.report import Report

from tests.conftest import SHARED

from .conftest import ROOT, broken_fragment, copy_project, run_script

MODEL_ENDPOINTS = SHARED / "upstream" / "2026-08-21" / "model-endpoints"


def component_names(project: Path) -> list[str]:
    spec = json.loads((project / "spec" / "openapi.json").read_text(encoding="utf-8"))
    return sorted(spec["components"]["schemas"])


def model_class_names(project: Path) -> list[str]:
    """The classes the generated ``models`` package exports (its lazy ``__init__`` imports each)."""
    text = (project / "generated" / "aimlapi_billing_client" / "models" / "__init__.py").read_text(encoding="utf-8")
    return sorted(set(re.findall(r"^\s+from \.\w+ import (\w+)$", text, re.MULTILINE)))


def test_the_generic_words_include_those_the_vendors_new_shapes_got() -> None:
    assert {"Info", "Kind", "Details", "Data", "Item", "Items", "Type", "Status", "Value"} <= GENERIC_WORDS
    assert [is_generic(name) for name in ("Info", "DataItem", "Data1", "ItemsItem", "ModelInfo", "PricingKind")] == [
        True,
        True,
        True,
        True,
        False,
        False,
    ]


def test_no_committed_component_or_model_has_a_generic_name() -> None:
    names = component_names(ROOT) + model_class_names(ROOT)
    assert len(names) > len(component_names(ROOT))
    assert [name for name in names if is_generic(name)] == []


#: The operations of the two model-endpoints fragments: the editorial file names their shapes, which
#: the copy below takes out to see the names the rules give.
MODEL_OPERATIONS = ("GET /v1/models", "GET /models/metrics")


def test_every_listed_fragment_is_committed_and_the_model_endpoints_have_editorial_names() -> None:
    names = set(component_names(ROOT))
    listed = json.loads((ROOT / "spec" / "sources.json").read_text())["files"]
    assert sorted(listed) == sorted(path.name for path in (ROOT / "spec" / "fragments").glob("*.json"))
    editorial = load_editorial(ROOT / "spec" / "editorial.yaml")["operations"]
    for operation in MODEL_OPERATIONS:
        entry = editorial[operation]
        assert {entry["response_schema"], *entry["schema_names"].values()} <= names, operation


@pytest.fixture(scope="module")
def by_rule(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the committed fragments without the editorial names of the two model-endpoints
    operations, regenerated: their shapes are named by rule only."""
    project = copy_project(tmp_path_factory.mktemp("by_rule") / "project")
    path = project / "spec" / "editorial.yaml"
    editorial = yaml.safe_load(path.read_text(encoding="utf-8"))
    for operation in MODEL_OPERATIONS:
        del editorial["operations"][operation]
    path.write_text(yaml.safe_dump(editorial, sort_keys=False), encoding="utf-8")
    result = run_script(project, "regenerate.py", "--quiet", "--no-bump")
    assert result.returncode == 0, result.stdout + result.stderr
    return project


def test_the_shapes_of_the_committed_fragments_are_named_by_rule(by_rule: Path) -> None:
    names = component_names(by_rule)
    assert [name for name in names + model_class_names(by_rule) if is_generic(name)] == []
    expected = {
        "MetricsDurationMs",  # models[].metrics.duration_ms (tps and ttft_ms are the same shape)
        "Model",  # data[] of GET /v1/models: the resource itself
        "ModelDetails",  # ?details (its enum)
        "ModelInfo",  # data[].info
        "ModelMetric",  # models[] of GET /models/metrics: both path segments, in the path's order
        "ModelMetrics",  # models[].metrics
        "ModelModalities",  # data[].modalities
        "ModelPricing",  # data[].pricing
        "ModelsMetricsResponse",
        "ModelsResponse",
        "PricingKind",  # data[].pricing.kind
    }
    assert expected <= set(names)
    assert set(names) - set(component_names(ROOT)) <= expected  # nothing else new


def test_a_vendor_component_with_a_generic_name_is_qualified_like_a_lifted_one(editorial: dict[str, Any]) -> None:
    """The vendor's own ``Info`` schema would be a generated class ``Info``: renamed after its operation."""
    fragment = broken_fragment(response_schema={"$ref": "#/components/schemas/Info"})
    fragment["components"] = {"schemas": {"Info": {"type": "object", "properties": {"n": {"type": "integer"}}}}}
    ctx = RepairContext(file="f.json", report=Report(), editorial=editorial)
    qualify_components_named_by_editorial(fragment, ctx)
    assert list(fragment["components"]["schemas"]) == ["GetV9ThingsListInfo"]
    body = fragment["paths"]["/v9/things/list"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/GetV9ThingsListInfo"}
    [line] = ctx.report.repairs
    assert line.detail == "'Info' says nothing: renamed to 'GetV9ThingsListInfo'"
