"""How a place is written: ``file#pointer``, the pointer a URI fragment (RFC 6901 section 6, so a
path template's braces and a space are percent-encoded), never cut; the message is cut instead."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from specpipeline.build import build_from_directory
from specpipeline.cli import build_spec_main, regenerate_main
from specpipeline.errors import MAX_LINE, MIN_MESSAGE, SpecError
from specpipeline.pointer import as_fragment

from .conftest import broken_fragment, write_fragments

ROOT = Path(__file__).resolve().parents[2]
EDITORIAL = ROOT / "spec" / "editorial.yaml"
# A path as long as a vendor's may be, with a template variable whose name has a space.
LONG_PATH = "/v9/" + "/".join(f"segment-number-{n}" for n in range(6)) + "/{thing id}"
LONG_POINTER = "/paths/" + LONG_PATH.replace("/", "~1") + "/get/parameters/0"
ENCODED = LONG_POINTER.replace("{", "%7B").replace("}", "%7D").replace(" ", "%20")


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("/paths/~1v1~1keys~1{prefix}/delete", "/paths/~1v1~1keys~1%7Bprefix%7D/delete"),
        ("/components/schemas/A/properties/a b/$ref", "/components/schemas/A/properties/a%20b/$ref"),
        ('/x/50%/caf\u00e9/"<>|\\^`', "/x/50%25/caf%C3%A9/%22%3C%3E%7C%5C%5E%60"),
        ("/a~0b/c~1d/0/-/x:y@z!$&'()*+,;=?", "/a~0b/c~1d/0/-/x:y@z!$&'()*+,;=?"),
    ],
)
def test_a_pointer_is_written_as_a_uri_fragment(raw: str, fragment: str) -> None:
    assert as_fragment(raw) == fragment


def test_a_refusal_keeps_its_place_whole_and_cuts_the_message() -> None:
    error = SpecError("spec/fragments/keys.json", LONG_POINTER, "why " * 200)
    line = str(error)
    assert line.startswith(f"spec/fragments/keys.json#{ENCODED}: why why")
    assert line.endswith("…")
    assert len(line) == MAX_LINE


def test_a_place_longer_than_the_line_is_still_whole_with_the_start_of_its_message() -> None:
    pointer = "/paths/~1" + "x" * 400
    line = str(SpecError("f.json", pointer, "the reason " * 20))
    assert line.startswith(f"f.json#{pointer}: the reason")
    assert len(line) == len(f"f.json#{pointer}: ") + MIN_MESSAGE


def _ghost_on_a_long_path() -> dict[str, Any]:
    fragment = broken_fragment(path=LONG_PATH)
    ghost = {"name": "ghost_id", "in": "path", "required": True, "schema": {"type": "string"}}
    fragment["paths"][LONG_PATH]["get"]["parameters"] = [ghost]
    return fragment


def test_the_quarantined_line_keeps_the_whole_encoded_pointer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the files are named as given: keep them short
    write_fragments(tmp_path / "fragments", {"things.json": broken_fragment(), "g.json": _ghost_on_a_long_path()})
    assert build_spec_main(["--fragments", "fragments", "--editorial", str(EDITORIAL)]) == 0
    [line] = [line for line in capsys.readouterr().err.splitlines() if line.startswith("quarantined: ")]
    where = f"quarantined: fragments/g.json#{ENCODED}: "
    assert line.startswith(where), line
    assert "…" not in line[: len(where)]
    assert "left out: path parameter 'ghost_id' is not in the path template" in line
    assert line.endswith("…")  # the reason, cut to fit
    assert len(line) <= MAX_LINE + len("quarantined: ")


def test_the_repair_report_writes_pointers_the_same_way() -> None:
    report = build_from_directory(ROOT / "spec" / "fragments", EDITORIAL, ROOT / "spec" / "overlays").report.render()
    assert "keys-delete.json#/paths/~1v1~1keys~1%7Bprefix%7D/delete/operationId: " in report
    assert "{prefix}/" not in report.replace("'/v1/keys/{prefix}'", "")


def test_a_whole_file_refusal_keeps_the_whole_encoded_pointer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = json.dumps({"openapi": "3.0.0", "paths": {LONG_PATH: {"get": {"x-n": "NAN"}}}}).replace('"NAN"', "NaN")
    write_fragments(tmp_path / "fragments", {"bad.json": text})
    assert build_spec_main(["--fragments", "fragments", "--editorial", str(EDITORIAL)]) == 2
    [line] = capsys.readouterr().err.splitlines()
    pointer = ENCODED.removesuffix("/parameters/0") + "/x-n"
    assert line.startswith(f"error: fragments/bad.json#{pointer}: NaN is not a JSON number")
    assert len(line) <= MAX_LINE


@pytest.mark.parametrize("main", [build_spec_main, regenerate_main])
def test_the_commands_help_states_the_quarantine_rules(main: Any, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "a $ref loop the generator cannot build: through bare references, allOf, anyOf/oneOf or array items" in text
    assert "The pointer is whole and written as a URI fragment (RFC 6901: a brace reads %7B)" in text
