"""Repairs of the vendor's paths and operations: path items and templates, path parameters,
request bodies and response descriptions.

Each rule is one of :data:`specpipeline.repairs.DEFECT_REPAIRS`, with the contract stated there.
"""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

from . import pointer
from .context import RepairContext
from .errors import SpecError
from .walk import iter_operations

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
