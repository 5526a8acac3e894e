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

The plans are written once for both clients, as every method is (``_resource.py``); the only
client-specific code is :class:`_OwnKeyFallback`, which runs the own-key plan after a 403 of the
first request, within what is left of the call's deadline.
"""

from __future__ import annotations

import datetime
import functools
import math
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from ._exceptions import InvalidParameterError, PermissionDeniedError, ResponseValidationError
from ._money import subtract, usd
from ._resource import Call, Plan, Steps, _Operation

if TYPE_CHECKING:
    from aimlapi_billing_client.models import ApiKey, KeysResponse, LatestApiKey

    from ._client import DeadlineTypes, TimeoutTypes

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

P = ParamSpec("P")
T = TypeVar("T")

#: A difference between a key's ``monthly_usage`` and the month's usage total above this (USD) is a
#: mismatch: the vendor's figures are rounded to the cent at most.
MONTH_TOLERANCE = Decimal("0.01")
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


@dataclass(frozen=True)
class KeyBudget:
    """One key's limit and its spend in the current period (money in exact ``Decimal`` USD).

    For a key without a limit, ``retention``, ``threshold``, ``period_start``, ``spend``,
    ``period_usage`` and ``utilisation`` are ``None`` (an unlimited key has no utilisation); the
    month cross-check is made for every key. For a retention this SDK does not know yet,
    ``retention`` is the API's value and the period fields are ``None``.

    ``spend`` is what is held against ``threshold``: the usage total of the period, or for a
    ``month`` key the larger of that and ``monthly_usage``. ``utilisation`` is ``spend / threshold``
    (1.0 is the limit reached); with a threshold of 0 it is 1.0 when nothing was spent (the limit
    allows nothing) and ``inf`` when something was; ``inf`` also for a ratio beyond a float.
    """

    prefix: str
    name: str | None
    disabled: bool
    retention: str | None
    threshold: Decimal | None
    period_start: datetime.datetime | None
    next_reset: datetime.datetime | None  # None: no_reset, no limit, or an unknown period
    spend: Decimal | None
    period_usage: Decimal | None  # GET /v2/usage for the period, as the API totals it
    utilisation: float | None
    monthly_usage: Decimal  # the key record's figure
    month_usage: Decimal  # GET /v2/usage from the 1st of the month 00:00 UTC to now
    created_at: datetime.datetime
    #: A no_reset key older than MAX_NO_RESET_DAYS: its period (and spend) starts at the cap, not at created_at.
    period_capped: bool = False

    @property
    def limited(self) -> bool:
        return self.threshold is not None

    @property
    def month_difference(self) -> Decimal:
        """``monthly_usage`` minus the month's usage total: positive when the key record says more."""
        return subtract(self.monthly_usage, self.month_usage)

    @property
    def month_mismatch(self) -> bool:
        """The key record's ``monthly_usage`` and the month's usage total differ by over 0.01 USD."""
        return abs(self.month_difference) > MONTH_TOLERANCE


@dataclass(frozen=True)
class BudgetReport:
    """Every key's budget as of ``as_of`` (iterable, in the API's order of keys).

    ``only_own_key`` is True when the API key is a regular one: ``GET /v1/keys`` was refused (403),
    so only the caller's own key could be read, and ``budgets`` holds that key alone.
    """

    budgets: tuple[KeyBudget, ...]
    only_own_key: bool
    as_of: datetime.datetime

    def __iter__(self) -> Iterator[KeyBudget]:
        return iter(self.budgets)

    def __len__(self) -> int:
        return len(self.budgets)

    @property
    def limited(self) -> tuple[KeyBudget, ...]:
        """The keys with a limit."""
        return tuple(budget for budget in self.budgets if budget.limited)

    @property
    def mismatched(self) -> tuple[KeyBudget, ...]:
        """The keys whose ``monthly_usage`` and month usage total differ by over 0.01 USD."""
        return tuple(budget for budget in self.budgets if budget.month_mismatch)


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


class _Progress:
    """How far the plan got: a 403 after the key list was read is not a regular key's 403."""

    __slots__ = ("listed",)

    def __init__(self) -> None:
        self.listed = False


class _FallbackSteps(Generator[Call, Any, T]):
    """A plan's steps, with what to run instead when its first request is refused with 403: the
    client runs them as any steps (``send``), :class:`_OwnKeyFallback` reads the rest."""

    def __init__(self, steps: Steps[T], progress: _Progress, own_key: Callable[[float | None], Plan[T]]) -> None:
        self._steps = steps
        self.progress = progress
        #: The plan for the caller's own key, given the deadline left.
        self.own_key = own_key

    def send(self, value: Any) -> Call:
        return self._steps.send(value)

    def throw(self, typ: Any, val: Any = None, tb: Any = None) -> Call:
        return self._steps.throw(typ, val, tb)

    def close(self) -> None:
        self._steps.close()


def _utc(moment: datetime.datetime, what: str) -> datetime.datetime:
    # The generated models read a timestamp without an offset as naive: the API means UTC.
    if moment.tzinfo is None:
        return moment.replace(tzinfo=datetime.UTC)
    try:
        return moment.astimezone(datetime.UTC)
    except (OverflowError, ValueError):  # 0001-01-01T00:00:00+05:00 is before the calendar in UTC
        raise ResponseValidationError(f"{what} is outside the calendar in UTC: {moment.isoformat()[:40]}") from None


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
    # Imported here: billing.keys loads this module, and a keys command reads no usage.
    from ._usage import USAGE, _combined, windows

    if start >= end:  # a period that starts now (midnight exactly) or a created_at in the future
        return Decimal(0)
    selector = {} if prefix is None else {"key_prefix": prefix}
    report = yield from _combined(USAGE, [{**window, **selector} for window in windows(None, start, end)])
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
    created_at = _utc(key.created_at, f"key {prefix[:20]!r}: created_at")
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


def _whole_key_list(client: Any, response: KeysResponse) -> list[ApiKey]:
    """The keys of ``GET /v1/keys``, refusing a list that says it is not whole or that is empty."""
    more = response.additional_properties.get("has_more")
    if more is not None and more is not False:  # the endpoint has no pages: a part would pass for the whole
        raise ResponseValidationError(f"GET /v1/keys answered has_more={str(more)[:20]!r}: the list is not whole")
    if not response.data:  # the key that listed them is a key of the account
        raise ResponseValidationError("GET /v1/keys listed no key, not even the caller's own")
    return response.data


def _every_key(now: datetime.datetime, progress: _Progress) -> Steps[BudgetReport]:
    from ._keys import LIST_KEYS

    keys = yield Call(LIST_KEYS, {}, _whole_key_list)
    progress.listed = True
    prefixes = [key.prefix for key in keys]
    if len(set(prefixes)) != len(prefixes):  # one prefix, two keys: which one's limit is it?
        twice = next(prefix for prefix in prefixes if prefixes.count(prefix) > 1)
        raise ResponseValidationError(f"GET /v1/keys listed the prefix {twice[:20]!r} for two keys")
    budgets = []
    for key in keys:
        budgets.append((yield from _budget(key, now, own=False)))
    return BudgetReport(tuple(budgets), only_own_key=False, as_of=now)


def _own_key(now: datetime.datetime) -> Steps[BudgetReport]:
    from ._keys import CURRENT_KEY, _data

    key = yield Call(CURRENT_KEY, {}, _data)
    return BudgetReport(((yield from _budget(key, now, own=True)),), only_own_key=True, as_of=now)


def budget_plan(as_of: datetime.datetime | None, timeout: TimeoutTypes, deadline: DeadlineTypes) -> Plan[BudgetReport]:
    """The plan of :meth:`KeysResource.budgets`: every key, or the own key after a 403."""
    from ._client import _as_of  # the forecast's check of ``as_of``: a datetime, naive meaning local time

    now = _as_of(as_of)
    if now > _LAST_AS_OF:  # checked before any request: the next resets would be past the calendar
        raise InvalidParameterError(f"as_of is too close to the end of the calendar: {now.isoformat()}")
    progress = _Progress()

    def own_key(left: float | None) -> Plan[BudgetReport]:
        return Plan(_own_key(now), timeout, left)

    return Plan(_FallbackSteps(_every_key(now, progress), progress, own_key), timeout, deadline)


class _OwnKeyFallback(_Operation[P, T]):
    """An operation whose plan, refused with 403 at its first request (``GET /v1/keys`` with a
    regular key), is replaced by its ``own_key`` plan, within the deadline left."""

    def bind(self, owner: Any, client: Any, raw: bool) -> Callable[..., Any]:
        method = self._method

        def fallback(plan: Plan[Any], clock: Any, exc: PermissionDeniedError) -> Plan[Any]:
            steps = plan.steps
            if not isinstance(steps, _FallbackSteps) or steps.progress.listed or not is_regular_key_refusal(exc):
                raise exc
            left = clock.left()
            return steps.own_key(None if left is None else max(left, 0.001))

        async def run_async(plan: Plan[Any], clock: Any) -> Any:
            try:
                return await client._run(plan, raw)
            except PermissionDeniedError as exc:
                second = fallback(plan, clock, exc)
            return await client._run(second, raw)

        @functools.wraps(method)
        def call(*args: Any, **kwargs: Any) -> Any:
            plan = method(owner, *args, **kwargs)
            clock = client._start(plan.deadline)
            if _is_async(client):
                return run_async(plan, clock)
            try:
                return client._run(plan, raw)
            except PermissionDeniedError as exc:
                second = fallback(plan, clock, exc)
            return client._run(second, raw)

        return call


def _is_async(client: Any) -> bool:
    from ._client import AsyncBilling

    return isinstance(client, AsyncBilling)


def own_key_fallback(method: Callable[Concatenate[Any, P], Plan[T]]) -> _OwnKeyFallback[P, T]:
    """:func:`~aimlapi_billing._resource.operation`, falling back to the caller's own key on a 403."""
    return _OwnKeyFallback(method)
