"""The hostile review's 16th fragment (``fragments/widgets.json``: a GET body, a misplaced
``required``, an undeclared path parameter, the vendor's own generic ``Info``, ``nullable`` beside
``$ref``, ``a``/``A`` enum values, a DELETE named ``post…`` answering 204, ``/v9/things/{id}/{id}``,
a response enum ``[1, "two", null]``), added the documented way to a copy of the project: it
regenerates, and the copy's spec, generated-client and ``billing.api`` tests stay green, with no
code change (issue 18). The tests must follow what was generated (a quarantined operation is not),
count nothing by hand, and accept a rule or a 2xx without a model that the committed fragments lack.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, add_fragment, copy_project, run_script

FRAGMENT = Path(__file__).resolve().parent / "fragments" / "widgets.json"
#: The test modules that read the spec, the fragments or the generated client.
MODULES = (
    "tests/generated",
    "tests/specpipeline/test_lift_names.py",
    "tests/specpipeline/test_build.py",
    "tests/specpipeline/test_build_quarantine.py",
    "tests/aimlapi_billing/lib/test_api.py",
)


@pytest.mark.slow
def test_the_reviewers_fragment_regenerates_and_the_tests_stay_green(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    shutil.copytree(ROOT / "tests", project / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", project)
    (project / "docs").symlink_to(ROOT / "docs")  # the pages the tests read their rules from
    version = (project / "src" / "aimlapi_billing" / "_version.py").read_text()

    add_fragment(project, "widgets.json", FRAGMENT.read_bytes())
    regenerated = run_script(project, "regenerate.py", "--quiet")
    assert regenerated.returncode == 0, regenerated.stdout + regenerated.stderr
    assert (project / "src" / "aimlapi_billing" / "_version.py").read_text() != version
    assert "GET /v9/mixed left out" in regenerated.stderr
    assert "GET /v9/things/{id}/{id} left out" in regenerated.stderr
    entry = (project / "CHANGELOG.md").read_text(encoding="utf-8").split("\n## ")[1]
    assert "minor bump" in entry.splitlines()[0]
    assert "GET /v9/mixed left out" in entry  # the entry says what the client lacks
    assert "GET /v9/things/{id}/{id} left out" in entry

    # The copy's client, SDK and scripts first on the path, before the editable install of this tree.
    path = os.pathsep.join(str(project / part) for part in ("src", "generated", "scripts"))
    # One process: inside the suite's own workers, two more would only add a collection each (~5 s CPU).
    checks = subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", "-n", "0", *MODULES],
        cwd=project,
        env={**os.environ, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        check=False,
    )
    assert checks.returncode == 0, checks.stdout[-6000:] + checks.stderr[-2000:]
    # The new operations were called through billing.api, the 204 DELETE included.
    for operation in ("GET /v1/widgets/{widget_id}", "POST /v1/widgets", "DELETE /v1/widgets/{widget_id}"):
        # -v under xdist names a test when it starts, then "[gw0] [ 5%] PASSED path::test[id]".
        lines = [line for line in checks.stdout.splitlines() if f"[{operation}-async]" in line]
        assert any("PASSED" in line for line in lines), lines
        assert not any(word in line for line in lines for word in ("FAILED", "SKIPPED", "ERROR")), lines
