"""``/v1/keys``, ``/v1/key`` and ``/v1/keys/{prefix}``: list, read, create, update, replace and delete keys."""

from __future__ import annotations

import json
import math
import secrets
from typing import Any

from fake_api.data import Account, iso, key_record
from fake_api.replies import Rejected, Reply

RETENTIONS = ("no_reset", "day", "week", "month")
SCOPES = (
    "model:chat",
    "model:responses",
    "model:image",
    "model:audio",
    "model:video",
    "model:embeddings",
    "model:speech",
    "model:ocr",
)
FIELDS = ("name", "disabled", "scopes", "limit")
DEFAULTS: dict[str, Any] = {"name": None, "disabled": False, "scopes": None, "limit": None}


def _manager(account: Account, token: str) -> dict[str, Any]:
    record, management = account.caller(token)
    if not management:
        raise Rejected(403, "Managing keys requires a management key")
    return record


def list_keys(account: Account, token: str) -> Reply:
    _manager(account, token)
    return Reply(200, {"data": [account.public(record) for record in account.keys]})


def current_key(account: Account, token: str) -> Reply:
    record, _ = account.caller(token)
    return Reply(200, {"data": account.public(record)})


def _body(raw: bytes, allowed: tuple[str, ...], required: bool) -> dict[str, Any]:
    if not raw.strip():
        if required:
            raise Rejected(400, "A JSON body is required")
        return {}
    try:
        body = json.loads(raw, parse_constant=lambda name: _refuse(f"{name} is not a number"))
    except (ValueError, UnicodeDecodeError):
        raise Rejected(400, "The body is not valid JSON") from None
    if not isinstance(body, dict):
        raise Rejected(400, "The body must be a JSON object")
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise Rejected(400, f"Unknown fields: {', '.join(unknown)}")
    return body


def _refuse(message: str) -> Any:
    raise Rejected(400, message)


def _checked(body: dict[str, Any], nullable: tuple[str, ...]) -> dict[str, Any]:
    """``body``'s fields, each checked against the spec's request schemas (``null`` only where named)."""
    for name, value in body.items():
        if value is None:
            if name not in nullable:
                raise Rejected(400, f"`{name}` cannot be null")
        elif name == "name" and not isinstance(value, str):
            raise Rejected(400, "`name` must be a string")
        elif name == "disabled" and not isinstance(value, bool):
            raise Rejected(400, "`disabled` must be a boolean")
        elif name == "scopes" and (
            not isinstance(value, list) or any(scope not in SCOPES for scope in value) or len(set(value)) != len(value)
        ):
            raise Rejected(400, f"`scopes` must be a list of distinct values among {', '.join(SCOPES)}")
        elif name == "limit":
            _check_limit(value)
    return body


def _check_limit(limit: Any) -> None:
    if not isinstance(limit, dict) or set(limit) != {"retention", "threshold"}:
        raise Rejected(400, "`limit` must be an object with `retention` and `threshold`")
    if limit["retention"] not in RETENTIONS:
        raise Rejected(400, f"`limit.retention` must be one of {', '.join(RETENTIONS)}")
    threshold = limit["threshold"]
    number = isinstance(threshold, int | float) and not isinstance(threshold, bool)
    if not number or not math.isfinite(threshold) or threshold < 0:
        raise Rejected(400, "`limit.threshold` must be a finite number of USD, at least 0")


def create_key(account: Account, token: str, raw: bytes) -> Reply:
    """A new key; the response is the only one that carries its full value."""
    _manager(account, token)
    body = _checked(_body(raw, ("name", "limit", "scopes"), required=False), nullable=("scopes",))
    with account.lock:
        value = secrets.token_hex(16)
        while any(record["prefix"] == value[:8] for record in account.keys):
            value = secrets.token_hex(16)
        record = key_record(value, body.get("name"), iso(account.now), body.get("limit"), body.get("scopes"))
        account.keys.append(record)
    created = {**account.public(record), "key": value}
    if created["limit"] is None:
        del created["limit"]  # CreatedApiKey.limit is a KeyLimit, never null: an absent limit is left out
    return Reply(200, {"data": created})


def change_key(account: Account, token: str, prefix: str, raw: bytes, replace: bool) -> Reply:
    """PATCH changes the fields given; PUT sets all four, the ones left out to their defaults."""
    _manager(account, token)
    nullable = ("name", "scopes", "limit") if replace else ("scopes",)
    body = _checked(_body(raw, FIELDS, required=True), nullable)
    with account.lock:
        record = account.find(prefix)
        record.update({**DEFAULTS, **body} if replace else body)
        record["updated_at"] = iso(account.now)
    return Reply(200, {"data": account.public(record)})


def delete_key(account: Account, token: str, prefix: str) -> Reply:
    _manager(account, token)
    with account.lock:
        record = account.find(prefix)
        account.keys.remove(record)
        account.revoked.add(record["key"])
    return Reply(200, {"data": {"prefix": prefix, "deleted": True}})
