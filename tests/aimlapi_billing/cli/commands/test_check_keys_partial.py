"""check-keys on a partial view: some keys' reads fail (500 forever, a hang past the deadline).

A known problem outranks an unknown (the plugin guidelines): a key measured past -c is CRITICAL,
anything else UNKNOWN, never OK or WARNING on part of the account; the line names each key not
measured with its error, and the perfdata covers the keys measured."""

from __future__ import annotations

import contextlib
import io

import pytest
from fake_api.data import BATCH_KEY, CHATBOT_KEY
from fake_api_server import Reply, Stall

from aimlapi_billing._cli import main
from aimlapi_billing._cli._options import PLUGIN_DEADLINE
from tests.helpers.budget_data import stand_in

pytestmark = pytest.mark.usefixtures("fast_backoff")

BOOM = Reply(500, {"message": "boom"})
NOT_BATCH = "1 of 4 keys not measured: c0ffee42 (InternalServerError: Error code: 500 - boom)"


def run(fake_url: str, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["check-keys", *argv, "--base-url", fake_url, "--max-retries", "0"], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_a_measured_key_past_critical_is_critical_though_another_failed() -> None:
    with stand_in() as fake:
        fake.key_faults[BATCH_KEY[:8]] = BOOM
        code, out, err = run(fake.url, "-w", "80", "-c", "85")
    assert (code, err) == (2, "")
    assert out == (
        "KEYS CRITICAL - 1 of 1 key with a limit past a threshold: b747e891 (chatbot-prod) at 90.0% of 2.00 USD "
        f"per day; 2 keys disabled or without a limit not checked; {NOT_BATCH} | 'b747e891_pct'=90.0%;80;85;0\n"
    )


def test_a_key_past_warning_on_a_partial_view_is_unknown_and_named() -> None:
    with stand_in() as fake:
        fake.key_faults[BATCH_KEY[:8]] = BOOM
        code, out, _ = run(fake.url, "-w", "80", "-c", "95")
    assert code == 3
    assert out == (
        "KEYS UNKNOWN - 1 of 1 key with a limit past a threshold: b747e891 (chatbot-prod) at 90.0% of 2.00 USD "
        f"per day; 2 keys disabled or without a limit not checked; {NOT_BATCH} | 'b747e891_pct'=90.0%;80;95;0\n"
    )


def test_every_measured_key_within_is_unknown_never_ok() -> None:
    with stand_in() as fake:
        fake.key_faults[CHATBOT_KEY[:8]] = BOOM
        code, out, _ = run(fake.url, "-w", "80", "-c", "95")
    assert code == 3
    assert out.startswith("KEYS UNKNOWN - 1 key with a limit within 80%, the highest c0ffee42 at 5.0% of 10.00 USD")
    assert "; 1 of 4 keys not measured: b747e891 (InternalServerError: Error code: 500 - boom) | " in out
    assert out.endswith(" | 'c0ffee42_pct'=5.0%;80;95;0\n")


def test_a_key_that_hangs_past_the_deadline_is_named_and_the_critical_one_still_reported() -> None:
    with stand_in() as fake:
        fake.key_faults[BATCH_KEY[:8]] = Stall(30)
        code, out, _ = run(fake.url, "-w", "80", "-c", "85", "--deadline", "2", "-t", "1")
    assert code == 2
    assert out.startswith("KEYS CRITICAL - 1 of 1 key with a limit past a threshold: b747e891 (chatbot-prod)")
    assert "; 1 of 4 keys not measured: c0ffee42 (APITimeoutError: " in out
    assert out.endswith(" | 'b747e891_pct'=90.0%;80;85;0\n")


def test_no_key_measured_is_unknown_and_claims_no_key_is_unlimited() -> None:
    with stand_in() as fake:
        for key in (BATCH_KEY, CHATBOT_KEY):
            fake.key_faults[key[:8]] = BOOM
        code, out, _ = run(fake.url, "-w", "80", "-c", "95")
    assert code == 3
    assert out.startswith(
        "KEYS UNKNOWN - no key measured has a spending limit; 2 keys disabled or without a limit not checked; "
        "2 of 4 keys not measured: "
    )
    assert "|" not in out


def test_more_than_ten_unmeasured_keys_are_counted() -> None:
    from aimlapi_billing._cli._commands.check_keys import status
    from aimlapi_billing.types.all_keys import MissingKey
    from aimlapi_billing.types.budgets import BudgetReport

    missing = tuple(MissingKey(f"k{n:07d}", None, "InternalServerError", "Error code: 500 - a|b") for n in range(13))
    report = BudgetReport((), only_own_key=False, as_of=None, missing=missing)  # type: ignore[arg-type]
    state, line = status(report, None, None, str)
    assert state == 3
    assert line.endswith("k0000009 (InternalServerError: Error code: 500 - a/b), and 3 more")
    assert "k0000010" not in line


@pytest.mark.parametrize(("command", "deadline"), [("check-keys", PLUGIN_DEADLINE), ("check", PLUGIN_DEADLINE)])
def test_the_plugins_default_deadline_is_under_nagios_60_s(command: str, deadline: float) -> None:
    from aimlapi_billing._cli._main import build_parser

    assert deadline == 50
    args = build_parser([command]).parse_args([command])
    assert args.deadline == deadline
    assert build_parser(["usage"]).parse_args(["usage"]).deadline == 120
    out = io.StringIO()
    with pytest.raises(SystemExit), contextlib.redirect_stdout(out):
        main([command, "--help"])
    assert "(default: 50)" in " ".join(out.getvalue().split())
