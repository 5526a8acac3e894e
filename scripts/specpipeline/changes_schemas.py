"""What the change report compares, read from one merged document: local ``$ref`` s followed,
schemas flattened (``allOf`` merged, ``oneOf``/``anyOf`` combined), and the shape of each request
parameter and success-body field (:mod:`specpipeline.changes` compares two documents' shapes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import pointer

_JSON_MEDIA_TYPE = "application/json"
# Keys a flattened schema carries for this module only (``x-`` keys are never compared).
_REFS = "x-changes-refs"  # every reference followed to build it: the walk stops at one seen above
_ALTERNATIVES = "x-changes-alternatives"  # the types of its oneOf/anyOf alternatives


@dataclass(frozen=True)
class Shape:
    """What is compared of one parameter or response field."""

    required: bool
    type: str
    enum: tuple[Any, ...] | None


def resolve(document: dict[str, Any], node: Any) -> Any:
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
    resolved = resolve(document, node)
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
) -> Shape:
    enum = schema.get("enum")
    return Shape(
        required=required,
        type=_describe(document, schema, seen, items=items),
        enum=tuple(enum) if isinstance(enum, list) else None,
    )


def parameter_shapes(document: dict[str, Any], declared: Any) -> dict[tuple[str, str], Shape]:
    """Parameters keyed by ``(in, name)``, ``$ref`` s followed; a path parameter is always required."""
    parameters: dict[tuple[str, str], Shape] = {}
    for entry in declared if isinstance(declared, list) else []:
        parameter = resolve(document, entry)
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


def _success_schema(document: dict[str, Any], operation: dict[str, Any]) -> Any:
    """The JSON schema of the lowest ``2xx`` response that has one, or ``None``."""
    responses = operation.get("responses")
    if not isinstance(responses, dict):
        return None
    for status in sorted(str(status) for status in responses):
        if not status.startswith("2"):
            continue
        response = resolve(document, responses.get(status, responses.get(_as_int(status))))
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


def response_fields(document: dict[str, Any], operation: dict[str, Any]) -> dict[str, Shape]:
    """The success body's fields by dotted path (``""`` is the body itself); empty if there is none."""
    schema = _success_schema(document, operation)
    fields: dict[str, Shape] = {}
    if schema is not None:
        _collect_fields(document, schema, "", True, (), fields)
    return fields


def _collect_fields(
    document: dict[str, Any], node: Any, path: str, required: bool, seen: tuple[str, ...], out: dict[str, Shape]
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
