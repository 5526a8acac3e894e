"""Fixtures shared by every test module."""

from __future__ import annotations

import signal
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.signals import sigint_left_as_found

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED_PAGE = SHARED / "seeds" / "account-balance.md"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(autouse=True)
def _sigint_left_as_found() -> Iterator[None]:
    """No test leaves SIGINT changed for the tests after it (tests/helpers/signals.py)."""
    yield from sigint_left_as_found()


def free_port() -> int:
    """A loopback port free now, for servers that must be told their port (Prometheus, pypiserver)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


pytest_plugins = ("pytester",)


def pytest_configure(config: pytest.Config) -> None:
    """Search every captured output of the session for the test API key and the key the tests create
    (tests/helpers/secret_canary.py)."""
    from tests.aimlapi_billing.conftest import API_KEY, CREATED_KEY
    from tests.helpers.secret_canary import SecretCanary

    # A created key's first 8 characters are its prefix, its public part (the vendor's docs), printed
    # to name the key: the canary looks for the rest.
    config.pluginmanager.register(SecretCanary([API_KEY, CREATED_KEY[8:]]), "secret-canary")
    _sigint_for_the_children()


def _sigint_for_the_children() -> None:
    """A script that runs the suite in the background (`./scripts/test.sh &`) starts it with SIGINT
    ignored, and an ignored signal stays ignored across exec: the children that tests interrupt with
    SIGINT would run to their end. A handled signal is reset to its default by exec instead."""
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
