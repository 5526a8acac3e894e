"""A one-operation document (``GET /v1/things``) and its parts, for the change report's tests to edit."""

from __future__ import annotations

import copy
from typing import Any

#: How the change report names the operation.
OP = "GET /v1/things"


def things_document() -> dict[str, Any]:
    """One operation with a required and two optional query parameters and a nested response body."""
    amount = {"type": "object", "properties": {"usd": {"type": "number"}}}
    body = {
        "type": "object",
        "required": ["id", "amount"],
        "properties": {
            "id": {"type": "string", "description": "The id."},
            "amount": copy.deepcopy(amount),
            "status": {"type": "string", "enum": ["open", "closed"]},
            "data": {
                "type": "array",
                "items": {"type": "object", "required": ["amount"], "properties": {"amount": copy.deepcopy(amount)}},
            },
        },
    }
    parameters = [
        {"name": "since", "in": "query", "required": True, "schema": {"type": "string"}},
        {"name": "limit", "in": "query", "required": False, "schema": {"type": "integer"}},
        {"name": "kind", "in": "query", "schema": {"type": "string", "enum": ["A", "B"]}},
    ]
    return {
        "openapi": "3.0.0",
        "info": {"title": "Things", "version": "1.0.0"},
        "paths": {
            "/v1/things": {
                "get": {
                    "operationId": "get_things",
                    "summary": "List things",
                    "parameters": parameters,
                    "responses": {
                        "200": {"description": "OK", "content": {"application/json": {"schema": body}}},
                        "404": {"description": "Not Found"},
                    },
                }
            }
        },
    }


def things_operation(document: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = document["paths"]["/v1/things"]["get"]
    return operation


def things_parameter(document: dict[str, Any], name: str) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = things_operation(document)["parameters"]
    [parameter] = [p for p in parameters if p["name"] == name]
    return parameter


def things_body(document: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = things_operation(document)["responses"]["200"]["content"]["application/json"]["schema"]
    return schema


def things_properties(document: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = things_body(document)["properties"]
    return properties


def things_item_properties(document: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = things_properties(document)["data"]["items"]["properties"]
    return properties
