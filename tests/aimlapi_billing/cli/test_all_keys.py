"""``usage --all-keys``, ``logs --all-keys`` and ``top`` against the stand-in on 127.0.0.1: one row
per key in a deterministic order, keys not measured named with the exit code of their error, every
option at its edges refused before any request, Ctrl-C mid-fan-out one line and exit 130."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from fake_api.data import MANAGEMENT_KEY, many_keys
from fake_api_server import FakeAIMLAPI, Reply

from tests.helpers.cli import rejected, run

pytestmark = pytest.mark.usefixtures("fast_backoff")
_COMMAND = str(Path(sys.executable).with_name("aimlapi-billing"))
SPEND = {"a1b2c3d4": "2.5", "b747e891": "1.56", "c0ffee42": "0.42", "d15ab1ed": "0"}
BY_SPEND = sorted(SPEND, key=lambda prefix: (-Decimal(SPEND[prefix]), prefix))


@pytest.fixture
def account() -> FakeAIMLAPI:
    with FakeAIMLAPI() as server:  # dated from now: every request is in the last 30 days
        yield server


def test_usage_all_keys_json_is_every_key_by_spend_with_money_as_strings(account: FakeAIMLAPI) -> None:
    code, out, err = run("usage", "--all-keys", "--models", "--json", "--base-url", account.url)
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert [(key["key_prefix"], key["spend"]) for key in data["keys"]] == [(p, SPEND[p]) for p in BY_SPEND]
    assert data["complete"] is True
    assert data["missing"] == []
    assert data["listed"] == data["measured"] == 4
    assert data["spend"] == "4.48"
    assert data["rest"] == {"keys": 0, "spend": "0"}
    assert data["keys"][0]["models"] == [{"model": "openai/gpt-5", "spend": "2.5", "requests": 1}]


def test_usage_all_keys_top_sums_the_rest_and_csv_has_one_row_per_key(account: FakeAIMLAPI) -> None:
    code, out, _ = run("usage", "--all-keys", "--top", "2", "--json", "--base-url", account.url)
    data = json.loads(out)
    assert code == 0
    assert [key["key_prefix"] for key in data["keys"]] == BY_SPEND[:2]
    assert data["rest"] == {"keys": 2, "spend": "0.42"}
    assert data["spend"] == "4.48"
    code, out, _ = run("usage", "--all-keys", "--csv", "--top", "1000000000", "--base-url", account.url)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert [(row["key_prefix"], row["spend_usd"]) for row in rows] == [(p, SPEND[p]) for p in BY_SPEND]
    code, out, _ = run("usage", "--all-keys", "--csv", "--models", "--base-url", account.url)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(row["key_prefix"], row["model"]) for row in rows] == [
        ("a1b2c3d4", "openai/gpt-5"),
        ("b747e891", "openai/gpt-5"),
        ("c0ffee42", "anthropic/claude-sonnet"),
        ("d15ab1ed", ""),  # no model: its row all the same, with an empty model
    ]


def test_usage_all_keys_table_says_this_month_in_the_zone(account: FakeAIMLAPI) -> None:
    code, out, _ = run(
        "usage", "--all-keys", "--period", "this-month", "--tz", "Asia/Kolkata", "--base-url", account.url
    )
    assert code == 0
    assert "T18:30:00Z to " in out.splitlines()[0]  # local midnight at +05:30, the day before in UTC
    assert "4 keys listed, 4 measured" in out
    assert "(every key)" in out


def test_keys_not_measured_are_named_in_table_json_and_stderr_with_their_exit_code(account: FakeAIMLAPI) -> None:
    account.key_faults["b747e891"] = Reply(500, {"message": "boom", "statusCode": 500})
    account.delete_after_listing("c0ffee42")
    code, out, err = run("usage", "--all-keys", "--max-retries", "0", "--base-url", account.url)
    assert code == 5  # the API answered with an error status (the first missing key's)
    assert "2 of 4 keys not measured: b747e891 (InternalServerError" in out
    assert "c0ffee42 (NotFoundError" in out
    assert "the measured keys only, NOT the account's total" in out
    assert err.startswith("aimlapi-billing: error: 2 of 4 keys not measured")
    assert len(err.splitlines()) == 1
    code, out, _ = run("usage", "--all-keys", "--json", "--max-retries", "0", "--base-url", account.url)
    data = json.loads(out)
    assert code == 5
    assert data["complete"] is False
    assert [key["key_prefix"] for key in data["missing"]] == ["b747e891"]  # c0ffee42 is gone from the list now
    assert data["spend"] == "2.5"


def test_the_deadline_ending_the_fan_out_is_exit_4_with_the_missing_keys_counted() -> None:
    with FakeAIMLAPI(keys=many_keys(60), delay=0.1) as server:
        code, out, err = run(
            "usage", "--all-keys", "--concurrency", "2", "--deadline", "1", "--json", "--base-url", server.url
        )
    data = json.loads(out)
    assert code == 4
    assert data["complete"] is False
    assert data["measured"] + len(data["missing"]) == data["listed"] == 60
    assert "keys not measured" in err
    assert ", and " in err


def test_logs_all_keys_has_a_key_column_in_every_style(account: FakeAIMLAPI) -> None:
    code, out, _ = run("logs", "--all-keys", "--period", "30d", "--csv", "--base-url", account.url)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert len(rows) == 5
    assert [row["key_prefix"] for row in rows] == sorted(row["key_prefix"] for row in rows)
    assert {row["inference_id"]: row["key_prefix"] for row in rows}["inf-2"] == "c0ffee42"
    code, out, _ = run("logs", "--all-keys", "--period", "30d", "--json", "--base-url", account.url)
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [line["key_prefix"] for line in lines] == [row["key_prefix"] for row in rows]
    assert next(iter(lines[0])) == "key_prefix"
    code, out, _ = run("logs", "--all-keys", "--period", "30d", "--max-rows", "2", "--base-url", account.url)
    assert code == 0
    assert out.splitlines()[0].startswith("key ")
    assert len(out.splitlines()) == 3


def test_top_answers_who_spent_most_on_what(account: FakeAIMLAPI) -> None:
    code, out, _ = run("top", "--period", "30d", "--top", "2", "--models", "1", "--base-url", account.url)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "who spent most, on what"
    ranked = [line.split()[1] for line in lines if line.split()[:1] in (["1"], ["2"], ["3"]) and "%" in line]
    assert ranked == BY_SPEND[:2]
    assert "models: openai/gpt-5 2.50" in out
    assert "2 other keys: 0.42 USD" in out
    code, out, _ = run("top", "--json", "--models", "0", "--base-url", account.url)
    assert code == 0
    assert "models" not in json.loads(out)["keys"][0]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["usage", "--all-keys", "--top", "0"], "from 1"),
        (["usage", "--all-keys", "--top=-1"], "from 1"),
        (["usage", "--all-keys", "--top", "10000000000"], "from 1"),
        (["usage", "--all-keys", "--top", "1.5"], "whole number"),
        (["usage", "--top", "3"], "go with --all-keys"),
        (["usage", "--csv"], "go with --all-keys"),
        (["usage", "--all-keys", "--key-prefix", "abc"], "not allowed with"),
        (["usage", "--all-keys", "--group-by", "day"], "--models, not --group-by"),
        (["usage", "--all-keys", "--json", "--csv"], "not allowed with"),
        (["usage", "--all-keys", "--tz", "Mars/Olympus"], "IANA"),
        (["usage", "--all-keys", "--since", "2999-01-01"], "in the future"),
        (["logs", "--all-keys", "--key-prefix", "abc"], "not allowed with"),
        (["logs", "--all-keys", "--tz", "nonsense"], "IANA"),
        (["top", "--top", "0"], "from 1"),
        (["top", "--models=-1"], "from 0"),
        (["top", "--tz", "Europe/Berlin", "--period", "7d"], "calendar --period"),
        (["top", "--period", "13mo1"], "not a span"),
        (["top", "--since", "3000-01-01T00:00:00Z"], "in the future"),
    ],
    ids=" ".join,
)
def test_every_option_is_checked_before_any_request(argv: list[str], message: str) -> None:
    with FakeAIMLAPI() as server:
        assert message in rejected(server, *argv)


@pytest.mark.parametrize(
    "argv", [["usage", "--all-keys", "--csv"], ["logs", "--all-keys", "--csv"], ["top"]], ids=" ".join
)
def test_ctrl_c_mid_fan_out_is_one_line_exit_130_and_nothing_written(argv: list[str]) -> None:
    """A real process against the stand-in: SIGINT once the fan-out is under way."""
    with FakeAIMLAPI(keys=many_keys(300), delay=0.2) as server:
        env = {**os.environ, "AIMLAPI_API_KEY": "any-key-will-do"}
        env.pop("AIML_API_KEY", None)
        process = subprocess.Popen(
            [_COMMAND, *argv, "--concurrency", "4", "--base-url", server.url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(300):  # until the per-key requests have begun (at most 30 s)
            if len(server.requests) > 5:
                break
            time.sleep(0.1)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    assert len(server.requests) > 5
    assert (process.returncode, out, err) == (130, "", "aimlapi-billing: interrupted (Ctrl-C)\n")


@pytest.mark.parametrize("argv", [["usage", "--all-keys"], ["top"], ["logs", "--all-keys"]], ids=" ".join)
def test_a_regular_key_is_told_it_needs_a_management_key(argv: list[str]) -> None:
    from fake_api.data import CHATBOT_KEY

    with FakeAIMLAPI(default_caller=CHATBOT_KEY) as server:
        code, out, err = run(*argv, "--base-url", server.url)
    assert (code, out) == (5, "")
    assert f"{' '.join(argv)} reads every key: it needs a management key" in err
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize(("twice", "note"), [(1, "1 prefix listed twice"), (3, "3 prefixes listed twice")])
def test_the_table_notes_prefixes_listed_twice_in_english(account: FakeAIMLAPI, twice: int, note: str) -> None:
    """Before: "GET /v1/keys listed 3 prefixs twice"."""
    listed = httpx.get(f"{account.url}/v1/keys", headers={"authorization": f"Bearer {MANAGEMENT_KEY}"}).json()
    listed["data"] += listed["data"][:twice]
    account.script("GET /v1/keys", Reply(200, listed))
    code, out, _ = run("usage", "--all-keys", "--period", "30d", "--base-url", account.url)
    assert code == 0
    assert f"note      {note} by GET /v1/keys: measured once\n" in out
    assert "spend     4.48 USD (every key)" in out  # each measured once
