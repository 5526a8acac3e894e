"""``sync``: bring the spend store up to date with the account (``aimlapi_billing.store``)."""

from __future__ import annotations

import argparse
import datetime
from typing import TextIO

from ..._exceptions import AIMLAPIError
from ...resources.keys import shown_prefix
from .._common import EXIT_OK, EXIT_USAGE, PROG
from .._options import add_epilog, window
from .._store import DB_DEFAULT, EXIT_CODES_TEXT, STORE_TEXT, add_db_option, settle_text, store_failure

#: The default of --settle (aimlapi_billing.store.DEFAULT_SETTLE, without importing the store for --help).
DEFAULT_SETTLE_TEXT = "1h"
DEFAULTS = {
    "sync": f"{DB_DEFAULT}, --settle {DEFAULT_SETTLE_TEXT}, no --wait (a second sync exits 8), "
    "no --keep (nothing pruned)"
}
KEEP_TEXT = (
    "retention: with --keep SPAN, once the store is up to date, every row older than SPAN before the run's start "
    "(the store's moment; the cut-off rounded down to the second, printed exactly) goes, in "
    "one transaction (all or nothing): request rows and ledger entries by their moment, days of usage that ended "
    "before the cut-off, key versions and balances that stopped holding before it (a key's current version and "
    "the newest balance stay). A second line says how many of each went. --keep must be longer than --settle "
    "(a shorter one would prune rows the next run reads again)."
)
RULES_TEXT = (
    "what a sync reads: the keys (a new version row when a key's name, limit, scopes or disabled state "
    "changed), the balance, the ledger, then each key's request logs and daily usage per model. A run reads "
    "from --settle before the previous run's end up to its own start, so a row the vendor adds up to --settle "
    "after its timestamp is still stored; a later one is not (sync --settle 30d once reads further back). Rows "
    "are known by the vendor's ids (a failed row without one by its content; a ledger entry by its content and "
    "its place among identical ones): a run never adds one twice. An echo of the API key in server text is "
    "stored as <redacted>. Keys listed with one prefix (the API knows a key by its prefix, the first 8 "
    "characters, and nothing else) cannot be told apart: their usage and logs are stored, and summed, as one; "
    "a stderr line per such prefix says so at each sync, and every reader marks it 'shared by N keys'. "
    "Each page is written with the walk's progress "
    "in one transaction, so a run killed at any moment is taken up by the next. One sync at a time (a lock on "
    "SQLite, an advisory lock on PostgreSQL). A progress line on stderr when it is a terminal; one summary "
    "line on stdout at the end. Ctrl-C always stops it: exit 130, no summary line, the run not marked finished "
    "(checked at each page and between records, even where Python drops the KeyboardInterrupt)."
)


def keep(text: str) -> datetime.timedelta:
    """``--keep``: a span from 1d: a bad form gets the span parser's one line, a span under a day this."""
    value = window(text)
    if value is None or value < datetime.timedelta(days=1):
        raise argparse.ArgumentTypeError(f"must be 1d or more (to 3660d), a span like 400d, not {text!r}")
    return value


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    add_epilog(parser, STORE_TEXT, before_exit_codes=True)
    add_epilog(parser, RULES_TEXT, before_exit_codes=True)
    add_epilog(parser, KEEP_TEXT, before_exit_codes=True)
    add_epilog(parser, EXIT_CODES_TEXT)
    add_db_option(parser)
    parser.add_argument(
        "--settle",
        type=window,
        metavar="SPAN",
        help=f"read again this long before the last run's end, for rows the vendor adds late: 1h to 3660d, "
        f"e.g. 6h, 2d (default: {DEFAULT_SETTLE_TEXT})",
    )
    parser.add_argument(
        "--keep",
        type=keep,
        metavar="SPAN",
        help="after syncing, prune what is older than this: 1d to 3660d, e.g. 400d (default: keep everything)",
    )
    parser.add_argument("--wait", action="store_true", help="wait for another sync to finish instead of exiting 8")


def run(name: str, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ... import store
    from .._common import client
    from .._interrupt import check

    progress = None
    if getattr(err, "isatty", lambda: False)():

        def progress(line: str) -> None:
            err.write(f"\r\x1b[K{line}")
            err.flush()

    settle = store.DEFAULT_SETTLE if args.settle is None else args.settle
    if args.keep is not None and args.keep <= max(settle, datetime.timedelta(hours=23)):
        err.write(f"{PROG}: error: --keep {settle_text(args.keep)} must be 1d or more, and longer than --settle "
                  f"{settle_text(settle)}: nothing synced or pruned\n")  # fmt: skip
        return EXIT_USAGE
    pruned = None
    try:
        with client(args) as billing, store.open_for_sync(args.db, wait=args.wait) as opened:
            # A server that echoes the API key into a model name or an id: stored as <redacted>.
            summary = store.sync(
                opened, billing, settle=settle, progress=progress, redact=billing._redactor.text, checkpoint=check
            )
            where = str(opened.url)
            shared = [
                store.shared_warning(prefix, count, lambda text: shown_prefix(billing._redact, text))
                for prefix, count in sorted(summary.shared.items())
            ]
            check()  # a dropped Ctrl-C: nothing pruned
            if args.keep is not None:
                # From the run's moment (what readers end their windows at), not the clock now: a reader
                # asking for exactly --keep is then whole.
                pruned = store.prune(opened, (summary.started or datetime.datetime.now(datetime.UTC)) - args.keep)
    except (AIMLAPIError, OSError) as exc:
        if progress is not None:
            progress("")
        return store_failure(exc, err)
    check()  # a dropped Ctrl-C: no summary line, exit 130
    for line in shared:
        err.write(f"{PROG}: {line}\n")
    added = summary.added
    out.write(
        f"synced {where} (settle {settle_text(settle)}): {added['ledger']:,} new ledger entries, {added['logs']:,} new "
        f"log rows, {added['usage']:,} usage rows written, {added['keys']:,} new key versions\n"
    )
    if pruned is not None:
        counts = pruned.counts
        out.write(
            f"pruned what is older than {settle_text(args.keep)} ({pruned.cutoff:%Y-%m-%dT%H:%M:%SZ}): "
            f"{counts['ledger']:,} ledger entries, {counts['logs']:,} log rows, {counts['usage_daily']:,} usage rows, "
            f"{counts['key_versions']:,} key versions, {counts['balances']:,} balances\n"
        )
    return EXIT_OK
