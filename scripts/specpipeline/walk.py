"""Finding every operation and every schema object in an OpenAPI 3 document, with its pointer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from . import pointer

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# Keywords whose value is one schema, and keywords whose value is a list or a map of schemas.
_SCHEMA_KEYWORDS = ("items", "not", "additionalProperties")
_SCHEMA_LIST_KEYWORDS = ("allOf", "anyOf", "oneOf")


def iter_operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any], str]]:
    """Yield ``(path, method, operation, pointer)`` for every operation, in document order."""
    for path, path_item in document.get("paths", {}).items():
        if not isinstance(path_item, dict):
            continue
        for method in HTTP_METHODS:
            operation = path_item.get(method)
            if isinstance(operation, dict):
                yield path, method, operation, pointer.join("", "paths", path, method)


def iter_schemas(document: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str]]:
    """Yield ``(schema, pointer)`` for every schema object in the document, parents before children."""
    for name, schema in document.get("components", {}).get("schemas", {}).items():
        yield from _walk_schema(schema, pointer.join("", "components", "schemas", name))
    for name, response in document.get("components", {}).get("responses", {}).items():
        yield from _media_schemas(response, pointer.join("", "components", "responses", name))
    for path, path_item in document.get("paths", {}).items():
        if isinstance(path_item, dict):
            yield from _parameter_schemas(path_item, pointer.join("", "paths", path))
    for _path, _method, operation, op_pointer in iter_operations(document):
        yield from _parameter_schemas(operation, op_pointer)
        body = operation.get("requestBody")
        if isinstance(body, dict):
            yield from _media_schemas(body, pointer.join(op_pointer, "requestBody"))
        for status, response in operation.get("responses", {}).items():
            if isinstance(response, dict):
                yield from _media_schemas(response, pointer.join(op_pointer, "responses", status))


def _parameter_schemas(holder: dict[str, Any], base: str) -> Iterator[tuple[dict[str, Any], str]]:
    for index, parameter in enumerate(holder.get("parameters", [])):
        if isinstance(parameter, dict) and isinstance(parameter.get("schema"), dict):
            yield from _walk_schema(parameter["schema"], pointer.join(base, "parameters", index, "schema"))


def _media_schemas(holder: dict[str, Any], base: str) -> Iterator[tuple[dict[str, Any], str]]:
    for media_type, media in holder.get("content", {}).items():
        if isinstance(media, dict) and isinstance(media.get("schema"), dict):
            yield from _walk_schema(media["schema"], pointer.join(base, "content", media_type, "schema"))


def _walk_schema(schema: Any, at: str) -> Iterator[tuple[dict[str, Any], str]]:
    if not isinstance(schema, dict) or "$ref" in schema:
        return
    yield schema, at
    for name, child in schema.get("properties", {}).items():
        yield from _walk_schema(child, pointer.join(at, "properties", name))
    for keyword in _SCHEMA_KEYWORDS:
        yield from _walk_schema(schema.get(keyword), pointer.join(at, keyword))
    for keyword in _SCHEMA_LIST_KEYWORDS:
        for index, child in enumerate(schema.get(keyword, [])):
            yield from _walk_schema(child, pointer.join(at, keyword, index))


def reachable_refs(document: dict[str, Any], node: Any) -> set[str]:
    """Every local ``$ref`` reachable from ``node``, following references into ``document``."""
    seen: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/") and ref not in seen:
                seen.add(ref)
                stack.append(pointer.follow(document, ref[1:]))
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return seen


# Keywords whose values are data, not OpenAPI objects: a "$ref" key in an example is just data.
_DATA_KEYWORDS = frozenset({"example", "examples", "enum", "default", "const", "x-codeSamples"})


def iter_references(node: Any, at: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield ref, pointer.join(at, "$ref")
        for key, value in node.items():
            if key not in _DATA_KEYWORDS and not (isinstance(key, str) and key.startswith("x-")):
                yield from iter_references(value, pointer.join(at, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from iter_references(value, pointer.join(at, index))
