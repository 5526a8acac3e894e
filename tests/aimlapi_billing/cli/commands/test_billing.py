"""`balance`, `summary` and `detail` against the stand-in on 127.0.0.1: tables, the API's JSON, server
text escaped and redacted."""

from __future__ import annotations

import json

import pytest
from fake_api_server import BILLING, DETAIL, FakeAIMLAPI, Reply

from tests.aimlapi_billing.conftest import API_KEY
from tests.helpers.cli import cli_json, run

pytestmark = pytest.mark.usefixtures("fast_backoff")


def test_balance_table(fake_api: FakeAIMLAPI) -> None:
    code, out, err = run("balance", "--base-url", fake_api.url)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "balance       551,564,495 credits (275.78 USD)",
        "low balance   no (threshold 10,000 credits)",
        "auto top-up   disabled (the legacy flag of GET /v1/billing/balance; `detail` shows the current setting)",
        "status        current: Balance is current and up to date",
        "last updated  2025-11-10 10:01:56 UTC",
    ]


def test_summary_table(fake_api: FakeAIMLAPI) -> None:
    assert run("summary", "--base-url", fake_api.url) == (0, "balance  275.78 USD\n", "")


def test_detail_table(fake_api: FakeAIMLAPI) -> None:
    code, out, _ = run("detail", "--base-url", fake_api.url)
    assert code == 0
    assert out.splitlines() == [
        "user id      111",
        "email        user@example.com",
        "balance      275.78 USD",
        "auto top-up  on: adds 100.00 USD when the balance falls below 50.00 USD (GET /v2/billing/detail)",
    ]


@pytest.mark.parametrize(("command", "path"), [("summary", "/v2/billing"), ("detail", "/v2/billing/detail")])
def test_json_output_is_the_apis_json(fake_api: FakeAIMLAPI, command: str, path: str) -> None:
    code, out, _ = run(command, "--json", "--base-url", fake_api.url)
    assert code == 0
    schema = {"/v2/billing": "BillingResponse", "/v2/billing/detail": "BillingDetailResponse"}[path]
    assert json.loads(out) == cli_json(fake_api.canned[path], schema)  # money as strings (docs/cli)


def test_balance_json_keeps_every_field(fake_api: FakeAIMLAPI) -> None:
    code, out, _ = run("balance", "--json", "--base-url", fake_api.url)
    assert code == 0
    assert json.loads(out)["lastUpdated"] == "2025-11-10T10:01:56.824000+00:00"
    assert set(json.loads(out)) == set(fake_api.canned["/v1/billing/balance"])


def test_detail_table_when_auto_top_up_is_off(fake_api: FakeAIMLAPI) -> None:
    fake_api.script("/v2/billing/detail", Reply(200, {**DETAIL, "autotopup_settings": {"is_enabled": False}}))
    code, out, _ = run("detail", "--base-url", fake_api.url)
    assert code == 0
    assert out.splitlines()[-1] == "auto top-up  off (GET /v2/billing/detail)"


@pytest.mark.parametrize("json_output", [False, True])
def test_detail_redacts_a_key_echoed_by_the_server(json_output: bool) -> None:
    with FakeAIMLAPI() as api:
        api.script("/v2/billing/detail", Reply(200, {**DETAIL, "email": f"{API_KEY}@example.com"}))
        code, out, _ = run("detail", *(["--json"] if json_output else []), "--base-url", api.url)
    assert code == 0
    assert API_KEY[8:16] not in out
    assert "<redacted>@example.com" in out


@pytest.mark.parametrize("command", ["summary", "detail"])
def test_summary_and_detail_show_server_text_escaped(fake_api: FakeAIMLAPI, command: str) -> None:
    """Server text in a table (an e-mail), or in the error that refuses it (a currency), is escaped."""
    path = "/v2/billing" if command == "summary" else "/v2/billing/detail"
    body = {**(BILLING if command == "summary" else DETAIL), "currency": "USD\x1b[2J\nX"}
    fake_api.script(path, Reply(200, body))
    code, out, err = run(command, "--base-url", fake_api.url)
    assert (code, out) == (6, "")
    assert "field 'currency' is 'USD\\x1b[2J\\nX'" in err
    assert (err.count("\n"), "\x1b" in err) == (1, False)
    if command == "detail":
        fake_api.script(path, Reply(200, {**DETAIL, "email": "me\x1b]0;title\x07@example.com"}))
        code, out, _ = run(command, "--base-url", fake_api.url)
        assert code == 0
        assert "\x1b" not in out
        assert "\x07" not in out
        assert "me\\x1b]0;title\\x07@example.com" in out
        assert len(out.splitlines()) == 4


def test_transactions_csv_guards_text_cells_a_spreadsheet_would_run() -> None:
    """The ledger's text (model, type, reference id) is the server's: in CSV a cell starting = + - @
    gets a leading ', as in every other CSV output; the amounts are ours and never changed."""
    from fake_api.hostile import entry, json_body, page

    hostile = {**entry(1), "model": '=HYPERLINK("http://x")', "reference_id": "@SUM(A1)", "type": "-2+3"}
    with FakeAIMLAPI() as server:
        server.route("/v2/billing/detail", json_body(DETAIL))
        server.route("/v2/billing/transactions", json_body(page([hostile, entry(2)], None)))
        code, out, err = run("transactions", "--csv", "--base-url", server.url)
    # The type is not one the spec lists: a warning says so (and the cell is guarded below).
    assert (code, err) == (
        0,
        "aimlapi-billing: warning: TransactionType: '-2+3' is not a value the specification lists; kept as is\n",
    )
    lines = out.splitlines()
    assert lines[1] == '2026-08-20T01:00:00.000Z,CHARGE,\'-2+3,0.5,1000000,"\'=HYPERLINK(""http://x"")",\'@SUM(A1)'
    assert lines[2] == "2026-08-20T02:00:00.000Z,CHARGE,MODEL_USAGE,0.5,1000000,openai/gpt-5,r2"
