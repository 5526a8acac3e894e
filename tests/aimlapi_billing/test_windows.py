"""Named calendar windows (``_windows.named_window``): local midnights in a zone, DST included."""

from __future__ import annotations

import datetime

import pytest

from aimlapi_billing import InvalidParameterError
from aimlapi_billing._windows import NAMED_WINDOWS, named_window, windows

UTC = datetime.UTC
# A Tuesday, two days after Berlin's spring DST change (2026-03-29, 02:00 → 03:00).
NOW = datetime.datetime(2026, 3, 31, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "start", "end"),
    [
        ("today", "2026-03-30T22:00", "2026-03-31T12:00"),
        ("yesterday", "2026-03-29T22:00", "2026-03-30T22:00"),
        ("this-week", "2026-03-29T22:00", "2026-03-31T12:00"),  # Monday, local midnight (CEST)
        ("last-week", "2026-03-22T23:00", "2026-03-29T22:00"),  # 167 hours: the week of the change
        ("this-month", "2026-02-28T23:00", "2026-03-31T12:00"),
        ("last-month", "2026-01-31T23:00", "2026-02-28T23:00"),
    ],
)
def test_named_windows_start_at_local_midnight(name: str, start: str, end: str) -> None:
    begins, ends = named_window(name, "Europe/Berlin", NOW)
    expected = (datetime.datetime.fromisoformat(start + "+00:00"), datetime.datetime.fromisoformat(end + "+00:00"))
    assert (begins, ends) == expected


def test_utc_is_the_default_and_january_reaches_back_to_december() -> None:
    january = datetime.datetime(2026, 1, 15, 8, tzinfo=UTC)
    assert named_window("last-month", now=january) == (
        datetime.datetime(2025, 12, 1, tzinfo=UTC),
        datetime.datetime(2026, 1, 1, tzinfo=UTC),
    )
    assert named_window("today", now=january) == (datetime.datetime(2026, 1, 15, tzinfo=UTC), january)


@pytest.mark.parametrize(("name", "tz"), [("this-fortnight", "UTC"), ("today", "Mars/Olympus"), ("today", "")])
def test_an_unknown_name_or_zone_is_refused(name: str, tz: str) -> None:
    with pytest.raises(InvalidParameterError, match=r"named window|tz must be"):
        named_window(name, tz, NOW)


def test_a_named_period_is_an_explicit_window_in_utc() -> None:
    """Before: ``period="this-month"`` was refused (only whole hours or days)."""
    for name in NAMED_WINDOWS:
        (piece,) = windows(name, None, None)
        assert set(piece) == {"start", "end"}
    assert windows("last-month", None, None)[0]["start"].endswith("-01T00:00:00Z")
