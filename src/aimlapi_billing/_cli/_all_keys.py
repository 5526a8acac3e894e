"""The all-keys views' output: ``usage --all-keys`` and ``top`` (``logs --all-keys``'s lines are the
logs command's), and the missing keys' line and exit code for all three.

Each is built whole before a byte is written (the fan-out ends first), then written in one go: an
interrupt or a failure leaves nothing half-written. A view with keys not measured is never a silent
partial total: the table names them (``3 of 1,000 keys not measured: ...``, the first
:data:`SHOWN_MISSING` listed, the rest counted), the JSON carries them (``missing``), stderr says it
in one line, and the command exits with the missing keys' exit code (:func:`exit_code`).
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TextIO

from .._redaction import printable
from ..types.all_keys import missing_names
from ._common import (
    EXIT_CODES,
    EXIT_CONNECTION,
    EXIT_OK,
    EXIT_SDK_ERROR,
    PROG,
    fixed,
    plain_number,
    spreadsheet_text,
    usd,
)

if TYPE_CHECKING:
    from ..types.all_keys import AllKeysUsage, KeyUsage, MissingKey


def exit_code(missing: Iterable[MissingKey]) -> int:
    """0 when no key is missing; else 4 if any key's error is a timeout or connection failure (the
    deadline ending the fan-out above all: a longer ``--deadline`` is the fix), else the code most of
    the missing keys' errors map to (ties: the first key's in prefix order), not merely the first key's."""
    import collections

    import aimlapi_billing._exceptions as errors

    codes: collections.Counter[int] = collections.Counter()
    for key in missing:
        kind = getattr(errors, key.error, None)
        code = EXIT_SDK_ERROR
        if isinstance(kind, type):
            code = next((code for base, code in EXIT_CODES if issubclass(kind, base)), EXIT_SDK_ERROR)
        codes[code] += 1
    if not codes:
        return EXIT_OK
    if EXIT_CONNECTION in codes:
        return EXIT_CONNECTION
    return codes.most_common(1)[0][0]  # Counter keeps first-seen order among equal counts


@contextlib.contextmanager
def management_key_needed(command: str) -> Iterator[None]:
    """A regular key's 403 on ``GET /v1/keys`` says what the command needs."""
    from .._exceptions import PermissionDeniedError

    try:
        yield
    except PermissionDeniedError as exc:
        exc.add_note_to_message(f"{command} reads every key: it needs a management key")
        raise


#: The model cell of what a key's models do not account for (its spend minus theirs), in --models CSV.
UNATTRIBUTED = "(unattributed)"


def _count(number: int, what: str = "key") -> str:
    plural = "es" if what.endswith(("x", "s")) else "s"  # "3 prefixes", not "3 prefixs"
    return f"{number:,} {what}{'' if number == 1 else plural}"


def missing_line(missing: tuple[MissingKey, ...], listed: int) -> str:
    """``3 of 1,000 keys not measured: a1b2 (APITimeoutError: ...), ...``, at most SHOWN_MISSING named."""
    return printable(f"{len(missing):,} of {_count(listed)} not measured: {missing_names(missing)}")


def warn_missing(missing: tuple[MissingKey, ...], listed: int, err: TextIO) -> int:
    """The stderr line of a partial view, and its exit code (0 when nothing is missing)."""
    if missing:
        print(f"{PROG}: error: {missing_line(missing, listed)}", file=err)
    return exit_code(missing)


def _models_text(row: KeyUsage, count: int | None, redact: Callable[[str], str]) -> str:
    models = row.report.models if count is None else row.report.models[:count]
    shown = ", ".join(f"{redact(m.model)} {fixed(m.spend, 2)}" for m in models)
    rest = len(row.report.models) - len(models)
    return printable(shown + (f", {_count(rest, 'more model')}" if rest > 0 else "")) or "no model"


def usage_table(
    result: AllKeysUsage, top: int | None, models: int | None, redact: Callable[[str], str], title: str = ""
) -> str:
    """One line per key, highest spend first (``top``: the first N, the rest summed), with ``models``
    each key's costliest models (None: all, 0: none)."""
    shown = result.rows if top is None else result.rows[:top]
    lines = [title] if title else []
    lines.append(f"window    {result.start} to {result.end} (UTC)")
    measured = len(result.rows)
    scope = "every key" if result.complete else "the measured keys only, NOT the account's total"
    lines.append(f"keys      {_count(result.listed)} listed, {measured:,} measured")
    lines.append(f"spend     {usd(result.spend)} ({scope})")
    if result.listed_twice:
        twice = _count(len(result.listed_twice), "prefix")
        lines.append(f"note      {twice} listed twice by GET /v1/keys: measured once")
    width = max([len(row.prefix) for row in shown] + [3])
    name_width = min(24, max([len(row.name or "") for row in shown] + [4]))
    lines.append("")
    lines.append(f"{'#':>5}  {'key':<{width}}  {'name':<{name_width}}  {'USD':>14}  {'share':>6}  {'requests':>10}")
    for rank, row in enumerate(shown, 1):
        share = f"{fixed(row.spend * 100 / result.spend, 1)}%" if result.spend else "-"
        name = printable(row.name or "")[:name_width]  # no name (null): empty
        line = f"{rank:>5}  {printable(row.prefix):<{width}}  {name:<{name_width}}  {fixed(row.spend, 2):>14}  "
        lines.append(f"{line}{share:>6}  {row.report.requests:>10,}")
        if models != 0:
            lines.append(f"{'':>5}  {'':<{width}}  models: {_models_text(row, models, redact)}")
    rest = result.rows[len(shown) :]
    if rest:
        spent = sum((row.spend for row in rest), Decimal(0))
        lines.append(f"{'':>5}  {_count(len(rest), 'other key')}: {fixed(spent, 2)} USD")
    if not result.rows:
        lines.append("       no key measured")
    if result.missing:
        lines.append("")
        lines.append(missing_line(result.missing, result.listed))
    return "\n".join(line.rstrip() for line in lines)


def _missing_json(missing: tuple[MissingKey, ...]) -> list[dict[str, str | None]]:
    return [{"key_prefix": k.prefix, "name": k.name, "error": k.error, "reason": k.reason} for k in missing]


def usage_json(
    result: AllKeysUsage, top: int | None, models: int | None, redact: Callable[[str], str]
) -> dict[str, Any]:
    """The view as one JSON object: money as exact decimal strings (the CLI's one encoder)."""
    shown = result.rows if top is None else result.rows[:top]
    rest = result.rows[len(shown) :]
    keys = []
    for row in shown:
        entry: dict[str, Any] = {
            "key_prefix": row.prefix,
            "name": row.name,
            "spend": row.spend,
            "requests": row.report.requests,
        }
        if models != 0:
            chosen = row.report.models if models is None else row.report.models[:models]
            entry["models"] = [{"model": redact(m.model), "spend": m.spend, "requests": m.requests} for m in chosen]
        keys.append(entry)
    return {
        "start": result.start,
        "end": result.end,
        "currency": result.currency,
        "complete": result.complete,
        "listed": result.listed,
        "measured": len(result.rows),
        "spend": result.spend,  # the measured keys' (the account's only when complete)
        "keys": keys,
        "rest": {"keys": len(rest), "spend": sum((row.spend for row in rest), Decimal(0))},
        "missing": _missing_json(result.missing),
        "listed_twice": list(result.listed_twice),
    }


def usage_csv(result: AllKeysUsage, top: int | None, models: bool, redact: Callable[[str], str]) -> str:
    """A header row, then one row per key (with ``models``: per key and model), highest spend first,
    so that the spend column adds up to the table's spend and no key goes unmentioned: the keys past
    ``top`` summed in one ``(rest)`` row; with ``models``, a key with no model in one row with an
    empty model, and what a key's models do not account for in an ``(unattributed)`` row; then one
    row per key not measured, its spend empty and its ``status`` ``missing: <error>: <reason>``."""
    shown = result.rows if top is None else result.rows[:top]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    model_column = ["model"] if models else []
    writer.writerow(["key_prefix", "name", *model_column, "spend_usd", "requests", "status"])

    def row_of(
        prefix: str, name: str | None, model: str, spend: Decimal | None, requests: int | None, status: str
    ) -> None:
        # Text from the server (a key's name, a model, an error's reason) never runs as a formula.
        text = [spreadsheet_text(printable(cell)) for cell in (prefix, name or "", *([model] if models else []))]
        numbers = ["" if spend is None else plain_number(spend), "" if requests is None else str(requests)]
        writer.writerow([*text, *numbers, spreadsheet_text(printable(status))])

    for row in shown:
        if not models or not row.report.models:
            row_of(row.prefix, row.name, "", row.spend, row.report.requests, "measured")
            continue
        for m in row.report.models:
            row_of(row.prefix, row.name, redact(m.model), m.spend, m.requests, "measured")
        unattributed = row.spend - sum((m.spend for m in row.report.models), Decimal(0))
        if unattributed:
            requests = max(row.report.requests - sum(m.requests for m in row.report.models), 0)
            row_of(row.prefix, row.name, UNATTRIBUTED, unattributed, requests, "measured")
    rest = result.rows[len(shown) :]
    if rest:
        spent = sum((row.spend for row in rest), Decimal(0))
        requests = sum(row.report.requests for row in rest)
        row_of("(rest)", _count(len(rest), "other key"), "", spent, requests, "rest")
    for key in result.missing:
        row_of(key.prefix, key.name, "", None, None, f"missing: {key.error}: {key.reason}")
    return buffer.getvalue()
