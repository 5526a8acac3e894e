"""Repairs of the vendor's defects: general rules, each applied to one fragment at a time.

Every rule takes the fragment's document (mutated in place) and a :class:`RepairContext`; it
records each change it makes with a JSON pointer into the fragment as published, and it
changes nothing on a document that does not have its defect, so repairing a repaired document is a
no-op. A defect that cannot be repaired without guessing raises :class:`SpecError` instead.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from . import pointer
from .context import RepairContext
from .errors import SpecError
from .walk import iter_operations, iter_schemas

# OpenAPI 3.0 schema types; 3.1 (JSON Schema 2020-12) adds "null" and lists of types.
_TYPES_30 = frozenset({"string", "number", "integer", "boolean", "array", "object"})
_TYPES_31 = _TYPES_30 | {"null"}

# HTTP gives a GET or HEAD request body no meaning, and a generated client would send one.
_BODYLESS_METHODS = ("get", "head")


def drop_bodyless_request_bodies(document: dict[str, Any], ctx: RepairContext) -> None:
    """Defect: GET operations declare a (required) request body, whose schema type is an en dash.

    A body on GET or HEAD has no defined meaning, servers ignore or reject it, and a generator
    given one makes every call take a ``body`` and send JSON. The body is dropped whatever its
    schema says.
    """
    for _, method, operation, at in iter_operations(document):
        if method in _BODYLESS_METHODS and "requestBody" in operation:
            del operation["requestBody"]
            ctx.record(
                "drop-bodyless-request-body",
                pointer.join(at, "requestBody"),
                f"removed the request body of a {method.upper()} operation",
            )


def reject_invalid_schema_types(document: dict[str, Any], ctx: RepairContext) -> None:
    """Defect: a schema ``type`` that is not a JSON Schema type (the vendor writes an en dash).

    Outside a GET body (which :func:`drop_bodyless_request_bodies` removes first) no type can be
    guessed for such a schema, so this is an error naming the place, never a silent fix.
    """
    allowed = _TYPES_31 if str(document.get("openapi", "")).startswith("3.1") else _TYPES_30
    for schema, at in iter_schemas(document):
        if "type" not in schema:
            continue
        declared = schema["type"]
        candidates = declared if isinstance(declared, list) and allowed is _TYPES_31 else [declared]
        for candidate in candidates:
            if not isinstance(candidate, str) or candidate not in allowed:
                raise SpecError(
                    ctx.file,
                    pointer.join(at, "type"),
                    f"invalid schema type {declared!r}; expected one of {', '.join(sorted(allowed))}",
                )


def hoist_misplaced_required(document: dict[str, Any], ctx: RepairContext) -> None:
    """Defect: an object's ``required`` list sits inside one of its properties' schemas.

    A ``required`` list belongs to the object whose ``properties`` it names. When a property's
    schema holds a list naming its *parent's* properties, the names move up: the whole list when
    every name is a parent property (names the nested object happens to share, such as
    ``currency``, went up with it: the list was written for the parent), otherwise only the names
    the nested object does not define. Names that belong where they are stay there.
    """
    for parent, parent_at in iter_schemas(document):
        parent_properties = parent.get("properties")
        if not isinstance(parent_properties, dict):
            continue
        for name, child in parent_properties.items():
            if not isinstance(child, dict) or not isinstance(child.get("required"), list):
                continue
            names = child["required"]
            own_properties = child.get("properties")
            own: dict[str, Any] = own_properties if isinstance(own_properties, dict) else {}
            foreign = [n for n in names if n not in own]
            if not foreign or any(n not in parent_properties for n in foreign):
                continue
            whole_list = all(n in parent_properties for n in names)
            moving = list(names) if whole_list else foreign
            staying = [n for n in names if n not in moving]
            parent_required = parent.setdefault("required", [])
            parent_required.extend(n for n in moving if n not in parent_required)
            if staying:
                child["required"] = staying
            else:
                del child["required"]
            ctx.record(
                "hoist-misplaced-required",
                pointer.join(parent_at, "properties", name, "required"),
                f"moved {moving} to {pointer.join(parent_at, 'required')}",
            )


def reject_undefined_required(document: dict[str, Any], ctx: RepairContext) -> None:
    """Defect: a ``required`` name that is none of the object's properties.

    Checked after :func:`hoist_misplaced_required`, so whatever is left cannot be placed without
    guessing; linters flag it and generators silently drop it, so it is an error.
    """
    for schema, at in iter_schemas(document):
        properties = schema.get("properties")
        required = schema.get("required")
        if not isinstance(properties, dict) or not isinstance(required, list):
            continue
        if any(keyword in schema for keyword in ("allOf", "anyOf", "oneOf")):
            continue
        undefined = [name for name in required if name not in properties]
        if undefined:
            raise SpecError(
                ctx.file, pointer.join(at, "required"), f"required names {undefined} are not properties here"
            )


def add_missing_response_descriptions(document: dict[str, Any], ctx: RepairContext) -> None:
    """Defect: responses without the ``description`` that OpenAPI 3 requires of every response."""
    for _, _, operation, at in iter_operations(document):
        for status, response in operation.get("responses", {}).items():
            if not isinstance(response, dict) or "$ref" in response or response.get("description"):
                continue
            response["description"] = _status_description(str(status))
            ctx.record(
                "add-response-description",
                pointer.join(at, "responses", status, "description"),
                f"added {response['description']!r}",
            )


def _status_description(status: str) -> str:
    if status == "default":
        return "Unexpected error"
    if len(status) == 3 and status.endswith("XX") and status[0] in "12345":
        return {"1": "Informational", "2": "Success", "3": "Redirection", "4": "Client error", "5": "Server error"}[
            status[0]
        ]
    try:
        return HTTPStatus(int(status)).phrase
    except ValueError:
        return f"HTTP {status}"


# The defect repairs, in the order they run: the en-dash bodies go before types are checked.
DEFECT_REPAIRS = (
    drop_bodyless_request_bodies,
    reject_invalid_schema_types,
    hoist_misplaced_required,
    reject_undefined_required,
    add_missing_response_descriptions,
)
