"""scripts/_prometheus.sh, the test set-up's Prometheus install, run with stand-in commands: it
leaves an installed Prometheus alone, stops with a clear message when apt-get fails or when it may
not install, and keeps the maintainer scripts from starting a service while it installs."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "_prometheus.sh"
#: The real tools the script uses besides the ones each test stands in for.
TOOLS = ("bash", "env", "mktemp", "tail", "rm", "tee", "chmod", "cat", "printf")


def stub(directory: Path, name: str, body: str) -> None:
    path = directory / name
    path.write_text(f"#!/bin/bash\n{body}\n")
    path.chmod(0o755)


@pytest.fixture
def bin_dir(tmp_path: Path) -> Path:
    """A PATH with only the script's plain tools: no prometheus, no apt-get, no sudo unless stubbed."""
    directory = tmp_path / "bin"
    directory.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        assert found, tool
        (directory / tool).symlink_to(found)
    return directory


def run(bin_dir: Path, tmp_path: Path, uid: int) -> subprocess.CompletedProcess[str]:
    stub(bin_dir, "id", f'[ "$1" = -u ] && echo {uid}')
    env = {"PATH": str(bin_dir), "AIMLAPI_BILLING_POLICY_RC_D": str(tmp_path / "policy-rc.d")}
    return subprocess.run(
        [str(bin_dir / "bash"), "-c", f"set -euo pipefail; source {SCRIPT}; echo ready"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


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
