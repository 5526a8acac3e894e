"""``vendor-check``: has the vendor changed the fragments, and what does that change for a client?

Fetches every fragment ``spec/sources.json`` lists (from its ``base_url``, or ``--base-url``, or
``$AIMLAPI_BILLING_VENDOR_BASE_URL``), runs the whole pipeline on them in a scratch directory (the
repairs, the quarantines, the generator), and compares the result with the committed
``spec/openapi.json``. The tree is not touched, unless ``--apply`` is given: then the fetched
fragments, the spec, the client, the CHANGELOG entry and the version are swapped in as one, as
regenerate does (see :mod:`specpipeline.transaction`).

Exit codes: 0 the fragments are as committed; 10 they changed and nothing breaks a client (a change
of wording only is one too); 11 a change breaks a client (see :mod:`specpipeline.changes`); with
``--apply`` the same, once applied. 2 bad input (the sources file, a base URL, a fragment no rule
can read), 3 the generator failed, 4 a quarantine under ``--strict``, 5 a download or a file
failed, 70 an internal error, 130 interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import sys
import tempfile
from pathlib import Path

from .atomic import write_text_atomically
from .build import Quarantined
from .changes import QUARANTINED_HEADING
from .cli import (
    EXIT_BAD_INPUT,
    EXIT_IO,
    FRAGMENTS,
    MERGED,
    ROOT,
    SCRATCH_PREFIX,
    SOURCES,
    ApiUpdate,
    Refusal,
    _fail,
    _internal_error,
    api_update,
    build_and_generate,
    commit_regeneration,
)
from .errors import SpecError
from .fetch import UNCHANGED, classify, download_all, not_in_sources
from .fragments import decode_fragment, parse_fragment
from .sources import FetchError, check_base_url, load_sources
from .transaction import Busy, Interrupted, exclusive, interrupts_as_exceptions, recover

EXIT_UNCHANGED = 0
EXIT_CHANGED = 10
EXIT_BREAKING = 11
BASE_URL_VARIABLE = "AIMLAPI_BILLING_VENDOR_BASE_URL"
TIMEOUT_SECONDS = 30.0

_EPILOG = f"""\
exit codes: {EXIT_UNCHANGED} the fragments are as committed; {EXIT_CHANGED} they changed, nothing breaking (wording
only counts); {EXIT_BREAKING} a change breaks a client; with --apply, the same once applied. 2 bad input (the
sources file, a base URL, a fragment no rule can read), 3 the generator failed, 4 a quarantine under
--strict, 5 a download or a file failed, 70 an internal error, 130 interrupted. Without --apply nothing
in the tree is written. The base URL: --base-url, else ${BASE_URL_VARIABLE}, else spec/sources.json's.
"""


def vendor_check_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Fetch the vendor's fragments spec/sources.json lists and report what they change.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--apply", action="store_true", help="write the fragments and regenerate, as one")
    parser.add_argument("--base-url", help=f"fetch from here instead (also ${BASE_URL_VARIABLE}); ends in '/'")
    parser.add_argument("--sources", type=Path, default=SOURCES, help="the sources file (base_url and files)")
    parser.add_argument("--timeout", type=float, default=TIMEOUT_SECONDS, help="seconds allowed per download")
    parser.add_argument("--report", type=Path, help="also write the report (Markdown) to this file")
    parser.add_argument("--strict", action="store_true", help="fail, writing nothing, if anything is quarantined")
    parser.add_argument("--no-bump", action="store_true", help="with --apply: keep the version (see regenerate)")
    args = parser.parse_args(argv)
    if not args.timeout > 0:
        return _fail(f"--timeout must be a positive number of seconds, found {args.timeout}", EXIT_BAD_INPUT)
    try:
        with interrupts_as_exceptions():
            return _check(args)
    except (KeyboardInterrupt, Interrupted):
        return _fail("interrupted: nothing in the tree changed, or all of it did", 130)
    except Busy as exc:
        return _fail(str(exc), EXIT_IO)
    except OSError as exc:
        return _fail(f"cannot read or write {exc.filename or 'a file'}: {exc.strerror or exc}", EXIT_IO)
    except Exception as exc:  # the last resort: one line, never a traceback
        return _internal_error(exc)


def _check(args: argparse.Namespace) -> int:
    try:
        sources = load_sources(args.sources)
        override = args.base_url if args.base_url is not None else os.environ.get(BASE_URL_VARIABLE) or None
        if override is not None:
            check_base_url(override, "--base-url" if args.base_url is not None else f"${BASE_URL_VARIABLE}")
            sources = dataclasses.replace(sources, base_url=override)
    except FetchError as exc:
        return _fail(str(exc), EXIT_BAD_INPUT)
    unlisted = not_in_sources(FRAGMENTS, sources.files)
    if unlisted:  # regenerate refuses these too: a check without them would report their operations gone
        message = f"spec/fragments/{unlisted[0]} is not listed in the sources file: list it, or remove the file"
        return _fail(message, EXIT_BAD_INPUT)
    try:
        downloaded = download_all(sources, args.timeout)
    except FetchError as exc:
        return _fail(f"cannot fetch the fragments: {exc}", EXIT_IO)
    statuses = classify(FRAGMENTS, downloaded)
    changed = {name: status for name, status in statuses.items() if status != UNCHANGED}
    if not changed:
        text = f"no change: the {len(statuses)} fragments spec/sources.json lists are as committed ({sources.base_url})"
        _report(args.report, text)
        return EXIT_UNCHANGED
    lock = exclusive(ROOT) if args.apply else contextlib.nullcontext()  # only a writer needs the lock
    with lock, tempfile.TemporaryDirectory(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-") as scratch:
        try:
            fragments = [
                parse_fragment(f"spec/fragments/{name}", decode_fragment(f"spec/fragments/{name}", body))
                for name, body in downloaded.items()
            ]
            generated = build_and_generate(fragments, Path(scratch), quiet=True, strict=args.strict)
            committed = MERGED.read_text(encoding="utf-8") if MERGED.exists() else ""
            update = api_update(
                committed, generated.result.document, bump=not args.no_bump, quarantined=generated.result.quarantined
            )
        except SpecError as exc:
            return _fail(str(exc), EXIT_BAD_INPUT)
        except Refusal as refusal:
            return _fail(refusal.message, refusal.code)
        verdict = EXIT_BREAKING if any(change.breaking for change in update.changes) else EXIT_CHANGED
        _report(args.report, _render(sources.base_url, changed, generated.result.quarantined, update, verdict))
        if args.apply:
            recovered = recover(ROOT)
            if recovered:
                print(f"vendor-check: {recovered}", file=sys.stderr)
            fetched = {FRAGMENTS / name: downloaded[name] for name in changed}
            commit_regeneration(generated, update, fetched)
            print(f"applied: {len(fetched)} fragment(s), spec/openapi.json, generated/ (see git diff)")
    return verdict


def _render(
    base_url: str, changed: dict[str, str], quarantined: list[Quarantined], update: ApiUpdate, verdict: int
) -> str:
    """The report: a verdict line, the fragments that changed, the change report, what was left out."""
    title = {EXIT_BREAKING: "a change breaks a client", EXIT_CHANGED: "changed, nothing breaking"}[verdict]
    lines = [f"# Vendor check: {title}", "", f"Fragments from {base_url}:", ""]
    lines += [f"- {status}: `{name}`" for name, status in sorted(changed.items())]
    lines.append("")
    if update.report:
        lines.append(update.report.rstrip("\n"))
    else:
        lines.append("No change to the API a client sees (descriptions, examples or repairs only).")
    if quarantined and not update.report:  # else the change report lists them
        lines += ["", QUARANTINED_HEADING, ""]
        lines += [f"- {entry}" for entry in quarantined]
    return "\n".join(lines) + "\n"


def _report(path: Path | None, text: str) -> None:
    print(text, end="" if text.endswith("\n") else "\n")
    if path is not None:
        write_text_atomically(path, text if text.endswith("\n") else text + "\n")
