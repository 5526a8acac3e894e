"""The aimlapi-billing command against the fake API on 127.0.0.1."""

from __future__ import annotations

import contextlib
import datetime
import importlib
import io
import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from fake_api_server import BILLING, DETAIL, FakeAIMLAPI, Reply
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aimlapi_billing
from aimlapi_billing._cli import EXIT_CONFIGURATION, EXIT_USAGE, UsageError, build_parser, main
from aimlapi_billing._cli._registry import COMMANDS
from tests.helpers.cli import cli_json

from .conftest import API_KEY

pytestmark = pytest.mark.usefixtures("fast_backoff")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


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


@pytest.mark.parametrize(
    ("warning", "critical", "code", "line"),
    [
        ("100", "50", 0, "BILLING OK - balance 275.78 USD | balance_usd=275.78;100:;50:"),
        ("300", "100", 1, "BILLING WARNING - balance 275.78 USD | balance_usd=275.78;300:;100:"),
        ("500", "300.5", 2, "BILLING CRITICAL - balance 275.78 USD | balance_usd=275.78;500:;300.5:"),
    ],
)
def test_check_states_follow_the_thresholds(
    fake_api: FakeAIMLAPI, warning: str, critical: str, code: int, line: str
) -> None:
    assert run("check", "--warning-usd", warning, "--critical-usd", critical, "--base-url", fake_api.url) == (
        code,
        line + "\n",
        "",
    )


def test_check_is_unknown_without_a_key(fake_api: FakeAIMLAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIML_API_KEY")
    monkeypatch.setenv("AIMLAPI_API_KEY", "  ")
    code, out, _ = run("check", "--warning-usd", "10", "--critical-usd", "5", "--base-url", fake_api.url)
    assert code == 3
    # The CLI's ways to give a key, not the SDK's Python advice (api_key=...).
    assert out == (
        "BILLING UNKNOWN - No API key: set AIML_API_KEY (or AIMLAPI_API_KEY) in the environment, "
        "or give --api-key-file PATH\n"
    )
    assert fake_api.requests == []


def test_check_takes_the_plugin_guidelines_short_options(fake_api: FakeAIMLAPI) -> None:
    long = run("check", "--warning-usd", "300", "--critical-usd", "20", "--timeout", "5", "--base-url", fake_api.url)
    short = run("check", "-w", "300", "-c", "20", "-t", "5", "--base-url", fake_api.url)
    assert short == long
    assert short[0] == 1
    assert short[1].startswith("BILLING WARNING - balance 275.78 USD")
    with pytest.raises(SystemExit) as version:
        run("check", "-V")
    assert version.value.code == 0


def test_check_is_unknown_on_network_failure(fake_api: FakeAIMLAPI) -> None:
    url = fake_api.url
    fake_api.stop()
    code, out, _ = run("check", "--warning-usd", "10", "--critical-usd", "5", "--base-url", url, "--max-retries", "0")
    assert code == 3
    assert out.startswith("BILLING UNKNOWN - Connection error")


def test_check_is_unknown_on_an_api_error(fake_api: FakeAIMLAPI) -> None:
    fake_api.script("/v2/billing/detail", Reply(403, {"message": "Out of credits", "statusCode": "403"}))
    code, out, _ = run("check", "--warning-usd", "10", "--critical-usd", "5", "--base-url", fake_api.url)
    assert (code, out) == (3, "BILLING UNKNOWN - Error code: 403 - Out of credits\n")


@pytest.mark.parametrize(
    "argv",
    [
        ("check", "--warning-usd", "5", "--critical-usd", "10"),
        ("check",),
        ("check", "--warning-usd", "five", "--critical-usd", "1"),
    ],
)
def test_check_usage_errors_are_unknown_not_critical(argv: tuple[str, ...]) -> None:
    code, out, _ = run(*argv)
    assert code == 3
    assert out.startswith("BILLING UNKNOWN - ")


def test_errors_are_one_line_on_stderr_with_distinct_exit_codes(
    fake_api: FakeAIMLAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_api.script("/v2/billing", Reply(401, {"message": "Invalid key", "requestId": "r1"}))
    assert run("summary", "--base-url", fake_api.url) == (
        5,
        "",
        "aimlapi-billing: error: Error code: 401 - Invalid key (request id: r1)\n",
    )
    fake_api.script("/v2/billing", Reply(200, {"currency": "USD"}))
    code, _, err = run("summary", "--base-url", fake_api.url)
    assert code == 6
    assert (
        err
        == "aimlapi-billing: error: GET /v2/billing returned 200 but the required field 'current_balance' is missing\n"
    )
    code, _, err = run("summary", "--base-url", "http://api.example.com")
    assert code == 3
    assert err.count("\n") == 1
    url = fake_api.url
    fake_api.stop()
    code, _, err = run("detail", "--base-url", url, "--max-retries", "0", "--timeout", "2")
    assert code == 4
    assert err.startswith("aimlapi-billing: error: Connection error: GET ")
    monkeypatch.delenv("AIML_API_KEY")
    code, _, err = run("detail", "--base-url", url)
    assert code == 3
    assert "AIML_API_KEY" in err


def test_usage_errors_exit_2() -> None:
    code, _, err = run("bogus")
    assert code == 2
    assert "invalid choice: 'bogus'" in err


def test_console_script_and_module_run_against_the_server(fake_api: FakeAIMLAPI) -> None:
    env = {**os.environ, "AIML_API_KEY": API_KEY, "AIMLAPI_BILLING_BASE_URL": fake_api.url}
    script = Path(sys.executable).parent / "aimlapi-billing"
    for command in ([str(script)], [sys.executable, "-m", "aimlapi_billing"]):
        result = subprocess.run([*command, "summary", "--json"], capture_output=True, text=True, env=env, check=False)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout) == cli_json(BILLING, "BillingResponse")
    help_text = subprocess.run([str(script), "--help"], capture_output=True, text=True, check=True).stdout
    assert "check" in help_text
    assert "AIML_API_KEY" in help_text


def test_detail_table_when_auto_top_up_is_off(fake_api: FakeAIMLAPI) -> None:
    fake_api.script("/v2/billing/detail", Reply(200, {**DETAIL, "autotopup_settings": {"is_enabled": False}}))
    code, out, _ = run("detail", "--base-url", fake_api.url)
    assert code == 0
    assert out.splitlines()[-1] == "auto top-up  off (GET /v2/billing/detail)"


# -- metrics and exporter -------------------------------------------------------------------------------


def test_metrics_prints_openmetrics_that_parses(fake_api: FakeAIMLAPI) -> None:
    from prometheus_client.openmetrics.parser import text_string_to_metric_families

    code, out, err = run("metrics", "--forecast-window", "3650d", "--base-url", fake_api.url)
    assert (code, err) == (0, "")
    families = {family.name: family for family in text_string_to_metric_families(out)}
    assert families["aimlapi_balance_usd"].samples[0].value == 275.78
    assert families["aimlapi_scrape_success"].samples[0].value == 1.0
    assert families["aimlapi_runway_days"].samples[0].value > 0


def test_metrics_writes_a_textfile_and_reports_a_failed_read(fake_api: FakeAIMLAPI, tmp_path: Path) -> None:
    target = tmp_path / "aimlapi.prom"
    assert run("metrics", "--format", "prometheus", "--textfile", str(target), "--base-url", fake_api.url)[0] == 0
    assert "aimlapi_balance_usd 275.78" in target.read_text()
    fake_api.script("/v2/billing/detail", *[Reply(503)] * 3)
    code, _, err = run("metrics", "--textfile", str(target), "--base-url", fake_api.url, "--max-retries", "2")
    assert code == 5
    assert err.startswith("aimlapi-billing: error: Error code: 503")
    assert "aimlapi_scrape_success 0.0" in target.read_text()  # written anyway, for the alert
    assert sorted(p.name for p in tmp_path.iterdir()) == ["aimlapi.prom"]


def test_exporter_serves_on_loopback_and_caches(fake_api: FakeAIMLAPI) -> None:
    env = {**os.environ, "AIML_API_KEY": API_KEY, "AIMLAPI_BILLING_BASE_URL": fake_api.url}
    command = [sys.executable, "-m", "aimlapi_billing", "exporter", "--listen", "127.0.0.1:0", "--min-interval", "300"]
    with subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True) as process:
        try:
            assert process.stderr is not None
            banner = process.stderr.readline()
            url = banner.split("serving ")[1].split()[0]
            assert url.startswith("http://127.0.0.1:")
            first = httpx.get(url, timeout=10)
            second = httpx.get(url, headers={"Accept": "application/openmetrics-text; version=1.0.0"}, timeout=10)
        finally:
            process.terminate()
            process.wait(timeout=10)
    assert first.status_code == second.status_code == 200
    assert "aimlapi_balance_usd 275.78" in first.text
    assert second.headers["content-type"].startswith("application/openmetrics-text")
    assert len(fake_api.requests_to("/v2/billing/detail")) == 1  # the second scrape came from the cache
    assert API_KEY not in first.text + second.text


@pytest.mark.parametrize("listen", ["localhost", "127.0.0.1:http", "1.2.3.4:99999", "127.0.0.1:+80"])
def test_exporter_refuses_a_bad_listen_address(listen: str) -> None:
    code, _, err = run("exporter", "--listen", listen)
    assert code == 2
    assert "not HOST:PORT" in err


# -- every option at its edges (hypothesis) ------------------------------------------------------------------------

REFUSED = "http://127.0.0.1:9"  # the discard port: nothing listens, the connection is refused at once
OPTION_VALUES = st.one_of(
    st.text(max_size=30),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats().map(lambda x: f"{x}d"),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(
        ["nan", "inf", "-inf", "1e10d", "0", "-1", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]
    ),
)
# (command, option, other arguments it needs); every option of every command that takes a value.
OPTIONS = [
    (command, option, extra)
    for command, extra in [
        ("summary", ()),
        ("transactions", ()),
        ("forecast", ()),
        ("check", ("--warning-usd", "10", "--critical-usd", "5")),
    ]
    for option in ("--timeout", "--deadline", "--max-retries", "--base-url")
] + [
    ("check", "--warning-usd", ("--critical-usd", "-1e13")),
    ("check", "--critical-usd", ("--warning-usd", "1e13")),
    ("check", "--warning-days", ("--warning-usd", "1", "--critical-usd", "0")),
    ("check", "--critical-days", ("--warning-usd", "1", "--critical-usd", "0")),
    ("check", "--window", ("--warning-usd", "1", "--critical-usd", "0", "--warning-days", "1")),
    ("check", "--max-pages", ("--warning-usd", "1", "--critical-usd", "0", "--warning-days", "1")),
    ("forecast", "--window", ()),
    ("forecast", "--max-pages", ()),
    ("transactions", "--from", ()),
    ("transactions", "--to", ()),
    ("transactions", "--page-size", ()),
    ("transactions", "--max-pages", ()),
    ("transactions", "--max-entries", ()),
    ("metrics", "--forecast-window", ()),
    ("metrics", "--textfile", ()),
    ("metrics", "--textfile", ("--format", "prometheus")),
]


@pytest.mark.parametrize(("command", "option", "extra"), OPTIONS, ids=[f"{c} {o}" for c, o, _ in OPTIONS])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=OPTION_VALUES)
def test_any_option_value_is_a_usage_error_or_a_run_never_a_crash(
    command: str, option: str, extra: tuple[str, ...], value: str, tmp_path: Path
) -> None:
    if option == "--textfile":  # every path under tmp_path: never write to the repository or to /
        value = f"{tmp_path}/{value.lstrip('/')}"
    argv = [command, *extra, option, value]
    if option != "--base-url":
        argv += ["--base-url", REFUSED]
    code, out, err = run(*argv, "--max-retries", "0") if option != "--max-retries" else run(*argv)
    if command == "check":
        assert code == 3
        assert out.startswith("BILLING UNKNOWN - ")
        assert out.count("\n") == 1
        assert err == ""
    else:
        assert code in (EXIT_USAGE, EXIT_CONFIGURATION, 4), (code, err)  # a bad value, a bad URL, or refused
        assert out == "" or (command == "metrics" and "aimlapi_scrape_success 0.0" in out)
        assert err.count("\n") == 1
        assert err.startswith("aimlapi-billing: error: ")


#: Python's float() and int() take each of these; the options take plain ASCII decimals only.
NOT_PLAIN = ["\u0661\u0660", "\uff11\uff10", "1_0", " 10", "10 ", "1e1", "+inf"]
PLAIN_NUMBER_OPTIONS = [
    ("summary", "--timeout", "10"),
    ("summary", "--deadline", "10"),
    ("summary", "--max-retries", "10"),
    ("forecast", "--max-pages", "10"),
    ("forecast", "--window", "10d"),
    ("transactions", "--page-size", "10"),
    ("logs", "--max-rows", "10"),
    ("reconcile", "--tolerance", "10"),
    ("reconcile", "--settle", "10"),
    ("exporter", "--min-interval", "10"),
    ("exporter", "--max-wait", "10"),
    ("exporter", "--request-timeout", "10"),
    ("exporter", "--max-threads", "10"),
    ("exporter", "--max-connections", "10"),
    ("exporter", "--listen", "127.0.0.1:10"),
    ("metrics", "--top-models", "10"),
]


@pytest.mark.parametrize(("command", "option", "plain"), PLAIN_NUMBER_OPTIONS, ids=lambda value: str(value))
def test_numbers_are_plain_ascii_decimals(command: str, option: str, plain: str) -> None:
    """Parsed only (a valid exporter command would serve for ever): ``10`` passes, its look-alikes do not."""
    parser = build_parser([command])
    parser.parse_args([command, option, plain])
    for shape in NOT_PLAIN:
        value = plain.replace("10", shape)
        with pytest.raises(UsageError, match=f"argument (-t/)?{option}: "):
            parser.parse_args([command, option, value])


@pytest.mark.parametrize(("value", "problem"), [("0.099", "from 0.1 to 3600"), ("0.000000001", "from 0.1 to 3600")])
def test_exporter_refuses_a_request_timeout_no_scrape_could_meet(value: str, problem: str) -> None:
    """Parsed only: accepted, the exporter would serve for ever, each scrape getting an empty reply."""
    with pytest.raises(UsageError) as refused:
        build_parser(["exporter"]).parse_args(["exporter", "--request-timeout", value])
    assert str(refused.value) == f"argument --request-timeout: must be a number of seconds {problem}, not {value!r}"


@pytest.mark.parametrize("option", ["--listen", "--min-interval", "--forecast-window"])
@settings(max_examples=60, deadline=None)
@given(value=OPTION_VALUES)
def test_exporter_options_parse_or_are_usage_errors(option: str, value: str) -> None:
    """Parsed only: a valid exporter command would serve for ever."""
    try:
        args = build_parser(["exporter"]).parse_args(["exporter", option, value])
    except UsageError as exc:
        problem = str(exc)
    else:
        problem = None
    if problem is not None:
        assert "\n" not in problem
        return
    host, port = args.listen
    assert 0 <= port <= 65535
    assert host.isprintable()
    assert math.isfinite(args.min_interval)
    assert 0 <= args.min_interval <= 86400
    assert args.forecast_window is None or datetime.timedelta(hours=1) <= args.forecast_window


def test_every_help_ends_with_exit_codes_after_the_defaults() -> None:
    for command in ("", *(name for name, command in COMMANDS.items() if command.connects)):
        out = io.StringIO()
        with pytest.raises(SystemExit) as exited, contextlib.redirect_stdout(out):
            main([command, "--help"] if command else ["--help"])
        assert exited.value.code == 0
        text = out.getvalue()
        last = text.strip().split("\n\n")[-1]
        assert last.startswith(("exit codes", "plugins' exit codes")), (command, last)
        assert "defaults: " in text
        for option in ("--timeout", "--deadline", "--max-retries", "--base-url"):
            assert f"{option} " in text.split("defaults: ")[1]
        # One JSON rule, stated by every command that prints JSON, before its exit codes.
        rule = "--json: a field the spec types number (money, prices, per, credits where the spec says number)"
        if command and "--json" in text.split("defaults: ")[0]:
            assert rule in " ".join(text.split()), command
            assert text.index("--json: a field") < text.index("exit codes"), command
        else:
            assert rule not in " ".join(text.split()), command


@pytest.mark.parametrize("command", ["metrics", "exporter"])
def test_without_the_metrics_extra_the_commands_say_so_with_exit_3(
    monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    for name in [name for name in sys.modules if name.split(".")[0] == "prometheus_client"]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.delitem(sys.modules, "aimlapi_billing.metrics", raising=False)
    # `from . import metrics` takes the package's attribute when an earlier test imported it.
    monkeypatch.delattr(aimlapi_billing, "metrics", raising=False)
    monkeypatch.setitem(sys.modules, "prometheus_client", None)  # what an uninstalled package looks like
    with pytest.raises(ImportError):  # else an exporter would start serving, for ever
        importlib.import_module("aimlapi_billing.metrics")
    code, out, err = run(command, "--base-url", "http://127.0.0.1:9")
    assert (code, out) == (3, "")
    assert err.count("\n") == 1
    assert "pip install 'aimlapi-billing[metrics]'" in err


@pytest.mark.parametrize("name", ["a\x00b", "\r", "", "."])
def test_odd_textfile_names_are_usage_errors_or_written_where_asked(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run("metrics", "--textfile", name, "--base-url", "http://127.0.0.1:9", "--max-retries", "0")
    assert code in (EXIT_USAGE, 4)
    assert err.count("\n") == 1
    assert all(path.name == name for path in tmp_path.iterdir())  # nothing anywhere else


def test_textfile_never_replaces_a_device_or_fifo(fake_api: FakeAIMLAPI, tmp_path: Path) -> None:
    fifo = tmp_path / "metrics.fifo"
    os.mkfifo(fifo)
    for target in ("/dev/null", str(fifo)):
        code, out, err = run("metrics", "--textfile", target, "--base-url", fake_api.url)
        assert (code, out) == (EXIT_USAGE, "")
        assert "not a regular file" in err
        assert len(err.splitlines()) == 1
    assert fake_api.requests == []  # refused before any request
    assert Path("/dev/null").is_char_device()
    assert fifo.is_fifo()
    from aimlapi_billing.metrics import write_textfile

    with pytest.raises(OSError, match="not a regular file"):
        write_textfile(fifo, b"x 1\n")
    assert fifo.is_fifo()


def test_textfile_in_a_directory_that_cannot_be_written_is_refused_before_any_request(fake_api: FakeAIMLAPI) -> None:
    code, _, err = run("metrics", "--textfile", "/proc/aimlapi.prom", "--base-url", fake_api.url)
    assert code == EXIT_USAGE
    assert "cannot write" in err
    assert fake_api.requests == []


def test_a_failed_metrics_read_is_one_line_on_stderr(fake_api: FakeAIMLAPI) -> None:
    fake_api.script("/v2/billing/detail", Reply(200, b'{"user_id": NaN}'))
    completed = subprocess.run(
        [sys.executable, "-m", "aimlapi_billing", "metrics", "--base-url", fake_api.url, "--max-retries", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "AIML_API_KEY": API_KEY},
        check=False,
    )
    assert completed.returncode == 6
    assert len(completed.stderr.splitlines()) == 1, completed.stderr
    assert "aimlapi_scrape_success 0.0" in completed.stdout


def test_api_key_file_that_is_a_fifo_is_refused_at_once(fake_api: FakeAIMLAPI, tmp_path: Path) -> None:
    fifo = tmp_path / "key.fifo"
    os.mkfifo(fifo)
    code, _, err = run("summary", "--api-key-file", str(fifo), "--base-url", fake_api.url)
    assert code == EXIT_CONFIGURATION
    assert "not a regular file" in err
    assert fake_api.requests == []


def one_charge(model: str) -> list[dict[str, Any]]:
    """A ledger of one 1 USD charge an hour ago, for ``model``."""
    now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)
    return [
        {
            "created_at": now.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "direction": "CHARGE",
            "type": "MODEL_USAGE",
            "amount": {"usd": 1.0, "credits": 2_000_000},
            "model": model,
            "reference_id": "inf-x",
        }
    ]


def test_forecast_table_escapes_control_characters_from_the_server(fake_api: FakeAIMLAPI) -> None:
    fake_api.ledger = one_charge("evil\x1b[31m\nrunway 9999 days\u2028")
    code, out, _ = run("forecast", "--window", "30d", "--base-url", fake_api.url)
    assert code == 0
    assert "\x1b" not in out
    assert "\u2028" not in out
    assert not any(line.startswith("runway 9999") for line in out.splitlines())


@pytest.mark.parametrize("json_output", [False, True])
def test_detail_redacts_a_key_echoed_by_the_server(json_output: bool) -> None:
    with FakeAIMLAPI() as api:
        api.script("/v2/billing/detail", Reply(200, {**DETAIL, "email": f"{API_KEY}@example.com"}))
        code, out, _ = run("detail", *(["--json"] if json_output else []), "--base-url", api.url)
    assert code == 0
    assert API_KEY[8:16] not in out
    assert "<redacted>@example.com" in out


def test_check_turns_any_exception_into_one_unknown_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from aimlapi_billing import Billing

    def broken(self: Any, **kwargs: Any) -> Any:
        raise OverflowError("date value out of range")

    monkeypatch.setattr(Billing, "detail", broken)
    out, err = io.StringIO(), io.StringIO()
    code = main(["check", "-w", "100", "-c", "20", "--base-url", "http://127.0.0.1:9"], out=out, err=err)
    assert (code, err.getvalue()) == (3, "")
    assert out.getvalue() == "BILLING UNKNOWN - internal error (OverflowError): date value out of range\n"


@pytest.mark.parametrize("json_output", [False, True])
def test_forecast_redacts_a_model_name_that_echoes_the_key(fake_api: FakeAIMLAPI, json_output: bool) -> None:
    fake_api.ledger = one_charge(f"echo/{API_KEY}")
    code, out, _ = run("forecast", "--window", "30d", "--base-url", fake_api.url, *(["--json"] if json_output else []))
    assert code == 0
    assert "echo/<redacted>" in out
    assert API_KEY[:8] not in out
    assert API_KEY[-8:] not in out


@pytest.mark.parametrize(
    "currency",
    ["USD | fake_metric=1;;;", "USD\nsecond line", f"USD {API_KEY}", "USD\x1b[2J", "X" * 5000],
    ids=["pipe", "newline", "key", "escape", "huge"],
)
def test_checks_line_holds_the_servers_currency_harmlessly(fake_api: FakeAIMLAPI, currency: str) -> None:
    """A currency other than USD is UNKNOWN, and the line that names it is still harmless: no perfdata
    of its own, one line, no key, no terminal control, short."""
    fake_api.script("/v2/billing/detail", Reply(200, {**DETAIL, "current_balance": 50, "currency": currency}))
    code, out, err = run("check", "-w", "10", "-c", "5", "--base-url", fake_api.url)
    assert (code, err) == (3, "")
    assert out.startswith("BILLING UNKNOWN - GET /v2/billing/detail returned 200 but field 'currency' is ")
    assert len(out.splitlines()) == 1
    assert "|" not in out
    assert API_KEY[:8].lower() not in out.lower()
    assert "\x1b" not in out
    assert len(out) < 200


def test_checks_unknown_line_carries_no_perfdata_from_an_error_message(fake_api: FakeAIMLAPI) -> None:
    message = "bad | balance_usd=999999;1;1 \n second line"
    fake_api.script("/v2/billing/detail", Reply(400, {"message": message, "statusCode": "400"}))
    code, out, _ = run("check", "-w", "10", "-c", "5", "--base-url", fake_api.url, "--max-retries", "0")
    assert code == 3
    assert out.startswith("BILLING UNKNOWN - ")
    assert "|" not in out
    assert len(out.splitlines()) == 1
    assert "bad / balance_usd=999999;1;1 \\n second line" in out


@pytest.mark.parametrize(
    ("warning", "critical", "perfdata"),
    [("10.005", "5", ";10.005:;5:"), ("0.004", "-0.004", ";0.004:;-0.004:"), ("0.000001", "0", ";0.000001:;0:")],
)
def test_checks_thresholds_are_printed_as_given(
    fake_api: FakeAIMLAPI, warning: str, critical: str, perfdata: str
) -> None:
    code, out, _ = run("check", "-w", warning, "-c", critical, "--base-url", fake_api.url)
    assert code == 0
    assert out == f"BILLING OK - balance 275.78 USD | balance_usd=275.78{perfdata}\n"


def test_checks_huge_balance_is_the_balance_never_a_capped_one(fake_api: FakeAIMLAPI) -> None:
    fake_api.script("/v2/billing/detail", Reply(200, {**DETAIL, "current_balance": 1e300}))
    code, out, _ = run("check", "-w", "10", "-c", "5", "--base-url", fake_api.url)
    assert code == 0
    balance = "1" + "0" * 300 + ".00"
    assert out == f"BILLING OK - balance {balance} USD | balance_usd={balance};10:;5:\n"


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


@pytest.mark.parametrize(
    "base_url",
    ["u:s3cr3tpw@api.aimlapi.com", " https://u:s3cr3tpw@api.aimlapi.com", "https://u:s3cr3tpw@api.aimlapi.com/v2"],
)
def test_an_invalid_base_url_never_shows_its_credentials(fake_api: FakeAIMLAPI, base_url: str) -> None:
    code, out, err = run("summary", "--base-url", base_url)
    assert (code, out) == (EXIT_CONFIGURATION, "")
    assert "s3cr3tpw" not in err
    assert len(err.splitlines()) == 1
    assert fake_api.requests == []
