"""The drift check's stamp: a check on the very files that passed one skips the regeneration; any
change to an input or an output, ``--strict`` or ``--no-cache`` runs the whole check again."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from specpipeline.stamp import STAMP

from .conftest import add_fragment, broken_fragment, copy_project, run_script

FULL = "timing: repair+merge+validate"  # printed by a check that regenerated, never by a stamped one
STAMPED = "up to date (these very files passed a full check: .cache/regenerate/check-passed; --no-cache regenerates)"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def _check(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_script(project, "regenerate.py", "--check", "--quiet", *args)


@pytest.mark.slow
def test_an_edit_after_a_stamped_pass_still_fails_the_check(project: Path) -> None:
    first = _check(project)
    assert first.returncode == 0, first.stderr
    assert FULL in first.stdout
    assert (project / STAMP).is_file()
    second = _check(project)
    assert second.returncode == 0, second.stderr
    assert STAMPED in second.stdout
    assert FULL not in second.stdout
    forced = _check(project, "--no-cache")
    assert forced.returncode == 0, forced.stderr
    assert FULL in forced.stdout

    model = project / "generated" / "aimlapi_billing_client" / "models" / "billing_response.py"
    original = model.read_text(encoding="utf-8")
    model.write_text(original + "\n# hand edit\n", encoding="utf-8")
    edited = _check(project)
    assert edited.returncode == 1
    assert "-# hand edit" in edited.stdout
    model.write_text(original, encoding="utf-8")
    assert STAMPED in _check(project).stdout  # the failed check left the stamp of the files that passed

    fragment = project / "spec" / "fragments" / "billing-v2.json"
    fragment.write_text(fragment.read_text(encoding="utf-8").replace("current user balance", "the balance"))
    drifted = _check(project)
    assert drifted.returncode == 1
    assert '+            "description": "the balance in USD."' in drifted.stdout
    assert "is stale" in drifted.stderr


@pytest.mark.slow
def test_a_stamped_pass_repeats_the_quarantine_lines_and_strict_is_checked_anew(project: Path) -> None:
    add_fragment(project, "things.json", broken_fragment())
    ghost = broken_fragment(path="/v9/ghosts")
    ghost["paths"]["/v9/ghosts"]["get"]["parameters"] = [
        {"name": "ghost_id", "in": "path", "required": True, "schema": {"type": "string"}}
    ]
    add_fragment(project, "ghosts.json", ghost)
    written = run_script(project, "regenerate.py", "--quiet", "--no-bump")
    assert written.returncode == 0, written.stderr
    full = _check(project)
    assert full.returncode == 0, full.stderr
    quarantined = [line for line in full.stderr.splitlines() if line.startswith("quarantined: ")]
    assert quarantined
    assert "GET /v9/ghosts left out" in quarantined[0]
    again = _check(project)
    assert STAMPED in again.stdout
    assert again.stderr.splitlines() == full.stderr.splitlines()
    strict = _check(project, "--strict")  # a lenient pass says nothing of --strict
    assert strict.returncode == 4
    assert "error: 1 operation(s) quarantined" in strict.stderr


@pytest.mark.slow
def test_a_torn_or_foreign_stamp_runs_the_whole_check(project: Path) -> None:
    (project / STAMP).parent.mkdir(parents=True)
    for text in ('{"fingerprint": "', '{"fingerprint": "0000", "stderr": []}\n'):
        (project / STAMP).write_text(text, encoding="utf-8")
        result = _check(project)
        assert result.returncode == 0, result.stderr
        assert FULL in result.stdout
