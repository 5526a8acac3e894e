"""Records of one account as the API answers them (a key, a request's log row, a ledger charge), for
the reconcile tests' mocked and stand-in accounts."""

from __future__ import annotations

from typing import Any

#: The window the accounts are reconciled over.
START, END = "2026-01-01T00:00:00Z", "2026-01-08T00:00:00Z"


def key(prefix: str) -> dict[str, Any]:
    return {
        "name": prefix,
        "prefix": prefix,
        "disabled": False,
        "scopes": None,
        "limit": None,
        "monthly_usage": 0,
        "created_at": "2025-12-01T00:00:00Z",
        "updated_at": "2025-12-01T00:00:00Z",
    }


def row(
    inference_id: str, usd: float, created: str = "2026-01-02T10:00:00Z", status: str = "succeeded"
) -> dict[str, Any]:
    return {
        "created": created,
        "status": status,
        "origin": "api",
        "model": "openai/gpt-5",
        "cost": {"usd": usd, "credits": round(usd * 2_000_000)},
        "tokens": {"input": 1, "output": 2, "total": 3},
        "request_id": None,
        "inference_id": inference_id,
        "client_request_id": None,
    }


def charge(
    reference_id: str | None, usd: float, created: str = "2026-01-02T10:00:05Z", direction: str = "CHARGE"
) -> dict[str, Any]:
    return {
        "created_at": created,
        "direction": direction,
        "type": "MODEL_USAGE",
        "amount": {"usd": usd, "credits": round(usd * 2_000_000)},
        "model": "openai/gpt-5",
        "reference_id": reference_id,
    }
