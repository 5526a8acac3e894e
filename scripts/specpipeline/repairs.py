"""Repairs of the vendor's defects: general rules, each applied to one fragment at a time.

Every rule takes the fragment's document (mutated in place) and a :class:`RepairContext`; it
records each change it makes with a JSON pointer into the fragment as published, and it
changes nothing on a document that does not have its defect, so repairing a repaired document is a
no-op. A defect that cannot be repaired without guessing raises :class:`SpecError` instead.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from . import pointer
from .context import RepairContext
from .errors import ReferenceLoopError, SpecError
from .walk import iter_operations, iter_references, iter_schemas

# OpenAPI 3.0 schema types; 3.1 (JSON Schema 2020-12) adds "null" and lists of types.
_TYPES_30 = frozenset({"string", "number", "integer", "boolean", "array", "object"})
_TYPES_31 = _TYPES_30 | {"null"}

_SCALAR_TYPES = frozenset({"string", "number", "integer", "boolean"})

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


_TEMPLATE_VARIABLE = re.compile(r"\{([^{}]+)\}")


def declare_path_parameters(document: dict[str, Any], ctx: RepairContext) -> None:
    """Defect: a path template variable with no declared parameter, or one declared optional.

    OpenAPI requires every ``{variable}`` of the path to be declared ``in: path`` with
    ``required: true``; generators drop an undeclared one and send the literal braces. The
    missing declaration is added (a required string, what the template itself says), and an
    optional one made required.
    """
    for path, _, operation, at in iter_operations(document):
        declared = _path_parameters(document, path, operation, at)
        for name, (parameter, parameter_at) in declared.items():
            if name in _TEMPLATE_VARIABLE.findall(path) and parameter.get("required") is not True:
                parameter["required"] = True
                ctx.record("declare-path-parameter", pointer.join(parameter_at, "required"), f"{name!r} made required")
        for name in _TEMPLATE_VARIABLE.findall(path):
            if name not in declared:
                parameters = operation.setdefault("parameters", [])
                parameters.append({"name": name, "in": "path", "required": True, "schema": {"type": "string"}})
                ctx.record(
                    "declare-path-parameter",
                    pointer.join(at, "parameters", len(parameters) - 1),
                    f"declared {{{name}}} of the path as a required string",
                )


def reject_unmatched_path_parameters(document: dict[str, Any], ctx: RepairContext) -> None:
    """Defect: a parameter declared ``in: path`` whose name the path template does not contain.

    The value would never reach the server: was the path meant to end in ``/{name}``, or is the
    parameter a query parameter? Either is a guess, so the operation is quarantined (an overlay
    can say which one the vendor meant).
    """
    for path, _, operation, at in iter_operations(document):
        variables = _TEMPLATE_VARIABLE.findall(path)
        for name, (_, parameter_at) in _path_parameters(document, path, operation, at).items():
            if name not in variables:
                raise SpecError(ctx.file, parameter_at, f"path parameter {name!r} is not in the path template {path!r}")


def _path_parameters(
    document: dict[str, Any], path: str, operation: dict[str, Any], operation_at: str
) -> dict[str, tuple[dict[str, Any], str]]:
    """``name -> (parameter, pointer)`` of the ``in: path`` parameters, operation-level ones winning."""
    found: dict[str, tuple[dict[str, Any], str]] = {}
    path_item = document["paths"][path]
    for holder, base in ((path_item, pointer.join("", "paths", path)), (operation, operation_at)):
        parameters = holder.get("parameters")
        for index, written in enumerate(parameters if isinstance(parameters, list) else []):
            parameter, parameter_at = _followed(document, written, pointer.join(base, "parameters", index))
            if isinstance(parameter, dict) and parameter.get("in") == "path" and isinstance(parameter.get("name"), str):
                found[parameter["name"]] = (parameter, parameter_at)
    return found


def _followed(document: dict[str, Any], node: Any, at: str) -> tuple[Any, str]:
    """``node``, or what its local ``$ref`` (``#/components/parameters/Account``) names, and where."""
    seen: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#"):
        if node["$ref"] in seen:
            break
        seen.add(node["$ref"])
        at = node["$ref"][1:]
        node = pointer.follow(document, at)
    return node, at


def reject_malformed_path_items(document: dict[str, Any], ctx: RepairContext) -> None:
    """Defect: a path whose item is not an object, so no operation can be read from it, or whose
    key does not start with ``/`` (is ``users`` ``/users`` or a typo for ``/v1/users``? a guess)."""
    for path, path_item in document["paths"].items():
        if not isinstance(path_item, dict):
            raise SpecError(ctx.file, pointer.join("", "paths", path), "a path item must be an object")
        if not path.startswith(("/", "x-")):
            raise SpecError(ctx.file, pointer.join("", "paths", path), f"a path must start with '/': {path!r}")


# A template variable, well formed or empty; what is left once they are taken out has no brace.
_TEMPLATE_PART = re.compile(r"\{([^{}]*)\}")


def reject_malformed_path_templates(document: dict[str, Any], ctx: RepairContext) -> None:
    """Defect: a path template with an empty variable (``/v9/things/{}``, ``{ }``), a brace
    without its pair (``{id``, ``id}``, ``{{id}}``), or a variable twice (``/v9/things/{id}/{id}``).

    No parameter can fill an empty variable, so a generated client sends the braces literally;
    an unbalanced template is not even readable by the validator. Which name or which path the
    vendor meant is a guess, so the path's operations are quarantined.
    """
    for path in document["paths"]:
        if path.startswith("x-"):
            continue
        at = pointer.join("", "paths", path)
        if any(not name.strip() for name in _TEMPLATE_PART.findall(path)):
            raise SpecError(ctx.file, at, f"the path template {path!r} has an empty variable: no parameter can fill it")
        if any(brace in _TEMPLATE_PART.sub("", path) for brace in "{}"):
            raise SpecError(ctx.file, at, f"the path template {path!r} has a brace without its pair")
        names = _TEMPLATE_PART.findall(path)
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:  # one parameter cannot fill two places, and the generator refuses the path
            raise SpecError(ctx.file, at, f"the path template {path!r} repeats the variable {', '.join(repeated)}")


def reject_unresolvable_references(document: dict[str, Any], ctx: RepairContext) -> None:
    """Defect: a ``$ref`` that cannot be followed: to another file or URL, or to nothing here, or
    into a loop the generator cannot build (see :func:`_unbuildable_loop`).

    Fragments are published one by one, so a reference outside the fragment has nothing to point
    to; a local one that dangles names a definition the vendor left out. Neither can be guessed.
    """
    # An operation's references first: a loop is blamed on what uses it, not on a component.
    references = sorted(iter_references(document, ""), key=lambda item: not item[1].startswith("/paths/"))
    loop_free: set[str] = set()
    for ref, at in references:
        if not ref.startswith("#"):
            raise SpecError(ctx.file, at, f"external $ref {ref!r}: a fragment must be self-contained")
        if pointer.follow(document, ref[1:]) is pointer.MISSING:
            raise SpecError(ctx.file, at, f"unresolvable $ref {ref!r}: nothing in the fragment has that pointer")
        found = _unbuildable_loop(document, ref, loop_free)
        if found is not None:
            chain, steps = found
            members = tuple(chain[len(chain) - 1 - len(steps) : -1])
            through = ", ".join(dict.fromkeys(keyword for step in steps for keyword in step.through))
            why = (
                f" through {through}: the generator must build each member before the one holding it, so it can "
                "build none (an object component may lead back to itself only through its properties, outside allOf)"
                if through
                else ": a schema that is only a reference to itself"
            )
            raise ReferenceLoopError(
                ctx.file,
                at,
                f"$ref cycle {' -> '.join(chain)}{why}",
                members,
                tuple(step.at for step in steps),
                through,
            )


@dataclass(frozen=True)
class _Need:
    """A ``$ref`` met in building a schema: what it names, where it is, the keywords on the way."""

    ref: str
    at: str
    through: tuple[str, ...]


def _unbuildable_loop(
    document: dict[str, Any], start: str, loop_free: set[str]
) -> tuple[list[str], list[_Need]] | None:
    """The first loop of schemas each needed to build the one before (:func:`_needed_first`)
    reachable from ``start``: the chain of references from ``start`` to the member met again, and
    the ``$ref`` that leads from each member to the next. ``loop_free`` collects the references
    known to lead to no loop, so that a document is walked once whatever its number of references.

    A plain recursive object (a property that names its own schema) is no such loop.
    """
    chain = [start]
    taken: list[_Need] = []  # taken[i] leads from chain[i] to chain[i + 1]
    pending = [iter(_needed_first(document, start))]
    while pending:
        need = next(pending[-1], None)
        if need is None:
            pending.pop()
            loop_free.add(chain.pop())
            if taken:
                taken.pop()
            continue
        if need.ref in chain:
            return [*chain, need.ref], [*taken[chain.index(need.ref) :], need]
        if need.ref in loop_free or pointer.follow(document, need.ref[1:]) is pointer.MISSING:
            continue  # a dangling one is reported on its own turn
        chain.append(need.ref)
        taken.append(need)
        pending.append(iter(_needed_first(document, need.ref)))
    return None


_COMPONENT_SCHEMA = re.compile(r"^#/components/schemas/[^/]+$")


def _needed_first(document: dict[str, Any], ref: str) -> list[_Need]:
    """The references the generator (openapi-python-client) must have built before it can build
    the schema ``ref`` names.

    It builds the components in rounds, each once what it names is built, but an object component
    only as an empty class: its properties (and ``additionalProperties``) are read once every
    component exists, which is how an object may contain itself. Everything else is built at once:
    an alias (``$ref``), a one-member ``allOf``/``anyOf``/``oneOf`` (also read as an alias), the
    members of a union, array ``items``, and an object inside a union, properties and all. The
    ``allOf`` of an object needs the objects it names read first, in either phase.
    """
    node = pointer.follow(document, ref[1:])
    needs: list[_Need] = []
    # An object that is not a component itself (a $ref into a schema) is built where it is named.
    _walk_build(node, ref[1:], (), needs, building=True, eager=_COMPONENT_SCHEMA.match(ref) is None)
    return needs


def _walk_build(
    node: Any, at: str, through: tuple[str, ...], needs: list[_Need], *, building: bool, eager: bool
) -> None:
    """Add to ``needs`` the references ``node`` needs built first. ``building``: components are
    still being built (a reference must name one built already); ``eager``: an object here is read
    at once, properties and all (else later, when every component exists)."""
    if not isinstance(node, dict):
        return
    ref = node.get("$ref")
    if isinstance(ref, str):
        if building and ref.startswith("#"):
            needs.append(_Need(ref, pointer.join(at, "$ref"), through))
        return
    combined = [
        (keyword, index, member) for keyword in ("allOf", "anyOf", "oneOf") for index, member in _items(node, keyword)
    ]
    if len(combined) == 1 and isinstance(combined[0][2], dict) and "$ref" in combined[0][2]:
        keyword, index, member = combined[0]
        _walk_build(
            member, pointer.join(at, keyword, index), (*through, keyword), needs, building=building, eager=eager
        )
        return
    if node.get("enum"):
        return
    kind = node.get("type")
    if node.get("anyOf") or node.get("oneOf") or isinstance(kind, list):
        for keyword in ("anyOf", "oneOf"):
            for index, member in _items(node, keyword):
                _walk_build(
                    member, pointer.join(at, keyword, index), (*through, keyword), needs, building=building, eager=True
                )
        for one in kind if isinstance(kind, list) else ():
            alone = {key: value for key, value in node.items() if key not in ("anyOf", "oneOf")}
            _walk_build({**alone, "type": one}, at, through, needs, building=building, eager=True)
    elif kind == "array":
        _walk_build(
            node.get("items"), pointer.join(at, "items"), (*through, "items"), needs, building=building, eager=eager
        )
    elif kind == "object" or node.get("allOf") or (kind is None and node.get("properties")):
        # An object read later is read when every component exists: then only its allOf waits.
        inner = building and eager
        for index, member in _items(node, "allOf"):
            if isinstance(member, dict) and isinstance(member.get("$ref"), str):
                if member["$ref"].startswith("#"):  # the objects it merges: read first, whenever it is read
                    needs.append(_Need(member["$ref"], pointer.join(at, "allOf", index, "$ref"), (*through, "allOf")))
            else:
                _walk_build(
                    member,
                    pointer.join(at, "allOf", index),
                    (*through, "allOf"),
                    needs,
                    building=inner,
                    eager=True,
                )
        properties = node.get("properties")
        for name, child in properties.items() if isinstance(properties, dict) else ():
            place = pointer.join(at, "properties", name)
            _walk_build(child, place, (*through, "properties"), needs, building=inner, eager=True)
        extra = node.get("additionalProperties")
        place = pointer.join(at, "additionalProperties")
        _walk_build(extra, place, (*through, "additionalProperties"), needs, building=inner, eager=True)


def _items(node: dict[str, Any], keyword: str) -> Iterator[tuple[int, Any]]:
    value = node.get(keyword)
    return enumerate(value) if isinstance(value, list) else iter(())


def inline_references_into_operations(document: dict[str, Any], ctx: RepairContext) -> None:
    """Defect: a ``$ref`` into an operation's inline schema (``#/paths/~1v2~1x/get/...``), which
    lifting replaces by a component, leaving the reference pointing at nothing.

    The reference is replaced by a copy of what it names; one whose target refers into an
    operation itself (a recursion through inline schemas) cannot be copied and is quarantined.
    """
    references = [(ref, at) for ref, at in iter_references(document, "") if ref.startswith("#/paths/")]
    for ref, at in references:
        target = pointer.follow(document, ref[1:])
        if any(inner.startswith("#/paths/") for inner, _ in iter_references(target, "")):
            raise SpecError(ctx.file, at, f"$ref {ref!r} names an inline schema that refers into an operation itself")
        holder = pointer.follow(document, at.rsplit("/", 1)[0])
        holder.pop("$ref")
        holder.update(copy.deepcopy(target))
        ctx.record("inline-reference-into-operation", at, f"replaced by a copy of {ref}")


# The defect repairs, in the order they run: the en-dash bodies go before types are checked.
DEFECT_REPAIRS = (
    reject_malformed_path_items,
    reject_malformed_path_templates,
    reject_unresolvable_references,
    inline_references_into_operations,
    drop_bodyless_request_bodies,
    reject_invalid_schema_types,
    keep_nullable_beside_references,
    move_required_out_of_properties,
    hoist_misplaced_required,
    lower_misplaced_required,
    reject_undefined_required,
    declare_path_parameters,
    reject_unmatched_path_parameters,
    add_missing_response_descriptions,
)
