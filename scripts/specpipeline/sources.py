"""``spec/sources.json``: which fragment files make the API, and where the vendor publishes them.

``{"base_url": "https://…/", "files": ["billing-v2.json", …]}``: each file is ``base_url + name``
upstream and ``spec/fragments/<name>`` here. It is the one list of the fragments: regenerate
refuses a fragments directory that holds other files, and the tests read it rather than count.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from .fragments import display_path

# A plain file name: no directory part, so nothing is written outside the fragments directory.
_FILE_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*\.json$")


class FetchError(Exception):
    """A sources file that cannot be used, or a download that failed or returned no JSON object."""


@dataclass(frozen=True)
class Sources:
    """Where the fragments come from: ``base_url + name`` for each name in ``files``."""

    base_url: str
    files: tuple[str, ...]

    def url(self, name: str) -> str:
        return self.base_url + name


def load_sources(path: Path) -> Sources:
    """Read and check a sources file; raises :class:`FetchError` naming the file and the problem."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise FetchError(f"{path}: cannot read the sources file: {exc}") from None
    if not isinstance(data, dict):
        raise FetchError(f"{path}: expected a JSON object with 'base_url' and 'files'")
    base_url, files = data.get("base_url"), data.get("files")
    check_base_url(base_url, f"{path}: 'base_url'")
    if not isinstance(files, list) or not files:
        raise FetchError(f"{path}: 'files' must be a non-empty list of file names")
    for name in files:
        if not isinstance(name, str) or not _FILE_NAME.match(name):
            raise FetchError(f"{path}: {name!r} is not a plain *.json file name")
    if len(set(files)) != len(files):
        raise FetchError(f"{path}: 'files' lists a name twice")
    return Sources(base_url=str(base_url), files=tuple(files))


def check_base_url(base_url: object, what: str) -> None:
    """Raise :class:`FetchError` unless ``base_url`` is an http(s) URL ending in ``/``."""
    if not isinstance(base_url, str) or not base_url.startswith(("https://", "http://")) or not base_url.endswith("/"):
        raise FetchError(f"{what} must be an http(s) URL ending in '/', found {base_url!r}")


def unlisted_difference(sources: Sources, directory: Path) -> str | None:
    """How the ``*.json`` files of ``directory`` differ from the list, in one line; ``None`` when
    they are the same files."""
    present = {path.name for path in directory.glob("*.json")}
    missing = sorted(set(sources.files) - present)
    extra = sorted(present - set(sources.files))
    if extra:
        return f"{display_path(directory / extra[0])} is not listed in the sources file: list it, or remove the file"
    if missing:
        absent = display_path(directory / missing[0])
        return f"{absent} is listed in the sources file but absent: fetch it, or unlist it"
    return None
