"""``billing.logs``: every request row of a window, page by page, within the API's rate limit.

``GET /v2/logs`` pages by offset. An offset walk over rows that keep arriving skips or repeats
rows when the window moves, so a relative ``period`` is fixed to absolute ``start``/``end`` when
the walk begins; a window over 92 days is walked piece by piece (as ``billing.usage`` splits it).
The walk ends on ``has_more: false``, and a server that would keep it going raises
:class:`PaginationError`: a page that is not the one asked for (it ignores ``offset``), empty pages
in a row that say ``has_more``, or more than ``max_pages`` pages. Every request first waits for a
slot of the client's rate limit (``logs_rate_limit``, default 190 per 60 s; the API allows 200).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Generic

from ._client import NOT_GIVEN, PageGuards
from ._config import DEFAULT_MAX_PAGES
from ._exceptions import InvalidParameterError, PaginationError
from ._resource import (
    Call,
    ClientT,
    Endpoint,
    Plan,
    Raw,
    Resource,
    ShapeT,
    Walk,
    WalkPlan,
    iteration,
    operation,
    single,
)
from ._usage import Moment, _iso, _key_prefix, _now, windows

if TYPE_CHECKING:
    from aimlapi_billing_client.models import LogEntry, LogsResponse, LogStatus

    from ._client import DeadlineTypes, TimeoutTypes

__all__ = ["LogsResource"]

#: 100 rows of ~500 B; 4 MiB leaves ~80x room.
LIST_LOGS: Endpoint[LogsResponse] = Endpoint(
    "GET /v2/logs", "aimlapi_billing_client.api.logs.list_logs", "LogsResponse", 4 * 1024 * 1024, rate_limited=True
)
#: Rows per page when walking: the API's maximum, for the fewest requests against the rate limit.
PAGE_SIZE = 100
MAX_MODELS = 50


def _models(model: str | Sequence[str] | None) -> list[str]:
    if model is None:
        return []
    models = [model] if isinstance(model, str) else model
    if not isinstance(models, Sequence) or not models:
        raise InvalidParameterError(f"model must be a model name or a list of them, not {model!r}")
    if len(models) > MAX_MODELS:
        raise InvalidParameterError(f"the API takes at most {MAX_MODELS} models, not {len(models)}")
    for name in models:
        if not isinstance(name, str) or not name.strip() or not name.isprintable():
            raise InvalidParameterError(f"a model is a name like 'openai/gpt-5', not {name!r}")
        if "," in name:
            # The API reads "a,b" as one model named so: it would match nothing, silently.
            raise InvalidParameterError(f"pass several models as a list, not joined by commas: {name!r}")
    return list(models)


def _statuses(status: LogStatus | str | Sequence[LogStatus | str] | None) -> list[LogStatus]:
    from aimlapi_billing_client.models import LogStatus

    if status is None:
        return []
    statuses = [status] if isinstance(status, str) else status
    known = LogStatus.known_values()
    if not isinstance(statuses, Sequence) or not statuses:
        raise InvalidParameterError(f"status must be one of {', '.join(sorted(known))} or a list, not {status!r}")
    for value in statuses:
        if not isinstance(value, str) or value not in known:
            raise InvalidParameterError(f"a status must be one of {', '.join(sorted(known))}, not {value!r}")
    return [LogStatus(value) for value in statuses]


def _page_size(limit: object) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 100:
        raise InvalidParameterError(f"limit must be a whole number from 1 to 100, not {limit!r}")
    return limit


def _filters(
    key_prefix: str | None,
    model: str | Sequence[str] | None,
    status: LogStatus | str | Sequence[LogStatus | str] | None,
) -> dict[str, Any]:
    filters: dict[str, Any] = _key_prefix(key_prefix)
    if models := _models(model):
        filters["model"] = models
    if statuses := _statuses(status):
        filters["status"] = statuses
    return filters


def _fixed_windows(period: str | None, start: Moment | None, end: Moment | None) -> list[dict[str, str]]:
    """Absolute pieces even for a short ``period``: the walk's window must not move under it."""
    pieces = windows(period, start, end)
    if pieces == [{"period": period}]:
        assert period is not None
        amount, unit = int(period[:-1]), period[-1]
        until = _now()
        since = until - (datetime.timedelta(hours=amount) if unit == "h" else datetime.timedelta(days=amount))
        pieces = [{"start": _iso(since), "end": _iso(until)}]
    return pieces


class _OffsetWalk(PageGuards):
    """The guards that make an offset walk end: the shared ones, and a page at the offset asked for."""

    def next_offset(self, offset: int, page: LogsResponse) -> int | None:
        self.pages += 1
        where = f"{LIST_LOGS.name}: page {self.pages}"
        if page.pagination.offset != offset:
            raise PaginationError(
                f"{where} asked for offset {offset} and got the page at offset {page.pagination.offset}: the "
                "server does not page as asked; stopping",
                pages=self.pages,
            )
        if not page.pagination.has_more:
            return None
        self.check_more(where, len(page.data))
        return offset + len(page.data)


def _rows(queries: list[dict[str, Any]], page_size: int, walk: _OffsetWalk) -> Walk[LogEntry]:
    for query in queries:
        offset: int | None = 0
        while offset is not None:
            page: LogsResponse = yield Call(LIST_LOGS, {**query, "limit": page_size, "offset": offset})
            yield from page.data
            offset = walk.next_offset(offset, page)


class LogsResource(Resource[ClientT, ShapeT], Generic[ClientT, ShapeT]):
    """``billing.logs``: one row per request (failed ones too, at zero cost). The window is ``period``
    or ``start``/``end`` as for :class:`UsageResource`; ``model`` and ``status`` take one value or a
    list (sent as repeated parameters); ``key_prefix`` another key's rows (a management key)."""

    @property
    def with_raw_response(self) -> LogsResource[ClientT, Raw]:
        """The same methods, returning an :class:`APIResponse` (headers, status, request id, ``parse()``)."""
        return LogsResource(self._client, raw=True)

    @iteration
    def list(
        self,
        *,
        period: str | None = None,
        start: Moment | None = None,
        end: Moment | None = None,
        key_prefix: str | None = None,
        model: str | Sequence[str] | None = None,
        status: LogStatus | str | Sequence[LogStatus | str] | None = None,
        max_pages: int = DEFAULT_MAX_PAGES,
        timeout: TimeoutTypes = NOT_GIVEN,
        deadline: DeadlineTypes = NOT_GIVEN,
    ) -> WalkPlan[LogEntry]:
        """Every row of the window, fetching pages of 100 as you iterate (``for``, or ``async for`` on
        :class:`AsyncBilling`). Arguments are checked now; each page is a call of its own (retries,
        ``deadline``, a rate-limit slot)."""
        if isinstance(max_pages, bool) or not isinstance(max_pages, int) or max_pages < 1:
            raise InvalidParameterError(f"max_pages must be a whole number, 1 or more, not {max_pages!r}")
        filters = _filters(key_prefix, model, status)
        queries = [{**window, **filters} for window in _fixed_windows(period, start, end)]
        return WalkPlan(_rows(queries, PAGE_SIZE, _OffsetWalk(max_pages)), timeout, deadline)

    @operation
    def page(
        self,
        *,
        period: str | None = None,
        start: Moment | None = None,
        end: Moment | None = None,
        key_prefix: str | None = None,
        model: str | Sequence[str] | None = None,
        status: LogStatus | str | Sequence[LogStatus | str] | None = None,
        limit: int = 50,
        offset: int = 0,
        timeout: TimeoutTypes = NOT_GIVEN,
        deadline: DeadlineTypes = NOT_GIVEN,
    ) -> Plan[LogsResponse]:
        """``GET /v2/logs``: one page, as the API pages (``limit`` 1 to 100, ``offset`` from 0); the
        window must fit in 92 days."""
        pieces = windows(period, start, end)
        if len(pieces) > 1:
            raise InvalidParameterError("one page covers at most 92 days; list() walks a longer window")
        if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
            raise InvalidParameterError(f"offset must be a whole number, 0 or more, not {offset!r}")
        params = {**pieces[0], **_filters(key_prefix, model, status), "limit": _page_size(limit), "offset": offset}
        return single(Call(LIST_LOGS, params), timeout, deadline)


RESOURCE = LogsResource
