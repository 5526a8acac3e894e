"""Command-line entry points of the spec pipeline (run through the thin scripts in ``scripts/``)."""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from .atomic import write_text_atomically
from .build import BuildResult, Quarantined, build_document, build_from_directory, generator_quarantine, load_editorial
from .changes import Change, compare, implied_bump, render_markdown
from .errors import MAX_LINE, SpecError, located, one_line
from .fragments import Fragment, display_path, extract_fragments, load_fragments
from .generate import PACKAGE_NAME, GenerationError, diff_text, diff_trees, generate_package, missing_from_client
from .overlay import load_overlays
from .sources import FetchError, load_sources, unlisted_difference
from .stamp import STAMP, fingerprint, stamp, stamped
from .transaction import Busy, Interrupted, Transaction, exclusive, interrupts_as_exceptions, phase, recover

ROOT = Path(__file__).resolve().parents[2]
FRAGMENTS = ROOT / "spec" / "fragments"
EDITORIAL = ROOT / "spec" / "editorial.yaml"
OVERLAYS = ROOT / "spec" / "overlays"
MERGED = ROOT / "spec" / "openapi.json"
SOURCES = ROOT / "spec" / "sources.json"
GENERATOR_CONFIG = ROOT / "generator-config.yaml"
GENERATED = ROOT / "generated" / PACKAGE_NAME
CHANGELOG = ROOT / "CHANGELOG.md"
VERSION_FILE = ROOT / "src" / "aimlapi_billing" / "_version.py"

EXIT_DRIFT = 1
EXIT_BAD_INPUT = 2
EXIT_GENERATOR = 3
EXIT_QUARANTINE = 4
EXIT_IO = 5
EXIT_INTERNAL = 70  # a defect of the pipeline itself (sysexits' EX_SOFTWARE), still one line
QUARANTINE_RULE = (
    "An operation or component with a defect no rule repairs without guessing (among them a $ref loop "
    "the generator cannot build: through bare references, allOf, anyOf/oneOf or array items, not an "
    "object's own properties) is left out, with one line on stderr: 'quarantined: file#pointer: what "
    "left out: reason'. The pointer is whole and written as a URI fragment (RFC 6901: a brace reads "
    "%7B); a long line is cut in its reason."
)


def _internal_error(exc: Exception) -> int:
    """The last resort: an exception no rule expected becomes one line, never a traceback."""
    return _fail(f"internal error (please report it): {type(exc).__name__}: {exc}", EXIT_INTERNAL)


def _fail(message: str | Exception, code: int) -> int:
    if isinstance(message, SpecError):  # its file#pointer whole: only the message is cut to fit
        line = "error: " + located(message.file, message.pointer, message.message, MAX_LINE - len("error: "))
    else:
        line = one_line(f"error: {message}")  # an exception's str() is its message
    print(line, file=sys.stderr)
    return code


def _print_quarantine(result: BuildResult) -> None:
    for entry in result.quarantined:
        print(f"quarantined: {entry}", file=sys.stderr)  # one line already, its file#pointer whole
    for line in result.unapplied:
        print(one_line(f"warning: {line}"), file=sys.stderr)


def _strict_failure(result: BuildResult) -> int | None:
    """--strict: any quarantined operation or unapplied overlay fails the run, writing nothing."""
    if result.quarantined or result.unapplied:
        return _fail(_strict_message(len(result.quarantined), len(result.unapplied)), EXIT_QUARANTINE)
    return None


def build_spec_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Repair and merge the vendor's fragments into one OpenAPI document.", epilog=QUARANTINE_RULE
    )
    parser.add_argument("--fragments", type=Path, default=FRAGMENTS, help="directory of fragment *.json files")
    parser.add_argument("--editorial", type=Path, default=EDITORIAL, help="editorial YAML (names, info, errors)")
    parser.add_argument("--overlays", type=Path, default=OVERLAYS, help="directory of OpenAPI Overlay *.yaml files")
    parser.add_argument(
        "--output",
        type=Path,
        help="write the merged document here (never spec/openapi.json: regenerate writes it, with generated/ "
        "and the change report, as one); without it, only check and report",
    )
    parser.add_argument("--strict", action="store_true", help="fail, writing nothing, if any operation is quarantined")
    args = parser.parse_args(argv)
    if args.output is not None and args.output.resolve() == MERGED.resolve():
        # Written alone, the spec would be new and generated/ old, and the next regenerate would
        # compare against the new spec: the change report would be lost.
        return _fail(f"{display_path(MERGED)} is written by ./scripts/regenerate.sh only; choose another --output", 2)
    try:
        result = build_from_directory(args.fragments, args.editorial, args.overlays)
    except SpecError as exc:
        return _fail(exc, EXIT_BAD_INPUT)
    except Exception as exc:  # the last resort, see _internal_error
        return _internal_error(exc)
    print(result.report.render())
    _print_quarantine(result)
    if args.strict and (failure := _strict_failure(result)) is not None:
        return failure
    if args.output is None:
        print("checked: nothing written (./scripts/regenerate.sh writes spec/openapi.json)")
        return 0
    write_text_atomically(args.output, result.text)
    print(f"wrote {args.output}")
    return 0


def regenerate_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Repair the fragments into spec/openapi.json and regenerate generated/ from it.",
        epilog="Rules: spec/fragments/ holds exactly the *.json files spec/sources.json lists. What "
        "openapi-python-client leaves out (an operation, or a response of one) is quarantined like what no rule "
        "repairs, with its file#pointer and the generator's reason. The change report's bump (breaking: major, "
        "minor before 1.0; an addition: minor; else patch) is written to src/aimlapi_billing/_version.py with "
        "the spec, the client and the CHANGELOG entry (which lists the quarantined operations too), as one, "
        "unless --no-bump. "
        "Exit codes: 0 done (or up to date), 1 drift (--check), 2 bad input (a fragment, spec/sources.json "
        "or the version file), 3 the generator failed, 4 a quarantine under --strict, 5 a file could not be "
        "read or written, 70 an internal error, 130 interrupted (nothing changed, or everything did). "
        + QUARANTINE_RULE,
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; fail with a diff if spec/openapi.json or generated/ differ from a fresh run. A check "
        f"that passed is stamped in {STAMP.parent}/ (a hash of every input and output, the generator's version "
        "among them): a later one on the same files passes without regenerating, and says so",
    )
    parser.add_argument("--no-cache", action="store_true", help="with --check: regenerate even if a stamp matches")
    parser.add_argument("--quiet", action="store_true", help="do not print the repair report")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="fail, writing nothing, if any operation is quarantined (by a rule, or left out by the generator)",
    )
    parser.add_argument(
        "--no-bump",
        action="store_true",
        help="keep the version in src/aimlapi_billing/_version.py; the CHANGELOG entry says the bump is due",
    )
    args = parser.parse_args(argv)
    try:
        with interrupts_as_exceptions(), exclusive(ROOT):
            return _regenerate(args.check, args.quiet, args.strict, bump=not args.no_bump, cache=not args.no_cache)
    except (KeyboardInterrupt, Interrupted):
        return _fail(f"interrupted: {_TOGETHER} are as they were, or all new", 130)
    except Busy as exc:
        return _fail(str(exc), EXIT_IO)
    except OSError as exc:  # unreadable input, a full disk, a read-only tree: nothing was swapped in
        return _fail(f"cannot read or write {exc.filename or 'a file'}: {exc.strerror or exc}", EXIT_IO)
    except Exception as exc:  # the last resort, see _internal_error
        return _internal_error(exc)


# What one regeneration writes, all of it or none (see specpipeline.transaction).
_TOGETHER = "spec/openapi.json, generated/, CHANGELOG.md and src/aimlapi_billing/_version.py"


class Refusal(Exception):
    """The run stops here, writing nothing: ``message`` is its one error line, ``code`` its exit code."""

    def __init__(self, message: str | Exception, code: int) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


@dataclass
class Generated:
    """A repaired document and the client generated from it, in a scratch directory."""

    result: BuildResult
    package: Path
    repaired_seconds: float
    generated_seconds: float


def build_and_generate(fragments: list[Fragment], scratch: Path, *, quiet: bool, strict: bool) -> Generated:
    """Repair ``fragments`` and generate the client into ``scratch``.

    What the generator leaves out (an operation, or a response of one) is quarantined like what a
    rule cannot repair, with the generator's own reason: the document is built again without it and
    generated again, so the document never describes what the client lacks. Prints the repair report
    (unless ``quiet``) and one ``quarantined:`` line per operation left out; raises :class:`Refusal`.
    """
    started = time.perf_counter()
    try:
        editorial = load_editorial(EDITORIAL)
        overlays = load_overlays(OVERLAYS)
        result = build_document(fragments, editorial, overlays)
    except SpecError as exc:
        raise Refusal(exc, EXIT_BAD_INPUT) from None
    if not quiet:
        print(result.report.render())
    _print_quarantine(result)
    if strict and (result.quarantined or result.unapplied):
        raise Refusal(_strict_message(len(result.quarantined), len(result.unapplied)), EXIT_QUARANTINE)
    repaired_at = time.perf_counter()
    phase("repaired")
    by_generator: list[Quarantined] = []
    for attempt in itertools.count(1):
        package = scratch / f"attempt-{attempt}" / PACKAGE_NAME
        package.parent.mkdir(parents=True)
        spec = package.parent / "openapi.json"
        spec.write_text(result.text, encoding="utf-8")
        try:
            left_out = generate_package(spec, GENERATOR_CONFIG, package)
        except GenerationError as exc:
            print(exc)  # the generator's own words, whole; the error line stays one line
            raise Refusal(
                "openapi-python-client failed on the repaired document (its output is above)", EXIT_GENERATOR
            ) from None
        if not left_out:
            break
        entries = [entry for item in left_out for entry in generator_quarantine(fragments, item)]
        new = [entry for entry in entries if entry not in by_generator]
        if not new:  # it leaves out what no fragment defines (an overlay's addition): nothing to take out
            first = left_out[0]
            message = f"openapi-python-client leaves out {first.method} {first.path}: {first.reason}"
            raise Refusal(message, EXIT_GENERATOR)
        for entry in new:
            print(f"quarantined: {entry}", file=sys.stderr)  # one line already, its file#pointer whole
        by_generator.extend(new)
        try:
            result = build_document(fragments, editorial, overlays, left_out=by_generator)
        except SpecError as exc:  # every operation left out
            raise Refusal(exc, EXIT_BAD_INPUT) from None
    missing = missing_from_client(result.document, package)
    if missing:
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        message = f"the generated client lacks {missing[0]}{more}, and the generator did not say why"
        raise Refusal(message, EXIT_GENERATOR)
    if strict and by_generator:
        raise Refusal(_strict_message(len(by_generator), 0), EXIT_QUARANTINE)
    generated_at = time.perf_counter()
    phase("generated")
    return Generated(result, package, repaired_at - started, generated_at - repaired_at)


class _Tee(io.StringIO):
    """Writes to ``stream`` and remembers what it wrote: a stamped pass prints the check's stderr again."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(text)
        return super().write(text)


def _regenerate(check: bool, quiet: bool, strict: bool, *, bump: bool, cache: bool = True) -> int:
    started = time.perf_counter()
    recovered = recover(ROOT)
    if recovered:
        print(f"regenerate: {recovered}", file=sys.stderr)
    try:
        listed = unlisted_difference(load_sources(SOURCES), FRAGMENTS)
    except FetchError as exc:
        return _fail(str(exc), EXIT_BAD_INPUT)
    if listed is not None:
        return _fail(listed, EXIT_BAD_INPUT)
    _remove_orphaned_scratch()
    checked = fingerprint(ROOT, strict=strict) if check else ""
    if checked and cache and (lines := stamped(ROOT, checked)) is not None:
        for line in lines:
            print(line, file=sys.stderr)
        print(
            "drift check: spec/openapi.json and generated/ are up to date "
            f"(these very files passed a full check: {STAMP}; --no-cache regenerates)"
        )
        return 0
    stderr = _Tee(sys.stderr)
    with tempfile.TemporaryDirectory(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-") as scratch:
        try:
            fragments = load_fragments(FRAGMENTS)
        except SpecError as exc:
            return _fail(exc, EXIT_BAD_INPUT)
        try:
            with contextlib.redirect_stderr(stderr) if check else contextlib.nullcontext():
                generated = build_and_generate(fragments, Path(scratch), quiet=quiet, strict=strict)
            committed = MERGED.read_text(encoding="utf-8") if MERGED.exists() else ""
            update = api_update(
                committed, generated.result.document, bump=bump, quarantined=generated.result.quarantined
            )
        except Refusal as refusal:
            return _fail(refusal.message, refusal.code)
        if update.report:
            print(update.report, end="")
        if check:
            drift = diff_text(generated.result.text, committed, "spec/openapi.json")
            drift += diff_trees(generated.package, GENERATED, "regenerated", "generated")
            if drift:
                sys.stdout.write(drift)
                return _fail(
                    "spec/openapi.json or generated/ is stale: run ./scripts/regenerate.sh and commit the result",
                    EXIT_DRIFT,
                )
            print("drift check: spec/openapi.json and generated/ are up to date")
            if fingerprint(ROOT, strict=strict) == checked:  # nothing changed while it ran: stamp what was checked
                stamp(ROOT, checked, stderr.getvalue().splitlines())
        else:
            commit_regeneration(generated, update)
            print(f"wrote {MERGED.relative_to(ROOT)} and {GENERATED.relative_to(ROOT)}/")
            if update.report:
                print(f"added the API change report to {CHANGELOG.relative_to(ROOT)}")
            if update.new_version != update.old_version:
                print(f"version {update.old_version} -> {update.new_version} in {VERSION_FILE.relative_to(ROOT)}")
    print(
        f"timing: repair+merge+validate {generated.repaired_seconds:.2f}s, "
        f"generate+format {generated.generated_seconds:.2f}s, total {time.perf_counter() - started:.2f}s"
    )
    return 0


def _strict_message(quarantined: int, unapplied: int) -> str:
    return f"{quarantined} operation(s) quarantined, {unapplied} overlay(s) not applied, and --strict given"


def commit_regeneration(generated: Generated, update: ApiUpdate, fragments: dict[Path, bytes] | None = None) -> None:
    """Swap in, as one (see specpipeline.transaction), the document, the client, the change report,
    the version it implies, and any new ``fragments`` they were made from."""
    with Transaction(ROOT) as transaction:
        for target, data in (fragments or {}).items():
            transaction.stage_bytes(target, data)
        transaction.stage_text(MERGED, generated.result.text)
        transaction.stage_tree(GENERATED, generated.package)
        if update.report:
            transaction.stage_text(CHANGELOG, changelog_with(update.report))
        if update.version_text is not None:
            transaction.stage_text(VERSION_FILE, update.version_text)
        transaction.commit()


SCRATCH_PREFIX = "aimlapi-billing-regen-"


def _remove_orphaned_scratch() -> None:
    """Remove the scratch directories of runs that were killed (SIGKILL skips their clean-up): those
    whose process is gone. A run in a sibling tree is alive and keeps its own."""
    for scratch in Path(tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*"):
        owner = scratch.name.removeprefix(SCRATCH_PREFIX).split("-", 1)[0]
        if scratch.is_dir() and owner.isdigit() and not _alive(int(owner)):
            shutil.rmtree(scratch, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


@dataclass(frozen=True)
class ApiUpdate:
    """What a new document changes for a client: the changes, the CHANGELOG section ("" when there
    are none), the versions before and after, and the version file's new text (``None``: unchanged)."""

    changes: list[Change]
    bump: str | None
    report: str
    old_version: str
    new_version: str
    version_text: str | None


def api_update(
    committed_text: str, new_document: dict[str, Any], *, bump: bool, quarantined: Sequence[Quarantined] = ()
) -> ApiUpdate:
    """The change report from the committed spec to ``new_document`` and, with ``bump``, the version
    it implies. Nothing changes without a committed spec to compare with, or without changes."""
    changes = compare(json.loads(committed_text), new_document) if committed_text else []
    if not changes:
        return ApiUpdate([], None, "", "", "", None)
    implied = implied_bump(changes)
    version_text = VERSION_FILE.read_text(encoding="utf-8")
    match = _VERSION_LINE.search(version_text)
    if match is None:
        raise Refusal(
            f'{VERSION_FILE.relative_to(ROOT)} has no line __version__ = "X.Y.Z" to bump (or pass --no-bump)',
            EXIT_BAD_INPUT,
        )
    current = match.group(1)
    new = bumped(current, implied) if bump else current
    left_out = [str(entry) for entry in quarantined]
    report = render_markdown(changes, implied, current, new, applied=bump, quarantined=left_out)
    new_text = version_text[: match.start(1)] + new + version_text[match.end(1) :] if bump else None
    return ApiUpdate(changes, implied, report, current, new, new_text)


_VERSION_LINE = re.compile(r'^__version__ = "([^"]+)"$', re.MULTILINE)


def bumped(version: str, bump: str) -> str:
    """``1.4.2`` bumped: major -> ``2.0.0``, minor -> ``1.5.0``, patch -> ``1.4.3`` (0.x: a major bump
    moves the minor, as breaking releases do before 1.0)."""
    numbers = [int(part) for part in re.findall(r"\d+", version)[:3]] + [0, 0, 0]
    major, minor, patch = numbers[:3]
    if bump == "major" and major > 0:
        return f"{major + 1}.0.0"
    if bump == "major" or bump == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def changelog_with(report: str) -> str:
    """CHANGELOG.md with ``report`` at the top, under its title."""
    title = "# Changelog\n\n"
    existing = CHANGELOG.read_text(encoding="utf-8") if CHANGELOG.exists() else title
    body = existing.removeprefix(title)
    return f"{title}{report}\n{body}"


def extract_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Re-create fragment files from a docs page's fenced json blocks.")
    parser.add_argument("page", type=Path, help="the docs page (Markdown)")
    parser.add_argument("--out", type=Path, default=FRAGMENTS, help="directory to write the fragments to")
    parser.add_argument(
        "--check", action="store_true", help="write nothing; fail if the files in --out differ from the page"
    )
    args = parser.parse_args(argv)
    try:
        extracted = extract_fragments(str(args.page), args.page.read_text(encoding="utf-8"))
    except (SpecError, OSError) as exc:
        return _fail(exc, EXIT_BAD_INPUT)
    differing = []
    for name, text in extracted.items():
        target = Path(display_path(args.out / name))
        current = target.read_bytes() if target.exists() else None
        if current == text.encode("utf-8"):
            print(f"unchanged {target}")
            continue
        differing.append(name)
        if args.check:
            print(f"differs   {target}")
        else:
            write_text_atomically(target, text)
            print(f"wrote     {target}")
    if args.check and differing:
        return _fail(f"{len(differing)} fragment(s) differ from {args.page}", EXIT_DRIFT)
    return 0
