"""The architecture of src/aimlapi_billing (docs/contributing/layout.md): its import contracts
(pyproject.toml's [tool.importlinter], checked by the pinned lint-imports) hold, and each check can
fail; no hand-written module (src/, scripts/, benchmarks/, tests/) is longer than MAX_MODULE_LINES."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "aimlapi_billing"
LINT_IMPORTS = str(Path(sys.executable).parent / "lint-imports")
#: The most lines a hand-written module may have: past it, a module holds more than one job.
MAX_MODULE_LINES = 500
#: Where the hand-written modules are: the package, the tooling, the benchmarks and the tests (the
#: generated client is in generated/, outside them).
HAND_WRITTEN = ("src", "scripts", "benchmarks", "tests")
#: Directories under those that tools write, never a person.
TOOL_WRITTEN = frozenset({"node_modules", "__pycache__"})
ROOT_CONTRACT = "The layers below the client never import the package root"
LIB_CONTRACT = "lib's modules are independent of each other"


def _lint_imports(src: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports with the project's contracts over the package found in ``src`` (first on the path)."""
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), str(ROOT / "generated")])}
    return subprocess.run(
        [LINT_IMPORTS, "--config", str(ROOT / "pyproject.toml"), "--no-cache", "--no-logo"],
        cwd=src,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def long_modules(root: Path, trees: tuple[str, ...], most: int) -> list[str]:
    """The modules under ``root``'s ``trees`` over ``most`` lines, each with its count, as a message
    names them; what tools write (:data:`TOOL_WRITTEN`) is not counted."""
    found = []
    for tree in trees:
        for path in sorted((root / tree).rglob("*.py")):
            if TOOL_WRITTEN.intersection(path.relative_to(root).parts):
                continue
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > most:
                found.append(f"{path.relative_to(root).as_posix()}: {lines} lines")
    return found


# Not slow (under a second): the quick run (-m "not slow") checks the imports too.
def test_the_import_contracts_hold() -> None:
    result = _lint_imports(ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 6 kept, 0 broken." in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        # A resource reaching up for the client at run time (not only for type checking).
        ("resources/usage.py", "from .._client import Billing", "Layers: each imports only from the layers below it"),
        # One resource using another's rules: what combines them belongs in lib.
        ("resources/logs.py", "from .usage import USAGE", "The resources are independent: what combines them is lib"),
        # The result records are a leaf.
        ("types/usage.py", "from .._money import usd", "Layers: each imports only from the layers below it"),
        # The client through the package root, absolutely or relatively: the root re-exports it.
        ("resources/usage.py", "from aimlapi_billing import Billing", ROOT_CONTRACT),
        ("resources/logs.py", "from .. import AsyncBilling", ROOT_CONTRACT),
        # Every lib module is in lib's independence, all_keys and api too.
        ("lib/budgets.py", "from aimlapi_billing.lib.all_keys import KeyUsage", LIB_CONTRACT),
        ("lib/api.py", "from .forecast import forecast", LIB_CONTRACT),
    ],
)
def test_a_broken_contract_fails_the_check(tmp_path: Path, module: str, line: str, contract: str) -> None:
    """The check can fail: the package with one import that breaks a contract."""
    copy = tmp_path / "src" / "aimlapi_billing"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    with (copy / module).open("a", encoding="utf-8") as file:
        file.write(f"\n{line}  # noqa\n")
    result = _lint_imports(tmp_path / "src")
    assert result.returncode == 1, result.stdout + result.stderr
    verdicts = [text for text in result.stdout.splitlines() if text.endswith((" KEPT", " BROKEN"))]
    assert any(text.startswith(contract) and text.endswith(" BROKEN") for text in verdicts), verdicts


def test_no_hand_written_module_is_over_the_line_limit() -> None:
    assert long_modules(ROOT, HAND_WRITTEN, MAX_MODULE_LINES) == [], (
        f"split these modules (at most {MAX_MODULE_LINES} lines each, one job each; a test module by aspect, "
        "test_<module>_<aspect>.py: docs/contributing/layout.md)"
    )


def test_the_line_limit_names_a_long_module(tmp_path: Path) -> None:
    """The check can fail, naming the module and its length, in each tree; tools' output is not counted."""
    long = "x = 1\n" * (MAX_MODULE_LINES + 1)
    for tree in HAND_WRITTEN:
        (tmp_path / tree / "inner").mkdir(parents=True)
        (tmp_path / tree / "short.py").write_text("x = 1\n" * MAX_MODULE_LINES, encoding="utf-8")
        (tmp_path / tree / "inner" / "long.py").write_text(long, encoding="utf-8")
    (tmp_path / "scripts" / "node_modules").mkdir()
    (tmp_path / "scripts" / "node_modules" / "bundled.py").write_text(long, encoding="utf-8")
    (tmp_path / "generated").mkdir()
    (tmp_path / "generated" / "client.py").write_text(long, encoding="utf-8")
    assert long_modules(tmp_path, HAND_WRITTEN, MAX_MODULE_LINES) == [
        f"{tree}/inner/long.py: {MAX_MODULE_LINES + 1} lines" for tree in HAND_WRITTEN
    ]
