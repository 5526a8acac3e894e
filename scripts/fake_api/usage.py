"""``GET /v2/usage`` and ``/v2/usage/detail``: the window rules (``/v2/logs`` shares them) and the figures."""

from __future__ import annotations

import bisect
import datetime
import functools
import re
import zoneinfo
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from fake_api.data import Account, iso, parse_iso
from fake_api.replies import Rejected, Reply

MAX_WINDOW = datetime.timedelta(days=92)
PERIOD = re.compile(r"([1-9][0-9]*)([hd])")
GROUPINGS = ("day", "model", "day,model")
Query = dict[str, list[str]]
Rows = list[dict[str, Any]]


def one(query: Query, name: str) -> str | None:
    values = query.get(name)
    return values[-1] if values else None


def window(query: Query, now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    """``[start, end)`` in UTC from ``period`` or ``start``+``end``, by the rules of the pages."""
    period, start, end = one(query, "period"), one(query, "start"), one(query, "end")
    if period is not None and (start is not None or end is not None):
        raise Rejected(400, "Pass either `period` or `start` and `end`, not both")
    if period is not None:
        match = PERIOD.fullmatch(period)
        if match is None:
            raise Rejected(400, f"Malformed period {period!r}: a positive integer followed by `h` or `d`")
        if len(match.group(1)) > 6:  # a million days or hours is over the limit anyway; int() has its own
            raise Rejected(400, "The window cannot exceed 92 days")
        amount = int(match.group(1))
        length = datetime.timedelta(hours=amount) if match.group(2) == "h" else datetime.timedelta(days=amount)
        if length > MAX_WINDOW:
            raise Rejected(400, "The window cannot exceed 92 days")
        return now - length, now
    if start is None or end is None:
        raise Rejected(400, "Pass either `period` or both `start` and `end`")
    since, until = _timestamp("start", start), _timestamp("end", end)
    if until < since:
        raise Rejected(400, "`end` is earlier than `start`")
    if until - since > MAX_WINDOW:
        raise Rejected(400, "The window cannot exceed 92 days")
    return since, until


def _timestamp(name: str, text: str) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(text)
        # Documented: a timestamp without a UTC offset is read as UTC, not as local time.
        return moment.replace(tzinfo=datetime.UTC) if moment.tzinfo is None else moment.astimezone(datetime.UTC)
    except (ValueError, OverflowError):  # OverflowError: 9999-12-31T23:59-05:00 is past the last UTC year
        raise Rejected(400, f"Malformed `{name}` {text!r}: an ISO-8601 timestamp") from None


@functools.cache
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())  # a walk of the zoneinfo directories: once


def _zone(name: str | None) -> zoneinfo.ZoneInfo:
    # Exact, case-sensitive names only: offsets (`+05:00`) and `utc` are refused as the page says.
    if name is None:
        return zoneinfo.ZoneInfo("UTC")
    if name not in _zone_names():
        raise Rejected(400, f"Unknown time zone {name!r}: a canonical IANA name such as Europe/Berlin")
    return zoneinfo.ZoneInfo(name)


def rows_of(account: Account, prefix: str, since: datetime.datetime, until: datetime.datetime) -> Rows:
    """The key's rows in ``[since, until)``, newest first: two bisections of an index of the rows by
    key and time (made once per version of the rows: a large account pages in milliseconds)."""
    moments, rows = _index(account).get(prefix, ([], []))
    # moments are negated microseconds, ascending (the rows newest first).
    first = bisect.bisect_right(moments, -_micros(until))
    last = bisect.bisect_right(moments, -_micros(since))
    return rows[first:last]


def _micros(moment: datetime.datetime) -> int:
    return (moment - datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)) // datetime.timedelta(microseconds=1)


def _index(account: Account) -> dict[str, tuple[list[int], Rows]]:
    version = (id(account.logs), len(account.logs))
    cached = getattr(account, "_rows_index", None)
    if cached is not None and cached[0] == version:
        return cached[1]  # type: ignore[no-any-return]
    by_key: dict[str, list[tuple[int, int, dict[str, Any]]]] = {}
    for order, row in enumerate(account.logs):
        by_key.setdefault(row["key_prefix"], []).append((-_micros(parse_iso(row["created"])), order, row))
    index: dict[str, tuple[list[int], Rows]] = {}
    for prefix, entries in by_key.items():
        entries.sort(key=lambda entry: (entry[0], entry[1]))
        index[prefix] = ([entry[0] for entry in entries], [entry[2] for entry in entries])
    account._rows_index = (version, index)  # type: ignore[attr-defined]
    return index


def _spend(rows: Rows) -> float:
    total = sum((Decimal(str(row["cost"]["usd"])) for row in rows if row["status"] == "succeeded"), Decimal(0))
    return float(total)


def _group(rows: Rows, **names: str) -> dict[str, Any]:
    def count(select: Callable[[dict[str, Any]], bool]) -> int:
        return sum(1 for row in rows if select(row))

    charged = count(lambda row: row["status"] == "succeeded")
    return {
        **names,
        "spend": _spend(rows),
        "tokens": {part: sum(row["tokens"][part] for row in rows) for part in ("input", "output", "total")},
        "requests": {"total": len(rows), "charged": charged, "succeeded": charged, "failed": len(rows) - charged},
    }


def _days(since: datetime.datetime, until: datetime.datetime, zone: zoneinfo.ZoneInfo) -> list[str]:
    """Every local day the window ``[since, until)`` touches, in ``zone``."""
    if until <= since:
        return []
    first, last = since.astimezone(zone).date(), (until - datetime.timedelta(microseconds=1)).astimezone(zone).date()
    return [(first + datetime.timedelta(days=offset)).isoformat() for offset in range((last - first).days + 1)]


def _groups(
    rows: Rows, grouping: str, since: datetime.datetime, until: datetime.datetime, zone: zoneinfo.ZoneInfo
) -> Rows:
    """The groups of ``rows``: each of its rows put in its bucket once (a large account's day,model
    grouping would otherwise scan every row once per group)."""
    buckets: dict[tuple[str, str], Rows] = {}
    for row in rows:
        day = parse_iso(row["created"]).astimezone(zone).date().isoformat()
        buckets.setdefault((day, row["model"]), []).append(row)
    if grouping == "day":
        per_day: dict[str, Rows] = {}
        for (day, _model), mine in buckets.items():
            per_day.setdefault(day, []).extend(mine)
        return [_group(per_day.get(each, []), day=each) for each in _days(since, until, zone)]
    if grouping == "model":
        per_model: dict[str, Rows] = {}
        for (_day, model), mine in buckets.items():
            per_model.setdefault(model, []).extend(mine)
        groups = [_group(per_model[model], model=model) for model in sorted(per_model)]
        return sorted(groups, key=lambda group: -group["spend"])
    groups = [_group(buckets[pair], day=pair[0], model=pair[1]) for pair in sorted(buckets)]
    return sorted(groups, key=lambda group: (group["day"], -group["spend"]))


def usage(account: Account, token: str, query: Query, detail: bool) -> Reply:
    """The spend of one key over a window; with ``detail``, per model and in ``group_by`` groups."""
    grouping, tz = one(query, "group_by"), one(query, "tz")
    if not detail and (grouping is not None or tz is not None):
        raise Rejected(400, "`group_by` and `tz` are accepted on /v2/usage/detail only")
    if grouping is not None and grouping not in GROUPINGS:
        raise Rejected(400, f"Invalid group_by {grouping!r}: one of {', '.join(GROUPINGS)}")
    zone = _zone(tz)
    since, until = window(query, account.now)
    key_prefix = one(query, "key_prefix")
    rows = rows_of(account, account.subject(token, key_prefix), since, until)
    charged = [row for row in rows if row["status"] == "succeeded"]
    body: dict[str, Any] = {
        "api_key_prefix": key_prefix,
        "start": iso(since),
        "end": iso(until),
        "spend": _spend(rows),
        "currency": "USD",
        "requests": len(charged),
    }
    if detail:
        models = [
            {"model": model, "spend": _spend(mine), "requests": len(mine)}
            for model in sorted({row["model"] for row in charged})
            for mine in [[row for row in charged if row["model"] == model]]
        ]
        body["models"] = sorted(models, key=lambda entry: -entry["spend"])
        if grouping is not None:
            try:
                body["groups"] = _groups(rows, grouping, since, until, zone)
            except OverflowError:  # a day of year 1 or 9999 that the time zone moves off the calendar
                raise Rejected(400, f"The window's days in {zone.key} fall outside the calendar") from None
    return Reply(200, body)
