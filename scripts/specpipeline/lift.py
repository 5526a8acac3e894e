"""Lifting inline objects and enums to named components, with names that never depend on file order.

Generators name an inline object after its position (``GetBillingDetailResponse200Autotopup…``),
which changes whenever the position does, and one enum written inline in several places becomes one
class per place. So every inline object and string enum in a request or response body (and every
inline enum parameter) becomes a ``components/schemas`` entry. Lifting happens in two steps:

1. :func:`lift_inline_schemas` (a rule, run per fragment) replaces each inline schema by a
   placeholder reference and records it in the run's :class:`LiftTable`: its *structure* (the schema
   without descriptive keywords, children by their structure), the name the editorial file gives
   it, and the names it could take.
2. :meth:`LiftTable.assign_names` (once, after every fragment) gives each distinct structure one
   component and one name, looking at all fragments together, so the result is the same whatever
   order the fragments come in:

   * a name from the editorial entry of the operation (``response_schema``, ``request_schema``,
     ``schema_names`` keyed by body path: ``data[]``, ``data[].amount``) always wins; a structure
     met both with and without an editorial name takes it everywhere;
   * otherwise the *base* name, by rule from the operation and the property path: the body's is
     ``<Operation>Response``; a property's is its owner's noun and its own word (``data[].info`` of
     ``GET /v1/models``: ``ModelInfo``; ``data[].pricing.kind``: ``PricingKind``), where the body's
     noun is the resource's (the last path segment that is neither a version nor a variable, in the
     singular, ``Model``; with the segment before it while it is a generic word: ``UsageDetail``),
     a lifted object's noun is its property's word (``Pricing``), and a property that only holds
     the resource (``data``, ``items``, ``results``…) takes its owner's noun (``data[]``: ``Model``).
     A parameter's enum is named like a property of the body (``?direction``:
     ``TransactionDirection``). Two words that are both segments of the path keep the path's order
     (``models[]`` of ``GET /models/metrics``: ``ModelMetric``). The base is passed over when two
     different structures want it, it is taken, or it is made of generic words only
     (:data:`GENERIC_WORDS`: ``Info``, ``Kind``, ``DataItem``…);
   * then the base qualified by the body it sits in (``KeysResponseDataItem``), then by the
     operation's method and path as well, which no other operation can share, then by the status
     and media type of a second body of that operation.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from . import pointer
from .errors import SpecError
from .report import Report

PLACEHOLDER_PREFIX = "#/x-lifted/"
_TOKENS = itertools.count()
# Keywords that describe a schema without changing what it accepts: two schemas differing only in
# these are one component (the first by operation and place keeps its wording).
_ANNOTATIONS = frozenset({"description", "example", "examples", "title", "externalDocs", "deprecated"})
# Words that say nothing about what they name: a name made of these alone (``Info``, ``Kind``,
# ``DataItem``) is never given; a component's name must have one word that is not among them.
GENERIC_WORDS = frozenset(
    {
        *("Attribute", "Attributes", "Body", "Config", "Container", "Content", "Contents", "Data", "Datum"),
        *("Detail", "Details", "Element", "Elements", "Entries", "Entry", "Extra", "Field", "Fields", "Info"),
        *("Information", "Inline", "Item", "Items", "Kind", "List", "Meta", "Metadata", "Misc", "Name", "Node"),
        *("Obj", "Object", "Objects", "Option", "Options", "Other", "Param", "Params", "Parameters", "Payload"),
        *("Properties", "Property", "Record", "Records", "Request", "Response", "Result", "Results", "Root"),
        *("Schema", "Settings", "State", "Status", "Type", "Types", "Value", "Values", "Wrapper"),
    }
)
# Generic words of a property that only holds what its owner is about (``data``: the models
# themselves): it is named with the owner's noun alone.
_HOLDERS = frozenset(
    {"Body", "Container", "Content", "Data", "Datum", "Element", "Entry", "Item", "List", "Node", "Object"}
    | {"Payload", "Record", "Result", "Root", "Value", "Wrapper"}
)
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
_ENUM_KEYS = ("type", "format", "enum")
# The names a lifted schema may take, tried in this order (see the module's docstring).
_LEVELS = ("base", "qualified by its body", "and by method and path", "and by status and media type")


def singular(name: str) -> str:
    """``Models`` -> ``Model``, ``Entries`` -> ``Entry``; a word with no plural to undo is kept
    (``Data``, ``Status``)."""
    for plural, one in (("ies", "y"), ("sses", "ss"), ("xes", "x"), ("s", "")):
        if name.endswith(plural) and len(name) > len(plural) + 1 and not name.endswith(("ss", "us")):
            return name[: -len(plural)] + one
    return name


def name_words(name: str) -> list[str]:
    """``ModelInfo`` -> ``["Model", "Info"]``, ``KeysResponseDataItem`` -> four; digits are words."""
    return _WORD.findall(name)


def is_generic(name: str) -> bool:
    """Whether ``name`` is made of :data:`GENERIC_WORDS` alone (numbers, as in ``Data1``, add nothing)."""
    words = [word for word in name_words(name) if not word.isdigit()]
    return all(word in GENERIC_WORDS for word in words)


def resource_noun(path: str) -> tuple[str, tuple[str, ...]]:
    """The noun of what an operation on ``path`` is about, and its path's words (each singular):
    ``/v1/models`` -> ``Model``; ``/v2/usage/detail`` -> ``UsageDetail`` (``Detail`` alone is generic);
    ``/models/metrics`` -> ``Metric``, words ``(Model, Metric)``."""
    words = [
        pascal_case(segment)
        for segment in path.split("/")
        if segment and not re.fullmatch(r"v\d+", segment) and "{" not in segment and pascal_case(segment)
    ]
    if not words:
        return "Root", ()
    noun = singular(words[-1])
    for word in reversed(words[:-1]):
        if not is_generic(noun):
            break
        noun = word + noun
    return noun, tuple(singular(word) for word in words)


def _naming(owner: str, word: str, path_words: tuple[str, ...]) -> tuple[str, str]:
    """The base name of a property (or an array's items) whose word is ``word`` inside an object whose
    noun is ``owner``, and the noun its own properties are named after."""
    if word in _HOLDERS or singular(word) in _HOLDERS:
        return owner, owner
    if word == owner:
        name = owner
    elif word.startswith(owner):
        name = word
    elif word in path_words and owner in path_words and path_words.index(word) < path_words.index(owner):
        name = word + owner  # both are path segments: in the path's order
    else:
        name = owner + word
    return name, name if is_generic(word) else word


def member_names(values: list[Any]) -> list[str] | None:
    """Python names for enum values that are not identifiers (``model:chat`` -> ``MODEL_CHAT``,
    ``day,model`` -> ``DAY_MODEL``), which the generator would run together (``MODELCHAT``), or
    that differ only in case (``a``, ``A``: the generator fails on two members named ``A``; they
    become ``A`` and ``A_2``). ``None`` when the generator's own names read well."""
    texts = [str(value) for value in values]
    identifiers = all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", text) for text in texts)
    if identifiers and len({text.upper() for text in texts}) == len(texts):
        return None
    names: list[str] = []
    for text in texts:
        name = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").upper() or "VALUE"
        name = f"V_{name}" if name[0].isdigit() else name
        unique, counter = name, 2
        while unique in names:
            unique, counter = f"{name}_{counter}", counter + 1
        names.append(unique)
    return names


def pascal_case(text: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in re.split(r"[^A-Za-z0-9]+", text) if word)


@dataclass
class Occurrence:
    """One inline schema replaced by a placeholder: where it was and what it may be called."""

    token: str
    kind: str  # "object" or "enum"
    structure: str  # hash of the structure
    schema: dict[str, Any]  # the component as it will be written (children as placeholders)
    candidates: tuple[str, ...]  # base, qualified, fully qualified
    editorial: str | None
    file: str
    at: str
    order: tuple[str, str]  # (operation key, pointer): picks the representative, never file order
    nullable: bool
    name: str = ""


@dataclass
class LiftTable:
    """Every lifted occurrence of a run, and the names given to them."""

    occurrences: dict[str, Occurrence] = field(default_factory=dict)
    reserved: set[str] = field(default_factory=set)  # component names declared outright
    components: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, occurrence: Occurrence) -> dict[str, Any]:
        self.occurrences[occurrence.token] = occurrence
        ref = {"$ref": occurrence.token}
        if occurrence.nullable:
            return {"anyOf": [ref, null_schema(occurrence.schema)]}
        return ref

    def next_token(self) -> str:
        return f"{PLACEHOLDER_PREFIX}{next(_TOKENS)}"

    def absorb(self, other: LiftTable) -> None:
        self.occurrences.update(other.occurrences)

    def assign_names(self, report: Report) -> None:
        """Name every occurrence and build :attr:`components`. Raises :class:`SpecError` only if
        even the fully qualified names collide, which takes two operations with one method and path."""
        groups = self._groups()
        names: dict[tuple[str, str | None], str] = {}
        taken = set(self.reserved)
        pending: dict[tuple[str, str | None], list[Occurrence]] = {}
        # An editorial name goes to one structure: the first by operation and place. Another
        # structure given it (the vendor changed one of two schemas it named alike) is named by rule.
        for key in sorted(groups, key=lambda k: min(m.order for m in groups[k])):
            if key[1] is not None and key[1] not in taken:
                names[key] = key[1]
                taken.add(key[1])
            else:
                pending[key] = groups[key]
        for level in range(len(_LEVELS)):
            wants = {key: min(m.candidates[level] for m in members) for key, members in pending.items()}
            counts = Counter(wants.values())
            for key, wanted in sorted(wants.items(), key=lambda item: item[1]):
                informative = not is_generic(wanted)
                if counts[wanted] == 1 and wanted not in taken and informative:
                    names[key] = wanted
                    taken.add(wanted)
                    del pending[key]
        if pending:
            first = min((m for members in pending.values() for m in members), key=lambda m: m.order)
            raise SpecError(first.file, first.at, "no free component name for this schema")
        for key, members in groups.items():
            for member in members:
                member.name = names[key]
        for key, members in sorted(groups.items(), key=lambda item: names[item[0]]):
            representative = min(members, key=lambda m: m.order)
            self.components[names[key]] = self.resolve(representative.schema)
        for occurrence in sorted(self.occurrences.values(), key=lambda o: (o.file, o.at)):
            rule = "lift-inline-schema" if occurrence.kind == "object" else "lift-inline-enum"
            target = f"#/components/schemas/{pointer.escape(occurrence.name)}"
            report.add(rule, occurrence.file, occurrence.at, f"-> {target}")
            if occurrence.nullable:
                report.add(
                    "keep-nullable-on-lift",
                    occurrence.file,
                    pointer.join(occurrence.at, "nullable"),
                    f"null allowed where it is used (anyOf [{target}, null]), not in the component",
                )

    def _groups(self) -> dict[tuple[str, str | None], list[Occurrence]]:
        """Occurrences by (structure, editorial name); one without a name joins its structure's
        smallest editorial name, so a filter and the field it filters share one component."""
        named: dict[str, set[str]] = {}
        for occurrence in self.occurrences.values():
            if occurrence.editorial:
                named.setdefault(occurrence.structure, set()).add(occurrence.editorial)
        groups: dict[tuple[str, str | None], list[Occurrence]] = {}
        for occurrence in self.occurrences.values():
            editorial = occurrence.editorial or min(named.get(occurrence.structure, {None}) or {None}, key=str)
            groups.setdefault((occurrence.structure, editorial), []).append(occurrence)
        return groups

    def resolve(self, node: Any) -> Any:
        """``node`` with every placeholder reference replaced by its component's reference."""
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref in self.occurrences:
                return {"$ref": f"#/components/schemas/{pointer.escape(self.occurrences[ref].name)}"}
            return {key: self.resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [self.resolve(value) for value in node]
        return node


def null_schema(component: dict[str, Any]) -> dict[str, Any]:
    """The schema that accepts ``null`` and nothing else, in OpenAPI 3.0 terms.

    ``nullable`` beside a ``$ref`` is ignored (by the specification and by openapi-python-client,
    #1243), and beside ``allOf`` the linters want a ``type`` that the generator then reads instead
    of ``nullable``. ``anyOf: [{$ref}, <this>]`` says "the component or null" to all of them, and
    the generated field accepts ``None`` exactly there.
    """
    return {"type": component.get("type", "object"), "nullable": True, "enum": [None]}


def structure_of(schema: Any, table: LiftTable) -> Any:
    """What a schema accepts: annotations and ``x-`` keys dropped, lifted children by structure."""
    if isinstance(schema, list):
        return [structure_of(item, table) for item in schema]
    if not isinstance(schema, dict):
        return schema
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref in table.occurrences:
        return {"lifted": table.occurrences[ref].structure}
    shape: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _ANNOTATIONS or key.startswith("x-"):
            continue
        if key == "properties" and isinstance(value, dict):
            shape[key] = {name: structure_of(child, table) for name, child in value.items()}
        elif key in ("enum", "required", "default", "const"):
            shape[key] = value
        else:
            shape[key] = structure_of(value, table)
    return shape


def _digest(kind: str, value: Any) -> str:
    text = kind + json.dumps(value, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def is_inline_object(schema: Any) -> bool:
    return isinstance(schema, dict) and "$ref" not in schema and isinstance(schema.get("properties"), dict)


def is_inline_enum(schema: Any) -> bool:
    return (
        isinstance(schema, dict)
        and "$ref" not in schema
        and schema.get("type") == "string"
        and isinstance(schema.get("enum"), list)
        and any(value is not None for value in schema["enum"])
    )


@dataclass(frozen=True)
class _Place:
    """Where the schema being lifted is, and what the editorial entry calls things there."""

    file: str
    operation_key: str
    body_name: str  # the body's component name (editorial or derived)
    method_path: str  # PascalCase of method and path: what no other operation shares
    noun: str  # what the operation is about (see resource_noun)
    path_words: tuple[str, ...]
    editorial_names: dict[str, str]
    table: LiftTable
    rank: int = 0  # bodies before parameters: a field's description documents a shared enum
    variant: str = ""  # what tells a second body of the operation apart (another status or media type)


def lift_body(
    schema: dict[str, Any], name: str, body_path: str, at: str, place: _Place, noun: str | None = None
) -> dict[str, Any]:
    """Lift ``schema`` (an inline object), children first; return what replaces it. ``noun`` is what
    its properties are named after (a body's: the resource's)."""
    owner = noun or place.noun
    properties: dict[str, Any] = schema["properties"]
    for prop, child in list(properties.items()):
        child_path = f"{body_path}.{prop}" if body_path else prop
        child_at = pointer.join(at, "properties", prop)
        properties[prop] = _lift_child(child, owner, pascal_case(prop), child_path, child_at, place)
    return _register(schema, "object", name, body_path, at, place)


def _lift_child(child: Any, owner: str, word: str, body_path: str, at: str, place: _Place) -> Any:
    """Lift what the property (or array items) ``word`` of an object whose noun is ``owner`` holds."""
    base, noun = _naming(owner, word, place.path_words)
    if is_inline_object(child):
        return lift_body(child, base, body_path, at, place, noun)
    if is_inline_enum(child):
        return _lift_enum(child, base, body_path, at, place)
    if isinstance(child, dict) and "$ref" not in child and isinstance(child.get("items"), dict):
        items_at = pointer.join(at, "items")
        child["items"] = _lift_child(child["items"], owner, singular(word), f"{body_path}[]", items_at, place)
    return child


def lift_parameter_enum(schema: dict[str, Any], name: str, at: str, place: _Place) -> dict[str, Any]:
    """Lift a parameter's inline enum, or its array's inline enum items (a repeatable filter)."""
    return dict(_lift_child(schema, place.noun, pascal_case(name), f"?{name}", at, place))


def _lift_enum(schema: dict[str, Any], base: str, body_path: str, at: str, place: _Place) -> dict[str, Any]:
    component = {key: schema[key] for key in _ENUM_KEYS if key in schema}
    component["enum"] = [value for value in schema["enum"] if value is not None]
    names = member_names(component["enum"])
    if names is not None:
        component["x-enum-varnames"] = names
    for key in ("description", "example"):
        if key in schema:
            component[key] = schema[key]
    nullable = schema.get("nullable") is True or None in schema["enum"]
    return _register(component, "enum", base, body_path, at, place, nullable=nullable)


def _register(
    schema: dict[str, Any],
    kind: str,
    base: str,
    body_path: str,
    at: str,
    place: _Place,
    nullable: bool | None = None,
) -> dict[str, Any]:
    table = place.table
    if nullable is None:
        nullable = schema.pop("nullable", None) is True
    else:
        schema.pop("nullable", None)
    structure = _digest(kind, structure_of(schema, table))
    suffix = pascal_case(body_path.replace("[]", " Item").replace("?", "").replace(".", " "))
    is_body_root = body_path in ("", "request:")
    qualified = base if is_body_root else f"{place.body_name}{suffix}"
    occurrence = Occurrence(
        token=table.next_token(),
        kind=kind,
        structure=structure,
        schema=schema,
        candidates=(
            base,
            qualified,
            f"{place.method_path}{qualified}",
            f"{place.method_path}{qualified}{place.variant}",
        ),
        editorial=place.editorial_names.get(body_path),
        file=place.file,
        at=at,
        order=(place.operation_key, f"{place.rank}{at}"),
        nullable=nullable,
    )
    return table.add(occurrence)


def make_place(
    file: str,
    method: str,
    path: str,
    body_name: str,
    editorial_names: dict[str, str],
    table: LiftTable,
    rank: int = 0,
    variant: str = "",
) -> _Place:
    noun, path_words = resource_noun(path)
    return _Place(
        file=file,
        operation_key=f"{method.upper()} {path}",
        body_name=body_name,
        method_path=pascal_case(f"{method} {path}"),
        noun=noun,
        path_words=path_words,
        editorial_names=editorial_names,
        table=table,
        rank=rank,
        variant=variant,
    )


def iter_success_media(operation: dict[str, Any], at: str) -> Iterator[tuple[dict[str, Any], str, str]]:
    """``(media object, pointer, variant)`` for every media type of every 2xx response; the
    variant (``201ApplicationXml``) tells a second body apart, the first's is empty."""
    first = True
    for status, response in operation.get("responses", {}).items():
        if not str(status).startswith("2") or not isinstance(response, dict):
            continue
        for media_type, media in response.get("content", {}).items():
            if isinstance(media, dict):
                yield (
                    media,
                    pointer.join(at, "responses", status, "content", media_type),
                    _variant(first, status, media_type),
                )
                first = False


def iter_request_media(operation: dict[str, Any], at: str) -> Iterator[tuple[dict[str, Any], str, str]]:
    body = operation.get("requestBody")
    if isinstance(body, dict):
        for index, (media_type, media) in enumerate(body.get("content", {}).items()):
            if isinstance(media, dict):
                yield (
                    media,
                    pointer.join(at, "requestBody", "content", media_type),
                    _variant(index == 0, "", media_type),
                )


def _variant(first: bool, status: str, media_type: str) -> str:
    return "" if first else pascal_case(f"{status} {media_type}")


def resolve_documents(documents: list[dict[str, Any]], table: LiftTable) -> list[dict[str, Any]]:
    return [table.resolve(document) for document in documents]


__all__ = [
    "GENERIC_WORDS",
    "LiftTable",
    "is_generic",
    "is_inline_enum",
    "is_inline_object",
    "lift_body",
    "lift_parameter_enum",
    "make_place",
    "pascal_case",
    "resolve_documents",
]
