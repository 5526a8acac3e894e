"""``GET /v2/logs``: one offset page of a key's requests, filtered by repeated ``model`` and ``status``."""

from __future__ import annotations

import math
import re

from fake_api.data import Account
from fake_api.replies import Rejected, Reply, error
from fake_api.usage import Query, one, rows_of, window

STATUSES = ("succeeded", "failed")
MAX_MODELS = 50


def _integer(query: Query, name: str, default: int, low: int, high: int | None) -> int:
    text = one(query, name)
    if text is None:
        return default
    if not re.fullmatch(r"[0-9]{1,9}", text) or not (low <= int(text) and (high is None or int(text) <= high)):
        bound = f"between {low} and {high}" if high is not None else f"an integer of at least {low}"
        raise Rejected(400, f"`{name}` must be {bound}")
    return int(text)


def page(account: Account, token: str, query: Query) -> Reply:
    """One offset page, or a 429 past the caller's budget of requests (a refused key is a 401, not counted)."""
    account.caller(token)
    wait = account.logs_rate.admit(token)
    if wait is None:
        return _page(account, token, query)
    limit, span = account.logs_rate.limit, account.logs_rate.window
    message = f"Too many requests: at most {limit} per {span:g} seconds"
    return error(429, message, "/v2/logs", headers={"retry-after": str(max(1, math.ceil(wait)))})


def _page(account: Account, token: str, query: Query) -> Reply:
    """One offset page of a key's requests in a window, newest first, filtered by model and status."""
    models, statuses = query.get("model", []), query.get("status", [])
    if len(models) > MAX_MODELS:
        raise Rejected(400, f"At most {MAX_MODELS} `model` values")
    for status in statuses:
        if status not in STATUSES:
            raise Rejected(400, f"Invalid status {status!r}: repeat the parameter for several")
    limit = _integer(query, "limit", 50, 1, 100)
    offset = _integer(query, "offset", 0, 0, None)
    since, until = window(query, account.now)
    rows = [
        row
        for row in rows_of(account, account.subject(token, one(query, "key_prefix")), since, until)
        if (not models or row["model"] in models or row["model"].split("/", 1)[-1] in models)
        and (not statuses or row["status"] in statuses)
    ]
    shown = [{name: value for name, value in row.items() if name != "key_prefix"} for row in rows[offset:][:limit]]
    pagination = {"limit": limit, "offset": offset, "total": len(rows), "has_more": offset + limit < len(rows)}
    return Reply(200, {"data": shown, "pagination": pagination})
