"""Reading the vendor's fragments: from a docs page (fenced ``json`` blocks) or from files."""

from __future__ import annotations

import json
import re
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


def parse_fragment(name: str, text: str) -> Fragment:
    """Parse one fragment's text; malformed JSON is an error naming the file, line and column."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SpecError(name, "", f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    if not isinstance(document, dict):
        raise SpecError(name, "", f"expected an OpenAPI document (a JSON object), found {type(document).__name__}")
    version = document.get("openapi")
    if not isinstance(version, str) or not version.startswith("3."):
        raise SpecError(name, "/openapi", f"expected an OpenAPI 3.x document, found openapi={version!r}")
    if not isinstance(document.get("paths"), dict):
        raise SpecError(name, "/paths", "an OpenAPI fragment must have a 'paths' object")
    return Fragment(name=name, document=document)


def load_fragments(directory: Path) -> list[Fragment]:
    """Load every ``*.json`` in ``directory``, in file-name order so the merge is deterministic."""
    files = sorted(directory.glob("*.json"))
    if not files:
        raise SpecError(str(directory), "", "no *.json fragments found")
    return [parse_fragment(display_path(path), path.read_text(encoding="utf-8")) for path in files]


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
