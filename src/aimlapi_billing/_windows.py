"""Moments, windows and spans: the one parser of each, for the SDK, the CLI and the exporter.

* A moment a caller passes: :func:`utc_moment` (a datetime, naive meaning local time as in Python;
  an ISO 8601 string, without an offset UTC as the API reads it), :func:`api_moment` (the ledger's
  filters: a datetime as ISO 8601, a string as written) and :func:`as_of` (a datetime or now).
* A time the API wrote: :func:`api_time` (text) and :func:`api_datetime` (a model's datetime).
* A period, the API's ``24h``/``7d`` (whole hours or days), and a window cut into the API's pieces
  of at most :data:`MAX_WINDOW`: :func:`windows`, and :func:`fixed_windows` for a walk whose window
  must not move under it.
* A span, ``36h``/``30d``/``2w``/``2mo``: whole hours, days, weeks or calendar months, lower case,
  the one syntax of every option that takes one: :func:`period_bounds` (a window ending now, or a
  calendar window), :func:`span` (a length: ``--max-age``, ``--settle``), :func:`window_text` and
  :func:`window_bounds` (a window kept as written and resolved at each read: the exporter's), and
  :func:`span_error`, the one line for a span that breaks the syntax.
* A calendar window people say (``today``, ``last-month``: :data:`NAMED_WINDOWS`) in a time zone:
  :func:`named_window`.
"""

from __future__ import annotations

import datetime
import re

from ._exceptions import InvalidParameterError, ResponseValidationError

__all__ = [
    "MAX_SPAN",
    "MAX_WINDOW",
    "MIN_SPAN",
    "NAMED_WINDOWS",
    "Moment",
    "api_datetime",
    "api_moment",
    "api_time",
    "as_of",
    "fixed_windows",
    "iso",
    "months_back",
    "named_window",
    "period_bounds",
    "period_length",
    "span",
    "span_error",
    "span_rule",
    "split",
    "utc_moment",
    "utc_now",
    "window_bounds",
    "window_text",
    "windows",
    "zoned_windows",
]

Moment = datetime.datetime | str

#: The longest window the API measures in one request.
MAX_WINDOW = datetime.timedelta(days=92)
#: The moments a window may start or end at: a day inside Python's calendar, so that a local time,
#: a settling time (at most a day) or the API's own arithmetic cannot leave it.
EARLIEST = datetime.datetime.min.replace(tzinfo=datetime.UTC) + datetime.timedelta(days=1)
LATEST = datetime.datetime.max.replace(tzinfo=datetime.UTC) - datetime.timedelta(days=1)
_PERIOD = re.compile(r"([1-9][0-9]{0,6})([hd])")
#: A period in the span syntax: whole hours, days, weeks or calendar months (``mo``).
_SPAN_PERIOD = re.compile(r"([1-9][0-9]{0,6})(h|d|w|mo)")
_SPAN_MINUTES = re.compile(r"([1-9][0-9]{0,6})(m|min)")
#: The most calendar months a span or a period may go back (ten years, as the CLI's longest window).
MAX_MONTHS = 120

#: A span's bounds: an hour (shorter has no burn rate worth the name) to ten years (the CLI's longest window).
MIN_SPAN = datetime.timedelta(hours=1)
MAX_SPAN = datetime.timedelta(days=3660)
SPAN_UNITS = {"h": datetime.timedelta(hours=1), "d": datetime.timedelta(days=1), "w": datetime.timedelta(weeks=1)}
#: A span's minute (``30m``, ``45min``): for a span that may be shorter than an hour (``--max-age``);
#: not a period's unit (the API's periods are hours and days).
MINUTE = datetime.timedelta(minutes=1)


def iso(moment: datetime.datetime) -> str:
    """An aware datetime as ISO 8601, UTC written ``Z``."""
    return moment.isoformat().replace("+00:00", "Z")


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def utc_moment(name: str, value: object) -> datetime.datetime:
    """An aware UTC datetime, within :data:`EARLIEST` and :data:`LATEST`: a naive datetime is local
    time (as in Python); a string without an offset is UTC (as the API reads it)."""
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.datetime.fromisoformat(value.strip())
        except ValueError:
            raise InvalidParameterError(f"{name} is not an ISO 8601 date and time: {value[:60]!r}") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=datetime.UTC)
    else:
        raise InvalidParameterError(f"{name} must be a datetime or an ISO 8601 string, not {type(value).__name__}")
    try:
        # A naive datetime is local time: near year 1 or 9999 that conversion itself leaves the calendar.
        utc = (moment if moment.tzinfo is not None else moment.astimezone()).astimezone(datetime.UTC)
    except (OverflowError, ValueError):
        raise InvalidParameterError(f"{name} is outside the calendar in UTC: {value!r}") from None
    if not EARLIEST <= utc <= LATEST:
        raise InvalidParameterError(
            f"{name} must be from {iso(EARLIEST)} to {iso(LATEST)} (a day inside the calendar, for time "
            f"zones and the reconciliation's settling time), not {iso(utc)}"
        )
    return utc


def api_moment(name: str, moment: Moment) -> str:
    """A ledger filter: a datetime as ISO 8601 with an offset (naive means local time, as in Python);
    a string as written (the API checks it)."""
    if isinstance(moment, str):
        return moment
    if isinstance(moment, datetime.datetime):
        try:
            return iso(moment.astimezone(datetime.UTC))
        except (OverflowError, ValueError):
            raise InvalidParameterError(f"{name} is outside the calendar in UTC: {moment!r}") from None
    raise InvalidParameterError(f"{name} must be a datetime or an ISO 8601 string, not {type(moment).__name__}")


def as_of(moment: datetime.datetime | None) -> datetime.datetime:
    """The end of a forecast's window or the moment of a budget: a datetime in UTC, now if None."""
    if moment is None:
        return utc_now()
    if not isinstance(moment, datetime.datetime):
        raise InvalidParameterError(f"as_of must be a datetime, not {type(moment).__name__}")
    try:
        return moment.astimezone(datetime.UTC)
    except (OverflowError, ValueError):
        raise InvalidParameterError(f"as_of is outside the calendar in UTC: {moment!r}") from None


def parse_utc(text: str) -> datetime.datetime:
    """ISO 8601 text as an aware UTC datetime (without an offset: UTC); ValueError if it is none."""
    try:
        moment = datetime.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        return (moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)).astimezone(datetime.UTC)
    except OverflowError:
        raise ValueError(f"outside the calendar in UTC: {text[:60]!r}") from None


def api_time(text: str, problem: str) -> datetime.datetime:
    """A time the API wrote, in UTC; :class:`ResponseValidationError` saying ``problem`` if unreadable."""
    try:
        return parse_utc(text)
    except (ValueError, TypeError, AttributeError):
        raise ResponseValidationError(f"{problem}: {str(text)[:60]!r}") from None


def api_datetime(moment: datetime.datetime, what: str) -> datetime.datetime:
    """A model's datetime in UTC: the generated models read a timestamp without an offset as naive,
    and the API means UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=datetime.UTC)
    try:
        return moment.astimezone(datetime.UTC)
    except (OverflowError, ValueError):  # 0001-01-01T00:00:00+05:00 is before the calendar in UTC
        raise ResponseValidationError(f"{what} is outside the calendar in UTC: {moment.isoformat()[:40]}") from None


def period_length(period: object) -> datetime.timedelta | None:
    """The length of a period (``24h``, ``7d``: whole hours or days, up to 7 digits); None if it is none."""
    match = _PERIOD.fullmatch(period) if isinstance(period, str) else None
    if match is None:
        return None
    amount = int(match[1])
    return datetime.timedelta(hours=amount) if match[2] == "h" else datetime.timedelta(days=amount)


def split(start: datetime.datetime, end: datetime.datetime) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """``[start, end)`` as consecutive pieces of at most :data:`MAX_WINDOW`, each ending where the next
    starts."""
    pieces = []
    while end - start > MAX_WINDOW:
        pieces.append((start, start + MAX_WINDOW))
        start += MAX_WINDOW
    pieces.append((start, end))
    return pieces


def windows(period: str | None, start: Moment | None, end: Moment | None) -> list[dict[str, str]]:
    """The query of each request: ``period`` as given when it fits in one (weeks as days), else
    explicit pieces. ``end`` without ``start`` is refused; ``start`` without ``end`` ends now."""
    if period is not None:
        if start is not None or end is not None:
            raise InvalidParameterError("pass either period or start and end, not both")
        length = period_length(period)
        if length is not None and length <= MAX_WINDOW:
            return [{"period": period}]
        week = _SPAN_PERIOD.fullmatch(period) if isinstance(period, str) else None
        if week is not None and week[2] == "w" and int(week[1]) * 7 <= MAX_WINDOW.days:
            return [{"period": f"{int(week[1]) * 7}d"}]  # the API's own period: it knows days, not weeks
        return [{"start": iso(a), "end": iso(b)} for a, b in split(*period_bounds(period))]
    if start is None:
        raise InvalidParameterError("pass period (like '7d'), or start (and end, default now)")
    since = utc_moment("start", start)
    until = utc_now() if end is None else utc_moment("end", end)
    if until <= since:
        shown = "now" if end is None else "end"
        raise InvalidParameterError(f"{shown} ({iso(until)}) must be later than start ({iso(since)})")
    return [{"start": iso(a), "end": iso(b)} for a, b in split(since, until)]


def period_bounds(
    period: str, tz: str = "UTC", now: datetime.datetime | None = None
) -> tuple[datetime.datetime, datetime.datetime]:
    """A period as UTC ``(start, end)``: a calendar window (:data:`NAMED_WINDOWS`, in ``tz``), or
    whole hours, days, weeks or calendar months (``2mo``: the same day and time of the month two
    before, in ``tz``; the 31st goes back to a shorter month's last day) ending ``now``.
    InvalidParameterError naming the rules otherwise."""
    if period in NAMED_WINDOWS:
        return named_window(period, tz, now)
    match = _SPAN_PERIOD.fullmatch(period) if isinstance(period, str) else None
    if match is None:
        raise InvalidParameterError(span_error(period, calendar=True))
    until = as_of(now)
    amount, unit = int(match[1]), match[2]
    if unit == "mo":
        return months_back(until, amount, tz), until
    seconds = amount * SPAN_UNITS[unit].total_seconds()
    if seconds > (until - EARLIEST).total_seconds():
        raise InvalidParameterError(f"period {period!r} starts before the calendar")
    return until - datetime.timedelta(seconds=seconds), until


def months_back(moment: datetime.datetime, months: int, tz: str = "UTC") -> datetime.datetime:
    """``moment`` (aware) ``months`` calendar months earlier, on the wall clock of ``tz``, in UTC: the
    day of the month kept, or the shorter month's last day (31 March less one month: 28 or 29 February)."""
    import calendar

    if not 1 <= months <= MAX_MONTHS:
        raise InvalidParameterError(f"calendar months must be from 1 to {MAX_MONTHS}, not {months}")
    local = moment.astimezone(_zone(tz))
    index = local.year * 12 + local.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    if year < 1:
        raise InvalidParameterError(f"{months} months before {iso(moment)} is before the calendar")
    day = min(local.day, calendar.monthrange(year, month)[1])
    earlier = local.replace(year=year, month=month, day=day, tzinfo=None)
    try:
        return earlier.replace(tzinfo=local.tzinfo).astimezone(datetime.UTC)
    except (OverflowError, ValueError):
        raise InvalidParameterError(f"{months} months before {iso(moment)} is outside the calendar") from None


def _zone(tz: str) -> datetime.tzinfo:
    """The IANA zone ``tz``; InvalidParameterError, one line, for any other text."""
    import zoneinfo

    if tz == "UTC":
        return datetime.UTC
    try:
        return zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        raise InvalidParameterError(f"tz must be an IANA time zone name like 'Europe/Berlin', not {tz!r}") from None


def fixed_windows(period: str | None, start: Moment | None, end: Moment | None) -> list[dict[str, str]]:
    """Absolute pieces even for a short ``period``: a walk's window must not move under it."""
    pieces = windows(period, start, end)
    if len(pieces) == 1 and "period" in pieces[0]:  # "7d", or "1w" sent as "7d"
        length = period_length(pieces[0]["period"])
        assert length is not None
        until = utc_now()
        pieces = [{"start": iso(until - length), "end": iso(until)}]
    return pieces


def zoned_windows(period: str | None, start: Moment | None, end: Moment | None, tz: str | None) -> list[dict[str, str]]:
    """:func:`fixed_windows`, with ``tz`` placing a calendar period's days (``this-month`` in
    Europe/Berlin) in pieces of at most :data:`MAX_WINDOW`. ``tz`` with any other window would change
    nothing, and a silent no-op reads as if it had: InvalidParameterError, as the CLI's ``--tz``."""
    pieces = fixed_windows(period, start, end)  # the window's own checks first
    if tz is None:
        return pieces
    if period not in NAMED_WINDOWS:
        given = "start/end" if period is None else f"period {str(period)[:40]!r}"
        raise InvalidParameterError(
            f"tz sets where the days of a calendar period begin ({', '.join(NAMED_WINDOWS)}), not of {given}"
        )
    since, until = period_bounds(period, tz)
    return [{"start": iso(a), "end": iso(b)} for a, b in split(since, until)]


def span_rule(*, calendar: bool, minutes: bool = False) -> str:
    """What a span is, in words; ``calendar``: the option also takes a calendar window (:data:`NAMED_WINDOWS`);
    ``minutes``: it takes minutes (``30m``), so the rule says so."""
    names = f" or one of {', '.join(NAMED_WINDOWS)}" if calendar else ""
    if minutes:
        return f"a span like 30m, 24h, 7d, 2w or 1mo (whole minutes, hours, days, weeks or calendar months){names}"
    return f"a span like 24h, 7d, 2w or 1mo (whole hours, days, weeks or calendar months){names}"


def span_error(text: object, *, calendar: bool, minutes: bool = False) -> str:
    """The one line a span that breaks the syntax gets, wherever it is given (a config file, whose
    value may be a pasted key, says :func:`span_rule` alone)."""
    return f"not {span_rule(calendar=calendar, minutes=minutes)}: {str(text)[:40]!r}"


def span(
    text: str,
    longest: datetime.timedelta = MAX_SPAN,
    now: datetime.datetime | None = None,
    shortest: datetime.timedelta = MIN_SPAN,
) -> datetime.timedelta:
    """A length: ``36h``, ``30d``, ``2w`` or ``2mo`` (the period syntax of :func:`period_bounds`, whole
    numbers, lower case), from ``shortest`` (default :data:`MIN_SPAN`) to ``longest``; ``2mo`` is the
    calendar months back from ``now`` (default now: a month is 28 to 31 days); ``30m`` or ``30min``
    (minutes: below an hour, only where ``shortest`` allows it). InvalidParameterError (a ValueError)
    saying which rule it breaks."""
    minutes = _SPAN_MINUTES.fullmatch(text) if isinstance(text, str) else None
    if minutes is not None:
        length = int(minutes[1]) * MINUTE
        if not shortest <= length <= longest:
            raise InvalidParameterError(
                f"must be from {_span_text(shortest)} to {_span_text(longest)}, not {text!r} "
                "(m is minutes; months are mo)"
            )
        return length
    match = _SPAN_PERIOD.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise InvalidParameterError(span_error(text, calendar=False, minutes=shortest < MIN_SPAN))
    amount, unit = int(match[1]), match[2]
    too_long = InvalidParameterError(f"must be from {_span_text(shortest)} to {_span_text(longest)}, not {text!r}")
    # Compared before any timedelta is made: "9999999w" would overflow one.
    months = unit == "mo"
    if (amount > MAX_MONTHS) if months else (amount * SPAN_UNITS[unit].total_seconds() > longest.total_seconds()):
        raise too_long
    start, end = period_bounds(text, now=now)
    if end - start > longest:  # "120mo" is 3652 or 3653 days
        raise too_long
    return end - start


def window_text(text: str, longest: datetime.timedelta = MAX_SPAN) -> str:
    """A window ending when it is read, checked now and kept as written: a span (:func:`span`) or a
    calendar window (:data:`NAMED_WINDOWS`); :func:`window_bounds` resolves it at each read (``1mo``:
    the calendar month before that moment). InvalidParameterError with :func:`span_error`'s line."""
    if text in NAMED_WINDOWS:
        return text
    if not isinstance(text, str) or _SPAN_PERIOD.fullmatch(text) is None:
        raise InvalidParameterError(span_error(text, calendar=True))
    span(text, longest)
    return text


def window_bounds(
    window: datetime.timedelta | str, now: datetime.datetime | None = None
) -> tuple[datetime.datetime, datetime.datetime]:
    """A window as UTC ``(start, end)`` at ``now`` (default now): a timedelta back from it, or a
    :func:`window_text` resolved then (a calendar window in UTC)."""
    if isinstance(window, datetime.timedelta):
        until = as_of(now)
        return until - window, until
    return period_bounds(window, "UTC", now)


def _span_text(bound: datetime.timedelta) -> str:
    """A bound of :func:`span` as its syntax writes it: ``1h``, ``3660d``, ``1m``."""
    seconds = bound.total_seconds()
    for suffix, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g}{suffix}"
    return f"{seconds:g}s"


#: The calendar windows :func:`named_window` knows; ``this-*`` and ``today`` end now, the others at
#: their calendar end. Weeks are ISO weeks (from Monday).
NAMED_WINDOWS = ("today", "yesterday", "this-week", "last-week", "this-month", "last-month")


def named_window(
    name: str, tz: str = "UTC", now: datetime.datetime | None = None
) -> tuple[datetime.datetime, datetime.datetime]:
    """The calendar window ``name`` (:data:`NAMED_WINDOWS`) in the IANA zone ``tz`` (default UTC),
    as UTC ``(start, end)``, end excluded: its days begin at local midnight (a DST day is 23 or 25
    hours long), and ``today``/``this-*`` end at ``now`` (default: now). InvalidParameterError for an
    unknown name or zone."""
    if name not in NAMED_WINDOWS:
        raise InvalidParameterError(f"not a named window ({', '.join(NAMED_WINDOWS)}): {str(name)[:40]!r}")
    zone = _zone(tz)
    until = as_of(now)
    today = until.astimezone(zone).date()
    if name in ("today", "yesterday"):
        first = today
    elif name in ("this-week", "last-week"):
        first = today - datetime.timedelta(days=today.weekday())
    else:
        first = today.replace(day=1)
    if name.startswith("last-") or name == "yesterday":
        end_day = first
        if name == "yesterday":
            first -= datetime.timedelta(days=1)
        elif name == "last-week":
            first -= datetime.timedelta(weeks=1)
        else:
            first = (first - datetime.timedelta(days=1)).replace(day=1)
        until = _local_midnight(end_day, zone)
    return _local_midnight(first, zone), until


def _local_midnight(day: datetime.date, zone: datetime.tzinfo) -> datetime.datetime:
    try:
        return datetime.datetime.combine(day, datetime.time(), tzinfo=zone).astimezone(datetime.UTC)
    except (OverflowError, ValueError):
        raise InvalidParameterError(f"a window starting {day} is outside the calendar in UTC") from None


_MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")


def calendar_month(text: str, tz: str = "UTC") -> tuple[datetime.datetime, datetime.datetime]:
    """``2026-11``: that calendar month in the IANA zone ``tz`` (default UTC) as UTC ``(start, end)``,
    end excluded (local midnight of the 1st of the next). ValueError for anything else (``2026-13``,
    ``0000-01``, ``9999-12``, whose end is past the calendar); InvalidParameterError for a bad zone."""
    match = _MONTH.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None or int(match[1]) < 1:
        raise ValueError(f"not a month like 2026-11: {str(text)[:40]!r}")
    year, month = int(match[1]), int(match[2])
    if (year, month) == (9999, 12):
        raise ValueError("the month 9999-12 ends past the calendar")
    zone = _zone(tz)
    first, after = datetime.date(year, month, 1), datetime.date(year + month // 12, month % 12 + 1, 1)
    return _local_midnight(first, zone), _local_midnight(after, zone)
