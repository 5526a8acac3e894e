"""``billing.keys.budgets()``: each key's spend in its current limit period, against its limit.

A key's ``limit`` is a ``threshold`` in USD per ``retention`` period (``day``, ``week``, ``month``,
``no_reset``). The vendor does not say when a period resets, so this module names one rule, the
**UTC calendar periods**:

* ``day``: from 00:00 UTC today; the next reset at 00:00 UTC tomorrow;
* ``week``: from Monday 00:00 UTC (ISO weeks); the next reset the Monday after;
* ``month``: from the 1st of the month 00:00 UTC; the next reset the 1st of the next month;
* ``no_reset``: from the key's ``created_at``; it never resets.

Because the rule is ours, every key's month is cross-checked against the vendor's own figure: the
usage total (``GET /v2/usage`` for the key) from the 1st of the month 00:00 UTC to now is compared
with the key record's ``monthly_usage``. A difference over :data:`MONTH_TOLERANCE` is reported on
the result (``month_mismatch``), and for a ``month`` key the spend held against the threshold is the
larger of the two figures: a monitoring tool must not under-report.

Reading every key needs a management key. With a regular key ``GET /v1/keys`` answers 403; the
budgets then fall back to the caller's own key (``GET /v1/key`` and its own usage), and the report
says so (``only_own_key``) rather than failing. The vendor's pages document no body for that 403,
and the same status also means "out of credits", so the fallback is taken for **the regular-key
refusal only**: a 403 of ``GET /v1/keys`` whose message says a management key is needed (it
contains ``management key``, in any case, as the API's "Managing keys requires a management key"
does; see :data:`REGULAR_KEY_REFUSAL`). Any other 403 (``Your balance is exhausted``, no message at
all) is raised: an account that cannot be read must not look like a regular key whose limits are fine.

A ``no_reset`` key's period starts at its ``created_at``, but no earlier than
:data:`MAX_NO_RESET_DAYS` days before ``as_of`` (the CLI's longest window): a ``created_at`` of
Go's zero time (``0001-01-01``) would otherwise cost thousands of 92-day requests. Such a period is
measured from the cap, and the budget says so (``period_capped``). A timestamp outside the calendar
in UTC (``0001-01-01T00:00:00+05:00``) is a :class:`ResponseValidationError`.

The plan is written once for both clients, as every method is (``_plan.py``): the 403 of its
first request is raised into it at its ``yield``, and it goes on with the caller's own key within
what is left of the call's deadline. No client-specific code.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from .. import _windows
from .._exceptions import AIMLAPIError, InvalidParameterError, PermissionDeniedError, ResponseValidationError
from .._money import usd
from .._pages import whole_key_list
from .._plan import Call, FanOut, Plan, Steps
from ..resources.keys import CURRENT_KEY, LIST_KEYS, key_data
from ..resources.usage import USAGE, combined_report
from ..types.all_keys import MissingKey
from ..types.budgets import MONTH_TOLERANCE, BudgetReport, KeyBudget

if TYPE_CHECKING:
    from aimlapi_billing_client.models import ApiKey, LatestApiKey

    from .._plan import DeadlineTypes, TimeoutTypes

__all__ = [
    "MAX_NO_RESET_DAYS",
    "MONTH_TOLERANCE",
    "OWN_KEY",
    "REGULAR_KEY_REFUSAL",
    "RETENTIONS",
    "BudgetReport",
    "KeyBudget",
    "identity",
    "period_of",
]

#: The limit periods this module knows how to place; a value the API adds later is reported as
#: an unknown period (no spend, no utilisation) rather than guessed.
RETENTIONS = ("day", "week", "month", "no_reset")
_DAY = datetime.timedelta(days=1)
#: A ``no_reset`` period is measured over at most this many days before ``as_of`` (the CLI's window cap).
MAX_NO_RESET_DAYS = 3660
#: The text of a 403 of ``GET /v1/keys`` that means "a regular key" (matched case-insensitively in
#: the API's message); any other 403 is raised.
REGULAR_KEY_REFUSAL = "management key"
#: The latest ``as_of``: a month (and its next reset) still fits in the calendar after it.
_LAST_AS_OF = datetime.datetime(9999, 11, 30, tzinfo=datetime.UTC)
#: How output shows the prefix of the caller's own key: it is the key's first 8 characters.
OWN_KEY = "(own key)"


def identity(budget: KeyBudget, redact: Callable[[str], str]) -> tuple[str, str]:
    """The prefix and name of ``budget`` as output may show them, through the client's redaction:
    a prefix that is a piece of the API key (the caller's own key) is :data:`OWN_KEY`, and a name
    (the server's text) has any echo of the key replaced."""
    prefix = redact(budget.prefix)
    return (prefix if prefix == budget.prefix else OWN_KEY), redact(budget.name or "")


def period_of(
    retention: str, created_at: datetime.datetime, now: datetime.datetime
) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    """The current period's start and the next reset, by the UTC calendar rule (see the module);
    ``(None, None)`` for a retention this SDK does not know."""
    today = now.astimezone(datetime.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if retention == "day":
        return today, today + _DAY
    if retention == "week":
        monday = today - today.weekday() * _DAY
        return monday, monday + 7 * _DAY
    if retention == "month":
        first = today.replace(day=1)
        try:
            return first, (first + 32 * _DAY).replace(day=1)
        except OverflowError:  # December of year 9999
            return first, None
    if retention == "no_reset":
        return created_at, None
    return None, None


def utilisation(spend: Decimal, threshold: Decimal) -> float:
    """``spend / threshold``; a threshold of 0 is reached by nothing spent (1.0), exceeded by anything (inf)."""
    if threshold == 0:
        return 1.0 if spend == 0 else math.inf
    return float(spend / threshold)  # beyond a float's range: inf, not an exception


def _earliest(now: datetime.datetime) -> datetime.datetime:
    """The earliest start of a ``no_reset`` period measured at ``now`` (:data:`MAX_NO_RESET_DAYS`)."""
    try:
        return now - MAX_NO_RESET_DAYS * _DAY
    except OverflowError:  # an as_of in the calendar's first years: nothing can be older
        return datetime.datetime.min.replace(tzinfo=datetime.UTC)


def is_regular_key_refusal(exc: PermissionDeniedError) -> bool:
    """A 403 that says a management key is needed (:data:`REGULAR_KEY_REFUSAL`): the regular-key
    refusal, not an account out of credits or a 403 for another reason."""
    texts = [exc.message]
    if isinstance(exc.body, dict):
        texts += [value for value in exc.body.values() if isinstance(value, str)]
    return any(REGULAR_KEY_REFUSAL in text.lower() for text in texts)


def _spend(prefix: str | None, start: datetime.datetime, end: datetime.datetime) -> Steps[Decimal]:
    """A key's usage total over ``[start, end)`` (``prefix`` None: the caller's own key)."""
    if start >= end:  # a period that starts now (midnight exactly) or a created_at in the future
        return Decimal(0)
    selector = {} if prefix is None else {"key_prefix": prefix}
    report = yield from combined_report(
        USAGE, [{**window, **selector} for window in _windows.windows(None, start, end)]
    )
    where = f"GET /v2/usage for key {prefix or '(own key)'}"
    if prefix is not None and report.api_key_prefix != prefix:
        # None too: a usage answer that does not say which key it measured may be the account's.
        shown = "no key" if report.api_key_prefix is None else f"another key ({report.api_key_prefix[:20]!r})"
        raise ResponseValidationError(f"{where} answered for {shown}")
    return usd(report.spend, f"{where}: the spend", at_least_zero=True)


def _budget(key: ApiKey | LatestApiKey, now: datetime.datetime, own: bool) -> Steps[KeyBudget]:
    from aimlapi_billing_client.types import Unset

    prefix = key.prefix
    # The record is checked whole before any usage request: a broken one costs no further calls.
    monthly = usd(key.monthly_usage, f"key {prefix}: monthly_usage", at_least_zero=True)
    created_at = _windows.api_datetime(key.created_at, f"key {prefix[:20]!r}: created_at")
    retention = threshold = start = reset = None
    limit = key.limit
    if limit is not None and not isinstance(limit, Unset):
        if isinstance(limit.threshold, Unset) or isinstance(limit.retention, Unset):
            raise ResponseValidationError(f"key {prefix}: a limit without both threshold and retention")
        threshold = usd(limit.threshold, f"key {prefix}: limit.threshold", at_least_zero=True)
        retention = limit.retention.value
        start, reset = period_of(retention, created_at, now)
    capped = False
    if retention == "no_reset" and start is not None and start < _earliest(now):
        start, capped = _earliest(now), True
    selector = None if own else prefix
    month_start, _ = period_of("month", created_at, now)
    assert month_start is not None
    month_usage = yield from _spend(selector, month_start, now)
    spend = period_usage = ratio = None
    if threshold is not None and start is not None:
        period_usage = month_usage if start == month_start else (yield from _spend(selector, start, now))
        spend = max(period_usage, monthly) if retention == "month" else period_usage
        ratio = utilisation(spend, threshold)
    return KeyBudget(
        prefix=prefix,
        name=key.name if isinstance(key.name, str) else None,
        disabled=key.disabled,
        retention=retention,
        threshold=threshold,
        period_start=start,
        next_reset=reset,
        spend=spend,
        period_usage=period_usage,
        utilisation=ratio,
        monthly_usage=monthly,
        month_usage=month_usage,
        created_at=created_at,
        period_capped=capped,
    )


def _every_key(now: datetime.datetime, partial: bool) -> Steps[BudgetReport]:
    try:
        keys = yield Call(LIST_KEYS, {}, whole_key_list)
    except PermissionDeniedError as exc:  # raised into the plan by the client (see _base_client.py)
        if not is_regular_key_refusal(exc):
            raise
        return (yield from _own_key(now))
    prefixes = [key.prefix for key in keys]
    if len(set(prefixes)) != len(prefixes):  # one prefix, two keys: which one's limit is it?
        twice = next(prefix for prefix in prefixes if prefixes.count(prefix) > 1)
        raise ResponseValidationError(f"GET /v1/keys listed the prefix {twice[:20]!r} for two keys")
    # The keys side by side, within the client's concurrency and the call's one deadline (_fanout.py).
    results = yield FanOut([_budget(key, now, own=False) for key in keys], "keys", partial=partial)
    budgets = [result for result in results if not isinstance(result, AIMLAPIError)]
    missing = [
        MissingKey(
            key.prefix,
            key.name if isinstance(key.name, str) else None,
            type(result).__name__,
            (str(result).splitlines() or [""])[0],
        )
        for key, result in zip(keys, results, strict=True)
        if isinstance(result, AIMLAPIError)
    ]
    return BudgetReport(tuple(budgets), only_own_key=False, as_of=now, missing=tuple(missing))


def _own_key(now: datetime.datetime) -> Steps[BudgetReport]:
    key = yield Call(CURRENT_KEY, {}, key_data)
    return BudgetReport(((yield from _budget(key, now, own=True)),), only_own_key=True, as_of=now)


def budget_plan(
    as_of: datetime.datetime | None, timeout: TimeoutTypes, deadline: DeadlineTypes, partial: bool = False
) -> Plan[BudgetReport]:
    """The plan of ``billing.keys.budgets()``: every key, or the caller's own after a regular key's 403."""
    now = _windows.as_of(as_of)  # the forecast's check of ``as_of``: a datetime, naive meaning local time
    if now > _LAST_AS_OF:  # checked before any request: the next resets would be past the calendar
        raise InvalidParameterError(f"as_of is too close to the end of the calendar: {now.isoformat()}")
    return Plan(_every_key(now, partial), timeout, deadline)
