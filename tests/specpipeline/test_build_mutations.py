"""The mutation corpus: each defect class, injected at several depths into each of the fragments.

The corpus is built here from the committed fragments (those spec/sources.json lists). For every
class and depth, the mutated
fragments are built together and the result must be either repaired, with the report line of the
class's rule at the right place in the right file, or the operation quarantined with the right
file#pointer: never an exception, never a wrong document. "Not wrong" is checked as strictly as the
class allows: a misplaced ``required`` list repaired gives back byte for byte the document the
unmutated fragments give; a nullable object or enum gives a document whose generated model (the
pinned generator, run here) parses ``null`` in that field; every mutated document is clean under
the pinned linters.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_api.examples import example
from specpipeline.build import BuildResult, build_document, load_editorial
from specpipeline.errors import SpecError
from specpipeline.fragments import Fragment, parse_fragment
from specpipeline.generate import PACKAGE_NAME, generate_package
from specpipeline.overlay import load_overlays
from specpipeline.pointer import join

from .conftest import fragment_operations, listed_fragments

ROOT = Path(__file__).resolve().parents[2]
EDITORIAL = load_editorial(ROOT / "spec" / "editorial.yaml")
OVERLAYS = load_overlays(ROOT / "spec" / "overlays")
FRAGMENTS = listed_fragments()
DEPTHS = (0, 1, 2)
LINT = ROOT / "tools" / "lint"
BIN = LINT / "node_modules" / ".bin"

# A mutation changes one fragment's document in place at a depth and returns the pointers where the
# rule must report (repairable classes) or the quarantine must point (the others); None when the
# fragment offers no place for it there. Those of REPAIRED_TO_THE_ORIGINAL take `broken=False` to
# make only the correct changes they need (a `required` list to misplace), for the expected document.
Mutation = Callable[..., list[str] | None]


def _body(document: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The first success response body schema of the fragment's operation, and its pointer."""
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for status, response in operation.get("responses", {}).items():
                if status.startswith("2"):
                    schema = response["content"]["application/json"]["schema"]
                    return schema, join(
                        "", "paths", path, method, "responses", status, "content", "application/json", "schema"
                    )
    raise AssertionError("every fragment has a success body")


def _objects(schema: Any, at: str, depth: int = 0) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """``(depth, pointer, object)`` for each inline object with properties; array items count as
    the depth of the property holding the array."""
    if not isinstance(schema, dict):
        return
    if isinstance(schema.get("properties"), dict):
        yield depth, at, schema
        for name, child in schema["properties"].items():
            yield from _objects(child, join(at, "properties", name), depth + 1)
    if isinstance(schema.get("items"), dict):
        yield from _objects(schema["items"], join(at, "items"), depth)


def _first(
    document: dict[str, Any], depth: int, fits: Callable[[dict[str, Any]], bool]
) -> tuple[str, dict[str, Any]] | None:
    schema, at = _body(document)
    return next(((ptr, obj) for d, ptr, obj in _objects(schema, at) if d == depth and fits(obj)), None)


def _required_where_it_belongs(obj: dict[str, Any]) -> bool:
    """Not the vendor's own misplaced list: one defect at a time, so the expected document is known."""
    return all(name in obj["properties"] for name in obj.get("required", []))


def _with_required(document: dict[str, Any], depth: int) -> tuple[str, dict[str, Any]] | None:
    """The first object at ``depth``, given a ``required`` list if it has none (a correct schema)."""
    found = _first(document, depth, _required_where_it_belongs)
    if found is not None and not found[1].get("required"):
        found[1]["required"] = [next(iter(found[1]["properties"]))]
    return found


def _required_inside_a_property(document: dict[str, Any], depth: int, broken: bool = True) -> list[str] | None:
    """The seed's defect: an object's ``required`` list written inside one of its properties."""
    found = _with_required(document, depth)
    if found is None:
        return None
    at, obj = found
    name = next(iter(obj["properties"]))
    if broken:
        child = obj["properties"][name]
        child["required"] = obj.pop("required") + child.get("required", [])
    return [join(at, "properties", name, "required")]


def _required_as_a_property(document: dict[str, Any], depth: int, broken: bool = True) -> list[str] | None:
    """``required`` written as a member of ``properties``: an array of strings, not a schema."""
    found = _with_required(document, depth)
    if found is None:
        return None
    at, obj = found
    if broken:
        obj["properties"]["required"] = obj.pop("required")
    return [join(at, "properties", "required")]


def _child_with_own_required(obj: dict[str, Any]) -> str | None:
    """A child whose ``required`` list, moved up, names the properties of that child alone: names
    several children have (``metrics``' three percentile objects) say nothing of where they belong,
    and are quarantined rather than guessed."""
    targets = {name: child.get("items", child) for name, child in obj["properties"].items() if isinstance(child, dict)}
    for name, target in targets.items():
        if (
            isinstance(target, dict)
            and target.get("required")
            and isinstance(target.get("properties"), dict)
            and not set(target["required"]) & set(obj["properties"])
            and not any(
                isinstance(other, dict) and set(target["required"]) <= set(other.get("properties") or {})
                for other_name, other in targets.items()
                if other_name != name
            )
        ):
            return name
    return None


def _required_one_level_up(document: dict[str, Any], depth: int, broken: bool = True) -> list[str] | None:
    """A child's ``required`` list written on its parent (a child is added where none has one)."""
    found = _first(document, depth, _required_where_it_belongs)
    if found is None:
        return None
    at, obj = found
    name = _child_with_own_required(obj)
    if name is None:
        name = "mutant_child"
        child_schema = {"type": "string", "description": "a property to be required"}
        obj["properties"][name] = {"type": "object", "properties": {"mutant_a": child_schema}, "required": ["mutant_a"]}
    if broken:
        child = obj["properties"][name]
        target = child.get("items", child)
        obj["required"] = obj.get("required", []) + target.pop("required")
    return [join(at, "required")]


def _nullable_object(document: dict[str, Any], depth: int) -> list[str] | None:
    """``nullable: true`` on an object that is lifted to a component (one is added to a flat body)."""
    if depth == 0:
        return None  # a body is not a field: nothing to be null in
    found = _first(document, depth, lambda o: "nullable" not in o)
    if found is None:
        parent = _first(document, depth - 1, lambda o: True)
        if parent is None:
            return None
        child = {"type": "object", "properties": {"mutant_note": {"type": "string"}}}
        parent[1]["properties"]["mutant_object"] = child
        found = join(parent[0], "properties", "mutant_object"), child
    at, obj = found
    obj["nullable"] = True
    return [join(at, "nullable")]


def _nullable_enum(document: dict[str, Any], depth: int) -> list[str] | None:
    """A nullable enum, once with ``nullable: true`` and once with null in its list (#1405)."""
    found = _first(document, depth, lambda o: True)
    if found is None:
        return None
    at, obj = found
    obj["properties"]["mutant_state"] = {"type": "string", "enum": ["on", "off"], "nullable": True}
    obj["properties"]["mutant_phase"] = {"type": "string", "enum": ["waxing", "waning", None]}
    return [join(at, "properties", "mutant_phase", "nullable"), join(at, "properties", "mutant_state", "nullable")]


def _undeclared_template_variable(document: dict[str, Any], depth: int) -> list[str] | None:
    """A path template variable no parameter declares (depth: how many path segments follow it)."""
    [(path, item)] = document["paths"].items()
    segments = path.split("/")
    if depth >= len(segments) - 1:
        return None
    segments.insert(len(segments) - depth, "{mutant_id}")
    new_path = "/".join(segments)
    document["paths"] = {new_path: item}
    [(method, operation)] = item.items()
    count = len(operation.get("parameters", []))
    return [join("", "paths", new_path, method, "parameters", count)]


def _parameter_not_in_template(document: dict[str, Any], depth: int) -> list[str] | None:
    """A parameter declared ``in: path`` whose name the template lacks (depth 0: on the operation,
    1: on the path item)."""
    if depth > 1:
        return None
    [(path, item)] = document["paths"].items()
    [(method, operation)] = item.items()
    ghost = {"name": "mutant_id", "in": "path", "required": True, "schema": {"type": "string"}}
    holder = operation if depth == 0 else item
    holder.setdefault("parameters", []).append(ghost)
    return [join("", "paths", path, *([method] if depth == 0 else []), "parameters", len(holder["parameters"]) - 1)]


REPAIRED_TO_THE_ORIGINAL = {
    "hoist-misplaced-required": _required_inside_a_property,
    "required-in-properties": _required_as_a_property,
    "lower-misplaced-required": _required_one_level_up,
}
REPAIRED = {
    **REPAIRED_TO_THE_ORIGINAL,
    "keep-nullable-on-lift": _nullable_object,
    "keep-nullable-on-lift:enum": _nullable_enum,
    "declare-path-parameter": _undeclared_template_variable,
}
QUARANTINED = {"path-parameter-not-in-template": _parameter_not_in_template}


def _mutated(
    mutation: Mutation, depth: int, which: int = 0, every: int = 1, **options: bool
) -> tuple[list[Fragment], dict[str, list[str]]]:
    """The fragments, the ``which``-th of every ``every`` of them mutated."""
    fragments, expected = [], {}
    for index, fragment in enumerate(FRAGMENTS):
        document = copy.deepcopy(fragment.document)
        pointers = mutation(document, depth, **options) if index % every == which else None
        if pointers is not None:
            expected[fragment.name] = pointers
        fragments.append(Fragment(fragment.name, document))
    return fragments, expected


@pytest.fixture(scope="module")
def original() -> BuildResult:
    return build_document(FRAGMENTS, EDITORIAL, OVERLAYS)


@pytest.fixture(scope="module")
def corpus() -> dict[tuple[str, int, int], tuple[BuildResult, dict[str, list[str]]]]:
    """Every class at every depth: the build of the mutated fragments and where each was mutated."""
    built = {}
    for name, mutation in {**REPAIRED, **QUARANTINED}.items():
        # A quarantine needs something left to build: half of the fragments at a time.
        halves = 2 if name in QUARANTINED else 1
        for depth in DEPTHS:
            for half in range(halves):
                fragments, expected = _mutated(mutation, depth, half, halves)
                if expected:
                    built[(name, depth, half)] = (build_document(fragments, EDITORIAL, OVERLAYS), expected)
    return built


def test_the_corpus_covers_every_class_at_several_depths_in_every_fragment(corpus: dict[Any, Any]) -> None:
    for name in {**REPAIRED, **QUARANTINED}:
        keys = [key for key in corpus if key[0] == name]
        assert len({key[1] for key in keys}) >= 2, name
        files = set().union(*(corpus[key][1] for key in keys))
        assert files == {fragment.name for fragment in FRAGMENTS}, f"{name} reaches {len(files)} fragments"


@pytest.mark.parametrize("name", list(REPAIRED))
def test_each_injected_defect_is_repaired_and_reported_where_it_was(corpus: dict[Any, Any], name: str) -> None:
    rule = name.split(":")[0]
    for (class_name, depth, _), (result, expected) in corpus.items():
        if class_name != name:
            continue
        assert result.quarantined == [], (name, depth)
        reported = {(r.file, r.pointer) for r in result.report.repairs if r.rule == rule}
        for file, pointers in expected.items():
            for at in pointers:
                assert (file, at) in reported, (name, depth, file, at)


@pytest.mark.parametrize("name", list(REPAIRED_TO_THE_ORIGINAL))
def test_a_repaired_required_list_gives_back_the_document_of_the_correct_fragments(
    corpus: dict[Any, Any], name: str
) -> None:
    for (class_name, depth, _), (result, _) in corpus.items():
        if class_name == name:
            correct, _ = _mutated(REPAIRED_TO_THE_ORIGINAL[name], depth, broken=False)
            assert result.text == build_document(correct, EDITORIAL, OVERLAYS).text, (name, depth)


def test_a_path_parameter_the_template_lacks_quarantines_exactly_that_operation(
    corpus: dict[Any, Any], original: BuildResult
) -> None:
    operations = len([op for item in original.document["paths"].values() for op in item.values()])
    for (class_name, depth, _), (result, expected) in corpus.items():
        if class_name != "path-parameter-not-in-template":
            continue
        found = {(q.file, q.pointer) for q in result.quarantined}
        assert found == {(file, at) for file, pointers in expected.items() for at in pointers}, depth
        assert all("is not in the path template" in q.reason for q in result.quarantined)
        lines = [str(q) for q in result.quarantined]
        assert all(len(line) <= 300 and "\n" not in line for line in lines)
        assert operations - len(result.quarantined) == 0 or result.document["paths"]


@pytest.mark.parametrize("depth", DEPTHS)
def test_a_number_json_cannot_hold_is_refused_with_file_and_pointer_in_every_fragment(depth: int) -> None:
    for fragment in FRAGMENTS:
        document = copy.deepcopy(fragment.document)
        schema, at = _body(document)
        found = [(ptr, obj) for d, ptr, obj in _objects(schema, at) if d == depth]
        if not found:
            continue
        ptr, obj = found[0]
        obj["example"] = {"value": "MUTANT"}
        text = json.dumps(document).replace('"MUTANT"', "NaN" if depth % 2 else "-Infinity")
        with pytest.raises(SpecError, match="is not a JSON number") as raised:
            parse_fragment(fragment.name, text)
        assert raised.value.pointer == join(ptr, "example", "value")
        assert raised.value.file == fragment.name


def _lint_targets(corpus: dict[Any, Any], tmp_path: Path) -> list[Path]:
    """One file per distinct document (21 cases make 15: repaired ``required`` lists and quarantines
    at several depths give the same bytes), named after the first case that made it."""
    paths: dict[str, Path] = {}
    for (name, depth, half), (result, _) in sorted(corpus.items()):
        if result.text not in paths:
            path = tmp_path / f"{name.replace(':', '-')}-{depth}-{half}.json"
            path.write_text(result.text, encoding="utf-8")
            paths[result.text] = path
    return list(paths.values())


@pytest.mark.slow
@pytest.mark.skipif(not (BIN / "spectral").exists(), reason="the linters are installed by scripts/test.sh")
def test_every_mutated_document_is_clean_under_the_pinned_linters(corpus: dict[Any, Any], tmp_path: Path) -> None:
    documents = [str(path) for path in _lint_targets(corpus, tmp_path)]
    spectral = subprocess.run(
        [
            str(BIN / "spectral"),
            "lint",
            *documents,
            "--ruleset",
            str(LINT / ".spectral.yaml"),
            "--fail-severity",
            "hint",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert spectral.returncode == 0, spectral.stdout[-3000:]
    redocly = subprocess.run(
        [str(BIN / "redocly"), "lint", *documents, "--format", "stylish"],
        capture_output=True,
        text=True,
        check=False,
        cwd=LINT,
    )
    output = redocly.stdout + redocly.stderr
    assert redocly.returncode == 0, output[-3000:]
    assert "warning" not in output.lower().replace("deprecation warning", "")


def _generated(result: BuildResult, tmp_path: Path, package: str) -> Any:
    """Generate the client for ``result`` with the pinned generator; import it as ``package``."""
    spec = tmp_path / "openapi.json"
    spec.write_text(result.text, encoding="utf-8")
    assert generate_package(spec, ROOT / "generator-config.yaml", tmp_path / package) == []  # nothing left out
    sys.path.insert(0, str(tmp_path))
    try:
        return importlib.import_module(f"{package}.models")
    finally:
        sys.path.remove(str(tmp_path))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["keep-nullable-on-lift", "keep-nullable-on-lift:enum"])
def test_the_generated_model_parses_null_where_a_lifted_schema_was_made_nullable(
    corpus: dict[Any, Any], tmp_path: Path, name: str
) -> None:
    result, expected = corpus[(name, 1, 0)]
    generated = _generated(result, tmp_path, f"mutant_{PACKAGE_NAME}_{name.split(':')[-1].replace('-', '_')}")
    components = result.document["components"]["schemas"]
    checked = 0
    for model_name, schema in components.items():
        for prop, field in schema.get("properties", {}).items():
            if not (isinstance(field, dict) and "anyOf" in field):
                continue
            body = example(schema, components)
            body[prop] = None
            parsed = getattr(generated, model_name).from_dict(body)
            assert parsed.to_dict()[prop] is None, (model_name, prop)
            body[prop] = example(field, components)
            assert getattr(generated, model_name).from_dict(body).to_dict()[prop] == body[prop]
            checked += 1
    # Each property made nullable is a field checked here (array items made nullable are not fields).
    fields = [at for pointers in expected.values() for at in pointers if at.split("/")[-3] == "properties"]
    assert checked >= len(fields) > 0


@pytest.mark.slow
def test_a_declared_template_variable_becomes_an_argument_of_the_generated_function(
    corpus: dict[Any, Any], tmp_path: Path
) -> None:
    result, expected = corpus[("declare-path-parameter", 0, 0)]
    assert set(expected) == {fragment.name for fragment in FRAGMENTS}
    for path, item in result.document["paths"].items():
        assert path.endswith("/{mutant_id}")
        for operation in item.values():
            declared = [p for p in operation["parameters"] if p.get("name") == "mutant_id"]
            assert declared == [{"name": "mutant_id", "in": "path", "required": True, "schema": {"type": "string"}}]
    package = f"mutant_{PACKAGE_NAME}_path"
    _generated(result, tmp_path, package)
    modules = sorted((tmp_path / package / "api").glob("*/*.py"))
    operations = [m for m in modules if m.name != "__init__.py"]
    assert len(operations) == len(fragment_operations(FRAGMENTS))
    for module_path in operations:
        module = importlib.import_module(f"{package}.api.{module_path.parent.name}.{module_path.stem}")
        assert "mutant_id" in inspect.signature(module.sync).parameters, module_path


@pytest.mark.slow
def test_enum_values_the_generator_would_name_alike_still_generate(tmp_path: Path) -> None:
    fragments = copy.deepcopy(FRAGMENTS)
    schema, _ = _body(fragments[0].document)
    schema["properties"]["mutant_case"] = {"type": "string", "enum": ["a", "A", "model:chat"]}
    schema.setdefault("required", []).append("mutant_case")
    result = build_document(fragments, EDITORIAL, OVERLAYS)
    generated = _generated(result, tmp_path, f"mutant_{PACKAGE_NAME}_case")
    schemas = result.document["components"]["schemas"]
    [name] = [name for name, component in schemas.items() if component.get("enum") == ["a", "A", "model:chat"]]
    assert name.endswith("MutantCase")  # named by rule: the operation's resource, then the property
    enum = getattr(generated, name)
    assert [(member.name, member.value) for member in enum] == [("A", "a"), ("A_2", "A"), ("MODEL_CHAT", "model:chat")]


@pytest.mark.slow
def test_nullable_beside_a_reference_or_on_a_number_enum_still_accepts_null(tmp_path: Path) -> None:
    """openapi-python-client ignores ``nullable`` beside ``$ref`` (#1243) and on an integer enum."""
    decl = {"type": "object", "properties": {"w": {"type": "string"}}, "required": ["w"]}
    nullable = {
        "refnull": {"$ref": "#/components/schemas/Decl", "nullable": True},
        "allofnull": {"allOf": [{"$ref": "#/components/schemas/Decl"}], "nullable": True, "description": "d"},
        "count": {"type": "integer", "enum": [1, 2], "nullable": True},
    }
    fragment = {
        "openapi": "3.0.0",
        "info": {"title": "AIML API", "version": "1.0.0"},
        "paths": {
            "/v2/credits": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": {
                                "application/json": {
                                    "schema": {"type": "object", "properties": nullable, "required": sorted(nullable)}
                                }
                            },
                        }
                    }
                }
            }
        },
        "components": {"schemas": {"Decl": decl}},
    }
    result = build_document([*FRAGMENTS, Fragment("credits.json", fragment)], EDITORIAL, OVERLAYS)
    assert result.quarantined == []
    generated = _generated(result, tmp_path, f"mutant_{PACKAGE_NAME}_nullref")
    model = generated.CreditsResponse
    present = {"refnull": {"w": "x"}, "allofnull": {"w": "y"}, "count": 2}
    assert model.from_dict(present).to_dict() == present
    for prop in nullable:
        assert model.from_dict({**present, prop: None}).to_dict()[prop] is None, prop
