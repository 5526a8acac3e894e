"""Reading the vendor's fragments: from a docs page (fenced ``json`` blocks) or from files."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import SpecError

# A fence opens with ``` or ~~~ (three or more), optionally indented up to three spaces, and the
# info string's first word names the language; the block ends at a fence of the same kind.
_FENCE = re.compile(
    r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[^\s`]*)[^\n]*\n"
    r"(?P<body>.*?)"
    r"^ {0,3}(?P=fence)[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
_VERSION_SEGMENT = re.compile(r"^v\d+$")


@dataclass(frozen=True)
class Fragment:
    """One vendor fragment: where it came from and its parsed document."""

    name: str
    document: dict[str, Any]


# Deeper than this is no API description: it is a mistake or an attack, and recursive code
# (ours, the validator's, the generator's) would fail on it with a traceback.
MAX_DEPTH = 64


class _Unrepresentable:
    """A parsed value JSON cannot hold (``NaN``, ``Infinity``, ``1e999``), kept to be located."""

    def __init__(self, text: str) -> None:
        self.text = text


class _DuplicateKey:
    """What a key written twice in one object parses to: JSON readers disagree on which one counts
    (Python's the last, others the first), so neither is guessed; it is located and refused."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for key, value in pairs:
        document[key] = _DuplicateKey() if key in document else value
    return document


def parse_fragment(name: str, text: str) -> Fragment:
    """Parse one fragment's text. Malformed JSON, nesting deeper than :data:`MAX_DEPTH`, numbers
    JSON cannot hold and strings UTF-8 cannot encode are errors naming the file and JSON pointer."""
    too_deep = first_offset_deeper_than(text, MAX_DEPTH)
    if too_deep is not None:
        raise SpecError(name, pointer_at(text, too_deep), f"nested deeper than {MAX_DEPTH} levels")
    try:
        document = json.loads(
            text,
            parse_constant=_Unrepresentable,
            parse_float=_finite_float,
            parse_int=_bounded_int,
            object_pairs_hook=_pairs,
        )
    except json.JSONDecodeError as exc:
        raise SpecError(
            name,
            pointer_at(text, exc.pos),
            f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
        ) from None
    except RecursionError:  # pragma: no cover - first_offset_deeper_than caught it
        raise SpecError(name, "", "nested too deep to parse") from None
    bad = first_unrepresentable(document, "")
    if bad is not None:
        raise SpecError(name, bad[0], bad[1])
    if not isinstance(document, dict):
        raise SpecError(name, "", f"expected an OpenAPI document (a JSON object), found {type(document).__name__}")
    version = document.get("openapi")
    if not isinstance(version, str) or not version.startswith("3."):
        raise SpecError(name, "/openapi", f"expected an OpenAPI 3.x document, found openapi={version!r}")
    if not isinstance(document.get("paths"), dict):
        raise SpecError(name, "/paths", "an OpenAPI fragment must have a 'paths' object")
    _check_top_level_shapes(name, document)
    return Fragment(name=name, document=document)


# What the top level of a fragment must hold for any rule to read it: a problem here is the whole
# file's. Below the top level, shapes are the validator's business (and an operation's quarantine).
_TOP_LEVEL_SHAPES: dict[str, type] = {"info": dict, "servers": list, "security": list, "components": dict}


def _check_top_level_shapes(name: str, document: dict[str, Any]) -> None:
    for key, kind in _TOP_LEVEL_SHAPES.items():
        if key in document and not isinstance(document[key], kind):
            raise SpecError(name, f"/{key}", f"expected {'an object' if kind is dict else 'an array'} here")
    for section, entries in document.get("components", {}).items():
        if not isinstance(entries, dict):
            raise SpecError(name, f"/components/{section}", "expected an object of named components here")


def decode_fragment(name: str, data: bytes) -> str:
    """The fragment's text; bytes that are not UTF-8 are an error naming the JSON pointer they sit in."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        text = data.decode("utf-8", errors="replace")
        offset = len(data[: exc.start].decode("utf-8", errors="replace"))
        raise SpecError(
            name, pointer_at(text, offset), f"not UTF-8: byte 0x{data[exc.start]:02x} at line {line}"
        ) from None


def _finite_float(text: str) -> float | _Unrepresentable:
    value = float(text)
    underflow = value == 0.0 and any(digit in "123456789" for digit in re.split("[eE]", text)[0])
    return value if math.isfinite(value) and not underflow else _Unrepresentable(text)


def _bounded_int(text: str) -> int | _Unrepresentable:
    # Python refuses to convert more than 4300 digits with a ValueError; no API number needs 300.
    return int(text) if len(text) <= 300 else _Unrepresentable(text[:20] + "…")


def first_unrepresentable(node: Any, at: str) -> tuple[str, str] | None:
    """The pointer and problem of the first value that cannot be written back as UTF-8 JSON."""
    stack: list[tuple[Any, str]] = [(node, at)]
    while stack:
        value, here = stack.pop()
        if isinstance(value, _Unrepresentable) or (isinstance(value, float) and not math.isfinite(value)):
            text = value.text if isinstance(value, _Unrepresentable) else str(value)
            return here, f"{text} is not a JSON number (JSON has no NaN, Infinity or numbers a double cannot hold)"
        if isinstance(value, _DuplicateKey):
            return here, "this key appears twice in its object: which one counts is a guess"
        if value is not None and not isinstance(value, (bool, int, float, str, list, dict, _Unrepresentable)):
            return here, f"a {type(value).__name__} value (YAML tag or date), which JSON cannot hold: quote it"
        if isinstance(value, dict) and any(not isinstance(key, str) for key in value):
            return here, "a key that is not a string, which JSON cannot hold: quote it"
        if isinstance(value, str) and not _encodable(value):
            return here, "a string with a lone surrogate (\\ud800-\\udfff) that UTF-8 cannot encode"
        if isinstance(value, dict):
            for key in reversed(list(value)):
                if not _encodable(key):
                    return here, "a key with a lone surrogate (\\ud800-\\udfff) that UTF-8 cannot encode"
                stack.append((value[key], f"{here}/{key.replace('~', '~0').replace('/', '~1')}"))
        elif isinstance(value, list):
            stack.extend((item, f"{here}/{index}") for index, item in reversed(list(enumerate(value))))
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _outside_strings(text: str) -> Iterator[tuple[int, str, int]]:
    """``(offset, character, -1)`` for each character of JSON ``text`` outside strings, and
    ``(offset, '"', start)`` for the closing quote of each string, ``start`` its opening quote."""
    in_string = escaped = False
    start = 0
    for offset, char in enumerate(text):
        if not in_string:
            if char == '"':
                in_string, start = True, offset
            else:
                yield offset, char, -1
        elif escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            in_string = False
            yield offset, char, start


def first_offset_deeper_than(text: str, limit: int) -> int | None:
    """The offset of the first ``[`` or ``{`` that opens level ``limit + 1``, or ``None``."""
    depth = 0
    for offset, char, _ in _outside_strings(text):
        if char in "[{":
            depth += 1
            if depth > limit:
                return offset
        elif char in "]}":
            depth -= 1
    return None


def pointer_at(text: str, offset: int) -> str:
    """The JSON pointer of the innermost value of ``text`` that contains ``offset``, as far as the
    text up to there can be read (it may be malformed further on, or not UTF-8)."""
    # Each open container: its pointer, whether it is an object, and the key or index being read.
    stack: list[list[Any]] = []
    last_string = ""
    for index, char, string_start in _outside_strings(text[:offset]):
        if char == '"':
            last_string = text[string_start : index + 1]
        elif char in "[{":
            parent = _child_pointer(stack)
            stack.append([parent, char == "{", None if char == "{" else 0])
        elif char in "]}":
            if stack:
                stack.pop()
        elif char == ":" and stack and stack[-1][1]:
            try:
                stack[-1][2] = json.loads(last_string)
            except ValueError:
                stack[-1][2] = last_string.strip('"')
        elif char == "," and stack:
            stack[-1][2] = None if stack[-1][1] else stack[-1][2] + 1
    return _child_pointer(stack) if stack and stack[-1][2] is not None else (stack[-1][0] if stack else "")


def _child_pointer(stack: list[list[Any]]) -> str:
    if not stack:
        return ""
    parent, _, key = stack[-1]
    if key is None:
        return str(parent)
    return f"{parent}/{str(key).replace('~', '~0').replace('/', '~1')}"


def load_fragments(directory: Path) -> list[Fragment]:
    """Load every ``*.json`` in ``directory``, in file-name order."""
    files = sorted(directory.glob("*.json"))
    others = sorted(p.name for p in directory.iterdir() if p.is_file() and p.suffix in (".yaml", ".yml", ".JSON"))
    if others:  # silently ignored, the vendor's new endpoint would just be missing
        raise SpecError(str(directory / others[0]), "", "fragments must be JSON files named *.json")
    if not files:
        raise SpecError(str(directory), "", "no *.json fragments found")
    return [
        parse_fragment(display_path(path), decode_fragment(display_path(path), path.read_bytes())) for path in files
    ]


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when it is inside it: shorter report lines."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def fragment_file_name(path: str) -> str:
    """The file name for a fragment holding ``path``: ``/v2/billing/detail`` -> ``billing-detail-v2.json``.

    Version segments move to the end so that the files of one resource sort together; this is the
    naming the vendor itself uses for its raw fragment files.
    """
    segments = [segment.strip("{}") for segment in path.strip("/").split("/") if segment]
    versions = [segment for segment in segments if _VERSION_SEGMENT.match(segment)]
    words = [segment for segment in segments if not _VERSION_SEGMENT.match(segment)]
    stem = "-".join(words + versions) or "root"
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem) + ".json"


def extract_fragments(page_name: str, markdown: str) -> dict[str, str]:
    """Return ``{file name: text}`` for every fenced ``json`` block of a docs page, text untouched."""
    extracted: dict[str, str] = {}
    for number, match in enumerate(m for m in _FENCE.finditer(markdown) if m.group("lang").lower() == "json"):
        block_name = f"{page_name} (json block {number + 1})"
        text = match.group("body")
        fragment = parse_fragment(block_name, text)
        paths = sorted(fragment.document["paths"])
        if not paths:
            raise SpecError(block_name, "/paths", "the fragment declares no path, so it cannot be named")
        file_name = fragment_file_name(paths[0])
        if file_name in extracted:
            raise SpecError(block_name, "/paths", f"a second block would also be written as {file_name}")
        extracted[file_name] = text
    if not extracted:
        raise SpecError(page_name, "", "no fenced json blocks found")
    return extracted
