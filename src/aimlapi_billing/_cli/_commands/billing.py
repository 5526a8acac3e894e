"""``balance``, ``summary``, ``detail``: one reading each; ``transactions``: the ledger, streamed."""

from __future__ import annotations

import argparse
import datetime
import itertools
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TextIO

from ..._client import Billing
from ..._config import DEFAULT_MAX_PAGES
from ..._exceptions import AIMLAPIError
from ..._redaction import printable
from ...resources.billing import ITERATION_PAGE_SIZE
from .._common import (
    EXIT_OK,
    client,
    first_fetched,
    fixed,
    json_output,
    plain_number,
    report,
    spreadsheet_text,
    table,
    usd,
)
from .._options import (
    AUTOTOPUP_SOURCES_TEXT,
    CURRENT_AUTOTOPUP,
    LEGACY_AUTOTOPUP,
    EnumValues,
    add_epilog,
    add_max_pages,
    moment,
    number,
)

if TYPE_CHECKING:
    from aimlapi_billing_client.models import Transaction

    from ..._redaction import Redactor

CREDITS_PER_USD = 2_000_000

DEFAULTS = {
    "balance": "a table (--json: the API's JSON)",
    "summary": "a table (--json: the API's JSON)",
    "detail": "a table (--json: the API's JSON)",
    "transactions": f"every entry (no --from, --to, --direction, --type, --max-entries), --page-size "
    f"{ITERATION_PAGE_SIZE}, --max-pages {DEFAULT_MAX_PAGES}, a table (--json: JSON Lines, --csv: CSV)",
}


def _server_table(rows: list[tuple[str, str]]) -> str:
    """:func:`table` for values that hold server text (a currency, an email, a status): each one
    printable, on its line, so no terminal control and no extra line reaches the terminal."""
    return table([(label, printable(value)) for label, value in rows])


def _balance_table(result: Any) -> str:
    last = result.last_updated
    last_text = last.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if last.tzinfo else last.isoformat()
    return _server_table(
        [
            ("balance", f"{fixed(result.balance, 0)} credits ({usd(result.balance / CREDITS_PER_USD)})"),
            (
                "low balance",
                f"{'yes' if result.low_balance else 'no'} (threshold {fixed(result.low_balance_threshold, 0)} credits)",
            ),
            ("auto top-up", f"{result.auto_debit_status} ({LEGACY_AUTOTOPUP})"),
            ("status", f"{result.status}: {result.status_explanation}"),
            ("last updated", last_text),
        ]
    )


def _summary_table(result: Any) -> str:
    return _server_table([("balance", usd(result.current_balance))])  # the SDK refuses any other currency


def _detail_table(result: Any) -> str:
    settings = result.autotopup_settings
    if settings.is_enabled is True:
        topup = "on"
        if isinstance(settings.amount, Decimal) and isinstance(settings.threshold, Decimal):
            topup += f": adds {usd(settings.amount)} when the balance falls below {usd(settings.threshold)}"
    else:
        topup = "off" if settings.is_enabled is False else "unknown"
    topup += f" ({CURRENT_AUTOTOPUP})"
    return _server_table(
        [
            ("user id", str(result.user_id)),
            ("email", result.email),
            ("balance", usd(result.current_balance)),
            ("auto top-up", topup),
        ]
    )


_READINGS: dict[str, tuple[Callable[[Billing], Any], Callable[[Any], str]]] = {
    "balance": (Billing.balance, _balance_table),
    "summary": (Billing.summary, _summary_table),
    "detail": (Billing.detail, _detail_table),
}


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    if name in ("balance", "detail"):
        add_epilog(parser, AUTOTOPUP_SOURCES_TEXT, before_exit_codes=True)
    if name in _READINGS:
        parser.add_argument("--json", action="store_true", help="print the API's JSON instead of a table")
        return
    parser.add_argument("--from", dest="from_", type=moment, metavar="WHEN", help="entries at or after (ISO 8601)")
    parser.add_argument("--to", type=moment, metavar="WHEN", help="entries before (ISO 8601)")
    # The enums load when an option is used or --help shown, not for every command (a metavar is
    # given, so argparse does not list the choices while building the parser).
    parser.add_argument(
        "--direction", choices=EnumValues("TransactionDirection"), metavar="DIRECTION", help="TOPUP or CHARGE"
    )
    parser.add_argument(
        "--type",
        dest="entry_type",
        choices=EnumValues("TransactionType"),
        metavar="TYPE",
        help="entry kind: %(choices)s",
    )
    parser.add_argument(
        "--page-size",
        type=number("a whole number", 1, 100, whole=True),
        metavar="N",
        help=f"entries per request, 1-100 (default: {ITERATION_PAGE_SIZE})",
    )
    add_max_pages(parser)
    parser.add_argument(
        "--max-entries",
        type=number("a whole number", 1, 10**12, whole=True),
        metavar="N",
        help="stop after N entries (default: all)",
    )
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="JSON Lines: one entry per line")
    output.add_argument("--csv", action="store_true", help="CSV with a header row")


def run(name: str, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if name == "transactions":
        return _transactions(args, out, err)
    call, render = _READINGS[name]
    try:
        with client(args) as billing:
            result = call(billing)
    except AIMLAPIError as exc:
        return report(exc, err)
    # Server text (model names, types) passes the client's redaction: an echo of a key is not shown.
    shown = (
        json_output(billing._redactor.data(result.to_dict()), ensure_ascii=False)
        if args.json
        else billing._redact(render(result))
    )
    print(shown, file=out)
    return EXIT_OK


LEDGER_COLUMNS = ("created_at", "direction", "type", "amount_usd", "amount_credits", "model", "reference_id")
#: The columns of LEDGER_COLUMNS that are numbers (ours): the rest is server text, guarded in CSV.
_LEDGER_AMOUNTS = (3, 4)


def _ledger_row(entry: Transaction) -> tuple[str, ...]:
    return (
        entry.created_at,
        entry.direction.value,
        entry.type_.value,
        plain_number(entry.amount.usd),
        str(entry.amount.credits_),
        entry.model or "",
        entry.reference_id or "",
    )


def write_ledger(entries: Iterable[Transaction], out: TextIO, style: str, redactor: Redactor | None = None) -> int:
    """Write entries as they arrive (table, JSON Lines or CSV); memory stays flat. Returns the count.

    Nothing, not even a header, is written before the first page has arrived: a call that fails at
    once leaves no output that looks like an empty ledger. Each cell is the API's text, except that
    ``redactor`` (the client's) removes any echo of a key, and a CSV text cell is escaped as every CSV
    output's is (``printable``, then ``spreadsheet_text``'s formula guard); amounts are never changed."""
    import csv  # here: balance, summary and detail share this module and never write CSV

    count = 0
    any_entry, entries = first_fetched(entries)
    writer = csv.writer(out, lineterminator="\n") if style == "csv" else None
    if writer is not None:
        writer.writerow(LEDGER_COLUMNS)
    elif style == "table":
        out.write(f"{'created at':<24}  {'dir':<6}  {'type':<15}  {'USD':>12}  model\n")
    if not any_entry:
        return 0
    redact = str if redactor is None else redactor.text
    for entry in entries:
        if writer is not None:
            cells = _ledger_row(entry)
            writer.writerow(
                cell if index in _LEDGER_AMOUNTS else spreadsheet_text(printable(redact(cell)))
                for index, cell in enumerate(cells)
            )
        elif style == "json":
            record = entry.to_dict() if redactor is None else redactor.data(entry.to_dict())
            out.write(json_output(record, lines=True, ensure_ascii=False) + "\n")
        else:
            # A terminal: no control characters from the server, and no echo of a key.
            row = tuple(printable(redact(cell)) for cell in _ledger_row(entry))
            out.write(f"{row[0]:<24}  {row[1]:<6}  {row[2]:<15}  {fixed(entry.amount.usd, 2):>12}  {row[5]}\n")
        count += 1
    return count


def _transactions(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    style = "json" if args.json else "csv" if args.csv else "table"
    try:
        with client(args) as billing:
            entries: Iterable[Transaction] = billing.transactions(
                from_=args.from_,
                to=args.to,
                direction=args.direction,
                type=args.entry_type,
                limit=args.page_size,
                max_pages=args.max_pages,
            )
            if args.max_entries is not None:
                entries = itertools.islice(entries, args.max_entries)
            write_ledger(entries, out, style, billing._redactor)
    except AIMLAPIError as exc:
        return report(exc, err)
    return EXIT_OK
