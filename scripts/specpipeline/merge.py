"""Merging repaired fragments into one document, and the document-wide rules that follow."""

from __future__ import annotations

import copy
import json
from collections import Counter
from typing import Any

from . import pointer
from .errors import SpecError
from .fragments import Fragment
from .report import Report
from .walk import HTTP_METHODS

_TOP_LEVEL_ORDER = ("openapi", "info", "externalDocs", "servers", "security", "tags", "paths", "components")


class ConflictError(SpecError):
    """Two fragments define one thing differently: both are named, so both can be quarantined."""

    def __init__(self, file: str, pointer_text: str, other_file: str) -> None:
        super().__init__(file, pointer_text, f"conflicts with the definition in {other_file}")
        self.other_file = other_file


def merge_fragments(
    fragments: list[Fragment],
    editorial: dict[str, Any],
    origin: dict[str, str] | None = None,
    report: Report | None = None,
) -> dict[str, Any]:
    """Merge repaired fragments. Anything defined twice must be identical; otherwise it is an error
    naming both files, never a silent overwrite. Vendor extensions (``x-…``) are kept. ``origin``
    receives, for each merged path item member, component and server, the file it came from."""
    merged: dict[str, Any] = {"paths": {}, "components": {}}
    origin = {} if origin is None else origin  # JSON pointer in the merged document -> its file
    vendor_info: dict[str, Any] = {}  # what the fragments' info blocks must agree on

    def put(container: dict[str, Any], key: str, value: Any, at: str, file: str) -> None:
        if key in container and _canonical(container[key]) != _canonical(value):
            raise ConflictError(file, at, origin[at])
        container.setdefault(key, copy.deepcopy(value))
        origin.setdefault(at, file)

    versions = {fragment.document["openapi"] for fragment in fragments}
    minors = Counter(str(fragment.document["openapi"]).rsplit(".", 1)[0] for fragment in fragments)
    if len(minors) > 1:
        usual = min(minors, key=lambda minor: (-minors[minor], minor))  # most fragments' version
        odd = min(f.name for f in fragments if str(f.document["openapi"]).rsplit(".", 1)[0] != usual)
        raise SpecError(
            odd, "/openapi", f"OpenAPI {usual}.x is what the other fragments use; mixed: {sorted(versions)}"
        )
    merged["openapi"] = max(versions)

    for fragment in fragments:
        document, file = fragment.document, fragment.name
        put(vendor_info, "version", document.get("info", {}).get("version"), "/info/version", file)
        for server in document.get("servers", []):
            if server not in merged.setdefault("servers", []):
                merged["servers"].append(copy.deepcopy(server))
                origin[pointer.join("", "servers", len(merged["servers"]) - 1)] = file
        for requirement in document.get("security", []):
            if requirement not in merged.setdefault("security", []):
                merged["security"].append(copy.deepcopy(requirement))
        for path, path_item in document["paths"].items():
            merged_item = merged["paths"].setdefault(path, {})
            for key, value in path_item.items():
                put(merged_item, key, value, pointer.join("", "paths", path, key), file)
        for section, entries in document.get("components", {}).items():
            merged_section = merged["components"].setdefault(section, {})
            for name, value in entries.items():
                put(merged_section, name, value, pointer.join("", "components", section, name), file)
        for key, value in document.items():
            if key.startswith("x-") and key not in merged:
                put(merged, key, value, pointer.join("", key), file)
            elif key.startswith("x-") and _canonical(merged[key]) != _canonical(value) and report is not None:
                # A vendor annotation of the whole API (x-logo) is no reason to stop: the first, by
                # the content order of the fragments, is kept, and the other reported.
                report.add(
                    "merge-extension",
                    file,
                    pointer.join("", key),
                    f"differs from {origin[pointer.join('', key)]}: not kept",
                )

    merged["info"] = _info(vendor_info.get("version"), editorial)
    if "externalDocs" in editorial:
        merged["externalDocs"] = copy.deepcopy(editorial["externalDocs"])
    used_tags = sorted(
        {tag for item in merged["paths"].values() for op in _operations(item) for tag in op.get("tags", [])}
    )
    known_tags = {tag["name"]: tag for tag in editorial.get("tags", [])}
    merged["tags"] = [
        known_tags.get(tag, {"name": tag, "description": f"Operations tagged {tag}."}) for tag in used_tags
    ]
    return merged


def _info(vendor_version: Any, editorial: dict[str, Any]) -> dict[str, Any]:
    info: dict[str, Any] = copy.deepcopy(editorial["info"])
    # The API's version is the vendor's to state; the editorial file only describes it.
    info["version"] = str(vendor_version) if vendor_version is not None else info.get("version", "0")
    return info


def _operations(path_item: dict[str, Any]) -> list[dict[str, Any]]:
    return [path_item[method] for method in HTTP_METHODS if isinstance(path_item.get(method), dict)]


def drop_unused_components(document: dict[str, Any], report: Report, file: str) -> None:
    """Defect: components nothing refers to (linters flag them; generators emit dead models).

    Security schemes are used by name, not by ``$ref``, and are checked against ``security``.
    """
    while True:
        text = json.dumps(document, sort_keys=True)
        unused = [
            (section, name)
            for section, entries in document.get("components", {}).items()
            if section != "securitySchemes"
            for name in entries
            if text.count(f'"#/components/{section}/{pointer.escape(name)}"') == 0
        ]
        if not unused:
            break
        for section, name in unused:
            del document["components"][section][name]
            report.add("drop-unused-component", file, pointer.join("", "components", section, name), "removed")
    used_schemes = {name for op in _all_operations(document) for req in op.get("security", []) for name in req}
    used_schemes |= {name for req in document.get("security", []) for name in req}
    for name in list(document.get("components", {}).get("securitySchemes", {})):
        if name not in used_schemes:
            del document["components"]["securitySchemes"][name]
            report.add(
                "drop-unused-component", file, pointer.join("", "components", "securitySchemes", name), "removed"
            )
    document["components"] = {
        section: dict(sorted(entries.items()))
        for section, entries in sorted(document.get("components", {}).items())
        if entries
    }
    if not document["components"]:
        del document["components"]


def _all_operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [op for item in document.get("paths", {}).values() for op in _operations(item)]


def canonical_order(document: dict[str, Any]) -> dict[str, Any]:
    """Top-level keys in the conventional order, paths sorted: a stable, reviewable file."""
    ordered = {key: document[key] for key in _TOP_LEVEL_ORDER if key in document}
    ordered["paths"] = dict(sorted(document.get("paths", {}).items()))
    ordered.update((key, document[key]) for key in sorted(document) if key not in ordered)
    return ordered


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)
