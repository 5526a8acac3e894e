"""The stand-in server the README and the tests use, run as the README runs it."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "fake_api_server.py"


def test_the_script_serves_canned_answers_and_requires_a_bearer_key() -> None:
    with _serving() as url:
        _exercise(url)


def test_the_script_serves_the_account_to_any_key_as_its_management_key() -> None:
    headers = {"Authorization": "Bearer any-key"}
    with _serving() as url:
        keys = httpx.get(f"{url}/v1/keys", headers=headers).json()["data"]
        assert [key["name"] for key in keys] == ["main", "old-experiments", "chatbot-prod", "batch-jobs"]
        usage = httpx.get(f"{url}/v2/usage", params={"period": "7d", "key_prefix": "b747e891"}, headers=headers)
        assert (usage.json()["spend"], usage.json()["requests"]) == (1.56, 1)
        logs = httpx.get(f"{url}/v2/logs", params={"period": "7d"}, headers=headers).json()
        assert [row["inference_id"] for row in logs["data"]] == ["inf-f1", "inf-1"]


def test_the_script_can_disagree_and_serve_a_regular_key() -> None:
    headers = {"Authorization": "Bearer any-key"}
    with _serving("--discrepancy", "missing_charge", "--regular-key") as url:
        assert httpx.get(f"{url}/v1/keys", headers=headers).status_code == 403
        assert httpx.get(f"{url}/v1/key", headers=headers).json()["data"]["name"] == "chatbot-prod"
        usage = httpx.get(f"{url}/v2/usage", params={"period": "7d"}, headers=headers).json()
        assert (usage["spend"], usage["requests"]) == (1.87, 2)  # inf-4, which the ledger does not charge


@contextlib.contextmanager
def _serving(*options: str) -> Iterator[str]:
    command = [sys.executable, str(SCRIPT), "--port", "0", *options]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as process:
        try:
            assert process.stdout is not None
            banner = process.stdout.readline()
            url = banner.split(" listening on ")[1].split()[0]
            assert url.startswith("http://127.0.0.1:")
            assert not url.endswith(":0")
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)


def _exercise(url: str) -> None:
    answer = httpx.get(f"{url}/v2/billing", headers={"Authorization": "Bearer k"})
    assert answer.json() == {"current_balance": 275.78, "currency": "USD"}
    unauthorised = httpx.get(f"{url}/v2/billing/detail")
    assert unauthorised.status_code == 401
    assert unauthorised.headers["content-type"] == "application/problem+json"
    assert httpx.get(f"{url}/v9/nothing", headers={"Authorization": "Bearer k"}).status_code == 404
