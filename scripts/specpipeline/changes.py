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

from . import pointer
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

_JSON_MEDIA_TYPE = "application/json"
# Keys a flattened schema carries for this module only (``x-`` keys are never compared).
_REFS = "x-changes-refs"  # every reference followed to build it: the walk stops at one seen above
_ALTERNATIVES = "x-changes-alternatives"  # the types of its oneOf/anyOf alternatives
# Where parameters sort: the order a reader meets them in a URL and a request.
_PARAMETER_LOCATIONS = ("path", "query", "header", "cookie")


@dataclass(frozen=True)
class Change:
    """One change a client could notice: its kind, where it is, what happened, and whether it breaks."""

    kind: str
    location: str
    detail: str
    breaking: bool


@dataclass(frozen=True)
class _Shape:
    """What is compared of one parameter or response field."""

    required: bool
    type: str
    enum: tuple[Any, ...] | None


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
        item = _resolve(document, path_item)
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                parameters = _parameters(document, item.get("parameters"))
                parameters.update(_parameters(document, operation.get("parameters")))
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
    changes.extend(_compare_response_fields(location, _response_fields(old, old_op), _response_fields(new, new_op)))
    return changes


# --- $ref resolution and schema shapes ------------------------------------------------------------


def _resolve(document: dict[str, Any], node: Any) -> Any:
    """Follow local ``$ref`` s from ``node`` to what they name; ``None`` if one dangles or they loop.

    A non-local ``$ref`` cannot be followed and is returned as it is.
    """
    followed: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#"):
        if node["$ref"] in followed:
            return None
        followed.add(node["$ref"])
        node = _follow_pointer(document, node["$ref"][1:])
    return node


def _follow_pointer(document: dict[str, Any], pointer_text: str) -> Any:
    node = pointer.follow(document, pointer_text)
    return None if node is pointer.MISSING else node


def _ref_chain(document: dict[str, Any], node: Any) -> tuple[str, ...]:
    """The local ``$ref`` s followed from ``node`` to a schema, in order (each once)."""
    chain: list[str] = []
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#"):
        if node["$ref"] in chain:
            break
        chain.append(node["$ref"])
        node = _follow_pointer(document, node["$ref"][1:])
    return tuple(chain)


def _flatten_schema(document: dict[str, Any], node: Any, seen: tuple[str, ...]) -> dict[str, Any]:
    """``node`` with ``$ref`` s followed and ``allOf`` merged into one schema object.

    ``oneOf``/``anyOf`` alternatives are combined: their properties united, a property required only
    if every alternative requires it, and the type naming the alternatives' types. ``seen`` holds
    the references being flattened already: meeting one again (a cycle) contributes nothing. The
    result lists under ``x-changes-refs`` every reference followed to build it.
    """
    chain = _ref_chain(document, node)
    if any(ref in seen for ref in chain):
        return {}
    resolved = _resolve(document, node)
    if not isinstance(resolved, dict):
        return dict(node) if isinstance(node, dict) else {}  # a dangling reference stays visible
    seen = seen + chain
    merged: dict[str, Any] = {key: value for key, value in resolved.items() if key != "allOf"}
    refs = list(chain)
    parts = resolved.get("allOf")
    for part in parts if isinstance(parts, list) else []:
        flat = _flatten_schema(document, part, seen)
        refs.extend(flat.pop(_REFS, ()))
        for key, value in flat.items():
            if key == "properties" and isinstance(value, dict):
                merged["properties"] = {**value, **merged.get("properties", {})}
            elif key == "required" and isinstance(value, list):
                merged["required"] = list(dict.fromkeys([*merged.get("required", []), *value]))
            else:
                merged.setdefault(key, value)
    for keyword in ("oneOf", "anyOf"):
        alternatives = merged.get(keyword)
        if isinstance(alternatives, list) and alternatives:
            refs.extend(_combine_alternatives(document, merged, alternatives, seen))
    merged[_REFS] = tuple(dict.fromkeys(refs))
    return merged


def _combine_alternatives(
    document: dict[str, Any], merged: dict[str, Any], alternatives: list[Any], seen: tuple[str, ...]
) -> list[str]:
    """Fold ``oneOf``/``anyOf`` alternatives into ``merged`` (see :func:`_flatten_schema`); return the
    references followed."""
    flats = [_flatten_schema(document, alternative, seen) for alternative in alternatives]
    refs = [ref for flat in flats for ref in flat.pop(_REFS, ())]
    properties: dict[str, Any] = {}
    for flat in flats:
        properties = {**flat.get("properties", {}), **properties}
    if properties:
        merged["properties"] = {**properties, **merged.get("properties", {})}
        everywhere = set.intersection(*(set(flat.get("required", [])) for flat in flats))
        merged["required"] = list(dict.fromkeys([*merged.get("required", []), *sorted(everywhere)]))
    described = [
        _describe(document, flat, seen + _ref_chain(document, alternative), items=True)
        for flat, alternative in zip(flats, alternatives, strict=True)
    ]
    merged[_ALTERNATIVES] = " | ".join(described)
    return refs


def _describe(document: dict[str, Any], schema: dict[str, Any], seen: tuple[str, ...], *, items: bool) -> str:
    """A schema's type as compared: ``string (date-time, nullable)``, ``string enum``, ``array of integer``.

    With ``items`` an array's item type is part of it (parameters); without, array items are
    compared as fields of their own (response bodies). ``seen`` holds the references being
    described already, so that a recursive array reads ``array of (recursive)``.
    """
    declared = schema.get("type")
    if isinstance(declared, list):
        base = "|".join(str(t) for t in declared)
    elif isinstance(declared, str):
        base = declared
    elif _ALTERNATIVES in schema:
        base = f"one of ({schema[_ALTERNATIVES]})"
    elif "properties" in schema:
        base = "object"
    elif "items" in schema:
        base = "array"
    elif isinstance(schema.get("$ref"), str):
        base = f"$ref {schema['$ref']}"
    else:
        base = "any"
    if items and base == "array":
        chain = _ref_chain(document, schema.get("items"))
        if any(ref in seen for ref in chain):
            base = "array of (recursive)"
        else:
            item = _flatten_schema(document, schema.get("items"), seen)
            base = f"array of {_describe(document, item, seen + chain, items=True)}"
    if isinstance(schema.get("enum"), list):
        base += " enum"
    qualifiers = [str(schema["format"])] if schema.get("format") else []
    if schema.get("nullable") is True:
        qualifiers.append("nullable")
    return f"{base} ({', '.join(qualifiers)})" if qualifiers else base


def _shape(
    document: dict[str, Any], schema: dict[str, Any], seen: tuple[str, ...], *, required: bool, items: bool
) -> _Shape:
    enum = schema.get("enum")
    return _Shape(
        required=required,
        type=_describe(document, schema, seen, items=items),
        enum=tuple(enum) if isinstance(enum, list) else None,
    )


# --- parameters -----------------------------------------------------------------------------------


def _parameters(document: dict[str, Any], declared: Any) -> dict[tuple[str, str], _Shape]:
    """Parameters keyed by ``(in, name)``, ``$ref`` s followed; a path parameter is always required."""
    parameters: dict[tuple[str, str], _Shape] = {}
    for entry in declared if isinstance(declared, list) else []:
        parameter = _resolve(document, entry)
        if not isinstance(parameter, dict) or "name" not in parameter or "in" not in parameter:
            continue
        schema_node = parameter.get("schema")
        if schema_node is None and isinstance(parameter.get("content"), dict):
            media: Any = next(iter(parameter["content"].values()), {})
            schema_node = media.get("schema") if isinstance(media, dict) else None
        schema = _flatten_schema(document, schema_node, ())
        required = parameter["in"] == "path" or parameter.get("required") is True
        parameters[(str(parameter["in"]), str(parameter["name"]))] = _shape(
            document, schema, _ref_chain(document, schema_node), required=required, items=True
        )
    return parameters


def _parameter_sort_key(key: tuple[str, str]) -> tuple[int, str]:
    where, name = key
    rank = _PARAMETER_LOCATIONS.index(where) if where in _PARAMETER_LOCATIONS else len(_PARAMETER_LOCATIONS)
    return rank, name


def _compare_parameters(
    operation: str, old: dict[tuple[str, str], _Shape], new: dict[tuple[str, str], _Shape]
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


def _compare_parameter(location: str, before: _Shape, after: _Shape) -> list[Change]:
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


def _success_schema(document: dict[str, Any], operation: dict[str, Any]) -> Any:
    """The JSON schema of the lowest ``2xx`` response that has one, or ``None``."""
    responses = operation.get("responses")
    if not isinstance(responses, dict):
        return None
    for status in sorted(str(status) for status in responses):
        if not status.startswith("2"):
            continue
        response = _resolve(document, responses.get(status, responses.get(_as_int(status))))
        content = response.get("content") if isinstance(response, dict) else None
        if not isinstance(content, dict):
            continue
        for media_type in sorted(content, key=lambda name: (name.split(";")[0].strip() != _JSON_MEDIA_TYPE, name)):
            base = media_type.split(";")[0].strip().lower()
            media = content[media_type]
            if (base == _JSON_MEDIA_TYPE or base.endswith("+json")) and isinstance(media, dict) and "schema" in media:
                return media["schema"]
    return None


def _as_int(status: str) -> int | str:
    return int(status) if status.isdigit() else status


def _response_fields(document: dict[str, Any], operation: dict[str, Any]) -> dict[str, _Shape]:
    """The success body's fields by dotted path (``""`` is the body itself); empty if there is none."""
    schema = _success_schema(document, operation)
    fields: dict[str, _Shape] = {}
    if schema is not None:
        _collect_fields(document, schema, "", True, (), fields)
    return fields


def _collect_fields(
    document: dict[str, Any], node: Any, path: str, required: bool, seen: tuple[str, ...], out: dict[str, _Shape]
) -> None:
    """Record the field at ``path`` and, unless its schema is already being walked above it, its children."""
    schema = _flatten_schema(document, node, ())
    refs: tuple[str, ...] = schema.get(_REFS, ())
    out[path] = _shape(document, schema, seen + refs, required=required, items=False)
    if any(ref in seen for ref in refs):
        return
    seen = seen + refs
    properties = schema.get("properties")
    if isinstance(properties, dict):
        required_names = set(schema.get("required", [])) if isinstance(schema.get("required"), list) else set()
        for name, child in properties.items():
            child_path = f"{path}.{name}" if path else str(name)
            _collect_fields(document, child, child_path, name in required_names, seen, out)
    if "items" in schema:
        _collect_fields(document, schema["items"], f"{path}[]", True, seen, out)


def _is_under(path: str, ancestor: str) -> bool:
    """Whether field ``path`` lies inside field ``ancestor`` (every field lies inside the body, ``""``)."""
    if ancestor == "":
        return path != ""
    return path.startswith((f"{ancestor}.", f"{ancestor}[]"))


def _field_location(operation: str, path: str) -> str:
    return f"{operation} response body" if path == "" else f"{operation} response field {path}"


def _compare_response_fields(operation: str, old: dict[str, _Shape], new: dict[str, _Shape]) -> list[Change]:
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


def _compare_field(location: str, before: _Shape, after: _Shape) -> list[Change]:
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
