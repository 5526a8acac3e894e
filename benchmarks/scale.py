"""Memory at scale: the ledger export and the forecast over a 100,000-entry ledger.

Both stream: ``transactions`` writes each entry as its page arrives, and ``forecast`` folds the
ledger into running totals while it walks back to the window's start, so the process's peak memory
should not depend on the ledger's length. Each command runs as its own process against the fake
API (in a child process, with a ledger of the given size spread evenly over the last 30 days), and
its own peak RSS (the kernel's ``VmHWM`` for that process, read as it exits) is shown next to the
same command over a 1,000-entry ledger. Wall time per entry is shown for scale.
"""

from __future__ import annotations

import datetime
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import server
from common import PYTHON, REPO, Measurement
from processes import process_env

SIZES = (1_000, 100_000)
CHILD_TIMEOUT = 900.0
WINDOW = datetime.timedelta(days=30)


@dataclass(frozen=True)
class Run:
    peak_rss_kib: int
    seconds: float
    stdout_lines: int


#: Runs the CLI in a fresh interpreter and, at exit, writes that process's own high-water RSS
#: (``VmHWM``) to the file named by ``$PEAK_RSS_FILE``. Not ``wait4``'s ``ru_maxrss``: the kernel
#: carries it across ``exec``, so a child of a large parent would report the parent's size.
PEAK_REPORTER = """
import atexit, os, sys

def report():
    status = open("/proc/self/status").read()
    peak = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))
    with open(os.environ["PEAK_RSS_FILE"], "w") as out:
        out.write(peak)

atexit.register(report)
sys.argv = ["aimlapi-billing", *sys.argv[1:]]
from aimlapi_billing._cli import entry_point
entry_point()
"""


def _run(args: Sequence[str], env: dict[str, str]) -> Run:
    """Run the CLI with ``args`` in a new process; its own peak RSS, wall time and output lines."""
    with tempfile.TemporaryDirectory(prefix="aimlapi-billing-rss-") as workdir, tempfile.TemporaryFile() as out:
        peak_file = Path(workdir) / "peak"
        started = time.perf_counter()
        done = subprocess.run(
            [PYTHON, "-c", PEAK_REPORTER, *args],
            cwd=REPO,
            env={**env, "PEAK_RSS_FILE": str(peak_file)},
            stdout=out,
            stderr=subprocess.PIPE,
            timeout=CHILD_TIMEOUT,
            check=False,
        )
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} exited {done.returncode}: {done.stderr.decode()[-300:]}")
        out.seek(0)
        lines = sum(1 for _ in out)
        return Run(int(peak_file.read_text()), elapsed, lines)


def _commands() -> dict[str, list[str]]:
    return {
        "transactions --json": ["transactions", "--json"],
        "forecast --window 30d": ["forecast", "--window", "30d"],
    }


def bench_scale(sizes: Sequence[int] = SIZES) -> list[Measurement]:
    """Peak RSS and wall time of each command over each ledger size."""
    runs: dict[tuple[str, int], Run] = {}
    for size in sizes:
        with (
            server.fake_server("process", ledger_size=size) as url,
            tempfile.TemporaryDirectory(prefix="aimlapi-billing-scale-") as cache,
        ):
            env = process_env(url, cache)
            for name, argv in _commands().items():
                runs[(name, size)] = _run(argv, env)
            exported = runs[("transactions --json", size)].stdout_lines
            if exported != size:
                raise RuntimeError(f"transactions --json wrote {exported} lines for a {size}-entry ledger")
    results = []
    smallest = min(sizes)
    for name in _commands():
        for size in sizes:
            run = runs[(name, size)]
            growth = run.peak_rss_kib / runs[(name, smallest)].peak_rss_kib
            results.append(
                Measurement(
                    section="scale",
                    title=f"{name}, {size:,}-entry ledger",
                    value=run.peak_rss_kib / 1024,
                    unit="MiB peak RSS",
                    detail=(
                        f"{run.seconds:.1f} s, {run.seconds / size * 1e6:.0f} µs/entry; "
                        f"{growth:.2f} x the peak RSS of the {smallest:,}-entry run"
                    ),
                    extra={"entries": size, "seconds": run.seconds, "rss_growth": growth},
                )
            )
    return results
