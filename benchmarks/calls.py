"""Per-call overhead: the SDK against the generated client and raw httpx, on one local server.

Every contender makes the same ``GET /v2/billing/detail`` over a kept-alive connection and ends
with the parsed body, so what differs is only the client-side work: the SDK's request building,
status handling, JSON parsing, ``from_dict`` and schema checks, against httpx's ``.json()``.
Each contender's result is checked once before timing, so nobody wins by failing fast.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack, ExitStack
from dataclasses import dataclass
from typing import Any

import httpx
from aimlapi_billing_client import AuthenticatedClient
from aimlapi_billing_client.api.billing import get_billing_detail
from common import Comparison, compare, rotated

from aimlapi_billing import AsyncBilling, Billing, BillingDetailResponse

API_KEY = "benchmark-key"
DETAIL_PATH = "/v2/billing/detail"
#: The SDK's default timeout, given to every contender so that they differ only in their code.
TIMEOUT = httpx.Timeout(30.0, connect=5.0)
HEADERS = {"Authorization": f"Bearer {API_KEY}"}

SDK = "Billing.detail()"
GENERATED = "get_billing_detail.sync(client=AuthenticatedClient(...))"
RAW = "httpx.Client.get(url, headers=...).json()"
ASYNC_SDK = "AsyncBilling.detail()"
ASYNC_RAW = "httpx.AsyncClient.get(url, headers=...).json()"


def _check_detail(name: str, result: object) -> None:
    """Fail loudly unless ``result`` is a successfully parsed detail answer."""
    if isinstance(result, BillingDetailResponse):
        ok = result.user_id == 111
    elif isinstance(result, dict):
        ok = result.get("user_id") == 111
    else:
        ok = False
    if not ok:
        raise RuntimeError(f"{name} did not return the canned detail answer: {result!r:.200}")


def sync_contenders(url: str, stack: ExitStack) -> dict[str, Callable[[], object]]:
    """The three sync contenders, each with its own kept-alive ``httpx.Client``; closed by ``stack``."""
    billing = stack.enter_context(Billing(api_key=API_KEY, base_url=url, timeout=TIMEOUT))
    generated = stack.enter_context(AuthenticatedClient(base_url=url, token=API_KEY, timeout=TIMEOUT))
    raw = stack.enter_context(httpx.Client(timeout=TIMEOUT))
    detail_url = url + DETAIL_PATH

    def generated_call() -> object:
        return get_billing_detail.sync(client=generated)

    def raw_call() -> object:
        return raw.get(detail_url, headers=HEADERS).json()

    return {RAW: raw_call, GENERATED: generated_call, SDK: billing.detail}


def _interleaved(
    contenders: dict[str, Callable[[], Any]],
    check: Callable[[str, Any], None],
    rounds: int,
    batch: int,
    warmup: int,
) -> dict[str, list[float]]:
    """Per contender, µs per call of each round's ``batch``; contenders take turns in rotated order."""
    samples: dict[str, list[float]] = {}
    for name, call in contenders.items():
        check(name, call())
        for _ in range(warmup):
            call()
        samples[name] = []
    names = list(contenders)
    for round_index in range(rounds):
        for name in rotated(names, round_index):
            call = contenders[name]
            gc.collect()  # nobody pays for the garbage of the batch before
            start = time.perf_counter_ns()
            for _ in range(batch):
                call()
            samples[name].append((time.perf_counter_ns() - start) / batch / 1000)
    return samples


def bench_sync(url: str, rounds: int, batch: int, warmup: int) -> Comparison:
    """Sequential calls, ``rounds`` rounds of one ``batch`` per contender; values in µs per call."""
    with ExitStack() as stack:
        samples = _interleaved(sync_contenders(url, stack), _check_detail, rounds, batch, warmup)
    return Comparison(
        section="sync",
        title="sync keep-alive call",
        unit="µs/call",
        baseline=RAW,
        contenders=compare(samples, RAW),
        detail=f"{rounds} rounds x {batch} sequential calls per contender, rotated order",
        target=1.05,
        target_for=SDK,
    )


async def _fan_out(call: Callable[[], Awaitable[object]], concurrency: int) -> float:
    """Seconds for ``concurrency`` concurrent calls, all of which must succeed."""
    start = time.perf_counter_ns()
    results = await asyncio.gather(*(call() for _ in range(concurrency)))
    elapsed = (time.perf_counter_ns() - start) / 1e9
    _check_detail("every fan-out call", results[0])
    if len(results) != concurrency:
        raise RuntimeError(f"{len(results)} results for {concurrency} calls")
    return elapsed


@dataclass(frozen=True)
class AsyncSetup:
    """Where the fan-out runs and with which pool: the same for both contenders."""

    url: str
    pool: int  # connections per client: max_connections == max_keepalive_connections
    accepted: Callable[[], int] | None = None  # the server's accepted-connections counter, if it has one


async def _bench_async(
    setup: AsyncSetup, rounds: int, concurrency: int, warmup: int
) -> tuple[dict[str, list[float]], int]:
    """Per-contender ms per gather, and the connections the server accepted during the timed rounds."""
    limits = httpx.Limits(max_connections=setup.pool, max_keepalive_connections=setup.pool)
    async with AsyncExitStack() as stack:
        sdk_pool = await stack.enter_async_context(httpx.AsyncClient(timeout=TIMEOUT, limits=limits))
        raw = await stack.enter_async_context(httpx.AsyncClient(timeout=TIMEOUT, limits=limits))
        billing = await stack.enter_async_context(
            AsyncBilling(api_key=API_KEY, base_url=setup.url, http_client=sdk_pool)
        )
        detail_url = setup.url + DETAIL_PATH

        async def raw_call() -> Any:
            response = await raw.get(detail_url, headers=HEADERS)
            response.raise_for_status()
            return response.json()

        contenders: dict[str, Callable[[], Awaitable[object]]] = {ASYNC_RAW: raw_call, ASYNC_SDK: billing.detail}
        samples: dict[str, list[float]] = {name: [] for name in contenders}
        for _ in range(warmup):  # fills both pools: every later round reuses their connections
            for call in contenders.values():
                await _fan_out(call, concurrency)
        accepted_before = setup.accepted() if setup.accepted else 0
        names = list(contenders)
        for round_index in range(rounds):
            for name in rotated(names, round_index):
                gc.collect()
                samples[name].append(await _fan_out(contenders[name], concurrency) * 1000)
        opened = (setup.accepted() - accepted_before) if setup.accepted else -1
        return samples, opened


def bench_async(setup: AsyncSetup, server: str, rounds: int, concurrency: int, warmup: int) -> Comparison:
    """``concurrency`` concurrent calls via ``asyncio.gather`` over warm pools of ``setup.pool``
    connections, per round and contender; ms per gather."""
    samples, opened = asyncio.run(_bench_async(setup, rounds, concurrency, warmup))
    notes = []
    if opened > 0:
        notes.append(
            f"the server accepted {opened} connection(s) during the timed rounds: some rounds paid for "
            "connection set-up, which this comparison is meant to leave out"
        )
    churn = (
        "no new connections in the timed rounds"
        if opened == 0
        else "connections not counted"
        if opened < 0
        else f"{opened} new connections"
    )
    return Comparison(
        section="async",
        title=f"async fan-out, {concurrency} concurrent calls",
        unit="ms/gather",
        baseline=ASYNC_RAW,
        contenders=compare(samples, ASYNC_RAW),
        detail=(
            f"{rounds} rounds x 1 gather of {concurrency} per contender, alternating order; {server}; "
            f"both pools {setup.pool} connections, warmed ({churn})"
        ),
        target=1.15,
        target_for=ASYNC_SDK,
        notes=notes,
    )


LEDGER_PATH = "/v2/billing/transactions"
LEDGER_PAGE_SIZE = 2  # the fake server's ledger has 7 entries: 4 pages, 3 cursors followed
LEDGER_SDK = "list(Billing.transactions(limit=2))"
LEDGER_RAW = "httpx.Client.get(...).json() following next_cursor"


def ledger_contenders(url: str, stack: ExitStack) -> dict[str, Callable[[], list[Any]]]:
    """Walk the whole ledger: the SDK's lazy iterator against a hand-written cursor loop."""
    billing = stack.enter_context(Billing(api_key=API_KEY, base_url=url, timeout=TIMEOUT))
    raw = stack.enter_context(httpx.Client(timeout=TIMEOUT))
    ledger_url = url + LEDGER_PATH

    def raw_walk() -> list[Any]:
        entries: list[Any] = []
        params: dict[str, Any] = {"limit": LEDGER_PAGE_SIZE}
        while True:
            page = raw.get(ledger_url, params=params, headers=HEADERS).json()
            entries.extend(page["data"])
            cursor = page["pagination"]["next_cursor"]
            if not cursor:
                return entries
            params = {"limit": LEDGER_PAGE_SIZE, "cursor": cursor}

    def sdk_walk() -> list[Any]:
        return list(billing.transactions(limit=LEDGER_PAGE_SIZE))

    return {LEDGER_RAW: raw_walk, LEDGER_SDK: sdk_walk}


def _check_ledger(name: str, entries: list[Any]) -> None:
    if len(entries) != 7:
        raise RuntimeError(f"{name} did not walk the fake server's 7-entry ledger")


def bench_ledger(url: str, rounds: int, batch: int, warmup: int) -> Comparison:
    """Whole-ledger walks, interleaved like :func:`bench_sync`; values in µs per walk (4 requests)."""
    with ExitStack() as stack:
        samples = _interleaved(ledger_contenders(url, stack), _check_ledger, rounds, batch, warmup)
    return Comparison(
        section="ledger",
        title="sync ledger walk, 4 pages",
        unit="µs/walk",
        baseline=LEDGER_RAW,
        contenders=compare(samples, LEDGER_RAW),
        detail=f"{rounds} rounds x {batch} walks of the whole 7-entry ledger (pages of 2) per contender, rotated order",
        # No target in the issue: the SDK parses each entry into typed models (enums, nested amount)
        # and checks them, ~26 µs a page, where the raw loop keeps plain dicts.
    )


USAGE_PATH = "/v2/usage"
KEYS_PATH = "/v1/keys"
LOGS_PATH = "/v2/logs"
USAGE_SDK = 'Billing.usage.total(period="7d")'
USAGE_RAW = 'httpx.Client.get(".../v2/usage", params={"period": "7d"}).json()'
KEYS_SDK = "Billing.keys.list()"
KEYS_RAW = 'httpx.Client.get(".../v1/keys").json()["data"]'
LOGS_SDK = 'list(Billing.logs.list(period="30d"))'
LOGS_RAW = "httpx.Client.get(.../v2/logs).json() following offsets"


def _raw_get(raw: httpx.Client, url: str, params: dict[str, Any] | None = None) -> Any:
    response = raw.get(url, params=params, headers=HEADERS)
    response.raise_for_status()
    return response.json()


def governance_contenders(url: str, stack: ExitStack) -> dict[str, dict[str, Callable[[], Any]]]:
    """Per new call (usage, keys, logs): the SDK against the same requests in raw httpx.

    The SDK's logs limiter stays on, with a limit no walk reaches, so that its bookkeeping is paid."""
    billing = stack.enter_context(
        Billing(api_key=API_KEY, base_url=url, timeout=TIMEOUT, logs_rate_limit=(10**9, 60.0))
    )
    raw = stack.enter_context(httpx.Client(timeout=TIMEOUT))

    def raw_logs() -> list[Any]:
        rows: list[Any] = []
        offset = 0
        while True:
            page = _raw_get(raw, url + LOGS_PATH, {"period": "30d", "limit": 100, "offset": offset})
            rows.extend(page["data"])
            offset += len(page["data"])
            if not page["data"] or offset >= page["pagination"]["total"]:
                return rows

    return {
        "usage": {
            USAGE_RAW: lambda: _raw_get(raw, url + USAGE_PATH, {"period": "7d"}),
            USAGE_SDK: lambda: billing.usage.total(period="7d"),
        },
        "keys": {
            KEYS_RAW: lambda: _raw_get(raw, url + KEYS_PATH)["data"],
            KEYS_SDK: billing.keys.list,
        },
        "logs": {LOGS_RAW: raw_logs, LOGS_SDK: lambda: list(billing.logs.list(period="30d"))},
    }


def _check_governance(name: str, result: Any) -> None:
    """Every contender must have read something real: a spend, the key table, the log rows."""
    if isinstance(result, dict):
        ok = "spend" in result and "requests" in result
    elif isinstance(result, list):
        # The stand-in's account has 4 keys; the caller's own key made 2 requests in 30 days.
        ok = len(result) >= (2 if "logs" in name else 4)
    else:
        ok = getattr(result, "requests", None) is not None
    if not ok:
        raise RuntimeError(f"{name} did not return the stand-in's answer: {result!r:.200}")


def bench_governance(url: str, rounds: int, batch: int, warmup: int) -> list[Comparison]:
    """The calls of the spend-governance resources, one comparison each, interleaved like
    :func:`bench_sync`. No targets: the issue sets none; the ratios are reported."""
    titles = {
        "usage": ("usage total, one request", USAGE_RAW, "µs/call"),
        "keys": ("keys list, one request", KEYS_RAW, "µs/call"),
        "logs": ("logs walk, 30 days", LOGS_RAW, "µs/walk"),
    }
    results = []
    with ExitStack() as stack:
        for call, contenders in governance_contenders(url, stack).items():
            samples = _interleaved(contenders, _check_governance, rounds, batch, warmup)
            title, baseline, unit = titles[call]
            results.append(
                Comparison(
                    section="governance",
                    title=title,
                    unit=unit,
                    baseline=baseline,
                    contenders=compare(samples, baseline),
                    detail=f"{rounds} rounds x {batch} sequential calls per contender, rotated order",
                )
            )
    return results
