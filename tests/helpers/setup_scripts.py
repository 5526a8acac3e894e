"""Running the test set-up's install scripts (scripts/_prometheus.sh, scripts/_chromium.sh) with
stand-in commands: a PATH holding only the real tools a script needs, plus stubs each test writes."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

#: The real tools the install scripts use besides the ones a test stands in for.
TOOLS = ("bash", "env", "mktemp", "tail", "rm", "tee", "chmod", "cat", "printf", "touch")


def stub(directory: Path, name: str, body: str) -> None:
    """A command ``name`` in ``directory`` that runs ``body`` (bash)."""
    path = directory / name
    path.write_text(f"#!/bin/bash\n{body}\n")
    path.chmod(0o755)


def tools_dir(directory: Path, tools: Iterable[str] = TOOLS) -> Path:
    """``directory`` made a PATH with only ``tools``: no apt-get, sudo or the package unless stubbed."""
    directory.mkdir()
    for tool in tools:
        found = shutil.which(tool)
        assert found, tool
        (directory / tool).symlink_to(found)
    return directory


def source(script: Path, bin_dir: Path, tmp_path: Path, uid: int) -> subprocess.CompletedProcess[str]:
    """``source script`` in a bash on ``bin_dir`` alone, as user ``uid``; then ``echo ready``."""
    stub(bin_dir, "id", f'[ "$1" = -u ] && echo {uid}')
    env = {"PATH": str(bin_dir), "AIMLAPI_BILLING_POLICY_RC_D": str(tmp_path / "policy-rc.d")}
    return subprocess.run(
        [str(bin_dir / "bash"), "-c", f"set -euo pipefail; source {script}; echo ready"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
