"""``usage --all-keys --csv``: no key and no dollar left out. Against the stand-in on 127.0.0.1 the
spend column adds up to the table's spend with ``--top`` (a ``(rest)`` row) and names every key not
measured (a ``missing`` row); on figures built here, a key's models that do not add up to its spend
get an ``(unattributed)`` row."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal

import pytest
from fake_api_server import FakeAIMLAPI, Reply

from aimlapi_billing import AllKeysUsage, KeyUsage, MissingKey, ModelSpend, UsageReport
from aimlapi_billing._cli._all_keys import usage_csv
from tests.helpers.cli import run

pytestmark = pytest.mark.usefixtures("fast_backoff")


@pytest.fixture
def account() -> Iterator[FakeAIMLAPI]:
    with FakeAIMLAPI() as server:  # dated from now: every request is in the last 30 days
        yield server


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def spend_total(rows: list[dict[str, str]]) -> Decimal:
    return sum((Decimal(row["spend_usd"]) for row in rows if row["spend_usd"]), Decimal(0))


def test_top_sums_the_other_keys_in_a_rest_row_so_the_csv_adds_up(account: FakeAIMLAPI) -> None:
    """Before: --top 2 --csv dropped the other keys' 0.42 USD with no row saying so."""
    code, out, _ = run("usage", "--all-keys", "--top", "2", "--csv", "--base-url", account.url)
    rows = rows_of(out)
    assert code == 0
    assert [row["status"] for row in rows] == ["measured", "measured", "rest"]
    assert (rows[-1]["key_prefix"], rows[-1]["name"], rows[-1]["spend_usd"]) == ("(rest)", "2 other keys", "0.42")
    assert spend_total(rows) == Decimal("4.48")  # the table's spend


def test_a_key_not_measured_has_a_missing_row_with_no_spend(account: FakeAIMLAPI) -> None:
    """Before: the CSV had the measured keys only and nothing to tell it from the whole account."""
    account.key_faults["b747e891"] = Reply(500, {"message": "boom", "statusCode": 500})
    code, out, err = run("usage", "--all-keys", "--csv", "--max-retries", "0", "--base-url", account.url)
    rows = rows_of(out)
    assert code == 5
    (missing,) = [row for row in rows if row["status"] != "measured"]
    assert (missing["key_prefix"], missing["name"], missing["spend_usd"]) == ("b747e891", "chatbot-prod", "")
    assert missing["status"].startswith("missing: InternalServerError: ")
    assert rows[-1] is missing
    assert "1 of 4 keys not measured" in err


def _key(prefix: str, spend: str, requests: int, models: tuple[ModelSpend, ...]) -> KeyUsage:
    report = UsageReport(
        spend=Decimal(spend),
        requests=requests,
        start="2026-11-01T00:00:00Z",
        end="2026-12-01T00:00:00Z",
        currency="USD",
        api_key_prefix=prefix,
        models=models,
        groups=None,
        parts=(),
    )
    return KeyUsage(prefix, f"name-{prefix}", report)


def test_models_not_adding_up_to_the_keys_spend_get_an_unattributed_row() -> None:
    rows = (
        _key("k1", "5", 7, (ModelSpend("m/a", Decimal("3"), 4), ModelSpend("m/b", Decimal("1.5"), 2))),
        _key("k2", "0.25", 1, ()),
    )
    missing = (MissingKey("k3", "name-k3", "APITimeoutError", "the 5 s deadline is reached"),)
    result = AllKeysUsage("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z", "USD", rows, missing, listed=3)
    written = rows_of(usage_csv(result, None, True, str))
    assert [(row["key_prefix"], row["model"], row["spend_usd"], row["requests"]) for row in written] == [
        ("k1", "m/a", "3", "4"),
        ("k1", "m/b", "1.5", "2"),
        ("k1", "(unattributed)", "0.5", "1"),
        ("k2", "", "0.25", "1"),
        ("k3", "", "", ""),
    ]
    assert spend_total(written) == result.spend == Decimal("5.25")
    assert written[-1]["status"] == "missing: APITimeoutError: the 5 s deadline is reached"


def test_text_that_starts_a_formula_is_quoted_and_numbers_are_not(account: FakeAIMLAPI) -> None:
    named = account.keys[0]
    named["name"] = '=HYPERLINK("http://127.0.0.1:9/","x")'
    account.logs[0]["model"] = "-2+3"
    code, out, err = run("usage", "--all-keys", "--models", "--csv", "--base-url", account.url)
    assert code == 0, err
    rows = rows_of(out)
    assert {row["name"] for row in rows if row["key_prefix"] == named["prefix"]} == {"'" + named["name"]}
    assert "'-2+3" in {row["model"] for row in rows}
    assert all(Decimal(row["spend_usd"]) >= 0 for row in rows if row["spend_usd"])
