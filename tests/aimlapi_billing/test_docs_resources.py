"""The docs' example of usage, keys and logs (docs/sdk/usage-keys-logs.md) sends exactly the requests it should, against
mocked answers (tests/test_docs.py also runs it, as a quickstart block, against the stand-in)."""

from __future__ import annotations

import datetime
import re
from urllib.parse import parse_qs

import httpx
import pytest
from pytest_httpx import HTTPXMock

from tests.helpers.quickstart import docs_page

from .conftest import CREATED_KEY

PAGE = docs_page("sdk/usage-keys-logs.md")
EXAMPLE = re.search(
    r"<!-- quickstart -->\n```python\n(from aimlapi_billing import Billing, OutcomeUnknownError\n.*?)```",
    PAGE,
    re.DOTALL,
)

USAGE = {
    "api_key_prefix": None,
    "start": "2026-01-01T00:00:00Z",
    "end": "2026-01-08T00:00:00Z",
    "spend": 1.25,
    "currency": "USD",
    "requests": 3,
    "models": [{"model": "openai/gpt-5", "spend": 1.25, "requests": 3}],
    "groups": [],
}
KEY = {
    "prefix": "abcd1234",
    "name": "ci",
    "disabled": False,
    "scopes": ["model:chat"],
    "created_at": "2026-08-01T00:00:00Z",
    "updated_at": "2026-08-01T00:00:00Z",
    "monthly_usage": 1.0,
    "limit": {"retention": "month", "threshold": 50},
}
ROW = {
    "created": "2026-08-01T10:00:00Z",
    "status": "failed",
    "origin": "api",
    "model": "openai/gpt-5",
    "cost": {"usd": 0, "credits": 0},
    "tokens": {"input": 1, "output": 0, "total": 1},
    "request_id": None,
    "inference_id": "inf-1",
    "client_request_id": None,
}


def _usage_of_the_window_asked_for(request: httpx.Request) -> httpx.Response:
    """``USAGE``, echoing the window asked for (the SDK checks that each piece measured it)."""
    query = parse_qs(request.url.query.decode())
    if "period" in query:
        amount, unit = int(query["period"][0][:-1]), query["period"][0][-1]
        end = datetime.datetime.now(datetime.UTC)
        start = end - datetime.timedelta(**{"hours" if unit == "h" else "days": amount})
        window = {"start": start.isoformat(), "end": end.isoformat()}
    else:
        window = {"start": query["start"][0], "end": query["end"][0]}
    return httpx.Response(200, json={**USAGE, **window})


def test_the_example_runs(httpx_mock: HTTPXMock, capsys: pytest.CaptureFixture[str]) -> None:
    assert EXAMPLE is not None
    httpx_mock.add_callback(
        _usage_of_the_window_asked_for, url=re.compile(r".*/v2/usage(/detail)?\?.*"), is_reusable=True
    )
    httpx_mock.add_response(url=re.compile(r".*/v1/keys$"), method="GET", json={"data": [KEY]})
    httpx_mock.add_response(method="POST", json={"data": {**KEY, "prefix": CREATED_KEY[:8], "key": CREATED_KEY}})
    httpx_mock.add_response(method="PATCH", json={"data": {**KEY, "prefix": CREATED_KEY[:8], "disabled": True}})
    httpx_mock.add_response(method="DELETE", json={"data": {"prefix": CREATED_KEY[:8], "deleted": True}})
    httpx_mock.add_response(
        url=re.compile(r".*/v2/logs\?.*"),
        json={"data": [ROW], "pagination": {"limit": 100, "offset": 0, "total": 1, "has_more": False}},
    )
    exec(compile(EXAMPLE.group(1), "usage-keys-logs.md", "exec"), {})  # noqa: S102  (our own docs)
    printed = capsys.readouterr().out
    assert "5.00 12" in printed  # a year: four pieces of 1.25 and 3
    assert f"CreatedKey(prefix={CREATED_KEY[:8]!r}, name='ci', key=SecretKey('**********'))" in printed
    assert "openai/gpt-5 0 inf-1" in printed
    assert CREATED_KEY[8:16] not in printed
    methods = [request.method for request in httpx_mock.get_requests()]
    assert methods.count("POST") == 1
