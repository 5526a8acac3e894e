"""The span syntax everywhere (``_windows.py``): whole hours, days, weeks and calendar months,
calendar windows in a time zone (DST days of 23 and 25 hours), open-ended windows."""

from __future__ import annotations

import datetime

import pytest

from aimlapi_billing import InvalidParameterError
from aimlapi_billing._windows import (
    MAX_WINDOW,
    fixed_windows,
    months_back,
    named_window,
    period_bounds,
    span,
    utc_now,
    windows,
)

UTC = datetime.UTC
BERLIN = "Europe/Berlin"


def at(*fields: int) -> datetime.datetime:
    return datetime.datetime(*fields, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (at(2026, 3, 31, 12), 1, at(2026, 2, 28, 12)),  # the 31st back to February's last day
        (at(2028, 3, 31, 12), 1, at(2028, 2, 29, 12)),  # a leap year's
        (at(2026, 1, 15, 8), 1, at(2025, 12, 15, 8)),  # across a year
        (at(2026, 12, 7, 0), 12, at(2025, 12, 7, 0)),
        (at(2026, 5, 31, 0), 3, at(2026, 2, 28, 0)),
    ],
)
def test_calendar_months_keep_the_day_or_take_the_shorter_months_last(
    moment: datetime.datetime, months: int, expected: datetime.datetime
) -> None:
    assert months_back(moment, months) == expected
    assert period_bounds(f"{months}mo", now=moment) == (expected, moment)


def test_a_month_in_a_zone_is_on_its_wall_clock_across_a_dst_change() -> None:
    # 2026-04-15 12:00 in Berlin is CEST (+2); a month before, 2026-03-15 12:00, is CET (+1).
    now = at(2026, 4, 15, 10)
    start, end = period_bounds("1mo", BERLIN, now)
    assert (start, end) == (at(2026, 3, 15, 11), now)
    assert end - start == datetime.timedelta(days=31, hours=-1)


def test_spans_take_months_and_their_length_depends_on_the_calendar() -> None:
    assert span("1mo", now=at(2026, 3, 1)) == datetime.timedelta(days=28)
    assert span("1mo", now=at(2026, 4, 1)) == datetime.timedelta(days=31)
    assert span("2w") == datetime.timedelta(weeks=2)
    for bad in ("1.5mo", "0mo", "-1mo", "121mo", "mo", "1m", "\u0661mo", "1MO", "1.5w", "2W", "36H", "0.5d"):
        with pytest.raises(ValueError, match=r"mo|span"):
            span(bad)
    # 1m is a minute, below the floor of every span but --max-age's: said so, in case a month was meant.
    with pytest.raises(ValueError, match=r"^must be from 1h to 3660d, not '1m' \(m is minutes; months are mo\)$"):
        span("1m")
    assert span("1m", shortest=datetime.timedelta(minutes=1)) == datetime.timedelta(minutes=1)
    with pytest.raises(ValueError, match=r"at most|to"):
        span("3mo", longest=datetime.timedelta(days=60))


def test_weeks_are_the_apis_days_and_months_absolute_pieces() -> None:
    assert windows("2w", None, None) == [{"period": "14d"}]
    assert windows("13w", None, None) == [{"period": "91d"}]
    long = windows("14w", None, None)  # 98 days: two pieces
    assert len(long) == 2
    assert all("start" in piece for piece in long)
    month = windows("1mo", None, None)
    assert len(month) == 1
    assert set(month[0]) == {"start", "end"}
    year = windows("12mo", None, None)
    assert len(year) == 4  # 365 or 366 days in pieces of at most 92
    for piece in year:
        length = datetime.datetime.fromisoformat(piece["end"]) - datetime.datetime.fromisoformat(piece["start"])
        assert length <= MAX_WINDOW


def test_a_walks_window_is_absolute_for_weeks_too() -> None:
    (piece,) = fixed_windows("1w", None, None)
    start, end = (datetime.datetime.fromisoformat(piece[name]) for name in ("start", "end"))
    assert end - start == datetime.timedelta(weeks=1)


def test_a_start_without_an_end_ends_now_and_an_end_alone_is_refused() -> None:
    before = utc_now()
    since = (before - datetime.timedelta(days=10)).isoformat()
    (piece,) = windows(None, since, None)
    assert datetime.datetime.fromisoformat(piece["start"]) == before - datetime.timedelta(days=10)
    assert datetime.datetime.fromisoformat(piece["end"]) >= before
    pieces = windows(None, (before - datetime.timedelta(days=200)).isoformat(), None)
    assert len(pieces) == 3  # split as any window over 92 days
    with pytest.raises(InvalidParameterError, match="start"):
        windows(None, None, "2026-01-01")
    with pytest.raises(InvalidParameterError, match="later than start"):
        windows(None, "9999-01-01", None)  # a start in the future: never an empty window


@pytest.mark.parametrize(
    ("day", "hours"),
    [
        (datetime.date(2026, 3, 29), 23),  # Berlin springs forward
        (datetime.date(2026, 10, 25), 25),  # and falls back
        (datetime.date(2026, 6, 1), 24),
    ],
)
def test_yesterday_in_a_zone_is_its_calendar_day_of_23_24_or_25_hours(day: datetime.date, hours: int) -> None:
    now = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(9), tzinfo=UTC)
    start, end = named_window("yesterday", BERLIN, now)
    assert end - start == datetime.timedelta(hours=hours)
    zone = __import__("zoneinfo").ZoneInfo(BERLIN)
    assert start.astimezone(zone).time() == end.astimezone(zone).time() == datetime.time(0)
    assert start.astimezone(zone).date() == day
    assert period_bounds("yesterday", BERLIN, now) == (start, end)


def test_this_month_in_a_zone_begins_at_its_local_midnight() -> None:
    now = at(2026, 12, 7, 22)
    assert period_bounds("this-month", BERLIN, now) == (at(2026, 11, 30, 23), now)
    assert period_bounds("this-month", "UTC", now) == (at(2026, 12, 1), now)
    assert period_bounds("last-month", "Asia/Tokyo", now) == (at(2026, 10, 31, 15), at(2026, 11, 30, 15))


@pytest.mark.parametrize("tz", ["Mars/Olympus", "", "../../etc/passwd", "+05:00", "Europe/Berlin\n"])
def test_a_zone_that_is_not_an_iana_name_is_one_clear_error(tz: str) -> None:
    with pytest.raises(InvalidParameterError, match="IANA") as error:
        period_bounds("today", tz)
    assert "\n" not in str(error.value).replace("\\n", "")


@pytest.mark.parametrize("period", ["7", "1y", "0d", "1.5w", "w", "-1d", "nan", "infd", "1e3d", "2 w"])
def test_a_period_outside_the_syntax_names_the_rules(period: str) -> None:
    with pytest.raises(InvalidParameterError, match="hours, days, weeks or calendar months"):
        period_bounds(period)
