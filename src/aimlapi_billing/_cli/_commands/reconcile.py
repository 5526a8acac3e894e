"""``reconcile``: the ledger, the request logs and the usage totals of one window, side by side.

Exit 0 when the three records agree, 10 when they do not (the command worked: a script can act on
the difference), and the usual error codes otherwise. The rules are the SDK's (``lib/reconcile.py``):
MODEL_USAGE charges by ``reference_id`` against log rows by ``inference_id``, every key's logs and
usage added up, differences below ``--tolerance`` (one cent) counted as agreement, and charges
given ``--settle`` minutes to land.
"""

from __future__ import annotations

import argparse
import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, TextIO

from ..._config import DEFAULT_MAX_PAGES
from ..._exceptions import AIMLAPIError, InvalidParameterError, PermissionDeniedError
from ..._redaction import printable
from .._common import EXIT_OK, PROG, client, fixed, json_output, report, table, usd
from .._options import add_epilog, add_max_pages, number
from .._window import add_window_options, store_window, window

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
STORE_TEXT = (
    "--db URL: compare the records kept by the spend store (see sync) instead of the API's: the same rules, "
    "table, --json and exit statuses, any window (no 92-day limit). A --period (24h, 7d) or --since ends at the "
    'store\'s last finished sync, which is also the "now" that makes a recent costing row pending; an explicit '
    "--end, or a calendar window, is taken as given. The usage is kept by whole UTC day: it is compared with the "
    "request rows of the window's whole days (a window without one compares none: the table says 'not "
    "compared', --json has usage_minus_logs_usd and usage_logs_spend null). A window reaching past the "
    "last finished sync cannot be compared whole: the figures are printed, the verdict says so, exit 12 (as a "
    "store older than --max-age SPAN, which prints nothing); a store that cannot be used exits 9."
)


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    from .._store import add_db_option, add_max_age_option

    add_epilog(parser, STORE_TEXT, before_exit_codes=True)
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
    add_db_option(parser)
    add_max_age_option(parser, "exits 12")


def run(name: str, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.db is not None or args.max_age is not None:
        return _from_store(args, out, err)
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


def _from_store(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ... import store
    from .._store import EXIT_STORE_STALE, store_failure

    try:
        if args.db is None:
            raise InvalidParameterError("--max-age needs --db (the API's figures are always current)")
        with store.open_for_reading(args.db) as opened:
            as_of = store.fresh_as_of(opened, args.max_age)
            start, end = store_window(args, DEFAULT_PERIOD, as_of)
            result = store.reconcile(
                opened,
                start,
                end,
                as_of=as_of,
                tolerance=Decimal(DEFAULT_TOLERANCE if args.tolerance is None else args.tolerance),
                settle=datetime.timedelta(minutes=args.settle),
            )
            where = str(opened.url)
    except AIMLAPIError as exc:
        return store_failure(exc, err)
    # Ids and model names came from the server (stored with the key redacted); no control characters.
    out.write((json_output(result.to_dict()) if args.json else reconciliation_table(result)) + "\n")
    if not result.complete:
        print(
            f"{PROG}: the window ends {result.end}, after the store's last finished sync "
            f"({result.as_of:%Y-%m-%dT%H:%M:%SZ}): its records cannot be compared whole; run sync first",
            file=err,
        )
        return EXIT_STORE_STALE
    if not args.json:
        out.write(f"(from the store {printable(where)} as of {as_of:%Y-%m-%dT%H:%M:%SZ})\n")
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


def _usage_days(result: Reconciliation) -> str:
    """From the store: which whole UTC days the usage covers (it is kept by day)."""
    if result.usage_logs_usd is None:
        return ""
    if result.usage_days is None:
        return " (kept by UTC day: the window has no whole day, not compared)"
    first, last = result.usage_days
    return f" on the whole UTC days {first} to {last}, logs {_usd(result.usage_logs_usd)} on them"


def _usage_vs_logs(result: Reconciliation) -> str:
    """From the store, a window without a whole UTC day compares no usage: no difference is shown."""
    if not result.usage_compared:
        return "not compared (no whole UTC day in the window)"
    return _signed(result.usage_vs_logs_usd)


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
        ("usage", f"{_usd(result.usage_usd)} in {result.usage_requests:,} charged requests{_usage_days(result)}"),
        ("ledger - logs", f"{_signed(result.ledger_vs_logs_usd)} (over {settled:,} settled rows)"),
        ("usage - logs", _usage_vs_logs(result)),
    ]
    rows += _rows("only in the logs", result.only_in_logs)
    rows += _rows("only in the ledger", result.only_in_ledger)
    rows += _rows("amounts differ", result.amounts_differ)
    rows += _rows("pending", result.pending)
    if result.ledger_other_entries:
        rows.append(("not compared", f"{result.ledger_other_entries} MODEL_USAGE entries that are no CHARGE"))
    tolerance = f"differences below {_usd(result.tolerance)}"
    if not result.complete:
        verdict = (
            f"CANNOT COMPARE: the store's last finished sync ({result.as_of:%Y-%m-%dT%H:%M:%SZ}) is before the end"
        )
    else:
        verdict = f"agree ({tolerance})" if result.agree else f"DISAGREE ({tolerance} are agreement)"
    rows.append(("verdict", verdict))
    # Ids and model names come from the server: no control characters reach the terminal.
    return table([(printable(redact(label)), printable(redact(value))) for label, value in rows])
