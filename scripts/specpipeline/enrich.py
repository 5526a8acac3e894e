"""Enrichment: what the vendor's fragments leave out, added by general rules from ``spec/editorial.yaml``.

The vendor documents its bearer key, its error responses and its operations' purpose in prose, not
in the fragments. These rules add them to each fragment. Names and wording come from the editorial
file, keyed by ``METHOD /path``; an operation the file does not know yet still gets a name, a
summary, a tag, security and error responses derived by rule, and the report says so.
"""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from typing import Any

from . import pointer
from .context import RepairContext
from .lift import (
    is_generic,
    is_inline_enum,
    is_inline_object,
    iter_request_media,
    iter_success_media,
    lift_body,
    lift_parameter_enum,
    make_place,
    pascal_case,
)
from .walk import iter_operations, reachable_refs

_VERSION_SEGMENT = re.compile(r"^v\d+$")
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")


def derive_operation_id(method: str, path: str, keep_versions: bool = False) -> str:
    """``GET /v2/billing/detail`` -> ``get_billing_detail``: the verb and the path, versions dropped
    (kept with ``keep_versions``: ``get_v2_billing_detail``, which no other operation can share)."""
    words = [method.lower()]
    for segment in path.strip("/").split("/"):
        if segment and (keep_versions or not _VERSION_SEGMENT.match(segment)):
            words.extend(w for w in re.split(r"[^A-Za-z0-9]+", segment.strip("{}")) if w)
    return "_".join(word.lower() for word in words)


# The verbs a controller-style operationId starts with, and the HTTP method each implies.
_VERB_METHODS = {
    "get": "get",
    "list": "get",
    "read": "get",
    "fetch": "get",
    "create": "post",
    "post": "post",
    "add": "post",
    "update": "patch",
    "patch": "patch",
    "replace": "put",
    "put": "put",
    "delete": "delete",
    "remove": "delete",
}
_CONTROLLER_ID = re.compile(r"^[A-Za-z0-9]+Controller_(?P<name>[A-Za-z][A-Za-z0-9]*?)(?:_v\d+)?$")


def controller_operation_id(method: str, vendor_id: str) -> str | None:
    """``KeysController_listKeys_v1`` -> ``list_keys``; ``None`` when the id is not of that form or
    its verb contradicts the method (the vendor's DELETE is named ``KeysController_postKeys_v1``)."""
    match = _CONTROLLER_ID.match(vendor_id)
    if match is None:
        return None
    words = [word.lower() for word in re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", match.group("name"))]
    implied = _VERB_METHODS.get(words[0]) if words else None
    if implied is not None and implied != method.lower():
        return None
    return "_".join(words)


def derive_tag(path: str) -> str:
    """``/v2/billing/detail`` -> ``billing``: the first path segment that is not a version."""
    for segment in path.strip("/").split("/"):
        if segment and not _VERSION_SEGMENT.match(segment) and not segment.startswith("{"):
            return re.sub(r"[^a-z0-9]+", "_", segment.lower()).strip("_") or "default"
    return "default"


def _operation_entry(ctx: RepairContext, method: str, path: str) -> dict[str, Any]:
    entry = ctx.editorial.get("operations", {}).get(f"{method.upper()} {path}")
    return entry if isinstance(entry, dict) else {}


def name_operations(document: dict[str, Any], ctx: RepairContext) -> None:
    """Defect: operationIds like ``_v2_billing_detail`` that generate modules named ``field_v2_…``.

    The editorial name wins; otherwise an id that is not already a clean snake_case identifier is
    replaced by the controller-style id's own name (``KeysController_listKeys_v1`` -> ``list_keys``)
    when its verb agrees with the method, else by one derived from the method and path. An id the
    vendor gave to more than one operation (a copy-paste) is derived from the method and path too.
    A name found by rule that another operation also claims (``GET /v1/billing`` and the editorial
    ``get_billing`` of ``GET /v2/billing``) keeps the path's versions instead (``get_v1_billing``),
    so a new fragment never takes an existing operation's name, whatever the order of the files.
    """
    for path, method, operation, at in iter_operations(document):
        current = operation.get("operationId")
        wanted, by_rule = first_choice_operation_id(ctx.editorial, ctx.shared_ids, method, path, current)
        key = f"{method.upper()} {path}"
        if by_rule and ctx.id_claims.get(wanted, frozenset({key})) - {key}:
            wanted = derive_operation_id(method, path, keep_versions=True)
        if current != wanted:
            operation["operationId"] = wanted
            ctx.record("name-operation", pointer.join(at, "operationId"), f"{current!r} -> {wanted!r}")


def first_choice_operation_id(
    editorial: dict[str, Any], shared_ids: frozenset[str], method: str, path: str, current: Any
) -> tuple[str, bool]:
    """The id an operation would get with no other operation in sight, and whether a rule (not the
    editorial file or the vendor) chose it."""
    entry = editorial.get("operations", {}).get(f"{method.upper()} {path}")
    wanted = entry.get("operationId") if isinstance(entry, dict) else None
    if wanted is not None:
        return str(wanted), False
    usable = isinstance(current, str) and current not in shared_ids
    if usable and _IDENTIFIER.match(str(current)):
        return str(current), False
    from_controller = controller_operation_id(method, str(current)) if usable else None
    return from_controller or derive_operation_id(method, path), True


def operation_id_claims(
    documents: list[dict[str, Any]], editorial: dict[str, Any], shared_ids: frozenset[str]
) -> dict[str, frozenset[str]]:
    """Each operationId and the operations (``METHOD /path``) that would take it: the editorial
    entries' and every operation's first choice, over all fragments at once."""
    claims: dict[str, set[str]] = {}
    for key, entry in editorial.get("operations", {}).items():
        if isinstance(entry, dict) and isinstance(entry.get("operationId"), str):
            claims.setdefault(entry["operationId"], set()).add(str(key))
    for document in documents:
        for path, method, operation, _ in iter_operations(document):
            wanted, _ = first_choice_operation_id(editorial, shared_ids, method, path, operation.get("operationId"))
            claims.setdefault(wanted, set()).add(f"{method.upper()} {path}")
    return {name: frozenset(keys) for name, keys in claims.items()}


def editorial_schema_names(editorial: dict[str, Any]) -> dict[str, frozenset[str]]:
    """Every component name the editorial file gives, and the operations (``METHOD /path``) it
    gives it for: each entry's ``response_schema``, ``request_schema``, ``schema_names`` and
    ``request_schema_names``; the error schema's name, for none in particular."""
    names: dict[str, set[str]] = {str(editorial.get("error_schema_name", "")): set()}
    for key, entry in editorial.get("operations", {}).items():
        if not isinstance(entry, dict):
            continue
        given = [str(entry[field]) for field in ("response_schema", "request_schema") if field in entry]
        for field in ("schema_names", "request_schema_names"):
            if isinstance(entry.get(field), dict):
                given.extend(str(value) for value in entry[field].values())
        for name in given:
            names.setdefault(name, set()).add(str(key))
    return {name: frozenset(keys) for name, keys in names.items() if name}


def qualify_components_named_by_editorial(document: dict[str, Any], ctx: RepairContext) -> None:
    """Defect: a schema the vendor declares under a name the editorial file gives another schema
    (``Transaction``, ``Pagination``, ``Error``), which would take that name from the ledger entry.

    Editorial names win: the vendor's component is renamed, qualified by the first operation (by
    method and path) that uses it (``GetV2CreditsTransaction``), and every reference to it in its
    fragment follows. It keeps its name when an operation the editorial file gives the name for
    uses it (the schema is the one named), and the error schema when it equals the editorial one.
    A vendor's name made of generic words only (``Info``, ``Data``: see ``lift.GENERIC_WORDS``) is
    qualified the same way, as a lifted schema's would be.
    """
    schemas = document.get("components", {}).get("schemas")
    if not isinstance(schemas, dict):
        return
    reserved = editorial_schema_names(ctx.editorial)
    error_name = ctx.editorial.get("error_schema_name")
    renames: dict[str, str] = {}
    for name in sorted(schemas):
        if name not in reserved and not is_generic(name):
            continue
        if name == error_name and schemas[name] == ctx.editorial.get("error_schema"):
            continue
        target = f"#/components/schemas/{pointer.escape(name)}"
        users = sorted(
            (path, method)
            for path, method, operation, _ in iter_operations(document)
            if target in reachable_refs(document, operation)
        )
        if {f"{method.upper()} {path}" for path, method in users} & reserved.get(name, frozenset()):
            continue
        prefix = pascal_case(f"{users[0][1]} {users[0][0]}") if users else "Vendor"
        qualified = f"{prefix}{name}"
        while qualified in schemas or qualified in reserved or qualified in renames.values():
            qualified = f"Vendor{qualified}"
        renames[name] = qualified
    if not renames:
        return
    for old, new in renames.items():
        schemas[new] = schemas.pop(old)
        why = f"the editorial file names another schema {old!r}" if old in reserved else f"{old!r} says nothing"
        ctx.record(
            "qualify-vendor-component", pointer.join("", "components", "schemas", old), f"{why}: renamed to {new!r}"
        )
    refs = {
        f"#/components/schemas/{pointer.escape(old)}": f"#/components/schemas/{pointer.escape(new)}"
        for old, new in renames.items()
    }
    _rewrite_refs(document, refs)


def _rewrite_refs(node: Any, renames: dict[str, str]) -> None:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str):
                for old, new in renames.items():
                    if ref == old or ref.startswith(old + "/"):
                        current["$ref"] = new + ref[len(old) :]
                        break
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)


def describe_operations(document: dict[str, Any], ctx: RepairContext) -> None:
    """Defect: operations without summary, description or tags, which docs and linters need.

    Vendor text is kept; what is missing comes from the editorial entry, or failing that from the
    success response's description (summary) and the tag of the path's resource
    (:func:`derive_tag`), which groups the generated client by resource.
    """
    for path, method, operation, at in iter_operations(document):
        entry = _operation_entry(ctx, method, path)
        fallback_summary = f"{method.upper()} {path}"
        derived = {
            "summary": entry.get("summary", fallback_summary),
            "description": entry.get("description", _success_description(operation) or fallback_summary),
            "tags": entry.get("tags", [derive_tag(path)]),
        }
        for key, value in derived.items():
            if not operation.get(key):
                operation[key] = value
                ctx.record("describe-operation", pointer.join(at, key), f"added {value!r}")


def _success_description(operation: dict[str, Any]) -> str | None:
    for status, response in operation.get("responses", {}).items():
        if str(status).startswith("2") and isinstance(response, dict):
            description = response.get("description")
            if isinstance(description, str) and description not in ("OK", "Success"):
                return description
    return None


def lift_inline_schemas(document: dict[str, Any], ctx: RepairContext) -> None:
    """Defect: request and response bodies, nested objects and enums defined inline, with no stable name.

    Each inline object of a success response or a request body, each inline string enum in them,
    and each inline enum parameter is replaced by a placeholder and recorded in the run's
    :class:`~specpipeline.lift.LiftTable`, which names them all together once every fragment is
    read (see :mod:`specpipeline.lift`): identical structures become one component, and names never
    depend on file order. A lifted object or enum marked ``nullable`` stays nullable where it is used.
    """
    for path, method, operation, at in iter_operations(document):
        entry = _operation_entry(ctx, method, path)
        operation_id = str(operation.get("operationId", ""))
        operation_name = pascal_case(re.sub(r"^(get|list|head)_", "", operation_id))
        names = {key: str(value) for key, value in entry.get("schema_names", {}).items()}
        names.setdefault("", str(entry.get("response_schema", f"{operation_name}Response")))
        for media, media_at, variant in iter_success_media(operation, at):
            if is_inline_object(media.get("schema")):
                body_name = names[""] + variant  # a second body (201, another media type) is told apart
                place = make_place(ctx.file, method, path, body_name, names, ctx.lifts, variant=variant)
                media["schema"] = lift_body(media["schema"], body_name, "", pointer.join(media_at, "schema"), place)
        request_names = {key: str(value) for key, value in entry.get("request_schema_names", {}).items()}
        request_names.setdefault("", str(entry.get("request_schema", f"{pascal_case(operation_id)}Request")))
        for media, media_at, variant in iter_request_media(operation, at):
            if is_inline_object(media.get("schema")):
                body_name = request_names[""] + variant
                request_place = make_place(ctx.file, method, path, body_name, request_names, ctx.lifts, variant=variant)
                media["schema"] = lift_body(
                    media["schema"], body_name, "", pointer.join(media_at, "schema"), request_place
                )
        parameter_place = make_place(ctx.file, method, path, pascal_case(operation_id), names, ctx.lifts, rank=1)
        for index, parameter in enumerate(operation.get("parameters", [])):
            if isinstance(parameter, dict) and _has_inline_enum(parameter.get("schema")):
                parameter_at = pointer.join(at, "parameters", index, "schema")
                parameter["schema"] = lift_parameter_enum(
                    parameter["schema"], str(parameter.get("name")), parameter_at, parameter_place
                )


def _has_inline_enum(schema: Any) -> bool:
    return is_inline_enum(schema) or (isinstance(schema, dict) and is_inline_enum(schema.get("items")))


def apply_bearer_security(document: dict[str, Any], ctx: RepairContext) -> None:
    """Defect: no security on the operations, though every call needs ``Authorization: Bearer``.

    Generators ignore a document-wide ``security``; only per-operation security gives the client
    its authenticated type. The vendor's own bearer scheme is used when any fragment declares one.
    """
    if ctx.bearer_scheme is None:
        return
    name, scheme = ctx.bearer_scheme
    schemes = document.setdefault("components", {}).setdefault("securitySchemes", {})
    if _keep_the_vendors_own_scheme(document, schemes, name, ctx):
        return
    if schemes.get(name) != scheme:
        schemes[name] = copy.deepcopy(scheme)
        ctx.record(
            "apply-bearer-security",
            pointer.join("", "components", "securitySchemes", name),
            "declared the bearer scheme",
        )
    for _, _, operation, at in iter_operations(document):
        if "security" not in operation:
            operation["security"] = copy.deepcopy(document.get("security", [{name: []}]))
            ctx.record("apply-bearer-security", pointer.join(at, "security"), f"secured with {name!r}")


def _is_bearer(scheme: Any) -> bool:
    return (
        isinstance(scheme, dict) and scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() == "bearer"
    )


def _keep_the_vendors_own_scheme(document: dict[str, Any], schemes: Any, bearer_name: str, ctx: RepairContext) -> bool:
    """A fragment that declares only schemes of its own kind (``apiKey`` in ``X-Key``) is secured by
    them, not rewritten to bearer; one named like the bearer scheme is renamed (``access-token-apiKey``)
    with every requirement that names it. Returns whether the fragment had such schemes."""
    if not isinstance(schemes, dict) or not schemes or any(_is_bearer(scheme) for scheme in schemes.values()):
        return False
    if not all(isinstance(scheme, dict) for scheme in schemes.values()):
        return False
    if bearer_name in schemes:
        renamed = f"{bearer_name}-{schemes[bearer_name].get('type', 'scheme')}"
        schemes[renamed] = schemes.pop(bearer_name)
        ctx.record(
            "apply-bearer-security",
            pointer.join("", "components", "securitySchemes", bearer_name),
            f"the vendor's {schemes[renamed].get('type')!r} scheme kept, renamed to {renamed!r} (the bearer's name)",
        )
        holders = [document, *(operation for _, _, operation, _ in iter_operations(document))]
        for holder in holders:
            for requirement in holder.get("security", []) if isinstance(holder.get("security"), list) else []:
                if isinstance(requirement, dict) and bearer_name in requirement:
                    requirement[renamed] = requirement.pop(bearer_name)
    own = min(schemes)
    for _, _, operation, at in iter_operations(document):
        if "security" not in operation:
            operation["security"] = copy.deepcopy(document.get("security", [{own: []}]))
            ctx.record("apply-bearer-security", pointer.join(at, "security"), f"secured with the vendor's {own!r}")
    return True


def choose_bearer_scheme(documents: list[dict[str, Any]], editorial: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The HTTP bearer scheme most fragments declare, else the editorial default.

    The vendor declares one scheme name with different ``bearerFormat`` hints in different
    fragments (``<YOUR_AIMLAPI_KEY>``, ``<YOUR_MANAGEMENT_KEY>``); one document has room for one.
    Ties go to the smallest by name and content, so the choice never depends on file order.
    """
    votes: Counter[str] = Counter()
    schemes: dict[str, tuple[str, dict[str, Any]]] = {}
    for document in documents:
        declared = document.get("components", {}).get("securitySchemes", {})
        for name in sorted(declared) if isinstance(declared, dict) else []:
            scheme = declared[name]
            if (
                isinstance(scheme, dict)
                and scheme.get("type") == "http"
                and str(scheme.get("scheme", "")).lower() == "bearer"
            ):
                key = json.dumps([name, scheme], sort_keys=True)
                votes[key] += 1
                schemes[key] = (name, scheme)
                break
    if votes:
        return schemes[min(votes, key=lambda key: (-votes[key], key))]
    default = editorial["security_scheme"]
    return default["name"], default["scheme"]


def document_error_responses(document: dict[str, Any], ctx: RepairContext) -> None:
    """Defect: no error responses, though the vendor's docs list them and clients must handle them.

    Each documented status the operation does not describe itself gets a ``$ref`` to a shared
    ``components/responses`` entry whose body is the editorial error schema.
    """
    catalogue = ctx.editorial.get("error_responses", {})
    if not catalogue:
        return
    schema_name = ctx.editorial["error_schema_name"]
    components = document.setdefault("components", {})
    wanted_responses = {
        entry["name"]: {
            "description": entry["description"],
            "content": {
                media_type: {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}
                for media_type in ctx.editorial["error_media_types"]
            },
        }
        for entry in catalogue.values()
    }
    for section, wanted in (
        ("schemas", {schema_name: ctx.editorial["error_schema"]}),
        ("responses", wanted_responses),
    ):
        existing = components.setdefault(section, {})
        missing = [name for name in wanted if name not in existing]
        for name in missing:
            existing[name] = copy.deepcopy(wanted[name])
        if missing:
            ctx.record(
                "document-error-responses", pointer.join("", "components", section), f"added {', '.join(missing)}"
            )
    for _, _, operation, at in iter_operations(document):
        responses = operation.setdefault("responses", {})
        added = [status for status in catalogue if status not in responses]
        for status in added:
            responses[status] = {"$ref": f"#/components/responses/{catalogue[status]['name']}"}
        if added:
            ctx.record("document-error-responses", pointer.join(at, "responses"), f"added {', '.join(added)}")


# The enrichment rules, in the order they run: names first, because lifted schemas are named after
# the operation.
ENRICHMENTS = (
    qualify_components_named_by_editorial,
    name_operations,
    describe_operations,
    lift_inline_schemas,
    apply_bearer_security,
    document_error_responses,
)
