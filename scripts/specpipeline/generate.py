"""Running the pinned openapi-python-client, isolated from this project's own settings."""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .walk import iter_operations

PACKAGE_NAME = "aimlapi_billing_client"
#: Our overrides of the generator's templates: open enums (a value the spec does not list is kept), a
#: lazy package and models ``__init__`` (a program loads only the models it uses), models and
#: clients as plain classes instead of attrs (``model``, ``types`` and ``client``: importing attrs
#: and building each class cost a one-request program, such as a monitoring check, ~15 ms), every
#: JSON number a ``Decimal`` and every field checked by ``from_dict`` (``model``, ``types``), and
#: endpoints that write JSON bodies with exact numbers and load their models to parse a response
#: (``endpoint_macros``, ``endpoint_module``), and an index of every operation, which ``billing.api``
#: reads (``api_init``).
TEMPLATES = Path(__file__).resolve().parent / "templates"
_IGNORED_NAMES = frozenset({"__pycache__", ".ruff_cache", ".mypy_cache", ".pytest_cache"})


RUNNER = Path(__file__).resolve().parent / "run_generator.py"
_MARK = "openapi-python-client warning: "  # run_generator.MARK (that file is run, never imported)


class GenerationError(Exception):
    """The generator failed, or warned of something no rule turns into a quarantine; its own words
    are the message."""


@dataclass(frozen=True)
class LeftOut:
    """An operation the generator left out of the client, or one whose response it left out.

    ``reason`` is the generator's own (``Incorrect path templating for /a/{id}/{id} (Path
    parameters do not match with path)``); ``status`` the response's, when it left out a response.
    """

    method: str
    path: str
    reason: str
    status: str | None = None


def _tool_env() -> dict[str, str]:
    # The generator's post-hooks call `ruff` by name: make it the pinned one beside this Python.
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def generate_package(spec_path: Path, config_path: Path, destination: Path) -> list[LeftOut]:
    """Generate the client package from ``spec_path`` into ``destination`` (which must not exist);
    return what the generator left out of it, which it reports as warnings and exits 0.

    Generation runs in a fresh temporary directory outside the repository: ruff reads settings from
    parent directories, and the generator's ``--overwrite`` would keep modules of removed endpoints.
    Raises :class:`GenerationError` when the generator fails, or warns of anything but an operation
    or a response it left out (a schema it drops is reported again by every operation using it).
    """
    document = json.loads(spec_path.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="aimlapi-billing-gen-") as workdir:
        output = Path(workdir) / PACKAGE_NAME
        command = [
            sys.executable,
            str(RUNNER),
            str(spec_path.resolve()),
            str(config_path.resolve()),
            str(output),
            str(TEMPLATES),
        ]
        result = subprocess.run(command, cwd=workdir, env=_tool_env(), capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise GenerationError(f"openapi-python-client failed:\n{result.stdout}{result.stderr}")
        warnings = [
            json.loads(line.removeprefix(_MARK)) for line in result.stdout.splitlines() if line.startswith(_MARK)
        ]
        left_out, unexplained = read_warnings(document, warnings)
        if unexplained or not output.is_dir():
            raise GenerationError("openapi-python-client failed:\n" + "\n".join(unexplained or [result.stderr]))
        shutil.copytree(output, destination, ignore=shutil.ignore_patterns(*_IGNORED_NAMES))
        return left_out


_SCHEMA_WARNING = re.compile(r"^Unable to process schema (?P<ref>\S+?):?$")
# A Python repr with a memory address (the generator's "status code <…UntrustedString object at
# 0x7f…>") never reaches a report: it would read differently on every run.
_ADDRESS_REPR = re.compile(r"<[^<>]*? object at 0x[0-9A-Fa-f]+>")
_CLASS_REPR = re.compile(r"<class '([A-Za-z_.]+)'>")
_NAME_SET = re.compile(r"\{([A-Za-z_.]+(?:, [A-Za-z_.]+)+)\}")
# Said by every response warning; "left out" says it once for the quarantine line.
_OMITTED = ", response will be omitted from generated client"


def read_warnings(document: dict[str, Any], warnings: list[dict[str, Any]]) -> tuple[list[LeftOut], list[str]]:
    """What the generator's ``warnings`` say it left out of the client generated from ``document``,
    and the warnings that say anything else (each in one line).

    A schema it could not process is not left out on its own account: each operation using it gets
    a warning of its own, whose reason then says why the schema went.
    """
    schemas: dict[str, str] = {}
    for warning in warnings:
        match = _SCHEMA_WARNING.match(str(warning.get("header") or ""))
        if match is not None and warning.get("level") == "WARNING":
            schemas["#" + match.group("ref").removeprefix("#")] = _one_line(warning.get("detail"))
    left_out: list[LeftOut] = []
    unexplained: list[str] = []
    for warning in warnings:
        if _SCHEMA_WARNING.match(str(warning.get("header") or "")) and warning.get("level") == "WARNING":
            continue
        entry = _left_out(document, warning, schemas)
        if entry is None:
            unexplained.append(_one_line(f"{warning.get('header') or ''} {warning.get('detail') or ''}"))
        else:
            left_out.append(entry)
    return left_out, unexplained


def _one_line(text: Any) -> str:
    first = str(text or "").split("Failure to process schema")[0]
    named = _CLASS_REPR.sub(r"\1", " ".join(first.split()))
    # A set of type names ("Got {<class 'str'>, <class 'int'>}") prints in hash order: sorted, it
    # reads the same on every run.
    return _NAME_SET.sub(lambda match: "{" + ", ".join(sorted(match.group(1).split(", "))) + "}", named)


def _left_out(document: dict[str, Any], warning: dict[str, Any], schemas: dict[str, str]) -> LeftOut | None:
    """The operation (and response) a warning is about; ``None`` when it is about none."""
    header = str(warning.get("header") or "")
    if warning.get("level") != "WARNING":
        return None
    for path, method, operation, _ in iter_operations(document):
        if not header.startswith(f"WARNING parsing {method.upper()} {path} within "):
            continue
        data = warning.get("data")
        status = _status_of(operation, data)
        detail = _ADDRESS_REPR.sub(status or "?", str(warning.get("detail") or "no reason given"))
        reason = _one_line(detail.removesuffix(_OMITTED))
        ref = data.get("$ref") if isinstance(data, dict) else None
        if isinstance(ref, str) and ref in schemas:
            reason += f"; {ref}: {schemas[ref]}"
        return LeftOut(method.upper(), path, f"openapi-python-client: {reason}", status)
    return None


def _status_of(operation: dict[str, Any], data: Any) -> str | None:
    """The status of the response whose schema (or whole object) ``data`` is, if one is."""
    if data is None:
        return None
    for status, response in operation.get("responses", {}).items():
        if response == data:
            return str(status)
        for media in response.get("content", {}).values() if isinstance(response, dict) else ():
            if isinstance(media, dict) and media.get("schema") == data:
                return str(status)
    return None


_URL = re.compile(r'"method":\s*"(?P<method>[a-z]+)",\s*"url":\s*"(?P<url>[^"]*)"')
_STATUS = re.compile(r"if response\.status_code == (?P<status>\d{3}):")


def client_operations(package: Path) -> dict[tuple[str, str], frozenset[str]]:
    """Every operation the generated ``package`` can call, as ``(METHOD, path template)``, and the
    statuses whose responses it parses, read from its ``api/`` modules."""
    found: dict[tuple[str, str], frozenset[str]] = {}
    for module in sorted((package / "api").rglob("*.py")):
        source = module.read_text(encoding="utf-8")
        statuses = frozenset(match.group("status") for match in _STATUS.finditer(source))
        for match in _URL.finditer(source):
            found[(match.group("method").upper(), match.group("url"))] = statuses
    return found


def missing_from_client(document: dict[str, Any], package: Path) -> list[str]:
    """What ``document`` describes and the generated ``package`` lacks: an operation without a
    module, a response status its module does not parse. Empty when the client is whole."""
    generated = client_operations(package)
    missing: list[str] = []
    for path, method, operation, _ in iter_operations(document):
        statuses = generated.get((method.upper(), path))
        if statuses is None:
            missing.append(f"{method.upper()} {path}: no generated module")
            continue
        declared = [str(status) for status in operation.get("responses", {}) if str(status).isdigit()]
        lacking = sorted(status for status in declared if status not in statuses)  # "default", "2XX": no check
        if lacking:
            missing.append(f"{method.upper()} {path}: its module does not parse status {', '.join(lacking)}")
    return missing


def tree_files(root: Path) -> dict[str, Path]:
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): path
        for path in sorted(root.rglob("*"))
        if path.is_file() and not _IGNORED_NAMES.intersection(path.relative_to(root).parts)
    }


def diff_trees(expected: Path, actual: Path, label_expected: str, label_actual: str) -> str:
    """A unified diff of two trees of text files; empty when they are identical."""
    want, have = tree_files(expected), tree_files(actual)
    chunks: list[str] = []
    for name in sorted(want.keys() | have.keys()):
        old = have[name].read_text(encoding="utf-8").splitlines(keepends=True) if name in have else []
        new = want[name].read_text(encoding="utf-8").splitlines(keepends=True) if name in want else []
        if old != new:
            chunks.extend(difflib.unified_diff(old, new, f"{label_actual}/{name}", f"{label_expected}/{name}"))
    return "".join(chunks)


def diff_text(expected: str, actual: str, label: str) -> str:
    return "".join(
        difflib.unified_diff(
            actual.splitlines(keepends=True),
            expected.splitlines(keepends=True),
            f"{label} (committed)",
            f"{label} (regenerated)",
        )
    )
