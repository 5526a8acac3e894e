"""Every shape the spec pipeline lets through generates a checking ``from_dict``: a general union
(objects and scalars), arrays of unions, typed ``additionalProperties``, a number with a default.
The pinned generator writes a package from a spec holding each; it is imported under a name of its
own and its models read good values and refuse bad ones, naming the field."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from specpipeline.build import build_document
from specpipeline.fragments import Fragment, load_fragments
from specpipeline.generate import PACKAGE_NAME, generate_package

from .conftest import broken_fragment

ROOT = Path(__file__).resolve().parents[2]
R = "#/components/schemas/"
NUMBER = {"type": "number"}

SHAPES: dict[str, Any] = {
    "type": "object",
    "properties": {
        "choice": {"anyOf": [{"$ref": R + "Point"}, {"type": "string"}, NUMBER]},
        "mixed": {"type": "array", "items": {"oneOf": [{"$ref": R + "Point"}, {"type": "integer"}]}},
        "maybe": {"type": "array", "items": {"type": "string", "nullable": True}},
        "prices": {"$ref": R + "Prices"},
        "points": {"$ref": R + "Points"},
        "rate": {"type": "number", "default": 0.1},
    },
    "required": ["choice", "mixed"],
}
SCHEMAS = {
    "Point": {"type": "object", "properties": {"x": NUMBER}, "required": ["x"]},
    "Prices": {"type": "object", "additionalProperties": NUMBER},
    "Points": {"type": "object", "additionalProperties": {"$ref": R + "Point"}},
}


@pytest.fixture(scope="module")
def shapes(tmp_path_factory: pytest.TempPathFactory, editorial_for_module: dict[str, Any]) -> Iterator[ModuleType]:
    fragment = broken_fragment(path="/v9/shapes", response_schema=SHAPES)
    fragment["components"] = {"schemas": SCHEMAS}
    result = build_document(
        [*load_fragments(ROOT / "spec" / "fragments"), Fragment("shapes.json", fragment)], editorial_for_module
    )
    assert result.quarantined == []
    root = tmp_path_factory.mktemp("shapes")
    spec = root / "openapi.json"
    spec.write_text(result.text, encoding="utf-8")
    generate_package(spec, ROOT / "generator-config.yaml", root / PACKAGE_NAME)
    for module in (root / PACKAGE_NAME).rglob("*.py"):
        assert "!!!" not in module.read_text(encoding="utf-8"), module
    name = "shapes_client"  # its own name: the committed client is imported as aimlapi_billing_client
    found = importlib.util.spec_from_file_location(
        name, root / PACKAGE_NAME / "__init__.py", submodule_search_locations=[str(root / PACKAGE_NAME)]
    )
    assert found is not None
    assert found.loader is not None
    package = importlib.util.module_from_spec(found)
    sys.modules[name] = package
    found.loader.exec_module(package)
    try:
        yield importlib.import_module(f"{name}.models")
    finally:
        for loaded in [module for module in sys.modules if module == name or module.startswith(name + ".")]:
            del sys.modules[loaded]


@pytest.fixture(scope="module")
def editorial_for_module() -> dict[str, Any]:
    from specpipeline.build import load_editorial

    return load_editorial(ROOT / "spec" / "editorial.yaml")


def _model(models: ModuleType) -> Any:
    """The model of ``GET /v9/shapes``'s answer (named by the pipeline)."""
    [name] = [name for name in dir(models) if name.startswith("Shapes") and name.endswith("Response")]
    return getattr(models, name)


def _error(models: ModuleType, data: dict[str, Any]) -> str:
    with pytest.raises(sys.modules["shapes_client.types"].SchemaError) as caught:
        _model(models).from_dict(data)
    return str(caught.value)


def test_a_union_reads_each_member_in_order(shapes: ModuleType) -> None:
    model = _model(shapes)
    assert model.from_dict({"choice": {"x": 1.5}, "mixed": []}).choice == shapes.Point(x=Decimal("1.5"))
    assert model.from_dict({"choice": "far", "mixed": []}).choice == "far"
    assert model.from_dict({"choice": Decimal("0.1"), "mixed": []}).choice == Decimal("0.1")
    assert model.from_dict({"choice": 0.1, "mixed": []}).choice == Decimal("0.1")
    assert "field 'choice' should be an object or a string or a number, got true" in _error(
        shapes, {"choice": True, "mixed": []}
    )
    # An object that reached a member but broke it: that member's error, named from the outer object.
    assert "field 'choice.x' should be a number, got a string 'a'" in _error(
        shapes, {"choice": {"x": "a"}, "mixed": []}
    )


def test_an_array_of_unions_reads_each_item(shapes: ModuleType) -> None:
    read = _model(shapes).from_dict({"choice": "a", "mixed": [{"x": 2}, 3], "maybe": ["a", None]})
    assert read.mixed == [shapes.Point(x=Decimal(2)), 3]
    assert read.maybe == ["a", None]
    assert "field 'mixed[1]'" in _error(shapes, {"choice": "a", "mixed": [1, "two"]})
    assert "field 'maybe[0]' should be a string or null, got an integer 1" in _error(
        shapes, {"choice": "a", "mixed": [], "maybe": [1]}
    )


def test_typed_additional_properties_are_read_and_checked(shapes: ModuleType) -> None:
    read = _model(shapes).from_dict(
        {"choice": "a", "mixed": [], "prices": {"gpt": 0.000105, "o3": 2}, "points": {"p": {"x": 1}}}
    )
    assert read.prices.additional_properties == {"gpt": Decimal("0.000105"), "o3": Decimal(2)}
    assert read.points["p"] == shapes.Point(x=Decimal(1))
    assert "field 'prices.gpt' should be a number, got a string '1'" in _error(
        shapes, {"choice": "a", "mixed": [], "prices": {"gpt": "1"}}
    )
    assert "the required field 'points.p.x' is missing" in _error(
        shapes, {"choice": "a", "mixed": [], "points": {"p": {}}}
    )


def test_a_number_default_is_a_decimal(shapes: ModuleType) -> None:
    made = _model(shapes)(choice="a", mixed=[])
    assert made.rate == Decimal("0.1")
    assert type(made.rate) is Decimal
    # A float given to a constructor becomes the exact Decimal of its repr; a bool is refused.
    assert _model(shapes)(choice="a", mixed=[], rate=0.3).rate == Decimal("0.3")
    with pytest.raises(ValueError, match="rate"):
        _model(shapes)(choice="a", mixed=[], rate=True)
