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
from typing import Any

from . import pointer
from .context import RepairContext
from .errors import SpecError
from .walk import iter_operations

_VERSION_SEGMENT = re.compile(r"^v\d+$")
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")


def derive_operation_id(method: str, path: str) -> str:
    """``GET /v2/billing/detail`` -> ``get_billing_detail``: the verb and the path, versions dropped."""
    words = [method.lower()]
    for segment in path.strip("/").split("/"):
        if segment and not _VERSION_SEGMENT.match(segment):
            words.extend(w for w in re.split(r"[^A-Za-z0-9]+", segment.strip("{}")) if w)
    return "_".join(word.lower() for word in words)


def pascal_case(text: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in re.split(r"[^A-Za-z0-9]+", text) if word)


def _operation_entry(ctx: RepairContext, method: str, path: str) -> dict[str, Any]:
    entry = ctx.editorial.get("operations", {}).get(f"{method.upper()} {path}")
    return entry if isinstance(entry, dict) else {}


def name_operations(document: dict[str, Any], ctx: RepairContext) -> None:
    """Defect: operationIds like ``_v2_billing_detail`` that generate modules named ``field_v2_…``.

    The editorial name wins; otherwise an id that is not already a clean snake_case identifier is
    replaced by one derived from the method and path.
    """
    for path, method, operation, at in iter_operations(document):
        current = operation.get("operationId")
        wanted = _operation_entry(ctx, method, path).get("operationId")
        if wanted is None:
            if isinstance(current, str) and _IDENTIFIER.match(current):
                continue
            wanted = derive_operation_id(method, path)
        if current != wanted:
            operation["operationId"] = wanted
            ctx.record("name-operation", pointer.join(at, "operationId"), f"{current!r} -> {wanted!r}")


def describe_operations(document: dict[str, Any], ctx: RepairContext) -> None:
    """Defect: operations without summary, description or tags, which docs and linters need.

    Vendor text is kept; what is missing comes from the editorial entry, or failing that from the
    success response's description (summary) and the default tag.
    """
    default_tag = ctx.editorial.get("default_tag", "default")
    for path, method, operation, at in iter_operations(document):
        entry = _operation_entry(ctx, method, path)
        fallback_summary = f"{method.upper()} {path}"
        derived = {
            "summary": entry.get("summary", fallback_summary),
            "description": entry.get("description", _success_description(operation) or fallback_summary),
            "tags": entry.get("tags", [default_tag]),
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
    """Defect: response bodies and nested objects defined inline, so they have no stable name.

    Generators name inline objects after their position (``GetBillingDetailResponse200Autotopup…``),
    which changes whenever the position does. Each success body becomes
    ``components/schemas/<Name>`` (editorial ``response_schema``, else ``<OperationId>Response``),
    and each nested object ``<PropertyName>`` (array items ``<PropertyName>Item``), renamed by the
    editorial ``schema_names``. Identical objects share one component; two different objects
    wanting one name is an error.
    """
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    renames = ctx.editorial.get("schema_names", {})
    for path, method, operation, at in iter_operations(document):
        entry = _operation_entry(ctx, method, path)
        operation_name = pascal_case(re.sub(r"^(get|list|head)_", "", str(operation.get("operationId", ""))))
        response_name = entry.get("response_schema", f"{operation_name}Response")
        for status, response in operation.get("responses", {}).items():
            if not str(status).startswith("2") or not isinstance(response, dict):
                continue
            for media_type, media in response.get("content", {}).items():
                schema = media.get("schema") if isinstance(media, dict) else None
                if isinstance(schema, dict) and _is_inline_object(schema):
                    schema_at = pointer.join(at, "responses", status, "content", media_type, "schema")
                    media["schema"] = _lift(schema, response_name, schema_at, schemas, renames, ctx)
    if not schemas:
        del document["components"]["schemas"]
        if not document["components"]:
            del document["components"]


def lift_inline_enums(document: dict[str, Any], ctx: RepairContext) -> None:
    """Defect: one enum written inline in several places, e.g. a query filter and the field it filters.

    Generators make one enum class per place (``GetXDirection`` for the parameter, ``DataItemDirection``
    for the field), so a value read from a response cannot be passed back as a filter. Each inline
    string enum in a lifted object's properties or an operation's parameters becomes
    ``components/schemas/<Name>`` (the property or parameter name, renamed by the editorial
    ``schema_names``); enums with the same values share it. A name taken by different values falls
    back to ``<Parent><Name>``. Properties go first, so a field's description documents the enum.
    """
    schemas = document.get("components", {}).get("schemas", {})
    renames = ctx.editorial.get("schema_names", {})
    for parent_name, schema in list(schemas.items()):
        for prop, child in schema.get("properties", {}).items():
            if _is_inline_enum(child):
                at = pointer.join("", "components", "schemas", parent_name, "properties", prop)
                schema["properties"][prop] = _lift_enum(child, prop, parent_name, at, schemas, renames, ctx)
    for _, _, operation, at in iter_operations(document):
        operation_name = pascal_case(str(operation.get("operationId", "")))
        for index, parameter in enumerate(operation.get("parameters", [])):
            if isinstance(parameter, dict) and _is_inline_enum(parameter.get("schema")):
                parameter_at = pointer.join(at, "parameters", index, "schema")
                parameter["schema"] = _lift_enum(
                    parameter["schema"], str(parameter.get("name")), operation_name, parameter_at, schemas, renames, ctx
                )


_ENUM_IDENTITY = ("type", "format", "enum", "nullable")


def _is_inline_enum(schema: Any) -> bool:
    return isinstance(schema, dict) and "$ref" not in schema and schema.get("type") == "string" and "enum" in schema


def _lift_enum(
    schema: dict[str, Any],
    name: str,
    parent_name: str,
    at: str,
    schemas: dict[str, Any],
    renames: dict[str, str],
    ctx: RepairContext,
) -> dict[str, str]:
    identity = {key: schema[key] for key in _ENUM_IDENTITY if key in schema}
    derived = pascal_case(name)
    for candidate in (renames.get(derived, derived), f"{parent_name}{derived}"):
        existing = schemas.get(candidate)
        if existing is not None and {key: existing[key] for key in _ENUM_IDENTITY if key in existing} != identity:
            continue
        if existing is None:
            schemas[candidate] = existing = dict(identity)
        for key in ("description", "example"):
            if key in schema:
                existing.setdefault(key, schema[key])
        ctx.record("lift-inline-enum", at, f"-> #/components/schemas/{candidate}")
        return {"$ref": f"#/components/schemas/{pointer.escape(candidate)}"}
    raise SpecError(
        ctx.file, at, f"no free component name for this enum ({derived!r} and {parent_name + derived!r} are taken)"
    )


def _is_inline_object(schema: Any) -> bool:
    return isinstance(schema, dict) and "$ref" not in schema and isinstance(schema.get("properties"), dict)


def _lift(
    schema: dict[str, Any],
    name: str,
    at: str,
    schemas: dict[str, Any],
    renames: dict[str, str],
    ctx: RepairContext,
) -> dict[str, str]:
    """Lift ``schema`` (children first) into ``schemas`` and return the ``$ref`` that replaces it."""
    for prop, child in schema["properties"].items():
        child_at = pointer.join(at, "properties", prop)
        if _is_inline_object(child):
            schema["properties"][prop] = _lift(
                child, renames.get(pascal_case(prop), pascal_case(prop)), child_at, schemas, renames, ctx
            )
        elif isinstance(child, dict) and _is_inline_object(child.get("items")):
            item_name = f"{pascal_case(prop)}Item"
            child["items"] = _lift(
                child["items"],
                renames.get(item_name, item_name),
                pointer.join(child_at, "items"),
                schemas,
                renames,
                ctx,
            )
    existing = schemas.get(name)
    if existing is not None and _canonical(existing) != _canonical(schema):
        raise SpecError(
            ctx.file,
            at,
            f"lifting this object as components/schemas/{name} would clash with a different schema of that name",
        )
    schemas[name] = schema
    ctx.record("lift-inline-schema", at, f"-> #/components/schemas/{name}")
    return {"$ref": f"#/components/schemas/{pointer.escape(name)}"}


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def apply_bearer_security(document: dict[str, Any], ctx: RepairContext) -> None:
    """Defect: no security on the operations, though every call needs ``Authorization: Bearer``.

    Generators ignore a document-wide ``security``; only per-operation security gives the client
    its authenticated type. The vendor's own bearer scheme is used when any fragment declares one.
    """
    if ctx.bearer_scheme is None:
        return
    name, scheme = ctx.bearer_scheme
    schemes = document.setdefault("components", {}).setdefault("securitySchemes", {})
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


def choose_bearer_scheme(documents: list[dict[str, Any]], editorial: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The vendor's first declared HTTP bearer scheme (by name), else the editorial default."""
    for document in documents:
        declared = document.get("components", {}).get("securitySchemes", {})
        for name in sorted(declared):
            scheme = declared[name]
            if (
                isinstance(scheme, dict)
                and scheme.get("type") == "http"
                and str(scheme.get("scheme", "")).lower() == "bearer"
            ):
                return name, scheme
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
    name_operations,
    describe_operations,
    lift_inline_schemas,
    lift_inline_enums,
    apply_bearer_security,
    document_error_responses,
)
