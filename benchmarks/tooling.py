"""Developer-side costs: how long the drift check takes, and what a user downloads and installs.

These are absolute by nature (seconds, KiB, a package count). Nothing here writes into the work
tree: ``regenerate.py --check`` regenerates into a temporary folder and compares, the wheel is
built into a temporary folder, and the install goes into a throw-away venv.
"""

from __future__ import annotations

import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from common import PYTHON, REPO, Measurement

REGENERATE_TIMEOUT = 120.0
BUILD_TIMEOUT = 120.0
INSTALL_TIMEOUT = 300.0
#: Installer tooling, not something the SDK needs at run time.
NOT_RUNTIME = {"pip", "setuptools"}


def bench_regenerate(runs: int) -> Measurement:
    """Median wall time of ``scripts/regenerate.py --check --quiet --no-cache`` over ``runs`` runs."""
    times: list[float] = []
    exit_codes: list[int] = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        done = subprocess.run(
            [PYTHON, "scripts/regenerate.py", "--check", "--quiet", "--no-cache"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=REGENERATE_TIMEOUT,
            check=False,
        )
        times.append((time.perf_counter_ns() - start) / 1e9)
        exit_codes.append(done.returncode)
    notes = "" if set(exit_codes) == {0} else f"; exit codes {exit_codes}: the check found drift or failed"
    return Measurement(
        section="regenerate",
        title="regenerate.py --check --quiet --no-cache",
        value=statistics.median(times),
        unit="s",
        detail=f"median wall time of {runs} run(s){notes}",
        target=3.0,
        extra={"runs_s": times, "exit_codes": exit_codes},
    )


def _run(command: list[str], timeout: float, cwd: Path = REPO) -> str:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr.strip()[-2000:]}")
    return done.stdout


def bench_footprint() -> tuple[Measurement, Measurement]:
    """The wheel's size, and the packages ``pip install`` of it brings into an empty venv."""
    with tempfile.TemporaryDirectory(prefix="aimlapi-billing-bench-") as tmp:
        out = Path(tmp) / "dist"
        _run([PYTHON, "-m", "build", "--no-isolation", "--wheel", "--outdir", str(out), "."], BUILD_TIMEOUT)
        (wheel,) = out.glob("*.whl")
        size = Measurement(
            section="footprint",
            title="wheel size",
            value=wheel.stat().st_size / 1024,
            unit="KiB",
            detail=f"{wheel.name}, `python -m build --no-isolation --wheel`",
        )
        # A venv without pip of its own; this interpreter's pip installs into it (same pip
        # configuration, same index), which saves ensurepip's seconds.
        venv = Path(tmp) / "venv"
        _run([PYTHON, "-m", "venv", "--without-pip", str(venv)], BUILD_TIMEOUT)
        target = str(venv / "bin" / "python")
        pip = [PYTHON, "-m", "pip", "--python", target]
        _run([*pip, "install", "--quiet", str(wheel)], INSTALL_TIMEOUT)
        freeze = _run([*pip, "list", "--format=freeze"], INSTALL_TIMEOUT).split()
        packages = sorted(line for line in freeze if line.split("==")[0].lower() not in NOT_RUNTIME)
        # The installed wheel must work on its own, outside the work tree.
        _run([target, "-c", "from aimlapi_billing import Billing, __version__"], BUILD_TIMEOUT, cwd=Path(tmp))
        count = Measurement(
            section="footprint",
            title="installed runtime packages",
            value=len(packages),
            unit="packages",
            detail="`pip install` of the wheel into an empty venv, `pip list` minus pip/setuptools "
            "(the SDK itself included)",
            extra={"packages": packages},
        )
    return size, count
