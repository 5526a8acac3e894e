"""The stand-in server the README and the tests use, run as the README runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "fake_api_server.py"


def test_the_script_serves_canned_answers_and_requires_a_bearer_key() -> None:
    with subprocess.Popen(
        [sys.executable, str(SCRIPT), "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as process:
        try:
            _exercise(process)
        finally:
            process.terminate()
            process.wait(timeout=10)


def _exercise(process: subprocess.Popen[str]) -> None:
    assert process.stdout is not None
    banner = process.stdout.readline()
    url = banner.split(" listening on ")[1].split()[0]
    assert url.startswith("http://127.0.0.1:")
    assert not url.endswith(":0")
    answer = httpx.get(f"{url}/v2/billing", headers={"Authorization": "Bearer k"})
    assert answer.json() == {"current_balance": 275.78, "currency": "USD"}
    unauthorised = httpx.get(f"{url}/v2/billing/detail")
    assert unauthorised.status_code == 401
    assert unauthorised.headers["content-type"] == "application/problem+json"
    assert httpx.get(f"{url}/v9/nothing", headers={"Authorization": "Bearer k"}).status_code == 404
