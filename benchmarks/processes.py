"""Whole-process cost of the commands people schedule: the CLI against a minimal httpx script.

A monitoring check is a process started every minute on every monitored host, so what it costs is
the wall time of the whole process: interpreter start-up, imports, argument parsing, the request,
output. Each CLI command is compared with the script in ``baselines/`` that does the same
requests with nothing but httpx and prints the same kind of line (or writes the same kind of
file). All processes of a round run interleaved in a rotated order against one fake API server
in a child process, with bytecode caching into a warmed temporary folder (see ``imports.py``).

Every process's exit code and output are checked once before timing, so nobody wins by failing.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from common import PYTHON, REPO, Comparison, compare, rotated

BASELINES = Path(__file__).resolve().parent / "baselines"
CLI = str(Path(PYTHON).parent / "aimlapi-billing")
CHILD_TIMEOUT = 60.0
API_KEY = "benchmark-key"


@dataclass(frozen=True)
class Command:
    """One scheduled command: the CLI invocation, its baseline script, and what both must print."""

    name: str
    cli: Sequence[str]
    baseline: str  # a file in baselines/
    expect: str  # text both must print (or write, for a textfile) on success
    target: float
    writes_file: bool = False


COMMANDS = (
    Command("check", ("check", "--warning-usd", "100", "--critical-usd", "20"), "check.py", "BILLING OK", 1.10),
    Command("summary", ("summary",), "summary.py", "275.78", 1.25),
    Command("check-keys", ("check-keys", "-w", "80", "-c", "95"), "check_keys.py", "'b747e891_pct'=6.2%;80;95;0", 1.25),
    Command(
        "metrics --textfile", ("metrics", "--textfile"), "metrics_textfile.py", "aimlapi_balance_usd 275.78", 1.25, True
    ),
)


def _argv(command: Command, which: str, textfile: Path) -> list[str]:
    extra = [str(textfile)] if command.writes_file else []
    if which == "cli":
        return [CLI, *command.cli, *extra]
    return [PYTHON, str(BASELINES / command.baseline), *extra]


def _run(argv: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter_ns()
    done = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=CHILD_TIMEOUT, check=False)
    return (time.perf_counter_ns() - start) / 1e6, done


def _check(command: Command, argv: list[str], done: subprocess.CompletedProcess[str], textfile: Path) -> None:
    output = textfile.read_text() if command.writes_file else done.stdout
    if done.returncode != 0 or command.expect not in output:
        raise RuntimeError(
            f"{' '.join(argv)} failed (exit {done.returncode}): "
            f"{done.stdout.strip()[-300:]} {done.stderr.strip()[-300:]}"
        )


def process_env(url: str, cache_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update({"PYTHONPYCACHEPREFIX": cache_dir, "AIML_API_KEY": API_KEY, "AIMLAPI_BILLING_BASE_URL": url})
    for name in ("AIMLAPI_API_KEY", "AIMLAPI_BILLING_LOG"):
        env.pop(name, None)
    return env


def bench_processes(url: str, runs: int, warmup: int, commands: Sequence[Command] = COMMANDS) -> list[Comparison]:
    """``runs`` rounds; in each, every command's CLI process and baseline process once, rotated."""
    with tempfile.TemporaryDirectory(prefix="aimlapi-billing-proc-") as workdir:
        env = process_env(url, str(Path(workdir) / "pycache"))
        textfile = Path(workdir) / "out.prom"
        contenders = {
            (command, which): _argv(command, which, textfile) for command in commands for which in ("baseline", "cli")
        }
        for (command, _which), argv in contenders.items():
            for _ in range(max(warmup, 1)):  # the first run compiles into the cache folder
                _elapsed, done = _run(argv, env)
            _check(command, argv, done, textfile)
        samples: dict[tuple[Command, str], list[float]] = {key: [] for key in contenders}
        keys = list(contenders)
        for round_index in range(runs):
            for key in rotated(keys, round_index):
                elapsed, done = _run(contenders[key], env)
                if done.returncode != 0:
                    raise RuntimeError(
                        f"{' '.join(contenders[key])} failed in round {round_index}: {done.stderr[-300:]}"
                    )
                samples[key].append(elapsed)
    results = []
    for command in commands:
        baseline_name = f"python baselines/{command.baseline}"
        cli_name = f"aimlapi-billing {' '.join(command.cli)}"
        results.append(
            Comparison(
                section="process",
                title=f"whole process: {command.name}",
                unit="ms/process",
                baseline=baseline_name,
                contenders=compare(
                    {baseline_name: samples[(command, "baseline")], cli_name: samples[(command, "cli")]}, baseline_name
                ),
                detail=(
                    f"{runs} rounds, every command's CLI and baseline process once per round in rotated order, "
                    "wall time from the parent, against the fake API in a child process"
                ),
                target=command.target,
                target_for=cli_name,
            )
        )
    return results
