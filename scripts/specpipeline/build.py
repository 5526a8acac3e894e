"""Fragments in, one repaired, validated OpenAPI document out, with unrepairable operations left out.

The order, which ``README.md`` documents:

1. fragment overlays (``extends: <fragment file>``), each on its fragment as published;
2. per fragment, the defect repairs then the enrichments (:mod:`.repairs`, :mod:`.enrich`);
3. naming of every lifted schema, all fragments together (:mod:`.lift`);
4. the merge, then document overlays (no ``extends``), then dropping unused components;
5. validation with openapi-spec-validator.

A defect a rule cannot repair without guessing raises :class:`SpecError` with the fragment's file and
pointer. When that pointer lies inside an operation (or a path item, or a component some operations
use), those operations are *quarantined*: left out, reported with the reason, and the build starts
again without them. A problem of the file as a whole (not JSON, not OpenAPI, an ``info`` the
fragments disagree on) stops the build. Fragments are processed in an order fixed by their content,
so neither their file names nor the order they are given in changes the output.
"""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import pointer
from .context import RepairContext
from .enrich import ENRICHMENTS, choose_bearer_scheme, operation_id_claims
from .errors import ReferenceLoopError, SpecError, located, loop_text, shorten
from .fragments import Fragment, load_fragments
from .generate import LeftOut
from .lift import LiftTable
from .merge import ConflictError, canonical_order, drop_unused_components, merge_fragments
from .overlay import Overlay, apply_overlay, load_overlays
from .repairs import DEFECT_REPAIRS
from .report import Report
from .walk import HTTP_METHODS, iter_operations, reachable_refs

MERGED_NAME = "openapi.json"
# The validator's messages start with the offending value's repr: a one-line refusal names the place.
_DUPLICATE_ID = re.compile(r"Operation ID '[^']*' for '(?P<method>\w+)' in '(?P<path>[^']*)' is not unique")
_VALUE_REPR = re.compile(r"^[\[{'\"].*?\S(?= is | does | has )")
EDITORIAL_NAME = "spec/editorial.yaml"


@dataclass(frozen=True, order=True)
class Quarantined:
    """An operation left out of the document: where its defect is, and why."""

    file: str
    pointer: str
    operation: str  # "METHOD /path", or "components/<section>/<name>" for an unused broken component
    reason: str

    def __str__(self) -> str:
        # The place is whole; a long path is cut in the middle so that the reason is not.
        return located(self.file, self.pointer, f"{shorten(self.operation, 60)} left out: {self.reason}")


@dataclass
class BuildResult:
    document: dict[str, Any]
    text: str
    report: Report
    quarantined: list[Quarantined] = field(default_factory=list)
    # Corrections that did not apply (an overlay whose fragment is gone): loud, and --strict fails.
    unapplied: list[str] = field(default_factory=list)


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


def build_document(
    fragments: Sequence[Fragment],
    editorial: dict[str, Any],
    overlays: Sequence[Overlay] = (),
    merged_name: str = MERGED_NAME,
    left_out: Sequence[Quarantined] = (),
) -> BuildResult:
    """Repair each fragment, merge them, and validate the result, leaving out the operations of
    ``left_out`` too (those the generator cannot generate). Raises :class:`SpecError` for a problem
    no quarantine can contain."""
    ordered = sorted(fragments, key=lambda f: json.dumps(f.document, sort_keys=True, ensure_ascii=False))
    report = Report()
    unapplied: list[str] = []
    published = _apply_fragment_overlays(ordered, overlays, report, unapplied)
    excluded: dict[tuple[str, str, str], Quarantined] = {(e.file, e.operation, e.pointer): e for e in left_out}
    while True:
        try:
            result = _build_once(published, editorial, overlays, merged_name, excluded)
        except _Quarantine as quarantine:
            new = {(e.file, e.operation, e.pointer) for e in quarantine.entries} - excluded.keys()
            if not new:  # the same defect again: quarantine cannot contain it
                first = quarantine.entries[0]
                raise SpecError(first.file, first.pointer, first.reason) from None
            for entry in quarantine.entries:
                excluded[(entry.file, entry.operation, entry.pointer)] = entry
            continue
        result.quarantined = sorted(excluded.values())
        result.unapplied = unapplied
        if result.quarantined and not any(_operations_of(result.document)):
            first = result.quarantined[0]  # nothing left to regenerate: that is a refusal
            raise SpecError(first.file, first.pointer, first.reason)
        report.repairs.extend(result.report.repairs)
        result.report = report
        for entry in result.quarantined:
            report.add("quarantine", entry.file, entry.pointer, f"{entry.operation} left out: {entry.reason}")
        return result


class _Quarantine(Exception):
    def __init__(self, entries: list[Quarantined]) -> None:
        super().__init__(entries)
        self.entries = entries


def _apply_fragment_overlays(
    fragments: list[Fragment], overlays: Sequence[Overlay], report: Report, unapplied: list[str]
) -> list[Fragment]:
    names = {Path(fragment.name).name: fragment for fragment in fragments}
    documents = {fragment.name: copy.deepcopy(fragment.document) for fragment in fragments}
    for overlay in overlays:
        if overlay.extends is None:
            continue
        target = names.get(Path(overlay.extends).name)
        if target is None:  # renamed or dropped by the vendor: the correction no longer applies
            detail = f"no fragment named {overlay.extends!r}: not applied"
            report.add("overlay", overlay.file, "/extends", detail)
            unapplied.append(located(overlay.file, "/extends", detail))
            continue
        apply_overlay(overlay, documents[target.name], target.name, report)
    return [Fragment(name=fragment.name, document=documents[fragment.name]) for fragment in fragments]


def _build_once(
    fragments: list[Fragment],
    editorial: dict[str, Any],
    overlays: Sequence[Overlay],
    merged_name: str,
    excluded: dict[tuple[str, str, str], Quarantined],
) -> BuildResult:
    report = Report()
    inputs = [_without(fragment, excluded) for fragment in fragments]
    bearer = choose_bearer_scheme([fragment.document for fragment in inputs], editorial)
    shared_ids = _shared_operation_ids(inputs, editorial)
    id_claims = operation_id_claims([fragment.document for fragment in inputs], editorial, shared_ids)
    lifts = LiftTable(reserved={str(editorial["error_schema_name"])})
    repaired: list[Fragment] = []
    for fragment in inputs:
        ctx = RepairContext(
            file=fragment.name,
            report=Report(),
            editorial=editorial,
            bearer_scheme=bearer,
            shared_ids=shared_ids,
            id_claims=id_claims,
        )
        document = copy.deepcopy(fragment.document)
        try:
            _repair(document, ctx)
        except SpecError as exc:
            raise _Quarantine(_contain(fragment, exc)) from None
        except _MALFORMED as exc:
            raise _Quarantine(_malformed_operations(fragment, ctx, exc)) from None
        declared = document.get("components", {}).get("schemas", {})
        lifts.reserved.update(declared if isinstance(declared, dict) else {})
        lifts.absorb(ctx.lifts)
        report.repairs.extend(ctx.report.repairs)
        repaired.append(Fragment(name=fragment.name, document=document))
    try:
        lifts.assign_names(report)
    except SpecError as exc:
        raise _Quarantine(_contain(_named(inputs, exc.file), exc)) from None
    repaired = [Fragment(name=f.name, document=lifts.resolve(f.document)) for f in repaired]
    origin: dict[str, str] = {}
    try:
        merged = merge_fragments(repaired, editorial, origin, report)
    except ConflictError as exc:
        mirrored = ConflictError(exc.other_file, exc.pointer, exc.file)  # each side names the other
        entries = _contain(_named(inputs, exc.file), exc) + _contain(_named(inputs, exc.other_file), mirrored)
        raise _Quarantine(entries) from None
    schemas = merged["components"].setdefault("schemas", {})
    for name, schema in lifts.components.items():
        schemas[name] = schema
    document_overlays = [overlay for overlay in overlays if overlay.extends is None]
    before_overlays = copy.deepcopy(merged) if document_overlays else None
    for overlay in document_overlays:  # what it changes, it answers for
        origin.update(dict.fromkeys(apply_overlay(overlay, merged, merged_name, report), overlay.file))
    drop_unused_components(merged, report, merged_name)
    merged = canonical_order(merged)
    try:
        validate(merged, merged_name)
    except SpecError as exc:
        if before_overlays is not None:
            _blame_document_overlays(before_overlays, document_overlays, merged_name, exc)
        file, at = _origin_of(exc.pointer, origin, lifts)
        if file in {fragment.name for fragment in inputs}:
            raise _Quarantine(_contain(_named(inputs, file), SpecError(file, at, exc.message))) from None
        raise SpecError(file, at, exc.message) from None
    return BuildResult(document=merged, text=serialize(merged), report=report)


def _blame_document_overlays(
    before: dict[str, Any], overlays: list[Overlay], merged_name: str, error: SpecError
) -> None:
    """Raise ``error`` against the first document overlay action after which the merged document
    is invalid, when it was valid before them: the overlay, not the vendor, broke it."""

    def valid_after(actions: list[tuple[Overlay, int]]) -> bool:
        document = copy.deepcopy(before)
        for overlay, count in actions:
            apply_overlay(Overlay(overlay.file, None, overlay.actions[:count]), document, merged_name, Report())
        drop_unused_components(document, Report(), merged_name)
        try:
            validate(canonical_order(document), merged_name)
        except SpecError:
            return False
        return True

    if not valid_after([]):
        return
    done: list[tuple[Overlay, int]] = []
    for overlay in overlays:
        for index in range(len(overlay.actions)):
            if not valid_after([*done, (overlay, index + 1)]):
                raise SpecError(overlay.file, pointer.join("", "actions", index), error.message) from None
        done.append((overlay, len(overlay.actions)))


def _operations_of(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        item[method]
        for item in document.get("paths", {}).values()
        if isinstance(item, dict)
        for method in HTTP_METHODS
        if isinstance(item.get(method), dict)
    ]


# What a rule raises when a part of a fragment has the wrong shape (a list where an object belongs):
# the operations it happens in are found by repairing each alone, and quarantined.
_MALFORMED = (AttributeError, TypeError, KeyError, IndexError, ValueError)


def _repair(document: dict[str, Any], ctx: RepairContext) -> None:
    for rule in (*DEFECT_REPAIRS, *ENRICHMENTS):
        rule(document, ctx)


def _malformed_operations(fragment: Fragment, ctx: RepairContext, error: Exception) -> list[Quarantined]:
    """The operations of ``fragment`` that the rules cannot read, each repaired alone to find them."""
    entries = []
    for path, path_item in fragment.document["paths"].items():
        members = [m for m in HTTP_METHODS if m in path_item] if isinstance(path_item, dict) else ["*"]
        for method in members:
            single = copy.deepcopy(fragment.document)
            single["paths"] = {path: path_item if method == "*" else {**path_item, **{method: path_item[method]}}}
            if isinstance(path_item, dict):
                for other in HTTP_METHODS:
                    if other != method:
                        single["paths"][path].pop(other, None)
            alone = RepairContext(
                file=ctx.file, report=Report(), editorial=ctx.editorial, bearer_scheme=ctx.bearer_scheme
            )
            try:
                _repair(single, alone)
            except (SpecError, *_MALFORMED) as exc:
                at = pointer.join("", "paths", path, *([] if method == "*" else [method]))
                reason = (
                    f"cannot be read: {type(exc).__name__}: {exc}" if not isinstance(exc, SpecError) else exc.message
                )
                entries.append(Quarantined(fragment.name, at, f"{method.upper()} {path}", reason))
    if not entries:
        raise SpecError(fragment.name, "", f"cannot be read: {type(error).__name__}: {error}") from None
    return entries


def _shared_operation_ids(fragments: list[Fragment], editorial: dict[str, Any]) -> frozenset[str]:
    """The vendor's operationIds that more than one operation carries (a copy-paste), and those the
    editorial file gives an operation: an operation without an entry keeps none of these."""
    counts = Counter(
        item[method].get("operationId")
        for fragment in fragments
        for item in fragment.document["paths"].values()
        if isinstance(item, dict)
        for method in HTTP_METHODS
        if isinstance(item.get(method), dict)
    )
    entries = editorial.get("operations", {})
    taken = {entry.get("operationId") for entry in entries.values() if isinstance(entry, dict)}
    return frozenset(key for key, count in counts.items() if isinstance(key, str) and count > 1) | frozenset(
        key for key in taken if isinstance(key, str)
    )


def _named(fragments: list[Fragment], name: str) -> Fragment:
    return next(fragment for fragment in fragments if fragment.name == name)


def _without(fragment: Fragment, excluded: dict[tuple[str, str, str], Quarantined]) -> Fragment:
    """``fragment`` with its quarantined operations (and broken unused components) taken out."""
    entries = [entry for (file, _, _), entry in excluded.items() if file == fragment.name]
    if not entries:
        return fragment
    document = copy.deepcopy(fragment.document)
    for entry in entries:
        if entry.operation.startswith("components/"):
            _, section, name = entry.operation.split("/", 2)
            document.get("components", {}).get(section, {}).pop(name, None)
            continue
        method, path = entry.operation.split(" ", 1)
        path_item = document["paths"].get(path)
        if isinstance(path_item, dict) and method != "*":
            path_item.pop(method.lower(), None)
            if not any(m in path_item for m in HTTP_METHODS):
                del document["paths"][path]
        elif path in document["paths"]:
            del document["paths"][path]
    return Fragment(name=fragment.name, document=document)


def generator_quarantine(fragments: Sequence[Fragment], left_out: LeftOut) -> list[Quarantined]:
    """The operation the generator left out (or left a response of out), in each fragment that
    defines it, pointing at the response when it was one, with the generator's reason."""
    entries = []
    method = left_out.method.lower()
    for fragment in fragments:
        path_item = fragment.document.get("paths", {}).get(left_out.path)
        operation = path_item.get(method) if isinstance(path_item, dict) else None
        if not isinstance(operation, dict):
            continue
        at = pointer.join("", "paths", left_out.path, method)
        responses = operation.get("responses")
        if left_out.status is not None and isinstance(responses, dict) and left_out.status in responses:
            at = pointer.join(at, "responses", left_out.status)
        entries.append(Quarantined(fragment.name, at, f"{left_out.method} {left_out.path}", left_out.reason))
    return entries


def _contain(fragment: Fragment, error: SpecError) -> list[Quarantined]:
    """The operations to leave out for ``error`` in ``fragment``, or raise it if none contain it."""
    if isinstance(error, ReferenceLoopError):
        return _contain_loop(fragment, error)
    tokens = _tokens(error.pointer)
    document = fragment.document
    paths = document.get("paths", {})
    operations: list[tuple[str, str]] = []
    if len(tokens) >= 2 and tokens[0] == "paths" and tokens[1] in paths and not isinstance(paths[tokens[1]], dict):
        return [Quarantined(fragment.name, error.pointer, f"* {tokens[1]}", error.message)]
    if len(tokens) >= 2 and tokens[0] == "paths" and isinstance(paths.get(tokens[1]), dict):
        path_item = paths[tokens[1]]
        if len(tokens) >= 3 and tokens[2] in HTTP_METHODS and tokens[2] in path_item:
            operations = [(tokens[1], tokens[2])]
        else:
            operations = [(tokens[1], method) for method in HTTP_METHODS if isinstance(path_item.get(method), dict)]
    elif len(tokens) >= 3 and tokens[0] == "components":
        target = f"#/components/{pointer.escape(tokens[1])}/{pointer.escape(tokens[2])}"
        operations = [
            (path, method)
            for path, path_item in paths.items()
            if isinstance(path_item, dict)
            for method in HTTP_METHODS
            if isinstance(path_item.get(method), dict) and target in reachable_refs(document, path_item[method])
        ]
        if not operations:
            return [Quarantined(fragment.name, error.pointer, f"components/{tokens[1]}/{tokens[2]}", error.message)]
    if not operations:
        raise error
    return [
        Quarantined(fragment.name, error.pointer, f"{method.upper()} {path}", error.message)
        for path, method in operations
    ]


def _contain_loop(fragment: Fragment, error: ReferenceLoopError) -> list[Quarantined]:
    """Every member of a ``$ref`` loop, and every operation and component that reaches one, left out
    at once, each saying how it is part of the loop: one left out alone would leave the $refs to it
    dangling, which the next pass would report as pointing at nothing. A member is blamed at its
    ``$ref`` to the next one; a component holds a member when the member is it or lies inside it."""
    document = fragment.document
    members = set(error.loop)
    through = f" through {error.through}" if error.through else ""
    entries = []
    for path, method, operation, at in iter_operations(document):
        # Parameters of the path item belong to each of its operations too.
        reached = reachable_refs(document, [document["paths"][path].get("parameters"), operation])
        if reached & members:
            where = error.pointer if error.pointer.startswith(at + "/") else at
            reason = error.message if where == error.pointer else f"uses the $ref loop {loop_text(error.loop)}"
            entries.append(Quarantined(fragment.name, where, f"{method.upper()} {path}", reason))
    components = document.get("components")
    for section, items in components.items() if isinstance(components, dict) else ():
        for name, node in items.items() if isinstance(items, dict) else ():
            at = pointer.join("", "components", section, name)
            held = [i for i, member in enumerate(error.loop) if member[1:] == at or member[1:].startswith(at + "/")]
            if held:
                first = held[0]
                link = error.links[first] if first < len(error.links) else f"{at}/$ref"
                reason = f"part of the $ref loop {loop_text(error.loop, first)}{through}"
                entries.append(Quarantined(fragment.name, link, f"components/{section}/{name}", reason))
            elif reachable_refs(document, node) & members:
                reason = f"uses the $ref loop {loop_text(error.loop)}"
                entries.append(Quarantined(fragment.name, at, f"components/{section}/{name}", reason))
    if not entries:
        raise error
    return entries


def _tokens(pointer_text: str) -> list[str]:
    return [raw.replace("~1", "/").replace("~0", "~") for raw in pointer_text.split("/")[1:]]


def _origin_of(merged_pointer: str, origin: dict[str, str], lifts: LiftTable) -> tuple[str, str]:
    """Where the node at ``merged_pointer`` came from: a fragment's file and pointer, or the
    editorial file for what it contributes. Never the merged document."""
    tokens = _tokens(merged_pointer)
    if len(tokens) >= 3 and tokens[:2] == ["components", "schemas"]:
        lifted = [o for o in lifts.occurrences.values() if o.name == tokens[2]]
        if lifted:
            first = min(lifted, key=lambda o: o.order)
            return first.file, pointer.join(first.at, *tokens[3:])
    for length in range(len(tokens), 0, -1):
        prefix = pointer.join("", *tokens[:length])
        if prefix in origin:
            return origin[prefix], merged_pointer
    return EDITORIAL_NAME, _editorial_pointer(tokens)


def _editorial_pointer(tokens: list[str]) -> str:
    if tokens[:1] == ["info"] or tokens[:1] == ["tags"]:
        return pointer.join("", *tokens)
    if tokens[:2] == ["components", "responses"]:
        return "/error_responses"
    if tokens[:2] == ["components", "schemas"]:
        return pointer.join("/error_schema", *tokens[3:])
    if tokens[:2] == ["components", "securitySchemes"]:
        return "/security_scheme"
    return ""


def build_from_directory(fragments_dir: Path, editorial_path: Path, overlays_dir: Path | None = None) -> BuildResult:
    overlays = load_overlays(overlays_dir) if overlays_dir is not None else []
    return build_document(load_fragments(fragments_dir), load_editorial(editorial_path), overlays)


def serialize(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def validate(document: dict[str, Any], name: str) -> None:
    """The merged document must pass openapi-spec-validator before anything is written."""
    from openapi_spec_validator import validate as validate_spec
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
    from referencing.exceptions import Unresolvable

    try:
        validate_spec(document)
    except (RecursionError, Unresolvable) as exc:  # a reference the rules let through: never a traceback
        raise SpecError(name, "", f"the validator cannot read the document: {type(exc).__name__}") from None
    except OpenAPIValidationError as exc:
        at = pointer.from_tokens(getattr(exc, "path", None) or ())
        message = str(exc.message).splitlines()[0] if exc.message else "invalid"
        duplicate = _DUPLICATE_ID.search(message)
        if not at and duplicate is not None:  # the validator gives no path for this one
            at = pointer.join("", "paths", duplicate.group("path"), duplicate.group("method"), "operationId")
        instance = repr(getattr(exc, "instance", None))
        value = _VALUE_REPR.match(message)
        if str(exc.message).startswith(instance) and (len(instance) > 30 or instance[0] in "[{"):
            message = "the value" + str(exc.message)[len(instance) :].splitlines()[0]
        elif value is not None and (len(value.group()) > 30 or value.group()[0] in "[{"):
            message = "the value" + message[value.end() :]
        raise SpecError(name, at, f"the repaired document is not valid OpenAPI: {message}") from None
