"""The architecture of src/aimlapi_billing (docs/contributing/layout.md): its import contracts
(pyproject.toml's [tool.importlinter], checked by the pinned lint-imports) hold, and each check can
fail; no hand-written module (src/, scripts/, benchmarks/, tests/) is longer than MAX_MODULE_LINES."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
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
LAYOUT = ROOT / "docs" / "contributing" / "layout.md"
#: The packages whose row in layout.md's table names each public module.
LISTED_PACKAGES = ("lib", "metrics", "resources")
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


def unnamed_modules(package: Path, layout: str, listed: tuple[str, ...]) -> list[str]:
    """The modules and packages at the top of ``package`` that ``layout`` (docs/contributing/layout.md)
    never names in backticks (`` `name.py` ``, `` `name/` ``), then the public modules of its ``listed``
    packages it never names (`` `name` ``), as ``package/name``."""
    prose = re.sub(r"```.*?```", "", layout, flags=re.DOTALL)  # a fence's backticks would pair wrongly
    named = set(re.findall(r"`([^`]+)`", prose))
    found = []
    for path in sorted(package.iterdir()):
        if path.name in {"__init__.py", "__pycache__"} or not (path.suffix == ".py" or path.is_dir()):
            continue
        if (path.name if path.is_file() else f"{path.name}/") not in named:
            found.append(path.name)
    for name in listed:
        for path in sorted((package / name).glob("*.py")):
            if not path.stem.startswith("_") and path.stem not in named:
                found.append(f"{name}/{path.name}")
    return found


def table_layers(layout: str, names: set[str]) -> list[set[str]]:
    """The modules of ``names`` each row of layout.md's SDK table (``| layer | modules | what |``)
    names in its modules column, row by row."""
    rows = layout.split("| layer | modules | what |", 1)[1].split("\n\n", 1)[0].splitlines()[2:]
    found = []
    for row in rows:
        modules = row.split("|")[2]
        found.append({token.removesuffix(".py").rstrip("/") for token in re.findall(r"`([^`]+)`", modules)} & names)
    return found


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


def test_layout_md_names_every_module_of_the_package() -> None:
    """The SDK table of docs/contributing/layout.md stays true to the tree."""
    assert unnamed_modules(PACKAGE, LAYOUT.read_text(encoding="utf-8"), LISTED_PACKAGES) == [], (
        "name each module in its layer's row of docs/contributing/layout.md (pyproject's layers)"
    )


def test_the_layout_check_names_an_unnamed_module(tmp_path: Path) -> None:
    """The check can fail: a top-level module, a package and a listed package's public module."""
    for name in ("__init__.py", "_named.py", "_new.py", "lib/__init__.py", "lib/named.py", "lib/fresh.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("", encoding="utf-8")
    (tmp_path / "lib" / "_private.py").write_text("", encoding="utf-8")
    (tmp_path / "store").mkdir()
    (tmp_path / "py.typed").write_text("", encoding="utf-8")
    layout = "```\nx\n```\n| helpers | `_named.py`, `lib/` | `named`; _new.py and store/ unquoted |"
    assert unnamed_modules(tmp_path, layout, ("lib",)) == ["_new.py", "store", "lib/fresh.py"]


def test_layout_md_has_one_row_per_layer_in_order() -> None:
    """Imports point one way, down the table: its rows are pyproject's layers, top to bottom."""
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    layers = [{name.strip() for name in layer.split(":")} for layer in contracts["contracts"][0]["layers"]]
    assert table_layers(LAYOUT.read_text(encoding="utf-8"), set().union(*layers)) == layers


def test_the_layer_table_check_sees_a_misplaced_row() -> None:
    """The check can fail: a row's modules, as read, are the ones the column names, in row order."""
    layout = (
        "| layer | modules | what |\n| --- | --- | --- |\n"
        "| base | `_b.py`, `_c.py` (see `_x.py`) | what `_a.py` does |\n| top | `_a/`, `_a/inner/` | |\n\nAfter."
    )
    assert table_layers(layout, {"_a", "_b", "_c"}) == [{"_b", "_c"}, {"_a"}]


def test_the_root_contract_covers_every_layer_below_the_client() -> None:
    """A module added to a layer below the client is forbidden the root too, not only the layers' list."""
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    layers = contracts["contracts"][0]["layers"]
    below = [name.strip() for layer in layers[layers.index("_client") + 1 :] for name in layer.split(":")]
    expected = set()
    for name in below:
        expected.add(f"aimlapi_billing.{name}")
        if (PACKAGE / name).is_dir():
            expected.add(f"aimlapi_billing.{name}.**")
    (root,) = [contract for contract in contracts["contracts"] if contract["name"] == ROOT_CONTRACT]
    assert set(root["source_modules"]) == expected
    assert (root["forbidden_modules"], root["as_packages"]) == (["aimlapi_billing"], False)
