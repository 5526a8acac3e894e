"""regenerate changes spec/openapi.json, generated/, CHANGELOG.md and the version together or not at all.

A copy of the project regenerates after a fragment was removed (an API change, so all four change:
the report implies a major bump). It is interrupted with SIGINT or SIGTERM at random moments and,
through the test hook, at each phase of the run; afterwards the four must be exactly the old state
or exactly the new one, with nothing left behind. A SIGKILL in the middle of the renames (which no
handler can see) is finished by the next run, after which the version, the CHANGELOG entry and the
spec agree.

The old and the new state are made by one real run, as are the runs stopped at random moments; the
runs stopped at a phase or killed mid-rename, the runs after them and the failed write take the
generator's output from that real run (tests/helpers/cached_generator.py): they test the transaction,
which the generator's seconds do not.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

import pytest
from specpipeline.transaction import HOOK_VARIABLE, WORKDIR_NAME, Transaction, exclusive, recover

from tests.helpers.cached_generator import remember

from .conftest import copy_project, remove_fragment

ROOT = Path(__file__).resolve().parents[2]
REMOVED = "usage-v2.json"  # GET /v2/usage goes: the change report has a line to add
VERSION = "src/aimlapi_billing/_version.py"
# What a commit swaps in, in order: each "moved-<n>" phase follows the n-th.
TARGETS = ("spec/openapi.json", "generated/aimlapi_billing_client", "CHANGELOG.md", VERSION)
CACHED_GENERATOR = ROOT / "tests" / "helpers" / "cached_generator.py"


def _copy_project(destination: Path) -> Path:
    copy_project(destination)
    remove_fragment(destination, REMOVED)
    return destination


def _state(project: Path) -> str:
    """A digest of everything regenerate writes."""
    digest = hashlib.sha256()
    files = [project / "spec" / "openapi.json", project / "CHANGELOG.md", project / VERSION]
    files += sorted(p for p in (project / "generated").rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in files:
        digest.update(path.relative_to(project).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _env(hook: str | None = None) -> dict[str, str]:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop(HOOK_VARIABLE, None)
    if hook:
        env[HOOK_VARIABLE] = hook
    return env


def _command(project: Path, cache: Path | None, *arguments: str) -> list[str]:
    """regenerate of ``project``; with ``cache``, its generator's output taken from there."""
    if cache is None:
        return [sys.executable, str(project / "scripts" / "regenerate.py"), *arguments]
    return [sys.executable, str(CACHED_GENERATOR), str(project), str(cache), *arguments]


def _start(project: Path, hook: str | None = None, cache: Path | None = None) -> subprocess.Popen[str]:
    command = _command(project, cache, "--quiet")
    return subprocess.Popen(command, env=_env(hook), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _assert_clean(project: Path) -> None:
    assert not (project / WORKDIR_NAME).exists()
    assert [p.name for p in (project / "generated").iterdir()] == ["aimlapi_billing_client"]


class States(NamedTuple):
    pristine: Path
    old: str
    new: str
    cache: Path  # the real generator's output for the new document (tests/helpers/cached_generator.py)


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory) -> States:
    """A pristine copy (old state), the digests of the old and the new state, made by a real run."""
    pristine = _copy_project(tmp_path_factory.mktemp("pristine"))
    old = _state(pristine)
    finished = tmp_path_factory.mktemp("finished") / "project"
    shutil.copytree(pristine, finished)
    run = _start(finished)
    out, err = run.communicate(timeout=120)
    assert run.returncode == 0, out + err
    new = _state(finished)
    assert new != old
    assert "operation removed" in (finished / "CHANGELOG.md").read_text(encoding="utf-8")
    assert _consistent(finished) == "0.5.0"
    cache = tmp_path_factory.mktemp("generator-output")
    remember(finished / "spec" / "openapi.json", finished / "generated" / "aimlapi_billing_client", cache)
    return States(pristine, old, new, cache)


def _consistent(project: Path) -> str:
    """The version, after checking that CHANGELOG.md's newest entry and spec/openapi.json agree with
    it: the entry names it and is about the spec's change (GET /v2/usage is gone from both or neither)."""
    version = (project / VERSION).read_text(encoding="utf-8").split('"')[1]
    entries = (project / "CHANGELOG.md").read_text(encoding="utf-8").split("\n## ")[1:]
    # The newest entry names the version: a regenerate's API change report, or a release of the SDK's
    # own (0.4.0, exact money) above the newest report.
    newest = entries[0]
    newest_api = next(entry for entry in entries if entry.startswith("API changes "))
    spec = json.loads((project / "spec" / "openapi.json").read_text(encoding="utf-8"))
    removed_in_changelog = "`GET /v2/usage`: operation removed" in newest_api
    assert removed_in_changelog == ("/v2/usage" not in spec["paths"])
    assert newest.startswith(
        (f"{version} ", f"API changes {'0.4.0' if removed_in_changelog else '0.2.0'} -> {version} ")
    )
    return version


def _fresh(states: States, tmp_path: Path, name: str) -> Path:
    project = tmp_path / name
    shutil.copytree(states[0], project)
    return project


@pytest.mark.parametrize(
    ("phase", "signal_name", "expected"),
    [
        ("repaired", "SIGINT", "old"),
        ("generated", "SIGTERM", "old"),
        ("staged", "SIGINT", "old"),
        ("journal-written", "SIGTERM", "new"),
        ("moved-0", "SIGINT", "new"),
        ("moved-1", "SIGTERM", "new"),
        ("committed", "SIGINT", "new"),
    ],
)
def test_an_interrupt_at_each_phase_leaves_the_old_or_the_new_state(
    states: States, tmp_path: Path, phase: str, signal_name: str, expected: str
) -> None:
    project = _fresh(states, tmp_path, "project")
    run = _start(project, f"{phase}:{signal_name}", states.cache)
    _, err = run.communicate(timeout=120)
    assert run.returncode == 130, err
    assert err.strip().splitlines()[-1].startswith("error: interrupted")
    assert "Traceback" not in err
    assert _state(project) == {"old": states[1], "new": states[2]}[expected]
    _assert_clean(project)
    if expected == "old":  # the next run still writes the change report
        again = _start(project, cache=states.cache)
        _, err = again.communicate(timeout=120)
        assert again.returncode == 0, err
        assert _state(project) == states[2]


def test_signals_at_random_moments_never_leave_a_mix(states: States, tmp_path: Path) -> None:
    chooser = random.Random(10)
    seen = set()
    for attempt in range(6):
        project = _fresh(states, tmp_path, f"project-{attempt}")
        run = _start(project)
        time.sleep(chooser.uniform(0.0, 1.5))
        run.send_signal(chooser.choice([signal.SIGINT, signal.SIGTERM]))
        run.communicate(timeout=120)
        state = _state(project)
        assert state in (states[1], states[2]), f"attempt {attempt}: a mix of old and new"
        _assert_clean(project)
        seen.add(state)
    assert states[1] in seen  # the delays reach into the run, not only past its end


@pytest.mark.parametrize("moved", range(len(TARGETS)))
def test_a_kill_in_the_middle_of_the_renames_is_finished_by_the_next_run(
    states: States, tmp_path: Path, moved: int
) -> None:
    """Killed after the first ``moved + 1`` swaps: the spec is new and the version or CHANGELOG.md
    may still be old, which the journal records; the next run finishes them, whatever it is."""
    project = _fresh(states, tmp_path, "project")
    run = _start(project, f"moved-{moved}:SIGKILL", states.cache)
    run.communicate(timeout=120)
    assert run.returncode == -signal.SIGKILL
    assert (project / WORKDIR_NAME / "journal").exists()  # half-way: only the next run can tell
    assert json.loads((project / WORKDIR_NAME / "journal").read_text())["targets"] == list(TARGETS)
    check = subprocess.run(
        _command(project, states.cache, "--check", "--quiet"), capture_output=True, text=True, check=False, env=_env()
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "finished an interrupted regeneration" in check.stderr
    assert _state(project) == states[2]
    assert _consistent(project) == "0.5.0"
    _assert_clean(project)


def test_recover_discards_an_uncommitted_stage(tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    target.write_text("old", encoding="utf-8")
    with Transaction(tmp_path) as transaction:
        transaction.stage_text(target, "new")
        assert (tmp_path / WORKDIR_NAME).exists()
    assert recover(tmp_path) is None  # leaving the block without commit cleaned up
    (tmp_path / WORKDIR_NAME / "new").mkdir(parents=True)
    assert recover(tmp_path) == "discarded the files of an interrupted regeneration"
    assert target.read_text(encoding="utf-8") == "old"
    assert not (tmp_path / WORKDIR_NAME).exists()


def test_a_commit_replaces_files_and_trees_and_leaves_nothing_behind(tmp_path: Path) -> None:
    (tmp_path / "tree").mkdir()
    (tmp_path / "tree" / "stale.py").write_text("stale", encoding="utf-8")
    source = tmp_path / "source"
    source.mkdir()
    (source / "fresh.py").write_text("fresh", encoding="utf-8")
    phases: list[str] = []
    with Transaction(tmp_path) as transaction:
        transaction.stage_text(tmp_path / "a" / "file.txt", "new")
        transaction.stage_tree(tmp_path / "tree", source)
        transaction.commit(phases.append)
    assert (tmp_path / "a" / "file.txt").read_text(encoding="utf-8") == "new"
    assert [p.name for p in (tmp_path / "tree").iterdir()] == ["fresh.py"]
    assert phases == ["staged", "journal-written", "moved-0", "moved-1", "committed"]
    assert not (tmp_path / WORKDIR_NAME).exists()


def test_a_second_regenerate_in_the_same_tree_is_refused_while_one_runs(tmp_path: Path) -> None:
    project = _copy_project(tmp_path / "project")
    before = _state(project)
    with exclusive(project):
        run = _start(project)
        _, err = run.communicate(timeout=120)
    assert run.returncode == 5
    assert "another regenerate is running" in err
    assert _state(project) == before


def test_a_write_that_fails_changes_nothing_and_says_so_in_one_line(states: States, tmp_path: Path) -> None:
    project = _fresh(states, tmp_path, "project")
    (project / "CHANGELOG.md").unlink()
    (project / "CHANGELOG.md").mkdir()  # unreadable as a file: the change report cannot be recorded
    openapi = (project / "spec" / "openapi.json").read_bytes()
    run = _start(project, cache=states.cache)
    _, err = run.communicate(timeout=120)
    assert run.returncode == 5
    [line] = [line for line in err.splitlines() if line.startswith("error:")]
    assert line.startswith("error: cannot read or write ")
    assert "Traceback" not in err
    assert (project / "spec" / "openapi.json").read_bytes() == openapi
    _assert_clean(project)


def test_recover_removes_a_stray_file_where_the_stage_goes(tmp_path: Path) -> None:
    (tmp_path / WORKDIR_NAME).write_text("left by someone", encoding="utf-8")
    assert recover(tmp_path) == "removed a stray .regenerate file"
    with Transaction(tmp_path) as transaction:
        transaction.stage_text(tmp_path / "file.txt", "new")
        transaction.commit(lambda _: None)
    assert (tmp_path / "file.txt").read_text(encoding="utf-8") == "new"
