"""One-shot ``metrics --keys`` against the stand-in on 127.0.0.1 when a key cannot be measured: the
exposition is written with the key stale, stderr names it in one line, and the exit code is its
error's (as ``usage --all-keys``), never a silent 0."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fake_api.data import MANAGEMENT_KEY
from fake_api_server import FakeAIMLAPI, Reply
from prometheus_client.openmetrics.parser import text_string_to_metric_families

from tests.helpers.cli import run

pytestmark = pytest.mark.usefixtures("fast_backoff")


@pytest.fixture
def account(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAIMLAPI]:
    monkeypatch.setenv("AIML_API_KEY", MANAGEMENT_KEY)
    with FakeAIMLAPI() as server:
        yield server


def stale_keys(exposition: str) -> dict[str, float]:
    families = {family.name: family for family in text_string_to_metric_families(exposition)}
    return {sample.labels["key_prefix"]: sample.value for sample in families["aimlapi_key_data_stale"].samples}


def test_a_key_not_measured_is_named_on_stderr_with_its_errors_exit_code(account: FakeAIMLAPI) -> None:
    """Before: exit 0 and nothing on stderr, the key's staleness only inside the exposition."""
    account.key_faults["b747e891"] = Reply(500, {"message": "boom", "statusCode": 500})
    code, out, err = run("metrics", "--keys", "--max-retries", "0", "--base-url", account.url)
    assert code == 5  # the missing key's error: an error status
    assert stale_keys(out)["b747e891"] == 1.0  # the exposition is written all the same
    assert err.startswith("aimlapi-billing: error: 1 of 4 keys not measured: b747e891 (InternalServerError")
    assert len(err.splitlines()) == 1
    assert MANAGEMENT_KEY not in err


def test_every_key_measured_is_exit_0_and_silent(account: FakeAIMLAPI) -> None:
    code, out, err = run("metrics", "--keys", "--base-url", account.url)
    assert (code, err) == (0, "")
    assert set(stale_keys(out).values()) == {0.0}


def families_of(exposition: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    return {
        family.name: [(sample.labels, sample.value) for sample in family.samples]
        for family in text_string_to_metric_families(exposition)
    }


def test_model_window_with_a_failing_key_names_it_and_exports_the_spend_stale(account: FakeAIMLAPI) -> None:
    """Before: stderr said only "Error code: 500 - boom; 3 of 4 keys measured", and the exposition had
    no aimlapi_model_spend_stale (only aimlapi_usage_scrape_success 0)."""
    account.key_faults["b747e891"] = Reply(500, {"message": "boom", "statusCode": 500})
    code, out, err = run("metrics", "--model-window", "30d", "--max-retries", "0", "--base-url", account.url)
    assert code == 5
    assert err == (
        "aimlapi-billing: error: 1 of 4 keys not measured: b747e891 (InternalServerError: Error code: 500 - boom)\n"
    )
    families = families_of(out)
    assert families["aimlapi_model_spend_stale"] == [({}, 1.0)]
    assert families["aimlapi_usage_scrape_success"] == [({}, 0.0)]
    assert not families.get("aimlapi_model_spend_usd")  # no sum of the other keys' passed off as the account's


def test_model_window_with_the_key_list_failing_exports_the_spend_stale(account: FakeAIMLAPI) -> None:
    account.script("/v1/keys", *[Reply(500, {"message": "keys down"})] * 3)
    code, out, _ = run("metrics", "--model-window", "30d", "--max-retries", "0", "--base-url", account.url)
    assert code == 5
    assert families_of(out)["aimlapi_model_spend_stale"] == [({}, 1.0)]
