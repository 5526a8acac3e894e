"""The plugins' thresholds: the guidelines' range syntax, a warning or a critical threshold alone, each
option at its edges, nonsense refused as one UNKNOWN line; run against the stand-in on 127.0.0.1."""

from __future__ import annotations

import datetime
import io
import json
import math
import re
from decimal import Decimal

import pytest
from fake_api_server import DETAIL, FakeAIMLAPI, Reply, ledger_entry
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from aimlapi_billing._cli import main
from aimlapi_billing._cli._commands.check import DAYS, USD
from aimlapi_billing._cli._commands.check_keys import PERCENT
from aimlapi_billing._cli._options import PLAIN_DECIMAL
from aimlapi_billing._cli._thresholds import Range, state, swapped
from tests.helpers.budget_data import budget_account

pytestmark = pytest.mark.usefixtures("fast_backoff")

INF = math.inf


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


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


# -- the printed value is judged as the value: perfdata never contradicts the state ---------------------------


def set_balance(fake: FakeAIMLAPI, balance: float) -> None:
    for path in ("/v2/billing", "/v2/billing/detail"):
        fake.canned[path] = {**fake.canned[path], "current_balance": balance}


@pytest.mark.parametrize(
    ("balance", "thresholds", "line"),
    [
        # The reviewer's: 99.996 printed 100.00, which -w 100 (below 100) would judge OK.
        (99.996, ["-w", "100"], "BILLING WARNING - balance 99.996 USD | balance_usd=99.996;100:"),
        (20.004, ["-w", "@0:20.001"], "BILLING OK - balance 20.004 USD | balance_usd=20.004;@20.001"),
        (-0.001, ["-c", "0"], "BILLING CRITICAL - balance -0.001 USD | balance_usd=-0.001;;0:"),
        (99.994, ["-w", "99.99"], "BILLING OK - balance 99.99 USD | balance_usd=99.99;99.99:"),  # no needless digits
        # Beyond the largest threshold: the balance itself, never a clamped figure that is not the balance.
        (
            2e12,
            ["-w", "~:1000000000000"],
            "BILLING WARNING - balance 2000000000000.00 USD | balance_usd=2000000000000.00;~:1000000000000",
        ),
    ],
)
def test_the_balance_is_printed_on_the_side_of_each_threshold_it_is_on(
    fake_api: FakeAIMLAPI, balance: float, thresholds: list[str], line: str
) -> None:
    set_balance(fake_api, balance)
    code = ("OK", "WARNING", "CRITICAL").index(line.split()[1])
    assert run("check", *thresholds, "--base-url", fake_api.url) == (code, line + "\n", "")


@pytest.mark.parametrize(
    ("thresholds", "code", "shown"),
    [
        (["-w", "6.2"], 1, "6.24%;6.2;;0"),  # the reviewer's: 6.2% would be at 6.2, not above it
        (["-w", "6.3"], 0, "6.2%;6.3;;0"),
        (["-c", "@6.21:"], 2, "6.24%;;@6.21:;0"),
        (["-c", "@6.2:"], 2, "6.2%;;@6.2:;0"),  # 6.2 is in @6.2: too
    ],
)
def test_a_keys_percentage_is_printed_on_the_side_of_each_threshold_it_is_on(
    fake_api: FakeAIMLAPI, thresholds: list[str], code: int, shown: str
) -> None:
    got, out, err = run("check-keys", *thresholds, "--base-url", fake_api.url)  # chatbot-prod: 6.24 %
    assert (got, err) == (code, "")
    assert f"'b747e891_pct'={shown}" in out
    assert f"at {shown.split('%')[0]}% of 25.00 USD" in out


@st.composite
def near_ranges(draw: st.DrawFn, value: float) -> Range | None:
    """A range ending on or next to ``value`` rounded, where printing it rounded could cross an end."""
    ends = st.sampled_from([round(value, 2), round(value, 1), round(value), value, -INF, INF]).map(
        lambda end: max(-1e12, min(1e12, end)) if math.isfinite(end) else end
    )
    start, end = sorted((draw(ends), draw(ends)))
    if start == INF or end == -INF or (start, end) == (-INF, INF):
        return None
    return Range(start, end, draw(st.booleans()))


@settings(max_examples=3000, deadline=None)
@given(data=st.data())
def test_a_printed_value_is_judged_as_the_value_is(data: st.DataObject) -> None:
    from aimlapi_billing._cli._thresholds import shown

    base = data.draw(st.floats(-1e6, 1e6) | st.floats(-3e12, 3e12) | st.sampled_from([0.0, 1e12, -1e12]))
    value = base + data.draw(st.sampled_from([0.0, 0.004, -0.004, 0.005, -0.005, 0.0049999, 1e-9, -1e-9]))
    warning, critical = data.draw(near_ranges(value)), data.draw(near_ranges(value))
    decimals = data.draw(st.sampled_from([1, 2]))
    text = shown(value, decimals, 1e12, warning, critical)
    assert PLAIN_DECIMAL.fullmatch(text)  # perfdata takes no exponent
    assert state(float(text), warning, critical) == state(value, warning, critical)
    for each in (warning, critical):
        assert each is None or each.alerts(float(text)) == each.alerts(value)
    if abs(value) <= 1e12:
        assert len(text.partition(".")[2]) >= decimals


# -- one balance: a runway threshold never switches which endpoint's balance check judges ---------------------


def test_check_judges_one_endpoints_balance_with_a_runway_threshold_or_without() -> None:
    """The reviewer's: GET /v2/billing at 5, GET /v2/billing/detail at 500 was CRITICAL 5.00, and OK
    500.00 once --warning-days was added. Both read /v2/billing/detail, the forecast's and the exporter's."""
    with FakeAIMLAPI() as fake:
        fake.canned["/v2/billing"] = {**fake.canned["/v2/billing"], "current_balance": 5}
        fake.canned["/v2/billing/detail"] = {**fake.canned["/v2/billing/detail"], "current_balance": 500}
        balance_only = run("check", "-w", "100", "-c", "20", "--base-url", fake.url)
        with_runway = run("check", "-w", "100", "-c", "20", "--warning-days", "30", "--base-url", fake.url)
        summary_requests = len(fake.requests_to("/v2/billing"))
    assert balance_only == (0, "BILLING OK - balance 500.00 USD | balance_usd=500.00;100:;20:\n", "")
    code, line, err = with_runway
    assert (code, err) == (0, "")
    assert line.startswith("BILLING OK - balance 500.00 USD, runway ")
    assert summary_requests == 0


@pytest.mark.parametrize(
    ("balance", "options", "code", "line"),
    [
        # The balance exactly at the threshold is not below it: OK (a float's 0.1 is 0.1000000000000000055).
        ("0.1", ("-c", "0.1"), 0, "BILLING OK - balance 0.10 USD | balance_usd=0.10;;0.1:"),
        ("0.1", ("-w", "0.1", "-c", "0.05"), 0, "BILLING OK - balance 0.10 USD | balance_usd=0.10;0.1:;0.05:"),
        ("0.3", ("-c", "0.3"), 0, "BILLING OK - balance 0.30 USD | balance_usd=0.30;;0.3:"),
        # A float would read it as 0.3 itself; the perfdata shows as many digits as keep it below 0.3.
        (
            "0.29999999999999999",
            ("-c", "0.3"),
            2,
            "BILLING CRITICAL - balance 0.29999999999999999 USD | balance_usd=0.29999999999999999;;0.3:",
        ),
        ("0.1", ("-c", "~:0.1"), 0, None),  # above 0.1 alerts; 0.1 itself does not
        ("0.1", ("-c", "@0.1:0.2"), 2, None),  # inside, ends included
    ],
)
def test_a_balance_exactly_at_a_usd_threshold_is_judged_exactly(
    balance: str, options: tuple[str, ...], code: int, line: str | None
) -> None:
    with FakeAIMLAPI() as api:
        body = json.dumps({**DETAIL, "current_balance": "@"}).replace('"@"', balance)
        api.script("/v2/billing/detail", Reply(200, body.encode()))
        exit_code, out, err = run("check", *options, "--base-url", api.url)
    assert exit_code == code, (out, err)
    if line is not None:
        assert out.strip() == line


@pytest.mark.parametrize(
    ("balance", "shown"),
    [
        # The reviewer's: both printed 1000000000000.00, a balance the account does not have.
        ("123456789012345678901234567890.123", "123456789012345678901234567890.12"),
        ("1e300", "1" + "0" * 300 + ".00"),
        ("-1e20", "-100000000000000000000.00"),
        ("0.125", "0.12"),  # 2 decimals, half to even
        ("0.135", "0.14"),
        ("-0.0", "0.00"),  # never -0.00, in the text or the perfdata
        ("-0.004", "0.00"),
    ],
)
def test_check_prints_the_exact_balance_never_a_clamped_one(balance: str, shown: str) -> None:
    with FakeAIMLAPI() as api:
        body = json.dumps({**DETAIL, "current_balance": "@"}).replace('"@"', balance)
        api.script("/v2/billing/detail", Reply(200, body.encode()))
        got = run("check", "-w", "~:1000000000000", "--base-url", api.url)
    alerts = not balance.startswith("-") and Decimal(balance) > 10**12
    line = f"BILLING {'WARNING' if alerts else 'OK'} - balance {shown} USD | balance_usd={shown};~:1000000000000\n"
    assert got == (int(alerts), line, "")
