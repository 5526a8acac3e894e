"""The window options of ``usage``, ``logs``, ``reconcile`` and ``report``: ``--period``, ``--since``,
or ``--start`` (and ``--end``, default now), and ``--tz`` for a calendar window.

They mean what the SDK's ``period``/``start``/``end`` mean (and the API's pages): a period is whole
hours, days, weeks or calendar months ending now (``24h``, ``7d``, ``2w``, ``1mo``: the span syntax
of ``_windows.py``) or a calendar window (``this-month``) in ``--tz``; a moment without an offset is
UTC, as the API reads it. Longer than 92 days is split by the SDK. The checks here run before any
request: a bad value or a bad combination is a usage error (exit 2).
"""

from __future__ import annotations

import argparse
import datetime
from typing import TypedDict

from .._exceptions import InvalidParameterError
from .._windows import NAMED_WINDOWS, iso, parse_utc, period_bounds, period_length, utc_now
from ._options import MAX_DAYS

#: The longest window a command reads: as long as the other commands' (ten years).
MAX_WINDOW = datetime.timedelta(days=MAX_DAYS)
#: The calendar windows that end before now (the others end now).
PAST_WINDOWS = ("yesterday", "last-week", "last-month")


def period(text: str) -> str:
    """``24h``, ``7d``, ``2w``, ``1mo``: whole hours, days, weeks or calendar months, up to ten years;
    or a named calendar window (``_windows.window_text``, the one span parser and its one error line)."""
    from .._windows import window_text

    try:
        return window_text(text, MAX_WINDOW)
    except InvalidParameterError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def instant(text: str) -> str:
    """An ISO 8601 moment, kept as written for the SDK (without an offset it is UTC, as the API reads it)."""
    if text != text.strip():  # as a span (' 7d') is: a value is taken as written, never trimmed
        raise argparse.ArgumentTypeError(f"space around an ISO 8601 date or time: {text[:60]!r}")
    try:
        parse_utc(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date or time within years 1-9999: {text!r}") from None
    return text


def zone(text: str) -> str:
    """An IANA time zone name spelt exactly (``Europe/Berlin``, ``UTC``): the SDK's check."""
    from ..resources.usage import check_tz

    try:
        return check_tz(text)
    except InvalidParameterError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


TZ_HELP = "IANA time zone, e.g. Europe/Berlin, where the days of a calendar --period begin (default: UTC)"


def add_window_options(parser: argparse.ArgumentParser, default_period: str, *, tz: bool = True) -> None:
    """The window options; ``tz=False`` for a command that declares its own ``--tz`` (usage)."""
    group = parser.add_argument_group("window")
    group.add_argument(
        "--period",
        type=period,
        metavar="P",
        help=f"the last P: whole hours, days, weeks or calendar months, e.g. 24h, 7d, 2w, 1mo, up to {MAX_DAYS:g}d "
        f"(default: {default_period}); or a calendar window: {', '.join(NAMED_WINDOWS)} (from midnight in --tz; "
        "weeks from Monday; today and this-* end now)",
    )
    group.add_argument(
        "--start", type=instant, metavar="WHEN", help="window start, ISO 8601; without an offset, UTC (--end: now)"
    )
    group.add_argument("--end", type=instant, metavar="WHEN", help="window end (excluded), ISO 8601 (with --start)")
    group.add_argument(
        "--since", type=instant, metavar="WHEN", help="window from WHEN (ISO 8601) to now: --start WHEN without --end"
    )
    if tz:
        group.add_argument("--tz", type=zone, metavar="ZONE", help=TZ_HELP)


class Window(TypedDict):
    """The SDK's window arguments: ``period``, or ``start`` and ``end``."""

    period: str | None
    start: str | None
    end: str | None


def window(args: argparse.Namespace, default_period: str, *, tz_days: bool = False) -> Window:
    """The SDK's ``period``/``start``/``end`` from the options, resolved now: an API period (hours or
    days, weeks as days) as given, anything else as ISO 8601 ``start`` and ``end``.
    InvalidParameterError for a bad mix; ``tz_days``: the command's ``--tz`` also sets its days (usage
    by day), so it is not refused without a calendar window."""
    if not tz_days:
        check_tz_use(args)
    since = getattr(args, "since", None)
    if since is not None and (args.start is not None or args.end is not None):
        raise InvalidParameterError("give --since, or --start (and --end), not both")
    start_text = since if since is not None else args.start
    if args.period is not None and (start_text is not None or args.end is not None):
        raise InvalidParameterError("give --period, or --start/--since (and --end), not both")
    if args.end is not None and start_text is None:
        raise InvalidParameterError("--end needs --start")
    tz = getattr(args, "tz", None)
    if start_text is None:
        text = args.period or default_period
        if text not in NAMED_WINDOWS and period_length(text) is not None:
            return {"period": text, "start": None, "end": None}  # the API's own period, hours or days
        week = text[:-1] if text.endswith("w") else ""
        if week.isdigit() and int(week) * 7 <= 92:  # weeks as the API's days: one request, as 7d is
            return {"period": f"{int(week) * 7}d", "start": None, "end": None}
        start, end = period_bounds(text, tz or "UTC")
        return {"period": None, "start": iso(start), "end": iso(end)}
    start = parse_utc(start_text)
    end = utc_now() if args.end is None else parse_utc(args.end)
    if end <= start:
        if args.end is None:
            option = "--since" if since is not None else "--start"
            raise InvalidParameterError(f"{option} ({start_text}) is in the future")
        raise InvalidParameterError(f"--end ({args.end}) must be later than --start ({args.start})")
    if end - start > MAX_WINDOW:
        raise InvalidParameterError(f"the window is longer than {MAX_DAYS:g} days")
    return {"period": None, "start": start_text, "end": args.end if args.end is not None else iso(end)}


def store_window(
    args: argparse.Namespace, default_period: str, as_of: datetime.datetime | None
) -> tuple[datetime.datetime, datetime.datetime]:
    """The window of a command reading the spend store: one ending now (a period, --since, today,
    this-*) ends at ``as_of``, the store's last finished sync, since nothing after it is stored; an
    explicit --end or a past calendar window is taken as given. ``as_of`` None (no sync finished): now."""
    span = window(args, default_period)
    if span["period"] is not None:
        length = period_length(span["period"])
        assert length is not None  # window() gives only the API's periods as one
        end = utc_now() if as_of is None else as_of
        return end - length, end
    assert span["start"] is not None
    assert span["end"] is not None
    start, end = parse_utc(span["start"]), parse_utc(span["end"])
    if as_of is not None and args.end is None and args.period not in PAST_WINDOWS and as_of > start:
        end = min(end, as_of)
    return start, end


def check_tz_use(args: argparse.Namespace) -> None:
    """``--tz`` says where a calendar window's days begin: refused with any other window, where it
    would change nothing (a silent no-op reads as if it had)."""
    if getattr(args, "tz", None) is not None and args.period not in NAMED_WINDOWS:
        raise InvalidParameterError(
            "--tz sets where the days of a calendar --period begin (this-month, yesterday, ...): give one"
        )


def key_prefix(text: str) -> str:
    """A key's prefix as the API shows it: printable text (whitespace around it is dropped)."""
    if not text.strip() or not text.isprintable():
        raise argparse.ArgumentTypeError(f"not a key prefix: {text!r}")
    return text.strip()


def month(text: str) -> tuple[datetime.datetime, datetime.datetime]:
    """``--month YYYY-MM``: that UTC calendar month as ``(start, end)`` (``_windows.calendar_month``)."""
    from .._windows import calendar_month

    try:
        return calendar_month(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
