"""Helpers for the resource tests: one call, made with the sync or the async client, and timed."""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from typing import Any

from aimlapi_billing import AsyncBilling, Billing

MODES = ["sync", "async"]


async def call(mode: str, use: Callable[[Any], Any], **options: Any) -> Any:
    """``use(client)`` with a fresh client of ``mode``: awaited, and an iterator drained to a list."""
    if mode == "sync":
        with Billing(**options) as billing:
            result = use(billing)
            return list(result) if inspect.isgenerator(result) else result
    async with AsyncBilling(**options) as billing:
        result = use(billing)
        if inspect.isawaitable(result):
            return await result
        if hasattr(result, "__aiter__"):
            return [item async for item in result]
        return result


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    """(seconds it took, what it returned or raised)."""
    started = time.monotonic()
    try:
        result: Any = call()
    except Exception as exc:
        result = exc
    return time.monotonic() - started, result
