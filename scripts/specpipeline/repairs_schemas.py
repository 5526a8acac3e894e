"""Repairs of the vendor's schema objects: their types, enums, ``nullable`` and ``required`` lists.

Each rule is one of :data:`specpipeline.repairs.DEFECT_REPAIRS`, with the contract stated there.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from . import pointer
from .context import RepairContext
from .errors import SpecError
from .walk import iter_schemas

# OpenAPI 3.0 schema types; 3.1 (JSON Schema 2020-12) adds "null" and lists of types.
_TYPES_30 = frozenset({"string", "number", "integer", "boolean", "array", "object"})
_TYPES_31 = _TYPES_30 | {"null"}

_SCALAR_TYPES = frozenset({"string", "number", "integer", "boolean"})


def keep_nullable_beside_references(document: dict[str, Any], ctx: RepairContext) -> None:
    """Defect: ``nullable: true`` where the generator ignores it, so the model rejects the ``null``
    the vendor says may come: beside a ``$ref`` or an ``allOf`` of one (openapi-python-client
    #1243), and on an enum of numbers whose list lacks ``null`` (#1405).

    The schema becomes ``anyOf: [<the schema without nullable>, {type, nullable, enum: [null]}]``,
    the shape :func:`specpipeline.lift.null_schema` gives lifted objects and enums, which the
    generated field reads as "this or None".
    """
    for schema, at in iter_schemas(document):
        for child, child_at in _child_schemas(schema, at):
            if child.get("nullable") is not True:
                continue
            only_reference = "$ref" in child or (
                isinstance(child.get("allOf"), list) and len(child["allOf"]) == 1 and "properties" not in child
            )
            number_enum = (
                isinstance(child.get("enum"), list) and None not in child["enum"] and child.get("type") != "string"
            )
            if not (only_reference or number_enum):
                continue
            ref = child.get("$ref") or (child.get("allOf") or [{}])[0].get("$ref")
            target = pointer.follow(document, ref[1:]) if isinstance(ref, str) and ref.startswith("#") else child
            kind = target.get("type", "object") if isinstance(target, dict) else "object"
            kept = {key: child.pop(key) for key in list(child) if key in ("description", "example", "title")}
            child.pop("nullable")
            value = {"$ref": ref} if only_reference and isinstance(ref, str) else dict(child)
            child.clear()
            child.update(kept)
            child["anyOf"] = [value, {"type": kind, "nullable": True, "enum": [None]}]
            ctx.record("keep-nullable-beside-reference", pointer.join(child_at, "nullable"), "null allowed (anyOf)")


def _child_schemas(schema: dict[str, Any], at: str) -> Iterator[tuple[dict[str, Any], str]]:
    """The schema objects directly inside ``schema``, with their pointers."""
    properties = schema.get("properties")
    for name, child in properties.items() if isinstance(properties, dict) else []:
        if isinstance(child, dict):
            yield child, pointer.join(at, "properties", name)
    for keyword in ("items", "additionalProperties", "not"):
        if isinstance(schema.get(keyword), dict):
            yield schema[keyword], pointer.join(at, keyword)
    for keyword in ("allOf", "anyOf", "oneOf"):
        members = schema.get(keyword)
        for index, child in enumerate(members if isinstance(members, list) else []):
            if isinstance(child, dict):
                yield child, pointer.join(at, keyword, index)


def reject_invalid_schema_types(document: dict[str, Any], ctx: RepairContext) -> None:
    """Defect: a schema ``type`` that is not a JSON Schema type (the vendor writes an en dash).

    Outside a GET body (which :func:`drop_bodyless_request_bodies` removes first) no type can be
    guessed for such a schema, so this is an error naming the place, never a silent fix. So are an
    enum value of another type than the enum's and a ``nullable`` that is not a boolean.
    """
    allowed = _TYPES_31 if str(document.get("openapi", "")).startswith("3.1") else _TYPES_30
    for schema, at in iter_schemas(document):
        if "nullable" in schema and not isinstance(schema["nullable"], bool):
            raise SpecError(
                ctx.file, pointer.join(at, "nullable"), f"nullable must be true or false, not {schema['nullable']!r}"
            )
        _check_enum_values(schema, at, ctx)
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


_ENUM_VALUE_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
}


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "string" if isinstance(value, str) else type(value).__name__


def _check_enum_values(schema: dict[str, Any], at: str, ctx: RepairContext) -> None:
    """An enum's values must be of its type (null aside): a generated enum class has one type. An
    enum with no type must still hold one type of value (``[1, "two"]`` is no enum class)."""
    values = schema.get("enum")
    if isinstance(values, list) and "type" not in schema:
        kinds = sorted({_json_type(value) for value in values if value is not None})
        if len(kinds) > 1:
            raise SpecError(ctx.file, pointer.join(at, "enum"), f"an enum of mixed types ({', '.join(kinds)})")
    expected = _ENUM_VALUE_TYPES.get(str(schema.get("type")))
    if not isinstance(values, list) or expected is None:
        return
    for index, value in enumerate(values):
        wrong_bool = isinstance(value, bool) and bool not in expected
        if value is not None and (wrong_bool or not isinstance(value, expected)):
            raise SpecError(ctx.file, pointer.join(at, "enum", index), f"{value!r} is not a {schema['type']}")


def hoist_misplaced_required(document: dict[str, Any], ctx: RepairContext) -> None:
    """Defect: an object's ``required`` list sits inside one of its properties' schemas.

    A ``required`` list belongs to the object whose ``properties`` it names. When a property's
    schema holds a list naming its *parent's* properties, the names move up: the whole list when
    every name is a parent property (names the nested object happens to share, such as
    ``currency``, went up with it: the list was written for the parent), otherwise the parent's
    names the nested object does not define. Names that belong where they are stay there, and
    names of neither are left to :func:`lower_misplaced_required`.
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
            upward = [n for n in names if n not in own and n in parent_properties]
            if not upward:
                continue
            whole_list = all(n in parent_properties for n in names)
            moving = list(names) if whole_list else upward
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


def move_required_out_of_properties(document: dict[str, Any], ctx: RepairContext) -> None:
    """Defect: a ``required`` list written as a member of ``properties``.

    ``"properties": {"a": {…}, "required": ["a"]}`` declares a property named ``required`` whose
    schema is an array of strings, which is no schema at all: the list was meant for the object.
    Its names join the object's ``required`` (names that are no property are caught by
    :func:`reject_undefined_required`). A list holding anything but strings cannot be read.
    """
    for schema, at in iter_schemas(document):
        properties = schema.get("properties")
        if not isinstance(properties, dict) or not isinstance(properties.get("required"), list):
            continue
        names = properties["required"]
        misplaced_at = pointer.join(at, "properties", "required")
        if not all(isinstance(name, str) for name in names):
            raise SpecError(ctx.file, misplaced_at, "a list of non-strings where a property schema belongs")
        del properties["required"]
        own = schema.setdefault("required", [])
        own.extend(name for name in names if name not in own)
        ctx.record("required-in-properties", misplaced_at, f"moved {names} to {pointer.join(at, 'required')}")


def lower_misplaced_required(document: dict[str, Any], ctx: RepairContext) -> None:
    """Defect: a ``required`` list one level too high, naming the properties of a child.

    An object whose ``required`` names properties it does not have, all of which one of its
    properties defines (or an array property's items, or, on an array, its ``items``), meant that
    child: the names move down.
    When no child, or more than one, defines them all, nothing moves and
    :func:`reject_undefined_required` reports it.
    """
    for schema, at in iter_schemas(document):
        required = schema.get("required")
        if not isinstance(required, list) or any(k in schema for k in ("allOf", "anyOf", "oneOf")):
            continue
        properties = schema.get("properties")
        own: dict[str, Any] = properties if isinstance(properties, dict) else {}
        foreign = [name for name in required if name not in own]
        if not foreign:
            continue
        children = [(pointer.join(at, "properties", n), c) for n, c in own.items() if isinstance(c, dict)]
        # An array property's items are one level down too: the list was written for them.
        children += [(pointer.join(at, "properties", n, "items"), c["items"]) for n, c in own.items() if _has_items(c)]
        if isinstance(schema.get("items"), dict):
            children.append((pointer.join(at, "items"), schema["items"]))
        homes = [
            (child_at, child)
            for child_at, child in children
            if isinstance(child.get("properties"), dict) and all(n in child["properties"] for n in foreign)
        ]
        if len(homes) != 1:
            continue
        home_at, home = homes[0]
        home_required = home.setdefault("required", [])
        home_required.extend(name for name in foreign if name not in home_required)
        staying = [name for name in required if name in own]
        if staying:
            schema["required"] = staying
        else:
            del schema["required"]
        ctx.record("lower-misplaced-required", pointer.join(at, "required"), f"moved {foreign} to {home_at}/required")


def _has_items(schema: Any) -> bool:
    return isinstance(schema, dict) and isinstance(schema.get("items"), dict)


def reject_undefined_required(document: dict[str, Any], ctx: RepairContext) -> None:
    """Defect: a ``required`` name that is none of the object's properties.

    Checked after :func:`hoist_misplaced_required`, so whatever is left cannot be placed without
    guessing; linters flag it and generators silently drop it, so it is an error.
    """
    for schema, at in iter_schemas(document):
        properties = schema.get("properties")
        required = schema.get("required")
        if isinstance(required, list) and schema.get("type") in _SCALAR_TYPES:
            raise SpecError(ctx.file, pointer.join(at, "required"), f"a required list {required} on a {schema['type']}")
        if not isinstance(properties, dict) or not isinstance(required, list):
            continue
        if any(keyword in schema for keyword in ("allOf", "anyOf", "oneOf")):
            continue
        undefined = [name for name in required if name not in properties]
        if undefined:
            raise SpecError(
                ctx.file, pointer.join(at, "required"), f"required names {undefined} are not properties here"
            )
