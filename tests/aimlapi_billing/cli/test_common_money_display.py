"""The hostile review of exact money (issue 22, third round): a key's limit read alike by every command."""

from __future__ import annotations

import json

import pytest
from aimlapi_billing_client.models import KeyLimit
from aimlapi_billing_client.types import SchemaError
from fake_api_server import FakeAIMLAPI, Reply

from tests.helpers.budget_data import stand_in
from tests.helpers.cli import run


def _listed_with_threshold(fake: object, threshold: str) -> Reply:
    listed = [dict(fake.account.public(record)) for record in fake.keys]  # type: ignore[attr-defined]
    listed[1]["limit"] = {"retention": "day", "threshold": "@"}
    return Reply(200, json.dumps({"data": listed}).replace('"@"', threshold).encode())


def test_a_negative_limit_is_refused_by_every_command() -> None:
    """The reviewer's: keys --json printed "-5" while check-keys said UNKNOWN."""
    with pytest.raises(SchemaError, match="threshold"):
        KeyLimit.from_dict({"retention": "day", "threshold": -5})
    with pytest.raises(SchemaError, match="threshold"):
        KeyLimit(threshold=-5)
    with stand_in() as fake:
        fake.script("/v1/keys", *[_listed_with_threshold(fake, "-5")] * 2)
        listed = run("keys", "--json", "--base-url", fake.url)
        checked = run("check-keys", "-w", "80", "--base-url", fake.url)
    assert (listed[0], listed[1]) == (6, "")
    assert "threshold" in listed[2]
    assert checked[0] == 3
    assert checked[1].startswith("KEYS UNKNOWN - ")
    assert "threshold" in checked[1]


def test_a_limit_too_small_to_divide_by_shows_the_cap_in_the_line_and_the_perfdata() -> None:
    """The reviewer's: a threshold of 4.9e-324 printed 999999.9% in the line and U in the perfdata."""
    with stand_in() as fake:
        fake.script("/v1/keys", _listed_with_threshold(fake, "4.9e-324"))
        code, out, err = run("check-keys", "-w", "80", "-c", "95", "--base-url", fake.url)
    assert (code, err) == (2, "")
    assert " at over 999999.9% of 4.9E-324 USD per day" in out  # its own digits, not 0.00 nor 324 zeros
    assert "_pct'=999999.9%;80;95;0" in out
    assert "=U;" not in out


def test_one_json_rule_for_numbers_we_compute() -> None:
    """The reviewer's: forecast --json wrote "window": 30.0 and reconcile "settle_seconds": 900.0
    (floats), days_covered and the rates 28 digits padded with zeros. Numbers we compute are strings
    of decimals, durations exact, derived figures rounded to 12 decimal places without trailing zeros."""
    with FakeAIMLAPI() as fake_api:  # its ledger ends just before now
        code, out, err = run("forecast", "--json", "--window", "1h", "--base-url", fake_api.url)
        assert code == 0, err
        assert json.loads(out)["window"] == "0.041666666667"  # an hour in days, derived: 12 places
        code, out, err = run("forecast", "--json", "--window", "30d", "--base-url", fake_api.url)
        assert code == 0, err
        forecast = json.loads(out)
        assert forecast["window"] == "30"
        for name in ("days_covered", "daily_burn_usd", "daily_burn_7d_usd", "runway_days"):
            assert isinstance(forecast[name], str), name
            digits = forecast[name].partition(".")[2]
            assert len(digits) <= 12, (name, forecast[name])
            assert not digits.endswith("0"), (name, forecast[name])
        code, out, err = run("reconcile", "--json", "--period", "1d", "--base-url", fake_api.url)
        assert code in (0, 8), err
        assert json.loads(out)["settle_seconds"] == "900"
