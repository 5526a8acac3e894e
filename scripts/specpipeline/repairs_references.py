"""Repairs of the vendor's ``$ref``s: references that cannot be followed or built, and references
into an operation's inline schema.

Each rule is one of :data:`specpipeline.repairs.DEFECT_REPAIRS`, with the contract stated there.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from . import pointer
from .context import RepairContext
from .errors import ReferenceLoopError, SpecError
from .walk import iter_references


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
