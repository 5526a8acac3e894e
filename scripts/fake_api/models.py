"""``GET /v1/models`` (the model catalogue) and ``GET /models/metrics``, as the vendor's docs pages
describe them (complete-model-list.md, model-metrics.md): no key needed, the catalogue's ``include``
sections and filters, its ETag and ``304`` for a matching ``If-None-Match``, the metrics' repeated
``aliases``.

The catalogue is the docs pages' examples (a chat, an image and a video model, with the page's
``fixed`` and ``variants`` prices), plus the three models the stand-in account's requests use
(``fake_api.data``), so that spend can be set beside list prices: every pricing kind the page
names (``fixed``, ``variants``, ``variable``), and models with aliases.
"""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fake_api.replies import Reply, error

CATALOGUE_PATH = "/v1/models"
METRICS_PATH = "/models/metrics"
SECTIONS = ("modalities", "capabilities", "pricing")
FILTERS = ("id", "type", "tags", "modalities", "input_modalities", "output_modalities", "capabilities")
MAX_ALIASES = 100


def _model(
    id: str,
    aliases: list[str],
    type: str,
    info: dict[str, Any],
    tags: list[str],
    modalities: tuple[list[str], list[str]],
    capabilities: list[str],
    pricing: dict[str, Any],
) -> dict[str, Any]:
    return {
        "id": id,
        "aliases": aliases,
        "type": type,
        "info": info,
        "tags": tags,
        "modalities": {"input": modalities[0], "output": modalities[1]},
        "capabilities": capabilities,
        "pricing": pricing,
    }


def _fixed(*units: tuple[str, str | None, float, int]) -> dict[str, Any]:
    """A ``fixed`` price: (name, measure, price, per) per unit; a float's JSON is its shortest digits (``3.25``)."""
    rates = []
    for name, measure, price, per in units:
        rate: dict[str, Any] = {"name": name, "price": price, "per": per}
        if measure is not None:
            rate["measure"] = measure
        rates.append(rate)
    return {"kind": "fixed", "currency": "USD", "units": rates}


CHAT = "openai/chat-completions"
#: Each model in full: every optional section attached (``?include=all``).
CATALOGUE: list[dict[str, Any]] = [
    _model(
        "openai/gpt-4o",
        ["gpt-4o"],
        CHAT,
        {
            "releasedAt": "2025-08-07",
            "name": "GPT-4o",
            "developer": "Open AI",
            "description": "Multimodal AI model by OpenAI enhancing human-computer interaction.",
            "contextLength": 128000,
            "outputMax": 16384,
            "cutoffAt": "2023-10-01",
            "url": "https://aimlapi.com/models/gpt-4o-2024-08-06-api",
            "docsUrl": "https://docs.aimlapi.com/api-references/text-models-llm/openai/gpt-4o",
            "docsJson": "https://api.aimlapi.com/docs-json?model=openai%2Fgpt-4o&endpoint=openai%2Fchat-completions",
        },
        ["playground:chat", "tier:tier_2"],
        (["image", "text"], ["text"]),
        ["file_input", "parallel_tool_calls", "streaming", "structured_output", "tools", "vision"],
        _fixed(("token", "output", 3.25, 1000000)),
    ),
    _model(
        "openai/gpt-image-1",
        ["gpt-image-1"],
        "openai/image-generations",
        {
            "releasedAt": "2025-10-13",
            "name": "GPT Image 1",
            "developer": "Open AI",
            "description": "GPT Image 1 is OpenAI's first-generation image generation model combining language "
            "understanding with visual synthesis.",
            "url": "",
            "docsUrl": "https://docs.aimlapi.com/api-references/image-models/openai/gpt-image-1",
            "docsJson": "https://api.aimlapi.com/docs-json?model=openai%2Fgpt-image-1&endpoint=openai%2Fimage-generations",
        },
        ["playground:image", "tier:tier_2"],
        (["text", "image"], ["image"]),
        ["image_generation", "image_to_image"],
        _fixed(("megapixel", None, 0.0525, 1)),
    ),
    _model(
        "google/veo-2.0-generate-001",
        ["veo-2.0-generate-001"],
        "internal/video-generations/submit",
        {
            "releasedAt": "2025-11-25",
            "name": "Veo 2 Text-to-Video",
            "developer": "Google",
            "description": "Veo2: Google's advanced text-to-video model",
            "url": "https://aimlapi.com/models/veo-2-text-to-video-api",
            "docsUrl": "https://docs.aimlapi.com/api-references/video-models/google/veo2-text-to-video",
            "docsJson": "https://api.aimlapi.com/docs-json?model=google%2Fveo-2.0-generate-001&endpoint=internal%2F"
            "video-generations%2Fsubmit",
        },
        ["playground:video", "tier:tier_2"],
        (["text"], ["video"]),
        ["text_to_video"],
        {
            "kind": "variants",
            "currency": "USD",
            "dimensions": ["resolution"],
            "variants": [
                {"when": {"resolution": "720p"}, "price": 0.39, "unit": "second", "per": 1},
                {"when": {"resolution": "1080p"}, "price": 0.65, "unit": "second", "per": 1},
            ],
        },
    ),
    _model(
        "openai/gpt-5",
        ["gpt-5", "gpt-5-2025-08-07"],
        CHAT,
        {"name": "GPT-5", "developer": "Open AI", "contextLength": 400000, "outputMax": 128000},
        ["playground:chat", "tier:tier_3"],
        (["image", "text"], ["text"]),
        ["streaming", "structured_output", "tools", "vision"],
        _fixed(("token", "input", 1.3125, 1000000), ("token", "output", 10.5, 1000000)),
    ),
    _model(
        "anthropic/claude-sonnet",
        ["claude-sonnet-4"],
        CHAT,
        {"name": "Claude Sonnet", "developer": "Anthropic", "contextLength": 200000, "outputMax": 64000},
        ["playground:chat", "tier:tier_2"],
        (["image", "text"], ["text"]),
        ["streaming", "tools", "vision"],
        _fixed(("token", "input", 3.9, 1000000), ("token", "output", 19.5, 1000000)),
    ),
    _model(
        "google/gemini-2.5-pro",
        ["gemini-2.5-pro"],
        CHAT,
        {"name": "Gemini 2.5 Pro", "developer": "Google", "contextLength": 1048576, "outputMax": 65536},
        ["playground:chat", "tier:tier_2"],
        (["audio", "image", "text", "video"], ["text"]),
        ["streaming", "structured_output", "tools"],
        {"kind": "variable", "currency": "USD"},
    ),
]


def _percentiles(p50: float, p75: float, p90: float, p99: float) -> dict[str, float]:
    return {"p50": p50, "p75": p75, "p90": p90, "p99": p99}


#: The metrics page's example figures; the video model has a duration only (no tokens to time).
METRICS: dict[str, Any] = {
    "window_seconds": 300,
    "generated_at": "2026-08-19T12:00:05.000Z",
    "models": [
        {
            "alias": "openai/gpt-5",
            "endpoint": "/v1/chat/completions",
            "metrics": {
                "ttft_ms": _percentiles(412, 588, 910, 2140),
                "tps": _percentiles(51.7, 64.1, 78.4, 96.2),
                "duration_ms": _percentiles(1830, 2450, 3900, 9100),
            },
        },
        {
            "alias": "openai/gpt-4o",
            "endpoint": "/v1/chat/completions",
            "metrics": {
                "ttft_ms": _percentiles(380, 520, 760, 1900),
                "tps": _percentiles(88.2, 97.5, 104.9, 131.6),
                "duration_ms": _percentiles(1210, 1740, 2610, 6020),
            },
        },
        {
            "alias": "google/veo-2.0-generate-001",
            "endpoint": "/v2/video/generations",
            "metrics": {"duration_ms": _percentiles(61200, 70400, 82500, 118000)},
        },
    ],
}


def serves(path: str) -> bool:
    return path in (CATALOGUE_PATH, METRICS_PATH)


def answer(method: str, target: str, headers: dict[str, str]) -> Reply:
    """The answer to ``method target``, ``target`` one of the two paths (no key is needed)."""
    parts = urlsplit(target)
    if method != "GET":
        return error(405, f"{method} is not allowed on {parts.path}", parts.path)
    query = parse_qs(parts.query, keep_blank_values=True)
    if parts.path == METRICS_PATH:
        return _metrics(query)
    return _catalogue(query, headers.get("if-none-match"))


def _values(query: dict[str, list[str]], name: str) -> set[str]:
    """A filter's values, comma-separated or repeated (both merge), lower-cased."""
    return {value.strip().lower() for text in query.get(name, []) for value in text.split(",") if value.strip()}


def _keeps(model: dict[str, Any], query: dict[str, list[str]]) -> bool:
    """Whether ``model`` passes every filter given (AND), each by any of its values (OR)."""
    fields = {
        "id": [model["id"], *model["aliases"]],
        "type": [model["type"]],
        "tags": model["tags"],
        "modalities": model["modalities"]["input"] + model["modalities"]["output"],
        "input_modalities": model["modalities"]["input"],
        "output_modalities": model["modalities"]["output"],
        "capabilities": model["capabilities"],
    }
    for name in FILTERS:
        wanted = _values(query, name)
        if wanted and not wanted & {value.lower() for value in fields[name]}:
            return False
    return True


def _catalogue(query: dict[str, list[str]], if_none_match: str | None) -> Reply:
    sections = _values(query, "include")
    if "all" in sections or any(value in ("true", "1") for value in query.get("details", [])):
        sections = set(SECTIONS)
    data = []
    for model in CATALOGUE:
        if _keeps(model, query):
            shown = {name: value for name, value in model.items() if name not in SECTIONS or name in sections}
            data.append(copy.deepcopy(shown))
    body = json.dumps({"object": "list", "data": data}).encode()
    etag = f'W/"{len(body):x}-{hashlib.sha256(body).hexdigest()[:27]}"'
    if if_none_match is not None and etag in (tag.strip() for tag in if_none_match.split(",")):
        return Reply(304, None, headers={"etag": etag}, content_type=None)
    return Reply(200, body, headers={"etag": etag})


def _metrics(query: dict[str, list[str]]) -> Reply:
    others = sorted(name for name in query if name != "aliases")
    if others:
        return error(400, f"Unknown query parameter {others[0]!r}", METRICS_PATH)
    aliases = query.get("aliases", [])
    if len(aliases) > MAX_ALIASES:
        return error(400, f"At most {MAX_ALIASES} `aliases` values", METRICS_PATH)
    body = copy.deepcopy(METRICS)
    if aliases:  # matched exactly: "a,b" is one name, and matches nothing
        body["models"] = [entry for entry in body["models"] if entry["alias"] in aliases]
    return Reply(200, body)
