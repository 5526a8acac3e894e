"""The options every command shares, at their edges: any value a usage error or a run, never a crash;
numbers plain ASCII decimals; the key file; the base URL."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fake_api_server import FakeAIMLAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aimlapi_billing._cli import EXIT_CONFIGURATION, EXIT_USAGE, UsageError, build_parser
from tests.helpers.cli import run

pytestmark = pytest.mark.usefixtures("fast_backoff")


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


@pytest.mark.parametrize(("command", "option", "plain"), PLAIN_NUMBER_OPTIONS, ids=lambda value: str(value))
def test_numbers_are_plain_ascii_decimals(command: str, option: str, plain: str) -> None:
    """Parsed only (a valid exporter command would serve for ever): ``10`` passes, its look-alikes do not."""
    parser = build_parser([command])
    parser.parse_args([command, option, plain])
    for shape in NOT_PLAIN:
        value = plain.replace("10", shape)
        with pytest.raises(UsageError, match=f"argument (-t/)?{option}: "):
            parser.parse_args([command, option, value])


def test_api_key_file_that_is_a_fifo_is_refused_at_once(fake_api: FakeAIMLAPI, tmp_path: Path) -> None:
    fifo = tmp_path / "key.fifo"
    os.mkfifo(fifo)
    code, _, err = run("summary", "--api-key-file", str(fifo), "--base-url", fake_api.url)
    assert code == EXIT_CONFIGURATION
    assert "not a regular file" in err
    assert fake_api.requests == []


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
