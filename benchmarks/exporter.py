"""Scrape latency of ``aimlapi-billing exporter`` served from its cache, under concurrent scrapers.

The exporter answers every scrape from the last read (the upstream API is read at most once per
``--min-interval``), so what a scrape costs is the exporter's own HTTP handling and exposition.
The baseline is prometheus_client's own exporter (``start_http_server``) serving a registry of
plain gauges with the same names and values: what a hand-written exporter would cost. Both run as
child processes on 127.0.0.1; ``scrapers`` threads of this process scrape one of them at a time,
each over its own kept-alive connection (as Prometheus does), for ``requests`` scrapes each. Rounds
alternate between the two; the per-round p50 and p99 of scrape latency are compared.
"""

from __future__ import annotations

import contextlib
import os
import socket
import statistics
import subprocess
import threading
import time
from collections.abc import Iterator

import httpx
from common import PYTHON, REPO, Comparison, compare, quantile, rotated
from processes import CLI

EXPORTER = "aimlapi-billing exporter (from cache)"
BASELINE = "prometheus_client start_http_server, same gauges"
START_TIMEOUT = 30.0

#: The baseline: the same metric names and values, as plain gauges of prometheus_client.
BASELINE_SERVER = """
import sys
from prometheus_client import CollectorRegistry, Gauge, start_http_server

registry = CollectorRegistry()
values = {
    "aimlapi_balance_usd": 275.78,
    "aimlapi_balance_credits": 551564495.0,
    "aimlapi_low_balance": 0.0,
    "aimlapi_autotopup_enabled": 1.0,
    "aimlapi_autotopup_threshold_usd": 50.0,
    "aimlapi_autotopup_amount_usd": 100.0,
    "aimlapi_scrape_success": 1.0,
    "aimlapi_scrape_duration_seconds": 0.005,
    "aimlapi_data_stale": 0.0,
    "aimlapi_last_success_timestamp_seconds": 1.7e9,
}
for name, value in values.items():
    Gauge(name, name.replace("_", " "), registry=registry).set(value)
server, thread = start_http_server(int(sys.argv[1]), addr="127.0.0.1", registry=registry)
print("ready", flush=True)
sys.stdin.read()
server.shutdown()
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with {process.returncode}")
        with contextlib.suppress(httpx.TransportError):
            if "aimlapi_balance_usd" in httpx.get(url, timeout=5).text:
                return
        time.sleep(0.05)
    raise RuntimeError(f"{url}: no metrics within {START_TIMEOUT:.0f} s")


@contextlib.contextmanager
def _child(argv: list[str], url: str, env: dict[str, str]) -> Iterator[str]:
    process = subprocess.Popen(
        argv, cwd=REPO, env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True
    )
    try:
        _wait_for(url, process)
        yield url
    finally:
        if process.stdin is not None:
            process.stdin.close()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _scrape_round(url: str, scrapers: int, requests: int) -> tuple[list[float], float]:
    """Latencies in ms of ``scrapers`` x ``requests`` scrapes, the scrapers running concurrently,
    and the round's wall time in ms from the moment they all start."""
    latencies: list[float] = []
    lock = threading.Lock()
    start_together = threading.Barrier(scrapers)
    failures: list[str] = []
    began_round: list[int] = []

    def scraper() -> None:
        mine: list[float] = []
        with httpx.Client(timeout=30) as client:
            client.get(url)  # connect before the barrier: the round times scrapes, not handshakes
            if start_together.wait() == 0:
                began_round.append(time.perf_counter_ns())
            for _ in range(requests):
                began = time.perf_counter_ns()
                response = client.get(url)
                mine.append((time.perf_counter_ns() - began) / 1e6)
                if response.status_code != 200 or "aimlapi_balance_usd" not in response.text:
                    failures.append(f"{response.status_code}: {response.text[:100]!r}")
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=scraper) for _ in range(scrapers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall_ms = (time.perf_counter_ns() - began_round[0]) / 1e6
    if failures:
        raise RuntimeError(f"{url}: {len(failures)} failed scrapes, e.g. {failures[0]}")
    return latencies, wall_ms


def bench_exporter(api_url: str, rounds: int, scrapers: int, requests: int) -> list[Comparison]:
    """p50 and p99 scrape latency per round, exporter against the prometheus_client baseline."""
    env = dict(os.environ, AIML_API_KEY="benchmark-key", AIMLAPI_BILLING_BASE_URL=api_url)
    exporter_port, baseline_port = _free_port(), _free_port()
    exporter_argv = [
        CLI,
        "exporter",
        "--listen",
        f"127.0.0.1:{exporter_port}",
        "--min-interval",
        "3600",
    ]
    urls = {
        EXPORTER: f"http://127.0.0.1:{exporter_port}/metrics",
        BASELINE: f"http://127.0.0.1:{baseline_port}/metrics",
    }
    p50: dict[str, list[float]] = {BASELINE: [], EXPORTER: []}
    p99: dict[str, list[float]] = {BASELINE: [], EXPORTER: []}
    walls: dict[str, list[float]] = {BASELINE: [], EXPORTER: []}
    with (
        _child(exporter_argv, urls[EXPORTER], env),
        _child([PYTHON, "-c", BASELINE_SERVER, str(baseline_port)], urls[BASELINE], env),
    ):
        for name in urls:  # warm-up: threads, caches, the exporter's first upstream read
            _scrape_round(urls[name], scrapers, 2)
        for round_index in range(rounds):
            for name in rotated(list(urls), round_index):
                latencies, wall_ms = _scrape_round(urls[name], scrapers, requests)
                p50[name].append(statistics.median(latencies))
                p99[name].append(quantile(latencies, 0.99))
                walls[name].append(wall_ms)
    detail = (
        f"{rounds} rounds x {scrapers} concurrent scrapers x {requests} scrapes each, kept-alive connections, "
        "alternating order; both servers in child processes"
    )
    title = f"{{}}, {scrapers} scrapers x {requests} scrapes"
    return [
        Comparison("exporter", title.format("scrape latency p50"), "ms", BASELINE, compare(p50, BASELINE), detail),
        Comparison("exporter", title.format("scrape latency p99"), "ms", BASELINE, compare(p99, BASELINE), detail),
        Comparison("exporter", title.format("all scrapes"), "ms/round", BASELINE, compare(walls, BASELINE), detail),
    ]
