"""scripts/_prometheus.sh, the test set-up's Prometheus install, run with stand-in commands: it
leaves an installed Prometheus alone, stops with a clear message when apt-get fails or when it may
not install, and keeps the maintainer scripts from starting a service while it installs."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers.setup_scripts import source, stub, tools_dir

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "_prometheus.sh"


@pytest.fixture
def bin_dir(tmp_path: Path) -> Path:
    return tools_dir(tmp_path / "bin")


def run(bin_dir: Path, tmp_path: Path, uid: int) -> subprocess.CompletedProcess[str]:
    return source(SCRIPT, bin_dir, tmp_path, uid)


def test_an_installed_prometheus_is_left_alone(bin_dir: Path, tmp_path: Path) -> None:
    stub(bin_dir, "prometheus", "exit 0")
    stub(bin_dir, "promtool", "exit 0")
    stub(bin_dir, "apt-get", f"touch {tmp_path}/apt-ran; exit 1")
    result = run(bin_dir, tmp_path, uid=0)
    assert (result.returncode, result.stdout, result.stderr) == (0, "ready\n", "")
    assert not (tmp_path / "apt-ran").exists()


def test_an_apt_failure_is_a_clear_error(bin_dir: Path, tmp_path: Path) -> None:
    stub(bin_dir, "apt-get", 'echo "E: Unable to locate package prometheus" >&2; exit 100')
    result = run(bin_dir, tmp_path, uid=0)
    assert result.returncode != 0
    assert result.stdout == ""
    assert "E: Unable to locate package prometheus" in result.stderr
    assert "error: apt-get could not install the prometheus package (exit 100" in result.stderr
    assert not (tmp_path / "policy-rc.d").exists()  # the temporary policy is gone again


def test_services_are_held_back_during_the_install(bin_dir: Path, tmp_path: Path) -> None:
    # apt-get records what policy-rc.d answers while it "installs", then provides the binaries.
    stub(
        bin_dir,
        "apt-get",
        f'if [ "$1" = install ]; then "{tmp_path}/policy-rc.d" prometheus start; echo $? > {tmp_path}/policy;'
        f' printf "#!/bin/bash\\nexit 0\\n" > {bin_dir}/prometheus; cp {bin_dir}/prometheus {bin_dir}/promtool;'
        f" chmod 755 {bin_dir}/prometheus {bin_dir}/promtool; fi",
    )
    (bin_dir / "cp").symlink_to(shutil.which("cp") or "/bin/cp")
    result = run(bin_dir, tmp_path, uid=0)
    assert (result.returncode, result.stdout) == (0, "ready\n"), result.stderr
    assert (tmp_path / "policy").read_text() == "101\n"  # "action forbidden by policy"
    assert not (tmp_path / "policy-rc.d").exists()


def test_without_root_or_sudo_it_says_what_to_run(bin_dir: Path, tmp_path: Path) -> None:
    stub(bin_dir, "apt-get", f"touch {tmp_path}/apt-ran; exit 0")
    result = run(bin_dir, tmp_path, uid=1000)
    assert result.returncode != 0
    assert "sudo apt-get install --no-install-recommends prometheus" in result.stderr
    assert not (tmp_path / "apt-ran").exists()


def test_the_test_script_sources_it() -> None:
    text = (SCRIPT.parent / "test.sh").read_text()
    assert 'source "$here/_prometheus.sh"' in text
    assert os.access(SCRIPT, os.R_OK)
