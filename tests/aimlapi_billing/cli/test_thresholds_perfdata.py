"""The plugins' printed value judged as the value: perfdata on the side of each threshold the value is on,
one balance judged with a runway threshold or without, the exact balance never a clamped one; against the
stand-in on 127.0.0.1."""

from __future__ import annotations

import json
import math
from decimal import Decimal

import pytest
from fake_api_server import DETAIL, FakeAIMLAPI, Reply
from hypothesis import given, settings
from hypothesis import strategies as st

from aimlapi_billing._cli._options import PLAIN_DECIMAL
from aimlapi_billing._cli._thresholds import Range, state
from tests.helpers.cli import run

pytestmark = pytest.mark.usefixtures("fast_backoff")

INF = math.inf


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
