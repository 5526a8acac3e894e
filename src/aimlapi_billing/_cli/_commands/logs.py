"""``logs``: every request row of a window, streamed (``GET /v2/logs``) as a table, JSON Lines or CSV.

Rows are written as their page arrives, each line whole: a line is built, written and flushed at
once, so an interrupt (Ctrl-C, a reader that goes away) never leaves half a line behind. Nothing,
not even a header, is written before the first page has arrived. Pages wait for the SDK's
client-side rate limit (190 requests per 60 s), so a long walk slows down instead of failing on 429.
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, TextIO

from ..._config import DEFAULT_MAX_PAGES
from ..._exceptions import AIMLAPIError
from ..._redaction import Redactor, printable
from .._common import (
    EXIT_OK,
    FORMULA_TEXT,
    client,
    first_fetched,
    fixed,
    json_output,
    plain_number,
    report,
    spreadsheet_text,
)
from .._options import EnumValues, add_epilog, add_max_pages, number
from .._window import Window, add_window_options, key_prefix, window

if TYPE_CHECKING:
    from aimlapi_billing_client.models import LogEntry

    from ...types.all_keys import AllKeysLogs

DEFAULT_PERIOD = "24h"
MAX_MODELS = 50
DEFAULTS = {
    "logs": f"--period {DEFAULT_PERIOD}, the key in use (no --key-prefix), every model and status, every row "
    f"(no --max-rows), --max-pages {DEFAULT_MAX_PAGES}, a table (--json: JSON Lines, --csv: CSV)"
}
#: The exit codes of logs alone, after every command's in --help.
EXIT_CODES_TEXT = (
    "exit codes of logs: 6 also when rows are deleted while the window is read (a page's total lower than "
    "the page before's, even below the offset asked): the rows written are whole lines but not the window's "
    "(some may be gone, and rows not read yet may have moved to pages already read), and stderr says so in "
    "one line: read it again. "
    "Before any row is written, the window is read again instead (at most 3 times). Rows that arrive "
    "meanwhile (a total that grows) are written once each, exit 0."
)
COLUMNS = (
    "created",
    "status",
    "origin",
    "model",
    "cost_usd",
    "cost_credits",
    "tokens_input",
    "tokens_output",
    "tokens_total",
    "request_id",
    "inference_id",
    "client_request_id",
)
#: The columns of numbers, which --csv writes as they are (every other cell is text: spreadsheet_text).
_NUMBERS = frozenset({"cost_usd", "cost_credits", "tokens_input", "tokens_output", "tokens_total"})


def _model(text: str) -> str:
    if not text.strip() or not text.isprintable():
        raise argparse.ArgumentTypeError(f"not a model name: {text!r}")
    if "," in text:
        # The API reads "a,b" as one model named so: it would match nothing, silently.
        raise argparse.ArgumentTypeError(f"one model per --model (repeat the option), not {text!r}")
    return text.strip()


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    add_epilog(parser, FORMULA_TEXT, before_exit_codes=True)
    add_epilog(parser, EXIT_CODES_TEXT)
    add_window_options(parser, DEFAULT_PERIOD)
    keys = parser.add_mutually_exclusive_group()
    keys.add_argument(
        "--key-prefix", type=key_prefix, metavar="X", help="another key's rows (a management key; default: this key)"
    )
    keys.add_argument(
        "--all-keys",
        action="store_true",
        help="every key's rows (a management key), a key column first, keys in prefix order; read side by side "
        "(--concurrency, the 200-a-minute limit shared), written once every key is read",
    )
    parser.add_argument(
        "--model",
        action="append",
        type=_model,
        metavar="M",
        help=f"only this model (repeat for several, up to {MAX_MODELS}): openai/gpt-5 or gpt-5",
    )
    parser.add_argument(
        "--status",
        action="append",
        choices=EnumValues("LogStatus"),
        metavar="S",
        help="only rows of this status (repeat for several): %(choices)s",
    )
    parser.add_argument(
        "--max-rows", type=number("a whole number", 1, 10**12, whole=True), metavar="N", help="stop after N rows"
    )
    add_max_pages(parser, "log pages")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="JSON Lines: one row per line, the API's field names")
    output.add_argument("--csv", action="store_true", help="CSV with a header row")


def run(name: str, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    style = "json" if args.json else "csv" if args.csv else "table"
    try:
        if args.model is not None and len(args.model) > MAX_MODELS:
            from ..._exceptions import InvalidParameterError

            raise InvalidParameterError(f"at most {MAX_MODELS} --model options, not {len(args.model)}")
        span = window(args, DEFAULT_PERIOD)
        if args.all_keys:
            return _all_keys(args, span, style, out, err)
        with client(args) as billing:
            rows: Iterable[LogEntry] = billing.logs.list(
                **span,
                key_prefix=args.key_prefix,
                model=args.model,
                status=args.status,
                max_pages=args.max_pages,
            )
            if args.max_rows is not None:
                rows = itertools.islice(rows, args.max_rows)
            write_logs(rows, out, style, billing._redactor)
    except AIMLAPIError as exc:
        return report(exc, err)
    return EXIT_OK


def _all_keys(args: argparse.Namespace, span: Window, style: str, out: TextIO, err: TextIO) -> int:
    from .._all_keys import management_key_needed, missing_line, warn_missing

    with client(args) as billing, management_key_needed("logs --all-keys"):
        result = billing.logs.all_keys(**span, model=args.model, status=args.status, max_pages=args.max_pages)
        text = _all_keys_text(result, style, args.max_rows, billing._redactor)
    if result.missing and style == "table":  # named under the rows too, as usage --all-keys does
        text += f"\n{missing_line(result.missing, result.listed)}\n"
    out.write(text)  # whole, once every key is read: an interrupt before leaves nothing
    out.flush()
    return warn_missing(result.missing, result.listed, err)


def _all_keys_text(result: AllKeysLogs, style: str, max_rows: int | None, redact: Redactor) -> str:
    """Every key's rows, keys in prefix order, with a key column first: the logs command's lines."""
    parts: list[str] = []
    left = max_rows
    header = True
    for key in result.keys:
        rows = key.rows if left is None else key.rows[:left]
        if left is not None:
            left -= len(rows)
        lines = list(_lines(iter(rows), style, redact, key_prefix=key.prefix))
        parts.extend(lines if header or style == "json" else lines[1:])
        header = header and style == "json"
    if header and style != "json":  # no key with a row: the header alone
        parts.extend(_lines(iter(()), style, redact, key_prefix=""))
    return "".join(parts)


def _table_usd(usd: Decimal) -> str:
    """Four decimals, but a cost that is not zero never shows as one."""
    if usd and abs(usd) < 0.00005:
        return "<0.0001" if usd > 0 else ">-0.0001"
    return fixed(usd, 4)


def _cells(row: LogEntry) -> tuple[str, ...]:
    usd = row.cost.usd
    return (
        row.created,
        row.status.value,
        row.origin.value,
        row.model,
        plain_number(usd),
        str(row.cost.credits_),
        str(row.tokens.input_),
        str(row.tokens.output),
        str(row.tokens.total),
        row.request_id or "",
        row.inference_id,
        row.client_request_id or "",
    )


def _lines(
    rows: Iterator[LogEntry], style: str, redactor: Redactor | None = None, key_prefix: str | None = None
) -> Iterator[str]:
    """Each row as one whole line of text (the CSV or table header first); every text the server
    wrote passes ``redactor`` (a server may echo the key in a row's model, ids or origin). With
    ``key_prefix`` (``--all-keys``), a key column first (JSON: ``key_prefix`` first in each object)."""
    redact = str if redactor is None else redactor.text
    keyed = key_prefix is not None
    if style == "json":
        # ensure_ascii: JSON escapes for every non-ASCII character, so no terminal control from the server.
        for row in rows:
            record = row.to_dict() if redactor is None else redactor.data(row.to_dict())
            if keyed:
                record = {"key_prefix": key_prefix, **record}
            yield json_output(record, lines=True) + "\n"
        return
    if style == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        # The key column is the listed prefix, as in the table and JSON Lines: not passed through the
        # redactor, which would blank the caller's own key's prefix (it is the start of the key).
        key = [spreadsheet_text(printable(str(key_prefix)))] if keyed else []
        header = (["key_prefix"] if keyed else []) + list(COLUMNS)
        # The server's text (a model, an id, even its time) must not run as a formula; numbers stay numbers.
        rows_cells = (
            key
            + [
                cell if column in _NUMBERS else spreadsheet_text(cell)
                for column, cell in zip(COLUMNS, (printable(redact(cell)) for cell in _cells(row)), strict=True)
            ]
            for row in rows
        )
        for cells in itertools.chain([header], rows_cells):
            writer.writerow(cells)
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        return
    key_head = f"{'key':<10}  " if keyed else ""
    key_cell = f"{printable(str(key_prefix)):<10}  " if keyed else ""
    yield f"{key_head}{'created':<24}  {'status':<9}  {'USD':>10}  {'tokens':>9}  {'model':<28}  inference id\n"
    for row in rows:
        shown = [printable(redact(cell)) for cell in _cells(row)]
        created, status, model, inference_id = shown[0], shown[1], shown[3], shown[10]
        usd, tokens = _table_usd(row.cost.usd), row.tokens.total
        yield f"{key_cell}{created:<24}  {status:<9}  {usd:>10}  {tokens:>9,}  {model:<28}  {inference_id}\n"


def write_logs(rows: Iterable[LogEntry], out: TextIO, style: str, redactor: Redactor | None = None) -> int:
    """Write rows as they arrive; returns the count. Nothing is written before the first page has
    arrived (a request that fails at once leaves no header that looks like an empty window); each
    line goes out whole and is flushed, so an interrupt never leaves half of one."""
    _, rows = first_fetched(rows)
    lines = 0
    for line in _lines(rows, style, redactor):
        out.write(line)
        out.flush()
        lines += 1
    return lines if style == "json" else lines - 1  # the header
