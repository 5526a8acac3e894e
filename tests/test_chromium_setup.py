"""scripts/_chromium.sh, the test set-up's Chromium install (for report --html's browser tests), run
with stand-in commands: an installed chromium is left alone; a missing one is installed with apt-get
(no service to hold back or disable); a failure or a machine without root is one clear message."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.helpers.setup_scripts import source, stub, tools_dir

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "_chromium.sh"


@pytest.fixture
def bin_dir(tmp_path: Path) -> Path:
    return tools_dir(tmp_path / "bin")


def run(bin_dir: Path, tmp_path: Path, uid: int) -> subprocess.CompletedProcess[str]:
    return source(SCRIPT, bin_dir, tmp_path, uid)


def test_an_installed_chromium_is_left_alone(bin_dir: Path, tmp_path: Path) -> None:
    stub(bin_dir, "chromium", "exit 0")
    stub(bin_dir, "apt-get", f"touch {tmp_path}/apt-ran; exit 1")
    result = run(bin_dir, tmp_path, uid=0)
    assert (result.returncode, result.stdout, result.stderr) == (0, "ready\n", "")
    assert not (tmp_path / "apt-ran").exists()


def test_a_missing_chromium_is_installed_with_apt_get(bin_dir: Path, tmp_path: Path) -> None:
    stub(
        bin_dir,
        "apt-get",
        f'echo "$@" >> {tmp_path}/apt-calls; if [ "$1" = install ]; then '
        f'printf "#!/bin/bash\\nexit 0\\n" > {bin_dir}/chromium; chmod 755 {bin_dir}/chromium; fi',
    )
    result = run(bin_dir, tmp_path, uid=0)
    assert (result.returncode, result.stdout) == (0, "ready\n"), result.stderr
    calls = (tmp_path / "apt-calls").read_text().splitlines()
    assert calls == ["update -qq", "install -y -qq --no-install-recommends chromium"]
    assert not (tmp_path / "policy-rc.d").exists()


def test_an_apt_failure_is_a_clear_error(bin_dir: Path, tmp_path: Path) -> None:
    stub(bin_dir, "apt-get", 'echo "E: Unable to locate package chromium" >&2; exit 100')
    result = run(bin_dir, tmp_path, uid=0)
    assert result.returncode != 0
    assert "error: apt-get could not install the chromium package (exit 100" in result.stderr
    assert "report --html tests need a headless browser" in result.stderr


def test_without_root_or_sudo_it_says_what_to_run(bin_dir: Path, tmp_path: Path) -> None:
    result = run(bin_dir, tmp_path, uid=1000)
    assert result.returncode != 0
    assert result.stderr.splitlines()[-1] == "  sudo apt-get install --no-install-recommends chromium"


def test_the_test_script_sources_it() -> None:
    assert 'source "$here/_chromium.sh"' in (SCRIPT.parent / "test.sh").read_text()
