"""``logs --all-keys`` against the stand-in on 127.0.0.1: the key column shows every listed prefix,
the caller's own key's too, in every style; keys not measured are named under the table."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import pytest
from fake_api.data import MANAGEMENT_KEY
from fake_api_server import FakeAIMLAPI, Reply

from tests.helpers.cli import run

pytestmark = pytest.mark.usefixtures("fast_backoff")
OWN_PREFIX = MANAGEMENT_KEY[:8]


@pytest.fixture
def account() -> Iterator[FakeAIMLAPI]:
    with FakeAIMLAPI() as server:  # dated from now: every request is in the last 30 days
        yield server


def test_the_callers_own_key_prefix_is_shown_in_the_csv_key_column(
    account: FakeAIMLAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: the CSV's key column went through the redactor, which blanks the caller's own key's
    prefix (`<redacted>,2026-...`), while the table and JSON Lines showed it."""
    monkeypatch.setenv("AIML_API_KEY", MANAGEMENT_KEY)  # the caller's key is one of the listed keys
    code, out, _ = run("logs", "--all-keys", "--period", "30d", "--csv", "--base-url", account.url)
    assert code == 0
    csv_keys = [row["key_prefix"] for row in csv.DictReader(io.StringIO(out))]
    assert OWN_PREFIX in csv_keys
    assert "<redacted>" not in out
    assert MANAGEMENT_KEY not in out
    code, out, _ = run("logs", "--all-keys", "--period", "30d", "--json", "--base-url", account.url)
    assert code == 0
    assert [json.loads(line)["key_prefix"] for line in out.splitlines()] == csv_keys


def test_the_table_names_the_keys_not_measured_under_the_rows(account: FakeAIMLAPI) -> None:
    """Before: the table ended with the rows, and only stderr said a key was missing."""
    account.key_faults["b747e891"] = Reply(500, {"message": "boom", "statusCode": 500})
    code, out, err = run("logs", "--all-keys", "--period", "30d", "--max-retries", "0", "--base-url", account.url)
    assert code == 5  # the missing key's error: an error status
    lines = out.splitlines()
    assert lines[-1].startswith("1 of 4 keys not measured: b747e891 (InternalServerError")
    assert lines[-2] == ""
    assert not any(line.startswith("b747e891") for line in lines[1:-2])  # no row of it
    assert err.startswith("aimlapi-billing: error: 1 of 4 keys not measured: b747e891")
    code, out, _ = run(
        "logs", "--all-keys", "--period", "30d", "--csv", "--max-retries", "0", "--base-url", account.url
    )
    assert code == 5
    assert "not measured" not in out  # CSV carries rows only: the line is on stderr
