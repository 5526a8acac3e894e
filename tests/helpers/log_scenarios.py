"""Servers that page the request logs and measure usage badly, on 127.0.0.1 (a reviewer's scenarios).

Each function returns a :data:`fake_api.hostile.Behaviour` to route to one path of the stand-in:
log rows that keep arriving while a window is walked (so offsets shift and rows repeat), a server
that ignores ``offset`` or serves its first page at every offset, usage that measures less than the
piece it was asked for, and the keys and ledger a reconciliation needs beside them.
"""

from __future__ import annotations

import datetime
import itertools
import threading
from collections.abc import Callable
from typing import Any

from fake_api.hostile import Behaviour, Connection, Request, json_body

NOW = datetime.datetime.now(datetime.UTC)
#: When every request of a scenario was made: well inside any 24 h window, long past any settling time.
MADE = NOW - datetime.timedelta(hours=2)


def iso(moment: datetime.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def log_row(inference_id: str, usd: float = 0.01) -> dict[str, Any]:
    return {
        "created": iso(MADE),
        "status": "succeeded",
        "origin": "api",
        "model": "openai/gpt-5",
        "cost": {"usd": usd, "credits": round(usd * 2_000_000)},
        "tokens": {"input": 1, "output": 1, "total": 2},
        "request_id": None,
        "inference_id": inference_id,
        "client_request_id": None,
    }


def charge(reference_id: str, usd: float = 0.01) -> dict[str, Any]:
    return {
        "created_at": iso(MADE),
        "direction": "CHARGE",
        "type": "MODEL_USAGE",
        "amount": {"usd": usd, "credits": round(usd * 2_000_000)},
        "model": "openai/gpt-5",
        "reference_id": reference_id,
    }


def answering(answer: Callable[[Request], Any]) -> Behaviour:
    """A JSON answer computed from each request (its query), 200."""

    def behave(connection: Connection, request: Request) -> None:
        json_body(answer(request))(connection, request)

    return behave


def logs_page(rows: list[dict[str, Any]], request: Request) -> dict[str, Any]:
    """The page of ``rows`` a well-behaved server gives for the request's ``limit`` and ``offset``."""
    limit, offset = int(request.query.get("limit", ["100"])[0]), int(request.query.get("offset", ["0"])[0])
    return {
        "data": rows[offset : offset + limit],
        "pagination": {"limit": limit, "offset": offset, "total": len(rows), "has_more": offset + limit < len(rows)},
    }


def growing_logs(rows: int, arrivals: int | None = None) -> Behaviour:
    """``rows`` requests newest first, and one more arriving before every page that is asked for
    (``arrivals`` of them in all; ``None``: without end): each page's offset shifts by one, so the
    row at a page's boundary comes again, and rows arrive ahead of the offset being read."""
    counter = itertools.count()
    lock = threading.Lock()

    def answer(request: Request) -> dict[str, Any]:
        with lock:
            arrived = next(counter) if arrivals is None else min(next(counter), arrivals)
        everything = [log_row(f"inf-{number}") for number in range(rows + arrived, 0, -1)]
        return logs_page(everything, request)

    return answering(answer)


def changing_logs(rows: int, changes: dict[int, int]) -> Behaviour:
    """``rows`` requests ``inf-{rows}`` to ``inf-1``, newest first; after the ``n``-th page served,
    ``changes[n]`` rows change: a negative number deletes that many of the newest of those rows
    (the first page's), a positive one adds that many new requests (``inf-{rows + 1}`` on) before them."""
    originals, newest = rows, rows  # inf-1 to inf-originals remain, and inf-(rows + 1) to inf-newest arrived
    served = itertools.count(1)
    lock = threading.Lock()

    def answer(request: Request) -> dict[str, Any]:
        nonlocal originals, newest
        with lock:
            numbers = [*range(newest, rows, -1), *range(originals, 0, -1)]
            page = logs_page([log_row(f"inf-{number}") for number in numbers], request)
            change = changes.get(next(served), 0)
            originals += min(change, 0)
            newest += max(change, 0)
        return page

    return answering(answer)


def offset_ignored(rows: int) -> Behaviour:
    """Always the first page, and says so (``offset: 0``) whatever offset was asked for."""
    everything = [log_row(f"inf-{number}") for number in range(rows, 0, -1)]
    return answering(lambda request: logs_page(everything, Request("GET", "/v2/logs", {}, {})))


def first_page_at_every_offset(rows: int) -> Behaviour:
    """Pagination as asked (the offset echoed, ``has_more`` until the total), but the first page's rows
    every time."""
    everything = [log_row(f"inf-{number}") for number in range(rows, 0, -1)]

    def answer(request: Request) -> dict[str, Any]:
        page = logs_page(everything, request)
        page["data"] = everything[: len(page["data"])]
        return page

    return answering(answer)


def usage(spend: float | str, requests: int, measured_days: int | None = None) -> Behaviour:
    """``GET /v2/usage`` echoing the window asked for; with ``measured_days`` the echoed start is only
    that many days before the end (a server that measured less than asked)."""

    def answer(request: Request) -> dict[str, Any]:
        end = request.query.get("end", [iso(NOW)])[0]
        if "period" in request.query:  # "7d", "24h": the window ends now
            amount, unit = int(request.query["period"][0][:-1]), request.query["period"][0][-1]
            start = iso(NOW - datetime.timedelta(**{"hours" if unit == "h" else "days": amount}))
        else:
            start = request.query["start"][0]
        if measured_days is not None:
            until = datetime.datetime.fromisoformat(end.replace("Z", "+00:00"))
            start = iso(until - datetime.timedelta(days=measured_days))
        prefix = request.query.get("key_prefix", [None])[0]
        return {
            "api_key_prefix": prefix,
            "start": start,
            "end": end,
            "spend": spend,
            "currency": "USD",
            "requests": requests,
        }

    if isinstance(spend, str):  # a literal JSON number (one a float cannot hold)
        return lambda connection, request: json_body(_literal(answer(request), "spend", spend).encode())(
            connection, request
        )
    return answering(answer)


def _literal(body: dict[str, Any], name: str, number: str) -> str:
    import json

    return json.dumps({**body, name: 0}).replace(f'"{name}": 0', f'"{name}": {number}')


def keys(*prefixes: str) -> Behaviour:
    made = iso(NOW - datetime.timedelta(days=30))
    return json_body(
        {
            "data": [
                {
                    "name": prefix,
                    "prefix": prefix,
                    "disabled": False,
                    "scopes": None,
                    "limit": None,
                    "monthly_usage": 0,
                    "created_at": made,
                    "updated_at": made,
                }
                for prefix in prefixes
            ]
        }
    )


def ledger(entries: list[dict[str, Any]]) -> Behaviour:
    return json_body({"data": entries, "pagination": {"next_cursor": None, "has_more": False}})
