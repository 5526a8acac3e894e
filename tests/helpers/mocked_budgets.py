"""A mocked account (pytest-httpx) for billing.keys.budgets(): the moment the tests run at, its
period starts, key records, and the key list and usage answers."""

from __future__ import annotations

import datetime
import re
from typing import Any
from urllib.parse import parse_qs

import httpx
from pytest_httpx import HTTPXMock

from tests.aimlapi_billing.conftest import BASE_URL
from tests.helpers.resources import call

UTC = datetime.UTC
#: A Wednesday afternoon: the day, week (from Monday the 23rd) and month (from the 1st) all differ.
NOW = datetime.datetime(2026, 9, 23, 15, 30, tzinfo=UTC)
DAY_START = "2026-09-23T00:00:00Z"
WEEK_START = "2026-09-21T00:00:00Z"
MONTH_START = "2026-09-01T00:00:00Z"
USAGE_URL = re.compile(re.escape(BASE_URL) + r"/v2/usage\?.*")


def key(
    prefix: str, retention: str | None, threshold: float | None, monthly: float = 0.0, **extra: Any
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "prefix": prefix,
        "name": f"name-{prefix}",
        "disabled": False,
        "scopes": None,
        "created_at": "2026-03-01T12:00:00Z",
        "updated_at": "2026-03-01T12:00:00Z",
        "monthly_usage": monthly,
        **extra,
    }
    if retention is not None:
        record["limit"] = {"retention": retention, "threshold": threshold}
    return record


Spends = dict[tuple[str | None, str], float]


def serve_usage(httpx_mock: HTTPXMock, spends: Spends, **override: Any) -> list[dict[str, str]]:
    """Answer GET /v2/usage from ``spends[(key_prefix, start)]`` (0 when absent); return the queries seen."""
    seen: list[dict[str, str]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        query = {name: values[-1] for name, values in parse_qs(request.url.query.decode()).items()}
        seen.append(query)
        prefix = query.get("key_prefix")
        body = {
            "api_key_prefix": prefix,
            "start": query["start"],
            "end": query["end"],
            "spend": spends.get((prefix, query["start"]), 0.0),
            "currency": "USD",
            "requests": 1,
            **override,
        }
        return httpx.Response(200, json=body)

    httpx_mock.add_callback(answer, url=USAGE_URL, is_reusable=True)
    return seen


def serve_keys(httpx_mock: HTTPXMock, *keys: dict[str, Any]) -> None:
    httpx_mock.add_response(url=BASE_URL + "/v1/keys", method="GET", json={"data": list(keys)})


def budgets(mode: str, as_of: datetime.datetime = NOW, **kwargs: Any) -> Any:
    return call(mode, lambda billing: billing.keys.budgets(as_of=as_of, **kwargs))
