"""The GitHub Actions workflows: clean under actionlint, actions pinned by commit, running what the
repository documents (./scripts/test.sh; ./scripts/vendor-check.sh with its exit codes)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from specpipeline import vendor

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
# The pinned actionlint (requirements/dev.txt), beside this Python. Shell and Python in run: steps
# are not handed to shellcheck or pyflakes, which may or may not be installed: the same verdict anywhere.
ACTIONLINT = [str(Path(sys.executable).parent / "actionlint"), "-no-color", "-shellcheck=", "-pyflakes="]


def _lint(*files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*ACTIONLINT, *map(str, files)], cwd=ROOT, capture_output=True, text=True, check=False)


def test_the_workflows_are_clean_under_actionlint() -> None:
    assert [path.name for path in WORKFLOWS] == ["test.yml", "vendor-check.yml"]
    result = _lint(*WORKFLOWS)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_actionlint_finds_a_broken_workflow(tmp_path: Path) -> None:
    """The check can fail: an unknown event, and an expression reading an undefined step's output."""
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: pushed\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - run: echo ${{ steps.nothing.outputs.x }}\n",
        encoding="utf-8",
    )
    result = _lint(broken)
    assert result.returncode == 1
    assert 'unknown Webhook event "pushed"' in result.stdout
    assert 'property "nothing" is not defined' in result.stdout


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_every_action_is_pinned_by_commit_with_its_tag_beside_it(path: Path) -> None:
    uses = re.findall(r"^\s*(?:- )?uses: (\S+)(.*)$", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert uses
    for action, comment in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), action
        assert re.fullmatch(r" # v\d+\.\d+\.\d+", comment), (action, comment)


def _steps(name: str) -> list[dict[str, object]]:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    [job] = workflow["jobs"].values()
    steps: list[dict[str, object]] = job["steps"]
    return steps


def test_the_test_workflow_runs_the_documented_command() -> None:
    assert (ROOT / ".ci" / "run").read_text(encoding="utf-8").rstrip().endswith("./scripts/test.sh")
    assert [step["run"] for step in _steps("test.yml") if "run" in step] == ["./scripts/test.sh -q"]


def test_the_vendor_workflow_reads_the_exit_codes_vendor_check_gives() -> None:
    [script] = [str(step["run"]) for step in _steps("vendor-check.yml") if step.get("id") == "check"]
    assert "./scripts/vendor-check.sh --apply --report" in script
    cases = re.findall(r"^\s*(\d+|\*)\) ", script, re.MULTILINE)
    assert cases == [str(vendor.EXIT_UNCHANGED), str(vendor.EXIT_CHANGED), str(vendor.EXIT_BREAKING), "*"]
    assert re.search(r"^\s*11\) .*breaking", script, re.MULTILINE)
