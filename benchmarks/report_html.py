#!/usr/bin/env python3
"""``report --html``'s figures: ``.venv/bin/python benchmarks/report_html.py [--rows N] [--rounds R]``.

A diagnostic beside ``run.py`` (it needs the ``[store]`` and ``[report]`` extras), printing Markdown.
A month (30 UTC days) of 1,000 keys and 50 models, ``--rows`` request rows (default 300,000) with
their ledger charges, daily usage and balances, is written into a scratch SQLite store
(``fake_api.seeded_store``). Then, ``--rounds`` times each, alternating:

- ``report --html FILE`` as a whole process (Python's start, the imports, matplotlib included);
- the baseline: ``report --by key --json`` over the same window, also a whole process;

and the median wall time of each, their ratio, the file's size, and in-process the split between
reading the store (``store.dashboard``) and drawing the page (``render_html``).
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

from fake_api.seeded_store import SeededKey, seed  # noqa: E402

END = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
WINDOW = ["--start", "2026-11-01", "--end", "2026-12-01"]
KEYS = 1_000
MODELS = 50
DAYS = 30


def _timed(argv: list[str]) -> float:
    began = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    per_day = args.rows // DAYS
    with tempfile.TemporaryDirectory() as scratch:
        db = f"sqlite:///{Path(scratch) / 'spend.db'}"
        keys = [SeededKey(f"k{n:07d}", f"service-{n}", Decimal(100) if n % 4 == 0 else None) for n in range(KEYS)]
        began = time.perf_counter()
        rows = seed(db, keys, [f"vendor/model-{n}" for n in range(MODELS)], end=END, days=DAYS, per_day=per_day)
        seeded = time.perf_counter() - began
        page = Path(scratch) / "report.html"
        cli = [sys.executable, "-m", "aimlapi_billing", "report", "--db", db, *WINDOW]
        html, baseline = [], []
        for _ in range(args.rounds):
            html.append(_timed([*cli, "--html", str(page)]))
            baseline.append(_timed([*cli, "--by", "key", "--json"]))
        size = page.stat().st_size

        from aimlapi_billing.report import render_html
        from aimlapi_billing.store import dashboard, open_for_reading

        start, end = (datetime.datetime.fromisoformat(WINDOW[1] + "T00:00:00+00:00"), END)
        began = time.perf_counter()
        with open_for_reading(db) as store:
            figures = dashboard(store, start, end)
        read = time.perf_counter() - began
        began = time.perf_counter()
        render_html(figures)
        drawn = time.perf_counter() - began
    html_s, baseline_s = statistics.median(html), statistics.median(baseline)
    spread = (max(html) - min(html)) / html_s
    print(
        f"# report --html: a month of {KEYS:,} keys, {MODELS} models, {rows:,} request rows "
        f"(seeded in {seeded:.1f} s)\n"
    )
    print(f"load average {os.getloadavg()[0]:.1f}; {args.rounds} rounds, medians; html spread {spread:.0%}")
    print(f"{' (NOISY: over 10 %)' if spread > 0.10 else ''}\n")
    print("| measure | value |\n| --- | --- |")
    print(f"| `report --html` (whole process) | {html_s:.2f} s |")
    print(f"| baseline: `report --by key --json` (whole process) | {baseline_s:.2f} s |")
    print(f"| ratio html / json | {html_s / baseline_s:.2f} x |")
    print(f"| in process: reading the store (`store.dashboard`) | {read:.2f} s |")
    print(f"| in process: drawing the page (`render_html`, matplotlib) | {drawn:.2f} s |")
    print(f"| the file | {size:,} bytes ({size / 1024:.0f} KiB) |")


if __name__ == "__main__":
    main()
