"""Helpers for the tests of the usage, keys, logs and reconcile commands."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from fake_api_server import FakeAIMLAPI

from aimlapi_billing._cli import main
from tests.aimlapi_billing.conftest import API_KEY

ROOT = Path(__file__).resolve().parents[2]


_LOADED = """
import json, sys
from aimlapi_billing._cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def modules_after(argv: list[str]) -> tuple[int, set[str]]:
    """Run the command line ``argv`` in a fresh interpreter: its exit code and every module it imported."""
    env = {**os.environ, "AIMLAPI_API_KEY": API_KEY}
    done = subprocess.run(
        [sys.executable, "-c", _LOADED, *argv], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["code"], set(report["modules"])


def run(*argv: str) -> tuple[int, str, str]:
    """The command in this process: its exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def rejected(server: FakeAIMLAPI, *argv: str) -> str:
    """The one stderr line of a command line refused before any request (exit 2, nothing on stdout)."""
    code, out, err = run(*argv, "--base-url", server.url)
    assert (code, out) == (2, ""), err
    assert len(err.splitlines()) == 1, err
    assert err.startswith("aimlapi-billing: error: ")
    assert server.requests == []
    return err


def loads_only_its_own_module(server: FakeAIMLAPI, argv: list[str], not_needed: set[str]) -> None:
    """Running ``argv`` in a fresh interpreter imports its command's module, none of the other
    commands' modules, and none of ``not_needed``."""
    from aimlapi_billing._cli._registry import COMMANDS

    code, modules = modules_after([*argv, "--base-url", server.url])
    own = f"aimlapi_billing._cli._commands.{COMMANDS[argv[0]].module}"
    others = {f"aimlapi_billing._cli._commands.{command.module}" for command in COMMANDS.values()} - {own}
    assert code in (0, 10)
    assert own in modules
    assert not (others & modules), others & modules
    assert not (not_needed & modules), not_needed & modules


_SCHEMAS: dict[str, Any] = json.loads((ROOT / "spec" / "openapi.json").read_text(encoding="utf-8"))["components"][
    "schemas"
]


def plain(amount: Decimal | float | int | str) -> str:
    """The text every ``--json`` writes for an amount (docs/cli: one rule): its exact decimal,
    positional, without trailing zeros after the point, never ``-0``."""
    value = Decimal(repr(amount)) if isinstance(amount, float) else Decimal(amount)
    text = format(value, "f")
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text == "-0" else text


def cli_json(body: Any, schema: str | dict[str, Any]) -> Any:
    """The API's ``body`` (of the component ``schema``) as every ``--json`` writes it: each field
    the spec types ``number`` (money) a string by :func:`plain`, counts and the rest as they are.
    A field the spec does not name keeps an integer, and a fraction becomes a string (a Decimal)."""
    spec = _SCHEMAS[schema] if isinstance(schema, str) else schema
    if "$ref" in spec:
        spec = _SCHEMAS[spec["$ref"].rsplit("/", 1)[-1]]
    for option in spec.get("anyOf", ()):
        if option.get("type") != "null" and option.get("enum") != [None]:
            return cli_json(body, option)
    if isinstance(body, dict):
        fields = spec.get("properties", {})
        return {name: cli_json(value, fields.get(name, {})) for name, value in body.items()}
    if isinstance(body, list):
        return [cli_json(item, spec.get("items", {})) for item in body]
    if isinstance(body, bool) or body is None:
        return body
    if spec.get("type") == "number" or isinstance(body, float | Decimal):
        return plain(body)
    return body
