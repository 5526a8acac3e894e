"""Answers from spec/openapi.json for operations no handler serves yet.

A fragment added the documented way brings operations the stand-in has no handler for; until one
is written (with its rules and its data), each is answered from the spec: status the lowest 2xx,
body the minimal valid value of its schema (``fake_api.examples``). So the stand-in serves every
operation of the spec, and tests/fake_api checks every answer against the spec as for the others.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

from fake_api.examples import example
from fake_api.replies import Reply

SPEC = Path(__file__).resolve().parents[2] / "spec" / "openapi.json"


@functools.cache
def _spec() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(SPEC.read_text(encoding="utf-8"))
    return document


@functools.cache
def _templates() -> list[tuple[re.Pattern[str], str]]:
    """Each path template of the spec as a pattern (a variable matches one non-empty segment)."""
    return [
        (re.compile("^" + re.sub(r"\\\{[^/]*?\\\}", "[^/]+", re.escape(template)) + "$"), template)
        for template in _spec()["paths"]
    ]


def template_of(path: str) -> str | None:
    """The spec's path template that ``path`` (no query) is an instance of, if any; a literal
    template wins over one with variables."""
    matches = [template for pattern, template in _templates() if pattern.match(path)]
    return min(matches, key=lambda template: (template.count("{"), template)) if matches else None


def answer(method: str, path: str) -> Reply | None:
    """The spec's answer to ``method path``: its lowest 2xx status with a minimal valid JSON body;
    ``None`` when the spec has no such operation."""
    template = template_of(path)
    operation = _spec()["paths"][template].get(method.lower()) if template is not None else None
    if not isinstance(operation, dict):
        return None
    status = min((code for code in operation["responses"] if code.startswith("2")), default=None)
    if status is None:
        return None
    schema = operation["responses"][status].get("content", {}).get("application/json", {}).get("schema")
    components = _spec()["components"]["schemas"]
    return Reply(int(status), example(schema, components) if schema is not None else None)
