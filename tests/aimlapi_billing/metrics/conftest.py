"""Fixtures of the metrics tests: an injected clock, a client of the stand-in."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fake_api_server import FakeAIMLAPI

from aimlapi_billing import (
    Billing,
)
from tests.helpers.metrics import (
    FakeClock,
)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def billing(fake_api: FakeAIMLAPI) -> Iterator[Billing]:
    # A short read timeout for the stall faults; loopback answers take milliseconds.
    with Billing(base_url=fake_api.url, timeout=httpx.Timeout(5.0, read=0.4)) as client:
        yield client
