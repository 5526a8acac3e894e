"""Running the pinned openapi-python-client, isolated from this project's own settings."""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PACKAGE_NAME = "aimlapi_billing_client"
#: Our overrides of the generator's templates: open enums (a value the spec does not list is kept), a
#: lazy package and models ``__init__`` (a program loads only the models it uses), models and
#: clients as plain classes instead of attrs (``model``, ``types`` and ``client``: importing attrs
#: and building each class cost a one-request program, such as a monitoring check, ~15 ms), every
#: JSON number a ``Decimal`` and every field checked by ``from_dict`` (``model``, ``types``), and
#: endpoints that write JSON bodies with exact numbers and load their models to parse a response
#: (``endpoint_macros``, ``endpoint_module``).
TEMPLATES = Path(__file__).resolve().parent / "templates"
_IGNORED_NAMES = frozenset({"__pycache__", ".ruff_cache", ".mypy_cache", ".pytest_cache"})


class GenerationError(Exception):
    """The generator failed or warned; its own output is the message."""


def _tool_env() -> dict[str, str]:
    # The generator's post-hooks call `ruff` by name: make it the pinned one beside this Python.
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def generate_package(spec_path: Path, config_path: Path, destination: Path) -> None:
    """Generate the client package from ``spec_path`` into ``destination`` (which must not exist).

    Generation runs in a fresh temporary directory outside the repository: ruff reads settings from
    parent directories, and the generator's ``--overwrite`` would keep modules of removed endpoints.
    """
    generator = Path(sys.executable).parent / "openapi-python-client"
    with tempfile.TemporaryDirectory(prefix="aimlapi-billing-gen-") as workdir:
        output = Path(workdir) / PACKAGE_NAME
        command = [
            str(generator),
            "generate",
            "--path",
            str(spec_path.resolve()),
            "--config",
            str(config_path.resolve()),
            "--meta",
            "none",
            "--output-path",
            str(output),
            "--custom-template-path",
            str(TEMPLATES),
        ]
        result = subprocess.run(command, cwd=workdir, env=_tool_env(), capture_output=True, text=True, check=False)
        # The generator exits 0 on some problems and says so on stdout ("Warning(s) encountered").
        if result.returncode != 0 or "Warning" in result.stdout or "Error" in result.stdout:
            raise GenerationError(f"openapi-python-client failed:\n{result.stdout}{result.stderr}")
        shutil.copytree(output, destination, ignore=shutil.ignore_patterns(*_IGNORED_NAMES))


def tree_files(root: Path) -> dict[str, Path]:
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): path
        for path in sorted(root.rglob("*"))
        if path.is_file() and not _IGNORED_NAMES.intersection(path.relative_to(root).parts)
    }


def diff_trees(expected: Path, actual: Path, label_expected: str, label_actual: str) -> str:
    """A unified diff of two trees of text files; empty when they are identical."""
    want, have = tree_files(expected), tree_files(actual)
    chunks: list[str] = []
    for name in sorted(want.keys() | have.keys()):
        old = have[name].read_text(encoding="utf-8").splitlines(keepends=True) if name in have else []
        new = want[name].read_text(encoding="utf-8").splitlines(keepends=True) if name in want else []
        if old != new:
            chunks.extend(difflib.unified_diff(old, new, f"{label_actual}/{name}", f"{label_expected}/{name}"))
    return "".join(chunks)


def diff_text(expected: str, actual: str, label: str) -> str:
    return "".join(
        difflib.unified_diff(
            actual.splitlines(keepends=True),
            expected.splitlines(keepends=True),
            f"{label} (committed)",
            f"{label} (regenerated)",
        )
    )
