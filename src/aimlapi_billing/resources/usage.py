"""``billing.usage``: a key's spend over any window, split into the API's 92-day pieces.

The API measures at most 92 days at a time. :meth:`UsageResource.total` and
:meth:`UsageResource.detail` take any window: a longer one is cut into consecutive pieces of at most
92 days, one request each, and the answers are combined exactly: spend added as ``Decimal`` (the
decimal the JSON wrote, not a float sum), requests added, models merged by name, groups
concatenated in order. So ``total(period="365d")`` is the year's spend.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Generic

from .._arguments import key_prefix as key_prefix_query
from .._exceptions import InvalidParameterError, ResponseValidationError
from .._money import MAX_AMOUNT, add, usd
from .._plan import NOT_GIVEN, Call, ClientT, Endpoint, FanOut, Plan, Raw, Resource, ShapeT, Steps, operation
from .._redaction import printable
from .._windows import Moment, parse_utc, period_length, windows
from ..types.usage import ModelSpend, UsageReport

if TYPE_CHECKING:
    from ..types.all_keys import AllKeysUsage

if TYPE_CHECKING:
    from aimlapi_billing_client.models import UsageDetailResponse, UsageGroup, UsageGrouping, UsageResponse

    from .._plan import DeadlineTypes, TimeoutTypes

__all__ = ["USAGE", "USAGE_DETAIL", "UsageResource", "combine", "combined_report"]

_KIB = 1024
USAGE: Endpoint[UsageResponse] = Endpoint(
    "GET /v2/usage", "aimlapi_billing_client.api.usage.get_usage", "UsageResponse", 64 * _KIB
)
#: A detail answer grows with models and groups: a year by day and model is ~10k groups of ~200 B.
USAGE_DETAIL: Endpoint[UsageDetailResponse] = Endpoint(
    "GET /v2/usage/detail", "aimlapi_billing_client.api.usage.get_usage_detail", "UsageDetailResponse", 8 * 1024 * _KIB
)

_GROUPINGS = {
    "day": "day",
    "model": "model",
    "day,model": "day,model",
    "day+model": "day,model",
    "model,day": "day,model",
}
#: How far the API's echo of a piece's ``start`` and ``end`` may be from what was asked: the vendor
#: echoes the window "resolved to UTC"; a server that drops the fraction of a second still measured it.
ECHO_TOLERANCE = datetime.timedelta(seconds=1)


def combine(parts: Sequence[UsageResponse | UsageDetailResponse]) -> UsageReport:
    """One report from the answers for consecutive pieces of a window, in order."""
    if not parts:
        raise ValueError("no usage answers to combine")
    first = parts[0]
    for part in parts[1:]:
        # Every piece is in USD: the client refuses any other currency.
        if part.api_key_prefix != first.api_key_prefix:
            raise ResponseValidationError(
                f"GET /v2/usage answered pieces of one window for key prefix {first.api_key_prefix!r} and "
                f"{part.api_key_prefix!r}: they cannot be added"
            )
    spend: dict[str, Decimal] = {}
    requests: dict[str, int] = {}
    groups: list[UsageGroup] | None = None
    total, charged = Decimal(0), 0
    for number, part in enumerate(parts, 1):
        where = f"{_name(part)} (piece {number} of {len(parts)})"
        check_figures(part, f"piece {number} of {len(parts)}")
        total = add(total, usd(part.spend, f"{where} spend", at_least_zero=True))
        charged += part.requests
        for usage in getattr(part, "models", ()):
            spend[usage.model] = add(
                spend.get(usage.model, Decimal(0)), usd(usage.spend, f"{where} models[].spend", at_least_zero=True)
            )
            requests[usage.model] = requests.get(usage.model, 0) + usage.requests
        part_groups = getattr(part, "groups", None)
        if isinstance(part_groups, list):
            groups = [*(groups or []), *part_groups]
    models = sorted(
        (ModelSpend(name, spend[name], requests[name]) for name in spend), key=lambda m: (-m.spend, m.model)
    )
    return UsageReport(
        spend=total,
        requests=charged,
        start=first.start,
        end=parts[-1].end,
        currency=first.currency,
        api_key_prefix=first.api_key_prefix,
        models=tuple(models),
        groups=None if groups is None else tuple(groups),
        parts=tuple(parts),
    )


def _name(part: UsageResponse | UsageDetailResponse) -> str:
    return USAGE_DETAIL.name if hasattr(part, "models") else USAGE.name


def check_figures(part: UsageResponse | UsageDetailResponse, piece: str) -> None:
    """Raise, naming the field, unless every amount and count of ``part`` is finite and 0 or more."""
    where = f"{_name(part)} ({piece})"
    usd(part.spend, f"{where} spend", at_least_zero=True)
    _count(f"{where} requests", part.requests)
    for usage in getattr(part, "models", ()):
        usd(usage.spend, f"{where} models[].spend", at_least_zero=True)
        _count(f"{where} models[].requests", usage.requests)
    part_groups = getattr(part, "groups", None)
    for group in part_groups if isinstance(part_groups, list) else ():
        usd(group.spend, f"{where} groups[].spend", at_least_zero=True)
        _count(f"{where} groups[].requests.total", group.requests.total)
        _count(f"{where} groups[].requests.charged", group.requests.charged)


def _count(where: str, value: int) -> int:
    if value < 0:
        raise ResponseValidationError(f"{where} is {value!r}: a count of requests is 0 or more")
    return value


def check_echo(query: dict[str, Any], part: UsageResponse | UsageDetailResponse, piece: str) -> None:
    """Raise unless ``part`` measured the key (``key_prefix``, echoed as ``api_key_prefix``) and the
    window ``query`` asked for (:data:`ECHO_TOLERANCE`): for a ``period``, a window that long; else
    the same ``start`` and ``end``. A server that measured less
    would make a split window's sum silently short."""
    name = _name(part)
    asked_key = query.get("key_prefix")
    if asked_key is not None and part.api_key_prefix != asked_key:
        # None too: an answer that does not say which key it measured may be the account's.
        shown = (
            "no key"
            if part.api_key_prefix is None
            else f"another key ({printable(repr(str(part.api_key_prefix)[:12]))})"
        )
        raise ResponseValidationError(
            f"{name} answered for {shown} ({piece}), not key {printable(repr(asked_key[:20]))} as asked: "
            "its spend is not that key's"
        )
    try:
        start, end = (parse_utc(text) for text in (part.start, part.end))
    except (ValueError, OverflowError, TypeError):
        raise ResponseValidationError(
            f"{name} answered {piece} with an unreadable start or end: {str(part.start)[:40]!r}, {str(part.end)[:40]!r}"
        ) from None
    if "period" in query:
        length = period_length(query["period"])
        if length is not None and abs((end - start) - length) <= ECHO_TOLERANCE:
            return
        asked = f"the last {query['period']}"
    else:
        asked_start, asked_end = parse_utc(query["start"]), parse_utc(query["end"])
        if abs(start - asked_start) <= ECHO_TOLERANCE and abs(end - asked_end) <= ECHO_TOLERANCE:
            return
        asked = f"{query['start']} to {query['end']}"
    raise ResponseValidationError(
        f"{name} measured {piece} over {part.start} to {part.end}, not {asked} as asked: its spend would not "
        "cover the window"
    )


@functools.cache
def _zones() -> frozenset[str]:
    import zoneinfo

    return frozenset(zoneinfo.available_timezones())


def check_tz(tz: object) -> str:
    """``tz`` if it is an IANA zone name spelt exactly as the database does (the API refuses ``utc``
    and ``+05:00``)."""
    if not isinstance(tz, str) or not tz:
        raise InvalidParameterError(f"tz must be an IANA time zone name like 'Europe/Berlin', not {tz!r}")
    zones = _zones()
    # A system without a time zone database cannot check; the API still does.
    if zones and tz not in zones:
        near = next((zone for zone in sorted(zones) if zone.lower() == tz.lower()), None)
        hint = f" (did you mean {near!r}?)" if near else ""
        raise InvalidParameterError(
            f"tz must be an IANA time zone name spelt exactly, like 'Europe/Berlin', not {tz!r}{hint}"
        )
    return tz


def check_group_by(group_by: object) -> UsageGrouping:
    from aimlapi_billing_client.models import UsageGrouping

    if isinstance(group_by, list | tuple) and all(isinstance(item, str) for item in group_by):
        group_by = ",".join(group_by)
    value = _GROUPINGS.get(str(group_by)) if isinstance(group_by, str) else None
    if value is None:
        raise InvalidParameterError(f"group_by must be 'day', 'model' or 'day,model', not {group_by!r}")
    return UsageGrouping(value)


def combined_report(endpoint: Endpoint[Any], queries: list[dict[str, Any]]) -> Steps[UsageReport]:
    parts = []
    for number, query in enumerate(queries, 1):
        part = yield Call(endpoint, query)
        check_figures(part, f"piece {number} of {len(queries)}")
        check_echo(query, part, f"piece {number} of {len(queries)}")
        parts.append(part)
    return combine(parts)


def _report(endpoint: Endpoint[Any], queries: list[dict[str, Any]]) -> Steps[UsageReport]:
    return _plausible((yield from combined_report(endpoint, queries)))


def _plausible(report: UsageReport) -> UsageReport:
    """``report`` unless a sum is beyond any spend (a broken answer that floats would print as ``inf``)."""
    sums = [("spend", report.spend), ("requests", Decimal(report.requests))]
    sums += [(f"spend of {model.model}", model.spend) for model in report.models]
    for what, amount in sums:
        if amount > MAX_AMOUNT:
            raise ResponseValidationError(
                f"{_name(report.parts[0])} answered a window's {printable(what)} of {amount:.6g}: more than "
                f"{MAX_AMOUNT:.0e} is no usage but a broken answer"
            )
    return report


class UsageResource(Resource[ClientT, ShapeT], Generic[ClientT, ShapeT]):
    """``billing.usage``: spend of a key over a window. Pass ``period`` (``"24h"``, ``"7d"``: whole
    hours or days) or ``start`` and ``end`` (datetimes, naive ones local time; or ISO 8601 strings,
    without an offset UTC as the API reads them). Any length: longer than 92 days is split."""

    @property
    def with_raw_response(self) -> UsageResource[ClientT, Raw]:
        """The same methods, returning an :class:`APIResponse` (headers, status, request id, ``parse()``)."""
        return UsageResource(self._client, raw=True)

    @operation
    def total(
        self,
        *,
        period: str | None = None,
        start: Moment | None = None,
        end: Moment | None = None,
        key_prefix: str | None = None,
        timeout: TimeoutTypes = NOT_GIVEN,
        deadline: DeadlineTypes = NOT_GIVEN,
    ) -> Plan[UsageReport]:
        """``GET /v2/usage``: spend and charged requests. ``key_prefix`` (another key's spend) needs a
        management key. ``deadline`` covers every piece of a split window."""
        queries = [{**window, **key_prefix_query(key_prefix)} for window in windows(period, start, end)]
        return Plan(_report(USAGE, queries), timeout, deadline)

    @operation
    def detail(
        self,
        *,
        period: str | None = None,
        start: Moment | None = None,
        end: Moment | None = None,
        key_prefix: str | None = None,
        group_by: str | Sequence[str] | None = None,
        tz: str | None = None,
        timeout: TimeoutTypes = NOT_GIVEN,
        deadline: DeadlineTypes = NOT_GIVEN,
    ) -> Plan[UsageReport]:
        """``GET /v2/usage/detail``: the total, per model, and with ``group_by`` (``"day"``,
        ``"model"``, ``"day,model"``) per group. ``tz``, an exact IANA name, sets where a day ends."""
        extra: dict[str, Any] = key_prefix_query(key_prefix)
        if group_by is not None:
            extra["group_by"] = check_group_by(group_by)
        if tz is not None:
            extra["tz"] = check_tz(tz)
        queries = [{**window, **extra} for window in windows(period, start, end)]
        return Plan(_report(USAGE_DETAIL, queries), timeout, deadline)

    @operation
    def per_key(
        self,
        key_prefixes: Sequence[str | None],
        *,
        period: str | None = None,
        start: Moment | None = None,
        end: Moment | None = None,
        models: bool = False,
        timeout: TimeoutTypes = NOT_GIVEN,
        deadline: DeadlineTypes = NOT_GIVEN,
    ) -> Plan[list[UsageReport]]:
        """The usage of each key of ``key_prefixes`` (None: the caller's own) over one window, in
        their order: ``GET /v2/usage`` each, or with ``models`` ``/v2/usage/detail`` (per model).
        The keys are read side by side, at most the client's ``concurrency`` requests in flight, and
        ``deadline`` covers them all; a failure raises, saying how many keys were measured. A prefix
        given twice is refused (:class:`InvalidParameterError`): its spend would count twice in a sum."""
        if isinstance(key_prefixes, str) or not isinstance(key_prefixes, Sequence):
            raise InvalidParameterError("key_prefixes must be a list of key prefixes (None: the caller's own key)")
        selectors = [key_prefix_query(prefix) for prefix in key_prefixes]  # checked before any request
        seen: set[str | None] = set()
        for prefix in key_prefixes:  # its usage would count twice in any sum of the reports (_pages.listed_once)
            if prefix in seen:
                shown = "the own key (None)" if prefix is None else repr(prefix[:20])
                raise InvalidParameterError(f"key_prefixes lists {shown} twice")
            seen.add(prefix)
        pieces = windows(period, start, end)
        endpoint = USAGE_DETAIL if models else USAGE
        parts = [_report(endpoint, [{**window, **selector} for window in pieces]) for selector in selectors]
        return Plan(_per_key(parts), timeout, deadline)

    @operation
    def all_keys(
        self,
        *,
        period: str | None = None,
        start: Moment | None = None,
        end: Moment | None = None,
        tz: str | None = None,
        models: bool = False,
        timeout: TimeoutTypes = NOT_GIVEN,
        deadline: DeadlineTypes = NOT_GIVEN,
    ) -> Plan[AllKeysUsage]:
        """Every key's usage over one window, highest spend first (a management key): ``GET /v1/keys``,
        then ``GET /v2/usage`` per key (with ``models`` ``/v2/usage/detail``: per model), side by side
        within the client's ``concurrency`` and one ``deadline``. The window is fixed before the first
        request; ``tz`` places a calendar ``period``'s days (``this-month`` in Europe/Berlin). A key
        not measured (the deadline, a key deleted after the list) is in ``missing``, never dropped."""
        if tz is not None:
            check_tz(tz)
        if not isinstance(models, bool):
            raise InvalidParameterError(f"models must be True or False, not {models!r}")
        return self._client._all_keys_usage_plan(period, start, end, tz, models, timeout, deadline)


def _per_key(parts: list[Steps[UsageReport]]) -> Steps[list[UsageReport]]:
    reports: list[UsageReport] = yield FanOut(parts, "keys")
    return reports
