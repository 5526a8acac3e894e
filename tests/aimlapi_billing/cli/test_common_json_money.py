"""One JSON choice for every command: money is a JSON string of the exact digits the API wrote.

Each command that prints JSON (``--json``: a document or JSON Lines) reads an answer from the
stand-in holding an amount no float can hold (19 significant digits) and must write those digits as
a string (``"0.1234567890123456789"``), which no reader's float rounds: never a JSON number, never
rounded (``0.12345678901234568``), never an exponent or ``-0``; counts stay JSON integers.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pytest
from fake_api.hostile import json_body
from fake_api_server import BALANCE, BILLING, DETAIL, LEDGER, FakeAIMLAPI, Reply

from tests.helpers.cli import run

DIGITS = "0.1234567890123456789"
MARK = "@money@"


def _answer(body: Any) -> Reply:
    """``body`` as the API's JSON, each ``MARK`` string replaced by the number ``DIGITS``."""
    return Reply(200, json.dumps(body).replace(f'"{MARK}"', DIGITS).encode())


KEY = {
    "prefix": "b747e891",
    "name": "chatbot",
    "disabled": False,
    "scopes": None,
    "limit": {"retention": "month", "threshold": MARK},
    "created_at": "2025-10-30T10:00:00.000Z",
    "updated_at": "2025-10-30T10:00:00.000Z",
    "monthly_usage": MARK,
}
ROW = {
    "created": "2025-11-10T09:30:00.000Z",
    "status": "succeeded",
    "origin": "api",
    "model": "openai/gpt-5",
    "cost": {"usd": MARK, "credits": 246913},
    "tokens": {"input": 1, "output": 2, "total": 3},
    "request_id": "req-1",
    "inference_id": "inf-1",
    "client_request_id": None,
}
USAGE = {
    "api_key_prefix": None,
    "start": "2025-10-11T12:00:00.000Z",
    "end": "2025-11-10T12:00:00.000Z",
    "spend": MARK,
    "currency": "USD",
    "requests": 3,
}
CASES = [
    (["balance", "--json"], "/v1/billing/balance", {**BALANCE, "balance": MARK}, ["balance"]),
    (["summary", "--json"], "/v2/billing", {**BILLING, "current_balance": MARK}, ["current_balance"]),
    (["detail", "--json"], "/v2/billing/detail", {**DETAIL, "current_balance": MARK}, ["current_balance"]),
    (
        ["transactions", "--json"],
        "/v2/billing/transactions",
        {
            "data": [{**LEDGER[0], "amount": {"usd": MARK, "credits": 1}}],
            "pagination": {"next_cursor": None, "has_more": False},
        },
        ["usd"],
    ),
    (["forecast", "--json"], "/v2/billing/detail", {**DETAIL, "current_balance": MARK}, ["balance_usd"]),
    (["keys", "--json"], "/v1/keys", {"data": [KEY]}, ["threshold", "monthly_usage"]),
    (
        ["logs", "--json"],
        "/v2/logs",
        {"data": [ROW], "pagination": {"limit": 100, "offset": 0, "total": 1, "has_more": False}},
        ["usd"],
    ),
    (["usage", "--json"], "/v2/usage", USAGE, ["spend"]),
]


@pytest.mark.parametrize(("argv", "path", "body", "fields"), CASES, ids=[case[0][0] for case in CASES])
def test_every_json_output_writes_money_as_its_exact_digits(
    fake_api: FakeAIMLAPI, argv: list[str], path: str, body: Any, fields: list[str]
) -> None:
    fake_api.script(path, _answer(body))
    code, out, err = run(*argv, "--base-url", fake_api.url)
    assert code == 0, err
    for field in fields:
        assert re.search(f'"{field}": ?"{re.escape(DIGITS)}"[,}}\\n]', out), (field, out)
    assert "0.12345678901234568" not in out  # the float's rounding
    assert not re.search(f'[^"]{re.escape(DIGITS)}', out)  # never an unquoted number
    documents = out.splitlines() if argv[0] in {"transactions", "logs"} else [out]  # JSON Lines, or one
    assert all(isinstance(json.loads(text, parse_float=Decimal), dict | list) for text in documents)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("1e-99999999", "is out of the range of a double"),  # written out: ~100 MB of zeros
        ("-1e-400", "is out of the range of a double"),
        ("1e999", "is out of the range of a double"),
        ("12345678901234567890e99999", "is out of the range of a double"),
        ("0." + "7" * 101, "has more than 100 significant digits"),
    ],
)
def test_a_number_no_double_holds_is_an_unusable_answer_and_nothing_is_written(text: str, problem: str) -> None:
    """A hostile server's number beyond a double (either way) or of too many digits: exit 6, one
    line naming the field, nothing on stdout (the encoder would have written every digit)."""
    body = json.dumps({**BILLING, "current_balance": "@"}).replace('"@"', text).encode()
    with FakeAIMLAPI() as server:
        server.route("/v2/billing", json_body(body))
        code, out, err = run("summary", "--json", "--base-url", server.url, "--max-retries", "0")
    assert (code, out) == (6, ""), err
    assert len(err.splitlines()) == 1, err
    assert f"field 'current_balance' {problem}" in err
    assert len(err) < 400


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("-0.0", "0"),  # never "-0"
        ("-0", "0"),
        ("0.00", "0"),  # reconcile's sums wrote "0.00" where others wrote "0": one rule now
        ("12.50", "12.5"),
        ("1E+2", "100"),  # never an exponent
        ("1.5e-7", "0.00000015"),
        ("-3.000", "-3"),  # an overdraft keeps its sign
        ("275", "275"),
    ],
)
def test_every_decimal_is_written_one_way(fake_api: FakeAIMLAPI, text: str, written: str) -> None:
    fake_api.script(
        "/v2/billing", Reply(200, json.dumps({**BILLING, "current_balance": "@"}).replace('"@"', text).encode())
    )
    code, out, err = run("summary", "--json", "--base-url", fake_api.url)
    assert code == 0, err
    assert json.loads(out)["current_balance"] == written


@pytest.mark.parametrize(("text", "shown"), [("-0.0", "0.00 USD"), ("-0.004", "0.00 USD"), ("-0.006", "-0.01 USD")])
def test_a_table_never_shows_negative_zero(fake_api: FakeAIMLAPI, text: str, shown: str) -> None:
    body = json.dumps({**BILLING, "current_balance": "@"}).replace('"@"', text)
    fake_api.script("/v2/billing", Reply(200, body.encode()))
    code, out, err = run("summary", "--base-url", fake_api.url)
    assert code == 0, err
    assert f"balance {shown}" in " ".join(out.split())


NEGATIVE_ZERO_TABLES = [
    (
        ["transactions"],
        "/v2/billing/transactions",
        {
            "data": [{**LEDGER[0], "amount": {"usd": MARK, "credits": 0}}],
            "pagination": {"next_cursor": None, "has_more": False},
        },
        "0.00",
    ),
    (
        ["logs"],
        "/v2/logs",
        {"data": [ROW], "pagination": {"limit": 100, "offset": 0, "total": 1, "has_more": False}},
        "0.0000",
    ),
    (["keys"], "/v1/keys", {"data": [{**KEY, "limit": {"retention": "month", "threshold": 5}}]}, "0.00"),
    (["keys"], "/v1/keys", {"data": [{**KEY, "monthly_usage": 1}]}, "0.00 USD per month"),
]


@pytest.mark.parametrize(
    ("argv", "path", "body", "zero"), NEGATIVE_ZERO_TABLES, ids=["transactions", "logs", "keys-usage", "keys-limit"]
)
def test_no_table_shows_negative_zero(fake_api: FakeAIMLAPI, argv: list[str], path: str, body: Any, zero: str) -> None:
    """The reviewer's: a ledger's or a log's -0.0, a key's monthly_usage -0.0 showed as -0.00 / -0.0000."""
    fake_api.script(path, Reply(200, json.dumps(body).replace(f'"{MARK}"', "-0.0").encode()))
    code, out, err = run(*argv, "--base-url", fake_api.url)
    assert code == 0, err
    assert f" {zero}" in out
    assert "-0.0" not in out


def test_a_negative_zero_threshold_is_sent_as_zero(fake_api: FakeAIMLAPI) -> None:
    code, _, err = run(
        "keys", "update", "b747e891", "--threshold=-0.0", "--retention", "day", "--base-url", fake_api.url
    )
    assert code == 0, err
    (sent,) = [seen for seen in fake_api.requests if seen.method == "PATCH"]
    assert json.loads(sent.body)["limit"] == {"threshold": 0.0, "retention": "day"}
    assert b"-0" not in sent.body
