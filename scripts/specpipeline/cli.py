"""Command-line entry points of the spec pipeline (run through the thin scripts in ``scripts/``)."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .atomic import write_text_atomically
from .build import BuildResult, build_from_directory
from .changes import compare, implied_bump, render_markdown
from .errors import MAX_LINE, SpecError, located, one_line
from .fragments import display_path, extract_fragments
from .generate import PACKAGE_NAME, GenerationError, diff_text, diff_trees, generate_package
from .transaction import Busy, Interrupted, Transaction, exclusive, interrupts_as_exceptions, phase, recover

ROOT = Path(__file__).resolve().parents[2]
FRAGMENTS = ROOT / "spec" / "fragments"
EDITORIAL = ROOT / "spec" / "editorial.yaml"
OVERLAYS = ROOT / "spec" / "overlays"
MERGED = ROOT / "spec" / "openapi.json"
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
        what = f"{len(result.quarantined)} operation(s) quarantined, {len(result.unapplied)} overlay(s) not applied"
        return _fail(f"{what}, and --strict given", EXIT_QUARANTINE)
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
        epilog=QUARANTINE_RULE,
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; fail with a diff if spec/openapi.json or generated/ differ from a fresh run",
    )
    parser.add_argument("--quiet", action="store_true", help="do not print the repair report")
    parser.add_argument("--strict", action="store_true", help="fail, writing nothing, if any operation is quarantined")
    args = parser.parse_args(argv)
    try:
        with interrupts_as_exceptions(), exclusive(ROOT):
            return _regenerate(args.check, args.quiet, args.strict)
    except (KeyboardInterrupt, Interrupted):
        return _fail("interrupted: spec/openapi.json, generated/ and CHANGELOG.md are as they were, or all new", 130)
    except Busy as exc:
        return _fail(str(exc), EXIT_IO)
    except OSError as exc:  # unreadable input, a full disk, a read-only tree: nothing was swapped in
        return _fail(f"cannot read or write {exc.filename or 'a file'}: {exc.strerror or exc}", EXIT_IO)
    except Exception as exc:  # the last resort, see _internal_error
        return _internal_error(exc)


def _regenerate(check: bool, quiet: bool, strict: bool) -> int:
    started = time.perf_counter()
    recovered = recover(ROOT)
    if recovered:
        print(f"regenerate: {recovered}", file=sys.stderr)
    try:
        result = build_from_directory(FRAGMENTS, EDITORIAL, OVERLAYS)
    except SpecError as exc:
        return _fail(exc, EXIT_BAD_INPUT)
    if not quiet:
        print(result.report.render())
    _print_quarantine(result)
    if strict and (failure := _strict_failure(result)) is not None:
        return failure
    repaired_at = time.perf_counter()
    phase("repaired")

    _remove_orphaned_scratch()
    with tempfile.TemporaryDirectory(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-") as scratch:
        fresh_spec = Path(scratch) / "openapi.json"
        fresh_spec.write_text(result.text, encoding="utf-8")
        fresh_package = Path(scratch) / PACKAGE_NAME
        try:
            generate_package(fresh_spec, GENERATOR_CONFIG, fresh_package)
        except GenerationError as exc:
            print(exc)  # the generator's own words, whole; the error line stays one line
            return _fail("openapi-python-client failed on the repaired document (its output is above)", EXIT_GENERATOR)
        generated_at = time.perf_counter()
        phase("generated")

        committed = MERGED.read_text(encoding="utf-8") if MERGED.exists() else ""
        change_report = api_change_report(committed, result.document)
        if change_report:
            print(change_report, end="")
        if check:
            drift = diff_text(result.text, committed, "spec/openapi.json")
            drift += diff_trees(fresh_package, GENERATED, "regenerated", "generated")
            if drift:
                sys.stdout.write(drift)
                return _fail(
                    "spec/openapi.json or generated/ is stale: run ./scripts/regenerate.sh and commit the result",
                    EXIT_DRIFT,
                )
            print("drift check: spec/openapi.json and generated/ are up to date")
        else:
            with Transaction(ROOT) as transaction:
                transaction.stage_text(MERGED, result.text)
                transaction.stage_tree(GENERATED, fresh_package)
                if change_report:
                    transaction.stage_text(CHANGELOG, changelog_with(change_report))
                transaction.commit()
            print(f"wrote {MERGED.relative_to(ROOT)} and {GENERATED.relative_to(ROOT)}/")
            if change_report:
                print(f"added the API change report to {CHANGELOG.relative_to(ROOT)}")
    print(
        f"timing: repair+merge+validate {repaired_at - started:.2f}s, "
        f"generate+format {generated_at - repaired_at:.2f}s, total {time.perf_counter() - started:.2f}s"
    )
    return 0


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


def api_change_report(committed_text: str, new_document: dict[str, Any]) -> str:
    """The Markdown change report from the committed spec to ``new_document``; "" when the API
    surface is unchanged (or there is no committed spec to compare with)."""
    if not committed_text:
        return ""
    changes = compare(json.loads(committed_text), new_document)
    if not changes:
        return ""
    bump = implied_bump(changes)
    current = package_version()
    return render_markdown(changes, bump, current, bumped(current, bump))


def package_version() -> str:
    match = re.search(r'^__version__ = "([^"]+)"$', VERSION_FILE.read_text(encoding="utf-8"), re.MULTILINE)
    return match.group(1) if match else "0.0.0"


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
