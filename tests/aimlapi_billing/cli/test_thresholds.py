"""The plugins' thresholds: the guidelines' range syntax, a warning or a critical threshold alone, each
option at its edges, nonsense refused as one UNKNOWN line; run against the stand-in on 127.0.0.1."""

from __future__ import annotations

import datetime
import math
import re
from decimal import Decimal

import pytest
from fake_api_server import FakeAIMLAPI, ledger_entry
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from aimlapi_billing._cli._commands.check import DAYS, USD
from aimlapi_billing._cli._commands.check_keys import PERCENT
from aimlapi_billing._cli._thresholds import Range, swapped
from tests.helpers.budget_data import budget_account
from tests.helpers.cli import run

pytestmark = pytest.mark.usefixtures("fast_backoff")

INF = math.inf


# -- the syntax ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "balance", "percent", "perfdata"),
    [
        # A bare number: "below N" for the balance and the runway (as always), 0:N for a percentage.
        ("100", Range(100, INF), Range(0, 100), ("100:", "100")),
        ("100:", Range(100, INF), Range(100, INF), ("100:", "100:")),
        ("~:100", Range(-INF, 100), Range(-INF, 100), ("~:100", "~:100")),
        (":100", Range(0, 100), Range(0, 100), ("100", "100")),
        ("10:20", Range(10, 20), Range(10, 20), ("10:20", "10:20")),
        ("@10:20", Range(10, 20, True), Range(10, 20, True), ("@10:20", "@10:20")),
        ("@10:", Range(10, INF, True), Range(10, INF, True), ("@10:", "@10:")),
        ("@~:10", Range(-INF, 10, True), Range(-INF, 10, True), ("@~:10", "@~:10")),
        ("0", Range(0, INF), Range(0, 0), ("0:", "0")),
        ("10:10", Range(10, 10), Range(10, 10), ("10:10", "10:10")),
        ("79.999", Range(Decimal("79.999"), INF), Range(0, 79.999), ("79.999:", "79.999")),  # USD: exact
        ("100.00", Range(100, INF), Range(0, 100), ("100:", "100")),
        ("+5.", Range(5, INF), Range(0, 5), ("5:", "5")),
    ],
)
def test_each_range_form_parses_and_is_written_back_in_the_guidelines_syntax(
    text: str, balance: Range, percent: Range, perfdata: tuple[str, str]
) -> None:
    assert (USD(text), PERCENT(text)) == (balance, percent)
    assert (str(USD(text)), str(PERCENT(text))) == perfdata


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("abc", "not an amount in USD or a range (N, N:, ~:N, N:M or @N:M): 'abc'"),
        ("", "not an amount in USD or a range"),
        ("@", "not an amount in USD or a range"),
        (":", "not an amount in USD or a range"),
        ("@:", "not an amount in USD or a range"),
        ("~", "not an amount in USD or a range"),
        ("5:1", "the range starts above its end: '5:1'"),
        ("@20:10", "the range starts above its end"),
        ("~:", "the range '~:' covers every value: it never alerts"),
        ("@~:", "the range '@~:' covers every value: it always alerts"),
        ("nan", "not an amount in USD or a range"),
        ("inf", "not an amount in USD or a range"),
        ("-inf:", "not an amount in USD or a range"),
        ("1:nan", "not an amount in USD or a range"),
        ("9" * 400, "must be an amount in USD from -1000000000000 to 1000000000000, not '999"),
        # Plain ASCII decimals only, as the README says: Python's float() takes each of these.
        ("1e2", "not an amount in USD or a range"),
        ("1e999", "not an amount in USD or a range"),
        ("\u0661\u0660\u0660", "not an amount in USD or a range"),  # Arabic-Indic 100
        ("\uff11\uff10\uff10:", "not an amount in USD or a range"),  # full-width 100
        ("@1_0:20", "not an amount in USD or a range"),
        (" 100", "not an amount in USD or a range"),
        ("100\n", "not an amount in USD or a range"),
        ("10:\t20", "not an amount in USD or a range"),
        ("1:2:3", "not an amount in USD or a range"),
        ("10:~", "not an amount in USD or a range"),
        ("0x10", "not an amount in USD or a range"),
        ("1_000", "not an amount in USD or a range"),
        ("10%", "not an amount in USD or a range"),
        ("@@10", "not an amount in USD or a range"),
        ("10 :20", "not an amount in USD or a range"),
    ],
)
def test_nonsense_is_refused_with_a_reason(text: str, why: str) -> None:
    import argparse

    with pytest.raises(argparse.ArgumentTypeError) as refused:
        USD(text)
    assert why in str(refused.value)


@pytest.mark.parametrize(
    ("parse", "accepted", "refused"),
    [
        (
            USD,
            ["-1000000000000", "1000000000000", "~:1000000000000", "-1000000000000:1000000000000", "@-1000000000000:"],
            ["-1000000000000.01", "1000000000000.01", "0:2000000000000"],
        ),
        (DAYS, ["0", "3660", "0:3660", "~:0", "@0:0"], ["-0.001", "3660.1", "~:-1", "-1:"]),
        (PERCENT, ["0", "10000", "~:10000", "@0:10000"], ["-1", "10000.5", "100000:", "@-1:0"]),
    ],
    ids=["usd", "days", "percent"],
)
def test_every_option_at_its_edges(parse: object, accepted: list[str], refused: list[str]) -> None:
    import argparse

    assert callable(parse)
    for text in accepted:
        assert isinstance(parse(text), Range), text
    for text in refused:
        with pytest.raises(argparse.ArgumentTypeError, match=r"must be .* from "):
            parse(text)


# -- check: the balance and the runway, against the stand-in (balance 275.78, runway 351.5 days) -------


@pytest.mark.parametrize(
    ("thresholds", "code", "perfdata"),
    [
        (["-c", "20"], 0, "balance_usd=275.78;;20:"),
        (["-c", "300"], 2, "balance_usd=275.78;;300:"),
        (["-w", "300"], 1, "balance_usd=275.78;300:"),
        (["-w", "275.78"], 0, "balance_usd=275.78;275.78:"),  # at the threshold: not below it
        (["-w", "275.79"], 1, "balance_usd=275.78;275.79:"),
        (["-w", "~:275.78"], 0, "balance_usd=275.78;~:275.78"),
        (["-w", "~:275.77"], 1, "balance_usd=275.78;~:275.77"),
        (["-w", "100:200", "-c", "50:"], 1, "balance_usd=275.78;100:200;50:"),
        (["-w", "@200:300"], 1, "balance_usd=275.78;@200:300"),
        (["-w", "@276:300"], 0, "balance_usd=275.78;@276:300"),
        (["-w", "@200:300", "-c", "@250:260"], 1, "balance_usd=275.78;@200:300;@250:260"),
        (["-w", "@200:300", "-c", "@270:280"], 2, "balance_usd=275.78;@200:300;@270:280"),
        (["--warning-usd=-5:", "-c=-10:"], 0, "balance_usd=275.78;-5:;-10:"),
    ],
)
def test_check_alerts_by_each_range_alone_or_together(
    fake_api: FakeAIMLAPI, thresholds: list[str], code: int, perfdata: str
) -> None:
    state = ("OK", "WARNING", "CRITICAL")[code]
    assert run("check", *thresholds, "--base-url", fake_api.url) == (
        code,
        f"BILLING {state} - balance 275.78 USD | {perfdata}\n",
        "",
    )


@pytest.mark.parametrize(
    ("thresholds", "code", "perfdata"),
    [
        (["--critical-days", "400"], 2, "balance_usd=275.78 runway_days=351.5;;400:"),
        (["--warning-days", "400"], 1, "balance_usd=275.78 runway_days=351.5;400:"),
        (["--warning-days", "~:300"], 1, "balance_usd=275.78 runway_days=351.5;~:300"),
        (["-c", "20", "--critical-days", "7"], 0, "balance_usd=275.78;;20: runway_days=351.5;;7:"),
        (["-w", "300", "--critical-days", "400"], 2, "balance_usd=275.78;300: runway_days=351.5;;400:"),
    ],
)
def test_check_alerts_on_the_runway_alone_or_with_the_balance(thresholds: list[str], code: int, perfdata: str) -> None:
    state = ("OK", "WARNING", "CRITICAL")[code]
    with FakeAIMLAPI() as fake:  # its ledger dated from now: the README's runway
        out = run("check", *thresholds, "--base-url", fake.url)
    assert out == (code, f"BILLING {state} - balance 275.78 USD, runway 351.5 days | {perfdata}\n", "")


@pytest.mark.parametrize(
    ("thresholds", "code", "perfdata"),
    [
        (["--warning-days", "30", "--critical-days", "7"], 0, "runway_days=U;30:;7:"),
        (["--warning-days", "~:30"], 1, "runway_days=U;~:30"),  # unbounded is above any number of days
        (["--critical-days", "@1000:"], 2, "runway_days=U;;@1000:"),
    ],
)
def test_an_unbounded_runway_is_beyond_any_number_of_days(thresholds: list[str], code: int, perfdata: str) -> None:
    now = datetime.datetime.now(datetime.UTC)
    topup = ledger_entry((now - datetime.timedelta(days=1)).isoformat(), "TOPUP", "PAYMENT", 100.0, None, "pay-1")
    with FakeAIMLAPI(ledger=[topup]) as fake:
        code_, out, err = run("check", *thresholds, "--base-url", fake.url)
    state = ("OK", "WARNING", "CRITICAL")[code]
    assert (code_, out, err) == (
        code,
        f"BILLING {state} - balance 275.78 USD, runway unbounded | balance_usd=275.78 {perfdata}\n",
        "",
    )


@pytest.mark.parametrize(
    ("thresholds", "problem"),
    [
        ([], "no threshold: give -w/--warning-usd, -c/--critical-usd, --warning-days or --critical-days"),
        (["-w", "5", "-c", "10"], "--critical-usd (10:) alerts where --warning-usd (5:) does not"),
        (["-w", "~:10", "-c", "~:5"], "--critical-usd (~:5) alerts where --warning-usd (~:10) does not"),
        (["-w", "@10:20", "-c", "@5:30"], "--critical-usd (@5:30) alerts where --warning-usd (@10:20) does not"),
        (["--warning-days", "7", "--critical-days", "30"], "--critical-days (30:) alerts where --warning-days (7:)"),
        (["-w", "abc"], "argument -w/--warning-usd: not an amount in USD or a range"),
        (["-c", "@"], "argument -c/--critical-usd: not an amount in USD or a range"),
        (["-w", "5:1"], "the range starts above its end"),
        (["-w", "nan"], "not an amount in USD or a range"),
        (["-c", "inf"], "not an amount in USD or a range"),
        (["--warning-days", "-1:"], "must be a number of days from 0 to 3660, not '-1:'"),  # a value, as with =
        (["--warning-days=-1:"], "must be a number of days from 0 to 3660, not '-1:'"),
        (["--critical-days", "3661"], "must be a number of days from 0 to 3660"),
    ],
)
def test_check_refuses_what_cannot_work_before_any_request(
    fake_api: FakeAIMLAPI, thresholds: list[str], problem: str
) -> None:
    code, out, err = run("check", *thresholds, "--base-url", fake_api.url)
    assert (code, err) == (3, "")
    assert out.startswith("BILLING UNKNOWN - ")
    assert problem in out
    assert out.count("\n") == 1
    assert fake_api.requests == []


# -- check-keys: chatbot-prod at 90.0 % of its limit, batch-jobs at 5.0 % --------------------------------


@pytest.mark.parametrize(
    ("thresholds", "code", "perfdata"),
    [
        (["-c", "95"], 0, "'b747e891_pct'=90.0%;;95;0 'c0ffee42_pct'=5.0%;;95;0"),
        (["-c", "89.9"], 2, "'b747e891_pct'=90.0%;;89.9;0 'c0ffee42_pct'=5.0%;;89.9;0"),
        (["-w", "80"], 1, "'b747e891_pct'=90.0%;80;;0 'c0ffee42_pct'=5.0%;80;;0"),
        (["-w", "90"], 0, "'b747e891_pct'=90.0%;90;;0 'c0ffee42_pct'=5.0%;90;;0"),  # at the threshold: OK
        (["-w", "~:80"], 1, "'b747e891_pct'=90.0%;~:80;;0 'c0ffee42_pct'=5.0%;~:80;;0"),
        (["-w", "10:"], 1, "'b747e891_pct'=90.0%;10:;;0 'c0ffee42_pct'=5.0%;10:;;0"),  # batch-jobs below 10 %
        (["-c", "@0:4"], 0, "'b747e891_pct'=90.0%;;@4;0 'c0ffee42_pct'=5.0%;;@4;0"),
        (["-w", "80", "-c", "95"], 1, "'b747e891_pct'=90.0%;80;95;0 'c0ffee42_pct'=5.0%;80;95;0"),
    ],
)
def test_check_keys_alerts_by_each_range_alone_or_together(thresholds: list[str], code: int, perfdata: str) -> None:
    now = datetime.datetime.now(datetime.UTC)
    with FakeAIMLAPI(**budget_account(now, batch_threshold=10.0)) as fake:
        got, out, err = run("check-keys", *thresholds, "--base-url", fake.url)
    assert (got, err) == (code, "")
    assert out.startswith(f"KEYS {('OK', 'WARNING', 'CRITICAL')[code]} - ")
    assert out.endswith(f" | {perfdata}\n")


@pytest.mark.parametrize(
    ("thresholds", "problem"),
    [
        ([], "no threshold: give -w/--warning-percent or -c/--critical-percent"),
        (["-w", "95", "-c", "80"], "--critical-percent (80) alerts where --warning-percent (95) does not"),
        (["-c", "abc"], "not a percentage or a range"),
        (["-w", "@"], "not a percentage or a range"),
        (["-w", "50:10"], "the range starts above its end"),
        (["-w", "~:"], "covers every value"),
    ],
)
def test_check_keys_refuses_what_cannot_work_before_any_request(
    fake_api: FakeAIMLAPI, thresholds: list[str], problem: str
) -> None:
    code, out, err = run("check-keys", *thresholds, "--base-url", fake_api.url)
    assert (code, err) == (3, "")
    assert out.startswith("KEYS UNKNOWN - ")
    assert problem in out
    assert fake_api.requests == []


# -- a pair nests: CRITICAL alerts only where WARNING does, whatever the kinds of range ----------------------


@pytest.mark.parametrize(
    ("command", "thresholds", "problem"),
    [
        # The reviewer's: an @-range beside a plain one was never compared (CRITICAL at 275.78).
        (
            "check",
            ["-w", "@276:300", "-c", "~:100"],
            "--critical-usd (~:100) alerts where --warning-usd (@276:300) does",
        ),
        (
            "check-keys",
            ["-w", "95", "-c", "@0:80"],
            "--critical-percent (@80) alerts where --warning-percent (95) does",
        ),
        # Ends: "below 10" leaves 10 alone, "@~:10" takes it.
        ("check", ["-w", "10", "-c", "@~:10"], "(at 10, for one)"),
        ("check", ["-w", "@10:20", "-c", "15:"], "(at 9, for one)"),
        ("check", ["--warning-days", "@0:7", "--critical-days", "30"], "--critical-days (30:) alerts where"),
        ("check-keys", ["-w", "@90:", "-c", "~:80"], "(at 85, for one)"),
    ],
)
def test_a_pair_whose_critical_alerts_where_its_warning_does_not_is_unknown(
    fake_api: FakeAIMLAPI, command: str, thresholds: list[str], problem: str
) -> None:
    code, out, err = run(command, *thresholds, "--base-url", fake_api.url)
    assert (code, err) == (3, "")
    assert out.startswith(("BILLING UNKNOWN - ", "KEYS UNKNOWN - "))
    assert problem in out
    assert fake_api.requests == []


@pytest.mark.parametrize(
    ("command", "thresholds"),
    [
        ("check", ["-w", "100", "-c", "@~:20"]),  # below 100; at or below 20
        ("check", ["-w", "@~:300", "-c", "@250:260"]),
        ("check-keys", ["-w", "@80:", "-c", "90"]),  # a percentage is never negative: 90's "below 0" never happens
        ("check", ["--warning-days", "@~:30", "--critical-days", "7"]),  # a runway is never negative either
    ],
)
def test_pairs_that_nest_are_accepted_whatever_their_kinds(command: str, thresholds: list[str]) -> None:
    now = datetime.datetime.now(datetime.UTC)
    with FakeAIMLAPI(**budget_account(now, batch_threshold=10.0)) as fake:
        code, out, _ = run(command, *thresholds, "--base-url", fake.url)
    assert code in (0, 1, 2)
    assert "UNKNOWN" not in out


END = st.sampled_from([-INF, -3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0, INF])


@st.composite
def ranges(draw: st.DrawFn) -> Range:
    start, end = sorted((draw(END), draw(END)))
    assume(start != INF and end != -INF and (start, end) != (-INF, INF))  # what the parser can give
    return Range(start, end, draw(st.booleans()))


@settings(max_examples=2000, deadline=None)
@given(warning=ranges(), critical=ranges(), lowest=st.sampled_from([-INF, 0.0]))
def test_a_pair_is_refused_exactly_when_critical_alerts_on_a_value_warning_lets_pass(
    warning: Range, critical: Range, lowest: float
) -> None:
    """Against every value that can tell (the ends are whole: each half-step between them, and beyond)."""
    values = [value for value in [-INF, *(step / 2 for step in range(-10, 11)), INF] if value >= lowest]
    escapes = [value for value in values if critical.alerts(value) and not warning.alerts(value)]
    problem = swapped(warning, critical, ("-w", "-c"), lowest=lowest)
    assert (problem is None) == (escapes == []), (escapes, problem)
    if problem is not None:
        witness = re.search(r"\(at (\S+), for one\)", problem)
        assert witness is not None
        value = float(witness[1])
        assert value >= lowest
        assert critical.alerts(value)
        assert not warning.alerts(value)


@pytest.mark.parametrize(
    ("command", "thresholds"),
    [
        ("check", ["-w", "\u0661\u0660\u0660"]),  # Arabic-Indic 100
        ("check", ["-w", "1e2"]),
        ("check", ["-c", "2_0"]),
        ("check", ["--warning-days", " 30"]),
        ("check-keys", ["-w", "\u0668\u0660"]),
        ("check-keys", ["-c", "9.5e1"]),
    ],
)
def test_thresholds_are_plain_ascii_decimals(fake_api: FakeAIMLAPI, command: str, thresholds: list[str]) -> None:
    code, out, err = run(command, *thresholds, "--base-url", fake_api.url)
    assert (code, err) == (3, "")
    assert "not " in out
    assert "or a range (N, N:, ~:N, N:M or @N:M)" in out
    assert fake_api.requests == []
