"""Fragments in, one repaired, validated OpenAPI document out."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from . import pointer
from .context import RepairContext
from .enrich import ENRICHMENTS, choose_bearer_scheme
from .errors import SpecError
from .fragments import Fragment, load_fragments
from .merge import canonical_order, drop_unused_components, merge_fragments
from .repairs import DEFECT_REPAIRS
from .report import Report

MERGED_NAME = "openapi.json"


@dataclass
class BuildResult:
    document: dict[str, Any]
    text: str
    report: Report


def load_editorial(path: Path) -> dict[str, Any]:
    try:
        editorial = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SpecError(str(path), "", f"malformed YAML: {exc}") from None
    if not isinstance(editorial, dict):
        raise SpecError(str(path), "", "expected a mapping at the top level")
    for key in ("info", "security_scheme", "error_schema_name", "error_schema", "error_media_types"):
        if key not in editorial:
            raise SpecError(str(path), f"/{key}", "missing")
    return editorial


def build_document(fragments: list[Fragment], editorial: dict[str, Any], merged_name: str = MERGED_NAME) -> BuildResult:
    """Repair each fragment, merge them, and validate the result. Raises :class:`SpecError`."""
    report = Report()
    bearer = choose_bearer_scheme([fragment.document for fragment in fragments], editorial)
    repaired = []
    for fragment in fragments:
        document = json.loads(json.dumps(fragment.document))  # the caller's copy stays as published
        ctx = RepairContext(file=fragment.name, report=report, editorial=editorial, bearer_scheme=bearer)
        for rule in (*DEFECT_REPAIRS, *ENRICHMENTS):
            rule(document, ctx)
        repaired.append(Fragment(name=fragment.name, document=document))
    merged = merge_fragments(repaired, editorial)
    drop_unused_components(merged, report, merged_name)
    merged = canonical_order(merged)
    validate(merged, merged_name)
    return BuildResult(document=merged, text=serialize(merged), report=report)


def build_from_directory(fragments_dir: Path, editorial_path: Path) -> BuildResult:
    return build_document(load_fragments(fragments_dir), load_editorial(editorial_path))


def serialize(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def validate(document: dict[str, Any], name: str) -> None:
    """The merged document must pass openapi-spec-validator before anything is written."""
    from openapi_spec_validator import validate as validate_spec
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

    try:
        validate_spec(document)
    except OpenAPIValidationError as exc:
        at = pointer.from_tokens(getattr(exc, "path", None) or ())
        raise SpecError(name, at, f"the repaired document is not valid OpenAPI: {exc.message}") from None
