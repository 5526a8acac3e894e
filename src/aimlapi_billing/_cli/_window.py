"""The window options of ``usage``, ``logs`` and ``reconcile``: ``--period``, or ``--start`` and ``--end``.

They mean what the SDK's ``period``/``start``/``end`` mean (and the API's pages): a period is a whole
number of hours or days ending now; a moment without an offset is UTC, as the API reads it. Longer
than 92 days is split by the SDK. The checks here run before any request: a bad value or a bad
combination is a usage error (exit 2).
"""

from __future__ import annotations

import argparse
import datetime
from typing import TypedDict

from .._exceptions import InvalidParameterError
from .._windows import NAMED_WINDOWS, iso, named_window, parse_utc, period_length
from ._options import MAX_DAYS

#: The longest window a command reads: as long as the other commands' (ten years).
MAX_WINDOW = datetime.timedelta(days=MAX_DAYS)


def period(text: str) -> str:
    """``24h``, ``7d``: a whole number of hours or days, up to ten years; or a named calendar window."""
    if text in NAMED_WINDOWS:
        return text
    length = period_length(text)
    if length is None:
        raise argparse.ArgumentTypeError(
            f"not a period like 24h or 7d (whole hours or days) nor one of {', '.join(NAMED_WINDOWS)}: {text!r}"
        )
    if length > MAX_WINDOW:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_DAYS:g}d, not {text!r}")
    return text


def instant(text: str) -> str:
    """An ISO 8601 moment, kept as written for the SDK (without an offset it is UTC, as the API reads it)."""
    try:
        parse_utc(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date or time within years 1-9999: {text!r}") from None
    return text.strip()


def add_window_options(parser: argparse.ArgumentParser, default_period: str) -> None:
    group = parser.add_argument_group("window")
    group.add_argument(
        "--period",
        type=period,
        metavar="P",
        help=f"the last P: whole hours or days, e.g. 24h, 7d, up to {MAX_DAYS:g}d (default: {default_period}); or "
        f"a calendar window: {', '.join(NAMED_WINDOWS)} (from midnight in --tz where the command has it, else UTC; "
        "weeks from Monday; today and this-* end now)",
    )
    group.add_argument(
        "--start", type=instant, metavar="WHEN", help="window start, ISO 8601; without an offset, UTC (with --end)"
    )
    group.add_argument("--end", type=instant, metavar="WHEN", help="window end (excluded), ISO 8601 (with --start)")


class Window(TypedDict):
    """The SDK's window arguments: ``period``, or ``start`` and ``end``."""

    period: str | None
    start: str | None
    end: str | None


def window(args: argparse.Namespace, default_period: str) -> Window:
    """The SDK's ``period``/``start``/``end`` from the options; InvalidParameterError for a bad mix."""
    if args.period is not None and (args.start is not None or args.end is not None):
        raise InvalidParameterError("give --period, or --start and --end, not both")
    if (args.start is None) != (args.end is None):
        raise InvalidParameterError("--start and --end go together")
    if args.period in NAMED_WINDOWS:  # the calendar window in the command's --tz, if it has one
        start, end = named_window(args.period, getattr(args, "tz", None) or "UTC")
        return {"period": None, "start": iso(start), "end": iso(end)}
    if args.start is None:
        return {"period": args.period or default_period, "start": None, "end": None}
    start, end = parse_utc(args.start), parse_utc(args.end)
    if end <= start:
        raise InvalidParameterError(f"--end ({args.end}) must be later than --start ({args.start})")
    if end - start > MAX_WINDOW:
        raise InvalidParameterError(f"the window is longer than {MAX_DAYS:g} days")
    return {"period": None, "start": args.start, "end": args.end}


def key_prefix(text: str) -> str:
    """A key's prefix as the API shows it: printable text (whitespace around it is dropped)."""
    if not text.strip() or not text.isprintable():
        raise argparse.ArgumentTypeError(f"not a key prefix: {text!r}")
    return text.strip()
