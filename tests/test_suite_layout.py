"""The suite's own layout (docs/contributing/layout.md, "The tests"): the tests of the package mirror
it, ``tests/aimlapi_billing/<package path>/test_<module>.py`` (a leading underscore dropped, an
aspect of a module as ``test_<module>_<aspect>.py``), except a short list of suites that cross
every module; the stand-in's and the tooling's tests mirror ``scripts/fake_api``,
``scripts/specpipeline`` and ``scripts/releasing``; shared helpers live in
``tests/helpers/`` and no test module imports another test module. Each check can fail."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: The suites that test no one module but a property of all of them, each for its reason (by path
#: under tests/).
CROSS_CUTTING = {
    "aimlapi_billing/test_faults.py": "the fault matrix, over every code path that sends a request",
    "aimlapi_billing/test_hostile.py": "the SDK and the CLI end to end against the stand-in's hostile behaviours",
    "aimlapi_billing/test_hostile_answers.py": (
        "the same, for endless pages, unlisted values, echoed keys, the CLI's outputs"
    ),
    "aimlapi_billing/test_secrets.py": "the API key in no repr, log, exception or output, anywhere",
    "aimlapi_billing/test_docs_resources.py": "a docs page's example, against mocked answers",
    "aimlapi_billing/store/test_cli.py": (
        "sync and report as commands (_cli/_store.py), with the store's PostgreSQL fixtures"
    ),
    "specpipeline/test_new_fragment.py": (
        "a fragment added and removed the documented way, end to end: regenerate, the version, the spec, the client"
    ),
    "specpipeline/test_new_fragment_api.py": (
        "a defective fragment added the documented way is callable as billing.api with no code change"
    ),
    "specpipeline/test_hostile_fragment.py": (
        "the hostile review's fragment added the documented way; the copy's spec-driven tests stay green"
    ),
}
#: Test trees and the code each mirrors.
MIRRORS = {
    "tests/aimlapi_billing": "src/aimlapi_billing",
    "tests/fake_api": "scripts/fake_api",
    "tests/specpipeline": "scripts/specpipeline",
    "tests/releasing": "scripts/releasing",
}
#: The test modules outside every mirror, each for its reason (by path under tests/): the suites of the
#: project itself, at the top of tests/. Any other test module goes in a mirror (or in this list with
#: its reason); none in tests/helpers/, which pytest would collect as tests.
TOP_LEVEL = {
    "test_architecture.py": "the import contracts and the line limit, over the whole package",
    "test_benchmarks.py": "the benchmark suite's smoke run (benchmarks/)",
    "test_chromium_setup.py": "scripts/_chromium.sh, a shell script: no Python module to mirror",
    "test_conftest.py": "the suite's own set-up, tests/conftest.py",
    "test_docs.py": "the documentation site: its build, samples and CLI reference",
    "test_fake_api_server.py": "scripts/fake_api_server.py run as the README runs it",
    "test_prometheus_setup.py": "scripts/_prometheus.sh, a shell script: no Python module to mirror",
    "test_readme.py": "the README's quickstarts and tables",
    "test_secret_canary.py": "the session's secret canary, tests/helpers/secret_canary.py",
    "test_suite_layout.py": "this layout, over the whole suite",
    "test_typing.py": "mypy --strict over tests/typing_samples/, the public methods' types",
    "test_workflows.py": "the GitHub Actions workflows (.github/workflows/)",
}
#: Test trees that mirror no code tree, each for its reason.
UNMIRRORED_TREES = {
    "tests/generated": "the generated client, tested by property (checks, copies, nullables...), not module by module",
}
#: Modules under tests/ that are neither tests nor pytest's, outside tests/helpers: none but data.
NOT_HELPERS = {"tests/typing_samples/clients.py"}


def _public(name: str) -> str:
    return name.lstrip("_")


def mirrored_module(test: Path, tests_root: Path, code_root: Path) -> Path | None:
    """The module of ``code_root`` that ``test`` (under ``tests_root``) is named after, or None."""
    package = code_root
    for part in test.relative_to(tests_root).parts[:-1]:
        matches = [child for child in package.iterdir() if child.is_dir() and _public(child.name) == part]
        if not matches:
            return None
        package = matches[0]
    stem = test.stem.removeprefix("test_")
    if stem == "init" and (package / "__init__.py").exists():
        return package / "__init__.py"
    candidates = [path for path in package.iterdir() if path.suffix == ".py"]
    # The longest name first: test_check_keys.py is check_keys.py's, not check.py's.
    for path in sorted(candidates, key=lambda path: -len(path.stem)):
        name = _public(path.stem)
        if name != "init" and (stem == name or stem.startswith(f"{name}_")):
            return path
    return None


def misplaced_tests(root: Path, mirrors: dict[str, str], cross_cutting: set[str]) -> list[str]:
    """Each test module of ``mirrors``' trees named after no module of its code, and not cross-cutting
    (``cross_cutting``: paths under tests/)."""
    found = []
    for tests, code in mirrors.items():
        tests_root, code_root = root / tests, root / code
        for test in sorted(tests_root.rglob("test_*.py")):
            if test.relative_to(root / "tests").as_posix() in cross_cutting:
                continue
            if mirrored_module(test, tests_root, code_root) is None:
                found.append(test.relative_to(root).as_posix())
    return found


def unlisted_tests(root: Path, trees: set[str], top_level: set[str]) -> list[str]:
    """Each test module under ``root``/tests in none of ``trees`` (paths from ``root``) and not one of
    ``top_level`` (paths under tests/): a new top-level folder, an unlisted top-level suite, a
    ``test_*`` module in tests/helpers."""
    found = []
    for test in sorted((root / "tests").rglob("test_*.py")):
        relative = test.relative_to(root).as_posix()
        if any(relative.startswith(f"{tree}/") for tree in trees):
            continue
        if test.relative_to(root / "tests").as_posix() not in top_level:
            found.append(relative)
    return found


def stray_helpers(root: Path, allowed: set[str]) -> list[str]:
    """Modules under ``root``/tests that are no test, conftest or package, outside tests/helpers."""
    found = []
    for path in sorted((root / "tests").rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if relative.startswith("tests/helpers/") or relative in allowed:
            continue
        if not (path.name.startswith("test_") or path.name in {"conftest.py", "__init__.py"}):
            found.append(relative)
    return found


def _imported(node: ast.Import | ast.ImportFrom) -> list[str]:
    """The modules (and, for ``from``, the names) an import statement names, relative ones with their dots."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = "." * node.level + (node.module or "")
    joiner = "." if node.module else ""
    return [base] + [f"{base}{joiner}{alias.name}" for alias in node.names]


def _imported_by_string(node: ast.Call) -> list[str]:
    """The module an ``import_module(...)`` or ``__import__(...)`` call names by a string (the literal
    text of an f-string's start), or nothing."""
    function = node.func
    name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", None)
    if name not in {"import_module", "__import__"} or not node.args:
        return []
    argument = node.args[0]
    if isinstance(argument, ast.JoinedStr) and argument.values:
        argument = argument.values[0]
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return [argument.value]
    return []


def imports_of_test_modules(root: Path) -> list[str]:
    """Each import of a test module by a module under ``root``/tests, as ``importer: imported``:
    import statements and ``import_module``/``__import__`` calls with a string."""
    found = []
    for path in sorted((root / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                imported = _imported(node)
            elif isinstance(node, ast.Call):
                imported = _imported_by_string(node)
            else:
                continue
            names = [name for name in imported if any(part.startswith("test_") for part in name.split("."))]
            if names:
                found.append(f"{path.relative_to(root).as_posix()}: {names[0]}")
    return found


def test_every_test_module_mirrors_the_code_it_tests() -> None:
    assert misplaced_tests(ROOT, MIRRORS, set(CROSS_CUTTING)) == [], (
        "name each test module after its module: tests/aimlapi_billing/<package path>/test_<module>.py, "
        "tests/specpipeline/test_<module>.py, ... (test_<module>_<aspect>.py for one aspect; "
        "docs/contributing/layout.md)"
    )


def test_every_test_module_is_in_a_mirror_or_listed() -> None:
    assert unlisted_tests(ROOT, set(MIRRORS) | set(UNMIRRORED_TREES), set(TOP_LEVEL)) == [], (
        "put each test module in the mirror of the code it tests (tests/aimlapi_billing/..., "
        "tests/specpipeline/...); a suite of the project itself at the top of tests/ with its reason in "
        "TOP_LEVEL; never a test_* module in tests/helpers/ (docs/contributing/layout.md)"
    )


def test_shared_helpers_live_in_tests_helpers() -> None:
    assert stray_helpers(ROOT, NOT_HELPERS) == [], "move shared helpers to tests/helpers/"


def test_no_test_module_imports_another() -> None:
    assert imports_of_test_modules(ROOT) == [], "move what both need to tests/helpers/ or a conftest fixture"


def test_cross_cutting_suites_exist() -> None:
    """The lists stay short and true: each entry names a file or tree that is there."""
    assert [name for name in CROSS_CUTTING | TOP_LEVEL if not (ROOT / "tests" / name).exists()] == []
    assert [tree for tree in UNMIRRORED_TREES if not (ROOT / tree).is_dir()] == []


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("test", "mirrored"),
    [
        ("tests/pkg/test_client.py", True),  # _client.py
        ("tests/pkg/test_base_client_closed.py", True),  # an aspect of _base_client.py
        ("tests/pkg/cli/commands/test_check_keys.py", True),  # _cli/_commands/check_keys.py
        ("tests/pkg/test_init.py", True),  # __init__.py
        ("tests/pkg/cli/test_init.py", True),  # _cli/__init__.py
        ("tests/pkg/test_cli.py", False),  # a package as a whole: its modules have their tests
        ("tests/pkg/test_clientele.py", False),  # a prefix of a name is not the name
        ("tests/pkg/test_usage.py", False),  # resources/usage.py is in resources/
        ("tests/pkg/resources/test_usage.py", True),
        ("tests/pkg/cli/test_check_keys.py", False),  # one level short
        ("tests/pkg/nowhere/test_client.py", False),  # no such package
    ],
)
def test_the_mirror_check_can_fail(tmp_path: Path, test: str, mirrored: bool) -> None:
    root = _tree(
        tmp_path,
        {
            "src/pkg/__init__.py": "",
            "src/pkg/_client.py": "",
            "src/pkg/_base_client.py": "",
            "src/pkg/_cli/__init__.py": "",
            "src/pkg/_cli/_commands/__init__.py": "",
            "src/pkg/_cli/_commands/check_keys.py": "",
            "src/pkg/_cli/_commands/check.py": "",
            "src/pkg/resources/__init__.py": "",
            "src/pkg/resources/usage.py": "",
            test: "",
        },
    )
    misplaced = misplaced_tests(root, {"tests/pkg": "src/pkg"}, set())
    assert misplaced == ([] if mirrored else [test])
    assert misplaced_tests(root, {"tests/pkg": "src/pkg"}, {test.removeprefix("tests/")}) == []


def test_the_import_check_finds_each_form(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "tests/a/test_one.py": "from .test_two import helper\n",
            "tests/a/test_two.py": "import tests.a.test_one\n",
            "tests/a/test_three.py": "from . import test_two\n",
            "tests/a/test_four.py": "from tests.helpers.cli import run\nfrom .conftest import KEY\n",
            "tests/helpers/cli.py": "def run():\n    from tests.a.test_one import x\n",
            "tests/b/test_five.py": (
                "import importlib\n"
                "importlib.import_module('tests.aimlapi_billing.test_x')\n"
                "importlib.import_module('tests.helpers.cli')\n"
                "importlib.import_module(NAME)\n"
            ),
            "tests/b/test_six.py": "__import__(f'tests.a.test_{n}')\n",
            "tests/b/test_seven.py": "from importlib import import_module\nimport_module('tests.a.test_one')\n",
        },
    )
    assert imports_of_test_modules(root) == [
        "tests/a/test_one.py: .test_two",
        "tests/a/test_three.py: .test_two",
        "tests/a/test_two.py: tests.a.test_one",
        # By a string: import_module (either spelling) and __import__, an f-string by its literal start.
        "tests/b/test_five.py: tests.aimlapi_billing.test_x",
        "tests/b/test_seven.py: tests.a.test_one",
        "tests/b/test_six.py: tests.a.test_",
        "tests/helpers/cli.py: tests.a.test_one",  # an import inside a function counts too
    ]


def test_the_unlisted_test_check_can_fail(tmp_path: Path) -> None:
    """A new top-level test folder, an unlisted top-level suite and a test_* helper are each named;
    a mirror's tests and the listed suites are not."""
    root = _tree(
        tmp_path,
        {
            "tests/pkg/test_client.py": "",
            "tests/test_listed.py": "",
            "tests/test_unlisted.py": "",
            "tests/metrics/test_collector.py": "",
            "tests/helpers/test_server.py": "",
            "tests/helpers/server.py": "",
            "tests/pkg_extra/test_x.py": "",  # a tree's name as a prefix is not the tree
        },
    )
    assert unlisted_tests(root, {"tests/pkg"}, {"test_listed.py"}) == [
        "tests/helpers/test_server.py",
        "tests/metrics/test_collector.py",
        "tests/pkg_extra/test_x.py",
        "tests/test_unlisted.py",
    ]


def test_the_helper_check_can_fail(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "tests/a/server.py": "",
            "tests/a/conftest.py": "",
            "tests/a/__init__.py": "",
            "tests/helpers/server.py": "",
            "tests/samples/data.py": "",
        },
    )
    assert stray_helpers(root, {"tests/samples/data.py"}) == ["tests/a/server.py"]
