"""``report``: spend and charged requests from the spend store, by key, model and UTC day, over any
window (the store is local: no 92-day limit, no request to the API)."""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import os
from typing import TYPE_CHECKING, Any, TextIO

from ..._atomic import refuse_to_replace
from ..._exceptions import AIMLAPIError, InvalidParameterError
from ..._redaction import printable
from ...report import REPORT_EXTRA
from ...teams import ENV_VAR as TEAMS_ENV_VAR
from ...teams import UNMAPPED, Teams, load_teams
from .._common import EXIT_OK, PROG, json_output, named_format, spreadsheet_text
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
from .._window import add_window_options, month, store_window

if TYPE_CHECKING:
    from ...store import SpendReport

DEFAULT_PERIOD = "30d"
DEFAULT_BY = ("key",)
GROUPINGS = ("key", "team", "model", "day")
DEFAULTS = {
    "report": f"{DB_DEFAULT}, --period {DEFAULT_PERIOD}, --by key, a table (--json, --csv, --html), "
    f"--teams ${TEAMS_ENV_VAR}"
}
RULES_TEXT = (
    "report: a row's spend is the sum of the stored request rows' costs in the window [start, end) (failed "
    "requests cost 0), requests counts the charged (succeeded) ones, as GET /v2/usage does; days are UTC days; "
    "rows are ordered by day, key, model. A window ending now (--period, --since, today, this-*) ends at the store's "
    "last finished sync, as reconcile --db's does; a window the store holds no ledger entry and no request row in "
    "is one line, exit 11 (as export focus), and a window not begun (a --month, --start or --since in the future) "
    "exit 2. "
    "--json writes one object {start, end, currency, total_usd, rows: "
    "[{key_prefix, team, model, day, spend_usd, requests}], as_of}, each row holding only the fields of --by, "
    "as_of when the store's last finished sync began (none finished: exit 12), the moment its data reach; a window "
    "reaching past it is said on stderr (a note: the report is partial, exit 0); money in "
    '--json and --csv is a string of the exact decimal ("12.5", "0.000105"), never rounded. A key prefix listed '
    "for several keys (the API tells them apart by nothing else) is one row, their sum: the table says 'shared "
    "by N keys', --json adds key_shared_by: N to its rows, --csv a key_shared_by column. A --csv cell of text "
    "(a key, model or team) that starts with = + - @ or a tab or carriage return gets a leading ' so that a "
    "spreadsheet shows it instead of running it as a formula (OWASP's advice)."
)
TEAMS_TEXT = (
    "chargeback: --by team groups keys into the teams of a TOML teams file (--teams FILE, else "
    f"${TEAMS_ENV_VAR}): [[rule]] tables, each with team (and cost_centre) and exactly one of prefix (the key's "
    "prefix starts with it), name (the key's name is it) or glob (a shell pattern on the prefix or the name). "
    f"The first rule that matches, in file order, wins; a key no rule maps is {UNMAPPED}, never dropped, so the "
    "teams add up to the total. A teams file that cannot be used is one line naming the file and the key path "
    "(rule[2].glob), exit 2; so is a path that is no regular file (a FIFO), and a team named total, day, "
    f"{UNMAPPED} or other (N) (any case or spacing: the reports' own labels). "
    "The file is read only by --by team, --html and an explicit --teams: a plain report "
    "by key ignores the environment's."
)
HTML_TEXT = (
    "--html FILE writes one self-contained HTML page (no script, nothing fetched when opened, prints on A4): "
    "spend per day stacked by the top keys (or teams, with --by team) and the rest as other, spend by model, "
    "each key against its limit, the balance with its top-ups and runway, and whether the ledger, the logs "
    "and the usage agree; under each chart a table of the exact figures. It needs the [report] extra "
    f"({REPORT_EXTRA}; exit 3 without it). The file is replaced atomically: an unwritable FILE is exit 2 and "
    "leaves nothing; a FILE named .csv or .json (any case) is exit 2 (--csv and --json print those). "
    "Ctrl-C before 'wrote FILE' is exit 130, the old file kept (one while drawing is raised "
    "once the drawing returns); after it, exit 0."
)


class NoDataError(Exception):
    """The store holds nothing in the window (exit 11): no report is better than a report of 0.00."""


#: The JSON and CSV field of each grouping, in the order of the columns.
_COLUMNS = {"day": "day", "team": "team", "key": "key_prefix", "model": "model"}


def _by(text: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in text.split(","))
    unknown = [name for name in names if name not in GROUPINGS]
    if unknown or not names or len(set(names)) != len(names):
        raise argparse.ArgumentTypeError(
            f"not a list of key, team, model and day (each once), like key,model or team,day: {text!r}"
        )
    return names


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter  # the paragraphs below, as wrapped
    add_epilog(parser, f"defaults: {DEFAULTS['report']}")
    add_epilog(parser, STORE_TEXT)
    add_epilog(parser, RULES_TEXT)
    add_epilog(parser, TEAMS_TEXT)
    add_epilog(parser, HTML_TEXT)
    add_epilog(
        parser,
        "exit codes: 0 success; 2 usage (a bad option, a window not begun); 11 the store holds nothing in the "
        "window; 12 the store is older than --max-age (or no sync "
        "finished); 1 only for a bug. " + EXIT_CODES_TEXT,
    )
    add_db_option(parser)
    add_max_age_option(parser, "exits 12")
    add_window_options(parser, DEFAULT_PERIOD)
    parser.add_argument(
        "--month",
        type=month,
        metavar="YYYY-MM",
        help="a calendar month (instead of a window), from midnight of its 1st in --tz (default: UTC)",
    )
    parser.add_argument(
        "--by",
        type=_by,
        default=DEFAULT_BY,
        metavar="G",
        help="group by key, team, model and/or day, e.g. key,model,day or team (--html: key or team)",
    )
    parser.add_argument(
        "--teams", metavar="FILE", help=f"the teams file (TOML) that --by team uses (default: ${TEAMS_ENV_VAR})"
    )
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="one JSON object (see below)")
    output.add_argument("--csv", action="store_true", help="CSV with a header row")
    output.add_argument("--html", metavar="FILE", help="one self-contained HTML page with charts, written to FILE")


def _span(args: argparse.Namespace, as_of: datetime.datetime | None) -> tuple[datetime.datetime, datetime.datetime]:
    """The window: --month as given (refused before it begins, as ``export focus`` does), else one
    ending now ends at ``as_of``, the store's last finished sync (``reconcile --db``'s rule)."""
    if args.month is not None:
        if any(value is not None for value in (args.period, args.start, args.end, args.since)):
            raise InvalidParameterError(
                "give --month (with --tz), --period (with --tz), --since, or --start and --end: one of them"
            )
        if args.tz is None:
            start, end = args.month
        else:
            from ..._windows import calendar_month

            # The month from local midnight of its 1st in --tz (its UTC days: --by day stays UTC days).
            start, end = calendar_month(f"{args.month[0]:%Y-%m}", args.tz)
        if start > datetime.datetime.now(datetime.UTC):
            raise InvalidParameterError(f"--month {args.month[0]:%Y-%m} has not begun: nothing to report")
        return start, end
    start, end = store_window(args, DEFAULT_PERIOD, as_of)
    if args.start is not None and start > datetime.datetime.now(datetime.UTC):
        # Not begun, as a --month not begun or a --since in the future: a usage error, not "no data".
        raise InvalidParameterError(f"--start ({args.start}) is in the future")
    return start, end


def _held(opened: Any, start: datetime.datetime, end: datetime.datetime) -> None:
    """NoDataError (exit 11, as ``export focus``) when the store holds no ledger entry and no request
    row in the window: a sum of nothing is no spend of 0.00, nor an agreement."""
    from ... import store

    if not store.holds_records(opened, start, end):
        raise NoDataError(
            f"{opened.url} holds no ledger entry and no request row from {_iso(start)} to {_iso(end)}: "
            "nothing to report (sync first, or another window)"
        )


def _utc(text: str) -> datetime.datetime:
    value = datetime.datetime.fromisoformat(text)
    return (value if value.tzinfo else value.replace(tzinfo=datetime.UTC)).astimezone(datetime.UTC)


def _teams_path(args: argparse.Namespace) -> str | None:
    """The teams file's path: --teams, else the environment's; None when neither names one."""
    if args.teams is not None and not args.teams.strip():
        raise InvalidParameterError("--teams: an empty path (give the teams file, or leave --teams out)")
    path = args.teams if args.teams is not None else os.environ.get(TEAMS_ENV_VAR, "").strip() or None
    return None if path is None else path.strip()


def _teams(args: argparse.Namespace, err: TextIO) -> Teams | None:
    """The teams file of --teams, else of the environment; None when neither names one. A file without
    a rule is valid (every key unmapped), and said on stderr: it is likely the wrong file."""
    path = _teams_path(args)
    if path is None:
        if "team" in args.by:
            raise InvalidParameterError(f"--by team needs a teams file: give --teams FILE or set ${TEAMS_ENV_VAR}")
        return None
    teams = load_teams(path)
    if not teams.rules:
        print(f"{PROG}: note: {printable(path)} has no [[rule]]: every key is {UNMAPPED}", file=err)
    return teams


def _inputs(args: argparse.Namespace) -> list[str | None]:
    """The files report reads, which --html must never replace: an SQLite store with its companions
    (-wal, -shm, -journal, the sync's .lock) and the teams file."""
    from ...store import resolve

    url = resolve(args.db)
    store_files = [] if url.path is None else [f"{url.path}{end}" for end in ("", "-wal", "-shm", "-journal", ".lock")]
    return [*store_files, _teams_path(args)]


def _html(args: argparse.Namespace, err: TextIO) -> int:
    from ... import store
    from ..._interrupts import held_interrupt
    from ...report import require_extra, write_html

    if set(args.by) - {"key", "team"} or len(args.by) != 1:
        raise InvalidParameterError("--html groups the daily spend by key or by team: give --by key or --by team")
    if not args.html.strip() or args.html == "-":
        # Never a file named "-" or "" by mistake: the page is a file to mail, not a stream.
        raise InvalidParameterError(f"--html: give a file to write the page to, not {args.html!r}")
    named = named_format(args.html, ("csv", "json"))
    if named is not None:  # an HTML page under a name a reader opens as another format: a mistake, said
        raise InvalidParameterError(
            f"--html writes an HTML page, not the {named.upper()} {args.html!r} names: name it .html, "
            f"or print {named.upper()} with --{named} > {args.html}"
        )
    require_extra()  # before the store is read: a missing extra is said at once
    refuse_to_replace(args.html, *_inputs(args))
    teams = _teams(args, err)
    with store.open_for_reading(args.db) as opened:
        synced = _synced(opened, args)  # --max-age refuses an older store before anything is drawn
        start, end = _span(args, synced)
        _held(opened, start, end)
        figures = store.dashboard(opened, start, end, teams=teams, by=args.by[0])
    with held_interrupt():  # once the page is in place, a Ctrl-C changes nothing: "wrote" and exit 0
        size = write_html(args.html, figures)
        note_partial(figures.synced, end, f"spend after it is not in {printable(args.html)}", err)
        print(f"wrote {printable(args.html)} ({size:,} bytes)", file=err)
    return EXIT_OK


def run(name: str, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        _span(args, None)  # a bad window is said before anything is read
        if args.html is not None:
            return _html(args, err)
        # Only --by team uses teams here: a broken $AIMLAPI_BILLING_TEAMS must not break a plain report.
        teams = _teams(args, err) if "team" in args.by or args.teams is not None else None
        from ... import store

        with store.open_for_reading(args.db) as opened:
            synced = _synced(opened, args)
            start, end = _span(args, synced)
            _held(opened, start, end)
            if "team" in args.by:
                assert teams is not None
                by_key = store.spend(opened, start, end, tuple({*args.by, "key"} - {"team"}))
                result = store.by_team(by_key, teams, store.key_names(opened), keep_key="key" in args.by)
            else:
                result = store.spend(opened, start, end, args.by)
    except NoDataError as exc:
        print(f"{PROG}: error: {printable(str(exc))}", file=err)
        return EXIT_NO_DATA
    except (AIMLAPIError, OSError) as exc:
        return store_failure(exc, err)
    note_partial(synced, end, "spend after it is not in this report", err)
    if args.json:
        out.write(json_output({**as_json(result), "as_of": None if synced is None else _iso(synced)}) + "\n")
    elif args.csv:
        out.write(as_csv(result))
    else:
        out.write(as_table(result))
    return EXIT_OK


def _synced(opened: Any, args: argparse.Namespace) -> datetime.datetime:
    """When the store's last finished sync began; none finished (a first sync killed: a ledger without
    its request rows) or one older than --max-age is refused (exit 12), never a total of what is there."""
    from ... import store

    return store.fresh_as_of(opened, args.max_age)


def _iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def _fields(result: SpendReport) -> list[dict[str, Any]]:
    from ...store._values import decimal_text

    rows = []
    for row in result.rows:
        fields: dict[str, Any] = {}
        if "team" in result.by:
            fields["team"] = row.team
        if "key" in result.by:
            fields["key_prefix"] = row.key_prefix
            if row.shared_by is not None:  # several keys listed with this prefix: the row is their sum
                fields["key_shared_by"] = row.shared_by
        if "model" in result.by:
            fields["model"] = row.model
        if "day" in result.by:
            fields["day"] = None if row.day is None else row.day.isoformat()
        fields["spend_usd"] = decimal_text(row.spend)
        fields["requests"] = row.requests
        rows.append(fields)
    return rows


def as_json(result: SpendReport) -> dict[str, Any]:
    """The issue's contract: money as decimal strings, each row only the grouped fields."""
    from ...store._values import decimal_text

    return {
        "start": _iso(result.start),
        "end": _iso(result.end),
        "currency": "USD",
        "total_usd": decimal_text(result.total),
        "rows": _fields(result),
    }


def as_csv(result: SpendReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    rows = _fields(result)
    columns = [column for name, column in _COLUMNS.items() if name in result.by]
    shared = any("key_shared_by" in row for row in rows)  # the column only when a prefix is shared
    writer.writerow([*columns, *(["key_shared_by"] if shared else []), "spend_usd", "requests"])
    for row in rows:
        # Dates are ours; the rest is server text, which a spreadsheet must not run as a formula.
        text = [row[name] if name == "day" else spreadsheet_text(printable(str(row[name]))) for name in columns]
        count = [row.get("key_shared_by", "")] if shared else []
        writer.writerow([*text, *count, row["spend_usd"], row["requests"]])
    return buffer.getvalue()


def _cell(row: dict[str, Any], column: str) -> str:
    """A table cell; a shared prefix marked as such (its figures are several keys')."""
    text = printable(str(row[column]))
    if column == "key_prefix" and "key_shared_by" in row:
        from ...store import shared_text

        text += f" ({shared_text(row['key_shared_by'])})"
    return text


def as_table(result: SpendReport) -> str:
    from ...store._values import decimal_text

    rows = _fields(result)
    columns = [column for name, column in _COLUMNS.items() if name in result.by]
    header = [*columns, "USD", "requests"]
    cells = [[_cell(row, name) for name in columns] + [row["spend_usd"], f"{row['requests']:,}"] for row in rows]
    cells.append(
        ["total", *[""] * (len(columns) - 1), decimal_text(result.total), f"{sum(r['requests'] for r in rows):,}"]
    )
    widths = [max(len(line[index]) for line in [header, *cells]) for index in range(len(header))]
    numeric = {len(header) - 2, len(header) - 1}
    lines = [
        "  ".join(
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i]) for i, cell in enumerate(line)
        ).rstrip()
        for line in [header, *cells]
    ]
    title = f"spend from {_iso(result.start)} to {_iso(result.end)} (USD, from the store)"
    return "\n".join([title, *lines]) + "\n"
