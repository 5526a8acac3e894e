"""Fixtures for the convenience layer's tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fake_api_server import LEDGER_AS_OF, FakeAIMLAPI

from aimlapi_billing import _retry

# Recognisable, so the secret tests can search every output for it.
API_KEY = "sk-aiml-TEST-9f8e7d6c5b4a3210-SECRET"
#: The full value of a key the tests' API "creates" (POST /v1/keys): a secret like API_KEY. No 8 characters
#: of it are a stand-in key's prefix (a1b2c3d4 was: a partial echo to the canary in every log naming it).
CREATED_KEY = "newkey01-NEWKEY-z9y8x7w6v5u4t3s2-CREATED"
#: What the stand-in answers to a creation in these tests: a key whose full value is the secret the
#: session's canary (tests/helpers/secret_canary.py) looks for in every captured output.
CREATED: dict[str, Any] = {
    "data": {
        "key": CREATED_KEY,
        "prefix": "newkey01",
        "name": "ci",
        "disabled": False,
        "scopes": ["model:chat"],
        "limit": {"retention": "day", "threshold": 5},
        "created_at": "2025-11-10T12:00:00.000Z",
        "updated_at": "2025-11-10T12:00:00.000Z",
        "monthly_usage": 0,
    }
}
BASE_URL = "https://api.aimlapi.com"


@pytest.fixture(autouse=True)
def api_key_env(monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test starts with the key in $AIML_API_KEY and no other configuration variable."""
    for name in ("AIML_API_KEY", "AIMLAPI_API_KEY", "AIMLAPI_BILLING_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AIML_API_KEY", API_KEY)
    return API_KEY


@pytest.fixture
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Backoff in milliseconds rather than seconds; the policy itself is unchanged."""
    monkeypatch.setattr(_retry, "INITIAL_DELAY", 0.001)
    monkeypatch.setattr(_retry, "MAX_DELAY", 0.004)


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record the delays the client asks for (backoff, rate limit) instead of sleeping them."""
    from aimlapi_billing import _base_client

    delays: list[float] = []

    async def async_sleep(delay: float) -> None:
        delays.append(delay)

    monkeypatch.setattr(_base_client.time, "sleep", delays.append)
    monkeypatch.setattr(_base_client, "_async_sleep", async_sleep)
    return delays


@pytest.fixture
def fake_api() -> Iterator[FakeAIMLAPI]:
    """The stand-in API with its canned account on a fixed calendar, so tests can name dates."""
    with FakeAIMLAPI(now=LEDGER_AS_OF) as server:
        yield server
