"""Fetching the vendor's fragment files from their raw URLs into ``spec/fragments/``, byte for byte.

``spec/sources.json`` names the files: ``{"base_url": "https://…/", "files": ["billing-v2.json", …]}``,
each downloaded from ``base_url + name``. Every file is downloaded, and checked to be a JSON
object, before any is written, so a failed download leaves the directory as it was. Each file is
then written atomically, exactly as downloaded. Local ``*.json`` files no source lists are
reported, never deleted.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import httpx

from .atomic import write_bytes_atomically
from .cli import EXIT_BAD_INPUT, EXIT_DRIFT, FRAGMENTS, SOURCES
from .fragments import display_path
from .sources import FetchError, Sources, load_sources

__all__ = ["FetchError", "Sources", "download_all", "fetch_main", "load_sources"]
TIMEOUT_SECONDS = 30.0
#: A fragment is tens of KiB; a body past this, or one still arriving after this long, is no
#: fragment (a broken or hostile server could otherwise fill memory or never finish).
MAX_FRAGMENT_BYTES = 4 * 1024 * 1024
MAX_DOWNLOAD_SECONDS = 120.0
USER_AGENT = "aimlapi-billing-spec-pipeline (fetch_fragments)"

UNCHANGED = "unchanged"
UPDATED = "updated"
ADDED = "added"
NOT_IN_SOURCES = "not in sources"


def download(client: httpx.Client, url: str) -> bytes:
    """The body at ``url``, exactly as sent; it must come with status 200, be a JSON object, hold at
    most :data:`MAX_FRAGMENT_BYTES` (decoded) and arrive within :data:`MAX_DOWNLOAD_SECONDS`."""
    try:
        body = _bounded_body(client, url)
    except httpx.HTTPError as exc:
        raise FetchError(f"{url}: download failed: {exc.__class__.__name__}: {exc}") from None
    try:
        document = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FetchError(f"{url}: the body is not JSON ({exc})") from None
    if not isinstance(document, dict):
        raise FetchError(f"{url}: the body is not a JSON object (found {type(document).__name__})")
    return body


def _bounded_body(client: httpx.Client, url: str) -> bytes:
    ends_at = time.monotonic() + MAX_DOWNLOAD_SECONDS
    with client.stream("GET", url) as response:
        if response.status_code != httpx.codes.OK:
            raise FetchError(f"{url}: HTTP {response.status_code} {response.reason_phrase}".rstrip())
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > MAX_FRAGMENT_BYTES:
                raise FetchError(f"{url}: the body is larger than {MAX_FRAGMENT_BYTES} bytes: no fragment is")
            if time.monotonic() > ends_at:
                raise FetchError(f"{url}: the body took longer than {MAX_DOWNLOAD_SECONDS:g} s to arrive")
        return bytes(body)


def download_all(sources: Sources, timeout: float = TIMEOUT_SECONDS) -> dict[str, bytes]:
    """Every listed file's bytes by name, in the sources' order; the first failure raises."""
    headers = {"User-Agent": USER_AGENT}
    with httpx.Client(timeout=timeout, follow_redirects=True, headers=headers) as client:
        return {name: download(client, sources.url(name)) for name in sources.files}


def classify(directory: Path, downloaded: dict[str, bytes]) -> dict[str, str]:
    """``unchanged``, ``updated`` or ``added`` for each downloaded file, against ``directory``."""
    statuses: dict[str, str] = {}
    for name, body in downloaded.items():
        target = directory / name
        if not target.exists():
            statuses[name] = ADDED
        else:
            statuses[name] = UNCHANGED if target.read_bytes() == body else UPDATED
    return statuses


def not_in_sources(directory: Path, names: tuple[str, ...]) -> list[str]:
    """The ``*.json`` files in ``directory`` that no source lists, sorted."""
    if not directory.is_dir():
        return []
    return sorted(path.name for path in directory.glob("*.json") if path.name not in names)


def write_changed(directory: Path, downloaded: dict[str, bytes], statuses: dict[str, str]) -> None:
    """Write each file that is not unchanged, atomically and byte for byte."""
    for name, body in downloaded.items():
        if statuses[name] != UNCHANGED:
            write_bytes_atomically(directory / name, body)


def _fail(message: str, code: int) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def fetch_main(argv: list[str] | None = None) -> int:
    """Download the fragments named in the sources file; exit 1 with ``--check`` if any differ, 2 on error."""
    parser = argparse.ArgumentParser(description="Download the vendor's fragment files listed in spec/sources.json.")
    parser.add_argument("--sources", type=Path, default=SOURCES, help="the sources file (base_url and files)")
    parser.add_argument("--out", type=Path, default=FRAGMENTS, help="directory to write the fragments to")
    parser.add_argument("--timeout", type=float, default=TIMEOUT_SECONDS, help="seconds allowed per download")
    parser.add_argument(
        "--check", action="store_true", help="write nothing; fail if a downloaded file differs or is missing locally"
    )
    args = parser.parse_args(argv)
    if not args.timeout > 0:
        return _fail(f"--timeout must be a positive number of seconds, found {args.timeout}", EXIT_BAD_INPUT)
    try:
        sources = load_sources(args.sources)
        downloaded = download_all(sources, args.timeout)
    except FetchError as exc:
        return _fail(str(exc), EXIT_BAD_INPUT)
    statuses = classify(args.out, downloaded)
    if not args.check:
        write_changed(args.out, downloaded, statuses)
    for name, status in statuses.items():
        print(f"{status:<9} {display_path(args.out / name)}")
    for name in not_in_sources(args.out, sources.files):
        print(f"{NOT_IN_SOURCES} {display_path(args.out / name)} (kept)")
    differing = sum(status != UNCHANGED for status in statuses.values())
    if args.check and differing:
        return _fail(f"{differing} fragment(s) differ from {sources.base_url}; nothing was written", EXIT_DRIFT)
    return 0
