"""The pipeline's commands end to end: exit codes, atomic output, and the drift check."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from specpipeline import atomic, cli
from specpipeline.cli import build_spec_main, extract_main
from specpipeline.fragments import extract_fragments

from tests.conftest import SEED_PAGE

from .conftest import (
    EN_DASH,
    add_fragment,
    broken_fragment,
    copy_project,
    remove_fragment,
    run_script,
    write_fragments,
)

ROOT = Path(__file__).resolve().parents[2]
EDITORIAL = ROOT / "spec" / "editorial.yaml"
PREVIOUS = '{"previous": "document"}\n'


def _build(tmp_path: Path, fragments: dict[str, Any]) -> tuple[int, Path]:
    source = write_fragments(tmp_path / "fragments", fragments)
    output = tmp_path / "out" / "openapi.json"
    output.parent.mkdir()
    output.write_text(PREVIOUS, encoding="utf-8")
    code = build_spec_main(["--fragments", str(source), "--editorial", str(EDITORIAL), "--output", str(output)])
    return code, output


def test_build_writes_the_document_and_prints_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, output = _build(tmp_path, {"things.json": broken_fragment()})
    assert code == 0
    assert json.loads(output.read_text(encoding="utf-8"))["paths"]["/v9/things/list"]["get"]["operationId"]
    assert "drop-bodyless-request-body" in capsys.readouterr().out


def _conflicting() -> dict[str, Any]:
    other = broken_fragment()
    other["paths"]["/v9/things/list"]["get"]["summary"] = "a different summary"
    return {"a.json": broken_fragment(), "b.json": other}


def _bad_type() -> dict[str, Any]:
    fragment = broken_fragment(response_schema={"type": "object", "properties": {"n": {"type": EN_DASH}}})
    return {"bad-type.json": fragment}


@pytest.mark.parametrize(
    ("fragments", "expected"),
    [
        ({"broken.json": '{"openapi": "3.0.0",\n "paths": {'}, "broken.json#/paths: malformed JSON at line 2"),
        (_conflicting(), ".json#/paths/~1v9~1things~1list/get: conflicts with the definition in"),
        (_bad_type(), "bad-type.json#/paths/~1v9~1things~1list/get/responses/200/content/application~1json/schema"),
    ],
    ids=["malformed-json", "conflicting-duplicate-path", "invalid-type-outside-get-body"],
)
def test_bad_input_exits_non_zero_names_file_and_pointer_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fragments: dict[str, Any], expected: str
) -> None:
    code, output = _build(tmp_path, fragments)
    assert code == 2
    assert expected in capsys.readouterr().err
    assert output.read_text(encoding="utf-8") == PREVIOUS
    assert sorted(p.name for p in output.parent.iterdir()) == ["openapi.json"]


def test_a_failure_during_the_write_leaves_the_previous_file_and_no_debris(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "openapi.json"
    target.write_text(PREVIOUS, encoding="utf-8")

    def crash(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(atomic.os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        atomic.write_text_atomically(target, '{"new": true}\n')
    assert target.read_text(encoding="utf-8") == PREVIOUS
    assert [p.name for p in tmp_path.iterdir()] == ["openapi.json"]


@pytest.mark.skipif(not SEED_PAGE.exists(), reason="the seed docs page lives in ../shared")
def test_extract_writes_the_blocks_and_check_catches_a_changed_file(tmp_path: Path) -> None:
    out = tmp_path / "fragments"
    assert extract_main([str(SEED_PAGE), "--out", str(out)]) == 0
    written = (out / "billing-v2.json").read_bytes()
    assert extract_main([str(SEED_PAGE), "--out", str(out), "--check"]) == 0
    (out / "billing-v2.json").write_text("{}", encoding="utf-8")
    assert extract_main([str(SEED_PAGE), "--out", str(out), "--check"]) == 1
    assert extract_main([str(SEED_PAGE), "--out", str(out)]) == 0
    assert (out / "billing-v2.json").read_bytes() == written


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """The parts of the repository the regenerate command reads and writes, copied aside."""
    return copy_project(tmp_path / "project")


def _regenerate(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_script(project, "regenerate.py", *args)


@pytest.mark.slow
def test_drift_check_passes_on_main_and_fails_with_a_diff_when_a_fragment_changes(project_copy: Path) -> None:
    clean = _regenerate(project_copy, "--check", "--quiet")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    fragment = project_copy / "spec" / "fragments" / "billing-v2.json"
    fragment.write_text(fragment.read_text(encoding="utf-8").replace("current user balance", "the balance"))
    drifted = _regenerate(project_copy, "--check", "--quiet")
    assert drifted.returncode == 1
    assert '-            "description": "current user balance in USD."' in drifted.stdout
    assert '+            "description": "the balance in USD."' in drifted.stdout
    assert '+    """ the balance in USD. """' in drifted.stdout
    assert "generated/models/billing_response.py" in drifted.stdout
    assert "is stale" in drifted.stderr


@pytest.mark.parametrize("change", ["unlisted", "absent"])
def test_regenerate_refuses_fragments_that_spec_sources_does_not_list_exactly(project_copy: Path, change: str) -> None:
    """spec/sources.json is the one list of fragments (vendor-check fetches what it names): a file
    dropped in without listing it, or listed and never fetched, is a one-line refusal, exit 2."""
    fragments = project_copy / "spec" / "fragments"
    if change == "unlisted":
        (fragments / "things.json").write_text(json.dumps(broken_fragment()), encoding="utf-8")
        expected = "error: spec/fragments/things.json is not listed in the sources file: list it, or remove the file"
    else:
        (fragments / "usage-v2.json").unlink()
        expected = (
            "error: spec/fragments/usage-v2.json is listed in the sources file but absent: fetch it, or unlist it"
        )
    before = (project_copy / "spec" / "openapi.json").read_bytes()
    result = _regenerate(project_copy, "--quiet")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [expected]
    assert (project_copy / "spec" / "openapi.json").read_bytes() == before


@pytest.mark.slow
def test_drift_check_catches_a_hand_edit_of_generated_code(project_copy: Path) -> None:
    model = project_copy / "generated" / "aimlapi_billing_client" / "models" / "billing_response.py"
    model.write_text(model.read_text(encoding="utf-8") + "\n# hand edit\n", encoding="utf-8")
    result = _regenerate(project_copy, "--check", "--quiet")
    assert result.returncode == 1
    assert "-# hand edit" in result.stdout


@pytest.mark.slow
def test_regenerate_rebuilds_from_scratch_so_stale_modules_disappear(project_copy: Path) -> None:
    stale = project_copy / "generated" / "aimlapi_billing_client" / "api" / "billing" / "get_removed_endpoint.py"
    stale.write_text("# an endpoint the vendor removed\n", encoding="utf-8")
    result = _regenerate(project_copy)
    assert result.returncode == 0, result.stderr
    assert not stale.exists()
    assert "timing: repair+merge+validate" in result.stdout
    assert not list((project_copy / "generated").glob(".aimlapi_billing_client.*"))
    assert not list((project_copy / "generated").rglob(".ruff_cache"))
    assert _regenerate(project_copy, "--check", "--quiet").returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(not SEED_PAGE.exists(), reason="the seed docs page lives in ../shared")
def test_regenerating_after_the_vendors_update_reports_a_minor_change_and_records_it(project_copy: Path) -> None:
    """The real update: the seed's three fragments -> the vendor's 2026-08-21 four."""
    fragments = project_copy / "spec" / "fragments"
    published = {path.name: path.read_bytes() for path in fragments.glob("billing-*.json")}
    for path in fragments.glob("*.json"):
        remove_fragment(project_copy, path.name)
    for name, text in extract_fragments(str(SEED_PAGE), SEED_PAGE.read_text(encoding="utf-8")).items():
        add_fragment(project_copy, name, text.encode("utf-8"))
    version = project_copy / "src" / "aimlapi_billing" / "_version.py"
    version.write_text('"""The version."""\n\n__version__ = "0.1.0"\n')
    assert _regenerate(project_copy, "--no-bump").returncode == 0
    assert version.read_text() == '"""The version."""\n\n__version__ = "0.1.0"\n'
    changelog = project_copy / "CHANGELOG.md"
    changelog.unlink()  # the seed's own generation starts the history
    for name, content in published.items():
        add_fragment(project_copy, name, content)
    result = _regenerate(project_copy)
    assert result.returncode == 0, result.stderr
    report = (
        "## API changes 0.1.0 -> 0.2.0 (minor bump)\n\n"
        "- non-breaking: `GET /v2/billing/transactions`: operation added\n"
    )
    assert report in result.stdout
    assert changelog.read_text(encoding="utf-8") == f"# Changelog\n\n{report}\n"
    assert version.read_text() == '"""The version."""\n\n__version__ = "0.2.0"\n'  # the rest of the file kept
    assert "version 0.1.0 -> 0.2.0 in src/aimlapi_billing/_version.py" in result.stdout
    assert (project_copy / "generated" / "aimlapi_billing_client" / "api" / "billing" / "list_transactions.py").exists()


def _ghost_parameter() -> dict[str, Any]:
    fragment = broken_fragment(path="/v9/ghosts")
    ghost = {"name": "ghost_id", "in": "path", "required": True, "schema": {"type": "string"}}
    fragment["paths"]["/v9/ghosts"]["get"]["parameters"] = [ghost]
    return fragment


def test_a_quarantined_operation_is_left_out_and_reported_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, output = _build(tmp_path, {"things.json": broken_fragment(), "ghosts.json": _ghost_parameter()})
    assert code == 0
    assert list(json.loads(output.read_text(encoding="utf-8"))["paths"]) == ["/v9/things/list"]
    [line] = [line for line in capsys.readouterr().err.splitlines() if line.startswith("quarantined: ")]
    assert "ghosts.json#/paths/~1v9~1ghosts/get/parameters/0: GET /v9/ghosts left out:" in line
    assert "'ghost_id' is not in the path template" in line
    assert len(line) <= 300 + len("quarantined: ")


def test_strict_turns_a_quarantine_into_a_failure_that_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_fragments(
        tmp_path / "fragments", {"things.json": broken_fragment(), "ghosts.json": _ghost_parameter()}
    )
    output = tmp_path / "openapi.json"
    output.write_text(PREVIOUS, encoding="utf-8")
    arguments = ["--fragments", str(source), "--editorial", str(EDITORIAL), "--output", str(output), "--strict"]
    assert build_spec_main(arguments) == 4
    assert "error: 1 operation(s) quarantined, " in capsys.readouterr().err
    assert output.read_text(encoding="utf-8") == PREVIOUS


def test_regenerate_strict_refuses_before_generating(project_copy: Path) -> None:
    add_fragment(project_copy, "ghosts.json", _ghost_parameter())
    before = (project_copy / "spec" / "openapi.json").read_bytes()
    result = _regenerate(project_copy, "--strict", "--quiet")
    assert result.returncode == 4
    assert "spec/fragments/ghosts.json#/paths/~1v9~1ghosts/get/parameters/0: GET /v9/ghosts left out" in result.stderr
    assert (project_copy / "spec" / "openapi.json").read_bytes() == before


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            b'{"openapi": "3.0.0", "paths": {"/v9/a": {"get": {"summary": "caf\xe9"}}}}',
            "#/paths/~1v9~1a/get/summary: not UTF-8",
        ),
        (
            b'{"openapi": "3.0.0", "paths": {"/v9/a": {"get": {"x-n": NaN}}}}',
            "#/paths/~1v9~1a/get/x-n: NaN is not a JSON number",
        ),
        (
            b'{"openapi": "3.0.0", "paths": {"/v9/a": ' + b"[" * 5000 + b"]" * 5000 + b"}}",
            ": nested deeper than 64 levels",
        ),
    ],
    ids=["not-utf8", "nan", "too-deep"],
)
def test_whole_file_problems_are_one_line_refusals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, expected: str
) -> None:
    source = tmp_path / "fragments"
    source.mkdir()
    (source / "bad.json").write_bytes(content)
    output = tmp_path / "openapi.json"
    arguments = ["--fragments", str(source), "--editorial", str(EDITORIAL), "--output", str(output)]
    assert build_spec_main(arguments) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert "bad.json" in line
    assert expected in line
    assert len(line) <= 300
    assert not output.exists()


def test_an_unexpected_exception_is_one_line_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: Any) -> Any:
        raise RuntimeError("x" * 1000 + "\nsecond line")

    monkeypatch.setattr(cli, "build_from_directory", broken)
    code, output = _build(tmp_path, {"things.json": broken_fragment()})
    assert code == cli.EXIT_INTERNAL
    err = capsys.readouterr().err
    assert err.startswith("error: internal error (please report it): RuntimeError: xxx")
    assert err.count("\n") == 1
    assert len(err.rstrip("\n")) <= 300
    assert "Traceback" not in err
    assert output.read_text(encoding="utf-8") == PREVIOUS


def test_build_spec_never_writes_the_committed_spec_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """spec/openapi.json written without generated/ would lose the next change report."""
    committed = tmp_path / "spec" / "openapi.json"
    committed.parent.mkdir()
    committed.write_text(PREVIOUS, encoding="utf-8")
    monkeypatch.setattr(cli, "MERGED", committed)
    source = write_fragments(tmp_path / "fragments", {"things.json": broken_fragment()})
    arguments = ["--fragments", str(source), "--editorial", str(EDITORIAL), "--overlays", str(tmp_path / "none")]
    assert build_spec_main(arguments) == 0
    assert "nothing written" in capsys.readouterr().out
    assert build_spec_main([*arguments, "--output", str(committed)]) == 2
    assert "written by ./scripts/regenerate.sh only" in capsys.readouterr().err
    assert committed.read_text(encoding="utf-8") == PREVIOUS


def test_an_overlay_whose_fragment_is_gone_is_loud_and_fails_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Renaming logs-v2.json must not silently drop the correction written for it."""
    source = write_fragments(tmp_path / "fragments", {"things.json": broken_fragment()})
    overlays = tmp_path / "overlays"
    overlays.mkdir()
    (overlays / "fix.yaml").write_text(
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nextends: logs-v2.json\n"
        "actions:\n  - target: $.info\n    update: {x-a: 1}\n",
        encoding="utf-8",
    )
    output = tmp_path / "openapi.json"
    arguments = ["--fragments", str(source), "--editorial", str(EDITORIAL), "--overlays", str(overlays)]
    assert build_spec_main([*arguments, "--output", str(output)]) == 0
    assert f"warning: {overlays / 'fix.yaml'}#/extends: no fragment named 'logs-v2.json'" in capsys.readouterr().err
    output.unlink()
    assert build_spec_main([*arguments, "--output", str(output), "--strict"]) == 4
    assert "1 overlay(s) not applied, and --strict given" in capsys.readouterr().err
    assert not output.exists()


def test_scratch_directories_of_killed_runs_are_removed_and_live_ones_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = tmp_path / f"{cli.SCRATCH_PREFIX}{finished.stdout.strip()}-abc"
    live = tmp_path / f"{cli.SCRATCH_PREFIX}{os.getpid()}-def"
    other = tmp_path / "aimlapi-billing-regen-notapid"
    for directory in (dead, live, other):
        (directory / "aimlapi_billing_client").mkdir(parents=True)
    monkeypatch.setattr(cli.tempfile, "gettempdir", lambda: str(tmp_path))
    cli._remove_orphaned_scratch()
    assert (dead.exists(), live.exists(), other.exists()) == (False, True, True)
