"""A key record and a creation answer as the mocked API (pytest-httpx) gives them, and the keys' URLs,
for the tests of billing.keys."""

from __future__ import annotations

from typing import Any

from tests.aimlapi_billing.conftest import BASE_URL, CREATED_KEY

STAMP = "2026-08-01T10:00:00Z"
KEY = {
    "prefix": "abcd1234",
    "name": "ci",
    "disabled": False,
    "scopes": ["model:chat"],
    "created_at": STAMP,
    "updated_at": STAMP,
    "monthly_usage": 1.25,
    "limit": {"retention": "month", "threshold": 50},
}
CREATED = {"data": {**KEY, "key": CREATED_KEY, "prefix": CREATED_KEY[:8]}}
KEYS_URL = BASE_URL + "/v1/keys"
PREFIX_URL = BASE_URL + "/v1/keys/abcd1234"


def everything_shown(value: Any) -> str:
    """Everything ``value`` shows: its repr, its str and its attributes (for a secret that must be in none)."""
    return f"{value!r} {value} {getattr(value, '__dict__', '')}"
