"""A fragment added the documented way keeps the suite green, with no code change.

The documented way (docs/contributing/vendor-changes.md): the vendor's file in
``spec/fragments/``, its name in ``spec/sources.json``, then ``./scripts/regenerate.sh``. This does
the reverse and then exactly that in a copy of the repository with the vendor's ``models.json``
(``GET /v1/models``, one of the 15 committed fragments): taken out and added again, then runs there,
against the copy's regenerated client, the tests that read the fragments, the spec or the generated
client: none counts or lists them by hand, they follow ``spec/sources.json``. Added back, the spec
and the client are the committed ones.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SHARED

from .conftest import ROOT, add_fragment, copy_project, remove_fragment, run_script

NEW = SHARED / "upstream" / "2026-08-21" / "model-endpoints" / "models.json"
#: The tests that follow spec/sources.json: they must pass whatever fragments it lists.
SOURCES_DRIVEN = (
    "tests/specpipeline/test_build.py",
    "tests/specpipeline/test_fragments.py",
    "tests/specpipeline/test_fetch.py",
    "tests/specpipeline/test_mutations.py",
    "tests/specpipeline/test_names.py",
    "tests/generated",
    "tests/fake_api/test_routes.py",
)


def _tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


@pytest.mark.skipif(not NEW.exists(), reason="the vendor's model-endpoints fragments live in ../shared")
def test_a_fragment_added_the_documented_way_keeps_the_suite_green(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    shutil.copytree(ROOT / "tests", project / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", project)
    (project / "README.md").symlink_to(ROOT / "README.md")
    (project / "docs").symlink_to(ROOT / "docs")  # the rules table the build's report is checked against
    (project / "tools").symlink_to(ROOT / "tools")  # the pinned linters, when scripts/test.sh installed them
    (tmp_path / "shared").symlink_to(SHARED)  # the vendor's files, where the tests look for them
    spec, client = (project / "spec" / "openapi.json").read_bytes(), _tree(project / "generated")

    remove_fragment(project, NEW.name)
    removed = run_script(project, "regenerate.py", "--quiet", "--no-bump")
    assert removed.returncode == 0, removed.stdout + removed.stderr
    assert "- **breaking**: `GET /v1/models`: operation removed" in removed.stdout
    assert not (project / "generated" / "aimlapi_billing_client" / "api" / "models" / "list_models.py").exists()

    add_fragment(project, NEW.name, NEW.read_bytes())
    regenerated = run_script(project, "regenerate.py", "--quiet", "--strict")
    assert regenerated.returncode == 0, regenerated.stdout + regenerated.stderr
    assert "## API changes 0.4.0 -> 0.5.0 (minor bump)" in regenerated.stdout
    assert "- non-breaking: `GET /v1/models`: operation added" in regenerated.stdout
    assert (project / "src" / "aimlapi_billing" / "_version.py").read_text() == '__version__ = "0.5.0"\n'
    assert (project / "spec" / "openapi.json").read_bytes() == spec
    assert _tree(project / "generated") == client

    # The copy's own client and code first on the path, before the editable install of this tree.
    environment = {**os.environ, "PYTHONPATH": f"{project / 'src'}{os.pathsep}{project / 'generated'}"}
    checks = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", *SOURCES_DRIVEN],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checks.returncode == 0, checks.stdout[-4000:] + checks.stderr[-2000:]
