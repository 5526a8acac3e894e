"""GET /v1/models and GET /models/metrics of the stand-in server, as the vendor's docs pages describe
them: no key needed, sections only when asked, filters (OR within one, AND across, ids or aliases,
any case), the ETag and its 304, the metrics' exact repeated aliases."""

from __future__ import annotations

import httpx
from fake_api.models import CATALOGUE, MAX_ALIASES
from fake_api_server import FakeAIMLAPI

from tests.fake_api.conftest import Api, assert_conforms

PATH = "/v1/models"


def ids(body: dict[str, object]) -> list[str]:
    return [model["id"] for model in body["data"]]  # type: ignore[attr-defined,index]


def test_no_key_is_needed(server: FakeAIMLAPI) -> None:
    for path in (PATH, "/models/metrics"):
        response = httpx.get(server.url + path, timeout=10)
        assert response.status_code == 200
        assert_conforms(response, path)


def test_sections_come_only_when_asked(api: Api) -> None:
    plain = api.ok(PATH)["data"][0]
    assert sorted(plain) == ["aliases", "id", "info", "tags", "type"]
    assert sorted(api.ok(PATH, include="pricing,Capabilities,typo")["data"][0]) == [
        "aliases",
        "capabilities",
        "id",
        "info",
        "pricing",
        "tags",
        "type",
    ]
    assert api.ok(PATH, details="true")["data"] == CATALOGUE
    assert api.ok(PATH, include=["pricing", "modalities", "capabilities"])["data"] == CATALOGUE


def test_filters_or_within_and_across(api: Api) -> None:
    assert ids(api.ok(PATH, id="GPT-4O,openai/gpt-5")) == ["openai/gpt-4o", "openai/gpt-5"]
    assert ids(api.ok(PATH, id=["veo-2.0-generate-001", "nobody"])) == ["google/veo-2.0-generate-001"]
    assert ids(api.ok(PATH, output_modalities="video")) == ["google/veo-2.0-generate-001"]
    assert ids(api.ok(PATH, modalities="audio")) == ["google/gemini-2.5-pro"]
    assert ids(api.ok(PATH, capabilities="vision", tags="tier:tier_3")) == ["openai/gpt-5"]
    assert ids(api.ok(PATH, type="openai/image-generations", input_modalities="image")) == ["openai/gpt-image-1"]
    assert api.ok(PATH, tags="none")["data"] == []


def test_an_unchanged_catalogue_is_a_304_with_no_body(api: Api) -> None:
    first = api.get(PATH, include="pricing")
    etag = first.headers["etag"]
    again = api.client.get(PATH, params={"include": "pricing"}, headers={"If-None-Match": etag})
    assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", etag)
    other = api.client.get(PATH, headers={"If-None-Match": etag})  # another projection, another tag
    assert other.status_code == 200
    assert other.headers["etag"] != etag


def test_metrics_aliases_are_exact_and_repeated(api: Api) -> None:
    body = api.ok("/models/metrics", aliases=["openai/gpt-5", "OPENAI/GPT-4O"])
    assert [entry["alias"] for entry in body["models"]] == ["openai/gpt-5"]
    assert api.ok("/models/metrics", aliases="openai/gpt-5,openai/gpt-4o")["models"] == []
    assert "At most 100" in api.refused(400, "/models/metrics", aliases=[f"m{n}" for n in range(MAX_ALIASES + 1)])
    assert "Unknown query parameter 'alias'" in api.refused(400, "/models/metrics", alias="openai/gpt-5")
