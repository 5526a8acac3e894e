"""``export focus``: a month of the spend store as FOCUS 1.2 CSV or Parquet (the FinOps Foundation's
cost and usage format), written atomically: the file is whole or not there."""

from __future__ import annotations

import argparse
import csv
import datetime
import os
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ..._atomic import replacing
from ..._exceptions import AIMLAPIError, InvalidParameterError
from ..._redaction import printable
from ...teams import ENV_VAR as TEAMS_ENV_VAR
from .._common import EXIT_OK, EXIT_USAGE, PROG, named_format, spreadsheet_text
from .._options import add_epilog
from .._store import (
    DB_DEFAULT,
    EXIT_CODES_TEXT,
    EXIT_NO_DATA,
    STORE_TEXT,
    add_db_option,
    add_max_age_option,
    note_partial,
    store_failure,
)
from .._window import month

if TYPE_CHECKING:
    from ...store import FocusExport
    from ...store._focus import TagSource

FORMATS = ("focus",)
DEFAULTS = {"export": f"{DB_DEFAULT}, no --max-age, --teams ${TEAMS_ENV_VAR} (else no team tags)"}
RULES_TEXT = (
    "export focus: one CSV row per charge of the UTC calendar month, FOCUS 1.2's columns (then x_LedgerType): "
    "the ledger's MODEL_USAGE charges per UTC day and model (the SKU), split by key (the sub-account, "
    "SubAccountType 'API Key', Tags {aimlapi/key_prefix, aimlapi/key_name}, and with --teams team and "
    "cost_centre, team (unmapped) for a key no rule maps) as the stored request logs say, and "
    "what the logs do not account for as a row without a key; PAYMENT is a Purchase (EffectiveCost 0: prepaid), "
    "BONUS and REFUND a Credit (negative), ADJUSTMENT, CREDITS_EXPIRED, INIT and unknown types an Adjustment. "
    "BilledCost adds up to the ledger's entries of the month, signed (a charge positive, a top-up other than a "
    "PAYMENT negative), as exact decimals. A cell of names (BillingAccountId and Name, SubAccountId and Name, "
    "SkuId, SkuPriceId, ChargeDescription, Tags) has each control character as its escape (\\r) and, when it "
    "starts with = + - @, a leading ' so that a spreadsheet shows it instead of running it as a formula, as "
    "report --csv does. "
    "The file is written to a temporary file beside it and renamed: whole, or not there. "
    "Parquet (an -o ending .parquet, any case, or --format parquet; any other name is CSV unless --format "
    "parquet; a --format that contradicts a .csv or .parquet name is refused, exit 2, nothing written) "
    "holds the same rows and cells, written a row group of 65,536 rows at a time (memory stays flat however "
    "large the month), typed: the costs and quantities DECIMAL(38, 9) (wider when an amount needs it; never a "
    "float), the periods UTC timestamps, the rest strings, Tags the same JSON text, an empty cell "
    "null. It needs the [parquet] extra (pyarrow; without it one line says what to install, exit 3)."
)
#: The FOCUS columns of names, from the API or the command line (spreadsheet_text); the rest are numbers,
#: dates and this module's own words.
FOCUS_TEXT = frozenset(
    {"BillingAccountId", "BillingAccountName", "SubAccountId", "SubAccountName", "SkuId", "SkuPriceId",
     "ChargeDescription", "Tags"}
)  # fmt: skip
EXPORT_EXIT_CODES = (
    "exit codes: 0 written; 2 usage: a bad --month (2026-13), a month that has not begun, an -o that is the "
    "store's own file (or its -wal, -shm, -journal or .lock, through any symlink), an -o that cannot be "
    "written (a missing directory, no permission, a full disk: nothing is left behind), a --format that "
    "contradicts -o's .csv or .parquet name, Parquet for an amount "
    f"of more than the 76 digits its DECIMAL holds; {EXIT_NO_DATA} the store holds no ledger entry and no "
    "request row in the month (nothing written: sync first, or another month); "
    "12 the store is older than --max-age. "
)


def _output(text: str) -> Path:
    """-o: a file; "-" (stdout) is refused rather than written as a file named "-"."""
    if text == "-" or not text.strip():
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a file to write (the export is written atomically, not to stdout)"
        )
    return Path(text)


def _account_text(text: str) -> str:
    """--account-id/--account-name: one printable line (a newline would break the CSV's consumers)."""
    if not text.strip() or not text.isprintable():
        raise argparse.ArgumentTypeError(f"{text!r}: give one line of printable text")
    return text


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    add_epilog(parser, f"defaults: {DEFAULTS['export']}")
    add_epilog(parser, STORE_TEXT)
    add_epilog(parser, RULES_TEXT)
    add_epilog(parser, EXPORT_EXIT_CODES + EXIT_CODES_TEXT)
    parser.add_argument("format", choices=FORMATS, help="the format: focus (FOCUS 1.2, as CSV or Parquet)")
    parser.add_argument("--month", type=month, required=True, metavar="YYYY-MM", help="the UTC calendar month")
    parser.add_argument(
        "-o",
        "--output",
        type=_output,
        required=True,
        metavar="FILE",
        help="the file to write (.parquet: Parquet, else CSV)",
    )
    parser.add_argument(
        "--format",
        dest="file_format",
        choices=("csv", "parquet"),
        default=None,
        help="the file's format (default: parquet for an -o ending .parquet, else csv); "
        "one that contradicts -o's .csv or .parquet is refused (exit 2)",
    )
    add_db_option(parser)
    add_max_age_option(parser, "exits 12")
    parser.add_argument(
        "--account-id", type=_account_text, default=None, metavar="ID", help="BillingAccountId (default: aimlapi)"
    )
    parser.add_argument(
        "--account-name",
        type=_account_text,
        default=None,
        metavar="NAME",
        help="BillingAccountName (default: AI/ML API account)",
    )
    parser.add_argument(
        "--teams",
        metavar="FILE",
        help=f"a teams file (TOML, as report --by team reads): each key row's Tags add its team and cost_centre, "
        f"(unmapped) for a key no rule maps (default: ${TEAMS_ENV_VAR}, else no team tags)",
    )


def _tags(args: argparse.Namespace) -> TagSource | None:
    """The Tags of a key's rows: its prefix and name, and with a teams file its team (and cost centre)."""
    from ...store._focus import key_tags
    from ...teams import load_teams

    if args.teams is not None and not args.teams.strip():
        raise InvalidParameterError("--teams: an empty path (give the teams file, or leave --teams out)")
    path = args.teams if args.teams is not None else os.environ.get(TEAMS_ENV_VAR, "").strip() or None
    if path is None:
        return None
    teams = load_teams(path.strip())
    return lambda prefix, name: key_tags(prefix, name) | teams.tags(prefix, name)


def run(name: str, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ...store._values import decimal_text

    start, end = args.month
    now = datetime.datetime.now(datetime.UTC)
    try:
        if start > now:
            raise InvalidParameterError(f"--month {start:%Y-%m} has not begun: nothing to export")
        args.tags = _tags(args)  # a bad teams file is said before the store is read
        if _parquet(args):  # a missing extra is said before the store is read, too
            from ...store._focus_parquet import require_extra

            require_extra()
        from ... import store

        if args.output.resolve() in store.resolve(args.db).own_files():
            raise InvalidParameterError(f"-o {args.output} is the store itself (or its WAL, index or lock): refused")
        with store.open_for_reading(args.db) as opened:
            synced = store.fresh_as_of(opened, args.max_age)  # none finished: refused (exit 12), as report
            export = store.focus(opened, start, end)
            where = str(opened.url)
    except AIMLAPIError as exc:
        return store_failure(exc, err)
    if not export.charges:
        month = f"{start:%Y-%m}"
        err.write(f"{PROG}: error: {where} holds no ledger entry and no request row in {month}: nothing written\n")
        return EXIT_NO_DATA
    try:
        write_atomically(args.output, export, args)
    except InvalidParameterError as exc:  # an amount no Parquet DECIMAL holds: nothing written
        return store_failure(exc, err)
    except OSError as exc:
        err.write(f"{PROG}: error: cannot write {args.output}: {exc.strerror or exc}; nothing written\n")
        return EXIT_USAGE
    note_partial(synced, min(end, now), f"charges of {start:%Y-%m} after it are not in {args.output}", err)
    total = decimal_text(export.total)
    out.write(f"wrote {len(export.charges):,} FOCUS rows of {start:%Y-%m} to {args.output} (BilledCost {total} USD)\n")
    return EXIT_OK


def _parquet(args: argparse.Namespace) -> bool:
    """Parquet when --format says so, else when -o ends .parquet; a --format the name contradicts is refused
    (a reader trusts the name: a CSV called .parquet is an unreadable file, not a Parquet one)."""
    named = named_format(args.output.name, ("parquet", "csv"))
    if args.file_format is None:
        return named == "parquet"
    if named is not None and named != args.file_format:
        raise InvalidParameterError(
            f"--format {args.file_format} contradicts -o {args.output} (a .{named} name): "
            f"name the file .{args.file_format}, or leave --format out"
        )
    return bool(args.file_format == "parquet")


def write_atomically(path: Path, export: FocusExport, args: argparse.Namespace) -> None:
    """The CSV (or Parquet) into a temporary file beside ``path``, synced, then renamed over it
    (removed on failure)."""
    from ...store import focus_rows
    from ...store._focus import COLUMNS, DEFAULT_ACCOUNT_ID, DEFAULT_ACCOUNT_NAME

    rows = focus_rows(
        export,
        account_id=args.account_id or DEFAULT_ACCOUNT_ID,
        account_name=args.account_name or DEFAULT_ACCOUNT_NAME,
        **({} if args.tags is None else {"tags": args.tags}),
    )
    # Names from the API or the command line: on one line (Python's csv leaves a lone CR unquoted,
    # which splits the row for a reader) and never run as a formula. Amounts and dates are ours.
    # The Parquet file holds the same cells, so that the two formats never disagree.
    cells = (
        {column: spreadsheet_text(printable(cell)) if column in FOCUS_TEXT else cell for column, cell in row.items()}
        for row in rows
    )
    if _parquet(args):
        from ...store._focus_parquet import decimal_type, export_amounts, write_parquet

        decimal = decimal_type(export_amounts(export))  # the schema, before the first row group is written
        with replacing(path) as file:
            write_parquet(file, cells, decimal)
        return
    with replacing(path, text=True) as stream:
        writer = csv.DictWriter(stream, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(cells)
