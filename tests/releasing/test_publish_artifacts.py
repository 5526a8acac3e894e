"""The built wheel and sdist: what they hold, that the sdist rebuilds the wheel, twine check."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow


def _only(dist: Path, pattern: str) -> Path:
    [match] = list(dist.glob(pattern))
    return match


def test_the_wheel_holds_both_packages_typed_and_nothing_else(dist: Path) -> None:
    names = zipfile.ZipFile(_only(dist, "*.whl")).namelist()
    top_level = {name.split("/")[0] for name in names}
    assert {name for name in top_level if not name.endswith(".dist-info")} == {
        "aimlapi_billing",
        "aimlapi_billing_client",
    }
    assert "aimlapi_billing/py.typed" in names
    assert "aimlapi_billing_client/py.typed" in names
    assert not [n for n in names if "__pycache__" in n or "cache" in n.lower() or n.startswith(("tests/", "scripts/"))]
    metadata = zipfile.ZipFile(_only(dist, "*.whl")).read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert "Requires-Python: >=3.11" in metadata
    assert {line for line in metadata.splitlines() if line.startswith("Requires-Dist:") and "extra ==" not in line} == {
        "Requires-Dist: httpx<1,>=0.23",
        "Requires-Dist: sniffio>=1.3",
    }
    assert "Requires-Dist: prometheus-client>=0.17; extra == 'metrics'" in metadata
    assert "Provides-Extra: metrics" in metadata
    entry_points = zipfile.ZipFile(_only(dist, "*.whl")).read(next(n for n in names if n.endswith("entry_points.txt")))
    assert b"aimlapi-billing = aimlapi_billing._cli:entry_point" in entry_points


def test_the_sdist_holds_the_sources_and_no_tooling(dist: Path) -> None:
    with tarfile.open(_only(dist, "*.tar.gz")) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {"pyproject.toml", "README.md", "LICENSE", "PKG-INFO"} <= names
    assert {name.split("/")[0] for name in names} <= {
        "src", "generated", "pyproject.toml", "README.md", "LICENSE", "PKG-INFO", ".gitignore",
    }  # fmt: skip
    assert not [n for n in names if "__pycache__" in n or ".ruff_cache" in n or n.startswith(("tests", "scripts"))]


def test_the_sdist_rebuilds_the_same_wheel_as_the_source_tree(dist: Path, clean_project: Path, tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--wheel", "--outdir", str(tmp_path), str(clean_project)],
        capture_output=True,
        check=True,
    )
    from_sdist = zipfile.ZipFile(_only(dist, "*.whl"))
    from_tree = zipfile.ZipFile(_only(tmp_path, "*.whl"))
    assert sorted(from_sdist.namelist()) == sorted(from_tree.namelist())
    for name in from_tree.namelist():
        assert from_sdist.read(name) == from_tree.read(name), name


def test_twine_check_passes(dist: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, dist.iterdir())], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("PASSED") == 2


def test_the_version_is_single_sourced() -> None:
    import aimlapi_billing

    version_file = (ROOT / "src" / "aimlapi_billing" / "_version.py").read_text(encoding="utf-8")
    assert f'__version__ = "{aimlapi_billing.__version__}"' in version_file
    assert "version =" not in (ROOT / "pyproject.toml").read_text(encoding="utf-8").split("[tool")[0]


@pytest.mark.parametrize("extension", ["whl", "tar.gz"])
def test_artifact_names_carry_the_version(dist: Path, extension: str) -> None:
    import aimlapi_billing

    assert _only(dist, f"*.{extension}").name.startswith(f"aimlapi_billing-{aimlapi_billing.__version__}")
