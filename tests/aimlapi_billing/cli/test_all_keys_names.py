"""A key listed with no name (``"name": null``) in ``usage --all-keys`` against the stand-in on
127.0.0.1: null in JSON, an empty cell in the table and CSV, never the text "None"."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import pytest
from fake_api.data import MANAGEMENT_KEY
from fake_api_server import FakeAIMLAPI, Reply

from aimlapi_billing import Billing
from tests.helpers.cli import run

pytestmark = pytest.mark.usefixtures("fast_backoff")


@pytest.fixture
def nameless() -> Iterator[tuple[FakeAIMLAPI, str]]:
    with FakeAIMLAPI() as server:
        key = server.account.keys[2]
        key["name"] = None
        yield server, key["prefix"]


def test_a_key_with_no_name_is_null_in_json_and_empty_in_the_table_and_csv(nameless: tuple[FakeAIMLAPI, str]) -> None:
    """Before: the name showed as the string "None"."""
    server, prefix = nameless
    code, out, _ = run("usage", "--all-keys", "--json", "--base-url", server.url)
    assert code == 0
    assert {key["key_prefix"]: key["name"] for key in json.loads(out)["keys"]}[prefix] is None
    code, out, _ = run("usage", "--all-keys", "--base-url", server.url)
    assert code == 0
    (line,) = [line for line in out.splitlines() if f" {prefix} " in line]
    assert "None" not in line
    code, out, _ = run("usage", "--all-keys", "--csv", "--base-url", server.url)
    assert {row["key_prefix"]: row["name"] for row in csv.DictReader(io.StringIO(out))}[prefix] == ""


def test_a_missing_key_with_no_name_has_a_none_name(nameless: tuple[FakeAIMLAPI, str]) -> None:
    server, prefix = nameless
    server.key_faults[prefix] = Reply(500, {"message": "boom", "statusCode": 500})
    with Billing(api_key=MANAGEMENT_KEY, base_url=server.url, max_retries=0) as billing:
        usage = billing.usage.all_keys(period="this-month")
        budgets = billing.keys.budgets(partial=True)
    assert [(key.prefix, key.name) for key in usage.missing] == [(prefix, None)]
    assert [(key.prefix, key.name) for key in budgets.missing] == [(prefix, None)]
    code, out, _ = run("usage", "--all-keys", "--json", "--max-retries", "0", "--base-url", server.url)
    assert code == 5
    assert json.loads(out)["missing"][0]["name"] is None
