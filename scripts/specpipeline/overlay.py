"""Corrections as data: OpenAPI Overlay 1.0 documents (``spec/overlays/*.yaml``).

An overlay is a list of actions, each a JSONPath (RFC 9535) ``target`` with either an ``update``
(merged into every node the target selects: objects recursively, anything else replaced; on an
array target, appended) or ``remove: true``. This is the standard format Speakeasy and Fern read,
for fixes a user knows and no rule can infer.

Which document an overlay applies to is its ``extends``: the file name of a fragment in
``spec/fragments/`` (the fix is applied to that fragment as published, before any rule, so the rules
repair the corrected text), or absent for the merged document (applied after the rules and before
validation). Overlays apply in file-name order, actions in the order written; each change is a
report line ``overlay  <overlay file>#/actions/<n>: ...``, and an action that selects nothing is
reported too (the vendor may have fixed what it corrects).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonpath
import yaml

from . import pointer
from .errors import SpecError
from .fragments import first_unrepresentable
from .report import Report
from .walk import iter_references

_ENVIRONMENT = jsonpath.JSONPathEnvironment(strict=True)  # RFC 9535 only, no extensions


@dataclass(frozen=True)
class Overlay:
    file: str
    extends: str | None  # a fragment's file name, or None for the merged document
    actions: tuple[dict[str, Any], ...]


def load_overlays(directory: Path) -> list[Overlay]:
    """Every ``*.yaml`` overlay in ``directory``, in file-name order; none when it does not exist."""
    if not directory.is_dir():
        return []
    misnamed = sorted(directory.glob("*.yml"))
    if misnamed:  # silently skipped, the correction would just not happen
        raise SpecError(str(misnamed[0]), "", "overlays are read from *.yaml files: rename it")
    return [parse_overlay(str(path), _read_text(path)) for path in sorted(directory.glob("*.yaml"))]


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SpecError(str(path), "", f"not UTF-8: byte 0x{data[exc.start]:02x} at line {line}") from None


def parse_overlay(file: str, text: str) -> Overlay:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SpecError(file, "", f"malformed YAML: {exc}") from None
    if not isinstance(document, dict) or not re.fullmatch(r"1\.0\.\d+", str(document.get("overlay", ""))):
        raise SpecError(file, "/overlay", "expected an OpenAPI Overlay 1.0 document (overlay: 1.0.0)")
    actions = document.get("actions")
    if not isinstance(actions, list) or not actions:
        raise SpecError(file, "/actions", "an overlay needs a non-empty list of actions")
    bad = first_unrepresentable(document, "")
    if bad is not None:
        raise SpecError(file, bad[0], bad[1])
    for index, action in enumerate(actions):
        at = pointer.join("", "actions", index)
        if not isinstance(action, dict) or not isinstance(action.get("target"), str):
            raise SpecError(file, at, "an action needs a JSONPath 'target'")
        if ("update" in action) == (action.get("remove") is True):
            raise SpecError(file, at, "an action needs exactly one of 'update' and 'remove: true'")
        try:
            _ENVIRONMENT.compile(action["target"])
        except jsonpath.JSONPathError as exc:
            raise SpecError(file, pointer.join(at, "target"), f"invalid JSONPath: {str(exc).splitlines()[0]}") from None
    extends = document.get("extends")
    return Overlay(file=file, extends=str(extends) if extends else None, actions=tuple(actions))


def apply_overlay(overlay: Overlay, document: dict[str, Any], target_name: str, report: Report) -> list[str]:
    """Apply ``overlay``'s actions to ``document`` (named ``target_name`` in the report), in order;
    return the pointers of the nodes changed. An action that leaves the document without what every
    OpenAPI 3.0 document needs (``openapi: 3.0.x``, ``info``, ``paths``) or with a ``$ref`` to
    nothing is refused, naming the overlay's file and the action."""
    changed: list[str] = []
    for index, action in enumerate(overlay.actions):
        at = pointer.join("", "actions", index)
        before = document_problems(document)
        _apply_action(overlay, action, at, document, target_name, report, changed)
        broken = sorted(document_problems(document) - before)
        if broken:
            raise SpecError(overlay.file, at, f"{broken[0]} in {target_name} after this action")
    return changed


def document_problems(document: Any) -> set[str]:
    """What an overlay must not break: the version, ``info``, ``paths``, and local references."""
    if not isinstance(document, dict):
        return {"the document is no longer an object"}
    problems = set()
    version = document.get("openapi")
    if not (isinstance(version, str) and version.startswith("3.0.")):
        problems.add(f"openapi is {version!r}, not 3.0.x")
    info = document.get("info")
    if not (isinstance(info, dict) and isinstance(info.get("title"), str) and "version" in info):
        problems.add("info with a title and a version is missing")
    if not isinstance(document.get("paths"), dict):
        problems.add("paths is missing")
    for ref, _ in iter_references(document, ""):
        if ref.startswith("#") and pointer.follow(document, ref[1:]) is pointer.MISSING:
            problems.add(f"$ref {ref!r} points to nothing")
    return problems


def _apply_action(
    overlay: Overlay,
    action: dict[str, Any],
    at: str,
    document: dict[str, Any],
    target_name: str,
    report: Report,
    changed: list[str],
) -> None:
    matches = list(_ENVIRONMENT.finditer(action["target"], document))
    if not matches:
        report.add("overlay", overlay.file, at, f"{action['target']} selects nothing in {target_name}")
        return
    # Deepest and last first, so removing one node never shifts the index of another.
    for match in sorted(matches, key=_deepest_last, reverse=True):
        changed.append(str(match.pointer()))
        where = f"{target_name}#{pointer.as_fragment(str(match.pointer()))}"
        if action.get("remove") is True:
            _remove(document, match.parts, overlay.file, at)
            report.add("overlay", overlay.file, at, f"removed {where}")
        else:
            _update(match.obj, action["update"], document, match.parts, overlay.file, at)
            report.add("overlay", overlay.file, at, f"updated {where}")


def _deepest_last(match: jsonpath.JSONPathMatch) -> tuple[int, list[tuple[int, int, str]]]:
    """Sort key: depth, then position, indices by number (a key and an index never compare)."""
    return len(match.parts), [(0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in match.parts]


def _parent(document: Any, parts: tuple[Any, ...]) -> Any:
    node = document
    for part in parts[:-1]:
        node = node[part]
    return node


def _remove(document: dict[str, Any], parts: tuple[Any, ...], file: str, at: str) -> None:
    if not parts:
        raise SpecError(file, at, "an overlay cannot remove the whole document")
    parent = _parent(document, parts)
    del parent[parts[-1]]


def _update(node: Any, update: Any, document: dict[str, Any], parts: tuple[Any, ...], file: str, at: str) -> None:
    if isinstance(node, list):
        node.append(copy.deepcopy(update))
    elif isinstance(node, dict) and isinstance(update, dict):
        _merge(node, update)
    elif parts:
        _parent(document, parts)[parts[-1]] = copy.deepcopy(update)
    else:
        raise SpecError(file, pointer.join(at, "update"), "the document root can only be updated with an object")


def _merge(node: dict[str, Any], update: dict[str, Any]) -> None:
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(node.get(key), dict):
            _merge(node[key], value)
        else:
            node[key] = copy.deepcopy(value)
