"""Memory at scale: the ledger export and the forecast over a 100,000-entry ledger.

Both stream: ``transactions`` writes each entry as its page arrives, and ``forecast`` folds the
ledger into running totals while it walks back to the window's start, so the process's peak memory
should not depend on the ledger's length. Each command runs as its own process against the fake
API (in a child process, with a ledger of the given size spread evenly over the last 30 days), and
its peak RSS is read from the kernel (``wait4``'s ``ru_maxrss``), next to the same command over a
1,000-entry ledger. Wall time per entry is shown for scale.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass

import server
from common import REPO, Measurement
from processes import CLI, process_env

SIZES = (1_000, 100_000)
CHILD_TIMEOUT = 900.0
WINDOW = datetime.timedelta(days=30)


@dataclass(frozen=True)
class Run:
    peak_rss_kib: int
    seconds: float
    stdout_lines: int


def _run(argv: Sequence[str], env: dict[str, str]) -> Run:
    """Run ``argv``; its own peak RSS (not any other child's) from ``wait4``."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        process = subprocess.Popen(argv, cwd=REPO, env=env, stdout=out, stderr=subprocess.PIPE)
        assert process.stderr is not None
        deadline = started + CHILD_TIMEOUT
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                raise RuntimeError(f"{' '.join(argv)} took longer than {CHILD_TIMEOUT:.0f} s")
            time.sleep(0.01)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        error = process.stderr.read().decode(errors="replace")
        process.stderr.close()
        if process.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} exited {process.returncode}: {error.strip()[-300:]}")
        out.seek(0)
        lines = sum(1 for _ in out)
    return Run(int(usage.ru_maxrss), elapsed, lines)


def _commands() -> dict[str, list[str]]:
    return {
        "transactions --json": [CLI, "transactions", "--json"],
        "forecast --window 30d": [CLI, "forecast", "--window", "30d"],
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
