"""The API change report: what changed between two merged OpenAPI 3.0 documents, for a client.

:func:`compare` reads two documents (``old`` and ``new``) and lists each change a client of the API
could notice, marked breaking or not; :func:`implied_bump` turns the list into the semantic version
bump it calls for, and :func:`render_markdown` into a section for ``CHANGELOG.md``.

What is compared, per operation (``METHOD /path``):

* the operation itself and its ``operationId`` (which names the generated function);
* its request parameters (path-level ones included, operation-level ones winning), keyed by
  ``in`` and ``name``: presence, ``required``, type and enum values;
* its success body: the JSON schema of the lowest ``2xx`` response with a JSON media type, walked
  recursively into object properties (``a.b``) and array items (``a[]``), ``allOf`` merged and
  ``oneOf``/``anyOf`` alternatives combined: presence, ``required``, type and enum values.

Local ``$ref`` s (``#/...``) are followed, a cycle is followed once. Purely descriptive keywords
(``description``, ``summary``, ``example(s)``, ``title``, ``x-`` extensions) are never compared.
Request bodies, security, headers and error responses are not compared (yet).

Which changes break a client, and why:

* operation removed: breaking (calls start failing); added: not breaking.
* ``operationId`` changed: breaking (the generated function is renamed).
* a model (``components/schemas`` entry) an operation still in the API used is gone, or renamed
  (the same schema under a new name): breaking (the generated class is gone; imports fail).
* parameter added: breaking if required (existing calls lack it), otherwise not.
* parameter removed: always breaking, required or not. The generated function loses the keyword
  argument, so code passing it fails, and the server no longer honours it (a filter that is
  silently ignored returns different data).
* parameter became required: breaking; became optional: not breaking.
* parameter type changed (``type``, ``format``, ``nullable``, array item type, or gaining or
  losing an ``enum``, which turns a plain value into a generated enum class or back): breaking.
* parameter enum value added: not breaking (the client may send more); removed: breaking.
* response field added: not breaking; removed: breaking.
* response field became required: not breaking (a client reading it is fine); became optional:
  breaking (a client may have relied on it always being there).
* response field type changed (same notion of type as for parameters): breaking.
* response enum value added: not breaking, a minor addition. That is what *this* SDK tolerates:
  its generated enums are open (``scripts/specpipeline/templates/str_enum.py.jinja``), so a value
  the spec does not list is kept, readable as ``.value`` and logged once, and no read fails on it.
  Removed: not breaking (the API returns less).

Compared with oasdiff's published rules (``checker/rules.go``, ``docs/BREAKING-CHANGES.md``):
request-parameter-enum-value-removed is ERR and request-parameter-enum-value-added INFO there too;
response-property-enum-value-removed is INFO there as here. We differ on
response-property-enum-value-added, which oasdiff grades WARN ("can be unexpected for clients; use
x-extensible-enum instead") and lists under ``oasdiff breaking``: oasdiff judges the contract for
any client, and only relaxes the rule for schemas marked ``x-extensible-enum``. This report judges
the change for the one client it ships with, whose every enum behaves as ``x-extensible-enum``;
the vendor cannot mark its fragments, so the tolerance lives in the client rather than the spec.
A client with closed enums (another generator's) should still treat the addition as oasdiff does.

Only the topmost added or removed field is reported (not each field under it), and nothing is
reported under a field whose type changed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .changes_schemas import Shape, parameter_shapes, resolve, response_fields
from .walk import HTTP_METHODS, reachable_refs

MAJOR = "major"
MINOR = "minor"
PATCH = "patch"

# Non-breaking changes that give a client something new: they call for a minor release. The other
# non-breaking kinds (a response field becoming required, a response enum value removed) only
# narrow what the API may return, which is a patch.
ADDITIONS = frozenset(
    {
        "operation-added",
        "parameter-added",
        "parameter-optional",
        "parameter-enum-value-added",
        "response-field-added",
        "response-enum-value-added",
    }
)

# Where parameters sort: the order a reader meets them in a URL and a request.
_PARAMETER_LOCATIONS = ("path", "query", "header", "cookie")


@dataclass(frozen=True)
class Change:
    """One change a client could notice: its kind, where it is, what happened, and whether it breaks."""

    kind: str
    location: str
    detail: str
    breaking: bool


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """List the changes from ``old`` to ``new``: operations in path then method order, and within an
    operation its ``operationId``, then its parameters, then its response fields, each sorted."""
    old_operations = _operations(old)
    new_operations = _operations(new)
    changes: list[Change] = []
    for key in sorted(old_operations.keys() | new_operations.keys(), key=_operation_sort_key):
        location = f"{key[1].upper()} {key[0]}"
        if key not in new_operations:
            changes.append(Change("operation-removed", location, "operation removed", breaking=True))
        elif key not in old_operations:
            changes.append(Change("operation-added", location, "operation added", breaking=False))
        else:
            changes.extend(_compare_operation(location, old, old_operations[key], new, new_operations[key]))
    kept = [old_operations[key] for key in sorted(old_operations.keys() & new_operations.keys())]
    return changes + _removed_models(old, new, kept)


def _removed_models(old: dict[str, Any], new: dict[str, Any], kept: list[dict[str, Any]]) -> list[Change]:
    """A model (``components/schemas`` entry) that operations still in the API used and that is gone:
    its generated class disappears, so code importing or constructing it breaks, even when the
    fields are the same under another name (``Owner`` -> ``CreditsResponseOwner``)."""
    prefix = "#/components/schemas/"
    used = {
        ref[len(prefix) :] for operation in kept for ref in reachable_refs(old, operation) if ref.startswith(prefix)
    }
    new_schemas = new.get("components", {}).get("schemas", {})
    old_schemas = old.get("components", {}).get("schemas", {})
    changes = []
    for escaped in sorted(used):
        name = escaped.replace("~1", "/").replace("~0", "~")
        if name in new_schemas or name not in old_schemas:
            continue
        same = sorted(
            other for other, schema in new_schemas.items() if other not in old_schemas and schema == old_schemas[name]
        )
        detail = f"model renamed to {same[0]}" if same else "model removed"
        changes.append(Change("model-removed", f"components/schemas/{name}", detail, breaking=True))
    return changes


def implied_bump(changes: list[Change]) -> str:
    """``major`` if any change breaks a client, ``minor`` if any adds something, else ``patch``."""
    if any(change.breaking for change in changes):
        return MAJOR
    if any(change.kind in ADDITIONS for change in changes):
        return MINOR
    return PATCH


def bump_label(bump: str, version: str) -> str:
    """The bump as a heading says it: before 1.0 a breaking change moves the minor (``cli.bumped``),
    so it is a ``minor bump (breaking, 0.x)``, never a major one the version does not show."""
    if bump == MAJOR and version.split(".", 1)[0] == "0":
        return f"{MINOR} bump (breaking, 0.x)"
    return f"{bump} bump"


def render_markdown(
    changes: list[Change],
    bump: str,
    old_version: str,
    new_version: str,
    *,
    applied: bool = True,
    quarantined: Sequence[str] = (),
) -> str:
    """A ``CHANGELOG.md`` section: a heading with the versions and the bump, then one bullet per
    change, breaking ones first and marked **breaking**, then what was quarantined (left out of the
    spec and the client: a reader of the entry must not think the vendor's operation is there).
    Ends with a newline. Without ``applied`` the heading says the bump is due but the version stays
    ``old_version`` (``--no-bump``)."""
    label = bump_label(bump, old_version)
    heading = f"## API changes {old_version} -> {new_version} ({label})"
    if not applied:
        heading = f"## API changes in {old_version} ({label} due, not applied: --no-bump)"
    lines = [heading, ""]
    if not changes:
        lines.append("- No changes to the API.")
    ordered = [change for change in changes if change.breaking] + [c for c in changes if not c.breaking]
    for change in ordered:
        marker = "**breaking**" if change.breaking else "non-breaking"
        lines.append(f"- {marker}: `{change.location}`: {change.detail}")
    if quarantined:
        lines += ["", QUARANTINED_HEADING, ""]
        lines += [f"- {entry}" for entry in quarantined]
    return "\n".join(lines) + "\n"


#: The line above the quarantined operations in a change report (and vendor-check's).
QUARANTINED_HEADING = "Quarantined (left out of the spec and the client):"


# --- operations ---------------------------------------------------------------------------------


def _operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """Every operation keyed by ``(path, method)``, its path-level parameters merged in."""
    operations: dict[tuple[str, str], dict[str, Any]] = {}
    for path, path_item in document.get("paths", {}).items():
        item = resolve(document, path_item)
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                parameters = parameter_shapes(document, item.get("parameters"))
                parameters.update(parameter_shapes(document, operation.get("parameters")))
                operations[(path, method)] = {**operation, "parameters": parameters}
    return operations


def _operation_sort_key(key: tuple[str, str]) -> tuple[str, int]:
    return key[0], HTTP_METHODS.index(key[1])


def _compare_operation(
    location: str, old: dict[str, Any], old_op: dict[str, Any], new: dict[str, Any], new_op: dict[str, Any]
) -> list[Change]:
    changes: list[Change] = []
    old_id, new_id = old_op.get("operationId"), new_op.get("operationId")
    if old_id != new_id:
        detail = f"operationId {old_id!r} -> {new_id!r}: the generated function is renamed"
        changes.append(Change("operation-id-changed", location, detail, breaking=True))
    changes.extend(_compare_parameters(location, old_op["parameters"], new_op["parameters"]))
    changes.extend(_compare_response_fields(location, response_fields(old, old_op), response_fields(new, new_op)))
    return changes


# --- parameters -----------------------------------------------------------------------------------


def _parameter_sort_key(key: tuple[str, str]) -> tuple[int, str]:
    where, name = key
    rank = _PARAMETER_LOCATIONS.index(where) if where in _PARAMETER_LOCATIONS else len(_PARAMETER_LOCATIONS)
    return rank, name


def _compare_parameters(
    operation: str, old: dict[tuple[str, str], Shape], new: dict[tuple[str, str], Shape]
) -> list[Change]:
    changes: list[Change] = []
    for key in sorted(old.keys() | new.keys(), key=_parameter_sort_key):
        location = f"{operation} {key[0]} parameter {key[1]}"
        before, after = old.get(key), new.get(key)
        if before is None and after is not None:
            if after.required:
                changes.append(Change("parameter-added", location, "required parameter added", breaking=True))
            else:
                changes.append(Change("parameter-added", location, "optional parameter added", breaking=False))
        elif after is None and before is not None:
            which = "required" if before.required else "optional"
            changes.append(Change("parameter-removed", location, f"{which} parameter removed", breaking=True))
        elif before is not None and after is not None:
            changes.extend(_compare_parameter(location, before, after))
    return changes


def _compare_parameter(location: str, before: Shape, after: Shape) -> list[Change]:
    changes: list[Change] = []
    if before.required != after.required:
        if after.required:
            changes.append(Change("parameter-required", location, "parameter became required", breaking=True))
        else:
            changes.append(Change("parameter-optional", location, "parameter became optional", breaking=False))
    if before.type != after.type:
        detail = f"type changed from {before.type} to {after.type}"
        changes.append(Change("parameter-type-changed", location, detail, breaking=True))
    elif before.enum is not None and after.enum is not None:
        for value in _added(before.enum, after.enum):
            detail = f"enum value {_show(value)} added"
            changes.append(Change("parameter-enum-value-added", location, detail, breaking=False))
        for value in _added(after.enum, before.enum):
            detail = f"enum value {_show(value)} removed"
            changes.append(Change("parameter-enum-value-removed", location, detail, breaking=True))
    return changes


# --- response fields ------------------------------------------------------------------------------


def _is_under(path: str, ancestor: str) -> bool:
    """Whether field ``path`` lies inside field ``ancestor`` (every field lies inside the body, ``""``)."""
    if ancestor == "":
        return path != ""
    return path.startswith((f"{ancestor}.", f"{ancestor}[]"))


def _field_location(operation: str, path: str) -> str:
    return f"{operation} response body" if path == "" else f"{operation} response field {path}"


def _compare_response_fields(operation: str, old: dict[str, Shape], new: dict[str, Shape]) -> list[Change]:
    changes: list[Change] = []
    hidden: list[str] = []  # fields added, removed or retyped: nothing under them is reported
    for path in sorted(old.keys() | new.keys()):
        if any(_is_under(path, ancestor) for ancestor in hidden):
            continue
        location = _field_location(operation, path)
        what = "response body" if path == "" else "response field"
        before, after = old.get(path), new.get(path)
        if before is None:
            changes.append(Change("response-field-added", location, f"{what} added", breaking=False))
            hidden.append(path)
        elif after is None:
            changes.append(Change("response-field-removed", location, f"{what} removed", breaking=True))
            hidden.append(path)
        else:
            field_changes = _compare_field(location, before, after)
            if any(change.kind == "response-field-type-changed" for change in field_changes):
                hidden.append(path)
            changes.extend(field_changes)
    return changes


def _compare_field(location: str, before: Shape, after: Shape) -> list[Change]:
    changes: list[Change] = []
    if before.required != after.required:
        if after.required:
            changes.append(Change("response-field-required", location, "field became required", breaking=False))
        else:
            detail = "field is no longer required: it may be absent"
            changes.append(Change("response-field-optional", location, detail, breaking=True))
    if before.type != after.type:
        detail = f"type changed from {before.type} to {after.type}"
        changes.append(Change("response-field-type-changed", location, detail, breaking=True))
    elif before.enum is not None and after.enum is not None:
        for value in _added(before.enum, after.enum):
            detail = f"enum value {_show(value)} added"
            # Not breaking for this SDK: its generated enums are open (see the module docstring).
            changes.append(Change("response-enum-value-added", location, detail, breaking=False))
        for value in _added(after.enum, before.enum):
            detail = f"enum value {_show(value)} removed"
            changes.append(Change("response-enum-value-removed", location, detail, breaking=False))
    return changes


# --- values ---------------------------------------------------------------------------------------


def _added(before: tuple[Any, ...], after: tuple[Any, ...]) -> list[Any]:
    """The values of ``after`` missing from ``before``, in ``after`` 's order (compared as JSON)."""
    known = {_canonical(value) for value in before}
    return [value for value in after if _canonical(value) not in known]


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
