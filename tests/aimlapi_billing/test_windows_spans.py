"""One span syntax (``_windows.py``) for every option that takes one (review finding 8): the same forms
refused with the same line, in the window options, the length options and the exporter's config file;
and the exporter's ``1mo`` the calendar month before each read, never 30 days fixed at start-up."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from fake_api_server import FakeAIMLAPI

from aimlapi_billing import Billing, InvalidParameterError
from aimlapi_billing import _windows as windows_module
from aimlapi_billing._exporter.config import ConfigError, load_accounts
from aimlapi_billing._windows import span, span_error, span_rule, window_text
from aimlapi_billing.metrics import BillingCollector, build_registry, exposition
from tests.helpers.budget_data import budget_account
from tests.helpers.cli import rejected, run
from tests.helpers.metrics import StubBilling, parse, value

UTC = datetime.UTC
#: What `forecast --window` and the exporter's windows took and `usage --period` refused, and stray whitespace.
BAD = ["1.5w", "2W", "36H", "0.5d", "1MO", "30D", " 7d", "7d ", "+7d", "1e3d", "\u0663d", "7 d", "nan", "infd"]
#: Every option that takes a window ending now (or a calendar window).
WINDOW_OPTIONS = [
    ["usage", "--period"],
    ["logs", "--period"],
    ["reconcile", "--period"],
    ["top", "--period"],
    ["report", "--db", "postgresql://127.0.0.1:9/none", "--period"],
    ["forecast", "--window"],
    ["metrics", "--model-window"],
    ["metrics", "--forecast-window"],
    ["exporter", "--model-window"],
    ["exporter", "--forecast-window"],
]
#: Every option that takes a length.
LENGTH_OPTIONS = [
    ["check", "--window"],
    ["forecast", "--db", "postgresql://127.0.0.1:9/none", "--max-age"],
    ["sync", "--db", "postgresql://127.0.0.1:9/none", "--settle"],
    ["sync", "--db", "postgresql://127.0.0.1:9/none", "--keep"],
    ["exporter", "--db", "postgresql://127.0.0.1:9/none", "--sync-interval"],
]
#: The lengths that take minutes (from 1m): their rule line names them.
MINUTE_OPTIONS = ("--max-age",)


def _refusal(server: FakeAIMLAPI, argv: list[str], text: str) -> str:
    """The line after ``argument --X:``, the same whichever option said it (but for the help it names);
    ``check``, a monitoring plugin, says it as its UNKNOWN status line (exit 3), before any request too."""
    if argv[0] != "check":
        line = rejected(server, *argv, text).strip()
    else:
        code, out, err = run(*argv, text, "--base-url", server.url)
        assert (code, err, server.requests) == (3, "", [])
        (line,) = out.splitlines()
        assert line.startswith("BILLING UNKNOWN - argument --window: ")
    line = line.split(f"argument {argv[-1]}: ", 1)[1]
    return re.sub(r" \(see aimlapi-billing [a-z-]+ --help\)$", "", line)


@pytest.mark.parametrize("text", BAD)
def test_every_window_option_refuses_the_same_forms_with_the_same_line(text: str) -> None:
    """Before: forecast --window and the exporter's windows took 1.5w, 2W, 36H, 0.5d (a second parser)."""
    with FakeAIMLAPI() as server:
        lines = {" ".join(argv): _refusal(server, argv, text) for argv in WINDOW_OPTIONS}
    assert set(lines.values()) == {span_error(text, calendar=True)}, lines


@pytest.mark.parametrize("text", BAD)
def test_every_length_option_refuses_the_same_forms_with_the_same_line(text: str) -> None:
    with FakeAIMLAPI() as server:
        lines = {" ".join(argv): _refusal(server, argv, text) for argv in LENGTH_OPTIONS}
    minutes = {name: line for name, line in lines.items() if name.endswith(MINUTE_OPTIONS)}
    assert set(minutes.values()) == {span_error(text, calendar=False, minutes=True)}, minutes
    hours = {name: line for name, line in lines.items() if not name.endswith(MINUTE_OPTIONS)}
    assert set(hours.values()) == {span_error(text, calendar=False)}, hours


@pytest.mark.parametrize("text", ["0m", "0min", "30s", "1.5m"])
def test_a_length_that_takes_minutes_says_so_in_its_rule(text: str) -> None:
    """Before: `--max-age 0m` was told "a span like 24h, 7d, 2w or 1mo (whole hours, ...)"."""
    with FakeAIMLAPI() as server:
        line = _refusal(server, ["report", "--db", "postgresql://127.0.0.1:9/none", "--max-age"], text)
    assert line.startswith("not a span like 30m, 24h, 7d, 2w or 1mo (whole minutes, hours, "), line


@pytest.mark.parametrize("text", BAD)
@pytest.mark.parametrize("setting", ["forecast_window", "model_window"])
def test_the_config_file_refuses_the_same_forms_naming_the_rule_not_the_value(
    tmp_path: Path, setting: str, text: str
) -> None:
    config = tmp_path / "exporter.toml"
    config.write_text(f"[accounts.a]\nkey_env = 'K'\n{setting} = '{text}'\n", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_accounts(config, environ={"K": "k"})
    assert str(raised.value) == f"{config}: accounts.a.{setting}: must be {span_rule(calendar=True)}, from 1h to 3660d"


@pytest.mark.parametrize("text", ["1.5w", "2W", "36H", "0.5d", " 7d"])
def test_the_sdk_collector_refuses_them_too(text: str) -> None:
    with pytest.raises(InvalidParameterError, match="not a span like 24h"):
        BillingCollector(StubBilling(), forecast_window=text)  # type: ignore[arg-type]


def test_the_forms_every_option_takes() -> None:
    now = datetime.datetime(2026, 3, 15, 12, tzinfo=UTC)
    assert span("36h", now=now) == datetime.timedelta(hours=36)
    assert span("2w", now=now) == datetime.timedelta(weeks=2)
    assert span("1mo", now=now) == datetime.timedelta(days=28)  # 15 February to 15 March 2026
    assert [window_text(text) for text in ("7d", "1mo", "this-month")] == ["7d", "1mo", "this-month"]
    code, _, err = run("forecast", "--window", "1.5w", "--base-url", "http://127.0.0.1:9")
    assert code == 2
    assert f"argument --window: {span_error('1.5w', calendar=True)} (see" in err


def _at(monkeypatch: pytest.MonkeyPatch, moment: datetime.datetime) -> None:
    """The clock every window is resolved by (``_windows.utc_now``)."""
    monkeypatch.setattr(windows_module, "utc_now", lambda: moment)


def test_the_exporters_forecast_window_of_1mo_is_the_calendar_month_before_each_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Before: fixed at start-up (and the CLI's read 30 days); a month is 28 to 31 days."""
    stub = StubBilling()
    collector = BillingCollector(stub, forecast_window="1mo", min_interval=0)  # type: ignore[arg-type]
    registry = build_registry(collector)
    march, april = datetime.datetime(2026, 3, 15, 12, tzinfo=UTC), datetime.datetime(2026, 4, 15, 12, tzinfo=UTC)
    for moment in (march, april):
        _at(monkeypatch, moment)
        assert value(parse(exposition(registry)), "aimlapi_runway_days") == 12.5
    assert stub.windows == [datetime.timedelta(days=28), datetime.timedelta(days=31)]
    assert stub.as_ofs == [march, april]


def test_the_exporters_model_window_of_1mo_against_the_stand_in(monkeypatch: pytest.MonkeyPatch) -> None:
    """``metrics --model-window 1mo`` on 15 March 2026: the 28 days from 15 February, asked of the API
    as such and exported as the window's length."""
    march = datetime.datetime(2026, 3, 15, 12, tzinfo=UTC)
    with FakeAIMLAPI(**budget_account(datetime.datetime.now(UTC))) as fake:
        _at(monkeypatch, march)
        code, out, err = run("metrics", "--model-window", "1mo", "--base-url", fake.url)
        details = fake.requests_to("/v2/usage/detail")
    assert code == 0, err
    families = parse(out.encode())
    assert value(families, "aimlapi_model_spend_window_seconds") == 28 * 86400
    assert details
    for request in details:
        assert "start=2026-02-15T12%3A00%3A00Z" in request.path
        assert "end=2026-03-15T12%3A00%3A00Z" in request.path


def test_a_collector_given_the_same_text_as_billing_reads_it_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    """The SDK's collector takes the text too (the config file's and the command line's), with a real client."""
    with FakeAIMLAPI(**budget_account(datetime.datetime.now(UTC))) as fake, Billing(base_url=fake.url) as client:
        _at(monkeypatch, datetime.datetime(2028, 3, 1, tzinfo=UTC))
        collector = BillingCollector(client, model_window="1mo", min_interval=0)
        families = parse(exposition(build_registry(collector)))
    assert value(families, "aimlapi_model_spend_window_seconds") == 29 * 86400  # February of a leap year
