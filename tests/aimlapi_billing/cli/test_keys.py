"""aimlapi-billing keys: list, create, update, delete against the stand-in server."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fake_api_server import CHATBOT_KEY, AfterApplying, FakeAIMLAPI, Reply, Reset

from ..conftest import API_KEY, CREATED_KEY
from .commands import loads_only_its_own_module, rejected, run

pytestmark = pytest.mark.usefixtures("fast_backoff")
#: What the stand-in answers to a creation in these tests: a key whose full value is the secret the
#: session's canary (tests/secret_canary.py) looks for in every captured output.
CREATED = {
    "data": {
        "key": CREATED_KEY,
        "prefix": "newkey01",
        "name": "ci",
        "disabled": False,
        "scopes": ["model:chat"],
        "limit": {"retention": "day", "threshold": 5},
        "created_at": "2025-11-10T12:00:00.000Z",
        "updated_at": "2025-11-10T12:00:00.000Z",
        "monthly_usage": 0,
    }
}


def test_the_table_lists_every_key(fake_api: FakeAIMLAPI) -> None:
    code, out, err = run("keys", "--base-url", fake_api.url)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "prefix      name                      state            month  limit                     scopes",
        "a1b2c3d4    main                      enabled           2.50  none                      all",
        "d15ab1ed    old-experiments           disabled          0.00  10.00 USD per no_reset    all",
        "b747e891    chatbot-prod              enabled           1.56  25.00 USD per month       "
        "model:chat, model:responses",
        "c0ffee42    batch-jobs                enabled           0.42  5.00 USD per day          all",
    ]
    assert run("keys", "list", "--base-url", fake_api.url)[1] == out


def test_json_is_an_array_with_the_apis_field_names_and_no_secret(fake_api: FakeAIMLAPI) -> None:
    code, out, _ = run("keys", "--json", "--base-url", fake_api.url)
    assert code == 0
    keys = json.loads(out)
    assert [key["prefix"] for key in keys] == ["a1b2c3d4", "d15ab1ed", "b747e891", "c0ffee42"]
    assert set(keys[2]) == {
        "prefix",
        "name",
        "disabled",
        "scopes",
        "limit",
        "created_at",
        "updated_at",
        "monthly_usage",
    }
    assert keys[2]["limit"] == {"retention": "month", "threshold": 25}
    for record in fake_api.keys:  # the full values the server holds
        assert record["key"] not in out


def test_a_regular_key_cannot_list_the_keys() -> None:
    with FakeAIMLAPI(default_caller=CHATBOT_KEY) as server:
        code, out, err = run("keys", "--base-url", server.url)
    assert (code, out) == (5, "")
    assert (
        err
        == "aimlapi-billing: error: Error code: 403 - Managing keys requires a management key (request id: fake-403)\n"
    )


def test_create_prints_the_key_once_on_stdout_and_nothing_else(
    fake_api: FakeAIMLAPI, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every log record of the SDK and httpx is captured: the canary reads them
    fake_api.script("POST /v1/keys", Reply(200, CREATED))
    argv = ("keys", "create", "--name", "ci", "--threshold", "5", "--retention", "day", "--scope", "model:chat")
    code, out, err = run(*argv, "--base-url", fake_api.url)
    assert code == 0
    assert out == CREATED_KEY + "\n"
    assert err == "created key newkey01 (ci): its value is on stdout, shown this once; store it now\n"
    print(err, file=sys.stderr)  # for the canary, with the captured logs
    (seen,) = fake_api.requests_to("/v1/keys")
    body = json.loads(seen.body)
    assert body == {"name": "ci", "scopes": ["model:chat"], "limit": {"threshold": 5.0, "retention": "day"}}


def test_create_in_a_shell_capture_gets_exactly_the_key(fake_api: FakeAIMLAPI) -> None:
    """`KEY=$(aimlapi-billing keys create ...)`, with debug logging on: stdout is the key, stderr never has it."""
    fake_api.script("POST /v1/keys", Reply(200, CREATED))
    env = {**os.environ, "AIML_API_KEY": API_KEY, "AIMLAPI_BILLING_LOG": "debug"}
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "aimlapi-billing"),
            "keys",
            "create",
            "--name",
            "ci",
            "--base-url",
            fake_api.url,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout == CREATED_KEY + "\n"
    assert "POST" in done.stderr  # the debug log was on
    assert "created key newkey01" in done.stderr
    print(done.stderr, file=sys.stderr)  # the canary searches it for any 8 characters of the key


def test_a_real_creation_then_update_then_delete(fake_api: FakeAIMLAPI) -> None:
    code, out, err = run("keys", "create", "--name", "tmp", "--base-url", fake_api.url)
    assert code == 0
    value = out.strip()
    (record,) = [record for record in fake_api.keys if record["name"] == "tmp"]
    assert record["key"] == value
    prefix = record["prefix"]
    assert err.startswith(f"created key {prefix} (tmp)")
    code, out, err = run("keys", "update", prefix, "--disable", "--name", "tmp2", "--base-url", fake_api.url)
    assert (code, err) == (0, f"updated key {prefix}\n")
    assert out.splitlines()[1].split() == [prefix, "tmp2", "disabled", "0.00", "none", "all"]
    assert record["disabled"] is True
    code, out, err = run(
        "keys", "update", prefix, "--enable", "--threshold", "0", "--retention", "week", "--base-url", fake_api.url
    )
    assert code == 0
    assert record["limit"] == {"threshold": 0, "retention": "week"}
    assert record["disabled"] is False
    assert run("keys", "delete", prefix, "--yes", "--base-url", fake_api.url) == (0, "", f"deleted key {prefix}\n")
    assert all(record["prefix"] != prefix for record in fake_api.keys)


def test_delete_without_yes_sends_nothing(fake_api: FakeAIMLAPI) -> None:
    err = rejected(fake_api, "keys", "delete", "c0ffee42")
    assert "add --yes to confirm" in err
    assert any(record["prefix"] == "c0ffee42" for record in fake_api.keys)


def test_an_unknown_prefix_is_the_apis_404(fake_api: FakeAIMLAPI) -> None:
    code, out, err = run("keys", "delete", "nope0000", "--yes", "--base-url", fake_api.url)
    assert (code, out) == (5, "")
    assert "No key with prefix nope0000" in err


def test_a_creation_whose_answer_is_lost_says_to_look_before_trying_again(fake_api: FakeAIMLAPI) -> None:
    fake_api.script("POST /v1/keys", AfterApplying(Reset()))
    code, out, err = run("keys", "create", "--name", "lost", "--base-url", fake_api.url)
    assert (code, out) == (4, "")
    assert "list the keys" in err
    assert len(err.splitlines()) == 1
    assert len(fake_api.requests_to("/v1/keys")) == 1  # never sent twice
    assert any(record["name"] == "lost" for record in fake_api.keys)


def test_server_text_in_the_table_is_escaped(fake_api: FakeAIMLAPI) -> None:
    fake_api.keys[0]["name"] = "evil\x1b]0;title\x07"
    code, out, _ = run("keys", "--base-url", fake_api.url)
    assert code == 0
    assert "\x1b" not in out
    assert "evil\\x1b]0;title\\x07" in out


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["create", "--threshold", "5"], "together"),
        (["create", "--retention", "day"], "together"),
        (["create", "--threshold", "-1", "--retention", "day"], "an amount in USD"),
        (["create", "--threshold", "nan", "--retention", "day"], "an amount in USD"),
        (["create", "--threshold", "inf", "--retention", "day"], "an amount in USD"),
        (["create", "--threshold", "1e13", "--retention", "day"], "an amount in USD"),
        (["create", "--threshold", "5", "--retention", "year"], "invalid choice"),
        (["create", "--scope", "model:everything"], "invalid choice"),
        (["create", "--scope", "model:chat", "--scope", "model:chat"], "each --scope once"),
        (["create", "--name", "tab\there"], "not printable"),
        (["create", "--disable"], "a new key is enabled"),
        (["create", "abcd1234"], "takes no PREFIX"),
        (["create", "--json"], "--json is for keys list"),
        (["list", "--yes"], "--yes is for keys delete"),
        (["list", "--name", "x"], "takes none of --name"),
        (["update"], "needs the PREFIX"),
        (["update", "c0ffee42"], "needs at least one change"),
        (["update", "c0ffee42", "--disable", "--enable"], "not allowed with"),
        (["delete"], "needs the PREFIX"),
        (["delete", "c0ffee42", "--yes", "--name", "x"], "takes none of --name"),
        (["rotate"], "invalid choice"),
        (["update", " ", "--disable"], "not a key prefix"),
    ],
)
def test_every_option_is_checked_before_any_request(fake_api: FakeAIMLAPI, options: list[str], message: str) -> None:
    assert message in rejected(fake_api, "keys", *options)


def test_the_command_loads_only_what_it_uses(fake_api: FakeAIMLAPI) -> None:
    loads_only_its_own_module(
        fake_api,
        ["keys"],
        {
            "aimlapi_billing._reconcile",
            "aimlapi_billing._logs",
            "aimlapi_billing._usage",
            "aimlapi_billing._forecast",
            "csv",
        },
    )
