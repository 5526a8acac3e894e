"""Fixtures the export command's tests share (CSV and Parquet)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_api_server import FakeAIMLAPI

from tests.helpers.cli import run


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str]]:
    """A store synced from the default account, and the month of its newest ledger entry."""
    monkeypatch.delenv("AIMLAPI_BILLING_DB", raising=False)
    monkeypatch.delenv("AIMLAPI_BILLING_TEAMS", raising=False)
    url = f"sqlite:///{tmp_path / 'spend.db'}"
    with FakeAIMLAPI() as fake:
        monkeypatch.setenv("AIMLAPI_BILLING_BASE_URL", fake.url)
        code, _, err = run("sync", "--db", url)
        assert code == 0, err
        yield url, fake.ledger[0]["created_at"][:7]
