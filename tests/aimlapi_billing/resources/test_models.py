"""billing.models: the catalogue and the metrics, their filters checked before any request, their
answers checked (prices, currency, percentiles, the body cap), against mocked answers, the stand-in
and a hostile server."""

from __future__ import annotations

import copy
import gc
import json
import logging
import re
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs

import pytest
from aimlapi_billing_client.models import PricingKind
from aimlapi_billing_client.types import Unset
from fake_api.hostile import json_body
from fake_api.models import CATALOGUE, METRICS
from fake_api_server import FakeAIMLAPI
from pytest_httpx import HTTPXMock

from aimlapi_billing import (
    AsyncBilling,
    Billing,
    CatalogueModel,
    InvalidParameterError,
    ResponseTooLargeError,
    ResponseValidationError,
)
from aimlapi_billing.resources.models import LIST_MODELS, MAX_ALIASES, catalogue_index
from tests.aimlapi_billing.conftest import API_KEY
from tests.helpers.resources import MODES, call

pytestmark = pytest.mark.usefixtures("fast_backoff")


def catalogue(*models: dict[str, Any]) -> dict[str, Any]:
    return {"object": "list", "data": list(models)}


def priced(pricing: dict[str, Any], model_id: str = "openai/gpt-4o") -> dict[str, Any]:
    model = copy.deepcopy(next(model for model in CATALOGUE if model["id"] == "openai/gpt-4o"))
    model.update(id=model_id, pricing=pricing)
    return model


def query(request: Any) -> dict[str, list[str]]:
    return parse_qs(request.url.query.decode())


@pytest.mark.parametrize("mode", MODES)
async def test_filters_are_sent_comma_separated_and_the_models_come_back_typed(
    httpx_mock: HTTPXMock, mode: str
) -> None:
    httpx_mock.add_response(json=catalogue(*CATALOGUE))
    models = await call(
        mode,
        lambda b: b.models.list(
            include=["Pricing", "capabilities", "pricing"],
            id="gpt-4o",
            type="openai/chat-completions",
            tags=("playground:chat", "tier:tier_2"),
            capabilities=["vision"],
            output_modalities="text",
        ),
    )
    [request] = httpx_mock.get_requests()
    assert request.url.path == "/v1/models"
    assert query(request) == {
        "include": ["pricing,capabilities"],  # lower-cased, each once
        "id": ["gpt-4o"],
        "type": ["openai/chat-completions"],
        "tags": ["playground:chat,tier:tier_2"],
        "capabilities": ["vision"],
        "output_modalities": ["text"],
    }
    assert all(isinstance(model, CatalogueModel) for model in models)
    gpt_4o, _, veo, *_ = models
    [unit] = gpt_4o.pricing.units
    assert (gpt_4o.pricing.kind, unit.name, unit.measure, unit.price, unit.per) == (
        PricingKind.FIXED,
        "token",
        "output",
        Decimal("3.25"),
        Decimal(1000000),
    )
    assert veo.pricing.kind is PricingKind.VARIANTS
    assert veo.pricing.dimensions == ["resolution"]
    assert [(v.when.additional_properties, v.price, v.unit) for v in veo.pricing.variants] == [
        ({"resolution": "720p"}, Decimal("0.39"), "second"),
        ({"resolution": "1080p"}, Decimal("0.65"), "second"),
    ]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"include": "prices"}, "include takes pricing, modalities, capabilities, all, not 'prices'"),
        ({"include": ["pricing", "capabilites"]}, "not 'capabilites' (the API would ignore it)"),
        ({"tags": ["playground:chat,tier:tier_2"]}, "a tags value cannot hold a comma"),
        ({"id": "gpt-4o,gpt-5"}, "a id value cannot hold a comma"),
        ({"capabilities": []}, "capabilities must be a text or a non-empty list of texts"),
        ({"type": ["openai/chat-completions", ""]}, "each type value must be printable text"),
        ({"id": ["a\x1b[2J"]}, "each id value must be printable text"),
        ({"modalities": 3}, "modalities must be a text or a non-empty list"),
        ({"id": [f"m{n}" for n in range(101)]}, "id takes at most 100 values, not 101"),
    ],
)
def test_bad_filters_are_refused_before_any_request(
    fake_api: FakeAIMLAPI, arguments: dict[str, Any], message: str
) -> None:
    with Billing(base_url=fake_api.url) as billing, pytest.raises(InvalidParameterError) as raised:
        billing.models.list(**arguments)
    assert message in str(raised.value)
    assert fake_api.requests == []


@pytest.mark.parametrize(
    ("aliases", "message"),
    [
        (["openai/gpt-5,google/veo-3"], "a aliases value cannot hold a comma"),
        ([f"m{n}" for n in range(MAX_ALIASES + 1)], "aliases takes at most 100 values, not 101"),
        ([None], "each aliases value must be printable text"),
    ],
)
def test_bad_metrics_aliases_are_refused_before_any_request(
    fake_api: FakeAIMLAPI, aliases: list[Any], message: str
) -> None:
    with Billing(base_url=fake_api.url) as billing, pytest.raises(InvalidParameterError) as raised:
        billing.models.metrics(aliases=aliases)
    assert message in str(raised.value)
    assert fake_api.requests == []


@pytest.mark.parametrize("mode", MODES)
async def test_against_the_stand_in_filters_match_ids_and_aliases_in_any_case(fake_api: FakeAIMLAPI, mode: str) -> None:
    found = await call(
        mode, lambda b: b.models.list(id=["GPT-5", "google/VEO-2.0-generate-001"]), base_url=fake_api.url
    )
    assert [model.id for model in found] == ["google/veo-2.0-generate-001", "openai/gpt-5"]
    assert all(isinstance(model.pricing, Unset) for model in found)  # not asked for
    both = await call(
        mode,
        lambda b: b.models.list(capabilities=["vision", "text_to_video"], output_modalities="text"),
        base_url=fake_api.url,
    )
    assert [model.id for model in both] == ["openai/gpt-4o", "openai/gpt-5", "anthropic/claude-sonnet"]
    assert await call(mode, lambda b: b.models.list(tags="no-such-tag"), base_url=fake_api.url) == []


def test_every_pricing_kind_of_the_stand_in_is_read(fake_api: FakeAIMLAPI) -> None:
    with Billing(base_url=fake_api.url) as billing:
        kinds = {model.id: model.pricing.kind for model in billing.models.list(include="all")}
        raw = billing.models.with_raw_response.list(include="pricing")
    assert set(kinds.values()) == set(PricingKind)
    assert kinds["google/gemini-2.5-pro"] is PricingKind.VARIABLE
    assert raw.headers["etag"].startswith('W/"')


@pytest.mark.parametrize("mode", MODES)
async def test_metrics_send_aliases_repeated_and_come_back_exact(fake_api: FakeAIMLAPI, mode: str) -> None:
    metrics = await call(
        mode, lambda b: b.models.metrics(aliases=["openai/gpt-5", "google/veo-2.0-generate-001"]), base_url=fake_api.url
    )
    [seen] = fake_api.requests_to("/models/metrics")
    assert parse_qs(seen.path.split("?", 1)[1]) == {"aliases": ["openai/gpt-5", "google/veo-2.0-generate-001"]}
    assert metrics.window_seconds == 300
    gpt_5, veo = metrics.models
    assert (gpt_5.metrics.tps.p50, gpt_5.metrics.ttft_ms.p99) == (Decimal("51.7"), Decimal(2140))
    assert veo.metrics.duration_ms.p50 == Decimal(61200)
    assert isinstance(veo.metrics.tps, Unset)  # absent: the metric does not apply, not zero


def test_a_pricing_kind_the_vendor_adds_later_is_kept_and_logged_once(
    httpx_mock: HTTPXMock, caplog: pytest.LogCaptureFixture
) -> None:
    # The SDK's log filter redacts the secrets of every live client: a closed client of an earlier
    # test, left in a reference cycle (an exception's traceback holds its frame), would still redact
    # its secret here until the cycle is collected, and a hostile created key " " redacts every space.
    gc.collect()
    tiered = {"kind": "tiered-x", "currency": "USD", "tiers": [{"upTo": 1000, "price": 1.5, "per": 1000000}]}
    httpx_mock.add_response(json=catalogue(priced(tiered), priced(tiered, "openai/other")), is_reusable=True)
    with caplog.at_level(logging.WARNING), Billing() as billing:
        first, second = billing.models.list(include="pricing")
        billing.models.list(include="pricing")
    assert (first.pricing.kind.value, first.pricing.kind.is_known) == ("tiered-x", False)
    assert first.pricing.additional_properties == {"tiers": [{"upTo": 1000, "price": Decimal("1.5"), "per": 1000000}]}
    assert second.pricing.kind is first.pricing.kind
    assert [r.getMessage() for r in caplog.records if "tiered-x" in r.getMessage()] == [
        "PricingKind: 'tiered-x' is not a value the specification lists; kept as is"
    ]


@pytest.mark.parametrize(
    ("pricing", "reason"),
    [
        (
            {"kind": "fixed", "currency": "EUR", "units": []},
            "field 'data[0].pricing.currency' is 'EUR': the SDK reads amounts in USD only",
        ),
        (
            {"kind": "fixed", "currency": "USD", "units": [{"name": "token", "price": -1, "per": 1000000}]},
            "pricing.units[0].price is -1: a broken answer, not within 0 or 1E-12 to 1E+9",
        ),
        (
            {"kind": "fixed", "units": [{"name": "token", "price": 1, "per": 0}]},
            "pricing.units[0].per is 0: a broken answer, not within 1E-12 to 1E+12",
        ),
        (
            {"kind": "variants", "variants": [{"when": {}, "price": 1e-99, "unit": "second", "per": 1}]},
            "pricing.variants[0].price is 1E-99: a broken answer, not within 0 or 1E-12 to 1E+9",
        ),
        (
            {"kind": "fixed", "units": [{"name": "token", "price": 2e9, "per": 1}]},
            "pricing.units[0].price is 2000000000.0: a broken answer, not within 0 or 1E-12 to 1E+9",
        ),
        ({"kind": "fixed", "units": [{"name": "token", "price": "3.25", "per": 1}]}, "should be a number"),
        # A known kind without the rates the docs' table says it carries is no price.
        ({"kind": "fixed"}, "pricing.units is missing: a broken answer, a fixed price carries its units"),
        ({"kind": "fixed", "units": []}, "pricing.units is empty: a broken answer, a fixed price carries its units"),
        ({"kind": "variants", "dimensions": ["resolution"]}, "pricing.variants is missing: a broken answer"),
        ({"kind": "variants", "variants": []}, "pricing.variants is empty: a broken answer"),
    ],
)
def test_an_unusable_price_makes_the_catalogue_unusable(
    httpx_mock: HTTPXMock, pricing: dict[str, Any], reason: str
) -> None:
    httpx_mock.add_response(json=catalogue(priced(pricing)))
    with Billing() as billing, pytest.raises(ResponseValidationError) as raised:
        billing.models.list(include="pricing")
    assert reason in str(raised.value)


def test_a_non_finite_price_or_percentile_is_refused(httpx_mock: HTTPXMock) -> None:
    body = json.dumps(catalogue(priced(_fixed_price(1)))).replace('"price": 1', '"price": NaN').encode()
    httpx_mock.add_response(content=body, headers={"content-type": "application/json"})
    metrics = json.dumps(METRICS).replace('"p50": 412', '"p50": Infinity').encode()
    httpx_mock.add_response(content=metrics, headers={"content-type": "application/json"})
    with Billing() as billing:
        with pytest.raises(ResponseValidationError, match=r"the non-finite number (NaN|Infinity), which is not JSON"):
            billing.models.list(include="pricing")
        with pytest.raises(ResponseValidationError, match=r"the non-finite number (NaN|Infinity), which is not JSON"):
            billing.models.metrics()


def _fixed_price(price: float) -> dict[str, Any]:
    return {"kind": "fixed", "currency": "USD", "units": [{"name": "token", "price": price, "per": 1000000}]}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"window_seconds": 0}, "window_seconds is 0: a window is longer than 0 seconds"),
        ({"p50": -1}, "model 'openai/gpt-5' ttft_ms.p50 is -1: a broken answer, not within 0 or 1E-12 to 1E+12"),
        ({"p50": 1e13}, "ttft_ms.p50 is 10000000000000.0: a broken answer"),
    ],
)
def test_unusable_metrics_are_refused(httpx_mock: HTTPXMock, change: dict[str, Any], reason: str) -> None:
    body = copy.deepcopy(METRICS)
    if "window_seconds" in change:
        body.update(change)
    else:
        body["models"][0]["metrics"]["ttft_ms"].update(change)
    httpx_mock.add_response(json=body)
    with Billing() as billing, pytest.raises(ResponseValidationError) as raised:
        billing.models.metrics()
    assert reason in str(raised.value)


def test_a_catalogue_past_the_8_mib_cap_stops_there() -> None:
    """20,000 models of ~500 bytes: a valid catalogue, but past the documented cap."""
    model = {**CATALOGUE[0], "pricing": _fixed_price(3.25)}
    body = json.dumps(catalogue(*[{**model, "id": f"vendor/model-{n}"} for n in range(20_000)])).encode()
    assert len(body) > LIST_MODELS.max_bytes == 8 * 1024 * 1024
    with FakeAIMLAPI() as server:
        server.route("/v1/models", json_body(body))
        with Billing(base_url=server.url, max_retries=0) as billing, pytest.raises(ResponseTooLargeError):
            billing.models.list(include="pricing")
        with Billing(base_url=server.url, max_response_bytes=len(body)) as billing:
            assert len(billing.models.list(include="pricing")) == 20_000  # a caller may raise the cap


def test_list_prices_joins_names_by_id_or_alias_in_one_filtered_call(fake_api: FakeAIMLAPI) -> None:
    names = ["openai/gpt-5", "GPT-4O", "veo-2.0-generate-001", "google/gemini-2.5-pro", "someone/unlisted"]
    with Billing(base_url=fake_api.url) as billing:
        prices = billing.models.list_prices(names)
    assert list(prices) == names
    assert [unit.price for unit in prices["openai/gpt-5"].units] == [Decimal("1.3125"), Decimal("10.5")]
    assert prices["GPT-4O"].units[0].price == Decimal("3.25")
    assert prices["veo-2.0-generate-001"].kind is PricingKind.VARIANTS
    assert prices["google/gemini-2.5-pro"].kind is PricingKind.VARIABLE
    assert prices["someone/unlisted"] is None
    [seen] = fake_api.requests_to("/v1/models")
    assert parse_qs(seen.path.split("?", 1)[1]) == {"include": ["pricing"], "id": [",".join(names)]}


def test_list_prices_reads_the_whole_catalogue_for_names_no_filter_can_carry(fake_api: FakeAIMLAPI) -> None:
    names = ["openai/gpt-5", "a,b"] + [f"m{n}" for n in range(5)]
    with Billing(base_url=fake_api.url) as billing:
        prices = billing.models.list_prices(names)
        with pytest.raises(InvalidParameterError):
            billing.models.list_prices("openai/gpt-5")  # a text, not a list of names
    assert prices["openai/gpt-5"] is not None
    assert prices["a,b"] is None
    [seen] = fake_api.requests_to("/v1/models")
    assert parse_qs(seen.path.split("?", 1)[1]) == {"include": ["pricing"]}


def test_catalogue_index_prefers_an_id_to_another_models_alias() -> None:
    first = CatalogueModel.from_dict({**CATALOGUE[0], "aliases": ["openai/gpt-5"]})
    second = CatalogueModel.from_dict(next(model for model in CATALOGUE if model["id"] == "openai/gpt-5"))
    for order in ([first, second], [second, first]):
        index = catalogue_index(order)
        assert (index["openai/gpt-5"], index["openai/gpt-4o"], index["gpt-5"]) == (second, first, second)


async def test_the_async_client_reaches_the_same_resource(fake_api: FakeAIMLAPI) -> None:
    async with AsyncBilling(base_url=fake_api.url) as billing:
        assert billing.models is billing.models
        assert len(await billing.models.list()) == len(CATALOGUE)
    assert fake_api.requests_to("/v1/models")[0].headers["authorization"] == f"Bearer {API_KEY}"


def test_a_key_the_server_echoes_in_a_model_id_is_redacted_from_the_error(httpx_mock: HTTPXMock) -> None:
    broken = {"kind": "fixed", "units": [{"name": "token", "price": -1, "per": 1}]}
    httpx_mock.add_response(json=catalogue(priced(broken, f"x/{API_KEY}")))
    with Billing() as billing, pytest.raises(ResponseValidationError) as raised:
        billing.models.list(include="pricing")
    assert "model 'x/<redacted>' pricing.units[0].price is -1" in str(raised.value)
    assert API_KEY not in repr(raised.value)


def test_the_docs_pages_state_the_rules_the_code_applies() -> None:
    import inspect

    from aimlapi_billing._cli._commands.models import FILTERS
    from aimlapi_billing.resources.models import (
        MAX_FILTER_VALUES,
        MAX_METRIC,
        MAX_PER,
        MAX_PRICE,
        MODEL_METRICS,
        ModelsResource,
    )
    from tests.helpers.quickstart import docs_page, markdown_table

    page = docs_page("sdk/models.md")
    arguments = markdown_table(page, "argument")
    listed = {name for cell in arguments for name in re.findall(r"\w+", cell.split(" (")[0])}
    parameters = set(inspect.signature(ModelsResource.list._method).parameters) - {"self", "timeout", "deadline"}
    assert parameters | {"aliases", "names"} == listed
    assert (
        ", ".join(f"`{section}`" for section in ("pricing", "modalities", "capabilities", "all"))
        in arguments["include"]
    )
    assert (
        f"more than {MAX_FILTER_VALUES} values"
        in arguments["id`, `type`, `tags`, `modalities`, `input_modalities`, `output_modalities`, `capabilities"]
    )
    assert f"more than {MAX_ALIASES}" in arguments["aliases` (metrics)"]
    kinds = markdown_table(page, "`PricingKind`")
    assert set(kinds) == {*PricingKind.known_values(), "any other"}
    unusable = markdown_table(page, "in the answer")
    assert f"above {MAX_PRICE:.0E} USD" in unusable["a price (`units[].price`, `variants[].price`)"]
    assert f"above {MAX_PER:.0E}" in unusable["per"]
    assert f"above {MAX_METRIC:.0E}" in unusable["a percentile"]
    prose = " ".join(page.split())
    assert f"{LIST_MODELS.max_bytes // 1024**2} MiB for the catalogue" in prose
    assert f"{MODEL_METRICS.max_bytes // 1024**2} MiB for the metrics" in prose
    cli_page = docs_page("cli/models.md")
    assert all(f"[{option} " in cli_page for option, _, _ in FILTERS)


def test_list_prices_refuses_an_alias_two_models_with_different_prices_share(httpx_mock: HTTPXMock) -> None:
    cheap = {"kind": "fixed", "units": [{"name": "token", "price": 1, "per": 1000000}]}
    dear = {"kind": "fixed", "units": [{"name": "token", "price": 9, "per": 1000000}]}
    first, second = priced(cheap, "vendor-a/gpt-4o"), priced(dear, "vendor-b/gpt-4o")
    first["aliases"] = second["aliases"] = ["gpt-4o"]
    httpx_mock.add_response(json=catalogue(first, second), is_reusable=True)
    with Billing() as billing:
        with pytest.raises(ResponseValidationError, match=r"'gpt-4o' is an alias of 2 models with different prices"):
            billing.models.list_prices(["gpt-4o"])
        # By id, no question; the same price under one alias is none either.
        assert billing.models.list_prices(["vendor-b/gpt-4o"])["vendor-b/gpt-4o"].units[0].price == 9
    second["pricing"] = cheap
    httpx_mock.add_response(json=catalogue(first, second))
    with Billing() as billing:
        assert billing.models.list_prices(["GPT-4o"])["GPT-4o"].units[0].price == 1
