"""Helpers for the spec pipeline's tests: the committed inputs, and small broken fragments."""

from __future__ import annotations

import copy
import functools
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from specpipeline.build import build_document, load_editorial
from specpipeline.context import RepairContext
from specpipeline.fragments import Fragment, load_fragments
from specpipeline.report import Report
from specpipeline.walk import iter_operations

ROOT = Path(__file__).resolve().parents[2]
EN_DASH = "\u2013"


def listed_fragments(root: Path = ROOT) -> list[Fragment]:
    """The fragments spec/sources.json lists, read from spec/fragments/: what the tests count and
    compare with, never a number or a list written here (regenerate refuses any other file)."""
    names = json.loads((root / "spec" / "sources.json").read_text(encoding="utf-8"))["files"]
    fragments = load_fragments(root / "spec" / "fragments")
    assert sorted(Path(fragment.name).name for fragment in fragments) == sorted(names)
    return fragments


def fragment_operations(fragments: list[Fragment]) -> set[tuple[str, str]]:
    """Every ``(path, method)`` the vendor's fragments define."""
    return {(path, method) for fragment in fragments for path, method, _, _ in iter_operations(fragment.document)}


@functools.cache
def committed_quarantine() -> tuple[Any, ...]:
    """What the build of the fragments spec/sources.json lists quarantines (a fragment added the
    documented way may have an operation the pipeline quarantines): what every test compares with."""
    return tuple(build_document(listed_fragments(), load_editorial(ROOT / "spec" / "editorial.yaml")).quarantined)


def listed_operations() -> set[tuple[str, str]]:
    """The ``(path, method)`` of each operation of the listed fragments that their build keeps."""
    quarantined = [entry.operation.split(" ", 1) for entry in committed_quarantine()]
    return fragment_operations(listed_fragments()) - {(path, method.lower()) for method, path in quarantined}


def new_quarantines(result: Any) -> list[Any]:
    """What ``result`` quarantines beyond what the committed fragments' build does."""
    known = {(entry.file, entry.pointer) for entry in committed_quarantine()}
    return [entry for entry in result.quarantined if (entry.file, entry.pointer) not in known]


@pytest.fixture(scope="session")
def editorial() -> dict[str, Any]:
    return load_editorial(ROOT / "spec" / "editorial.yaml")


@pytest.fixture
def seed_fragments() -> list[Fragment]:
    """The billing fragments: the seed docs page's, as the vendor has updated them."""
    return [f for f in load_fragments(ROOT / "spec" / "fragments") if Path(f.name).name.startswith("billing")]


@pytest.fixture
def ctx(editorial: dict[str, Any]) -> RepairContext:
    return RepairContext(
        file="hand-made.json",
        report=Report(),
        editorial=editorial,
        bearer_scheme=("bearerAuth", {"type": "http", "scheme": "bearer"}),
    )


def broken_fragment(
    path: str = "/v9/things/list",
    method: str = "get",
    response_schema: dict[str, Any] | None = None,
    **operation_extra: Any,
) -> dict[str, Any]:
    """A fragment with the vendor's defects: an en-dash GET body and a response with no description."""
    schema = response_schema or {
        "type": "object",
        "properties": {"count": {"type": "integer"}},
        "required": ["count"],
    }
    operation: dict[str, Any] = {
        "operationId": "_v9_things_list",
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": EN_DASH, "title": EN_DASH}}},
        },
        "responses": {"200": {"content": {"application/json": {"schema": copy.deepcopy(schema)}}}},
        **operation_extra,
    }
    return {
        "openapi": "3.0.0",
        "info": {"title": "AIML API", "version": "1.0.0"},
        "servers": [{"url": "https://api.aimlapi.com"}],
        "paths": {path: {method: operation}},
    }


def write_fragments(directory: Path, fragments: dict[str, dict[str, Any] | str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in fragments.items():
        text = content if isinstance(content, str) else json.dumps(content)
        (directory / name).write_text(text, encoding="utf-8")
    return directory


@pytest.fixture
def make_fragment() -> Callable[..., dict[str, Any]]:
    return broken_fragment


#: What the regenerate command reads and writes, copied aside by :func:`copy_project`.
PROJECT_PARTS = (
    "spec",
    "scripts",
    "generated",
    "generator-config.yaml",
    "CHANGELOG.md",
    "src/aimlapi_billing/_version.py",
)


def copy_project(destination: Path) -> Path:
    """The parts of the repository the pipeline's commands read and write, copied to ``destination``."""
    for part in PROJECT_PARTS:
        source, target = ROOT / part, destination / part
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)
    return destination


def add_fragment(project: Path, name: str, content: dict[str, Any] | bytes) -> None:
    """Add a fragment the documented way: the file in spec/fragments/, its name in spec/sources.json."""
    data = content if isinstance(content, bytes) else json.dumps(content, indent=2).encode("utf-8")
    (project / "spec" / "fragments" / name).write_bytes(data)
    _list_sources(project, lambda files: sorted({*files, name}))


def remove_fragment(project: Path, name: str) -> None:
    """Remove a fragment the documented way: the file, and its name in spec/sources.json."""
    (project / "spec" / "fragments" / name).unlink()
    _list_sources(project, lambda files: [file for file in files if file != name])


def _list_sources(project: Path, change: Callable[[list[str]], list[str]]) -> None:
    path = project / "spec" / "sources.json"
    sources = json.loads(path.read_text(encoding="utf-8"))
    sources["files"] = change(sources["files"])
    path.write_text(json.dumps(sources, indent=2) + "\n", encoding="utf-8")


def run_script(
    project: Path, script: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``scripts/<script>`` of ``project``, in it, with this Python and its tools first on PATH."""
    environment = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, str(project / "scripts" / script), *args],
        cwd=project,
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
