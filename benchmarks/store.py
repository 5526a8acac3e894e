#!/usr/bin/env python3
"""The spend store's figures: ``.venv/bin/python benchmarks/store.py [--rows N] [--db URL]``.

A diagnostic beside ``run.py`` (it needs the ``[store]`` extra), printing Markdown:

- **insert rate**: N request rows of the stand-in's large account (``fake_api.data.large_account``:
  UUID-shaped ids, four models, five keys), parsed into ``LogEntry`` models before the clock starts,
  written as ``sync`` writes them: a page of 100 per transaction, through the same method. Target
  ≥ 50,000 rows/s on SQLite.
- **bytes per log row**: the SQLite file after ``VACUUM``, holding those N rows alone, divided by N;
  and the share of the ``logs`` table and its two indexes (``dbstat``). Target ≤ 200 B.
- **report**: ``spend(--by key,model,day)`` over the N rows' whole window (100 days). Target ≤ 2 s.
- **sync**: a whole first sync of the account from the stand-in (in a child process, its logs rate
  limit lifted, the SDK's own limiter off): the end-to-end rate, ledger included. No target: at the
  API's 200 pages a minute, a backlog syncs at ~333 rows/s whatever the store does.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

from fake_api.data import large_account  # noqa: E402

INSERT_TARGET = 50_000.0
BYTES_TARGET = 200.0
REPORT_TARGET = 2.0
PAGE = 100


def _entries(rows: list[dict[str, Any]]) -> list[tuple[str, list[Any]]]:
    """The rows as the SDK gives them, per key, in pages of 100."""
    from aimlapi_billing import LogEntry

    pages: list[tuple[str, list[Any]]] = []
    by_key: dict[str, list[Any]] = {}
    for row in rows:
        shown = {name: value for name, value in row.items() if name != "key_prefix"}
        by_key.setdefault(row["key_prefix"], []).append(LogEntry.from_dict(shown))
    for prefix, entries in by_key.items():
        pages += [(prefix, entries[start : start + PAGE]) for start in range(0, len(entries), PAGE)]
    return pages


def insert_and_size(count: int, url: str | None) -> dict[str, float]:
    from unittest import mock

    from aimlapi_billing.store import open_for_sync
    from aimlapi_billing.store._sync import Sync

    _, logs, _ = large_account(count, datetime.datetime.now(datetime.UTC))
    pages = _entries(logs)
    with tempfile.TemporaryDirectory(prefix="aimlapi-store-bench-") as directory:
        path = Path(directory) / "spend.db"
        with open_for_sync(url or f"sqlite:///{path}") as store:
            writer = Sync(store, mock.Mock())
            with store.connect() as connection:
                writer._connection = connection  # as a run holds it
                started = time.perf_counter()
                for prefix, page in pages:
                    with writer._transaction():
                        writer.rows.logs(connection, prefix, page)
                inserted = time.perf_counter() - started
            from aimlapi_billing.store import spend

            end = datetime.datetime.now(datetime.UTC)
            started = time.perf_counter()
            report = spend(store, end - datetime.timedelta(days=101), end, ("key", "model", "day"))
            reporting = time.perf_counter() - started
        figures = {"rows": float(count), "insert_rows_per_s": count / inserted, "report_s": reporting}
        figures["report_rows"] = float(len(report.rows))
        if url is None:
            with sqlite3.connect(path) as database:
                database.execute("VACUUM")
                try:
                    own = database.execute(
                        "SELECT sum(pgsize) FROM dbstat WHERE name IN ('logs', 'logs_created', "
                        "'sqlite_autoindex_logs_1')"
                    ).fetchone()[0]
                except sqlite3.OperationalError:  # an SQLite built without dbstat
                    own = None
            database.close()
            figures["file_bytes_per_row"] = os.path.getsize(path) / count
            if own is not None:
                figures["logs_bytes_per_row"] = own / count
    return figures


def whole_sync(count: int) -> dict[str, float]:
    """A first sync of the large account, the stand-in in a child process."""
    server = subprocess.Popen(
        [sys.executable, str(REPO / "scripts" / "fake_api_server.py"), "--port", "0", "--large-account", str(count)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().split(" on ", 1)[1].split(" ", 1)[0]
        from aimlapi_billing import Billing
        from aimlapi_billing.store import open_for_sync, sync

        with tempfile.TemporaryDirectory(prefix="aimlapi-store-bench-") as directory:
            started = time.perf_counter()
            with (
                Billing(api_key="k" * 32, base_url=url, allow_insecure_http=True, logs_rate_limit=None) as billing,
                open_for_sync(f"sqlite:///{directory}/spend.db") as store,
            ):
                summary = sync(store, billing)
            seconds = time.perf_counter() - started
        rows = summary.added["logs"] + summary.added["ledger"]
        return {"sync_s": seconds, "sync_rows_per_s": rows / seconds, "sync_pages": float(summary.pages)}
    finally:
        server.terminate()
        server.wait(timeout=30)


def _verdict(value: float, target: float, higher_is_better: bool) -> str:
    return "PASS" if (value >= target if higher_is_better else value <= target) else "MISS"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--db", help="a PostgreSQL URL to measure inserts there instead (no size figures)")
    parser.add_argument("--no-sync", action="store_true", help="leave out the whole-sync figure")
    args = parser.parse_args(argv)
    figures = insert_and_size(args.rows, args.db)
    if not args.no_sync:
        figures.update(whole_sync(args.rows))
    print(f"| store figure ({args.rows:,} log rows{', ' + args.db.split('@')[-1] if args.db else ', SQLite'}) "
          "| value | target |")  # fmt: skip
    print("| --- | ---: | --- |")
    rate = figures["insert_rows_per_s"]
    print(f"| insert rate | {rate:,.0f} rows/s | ≥ {INSERT_TARGET:,.0f}: {_verdict(rate, INSERT_TARGET, True)} |")
    if "file_bytes_per_row" in figures:
        size = figures["file_bytes_per_row"]
        verdict = _verdict(size, BYTES_TARGET, False)
        print(f"| file / log rows (VACUUMed) | {size:.1f} B | ≤ {BYTES_TARGET:.0f}: {verdict} |")
    if "logs_bytes_per_row" in figures:
        print(f"| logs table + its indexes / rows | {figures['logs_bytes_per_row']:.1f} B | |")
    report = figures["report_s"]
    print(f"| report --by key,model,day, 100 days | {report:.3f} s ({figures['report_rows']:.0f} rows) "
          f"| ≤ {REPORT_TARGET:g} s: {_verdict(report, REPORT_TARGET, False)} |")  # fmt: skip
    if "sync_s" in figures:
        print(f"| whole first sync (ledger and logs, {figures['sync_pages']:.0f} pages) | {figures['sync_s']:.1f} s, "
              f"{figures['sync_rows_per_s']:,.0f} rows/s | none |")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
