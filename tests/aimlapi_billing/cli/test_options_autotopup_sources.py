"""Auto top-up has two sources that may disagree: GET /v2/billing/detail's settings (the current ones,
which forecast, check and the exporter trust) and GET /v1/billing/balance's legacy autoDebitStatus.
Every figure is labelled by its source, and the exporter says when they disagree; against the
stand-in on 127.0.0.1, whose account has them disagree (legacy "disabled", current on)."""

from __future__ import annotations

import contextlib
import io
import json
from typing import Any

import pytest
from fake_api_server import BALANCE, DETAIL, FakeAIMLAPI
from prometheus_client.parser import text_string_to_metric_families

from aimlapi_billing import Billing
from aimlapi_billing._cli import main
from aimlapi_billing.metrics import BillingCollector, build_registry, exposition

from ..conftest import API_KEY

LEGACY = "(the legacy flag of GET /v1/billing/balance; `detail` shows the current setting)"
CURRENT = "(GET /v2/billing/detail)"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def autotopup_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("auto top-up")]


def test_each_command_labels_its_auto_top_up_by_its_source() -> None:
    """The stand-in's two endpoints disagree: no command shows either answer as the account's, unlabelled."""
    with FakeAIMLAPI() as fake:
        shown = {command: run(command, "--base-url", fake.url) for command in ("balance", "detail", "forecast")}
    assert {command: code for command, (code, _, _) in shown.items()} == {"balance": 0, "detail": 0, "forecast": 0}
    assert autotopup_lines(shown["balance"][1]) == [f"auto top-up   disabled {LEGACY}"]
    assert autotopup_lines(shown["detail"][1]) == [
        f"auto top-up  on: adds 100.00 USD when the balance falls below 50.00 USD {CURRENT}"
    ]
    (forecast,) = autotopup_lines(shown["forecast"][1])
    assert forecast.startswith(f"auto top-up                on {CURRENT}: runway is until the next top-up")


def test_the_current_setting_off_is_labelled_too() -> None:
    canned = {
        "/v1/billing/balance": {**BALANCE, "autoDebitStatus": "enabled"},
        "/v2/billing/detail": {**DETAIL, "autotopup_settings": {"is_enabled": False}},
    }
    with FakeAIMLAPI(canned=canned) as fake:
        balance = run("balance", "--base-url", fake.url)[1]
        detail = run("detail", "--base-url", fake.url)[1]
        forecast = run("forecast", "--base-url", fake.url)[1]
    assert autotopup_lines(balance) == [f"auto top-up   enabled {LEGACY}"]
    assert autotopup_lines(detail) == [f"auto top-up  off {CURRENT}"]
    assert autotopup_lines(forecast) == [f"auto top-up                off {CURRENT}"]


def test_a_hostile_legacy_flag_stays_one_escaped_redacted_row() -> None:
    canned = {"/v1/billing/balance": {**BALANCE, "autoDebitStatus": f"on\n| {API_KEY}\x1b[2J"}}
    with FakeAIMLAPI(canned=canned) as fake:
        code, out, err = run("balance", "--base-url", fake.url)
    assert (code, err) == (0, "")
    assert autotopup_lines(out) == [f"auto top-up   on\\n| <redacted>\\x1b[2J {LEGACY}"]
    assert len(out.splitlines()) == 5


def disagree(families: dict[str, Any]) -> float | None:
    family = families.get("aimlapi_autotopup_sources_disagree")
    return None if family is None else family.samples[0].value


@pytest.mark.parametrize(
    ("legacy", "settings", "expected", "enabled"),
    [
        ("disabled", {"is_enabled": True}, 1.0, 1.0),
        ("enabled", {"is_enabled": False}, 1.0, 0.0),
        ("enabled", {"is_enabled": True}, 0.0, 1.0),
        (" ENABLED ", {"is_enabled": True}, 0.0, 1.0),
        ("disabled", {"is_enabled": False}, 0.0, 0.0),
        ("paused", {"is_enabled": True}, None, 1.0),  # a value this version does not know: compared with nothing
        ("", {"is_enabled": False}, None, 0.0),
        ("disabled", {}, None, None),  # the current setting unset: nothing to compare, nothing exported
    ],
)
def test_the_exporter_trusts_the_detail_and_says_when_the_legacy_flag_disagrees(
    legacy: str, settings: dict[str, Any], expected: float | None, enabled: float | None
) -> None:
    canned = {
        "/v1/billing/balance": {**BALANCE, "autoDebitStatus": legacy},
        "/v2/billing/detail": {**DETAIL, "autotopup_settings": settings},
    }
    with FakeAIMLAPI(canned=canned) as fake, Billing(base_url=fake.url) as billing:
        text = exposition(build_registry(BillingCollector(billing)), "prometheus").decode()
    families = {family.name: family for family in text_string_to_metric_families(text)}
    assert families["aimlapi_scrape_success"].samples[0].value == 1.0
    assert disagree(families) == expected
    shown = families.get("aimlapi_autotopup_enabled")
    assert (None if shown is None else shown.samples[0].value) == enabled  # always the detail's


def test_metrics_prints_the_disagreement_of_the_stand_in() -> None:
    with FakeAIMLAPI() as fake:
        code, out, err = run("metrics", "--format", "prometheus", "--base-url", fake.url)
    assert (code, err) == (0, "")
    assert "aimlapi_autotopup_enabled 1.0" in out
    assert "aimlapi_autotopup_sources_disagree 1.0" in out


@pytest.mark.parametrize("command", ["balance", "detail", "forecast", "metrics", "exporter", "check"])
def test_each_help_says_which_source_it_trusts(command: str) -> None:
    out = io.StringIO()
    with pytest.raises(SystemExit), contextlib.redirect_stdout(out):
        main([command, "--help"])
    text = " ".join(out.getvalue().split())
    assert "GET /v2/billing/detail" in text
    assert "legacy" in text
    assert "GET /v1/billing/balance" in text


def test_an_auto_top_up_the_api_leaves_out_is_unknown_everywhere() -> None:
    """The reviewer's: with is_enabled left out, detail said unknown, but forecast said off (JSON false)
    and worked the runway out as if off; the exporter left the series out. Unknown is unknown in each."""
    settings = {"threshold": 50, "amount": 100, "currency": "USD"}  # no is_enabled
    with FakeAIMLAPI() as fake, Billing(base_url=fake.url) as billing:
        fake.canned["/v2/billing/detail"] = {**fake.canned["/v2/billing/detail"], "autotopup_settings": settings}
        forecast = billing.forecast()
        shown = {command: run(command, "--base-url", fake.url) for command in ("detail", "forecast")}
        code, as_json, _ = run("forecast", "--json", "--base-url", fake.url)
        metrics = run("metrics", "--format", "prometheus", "--base-url", fake.url)[1]
    assert (forecast.autotopup_enabled, forecast.next_topup_at) == (None, None)
    assert forecast.runway_days is not None  # the runway itself: at the burn rate, no top-up counted
    assert autotopup_lines(shown["detail"][1]) == [f"auto top-up  unknown {CURRENT}"]
    table = shown["forecast"][1]
    assert autotopup_lines(table) == [
        f"auto top-up                unknown {CURRENT}: the runway counts no top-up, and may be longer"
    ]
    assert "until the next top-up" not in table
    assert code == 0
    assert {key: json.loads(as_json)[key] for key in ("autotopup_enabled", "next_topup_at")} == {
        "autotopup_enabled": None,
        "next_topup_at": None,
    }
    assert "aimlapi_autotopup_enabled " not in metrics
    assert "aimlapi_autotopup_sources_disagree " not in metrics
    assert "aimlapi_autotopup_threshold_usd 50.0" in metrics  # what the API did say is still exported
