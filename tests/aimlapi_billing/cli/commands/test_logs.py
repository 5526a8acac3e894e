"""aimlapi-billing logs: rows streamed as a table, JSON Lines or CSV, against the stand-in server."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fake_api.data import synthetic_requests
from fake_api.hostile import Behaviour
from fake_api_server import LEDGER_AS_OF, FakeAIMLAPI, Passthrough, Reply, Stall

from aimlapi_billing import _ratelimit
from tests.aimlapi_billing.conftest import API_KEY
from tests.helpers.cli import cli_json, loads_only_its_own_module, rejected, run
from tests.helpers.log_scenarios import (
    answering,
    changing_logs,
    first_page_at_every_offset,
    growing_logs,
    log_row,
    logs_page,
    offset_ignored,
)

pytestmark = pytest.mark.usefixtures("fast_backoff")
WINDOW = ("--start", "2025-11-01T00:00:00Z", "--end", "2025-11-10T12:00:00Z")
#: The 30 days of the busy account (a relative period would end now, not at its LEDGER_AS_OF).
BUSY = ("--start", "2025-10-11T12:00:00Z", "--end", "2025-11-10T12:00:00Z")
SERVER_ERROR = Reply(500, {"message": "boom", "statusCode": "500"})


@pytest.fixture
def busy() -> Iterator[FakeAIMLAPI]:
    """250 requests of the key in use over the 30 days before LEDGER_AS_OF: three pages of 100."""
    logs, _ = synthetic_requests(250, LEDGER_AS_OF, prefixes=("a1b2c3d4",))
    with FakeAIMLAPI(now=LEDGER_AS_OF, logs=logs) as server:
        yield server


def test_the_table(fake_api: FakeAIMLAPI) -> None:
    code, out, err = run("logs", *WINDOW, "--key-prefix", "b747e891", "--base-url", fake_api.url)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "created                   status            USD     tokens  model                         inference id",
        "2025-11-10T09:30:00.000Z  succeeded      1.5600     53,000  openai/gpt-5                  inf-3",
        "2025-11-10T09:29:40.000Z  failed         0.0000     41,000  openai/gpt-5                  inf-f2",
    ]


def test_json_lines_are_the_apis_rows(fake_api: FakeAIMLAPI) -> None:
    code, out, _ = run("logs", *WINDOW, "--key-prefix", "b747e891", "--json", "--base-url", fake_api.url)
    assert code == 0
    served = [{name: value for name, value in row.items() if name != "key_prefix"} for row in fake_api.logs[:2]]
    assert [json.loads(line) for line in out.splitlines()] == [cli_json(row, "LogEntry") for row in served]


def test_csv_has_a_header_and_one_row_per_request(fake_api: FakeAIMLAPI) -> None:
    code, out, _ = run("logs", *WINDOW, "--csv", "--base-url", fake_api.url)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(row["inference_id"], row["status"], row["cost_usd"], row["origin"]) for row in rows] == [
        ("inf-f1", "failed", "0", "playground"),
        ("inf-1", "succeeded", "2.5", "api"),
    ]
    assert rows[1]["tokens_total"] == "85000"
    assert rows[1]["request_id"] == "req-1"


def test_repeated_filters_are_repeated_parameters(fake_api: FakeAIMLAPI) -> None:
    argv = ("logs", *WINDOW, "--key-prefix", "b747e891", "--model", "gpt-5", "--model", "x/y", "--status", "failed")
    code, out, _ = run(*argv, "--json", "--base-url", fake_api.url)
    assert code == 0
    assert [json.loads(line)["inference_id"] for line in out.splitlines()] == ["inf-f2"]
    (seen,) = fake_api.requests_to("/v2/logs")
    query = parse_qs(urlsplit(seen.path).query)
    assert (query["model"], query["status"], query["limit"]) == (["gpt-5", "x/y"], ["failed"], ["100"])


def test_every_page_is_read_each_within_the_clients_rate_limit(
    busy: FakeAIMLAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    slots: list[float | None] = []
    take = _ratelimit.SlidingWindowLimiter.take

    def counted(self: _ratelimit.SlidingWindowLimiter, latest: float | None = None) -> _ratelimit.Slot | None:
        slots.append(latest)
        return take(self, latest)

    monkeypatch.setattr(_ratelimit.SlidingWindowLimiter, "take", counted)
    code, out, _ = run("logs", *BUSY, "--json", "--base-url", busy.url)
    assert code == 0
    assert [json.loads(line)["inference_id"] for line in out.splitlines()] == [f"inf-s{n}" for n in range(250)]
    assert [parse_qs(urlsplit(seen.path).query)["offset"] for seen in busy.requests_to("/v2/logs")] == [
        ["0"],
        ["100"],
        ["200"],
    ]
    assert len(slots) == 3


def test_max_rows_stops_early(busy: FakeAIMLAPI) -> None:
    code, out, _ = run("logs", *BUSY, "--csv", "--max-rows", "150", "--base-url", busy.url)
    assert code == 0
    assert len(out.splitlines()) == 151
    assert len(busy.requests_to("/v2/logs")) == 2


def test_max_pages_ends_a_walk_with_whole_lines(busy: FakeAIMLAPI) -> None:
    code, out, err = run("logs", *BUSY, "--json", "--max-pages", "1", "--base-url", busy.url)
    assert code == 6
    assert "max_pages is 1" in err
    assert len([json.loads(line) for line in out.splitlines()]) == 100
    assert out.endswith("\n")


@pytest.mark.parametrize("style", [[], ["--csv"], ["--json"]])
def test_nothing_is_written_before_the_first_page(fake_api: FakeAIMLAPI, style: list[str]) -> None:
    fake_api.script("/v2/logs", SERVER_ERROR)
    code, out, err = run("logs", *WINDOW, *style, "--max-retries", "0", "--base-url", fake_api.url)
    assert (code, out) == (5, "")
    assert err == "aimlapi-billing: error: Error code: 500 - boom\n"


@pytest.mark.parametrize(("style", "written"), [([], 1), (["--csv"], 1), (["--json"], 0)])
def test_an_empty_window_has_its_header_only(fake_api: FakeAIMLAPI, style: list[str], written: int) -> None:
    argv = ("logs", "--start", "2020-01-01", "--end", "2020-01-02", *style, "--base-url", fake_api.url)
    code, out, _ = run(*argv)
    assert code == 0
    assert len(out.splitlines()) == written


def test_a_failure_mid_walk_keeps_the_rows_written(busy: FakeAIMLAPI) -> None:
    busy.script("/v2/logs", Passthrough(), SERVER_ERROR)
    code, out, err = run("logs", *BUSY, "--csv", "--max-retries", "0", "--base-url", busy.url)
    assert code == 5
    assert len(list(csv.DictReader(io.StringIO(out)))) == 100
    assert out.endswith("\n")
    assert len(err.splitlines()) == 1


def test_server_text_is_escaped_in_the_table_and_the_csv(fake_api: FakeAIMLAPI) -> None:
    fake_api.logs[3]["model"] = "evil\x1b[2J\rmodel"
    for style in ([], ["--csv"], ["--json"]):
        code, out, _ = run("logs", *WINDOW, *style, "--base-url", fake_api.url)
        assert code == 0
        assert "\x1b" not in out
        assert "\r" not in out


def _cli(server: FakeAIMLAPI, *argv: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "AIML_API_KEY": API_KEY}
    command = [str(Path(sys.executable).parent / "aimlapi-billing"), "logs", *argv, "--base-url", server.url]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def test_an_interrupt_mid_stream_leaves_no_half_line(busy: FakeAIMLAPI) -> None:
    busy.script("/v2/logs", Passthrough(), Stall(30))  # the second page never comes
    with _cli(busy, *BUSY, "--json") as process:
        assert process.stdout is not None
        first = [process.stdout.readline() for _ in range(100)]
        process.send_signal(signal.SIGINT)
        rest, stderr = process.communicate(timeout=30)
    assert process.returncode == 130
    output = b"".join(first) + rest
    assert output.endswith(b"\n")
    assert len([json.loads(line) for line in output.splitlines()]) == 100
    assert stderr == b"aimlapi-billing: interrupted (Ctrl-C)\n"  # one line, on stderr: stdout stays whole rows


def test_a_reader_that_goes_away_ends_the_command_quietly(busy: FakeAIMLAPI) -> None:
    with _cli(busy, *BUSY, "--json") as process:  # `aimlapi-billing logs --json | head -n 1`
        assert process.stdout is not None
        assert process.stderr is not None
        line = process.stdout.readline()
        process.stdout.close()
        assert process.wait(timeout=30) == 0
        assert process.stderr.read() == b""
    assert json.loads(line)["inference_id"] == "inf-s0"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--model", "a,b"], "repeat the option"),
        (["--model", ""], "not a model name"),
        (["--model", "bad\nname"], "not a model name"),
        ([arg for n in range(51) for arg in ("--model", f"m{n}")], "at most 50"),
        (["--status", "cancelled"], "invalid choice"),
        (["--max-rows", "0"], "from 1"),
        (["--max-rows", "1.5"], "not a whole number"),
        (["--max-pages", "0"], "from 1"),
        (["--json", "--csv"], "not allowed with"),
        (["--period", "7"], "not a span"),
        (["--end", "2025-11-01"], "needs --start"),
        (["--tz", "Mars/Olympus"], "IANA"),
        (["--tz", "Europe/Berlin", "--period", "7d"], "calendar --period"),
        (["--key-prefix", "\t"], "not a key prefix"),
        (["--start", "9999-12-31T00:00:00", "--end", "9999-12-31T23:59:59"], "must be from 0001-01-02"),
        (["--start", "0001-01-01", "--end", "0001-01-02T12:00:00"], "must be from 0001-01-02"),
    ],
)
def test_every_option_is_checked_before_any_request(fake_api: FakeAIMLAPI, options: list[str], message: str) -> None:
    assert message in rejected(fake_api, "logs", *options)


def test_the_command_loads_only_what_it_uses(fake_api: FakeAIMLAPI) -> None:
    loads_only_its_own_module(
        fake_api,
        ["logs", "--period", "7d"],
        {
            "aimlapi_billing.lib.reconcile",
            "aimlapi_billing.resources.keys",
            "aimlapi_billing.lib.forecast",
            "aimlapi_billing.metrics",
        },
    )


def test_rows_that_arrive_during_the_walk_are_printed_once() -> None:
    with FakeAIMLAPI() as server:
        server.route("/v2/logs", growing_logs(250, arrivals=2))
        code, out, err = run("logs", "--json", "--base-url", server.url)
    assert (code, err) == (0, "")
    ids = [json.loads(line)["inference_id"] for line in out.splitlines()]
    assert sorted(ids) == sorted(f"inf-{number}" for number in range(1, 253))


@pytest.mark.parametrize("style", ["--json", "--csv"])
@pytest.mark.parametrize(("rows", "deleted"), [(200, 50), (300, 250)], ids=["deleted", "deleted-below-the-offset"])
def test_rows_deleted_during_the_walk_end_it_with_exit_6_after_the_rows_written(
    style: str, rows: int, deleted: int
) -> None:
    # The newest rows vanish after the first page: the rest move back. The 100 rows written are
    # whole lines, but not the window: exit 6, and stderr says why in one line, with both totals
    # (also when the total falls below the second page's offset, 100).
    with FakeAIMLAPI() as server:
        server.route("/v2/logs", changing_logs(rows, {1: -deleted}))
        code, out, err = run("logs", style, "--base-url", server.url)
        assert server.count("/v2/logs") == 2
    assert code == 6
    assert out.endswith("\n")
    if style == "--json":
        ids = [json.loads(line)["inference_id"] for line in out.splitlines()]
    else:
        ids = [row["inference_id"] for row in csv.DictReader(io.StringIO(out))]
    assert ids == [f"inf-{number}" for number in range(rows, rows - 100, -1)]
    (line,) = err.splitlines()
    assert line.startswith("aimlapi-billing: error: GET /v2/logs: page 2: the window ")
    fell = f"went from {rows} to {rows - deleted} rows"
    assert f"{fell} while it was read: rows were deleted, so some of the 100 rows given" in line


def test_rows_that_keep_arriving_are_no_deletion() -> None:
    # A total that only grows (a row before every page) is today's walk: every row once, exit 0.
    with FakeAIMLAPI() as server:
        server.route("/v2/logs", changing_logs(250, dict.fromkeys(range(1, 10), 1)))
        code, out, err = run("logs", "--csv", "--base-url", server.url)
    assert (code, err) == (0, "")
    ids = [row["inference_id"] for row in csv.DictReader(io.StringIO(out))]
    # Pass 1 reads 250 of 252 rows (the pages' boundary rows come twice), pass 2's first page the
    # rest, and its total, 253, is reached.
    assert sorted(ids) == sorted(f"inf-{number}" for number in range(1, 254))


@pytest.mark.parametrize(
    "behaviour", [offset_ignored(300), first_page_at_every_offset(300)], ids=["ignored", "first-page-everywhere"]
)
def test_a_server_that_pages_badly_is_stopped_before_a_wrong_row_is_printed(behaviour: Behaviour) -> None:
    with FakeAIMLAPI() as server:
        server.route("/v2/logs", behaviour)
        code, out, err = run("logs", "--csv", "--base-url", server.url)
    assert code == 6
    assert [row["inference_id"] for row in csv.DictReader(io.StringIO(out))] == [
        f"inf-{number}" for number in range(300, 200, -1)
    ]
    assert len(err.splitlines()) == 1


COSTS = [1e-7, 0.00004, 0.0, 1.23456789, 12345.000001]


def _costly_logs(*style: str) -> str:
    rows = [log_row(f"inf-{number}", usd) for number, usd in enumerate(COSTS)]
    with FakeAIMLAPI() as server:
        server.route("/v2/logs", answering(lambda request: logs_page(rows, request)))
        code, out, err = run("logs", *style, "--base-url", server.url)
    assert (code, err) == (0, "")
    return out


def test_csv_costs_are_the_apis_exact_decimals() -> None:
    rows = list(csv.DictReader(io.StringIO(_costly_logs("--csv"))))
    assert [row["cost_usd"] for row in rows] == ["0.0000001", "0.00004", "0", "1.23456789", "12345.000001"]


def test_json_costs_are_the_apis_decimals_as_strings() -> None:
    lines = _costly_logs("--json").splitlines()
    assert [json.loads(line)["cost"]["usd"] for line in lines] == [
        "0.0000001",
        "0.00004",
        "0",
        "1.23456789",
        "12345.000001",
    ]
    assert [json.loads(line)["cost"]["credits"] for line in lines] == [
        json.loads(line, parse_float=Decimal)["cost"]["credits"] for line in lines
    ]  # counts stay integers
    assert all(type(json.loads(line)["cost"]["credits"]) is int for line in lines)


def test_the_table_never_shows_a_cost_as_zero() -> None:
    shown = [line.split()[2] for line in _costly_logs().splitlines()[1:]]
    assert shown == ["<0.0001", "<0.0001", "0.0000", "1.2346", "12,345.0000"]


@pytest.mark.parametrize("style", [[], ["--json"], ["--csv"]], ids=["table", "json", "csv"])
@pytest.mark.parametrize("field", ["model", "request_id", "client_request_id", "origin"])
def test_a_row_echoing_the_key_is_redacted(fake_api: FakeAIMLAPI, style: list[str], field: str) -> None:
    """A server's echo of the key in any row field is not printed, in any style; nor is terminal control."""
    fake_api.logs[0][field] = f"x-{API_KEY}\x1b[2J"
    code, out, err = run("logs", *WINDOW, "--key-prefix", "b747e891", *style, "--base-url", fake_api.url)
    assert code == 0, err
    # An origin the spec does not list is a warning line (once per process), itself redacted and inert.
    assert all(line.startswith("aimlapi-billing: warning: LogOrigin: ") for line in err.splitlines()), err
    assert API_KEY[:8].lower() not in (out + err).lower()
    assert "\x1b" not in out + err
    if field == "model" or style:  # the table shows no ids and no origin
        assert "x-<redacted>" in out


def test_help_states_the_rule_for_rows_deleted_mid_walk(capsys: pytest.CaptureFixture[str]) -> None:
    from aimlapi_billing._cli._commands.logs import EXIT_CODES_TEXT

    with pytest.raises(SystemExit) as exited:
        run("logs", "--help")
    assert exited.value.code == 0
    assert " ".join(EXIT_CODES_TEXT.split()) in " ".join(capsys.readouterr().out.split())


def test_csv_text_that_starts_a_formula_is_quoted_and_numbers_are_not(fake_api: FakeAIMLAPI) -> None:
    fake_api.logs[3]["model"] = '=HYPERLINK("http://127.0.0.1:9/","x")'
    fake_api.logs[3]["request_id"] = "@SUM(A1)"
    fake_api.logs[3]["client_request_id"] = "+1+1"
    code, out, _ = run("logs", *WINDOW, "--csv", "--base-url", fake_api.url)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert '\'=HYPERLINK("http://127.0.0.1:9/","x")' in {row["model"] for row in rows}
    assert "'@SUM(A1)" in {row["request_id"] for row in rows}
    assert "'+1+1" in {row["client_request_id"] for row in rows}
    text = [value for row in rows for name, value in row.items() if name not in ("cost_usd", "cost_credits")]
    assert [value for value in text if value[:1] in ("=", "+", "-", "@")] == []
    # Numbers are never quoted: each cost and count reads back as a number.
    for row in rows:
        float(row["cost_usd"])
        int(row["tokens_total"])
