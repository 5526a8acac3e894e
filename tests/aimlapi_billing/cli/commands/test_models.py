"""aimlapi-billing models, model-metrics and usage --prices against the stand-in server."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from fake_api.models import CATALOGUE
from fake_api_server import FakeAIMLAPI, Reply

from tests.aimlapi_billing.conftest import API_KEY
from tests.helpers.cli import loads_only_its_own_module, rejected, run

pytestmark = pytest.mark.usefixtures("fast_backoff")
#: The whole of the stand-in's account (its requests are from 2025-11-07 to 2025-11-10).
WINDOW = ("--start", "2025-11-01T00:00:00Z", "--end", "2025-11-10T12:00:00Z")


def test_the_catalogue_with_every_pricing_kind(fake_api: FakeAIMLAPI) -> None:
    code, out, err = run("models", "--pricing", "--base-url", fake_api.url)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "openai/gpt-4o                openai/chat-completions (also gpt-4o) | 3.25 USD per 1000000 output token",
        "openai/gpt-image-1           openai/image-generations (also gpt-image-1) | 0.0525 USD per 1 megapixel",
        "google/veo-2.0-generate-001  internal/video-generations/submit (also veo-2.0-generate-001) | "
        "resolution=720p: 0.39 USD per 1 second; resolution=1080p: 0.65 USD per 1 second",
        "openai/gpt-5                 openai/chat-completions (also gpt-5, gpt-5-2025-08-07) | "
        "1.3125 USD per 1000000 input token; 10.5 USD per 1000000 output token",
        "anthropic/claude-sonnet      openai/chat-completions (also claude-sonnet-4) | "
        "3.9 USD per 1000000 input token; 19.5 USD per 1000000 output token",
        "google/gemini-2.5-pro        openai/chat-completions (also gemini-2.5-pro) | "
        "variable: known only at request time",
    ]
    (seen,) = fake_api.requests_to("/v1/models")
    assert parse_qs(urlsplit(seen.path).query) == {"include": ["pricing"]}


def test_filters_are_repeatable_options_and_no_match_says_so(fake_api: FakeAIMLAPI) -> None:
    argv = ("models", "--capability", "vision", "--capability", "text_to_video", "--output-modality", "TEXT")
    code, out, err = run(*argv, "--id", "gpt-5", "--id", "GPT-4O", "--base-url", fake_api.url)
    assert (code, err) == (0, "")
    assert [line.split()[0] for line in out.splitlines()] == ["openai/gpt-4o", "openai/gpt-5"]
    (seen,) = fake_api.requests_to("/v1/models")
    assert parse_qs(urlsplit(seen.path).query) == {
        "id": ["gpt-5,GPT-4O"],
        "output_modalities": ["TEXT"],
        "capabilities": ["vision,text_to_video"],
    }
    assert run("models", "--tag", "nothing:here", "--base-url", fake_api.url) == (0, "no models match\n", "")


def test_json_is_the_apis_objects_with_exact_money(fake_api: FakeAIMLAPI) -> None:
    code, out, err = run("models", "--all", "--json", "--id", "veo-2.0-generate-001", "--base-url", fake_api.url)
    assert (code, err) == (0, "")
    [model] = json.loads(out)
    expected = copy.deepcopy(CATALOGUE[2])
    for variant in expected["pricing"]["variants"]:  # every Decimal of the models: a string of its digits
        variant["price"], variant["per"] = str(variant["price"]), str(variant["per"])
    assert model == expected
    assert '"price": "0.39",' in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--tag", "a,b"), "a tags value cannot hold a comma: 'a,b'; give each value on its own"),
        (("--id", " "), "each id value must be printable text"),
    ],
)
def test_bad_filters_are_refused_before_any_request(fake_api: FakeAIMLAPI, argv: tuple[str, ...], message: str) -> None:
    assert message in rejected(fake_api, "models", *argv)


def test_an_unknown_pricing_kind_is_shown_not_refused(fake_api: FakeAIMLAPI) -> None:
    model = {**copy.deepcopy(CATALOGUE[0]), "pricing": {"kind": "tiered", "currency": "USD", "tiers": [{"price": 1}]}}
    fake_api.script("/v1/models", Reply(200, {"object": "list", "data": [model]}))
    code, out, err = run("models", "--pricing", "--base-url", fake_api.url)
    assert code == 0, err
    # The open enum says a new value once per process, as a warning line (this process may have seen it).
    assert err in (
        "",
        "aimlapi-billing: warning: PricingKind: 'tiered' is not a value the specification lists; kept as is\n",
    )
    assert out.endswith("| 'tiered': a pricing kind this version does not read (--json shows it whole)\n")
    fake_api.script("/v1/models", Reply(200, {"object": "list", "data": [model]}))
    code, out, err = run("models", "--pricing", "--json", "--base-url", fake_api.url)
    assert json.loads(out)[0]["pricing"] == model["pricing"]


@pytest.mark.parametrize(
    ("pricing", "reason"),
    [
        ({"kind": "fixed", "currency": "EUR", "units": []}, "'data[0].pricing.currency' is 'EUR'"),
        (
            {"kind": "fixed", "units": [{"name": "token", "price": "TINY", "per": 1}]},
            "'data[0].pricing.units[0].price' is out of the range of a double",
        ),
        ({"kind": "fixed"}, "pricing.units is missing: a broken answer, a fixed price carries its units"),
        ({"kind": "variants", "variants": []}, "pricing.variants is empty: a broken answer"),
    ],
)
def test_an_unusable_price_is_exit_6(fake_api: FakeAIMLAPI, pricing: dict[str, object], reason: str) -> None:
    """A tiny exponent is valid JSON, but its digits written out would be ten million characters."""
    model = {**copy.deepcopy(CATALOGUE[0]), "pricing": pricing}
    body = json.dumps({"object": "list", "data": [model]}).replace('"TINY"', "1e-9999999").encode()
    fake_api.script("/v1/models", Reply(200, body))
    code, out, err = run("models", "--pricing", "--base-url", fake_api.url)
    assert (code, out) == (6, "")
    assert reason in err
    assert len(err.splitlines()) == 1


def test_a_key_echoed_in_a_description_is_redacted(fake_api: FakeAIMLAPI) -> None:
    model = copy.deepcopy(CATALOGUE[0])
    model["id"] = f"leak/{API_KEY}"
    model["info"]["description"] = f"made with {API_KEY}"
    for _ in range(2):
        fake_api.script("/v1/models", Reply(200, {"object": "list", "data": [model]}))
    for argv in (("models",), ("models", "--json")):
        code, out, err = run(*argv, "--base-url", fake_api.url)
        assert code == 0
        assert API_KEY not in out + err
        assert "leak/" in out


def test_model_metrics_table_and_json(fake_api: FakeAIMLAPI) -> None:
    code, out, err = run("model-metrics", "--base-url", fake_api.url)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "window                       300 s, computed at 2026-08-19T12:00:05.000Z",
        "percentiles                  p50/p75/p90/p99 (tps: higher is faster)",
        "openai/gpt-5                 /v1/chat/completions: ttft_ms 412/588/910/2140; tps 51.7/64.1/78.4/96.2; "
        "duration_ms 1830/2450/3900/9100",
        "openai/gpt-4o                /v1/chat/completions: ttft_ms 380/520/760/1900; tps 88.2/97.5/104.9/131.6; "
        "duration_ms 1210/1740/2610/6020",
        "google/veo-2.0-generate-001  /v2/video/generations: duration_ms 61200/70400/82500/118000",
    ]
    code, out, err = run(
        "model-metrics", "--alias", "openai/gpt-5", "--alias", "nobody/none", "--json", "--base-url", fake_api.url
    )
    assert (code, err) == (0, "")
    data = json.loads(out, parse_float=Decimal)
    assert [entry["alias"] for entry in data["models"]] == ["openai/gpt-5"]
    assert data["models"][0]["metrics"]["tps"]["p50"] == "51.7"
    assert parse_qs(urlsplit(fake_api.requests_to("/models/metrics")[-1].path).query) == {
        "aliases": ["openai/gpt-5", "nobody/none"]
    }


def test_usage_prices_sets_list_prices_beside_spend(fake_api: FakeAIMLAPI) -> None:
    code, out, err = run("usage", *WINDOW, "--key-prefix", "b747e891", "--prices", "--base-url", fake_api.url)
    assert (code, err) == (0, "")
    assert out.splitlines()[-2:] == [
        "models",
        "  openai/gpt-5  1.56 USD, 1 requests; list price 1.3125 USD per 1000000 input token; "
        "10.5 USD per 1000000 output token",
    ]
    code, out, err = run("usage", *WINDOW, "--key-prefix", "b747e891", "--prices", "--json", "--base-url", fake_api.url)
    [row] = json.loads(out, parse_float=Decimal)["models"]
    assert row["list_price"]["units"][1] == {
        "name": "token",
        "measure": "output",
        "price": "10.5",
        "per": "1000000",
    }
    (seen, *_) = fake_api.requests_to("/v1/models")
    assert parse_qs(urlsplit(seen.path).query) == {"include": ["pricing"], "id": ["openai/gpt-5"]}


def test_usage_prices_of_a_model_the_catalogue_lacks(fake_api: FakeAIMLAPI) -> None:
    fake_api.script("/v1/models", Reply(200, {"object": "list", "data": []}))
    code, out, err = run("usage", *WINDOW, "--key-prefix", "b747e891", "--prices", "--base-url", fake_api.url)
    assert (code, err) == (0, "")
    assert out.splitlines()[-1] == "  openai/gpt-5  1.56 USD, 1 requests; no list price"


def test_models_loads_only_its_own_module(fake_api: FakeAIMLAPI) -> None:
    loads_only_its_own_module(
        fake_api, ["models"], {"aimlapi_billing.resources.usage", "aimlapi_billing.resources.keys"}
    )
