"""The SDK and the CLI as the hostile suites drive them against the stand-in: a sync or async client
or the command line, each call bounded, and the stand-in account they share."""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import Callable, Iterator
from typing import Any

from fake_api.hostile import json_body
from fake_api_server import DETAIL, FakeAIMLAPI

from aimlapi_billing import AsyncBilling, Billing
from aimlapi_billing._cli import main
from tests.helpers.resources import timed

SUMMARY = "/v2/billing"
LEDGER = "/v2/billing/transactions"
MODES = ["sync", "async", "cli"]
# Not a speed: a call still running after this long hung (a passing case takes well under a second).
# What each test asserts is behaviour: the error, the exit code, how many requests were made.
HUNG = 60.0


@contextlib.contextmanager
def hostile_server() -> Iterator[FakeAIMLAPI]:
    """The stand-in on 127.0.0.1 with its billing detail; each test routes the hostile answer it needs."""
    with FakeAIMLAPI() as hostile:
        hostile.route("/v2/billing/detail", json_body(DETAIL))
        yield hostile


def sdk(mode: str, url: str, call: Callable[[Any], Any], **options: Any) -> Any:
    """``call(client)`` with a sync or async client for ``url``; its result, or the error it raised."""
    options = {"base_url": url, "max_retries": 0, **options}

    def sync() -> Any:
        with Billing(**options) as client:
            return call(client)

    async def run() -> Any:
        async with AsyncBilling(**options) as client:
            result = call(client)
            return await result if asyncio.iscoroutine(result) else result

    return timed(sync if mode == "sync" else lambda: asyncio.run(run()))[1]


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def outcome(mode: str, url: str, command: str, method: str, *extra: str, **options: Any) -> tuple[float, Any]:
    """(seconds, result) of one summary-like call in ``mode``; for the CLI the result is (code, out, err)."""
    if mode == "cli":
        return timed(lambda: cli(command, "--base-url", url, "--max-retries", "0", *extra))
    return timed(lambda: sdk(mode, url, lambda client: getattr(client, method)(), **options))


def ledger(mode: str, url: str, **options: Any) -> Any:
    """Every entry of the ledger, with a sync or async client."""
    if mode == "sync":
        return sdk(mode, url, lambda client: list(client.transactions(**options)))

    async def collect(client: AsyncBilling) -> list[Any]:
        return [item async for item in client.transactions(**options)]

    return sdk(mode, url, collect)


def one_line_error(err: str) -> None:
    assert err.count("\n") == 1
    assert err.startswith("aimlapi-billing: error: ")
