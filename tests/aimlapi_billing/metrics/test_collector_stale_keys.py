"""The exporter's per-key read when it cannot measure every key (``collector.py``, ``families.py``):
against the stand-in on 127.0.0.1, a key whose usage reads fail is exported stale
(``aimlapi_key_data_stale`` 1) with its last good values, the others fresh, and the read is not a
success; measured again, it is fresh again. A partial view is never passed off as a whole."""

from __future__ import annotations

import datetime
import logging

import pytest
from fake_api.data import MANAGEMENT_KEY
from fake_api_server import FakeAIMLAPI, Reply, Stall
from prometheus_client.core import Metric
from prometheus_client.openmetrics.parser import text_string_to_metric_families

from aimlapi_billing import Billing
from aimlapi_billing.metrics import BillingCollector, build_registry, exposition

pytestmark = pytest.mark.usefixtures("fast_backoff")
CHAT = ("b747e891", "chatbot-prod")
KEYS = {("(own key)", "main"), CHAT, ("c0ffee42", "batch-jobs"), ("d15ab1ed", "old-experiments")}


def read(collector: BillingCollector) -> dict[str, Metric]:
    """One scrape (a fresh read: min_interval 0), parsed as Prometheus would."""
    text = exposition(build_registry(collector)).decode()
    assert MANAGEMENT_KEY not in text
    return {family.name: family for family in text_string_to_metric_families(text)}


def per_key(families: dict[str, Metric], name: str) -> dict[tuple[str, str], float]:
    return {(s.labels["key_prefix"], s.labels["key_name"]): s.value for s in families[name].samples}


def usage_ok(families: dict[str, Metric]) -> float:
    (sample,) = families["aimlapi_usage_scrape_success"].samples
    return sample.value


def test_a_key_not_measured_is_stale_with_its_last_values_then_fresh_again(caplog: pytest.LogCaptureFixture) -> None:
    with (
        FakeAIMLAPI() as server,
        Billing(api_key=MANAGEMENT_KEY, base_url=server.url, max_retries=0, timeout=1) as billing,
    ):
        collector = BillingCollector(billing, key_budgets=True, min_interval=0)
        fresh = read(collector)
        assert per_key(fresh, "aimlapi_key_data_stale") == dict.fromkeys(KEYS, 0.0)
        assert usage_ok(fresh) == 1.0

        server.key_faults["b747e891"] = Stall(30)  # its usage hangs: each read of it times out
        with caplog.at_level(logging.WARNING, logger="aimlapi_billing.metrics"):
            partial = read(collector)
        assert per_key(partial, "aimlapi_key_data_stale") == {**dict.fromkeys(KEYS, 0.0), CHAT: 1.0}
        assert usage_ok(partial) == 0.0  # a read that left a key out is no success
        for name in ("aimlapi_key_monthly_usage_usd", "aimlapi_key_limit_usd", "aimlapi_key_spend_usd"):
            assert per_key(partial, name)[CHAT] == per_key(fresh, name)[CHAT]  # the last good values
        assert "1 of 4 keys not measured: b747e891 (APITimeoutError" in caplog.text
        assert MANAGEMENT_KEY not in caplog.text

        server.key_faults.clear()
        again = read(collector)
        assert per_key(again, "aimlapi_key_data_stale") == dict.fromkeys(KEYS, 0.0)
        assert usage_ok(again) == 1.0


def test_a_key_never_measured_is_stale_with_no_values() -> None:
    with FakeAIMLAPI() as server, Billing(api_key=MANAGEMENT_KEY, base_url=server.url, max_retries=0) as billing:
        server.key_faults["b747e891"] = Reply(500, {"message": "boom", "statusCode": 500})
        families = read(BillingCollector(billing, key_budgets=True, min_interval=0))
    assert per_key(families, "aimlapi_key_data_stale")[CHAT] == 1.0
    for name in ("aimlapi_key_monthly_usage_usd", "aimlapi_key_disabled", "aimlapi_key_spend_usd"):
        assert CHAT not in per_key(families, name)  # nothing known: no value passed off as one
    assert len(per_key(families, "aimlapi_key_monthly_usage_usd")) == 3
    assert usage_ok(families) == 0.0


def model_spend(families: dict[str, Metric]) -> dict[str, float]:
    return {sample.labels["model"]: sample.value for sample in families["aimlapi_model_spend_usd"].samples}


def model_spend_stale(families: dict[str, Metric]) -> float:
    (sample,) = families["aimlapi_model_spend_stale"].samples
    return sample.value


def test_a_key_not_measured_keeps_the_last_whole_spend_by_model_marked_stale() -> None:
    """Before: the unmeasured key's models were left out of aimlapi_model_spend_usd, exported as fresh."""
    with (
        FakeAIMLAPI() as server,
        Billing(api_key=MANAGEMENT_KEY, base_url=server.url, max_retries=0, timeout=1) as billing,
    ):
        window = datetime.timedelta(days=30)
        collector = BillingCollector(billing, key_budgets=True, model_window=window, min_interval=0)
        whole = read(collector)
        assert model_spend_stale(whole) == 0.0
        assert model_spend(whole)  # the stand-in's keys have spend by model

        server.key_faults["b747e891"] = Reply(500, {"message": "boom", "statusCode": 500})
        partial = read(collector)
        assert per_key(partial, "aimlapi_key_data_stale")[CHAT] == 1.0
        assert model_spend_stale(partial) == 1.0
        assert model_spend(partial) == model_spend(whole)  # the last whole figures, not the others' sum

        server.key_faults.clear()
        again = read(collector)
        assert model_spend_stale(again) == 0.0
        assert model_spend(again) == model_spend(whole)


def test_no_whole_spend_by_model_yet_exports_none() -> None:
    with FakeAIMLAPI() as server, Billing(api_key=MANAGEMENT_KEY, base_url=server.url, max_retries=0) as billing:
        server.key_faults["b747e891"] = Reply(500, {"message": "boom", "statusCode": 500})
        collector = BillingCollector(billing, key_budgets=True, model_window=datetime.timedelta(days=30))
        families = read(collector)
    assert model_spend_stale(families) == 1.0
    assert "aimlapi_model_spend_usd" not in families or not model_spend(families)
