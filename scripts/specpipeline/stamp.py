"""The drift check's stamp: a check that passed skips the regeneration next time, when nothing changed.

After ``regenerate.py --check`` passes, it writes ``.cache/regenerate/check-passed`` (git-ignored):
a SHA-256 of every file the check read or compared (the fragments, ``spec/sources.json``, the
overlays, the editorial file, ``generator-config.yaml``, the pipeline itself with its templates,
``spec/openapi.json`` and ``generated/``), of the Python and every installed distribution's version
(the pinned openapi-python-client and ruff among them), and of ``--strict``; with it, the lines the
check printed on stderr (a quarantine, an overlay not applied), which a stamped pass prints again.
A later check whose fingerprint is the same passes without regenerating; any difference, or
``--no-cache``, runs the whole check. A stamp never makes a check pass that did not pass on these
very bytes: a hand edit of ``generated/`` or a changed fragment changes the fingerprint.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sys
from importlib import metadata
from pathlib import Path

from .atomic import write_text_atomically

STAMP = Path(".cache") / "regenerate" / "check-passed"
#: What the check reads or compares, relative to the project's root: files, or trees read whole.
FINGERPRINTED = (
    "spec/fragments",
    "spec/sources.json",
    "spec/overlays",
    "spec/editorial.yaml",
    "generator-config.yaml",
    "scripts/regenerate.py",
    "scripts/specpipeline",
    "spec/openapi.json",
    "generated",
)
# Written by tools, never read by the check (generate.tree_files skips them too).
_SKIPPED = frozenset({"__pycache__", ".ruff_cache", ".mypy_cache", ".pytest_cache"})


def fingerprint(root: Path, *, strict: bool) -> str:
    digest = hashlib.sha256()

    def add(*parts: bytes) -> None:
        for part in parts:  # each part with its length: no two different sequences hash alike
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)

    add(b"strict" if strict else b"lenient", sys.version.encode())
    distributions = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions())
    add(*(line.encode() for line in distributions))
    for part in FINGERPRINTED:
        top = root / part
        found = [top] if top.is_file() else sorted(top.rglob("*")) if top.is_dir() else []
        files = [path for path in found if path.is_file() and not _SKIPPED.intersection(path.relative_to(root).parts)]
        add(b"part", part.encode(), str(len(files)).encode())  # a file added or removed changes the count
        for path in files:
            add(path.relative_to(root).as_posix().encode(), path.read_bytes())
    return digest.hexdigest()


def stamped(root: Path, print_: str) -> list[str] | None:
    """The stderr lines of the check that passed with fingerprint ``print_``; ``None`` without one."""
    try:
        record = json.loads((root / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):  # none, unreadable or torn: the whole check runs
        return None
    if not isinstance(record, dict) or record.get("fingerprint") != print_:
        return None
    lines = record.get("stderr")
    return [str(line) for line in lines] if isinstance(lines, list) else None


def stamp(root: Path, print_: str, stderr_lines: list[str]) -> None:
    """Record a passed check; a stamp that cannot be written only costs the next check its speed."""
    with contextlib.suppress(OSError):
        write_text_atomically(root / STAMP, json.dumps({"fingerprint": print_, "stderr": stderr_lines}) + "\n")
