"""regenerate changes spec/openapi.json, generated/ and CHANGELOG.md together or not at all.

A copy of the project regenerates after a fragment was removed (an API change, so all three files
change). It is interrupted with SIGINT or SIGTERM at random moments and, through the test hook, at
each phase of the run; afterwards the three must be exactly the old state or exactly the new one,
with nothing left behind. A SIGKILL in the middle of the renames (which no handler can see) is
finished by the next run.

The runs that are stopped after the generator has run take its output from a cached copy of what
the real generator made for the same spec (see ``_CACHED_GENERATOR``): those phases only move that
output around. The phases up to generation, the random moments and the run that makes the copy
use the real generator.
"""

from __future__ import annotations

import hashlib
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

ROOT = Path(__file__).resolve().parents[2]
REMOVED = "usage-v2.json"  # GET /v2/usage goes: the change report has a line to add


def _copy_project(destination: Path) -> Path:
    for part in ("spec", "scripts", "generated"):
        shutil.copytree(ROOT / part, destination / part, ignore=shutil.ignore_patterns("__pycache__"))
    for part in ("generator-config.yaml", "CHANGELOG.md", "src/aimlapi_billing/_version.py"):
        (destination / part).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / part, destination / part)
    (destination / "spec" / "fragments" / REMOVED).unlink()
    return destination


def _state(project: Path) -> str:
    """A digest of everything regenerate writes."""
    digest = hashlib.sha256()
    files = [project / "spec" / "openapi.json", project / "CHANGELOG.md"]
    files += sorted(p for p in (project / "generated").rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in files:
        digest.update(path.relative_to(project).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


class States(NamedTuple):
    pristine: Path  # a copy in the old state
    old: str  # the digests of the old and the new state
    new: str
    finished: Path  # the copy the real generator brought to the new state


#: regenerate as scripts/regenerate.py runs it, with the generator (3 s of a 4 s run) replaced by a
#: copy of the package the real one made from the same spec in ``finished``: the same bytes reach the
#: transaction. Any other spec fails the run (exit 3), so the copy cannot stand in where it is wrong.
_CACHED_GENERATOR = """
import shutil, sys
from pathlib import Path

project, finished = Path(sys.argv[1]), Path(sys.argv[2])
sys.path.insert(0, str(project / "scripts"))
from specpipeline import cli

def generate_package(spec_path, config_path, destination):
    if spec_path.read_bytes() != (finished / "spec" / "openapi.json").read_bytes():
        raise cli.GenerationError("the cached generator made its package from another spec")
    shutil.copytree(finished / "generated" / cli.PACKAGE_NAME, destination)

cli.generate_package = generate_package
sys.exit(cli.regenerate_main(sys.argv[3:]))
"""


def _start(
    project: Path, hook: str | None = None, cached_from: Path | None = None, *args: str
) -> subprocess.Popen[str]:
    """regenerate in ``project``; with ``cached_from`` (a finished copy), through ``_CACHED_GENERATOR``."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop(HOOK_VARIABLE, None)
    if hook:
        env[HOOK_VARIABLE] = hook
    if cached_from is None:
        command = [sys.executable, str(project / "scripts" / "regenerate.py"), "--quiet", *args]
    else:
        command = [sys.executable, "-P", "-c", _CACHED_GENERATOR, str(project), str(cached_from), "--quiet", *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _assert_clean(project: Path) -> None:
    assert not (project / WORKDIR_NAME).exists()
    assert [p.name for p in (project / "generated").iterdir()] == ["aimlapi_billing_client"]


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory) -> States:
    """A pristine copy (old state), the digests of the old and the new state, and the finished copy."""
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
    return States(pristine, old, new, finished)


def _fresh(states: States, tmp_path: Path, name: str) -> Path:
    project = tmp_path / name
    shutil.copytree(states.pristine, project)
    return project


#: The phases before the generator's output exists, which need the real generator.
UP_TO_GENERATION = ("repaired", "generated")


@pytest.mark.slow
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
    cached_from = None if phase in UP_TO_GENERATION else states.finished
    run = _start(project, f"{phase}:{signal_name}", cached_from)
    _, err = run.communicate(timeout=120)
    assert run.returncode == 130, err
    assert err.strip().splitlines()[-1].startswith("error: interrupted")
    assert "Traceback" not in err
    assert _state(project) == {"old": states.old, "new": states.new}[expected]
    _assert_clean(project)
    if expected == "old":  # the next run still writes the change report
        again = _start(project, None, cached_from)
        again.communicate(timeout=120)
        assert again.returncode == 0
        assert _state(project) == states.new


@pytest.mark.slow
def test_the_cached_generator_refuses_a_spec_it_was_not_made_from(states: States, tmp_path: Path) -> None:
    project = _fresh(states, tmp_path, "project")
    shutil.copy(ROOT / "spec" / "fragments" / REMOVED, project / "spec" / "fragments" / REMOVED)  # the old spec
    run = _start(project, None, states.finished)
    out, err = run.communicate(timeout=120)
    assert run.returncode == 3, err
    assert "the cached generator made its package from another spec" in out  # the generator's words
    assert _state(project) == states.old


@pytest.mark.slow
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
        assert state in (states.old, states.new), f"attempt {attempt}: a mix of old and new"
        _assert_clean(project)
        seen.add(state)
    assert states.old in seen  # the delays reach into the run, not only past its end


@pytest.mark.slow
def test_a_kill_in_the_middle_of_the_renames_is_finished_by_the_next_run(states: States, tmp_path: Path) -> None:
    project = _fresh(states, tmp_path, "project")
    run = _start(project, "moved-0:SIGKILL", states.finished)
    run.communicate(timeout=120)
    assert run.returncode == -signal.SIGKILL
    assert (project / WORKDIR_NAME / "journal").exists()  # half-way: only the next run can tell
    check = _start(project, None, states.finished, "--check")
    out, err = check.communicate(timeout=120)
    assert check.returncode == 0, out + err
    assert "finished an interrupted regeneration" in err
    assert _state(project) == states.new
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


@pytest.mark.slow
def test_a_write_that_fails_changes_nothing_and_says_so_in_one_line(states: States, tmp_path: Path) -> None:
    project = _fresh(states, tmp_path, "project")
    (project / "CHANGELOG.md").unlink()
    (project / "CHANGELOG.md").mkdir()  # unreadable as a file: the change report cannot be recorded
    openapi = (project / "spec" / "openapi.json").read_bytes()
    run = _start(project, None, states.finished)
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
