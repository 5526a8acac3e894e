"""``check-keys`` against the stand-in API: each state, the worst key, perfdata per key, a regular
key, the month cross-check, failures as UNKNOWN, hostile key names and every option at its edges."""

from __future__ import annotations

import contextlib
import datetime
import io
import math
import re
from decimal import Decimal
from typing import Any

import pytest
from fake_api.data import CHATBOT_KEY, MANAGEMENT_KEY
from fake_api_server import FakeAIMLAPI, Reply
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aimlapi_billing import BudgetReport, KeyBudget, __version__
from aimlapi_billing._cli import main
from aimlapi_billing._cli._commands.check_keys import PERCENT, _perfdata, status
from tests.aimlapi_billing.conftest import API_KEY
from tests.helpers.budget_data import budget_account, stand_in
from tests.helpers.quickstart import docs_page

pytestmark = pytest.mark.usefixtures("fast_backoff")

NOW = datetime.datetime(2026, 9, 23, 15, 30, tzinfo=datetime.UTC)

#: One plugin line: a state, a message, and perfdata of 'label'=value%;warn;crit;0 (or U).
LINE = re.compile(
    r"KEYS (OK|WARNING|CRITICAL|UNKNOWN) - [^|\n]+( \| ('[a-z0-9_.-]+_pct'=(\d+\.\d%|U);[\d.]+;[\d.]+;0 ?)+)?\n"
)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["check-keys", *argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def check(fake: FakeAIMLAPI, *thresholds: str) -> tuple[int, str]:
    code, out, err = run(*thresholds, "--base-url", fake.url)
    assert err == ""
    assert LINE.fullmatch(out), out
    return code, out


# -- states ----------------------------------------------------------------------------------------


def test_ok_names_the_highest_key_and_gives_perfdata_for_each() -> None:
    with stand_in() as fake:
        code, out = check(fake, "-w", "95", "-c", "99")
    assert code == 0
    assert out == (
        "KEYS OK - 2 keys with a limit within 95%, the highest b747e891 (chatbot-prod) at 90.0% of 2.00 USD per day; "
        "2 keys disabled or without a limit not checked | 'b747e891_pct'=90.0%;95;99;0 'c0ffee42_pct'=5.0%;95;99;0\n"
    )


@pytest.mark.parametrize(
    ("warning", "critical", "code", "state"),
    [
        ("80", "95", 1, "WARNING"),
        ("80", "89.9", 2, "CRITICAL"),
        ("90", "95", 0, "OK"),  # 90.0 % is not above 90: the guidelines' range "90" holds it
        ("89.9", "90", 1, "WARNING"),
        ("0", "0", 2, "CRITICAL"),
        ("10000", "10000", 0, "OK"),
    ],
)
def test_a_key_alerts_above_a_threshold(warning: str, critical: str, code: int, state: str) -> None:
    with stand_in() as fake:
        got, out = check(fake, "--warning-percent", warning, "--critical-percent", critical)
    assert (got, out.split(" - ")[0]) == (code, f"KEYS {state}")
    if code:
        assert "b747e891 (chatbot-prod) at 90.0% of 2.00 USD per day" in out


def test_the_worst_key_decides_and_comes_first() -> None:
    with stand_in(batch_threshold=0.0) as fake:  # batch-jobs spent 0.50 against a limit of 0
        code, out = check(fake, "-w", "50", "-c", "95")
    assert code == 2
    assert out.startswith(
        "KEYS CRITICAL - 2 of 2 keys with a limit past a threshold: c0ffee42 spent 0.50 USD against a limit of "
        "0.00 USD in total (no reset), b747e891 (chatbot-prod) at 90.0% of 2.00 USD per day;"
    )
    assert out.endswith("| 'b747e891_pct'=90.0%;50;95;0 'c0ffee42_pct'=U;50;95;0\n")


def test_no_key_with_a_limit_is_ok_without_perfdata() -> None:
    with FakeAIMLAPI(keys=[budget_account(datetime.datetime.now(datetime.UTC))["keys"][0]]) as fake:
        code, out = check(fake, "-w", "80", "-c", "95")
    assert (code, out) == (0, "KEYS OK - no enabled key has a spending limit (1 key)\n")


def test_a_regular_key_checks_its_own_key_and_says_so() -> None:
    with stand_in(default_caller=CHATBOT_KEY) as fake:
        code, out = check(fake, "-w", "80", "-c", "95")
    assert code == 1
    assert out == (
        "KEYS WARNING - 1 of 1 key with a limit past a threshold: the caller's own key (chatbot-prod) at 90.0% of "
        "2.00 USD per day; only the caller's own key was checked (a regular key cannot read the others) | "
        "'own_key_pct'=90.0%;80;95;0\n"
    )


def test_the_callers_own_prefix_is_never_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    # A prefix is the first 8 characters of its key.
    with stand_in() as fake:
        for key in (MANAGEMENT_KEY, CHATBOT_KEY):
            monkeypatch.setenv("AIML_API_KEY", key)
            code, out = check(fake, "-w", "80", "-c", "95")
            assert key[:8] not in out
            assert code == 1
    assert "'own_key_pct'=90.0%" in out


def test_a_month_mismatch_is_mentioned() -> None:
    with stand_in() as fake:
        listed = [dict(fake.account.public(record)) for record in fake.keys]
        listed[1]["monthly_usage"] += 3.5  # the key record says more than the usage total
        fake.script("/v1/keys", Reply(200, {"data": listed}))
        code, out = check(fake, "-w", "95", "-c", "99")
    assert code == 0
    assert (
        "; monthly_usage differs from the usage total since the 1st (UTC) for b747e891 (chatbot-prod) +3.50 USD |"
        in out
    )


# -- failures are UNKNOWN ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (Reply(500, {"message": "keys down"}), "keys down"),
        (Reply(401, {"message": "Invalid API key"}), "Invalid API key"),
        (Reply(200, b'{"data": [{"prefix": "x", "limit": {"threshold": NaN}}]}'), "NaN"),
        (Reply(200, {"data": "not a list"}), "GET /v1/keys"),
    ],
)
def test_any_failure_is_one_unknown_line(reply: Reply, message: str) -> None:
    with stand_in() as fake:
        fake.script("/v1/keys", *[reply] * 3)
        code, out, err = run("-w", "80", "-c", "95", "--base-url", fake.url, "--max-retries", "0")
    assert (code, err) == (3, "")
    assert out.startswith("KEYS UNKNOWN - ")
    assert message in out
    assert out.count("\n") == 1


def test_an_error_message_starts_no_perfdata() -> None:
    """A server's message holding "|" would hand the monitoring system a metric of the server's choosing."""
    with stand_in() as fake:
        fake.script("/v1/keys", Reply(400, {"message": "bad | balance_usd=999999;1;1 \n second line"}))
        code, out, _ = run("-w", "80", "-c", "95", "--base-url", fake.url, "--max-retries", "0")
    assert code == 3
    assert out == "KEYS UNKNOWN - Error code: 400 - bad / balance_usd=999999;1;1 \\n second line\n"


def test_a_usage_failure_is_unknown_too() -> None:
    with stand_in() as fake:
        fake.script("/v2/usage", Reply(400, {"message": "The window cannot exceed 92 days"}))
        code, out, _ = run("-w", "80", "-c", "95", "--base-url", fake.url, "--max-retries", "0")
    assert code == 3
    # The keys are read side by side: which of them got the 400 depends on the order they were asked
    # in; the others are measured, and the line names the one that was not (test_check_keys_partial.py).
    assert re.fullmatch(
        r"KEYS UNKNOWN - [^|]+; 1 of 4 keys not measured: [0-9a-f]{8} "
        r"\(BadRequestError: Error code: 400 - The window cannot exceed 92 days\)( \| [^|]+)?\n",
        out,
    )


def test_no_api_key_is_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIML_API_KEY")
    code, out, err = run("-w", "80", "-c", "95", "--base-url", "http://127.0.0.1:9")
    assert (code, err) == (3, "")
    assert out.startswith("KEYS UNKNOWN - No API key")


def test_a_refused_connection_is_unknown() -> None:
    code, out, _ = run("-w", "80", "-c", "95", "--base-url", "http://127.0.0.1:9", "--max-retries", "0", "-t", "2")
    assert code == 3
    assert out.startswith("KEYS UNKNOWN - Connection error")


# -- hostile key records -----------------------------------------------------------------------------


def test_server_text_is_one_line_and_never_the_key() -> None:
    with stand_in(data={"chat_name": f"evil\n\x1b[31m{API_KEY}"}) as fake:
        code, out = check(fake, "-w", "80", "-c", "95")
    assert code == 1
    assert "b747e891 (evil\\n\\x1b[31m<redacted>) at 90.0%" in out
    assert API_KEY[:8] not in out
    assert API_KEY[-8:] not in out


def budget(prefix: str, utilisation: float | None) -> KeyBudget:
    moment = datetime.datetime(2026, 9, 1, tzinfo=datetime.UTC)
    money = Decimal(1)
    return KeyBudget(
        prefix=prefix, name=None, disabled=False, retention="day", threshold=money, period_start=moment,
        next_reset=moment, spend=money, period_usage=money, utilisation=utilisation, monthly_usage=money,
        month_usage=money, created_at=moment,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("prefix", "utilisation", "own", "perfdata"),
    [
        ("c0 'ff=e;e|42", 0.5, False, "'c0__ff_e_e_42_pct'=50.0%;80;95;0"),
        ("abcd1234", 1e300, False, "'abcd1234_pct'=999999.9%;80;95;0"),  # bounded, not 300 digits
        ("abcd1234", math.inf, False, "'abcd1234_pct'=999999.9%;80;95;0"),  # the cap, as the line shows
        ("abcd1234", None, False, "'abcd1234_pct'=U;80;95;0"),
        ("abcd1234", 0.725, True, "'own_key_pct'=72.5%;80;95;0"),
        ("x" * 100, 0.0, False, f"'{'x' * 32}_pct'=0.0%;80;95;0"),
    ],
)
def test_perfdata_labels_and_values(prefix: str, utilisation: float | None, own: bool, perfdata: str) -> None:
    assert _perfdata(budget(prefix, utilisation), own, PERCENT("80"), PERCENT("95"), str) == perfdata


def test_a_period_this_version_does_not_know_is_unknown() -> None:
    report = BudgetReport((budget("abcd1234", None), budget("efgh5678", 0.5)), only_own_key=False, as_of=NOW)
    state, line = status(report, PERCENT("80"), PERCENT("95"), str)
    assert state == 3
    assert line.startswith("1 of 2 keys with a limit not measured: abcd1234: a limit of 1.00 USD per day, spend")
    # A WARNING outranks it, and both are named.
    state, line = status(
        BudgetReport((*report.budgets, budget("ijkl9012", 0.85)), False, NOW), PERCENT("80"), PERCENT("95"), str
    )
    assert state == 1
    assert line.startswith(
        "1 of 3 keys with a limit past a threshold: ijkl9012 at 85.0% of 1.00 USD per day; "
        "1 key not measured: abcd1234: a limit of 1.00 USD per day, spend not measured |"
    )


def test_only_the_worst_three_are_named() -> None:
    budgets = tuple(budget(f"key{n:05d}", 0.9 + n / 100) for n in range(5))
    state, line = status(BudgetReport(budgets, only_own_key=False, as_of=NOW), PERCENT("80"), PERCENT("95"), str)
    assert state == 1
    assert line.startswith(
        "5 of 5 keys with a limit past a threshold: key00004 at 94.0% of 1.00 USD per day, key00003 at 93.0% of "
        "1.00 USD per day, key00002 at 92.0% of 1.00 USD per day and 2 more |"
    )
    assert line.count("_pct'=") == 5


# -- options -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "problem"),
    [
        (["-w", "95", "-c", "80"], "--critical-percent (80) alerts where --warning-percent (95) does not"),
        (["-w", "-1", "-c", "80"], "must be a percentage from 0 to 10000, not '-1'"),
        (["-w", "80", "-c", "10000.5"], "must be a percentage from 0 to 10000"),
        (["-w", "nan", "-c", "80"], "not a percentage or a range (N, N:, ~:N, N:M or @N:M): 'nan'"),
        (["-w", "80", "-c", "inf"], "not a percentage or a range (N, N:, ~:N, N:M or @N:M): 'inf'"),
        ([], "no threshold: give -w/--warning-percent or -c/--critical-percent"),
        (["-w", "80%", "-c", "90"], "not a percentage or a range (N, N:, ~:N, N:M or @N:M): '80%'"),
        (["-w", "80", "-c", "90", "--timeout", "0"], "--timeout"),
        (["-w", "80", "-c", "90", "--keys"], "unrecognized arguments: --keys"),
    ],
)
def test_a_bad_option_is_an_unknown_line(argv: list[str], problem: str) -> None:
    code, out, err = run(*argv)
    assert (code, err) == (3, "")
    assert out.startswith("KEYS UNKNOWN - ")
    assert problem in out
    assert out.count("\n") == 1


PERCENTS = st.one_of(
    st.text(max_size=20),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["nan", "inf", "-inf", "0", "-0", "1e4", "1e-400", "10000.0001", "0x10"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(warning=PERCENTS, critical=PERCENTS)
def test_any_thresholds_are_unknown_or_a_run_never_a_crash(warning: str, critical: str) -> None:
    code, out, err = run("-w", warning, "-c", critical, "--base-url", "http://127.0.0.1:9", "--max-retries", "0")
    assert (code, err) == (3, "")  # a bad threshold, or the connection refused
    assert out.startswith("KEYS UNKNOWN - ")
    assert out.count("\n") == 1


def test_version_and_help() -> None:
    for flag in ("-V", "--version"):
        out = io.StringIO()
        with pytest.raises(SystemExit) as exited, contextlib.redirect_stdout(out):
            main(["check-keys", flag])
        assert exited.value.code == 0
        assert out.getvalue() == f"aimlapi-billing check-keys {__version__}\n"
    out = io.StringIO()
    with pytest.raises(SystemExit), contextlib.redirect_stdout(out):
        main(["check-keys", "--help"])
    text = out.getvalue()
    assert "--warning-percent W" in text
    assert "UTC" in text
    assert "3 UNKNOWN" in text


PLUGINS_PAGE = docs_page("monitoring/plugins.md")


def test_the_docs_sample_is_what_it_prints() -> None:
    command = re.search(r"`aimlapi-billing check-keys ([^`]*)` prints", PLUGINS_PAGE)
    sample = re.search(r"\n(KEYS WARNING - [^\n]*)\n", PLUGINS_PAGE)
    assert command is not None
    assert sample is not None
    with stand_in() as fake:
        code, out = check(fake, *command[1].split())
    assert (code, out) == (1, sample[1] + "\n")


def test_the_docs_nagios_definition_runs() -> None:
    command_line = re.search(r"command_line\s+(/usr/local/bin/aimlapi-billing check-keys .*)", PLUGINS_PAGE)
    arguments = re.search(r"check_command\s+check_aimlapi_keys!(\S+)!(\S+)", PLUGINS_PAGE)
    assert command_line is not None
    assert arguments is not None
    values = {"$ARG1$": arguments[1], "$ARG2$": arguments[2]}
    words = [values.get(word, word) for word in command_line[1].split()]
    assert words[:2] == ["/usr/local/bin/aimlapi-billing", "check-keys"]
    with stand_in() as fake:
        code, out = check(fake, *words[2:])
    assert code == 1
    assert out.startswith("KEYS WARNING - 1 of 2 keys with a limit past a threshold: b747e891 (chatbot-prod) at 90.0%")


# -- the hostile reviewer's cases -------------------------------------------------------------------


def budgets_of(*records: dict[str, Any]) -> BudgetReport:
    moment = datetime.datetime(2026, 9, 1, tzinfo=datetime.UTC)
    money = Decimal(1)
    fields: dict[str, Any] = {
        "name": None, "disabled": False, "retention": "day", "threshold": money, "period_start": moment,
        "next_reset": moment, "spend": money, "period_usage": money, "utilisation": 1.0, "monthly_usage": money,
        "month_usage": money, "created_at": moment,
    }  # fmt: skip
    return BudgetReport(tuple(KeyBudget(**{**fields, **record}) for record in records), False, NOW)


@pytest.mark.parametrize("created", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-05:00"])
def test_a_timestamp_outside_the_calendar_is_unknown_not_a_crash(created: str) -> None:
    with stand_in() as fake:
        listed = [dict(fake.account.public(record)) for record in fake.keys]
        listed[1]["created_at"] = created
        fake.script("/v1/keys", Reply(200, {"data": listed}))
        code, out, err = run("-w", "80", "-c", "95", "--base-url", fake.url)
    assert (code, err) == (3, "")
    assert out.startswith("KEYS UNKNOWN - ")
    assert "outside the calendar" in out
    assert out.count("\n") == 1


def test_any_exception_is_one_unknown_line_with_its_type(monkeypatch: pytest.MonkeyPatch) -> None:
    from aimlapi_billing.resources.keys import KeysResource

    def broken(self: Any, **kwargs: Any) -> Any:
        raise KeyError("a bug")

    monkeypatch.setattr(KeysResource, "budgets", broken)
    code, out, err = run("-w", "80", "-c", "95", "--base-url", "http://127.0.0.1:9")
    assert (code, err) == (3, "")
    assert out == "KEYS UNKNOWN - internal error (KeyError): 'a bug'\n"


def test_server_text_cannot_inject_perfdata_and_is_bounded() -> None:
    report = budgets_of(
        {"prefix": "a|b00001", "name": "x | 'fake_pct'=0%;1;2;0 " + "n" * 500, "utilisation": 0.9},
        {"prefix": "a_b00001", "name": "twin", "utilisation": 0.95},
        {"prefix": "yr000001", "retention": "year|" * 50, "utilisation": None, "spend": None},
    )
    state, line = status(report, PERCENT("80"), PERCENT("90"), str)
    assert state == 2
    message, perfdata = line.split(" | ")  # exactly one separator: none from server text
    assert "|" not in message
    assert len(message) < 600
    assert perfdata == "'a_b00001_pct'=90.0%;80;90;0 'a_b00001_2_pct'=95.0%;80;90;0 'yr000001_pct'=U;80;90;0"


def test_thresholds_are_printed_as_given() -> None:
    state, line = status(
        budgets_of({"prefix": "abcd1234", "utilisation": 0.5}), PERCENT("79.999"), PERCENT("95.5"), str
    )
    assert (state, line.split(" | ")[1]) == (0, "'abcd1234_pct'=50.0%;79.999;95.5;0")
    assert "within 79.999%" in line
    tiny = "0.00000000000000000001"  # printed as given: not 0 (what .12f made of it), not 1e-20
    _, line = status(budgets_of({"prefix": "abcd1234", "utilisation": 0.5}), PERCENT(tiny), PERCENT("95"), str)
    assert line.split(" | ")[1] == f"'abcd1234_pct'=50.0%;{tiny};95;0"


def test_a_thousand_keys_stay_under_nagios_8_kb() -> None:
    from aimlapi_billing._cli._commands.check_keys import PERFDATA_KEYS

    records = [{"prefix": f"k{n:07d}", "name": "n" * 60, "utilisation": n / 1000} for n in range(1000)]
    state, line = status(budgets_of(*records), PERCENT("80"), PERCENT("95"), str)
    assert state == 2
    assert len(line.encode()) < 8192
    perfdata = line.split(" | ")[1].split()
    assert len(perfdata) == PERFDATA_KEYS + 1
    assert perfdata[-1] == f"'keys_not_in_perfdata'={1000 - PERFDATA_KEYS};;;0"
    assert "'k0000999_pct'=99.9%;80;95;0" in perfdata  # the worst are kept
    assert "perfdata for the worst" in line


@pytest.mark.parametrize(("spend", "state", "value"), [(Decimal(0), 0, "U"), (Decimal("0.01"), 2, "U")])
def test_a_limit_of_zero_is_quiet_until_something_is_spent(spend: Decimal, state: int, value: str) -> None:
    from aimlapi_billing.lib.budgets import utilisation

    record = {
        "prefix": "zero0001",
        "threshold": Decimal(0),
        "spend": spend,
        "utilisation": utilisation(spend, Decimal(0)),
    }
    got, line = status(budgets_of(record), PERCENT("10"), PERCENT("20"), str)
    assert got == state
    assert line.endswith(f"'zero0001_pct'={value};10;20;0")


def test_an_unknown_retention_leaves_stderr_empty() -> None:
    with stand_in() as fake:
        listed = [dict(fake.account.public(record)) for record in fake.keys]
        for record in listed:
            if record.get("limit"):
                record["limit"] = {**record["limit"], "retention": "fortnight|x"}
        fake.script("/v1/keys", Reply(200, {"data": listed}))
        code, out, err = run("-w", "80", "-c", "95", "--base-url", fake.url)
    assert err == ""
    assert code == 3
    assert out.count("|") == 1


def test_the_help_says_what_bounds_the_whole_run() -> None:
    out = io.StringIO()
    with pytest.raises(SystemExit), contextlib.redirect_stdout(out):
        main(["check-keys", "--help"])
    assert "--deadline bounds the whole run" in " ".join(out.getvalue().split())


@pytest.mark.parametrize(
    ("threshold", "shown"),
    [
        ("0.005", "0.005 USD"),
        ("0.0000001", "0.0000001 USD"),
        ("0.000000001", "0.000000001 USD"),
        ("0.0000000001", "1E-10 USD"),
        ("2", "2.00 USD"),
        ("10.5", "10.50 USD"),
    ],
)
def test_a_limit_is_printed_with_its_own_digits_never_0_00(threshold: str, shown: str) -> None:
    """Before: a limit of 0.005 USD read "of 0.00 USD per day", as if the key were blocked."""
    import datetime
    from decimal import Decimal

    from aimlapi_billing._cli._commands.check_keys import status
    from aimlapi_billing.types.budgets import BudgetReport, KeyBudget

    now = datetime.datetime(2026, 12, 8, tzinfo=datetime.UTC)
    limit = Decimal(threshold)
    budget = KeyBudget(
        prefix="abcd1234", name="ci", disabled=False, retention="day", threshold=limit,
        period_start=now, next_reset=now, spend=limit / 2, period_usage=limit / 2, utilisation=0.5,
        monthly_usage=limit / 2, month_usage=limit / 2, created_at=now,
    )  # fmt: skip
    state, line = status(BudgetReport((budget,), only_own_key=False, as_of=now), None, None, str)
    assert state == 0
    assert f"the highest abcd1234 (ci) at 50.0% of {shown} per day" in line
