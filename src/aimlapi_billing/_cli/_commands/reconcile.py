"""``reconcile``: the ledger, the request logs and the usage totals of one window, side by side.

Exit 0 when the three records agree, 10 when they do not (the command worked: a script can act on
the difference), and the usual error codes otherwise. The rules are the SDK's (``lib/reconcile.py``):
MODEL_USAGE charges by ``reference_id`` against log rows by ``inference_id``, every key's logs and
usage added up, differences below ``--tolerance`` (one cent) counted as agreement, and charges
given ``--settle`` minutes to land.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, TextIO

from ..._config import DEFAULT_MAX_PAGES
from ..._exceptions import AIMLAPIError, PermissionDeniedError
from ..._redaction import printable
from .._common import EXIT_OK, client, fixed, json_output, report, table, usd
from .._options import add_epilog, add_max_pages, number
from .._window import add_window_options, window

if TYPE_CHECKING:
    from ...types.reconcile import Reconciliation, RowMismatch

#: The records disagree: not an error of the command, and none of the error codes (1-6).
EXIT_MISMATCH = 10
DEFAULT_PERIOD = "24h"
DEFAULT_TOLERANCE = "0.01"
DEFAULT_SETTLE_MINUTES = 15
DEFAULTS = {
    "reconcile": f"--period {DEFAULT_PERIOD}, --tolerance {DEFAULT_TOLERANCE} (USD), --settle "
    f"{DEFAULT_SETTLE_MINUTES} (minutes), --max-pages {DEFAULT_MAX_PAGES} (per record), a table (--json: JSON); "
    f"--deadline covers the whole reconciliation; exit {EXIT_MISMATCH} when the records disagree"
}
SHOWN_ROWS = 20
#: The exit codes of reconcile alone, after every command's in --help.
EXIT_CODES_TEXT = (
    f"exit codes of reconcile: {EXIT_MISMATCH} when the records disagree. Log rows deleted while a key's window "
    "is read (a page's total lower than the page before's, even below the offset asked) are no error: the "
    "window's rows are taken back from the sums and it is read again from the start, at most 3 readings in all; "
    "rows still deleted in the last, exit 6."
)


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    add_epilog(parser, EXIT_CODES_TEXT)
    add_window_options(parser, DEFAULT_PERIOD)
    parser.add_argument(
        "--tolerance",
        type=number("an amount in USD", 0, 1_000_000, low_open=True, exact=True),
        metavar="USD",
        help=f"differences below this are agreement, per row and per total (default: {DEFAULT_TOLERANCE})",
    )
    parser.add_argument(
        "--settle",
        type=number("a number of minutes", 0, 1440),
        default=DEFAULT_SETTLE_MINUTES,
        metavar="MINUTES",
        help=f"how long a charge may take to land after its request, 0 to 1440 (default: {DEFAULT_SETTLE_MINUTES})",
    )
    add_max_pages(parser, "pages of each record")
    parser.add_argument("--json", action="store_true", help="print the reconciliation as JSON")


def run(name: str, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import datetime

    try:
        span = window(args, DEFAULT_PERIOD)
        with client(args) as billing:
            result = billing.reconcile(
                **span,
                tolerance=DEFAULT_TOLERANCE if args.tolerance is None else args.tolerance,
                settle=datetime.timedelta(minutes=args.settle),
                max_pages=args.max_pages,
            )
    except PermissionDeniedError as exc:
        exc.add_note_to_message("reconcile reads every key's logs and usage: it needs a management key")
        return report(exc, err)
    except AIMLAPIError as exc:
        return report(exc, err)
    # Ids and model names come from the server, which may echo the key in them.
    shown = (
        json_output(billing._redactor.data(result.to_dict()))
        if args.json
        else reconciliation_table(result, billing._redact)
    )
    out.write(shown + "\n")
    return EXIT_OK if result.agree else EXIT_MISMATCH


def _usd(amount: Decimal) -> str:
    return usd(amount)


def _signed(amount: Decimal) -> str:
    return f"{fixed(amount, 2, sign=True)} USD"


def _rows(title: str, rows: tuple[RowMismatch, ...]) -> list[tuple[str, str]]:
    if not rows:
        return []
    lines = [(title, f"{len(rows)}")]
    for row in rows[:SHOWN_ROWS]:
        sides = []
        if row.ledger_usd is not None:
            sides.append(f"ledger {_usd(row.ledger_usd)}")
        if row.logs_usd is not None:
            sides.append(f"logs {_usd(row.logs_usd)}")
        lines.append((f"  {row.id or '(no reference_id)'}", f"{', '.join(sides)}  {row.created}  {row.model or ''}"))
    if len(rows) > SHOWN_ROWS:
        lines.append(("  ...", f"{len(rows) - SHOWN_ROWS} more (--json lists every one)"))
    return lines


def reconciliation_table(result: Reconciliation, redact: Callable[[str], str] = str) -> str:
    settled = result.logs_charged_rows - len(result.pending)
    rows = [
        ("window", f"{result.start} to {result.end}, {len(result.key_prefixes)} keys"),
        ("ledger", f"{_usd(result.ledger_usd)} in {result.ledger_charges:,} MODEL_USAGE charges"),
        (
            "logs",
            f"{_usd(result.logs_usd)} in {result.logs_charged_rows:,} rows that cost something "
            f"(of {result.logs_rows:,})",
        ),
        ("usage", f"{_usd(result.usage_usd)} in {result.usage_requests:,} charged requests"),
        ("ledger - logs", f"{_signed(result.ledger_vs_logs_usd)} (over {settled:,} settled rows)"),
        ("usage - logs", _signed(result.usage_vs_logs_usd)),
    ]
    rows += _rows("only in the logs", result.only_in_logs)
    rows += _rows("only in the ledger", result.only_in_ledger)
    rows += _rows("amounts differ", result.amounts_differ)
    rows += _rows("pending", result.pending)
    if result.ledger_other_entries:
        rows.append(("not compared", f"{result.ledger_other_entries} MODEL_USAGE entries that are no CHARGE"))
    tolerance = f"differences below {_usd(result.tolerance)}"
    rows.append(("verdict", f"agree ({tolerance})" if result.agree else f"DISAGREE ({tolerance} are agreement)"))
    # Ids and model names come from the server: no control characters reach the terminal.
    return table([(printable(redact(label)), printable(redact(value))) for label, value in rows])
