#!/usr/bin/env python3
"""The benchmark suite, one command: ``.venv/bin/python benchmarks/run.py [--quick] [--json PATH]``.

Prints one Markdown table to stdout (progress goes to stderr), one section per ``--only`` name:

- sync: ``Billing.detail()`` vs the generated client vs raw ``httpx.Client``, interleaved rounds of
  sequential kept-alive calls against one fake server on 127.0.0.1; ledger: a whole-ledger walk;
- governance: ``billing.usage.total``, ``billing.keys.list`` and a ``billing.logs.list`` walk
  against the same requests in raw httpx;
- async: concurrent ``AsyncBilling.detail()`` vs raw ``httpx.AsyncClient`` over warm pools, against
  a static nginx on loopback;
- process: whole ``aimlapi-billing`` processes (check, summary, metrics --textfile) vs minimal httpx
  scripts doing the same requests; exporter: scrape latency under 20 scrapers vs prometheus_client;
- scale: ledger export and forecast over 1,000 and 100,000 entries, peak RSS;
- import: fresh processes to a ready client vs ``import httpx; httpx.Client()``, plus an
  ``-X importtime`` ranking of what the SDK adds;
- regenerate: wall time of ``scripts/regenerate.py --check --quiet --no-cache``; footprint: the wheel's size
  and the packages ``pip install`` of it brings in.

Comparisons are judged by ratios against a baseline measured in the same run, never by absolute
times, so that they mean the same on another machine; per-round ratios that spread too widely are
a NOISY verdict, not a pass. ``--quick`` is a smoke run of every section.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# This folder is on sys.path when run as a script; scripts/ (the fake server) is added by server.py.
import calls
import exporter
import imports
import nginx
import processes
import report
import scale
import server
import tooling
from common import SCRIPTS, Comparison, Measurement
from machine import describe

SECTIONS = (
    "sync",
    "ledger",
    "governance",
    "async",
    "process",
    "exporter",
    "scale",
    "import",
    "regenerate",
    "footprint",
)


@dataclass(frozen=True)
class Plan:
    """How many repetitions each section gets."""

    sync_rounds: int
    sync_batch: int
    sync_warmup: int
    async_rounds: int
    async_concurrency: int
    async_warmup: int
    async_pool: int
    process_runs: int
    exporter_rounds: int
    exporter_scrapers: int
    exporter_requests: int
    scale_sizes: tuple[int, ...]
    import_runs: int
    import_warmup: int
    regenerate_runs: int


FULL = Plan(
    sync_rounds=45,
    sync_batch=150,
    sync_warmup=200,
    async_rounds=16,
    async_concurrency=500,
    async_warmup=3,
    async_pool=10,
    process_runs=15,
    exporter_rounds=10,
    exporter_scrapers=20,
    exporter_requests=25,
    scale_sizes=(1_000, 100_000),
    import_runs=15,
    import_warmup=2,
    regenerate_runs=3,
)
# A smoke run: each benchmark runs and reports its ratios once; a round or two tells nothing more.
QUICK = Plan(
    sync_rounds=3,  # the ledger and governance rows take a third: one round
    sync_batch=20,
    sync_warmup=10,
    async_rounds=1,
    # A fresh pool's first 500-way gather alone takes seconds (httpcore's queue bookkeeping): the
    # smoke run exercises the same code with 100, which stays within httpx's default pool size.
    async_concurrency=100,
    async_warmup=1,
    async_pool=10,
    process_runs=1,
    exporter_rounds=2,
    exporter_scrapers=20,
    exporter_requests=2,
    scale_sizes=(100, 1_000),
    import_runs=3,
    import_warmup=1,
    regenerate_runs=1,
)


_STARTED = time.monotonic()


def _progress(message: str) -> None:
    """To stderr, so that stdout is only the Markdown."""
    print(f"[bench {time.monotonic() - _STARTED:5.1f} s] {message}", file=sys.stderr, flush=True)


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="few repetitions: a smoke run of every section")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the results as JSON to PATH")
    parser.add_argument(
        "--only",
        default=",".join(SECTIONS),
        help=f"comma-separated sections to run, of {','.join(SECTIONS)} (default: all)",
    )
    parser.add_argument(
        "--server",
        choices=("process", "thread"),
        default="process",
        help="run the fake API server in a child process (default) or in a thread of this one",
    )
    args = parser.parse_args(argv)
    args.sections = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(args.sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    return args


def _bench_async(plan: Plan) -> Comparison:
    """The fan-out against a static nginx, which is never the bottleneck (see nginx.py)."""
    _progress("async: starting a static nginx on 127.0.0.1 (fetched from Debian's packages when missing)")
    with nginx.static_server(server.canned_documents()) as static:
        _progress(
            f"async: {plan.async_rounds} rounds x {plan.async_concurrency} concurrent x 2 contenders, "
            f"pools of {plan.async_pool} warm connections"
        )
        setup = calls.AsyncSetup(static.url, plan.async_pool, static.accepted_connections)
        return calls.bench_async(setup, "static nginx", plan.async_rounds, plan.async_concurrency, plan.async_warmup)


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    plan = QUICK if args.quick else FULL
    if str(SCRIPTS) not in sys.path:  # for fake_api_server, in --server thread mode too
        sys.path.insert(0, str(SCRIPTS))
    machine = describe()
    results: list[Comparison | Measurement] = []
    profiles: list[imports.ImportProfile] = []
    started = time.monotonic()

    if {"sync", "ledger", "governance", "process", "exporter"} & set(args.sections):
        with server.fake_server(args.server) as url:
            if "sync" in args.sections:
                _progress(f"sync: {plan.sync_rounds} rounds x {plan.sync_batch} calls x 3 contenders")
                results.append(calls.bench_sync(url, plan.sync_rounds, plan.sync_batch, plan.sync_warmup))
            if "ledger" in args.sections:
                rounds, walks = plan.sync_rounds // 3, max(plan.sync_batch // 6, 5)
                _progress(f"ledger: {rounds} rounds x {walks} walks x 2 contenders")
                results.append(calls.bench_ledger(url, rounds, walks, plan.sync_warmup // 10))
            if "governance" in args.sections:
                rounds, batch = plan.sync_rounds // 3, max(plan.sync_batch // 4, 5)
                _progress(f"governance: {rounds} rounds x {batch} calls x 3 calls x 2 contenders")
                results.extend(calls.bench_governance(url, rounds, batch, plan.sync_warmup // 10))
            if "process" in args.sections:
                _progress(f"process: {plan.process_runs} rounds x {len(processes.COMMANDS)} commands x 2 contenders")
                results.extend(processes.bench_processes(url, plan.process_runs, plan.import_warmup))
            if "exporter" in args.sections:
                _progress(
                    f"exporter: {plan.exporter_rounds} rounds x {plan.exporter_scrapers} scrapers "
                    f"x {plan.exporter_requests} scrapes x 2 servers"
                )
                results.extend(
                    exporter.bench_exporter(url, plan.exporter_rounds, plan.exporter_scrapers, plan.exporter_requests)
                )

    if "async" in args.sections:
        results.append(_bench_async(plan))

    if "scale" in args.sections:
        _progress(f"scale: transactions and forecast over ledgers of {', '.join(map(str, plan.scale_sizes))} entries")
        results.extend(scale.bench_scale(plan.scale_sizes))

    if "import" in args.sections:
        _progress(f"import: {plan.import_runs} fresh processes x {len(imports.STATEMENTS)} statements")
        with tempfile.TemporaryDirectory(prefix="aimlapi-billing-pycache-") as cache:
            env = imports.child_env(cache)
            results.extend(imports.bench_import(plan.import_runs, plan.import_warmup, env))
            profiles = [imports.import_profile(statement, env) for statement in (imports.SDK_CLIENT, imports.CLI)]

    if "regenerate" in args.sections:
        _progress(f"regenerate: {plan.regenerate_runs} run(s) of regenerate.py --check --quiet --no-cache")
        results.append(tooling.bench_regenerate(plan.regenerate_runs))

    if "footprint" in args.sections:
        _progress("footprint: building the wheel and installing it into an empty venv")
        results.extend(tooling.bench_footprint())

    elapsed = f"{time.monotonic() - started:.0f} s"
    mode = (
        f"quick ({elapsed}; a smoke run: too few repetitions for the verdicts)" if args.quick else f"full ({elapsed})"
    )
    server_kind = "child process" if args.server == "process" else "thread of the benchmark process"
    print(report.markdown(machine, mode, server_kind, results, profiles), end="")
    if args.json is not None:
        report.write_json(args.json, machine, mode, server_kind, results, profiles)
        _progress(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
