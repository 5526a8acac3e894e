"""A 16th fragment, with one of the vendor's known defects, added the documented way, is callable as
``Billing(...).api.<tag>.<operation>()`` with no code change.

In a copy of the project: the fragment (``broken_fragment``: an en-dash schema as a GET body, a
response with no description) in ``spec/fragments/`` and its name in ``spec/sources.json``, then
``regenerate.py --strict``; then, against the copy's regenerated client and the stand-in (which
answers an operation it has no handler for from the spec), the SDK's tests of ``billing.api`` (which
read the copy's spec) and one call of the new operation, sync and async.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT, add_fragment, broken_fragment, copy_project, run_script

CALL_THE_NEW_OPERATION = """
import asyncio
import sys

from aimlapi_billing_client.api import OPERATIONS
from fake_api_server import FakeAIMLAPI

from aimlapi_billing import AsyncBilling, Billing

import aimlapi_billing_client.models as models

(tag, name, model), = [
    (tag, name, op[2]) for tag, ops in OPERATIONS.items() for name, op in ops.items() if op[1] == "/v9/things/list"
]
with FakeAIMLAPI() as server, Billing("sk-test-0123456789abcdef", base_url=server.url) as billing:
    parsed = getattr(getattr(billing.api, tag), name)()

    async def main():
        async with AsyncBilling("sk-test-0123456789abcdef", base_url=server.url) as client:
            return await getattr(getattr(client.api, tag), name)()

    awaited = asyncio.run(main())
assert isinstance(parsed, getattr(models, model)) and isinstance(awaited, getattr(models, model))
print(f"billing.api.{tag}.{name}() -> {type(parsed).__name__} count={parsed.count}; async {awaited.count}")
"""


def test_a_new_fragment_with_a_known_defect_is_callable_through_billing_api(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    shutil.copytree(ROOT / "tests", project / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", project)
    (project / "docs").symlink_to(ROOT / "docs")  # the rules table the build's report is checked against
    version = (project / "src" / "aimlapi_billing" / "_version.py").read_text()

    add_fragment(project, "things.json", broken_fragment())
    regenerated = run_script(project, "regenerate.py", "--quiet", "--strict")
    assert regenerated.returncode == 0, regenerated.stdout + regenerated.stderr
    assert "- non-breaking: `GET /v9/things/list`: operation added" in regenerated.stdout
    assert (project / "src" / "aimlapi_billing" / "_version.py").read_text() != version

    # The copy's client, SDK and scripts first on the path, before the editable install of this tree.
    path = os.pathsep.join(str(project / part) for part in ("src", "generated", "scripts"))
    environment = {**os.environ, "PYTHONPATH": path}
    called = subprocess.run(
        [sys.executable, "-c", CALL_THE_NEW_OPERATION], cwd=project, env=environment, capture_output=True, text=True
    )
    assert called.returncode == 0, called.stdout + called.stderr
    assert called.stdout.startswith("billing.api."), called.stdout
    print(called.stdout)

    # -v: each test's id on a line of its own, so the one run also shows the new operation was collected.
    checks = subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", "-x", "tests/aimlapi_billing/lib/test_api.py"],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checks.returncode == 0, checks.stdout[-4000:] + checks.stderr[-2000:]
    assert any("GET /v9/things/list" in line and "PASSED" in line for line in checks.stdout.splitlines())
