#!/usr/bin/env python3
"""Instructions instead of wall time: ``.venv/bin/python benchmarks/instructions.py`` (needs valgrind).

A diagnostic beside ``run.py``, for a machine too busy for wall-time ratios: valgrind's callgrind
counts the instructions the client process executes, which other processes' load does not change.
It measures, against the stand-in server in a child process (not counted):

- per call: ``Billing.detail()`` (the attribute read on every call, as a program writes it) and raw
  ``httpx.Client.get(url, headers=...).json()``, each as a process making ``--calls`` calls less the
  same process making none (start-up and imports cancel out);
- per process: ``aimlapi-billing check --warning-usd 100 --critical-usd 20`` against
  ``baselines/check.py``, whole, bytecode cached as in ``processes.py``.

Instructions are not time: kernel work (the socket calls) is not counted, and a cache miss costs
more than an instruction. Measured on the SDK at ``e445045`` (before the issue-22 work) and after,
the instruction ratio of ``check`` moved with its wall-time ratio (1.103 for 1.139 on a quiet
machine), so it tells which way a change goes, and by about how much, when wall time cannot.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from common import PYTHON, REPO
from processes import BASELINES, CLI, process_env
from server import fake_server

_CALLS = """
import sys
import httpx
from calls import API_KEY, DETAIL_PATH, HEADERS, TIMEOUT
from aimlapi_billing import Billing
url, which, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
with httpx.Client(timeout=TIMEOUT) as raw, Billing(api_key=API_KEY, base_url=url, timeout=TIMEOUT) as billing:
    detail_url = url + DETAIL_PATH
    if which == "raw":
        call = lambda: raw.get(detail_url, headers=HEADERS).json()
    else:
        call = lambda: billing.detail()
    for _ in range(50 + count):  # 50 to warm the connection and the caches, in every run
        call()
"""


def instructions(argv: list[str], env: dict[str, str]) -> int:
    """The instructions ``argv`` executes, counted by callgrind (its children not followed)."""
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    counted = [line for line in done.stderr.splitlines() if "Collected :" in line]
    if done.returncode != 0 or not counted:
        raise RuntimeError(f"{' '.join(argv)} failed under valgrind: {done.stderr[-500:]}")
    return int(counted[-1].split()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=300, help="calls per measured process (default 300)")
    parser.add_argument("--hash-seed", type=int, default=0, help="PYTHONHASHSEED of every measured process (default 0)")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        print("instructions.py needs valgrind (apt-get install valgrind)", file=sys.stderr)
        return 2
    with fake_server() as url, tempfile.TemporaryDirectory(prefix="aimlapi-billing-ir-") as workdir:
        env = process_env(url, str(Path(workdir) / "pycache"))
        env["PYTHONPATH"] = os.pathsep.join([str(REPO / "benchmarks"), env.get("PYTHONPATH", "")])
        # One string hashing for every process: with random seeds, sets and dicts iterate in other
        # orders and the same process ran 1.52 M to 1.63 M instructions per raw call (2026-12-07);
        # with a fixed seed two runs agree to the instruction. Compare trees at several seeds.
        env["PYTHONHASHSEED"] = str(args.hash_seed)
        per_call = {}
        for which in ("raw", "sdk"):
            argv = [PYTHON, "-c", _CALLS, url, which]
            subprocess.run([*argv, "0"], cwd=REPO, env=env, check=True)  # compiles into the cache folder
            calls, none = instructions([*argv, str(args.calls)], env), instructions([*argv, "0"], env)
            per_call[which] = (calls - none) / args.calls
        check = {
            "baseline": [PYTHON, str(BASELINES / "check.py")],
            "cli": [CLI, "check", "--warning-usd", "100", "--critical-usd", "20"],
        }
        for argv in check.values():
            subprocess.run(argv, cwd=REPO, env=env, check=True, capture_output=True)
        whole = {name: instructions(argv, env) for name, argv in check.items()}
    rows = [
        ("raw httpx `get().json()`, per call", per_call["raw"], 1.0),
        ("`Billing.detail()`, per call", per_call["sdk"], per_call["sdk"] / per_call["raw"]),
        ("`python baselines/check.py`, whole process", whole["baseline"], 1.0),
        ("`aimlapi-billing check -w 100 -c 20`, whole process", whole["cli"], whole["cli"] / whole["baseline"]),
    ]
    print("| measured | instructions | ratio |\n| --- | ---: | ---: |")
    for label, count, ratio in rows:
        print(f"| {label} | {count:,.0f} | {ratio:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
