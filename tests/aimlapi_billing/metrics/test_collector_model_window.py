"""The exporter's spend by model (``--model-window``) without ``--keys`` (``collector.py``), against
the stand-in on 127.0.0.1: a key that ``GET /v1/keys`` lists twice is measured once, never counted
twice into the account's spend by model."""

from __future__ import annotations

import datetime
import json
import logging

import httpx
import pytest
from fake_api.data import MANAGEMENT_KEY
from fake_api_server import FakeAIMLAPI, Reply
from prometheus_client.core import Metric
from prometheus_client.openmetrics.parser import text_string_to_metric_families

from aimlapi_billing import Billing, InvalidParameterError
from aimlapi_billing.metrics import BillingCollector, build_registry, exposition

pytestmark = pytest.mark.usefixtures("fast_backoff")
WINDOW = datetime.timedelta(days=30)


def read(collector: BillingCollector) -> dict[str, Metric]:
    text = exposition(build_registry(collector)).decode()
    return {family.name: family for family in text_string_to_metric_families(text)}


def model_spend(families: dict[str, Metric]) -> dict[str, float]:
    return {sample.labels["model"]: sample.value for sample in families["aimlapi_model_spend_usd"].samples}


def value(families: dict[str, Metric], name: str) -> float:
    (sample,) = families[name].samples
    return sample.value


def test_a_key_listed_twice_is_counted_once(caplog: pytest.LogCaptureFixture) -> None:
    """Before: the chatbot key's models counted twice (5.0 USD where it spent 2.5), scrape_success 1."""
    with FakeAIMLAPI() as server, Billing(api_key=MANAGEMENT_KEY, base_url=server.url) as billing:
        whole = read(BillingCollector(billing, model_window=WINDOW, min_interval=0))
        listed = json.loads(
            httpx.get(f"{server.url}/v1/keys", headers={"authorization": f"Bearer {MANAGEMENT_KEY}"}).content
        )
        listed["data"].append(listed["data"][1])
        server.script("GET /v1/keys", Reply(200, listed))
        with caplog.at_level(logging.WARNING, logger="aimlapi_billing.metrics"):
            twice = read(BillingCollector(billing, model_window=WINDOW, min_interval=0))
    assert model_spend(whole)  # the stand-in's keys spent on several models
    assert model_spend(twice) == model_spend(whole)
    assert value(twice, "aimlapi_usage_scrape_success") == 1.0
    assert value(twice, "aimlapi_model_spend_stale") == 0.0
    assert f"1 prefix(es) listed twice by GET /v1/keys ({listed['data'][1]['prefix']}): measured once" in caplog.text


def test_per_key_refuses_a_prefix_given_twice() -> None:
    with FakeAIMLAPI() as server, Billing(api_key=MANAGEMENT_KEY, base_url=server.url) as billing:
        with pytest.raises(InvalidParameterError, match="lists 'b747e891' twice"):
            billing.usage.per_key(["b747e891", "c0ffee42", "b747e891"], period="30d")
        with pytest.raises(InvalidParameterError, match=r"the own key \(None\) twice"):
            billing.usage.per_key([None, None], period="30d")
        assert server.requests_to("/v2/usage") == []  # refused before any request
