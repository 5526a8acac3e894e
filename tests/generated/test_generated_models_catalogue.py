"""The generated catalogue and metrics models against the vendor's docs pages: every JSON example of
complete-model-list.md reads into the typed models (and back, exactly), the metrics fragment's own
examples too, and the generated operations send what the overlays say (repeated ``aliases``)."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pytest
from aimlapi_billing_client import AuthenticatedClient
from aimlapi_billing_client.api.models import get_model_metrics, list_models
from aimlapi_billing_client.models import (
    CatalogueModel,
    ModelMetricsResponse,
    ModelPricing,
    PricingKind,
    PricingUnit,
    PricingVariant,
)
from aimlapi_billing_client.types import Unset
from fake_api.examples import exact
from pytest_httpx import HTTPXMock

from tests.conftest import SHARED

PAGES = SHARED / "upstream" / "2026-08-21" / "model-endpoints"
needs_pages = pytest.mark.skipif(not PAGES.exists(), reason="the vendor's docs pages live in ../shared")


def page_examples(name: str) -> list[Any]:
    """The ``json`` code blocks of a docs page, parsed (numbers exact)."""
    text = (PAGES / name).read_text(encoding="utf-8")
    return [json.loads(block, parse_float=Decimal) for block in re.findall(r"```json\n(.*?)```", text, re.DOTALL)]


@needs_pages
def test_every_model_example_of_the_catalogue_page_reads_and_writes_back_exactly() -> None:
    chat, image, video, with_sections, variants = page_examples("complete-model-list.md")
    for item in (chat, image, video):
        model = CatalogueModel.from_dict(item)
        assert model.to_dict() == item
        assert isinstance(model.pricing, Unset)  # not asked for
    assert CatalogueModel.from_dict(chat).info.context_length == 128000
    assert isinstance(CatalogueModel.from_dict(video).info.context_length, Unset)  # a video model has none
    # The "what include adds" example is a fragment of an item: its sections, read on their own.
    pricing = ModelPricing.from_dict(with_sections["pricing"])
    assert (pricing.kind, pricing.currency) == (PricingKind.FIXED, "USD")
    assert pricing.units == [PricingUnit(name="token", price=Decimal("3.25"), per=Decimal(1000000), measure="output")]
    priced = ModelPricing.from_dict(variants)
    assert priced.kind is PricingKind.VARIANTS
    assert priced.dimensions == ["resolution"]
    assert [(v.when["resolution"], v.price, v.unit, v.per) for v in priced.variants] == [
        ("720p", Decimal("0.39"), "second", 1),
        ("1080p", Decimal("0.65"), "second", 1),
    ]
    assert priced.to_dict() == variants


def test_a_variant_without_a_rate_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="price"):
        PricingVariant.from_dict({"when": {"resolution": "720p"}, "unit": "second", "per": 1})


def test_the_metrics_fragments_examples_read_exactly() -> None:
    example = {
        "window_seconds": 300,
        "generated_at": "2026-08-19T12:00:05.000Z",
        "models": [
            {
                "alias": "openai/gpt-5",
                "endpoint": "/v1/chat/completions",
                "metrics": {
                    "ttft_ms": {"p50": 412, "p75": 588, "p90": 910, "p99": 2140},
                    "tps": {"p50": 51.7, "p75": 64.1, "p90": 78.4, "p99": 96.2},
                    "duration_ms": {"p50": 1830, "p75": 2450, "p90": 3900, "p99": 9100},
                },
            }
        ],
    }
    metrics = ModelMetricsResponse.from_dict(exact(example))
    assert metrics.models[0].metrics.tps.p99 == Decimal("96.2")
    assert metrics.to_dict() == exact(example)


def test_the_generated_operations_send_filters_and_repeated_aliases(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json={"object": "list", "data": []})
    httpx_mock.add_response(json={"window_seconds": 300, "generated_at": "x", "models": []})
    client = AuthenticatedClient(base_url="https://api.aimlapi.com", token="sk-test")
    assert list_models.sync(client=client, include="pricing", type_="openai/chat-completions").data == []
    get_model_metrics.sync(client=client, aliases=["openai/gpt-5", "google/veo-3"])
    first, second = httpx_mock.get_requests()
    assert first.url.query.decode() == "include=pricing&type=openai%2Fchat-completions"
    assert second.url.query.decode() == "aliases=openai%2Fgpt-5&aliases=google%2Fveo-3"
