"""A fragment added the documented way keeps the suite green, with no code change.

The documented way (docs/contributing/vendor-changes.md): the vendor's file in
``spec/fragments/``, its name in ``spec/sources.json``, then ``./scripts/regenerate.sh``. This does
the reverse and then exactly that in a copy of the repository with the vendor's ``models.json``
(``GET /v1/models``, one of the 15 committed fragments): taken out (the change report says the
operation is removed) and added again (it says it is added, a minor bump). Added back, the spec,
the sources list and the client are the committed ones byte for byte, so the tests that read the
fragments, the spec or the generated client (none counts or lists them by hand: they follow
``spec/sources.json``) pass on the copy exactly as they pass in this session.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import SHARED

from .conftest import ROOT, add_fragment, copy_project, remove_fragment, run_script

NEW = SHARED / "upstream" / "2026-08-21" / "model-endpoints" / "models.json"


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

    # Added back, every input of the tests that follow spec/sources.json (test_build and
    # test_build_quarantine, test_fragments, test_fetch, test_build_mutations, test_lift_names,
    # tests/generated, fake_api/test_routes) is byte for byte the repository's: the fragments, the
    # sources list, the overlays, the merged spec, the client.
    # This session runs those tests on exactly these inputs, so a nested run of them here (a minute
    # of the suite, serial) could fail only where this session fails.
    assert _tree(project / "spec") == _tree(ROOT / "spec")
    assert _tree(project / "generated") == _tree(ROOT / "generated")
