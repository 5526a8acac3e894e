"""aimlapi-billing reconcile: the stand-in's three records, agreeing and disagreeing on purpose."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fake_api.data import synthetic_requests
from fake_api_server import CHATBOT_KEY, LEDGER_AS_OF, FakeAIMLAPI, Reply

from aimlapi_billing._cli._commands.reconcile import EXIT_MISMATCH
from tests.aimlapi_billing.conftest import API_KEY
from tests.helpers.cli import loads_only_its_own_module, rejected, run
from tests.helpers.log_scenarios import changing_logs, charge, keys, ledger, usage

pytestmark = pytest.mark.usefixtures("fast_backoff")
#: A relative period: the stand-in is dated from its start, and its requests are 2.5 h to 3.2 days old.
PERIOD = ("--period", "30d")


@pytest.fixture
def server(request: pytest.FixtureRequest) -> Iterator[FakeAIMLAPI]:
    """The stand-in dated from now, with the discrepancies the test is parametrized with."""
    with FakeAIMLAPI(discrepancies=getattr(request, "param", ())) as fake:
        yield fake


def test_the_records_agree(server: FakeAIMLAPI) -> None:
    code, out, err = run("reconcile", *PERIOD, "--base-url", server.url)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("window         ")
    assert lines[0].endswith(", 4 keys")
    assert lines[1:] == [
        "ledger         4.48 USD in 3 MODEL_USAGE charges",
        "logs           4.48 USD in 3 rows that cost something (of 5)",
        "usage          4.48 USD in 3 charged requests",
        "ledger - logs  +0.00 USD (over 3 settled rows)",
        "usage - logs   +0.00 USD",
        "verdict        agree (differences below 0.01 USD)",
    ]
    # Every key's logs and usage were read, and the ledger once.
    assert len(server.requests_to("/v1/keys")) == 1
    assert len(server.requests_to("/v2/usage")) == 4
    assert len(server.requests_to("/v2/logs")) == 4
    assert len(server.requests_to("/v2/billing/transactions")) == 1


@pytest.mark.parametrize("server", [("missing_charge",)], indirect=True)
def test_a_request_the_ledger_never_charged(server: FakeAIMLAPI) -> None:
    code, out, err = run("reconcile", *PERIOD, "--base-url", server.url)
    assert (code, err) == (EXIT_MISMATCH, "")
    assert "ledger - logs     -0.31 USD (over 4 settled rows)" in out
    (only,) = [line for line in out.splitlines() if line.startswith("  inf-4")]
    assert only.split()[:4] == ["inf-4", "logs", "0.31", "USD"]
    assert out.splitlines()[-1] == "verdict           DISAGREE (differences below 0.01 USD are agreement)"


@pytest.mark.parametrize("server", [("amount_differs",)], indirect=True)
def test_a_charge_of_another_amount(server: FakeAIMLAPI) -> None:
    code, out, _ = run("reconcile", *PERIOD, "--json", "--base-url", server.url)
    assert code == EXIT_MISMATCH
    data = json.loads(out)
    assert data["agree"] is False
    # Money is a JSON string of its exact plain digits, as in every command's --json.
    assert '"ledger_usd": "0.43",' in out
    assert [
        (row["id"], row["ledger_usd"], row["logs_usd"], row["difference_usd"]) for row in data["amounts_differ"]
    ] == [("inf-2", "0.43", "0.42", "0.01")]
    spends = (data["ledger"]["spend"], data["logs"]["spend"], data["usage"]["spend"])
    assert list(spends) == ["4.49", "4.48", "4.48"]
    assert data["only_in_logs"] == data["only_in_ledger"] == []


@pytest.mark.parametrize("server", [("amount_differs",)], indirect=True)
def test_a_wider_tolerance_accepts_a_cent(server: FakeAIMLAPI) -> None:
    code, out, _ = run("reconcile", *PERIOD, "--tolerance", "0.02", "--json", "--base-url", server.url)
    assert code == 0
    assert '"tolerance_usd": "0.02",' in out


@pytest.mark.parametrize("server", [("missing_charge", "amount_differs")], indirect=True)
def test_json_lists_both_kinds(server: FakeAIMLAPI) -> None:
    code, out, _ = run("reconcile", *PERIOD, "--json", "--base-url", server.url)
    assert code == EXIT_MISMATCH
    data = json.loads(out)
    assert [row["id"] for row in data["only_in_logs"]] == ["inf-4"]
    assert [row["id"] for row in data["amounts_differ"]] == ["inf-2"]
    assert data["key_prefixes"] == ["a1b2c3d4", "d15ab1ed", "b747e891", "c0ffee42"]


@pytest.mark.parametrize("server", [("missing_charge",)], indirect=True)
def test_a_long_settling_time_calls_a_recent_request_pending(server: FakeAIMLAPI) -> None:
    # inf-4 is 75 minutes old: with 90 minutes to settle, its charge may still land.
    code, out, _ = run("reconcile", *PERIOD, "--settle", "90", "--json", "--base-url", server.url)
    assert code == 0
    data = json.loads(out)
    assert [row["id"] for row in data["pending"]] == ["inf-4"]
    assert '"pending_spend": "0.31"' in out


def test_a_regular_key_is_told_it_needs_a_management_key() -> None:
    with FakeAIMLAPI(default_caller=CHATBOT_KEY) as server:
        code, out, err = run("reconcile", "--base-url", server.url)
    assert (code, out) == (5, "")
    assert err.endswith(
        "reconcile reads every key's logs and usage: it needs a management key (request id: fake-403)\n"
    )


def test_an_error_half_way_prints_nothing_but_the_error(server: FakeAIMLAPI) -> None:
    server.script("/v2/billing/transactions", Reply(503, {"message": "down", "statusCode": "503"}))
    code, out, err = run("reconcile", *PERIOD, "--max-retries", "0", "--base-url", server.url)
    assert (code, out) == (5, "")
    assert err == "aimlapi-billing: error: Error code: 503 - down\n"


def test_logs_that_go_on_stop_at_max_pages() -> None:
    logs, charges = synthetic_requests(250, LEDGER_AS_OF, prefixes=("a1b2c3d4",))
    with FakeAIMLAPI(now=LEDGER_AS_OF, logs=logs, ledger=charges) as server:
        window = ("--start", "2025-10-11T12:00:00Z", "--end", "2025-11-10T12:00:00Z")
        assert run("reconcile", *window, "--base-url", server.url)[0] == 0
        code, out, err = run("reconcile", *window, "--max-pages", "2", "--base-url", server.url)
    assert (code, out) == (6, "")
    assert "max_pages is 2" in err


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--tolerance", "0"], "above 0"),
        (["--tolerance", "-0.01"], "above 0"),
        (["--tolerance", "nan"], "an amount in USD"),
        (["--tolerance", "10000000"], "at most 1000000"),
        (["--tolerance", "1e-3"], "not an amount in USD"),  # plain decimals only
        (["--settle", "-1"], "from 0 to 1440"),
        (["--settle", "1441"], "from 0 to 1440"),
        (["--settle", "inf"], "a number of minutes"),
        (["--max-pages", "0"], "from 1"),
        (["--period", "1y"], "not a span"),
        (["--start", "2025-11-01T00:00:00Z", "--end", "2025-10-01T00:00:00Z"], "must be later"),
        (["--start", "9999-12-31T00:00:00", "--end", "9999-12-31T23:59:59"], "must be from 0001-01-02"),
        (["--start", "0001-01-01", "--end", "0001-01-02T12:00:00"], "must be from 0001-01-02"),
        (["--start", "2025-11-01", "--period", "7d", "--end", "2025-11-02"], "not both"),
        (["--csv"], "unrecognized arguments"),
    ],
)
def test_every_option_is_checked_before_any_request(server: FakeAIMLAPI, options: list[str], message: str) -> None:
    assert message in rejected(server, "reconcile", *options)


def test_the_command_loads_only_what_it_uses(server: FakeAIMLAPI) -> None:
    loads_only_its_own_module(server, ["reconcile"], {"aimlapi_billing.lib.forecast", "aimlapi_billing.metrics", "csv"})


@pytest.mark.parametrize("server", [("missing_charge",)], indirect=True)
@pytest.mark.parametrize("shape", [[], ["--json"]])
def test_a_model_name_echoing_the_key_is_redacted(server: FakeAIMLAPI, shape: list[str]) -> None:
    (row,) = [row for row in server.logs if row["inference_id"] == "inf-4"]
    row["model"] = f"openai/{API_KEY}\x1b[2J"
    code, out, _ = run("reconcile", *PERIOD, *shape, "--base-url", server.url)
    assert code == EXIT_MISMATCH
    assert API_KEY[:8].lower() not in out.lower()
    assert "openai/<redacted>" in out
    if not shape:
        assert "\x1b" not in out


@pytest.mark.parametrize(
    ("changes", "code", "deleted"),
    [({1: -50}, EXIT_MISMATCH, 50), ({1: -150}, EXIT_MISMATCH, 150), ({1: -10, 3: -10, 5: -10}, 6, 0)],
    ids=["deleted", "deleted-below-the-offset-asked", "deleted-in-every-reading"],
)
def test_log_rows_deleted_during_the_walk_are_read_again(changes: dict[int, int], code: int, deleted: int) -> None:
    # Deleted once: the window's logs are read again and the deleted rows' charges are in the
    # ledger only (exit 10), also when the total falls below the next page's offset. Deleted in
    # every one of the 3 readings: exit 6, one line on stderr.
    with FakeAIMLAPI() as server:
        server.route("/v1/keys", keys("a1b2c3d4"))
        server.route("/v2/usage", usage(2.0, 200))
        server.route("/v2/billing/transactions", ledger([charge(f"inf-{number}") for number in range(1, 201)]))
        server.route("/v2/logs", changing_logs(200, changes))
        exit_code, out, err = run("reconcile", "--json", "--base-url", server.url)
    assert exit_code == code
    if code == EXIT_MISMATCH:
        assert err == ""
        result = json.loads(out)
        only_in_ledger = sorted(f"inf-{n}" for n in range(201 - deleted, 201))
        assert sorted(row["id"] for row in result["only_in_ledger"]) == only_in_ledger
        assert (result["logs"]["rows"], result["only_in_logs"], result["amounts_differ"]) == (200 - deleted, [], [])
    else:
        assert out == ""
        (line,) = err.splitlines()
        assert "went from 180 to 170 rows while it was read: rows were deleted, in the last of its 3 readings" in line


def test_help_states_the_rule_for_rows_deleted_mid_walk(capsys: pytest.CaptureFixture[str]) -> None:
    from aimlapi_billing._cli._commands.reconcile import EXIT_CODES_TEXT

    with pytest.raises(SystemExit) as exited:
        run("reconcile", "--help")
    assert exited.value.code == 0
    assert " ".join(EXIT_CODES_TEXT.split()) in " ".join(capsys.readouterr().out.split())
