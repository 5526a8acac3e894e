"""`forecast` against the stand-in on 127.0.0.1: server text escaped and redacted."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from fake_api_server import FakeAIMLAPI

from tests.aimlapi_billing.conftest import API_KEY
from tests.helpers.cli import run

pytestmark = pytest.mark.usefixtures("fast_backoff")


def one_charge(model: str) -> list[dict[str, Any]]:
    """A ledger of one 1 USD charge an hour ago, for ``model``."""
    now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)
    return [
        {
            "created_at": now.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "direction": "CHARGE",
            "type": "MODEL_USAGE",
            "amount": {"usd": 1.0, "credits": 2_000_000},
            "model": model,
            "reference_id": "inf-x",
        }
    ]


def test_forecast_table_escapes_control_characters_from_the_server(fake_api: FakeAIMLAPI) -> None:
    fake_api.ledger = one_charge("evil\x1b[31m\nrunway 9999 days\u2028")
    code, out, _ = run("forecast", "--window", "30d", "--base-url", fake_api.url)
    assert code == 0
    assert "\x1b" not in out
    assert "\u2028" not in out
    assert not any(line.startswith("runway 9999") for line in out.splitlines())


@pytest.mark.parametrize("json_output", [False, True])
def test_forecast_redacts_a_model_name_that_echoes_the_key(fake_api: FakeAIMLAPI, json_output: bool) -> None:
    fake_api.ledger = one_charge(f"echo/{API_KEY}")
    code, out, _ = run("forecast", "--window", "30d", "--base-url", fake_api.url, *(["--json"] if json_output else []))
    assert code == 0
    assert "echo/<redacted>" in out
    assert API_KEY[:8] not in out
    assert API_KEY[-8:] not in out
