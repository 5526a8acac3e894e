"""The generator's warnings are the pipeline's errors: what it leaves out is quarantined, never listed.

openapi-python-client leaves out an operation it cannot generate ("Endpoint will not be generated")
or a response it cannot parse ("response will be omitted from generated client"), says so as a
warning, and exits 0. Each such operation is quarantined with its fragment's file#pointer and the
generator's reason, the document is built without it, and the change report, the CHANGELOG and
the version never mention it.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from specpipeline.generate import LeftOut, client_operations, missing_from_client, read_warnings

from .conftest import ROOT, add_fragment, broken_fragment, copy_project, run_script

SPEC = json.loads((ROOT / "spec" / "openapi.json").read_text(encoding="utf-8"))
GENERATED = ROOT / "generated" / "aimlapi_billing_client"


def _repeated_variable() -> dict[str, Any]:
    """A path that names one variable twice: the generator will not generate the endpoint."""
    fragment = broken_fragment(path="/v9/things/{id}/{id}")
    parameter = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    fragment["paths"]["/v9/things/{id}/{id}"]["get"]["parameters"] = [parameter]
    return fragment


def _mixed_enum() -> dict[str, Any]:
    """A response enum of a number, a string and null: the generator omits the response."""
    schema = {"type": "object", "properties": {"level": {"enum": [1, "two", None]}}, "required": ["level"]}
    fragment = broken_fragment(path="/v9/levels", response_schema=schema)
    fragment["paths"]["/v9/levels"]["get"]["operationId"] = "_v9_levels"
    return fragment


@pytest.fixture(scope="module")
def with_defects(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("defects") / "project")
    add_fragment(project, "things.json", _repeated_variable())
    add_fragment(project, "levels.json", _mixed_enum())
    return project


def _snapshot(project: Path) -> dict[str, bytes]:
    files = [project / "spec" / "openapi.json", project / "CHANGELOG.md", project / "src/aimlapi_billing/_version.py"]
    files += sorted(path for path in (project / "generated").rglob("*.py") if "__pycache__" not in path.parts)
    return {path.relative_to(project).as_posix(): path.read_bytes() for path in files}


def test_strict_fails_on_what_the_generator_leaves_out_and_writes_nothing(with_defects: Path) -> None:
    before = _snapshot(with_defects)
    result = run_script(with_defects, "regenerate.py", "--quiet", "--strict")
    assert result.returncode == 4, result.stdout + result.stderr
    assert result.stderr.splitlines()[-1] == (
        "error: 2 operation(s) quarantined, 0 overlay(s) not applied, and --strict given"
    )
    assert _snapshot(with_defects) == before


def test_what_the_generator_leaves_out_is_quarantined_with_its_reason_and_not_reported(with_defects: Path) -> None:
    result = run_script(with_defects, "regenerate.py", "--quiet")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = sorted(line for line in result.stderr.splitlines() if line.startswith("quarantined: "))
    assert lines == [
        # Both once left to the generator (its reasons were "Got {int, str}" and "Incorrect path
        # templating"): the pipeline now refuses them itself, so build_spec.py agrees with regenerate.
        "quarantined: spec/fragments/levels.json#/paths/~1v9~1levels/get/responses/200/content/application~1json"
        "/schema/properties/level/enum: GET /v9/levels left out: an enum of mixed types (number, string)",
        "quarantined: spec/fragments/things.json#/paths/~1v9~1things~1%7Bid%7D~1%7Bid%7D: GET /v9/things/{id}/{id} "
        "left out: the path template '/v9/things/{id}/{id}' repeats the variable id",
    ]
    spec = json.loads((with_defects / "spec" / "openapi.json").read_text(encoding="utf-8"))
    assert spec == SPEC  # nothing else changed, so: no change report, no CHANGELOG entry, no bump
    assert "API changes" not in result.stdout
    assert (with_defects / "CHANGELOG.md").read_bytes() == (ROOT / "CHANGELOG.md").read_bytes()
    version = "src/aimlapi_billing/_version.py"
    assert (with_defects / version).read_bytes() == (ROOT / version).read_bytes()
    assert missing_from_client(spec, with_defects / "generated" / "aimlapi_billing_client") == []


def test_the_committed_client_has_every_operation_and_response_of_the_spec() -> None:
    assert missing_from_client(SPEC, GENERATED) == []
    assert set(client_operations(GENERATED)) == {
        (method.upper(), path) for path, item in SPEC["paths"].items() for method in item if method != "parameters"
    }


def test_an_operation_or_a_status_the_client_lacks_is_named() -> None:
    spec = copy.deepcopy(SPEC)
    spec["paths"]["/v9/absent"] = {"get": {"responses": {"200": {"description": "OK"}}}}
    spec["paths"]["/v2/billing"]["get"]["responses"]["299"] = {"description": "a status the module does not parse"}
    # A range or a default is not one status: the module parses it its own way, never "if status == …".
    spec["paths"]["/v2/billing/detail"]["get"]["responses"].update(default={"description": "d"}, **{"5XX": {}})
    assert missing_from_client(spec, GENERATED) == [
        "GET /v2/billing: its module does not parse status 299",
        "GET /v9/absent: no generated module",
    ]


def _warning(header: str, detail: str | None = None, data: Any = None, level: str = "WARNING") -> dict[str, Any]:
    return {"level": level, "header": header, "detail": detail, "data": data}


def test_a_warning_about_anything_but_an_operation_fails_the_run() -> None:
    """A post-hook that could not run (ruff missing), or an error: never skipped as harmless."""
    warnings = [
        _warning("Skipping Integration", "ruff is not in PATH"),
        _warning("WARNING parsing GET /v2/nowhere within nothing.", "not an operation of the document"),
        _warning("Unable to generate the client", "Directory already exists", level="ERROR"),
    ]
    left_out, unexplained = read_warnings(SPEC, warnings)
    assert left_out == []
    assert unexplained == [
        "Skipping Integration ruff is not in PATH",
        "WARNING parsing GET /v2/nowhere within nothing. not an operation of the document",
        "Unable to generate the client Directory already exists",
    ]


def test_a_reason_never_carries_a_memory_address_and_names_the_response() -> None:
    schema = SPEC["paths"]["/v2/billing"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    detail = (
        "Cannot parse response for status code <openapi_python_client.schema.untrusted_string.UntrustedString "
        "object at 0x7f9b9e28f590> (why), response will be omitted from generated client"
    )
    [entry], [] = read_warnings(SPEC, [_warning("WARNING parsing GET /v2/billing within billing.", detail, schema)])
    reason = "openapi-python-client: Cannot parse response for status code 200 (why)"
    assert entry == LeftOut("GET", "/v2/billing", reason, "200")


def test_the_schema_the_generator_dropped_is_named_in_the_reason_the_same_way_every_run() -> None:
    """The generator prints a set of types in hash order; the reason sorts it."""
    ref = "#/components/schemas/BillingResponse"
    schema = SPEC["paths"]["/v2/billing"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": ref}
    for got in ("{<class 'str'>, <class 'int'>}", "{<class 'int'>, <class 'str'>}"):
        warnings = [
            _warning("WARNING parsing GET /v2/billing within billing.", "Cannot parse response (x)", schema),
            _warning(
                "Unable to process schema /components/schemas/BillingResponse:",
                f"Got {got}\n\nFailure to process schema has resulted in the removal of:\n{ref.removeprefix('#')}",
            ),
        ]
        [entry], [] = read_warnings(SPEC, warnings)
        assert entry.reason == f"openapi-python-client: Cannot parse response (x); {ref}: Got {{int, str}}"
