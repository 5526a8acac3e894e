"""``billing.logs``: every request row of a window, page by page, within the API's rate limit.

``GET /v2/logs`` pages by offset. An offset walk over rows that keep arriving skips or repeats
rows when the window moves, so a relative ``period`` is fixed to absolute ``start``/``end`` when
the walk begins; a window over 92 days is walked piece by piece (as ``billing.usage`` splits it).
Rows that arrive while a window is walked shift its offsets: each row is given once (a row seen
again is skipped; one seen again with other content is a :class:`ResponseValidationError`, since
which version is true cannot be known; a row is known by its ``inference_id``, or by its whole content
when it has none, as failed rows may not), and when the rows counted fall short of the last page's
``total`` the window is read again from the start for the rows it lacks (at most three passes).
A ``total`` lower than the page before's means rows were deleted while the window was read (even
one below the offset asked: the rows left moved back): rows given may be gone and rows not read
yet may have moved to offsets already passed, so the walk raises :class:`PaginationError` unless
no row of the window was given yet, or the caller can take them back (a reconciliation), when the
window is read again from the start (within the three passes).
Each page is checked before any of its rows is given. The walk ends on ``has_more: false``, and a
server that would keep it going or pages wrongly raises :class:`PaginationError`: a page that is
not the one asked for (it ignores ``offset``), a page of rows all seen before, a negative
``total``, rows beyond a ``total`` no lower than the page before's, empty pages in a row that say
``has_more``, more than ``max_pages`` pages, or a total that never adds up. Every request first
waits for a slot of the client's rate limit (``logs_rate_limit``, default 190 per 60 s; the API
allows 200).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Generic

from .._arguments import key_prefix as key_prefix_query
from .._arguments import positive_whole, whole_in_range
from .._config import DEFAULT_MAX_PAGES
from .._exceptions import InvalidParameterError, PaginationError, ResponseValidationError
from .._pages import PageGuards
from .._plan import (
    NOT_GIVEN,
    Call,
    ClientT,
    Endpoint,
    IterationPlan,
    Plan,
    Raw,
    Resource,
    RowSteps,
    ShapeT,
    iteration,
    operation,
)
from .._redaction import printable
from .._windows import Moment, fixed_windows, windows, zoned_windows

if TYPE_CHECKING:
    from aimlapi_billing_client.models import LogEntry, LogsResponse, LogStatus

    from .._plan import DeadlineTypes, TimeoutTypes
    from ..types.all_keys import AllKeysLogs

__all__ = ["LIST_LOGS", "PAGE_SIZE", "LogsResource", "OffsetPages", "window_rows"]

#: 100 rows of ~500 B; 4 MiB leaves ~80x room.
LIST_LOGS: Endpoint[LogsResponse] = Endpoint(
    "GET /v2/logs", "aimlapi_billing_client.api.logs.list_logs", "LogsResponse", 4 * 1024 * 1024, rate_limited=True
)
#: Rows per page when walking: the API's maximum, for the fewest requests against the rate limit.
PAGE_SIZE = 100
#: Passes over one window whose rows keep arriving before it is reported as not adding up.
MAX_PASSES = 3
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


def _filters(
    key_prefix: str | None,
    model: str | Sequence[str] | None,
    status: LogStatus | str | Sequence[LogStatus | str] | None,
) -> dict[str, Any]:
    filters: dict[str, Any] = key_prefix_query(key_prefix)
    if models := _models(model):
        filters["model"] = models
    if statuses := _statuses(status):
        filters["status"] = statuses
    return filters


class OffsetPages(PageGuards):
    """The guards that make an offset walk end and count each row once: the shared ones, a page at
    the offset asked for whose rows fit its ``total``, and the rows of the window seen so far (as
    digests: a few dozen bytes a row, whatever the server sends).

    ``take_back`` forgets the rows given since the window began, so that a window whose rows were
    deleted while it was read can be read again; None when given rows cannot be taken back (a lazy
    iterator's caller has them)."""

    def __init__(self, max_pages: int, take_back: Callable[[], None] | None = None) -> None:
        super().__init__(max_pages)
        self.seen: dict[int, int] = {}
        self.take_back = take_back

    def where(self) -> str:
        return f"{LIST_LOGS.name}: page {self.pages}"

    def check(self, offset: int, limit: int, page: LogsResponse, total_before: int) -> None:
        """Raise unless ``page`` is the page asked for and its pagination adds up; before any of its
        rows is used, so a bad page contributes nothing. ``total_before`` is the page before's total
        (0 before the window's first page): a lower total is rows deleted, which the caller handles,
        so its rows are not held against it."""
        self.pages += 1
        where, pagination, rows = self.where(), page.pagination, len(page.data)
        if pagination.offset != offset:
            raise PaginationError(
                f"{where} asked for offset {offset} and got the page at offset {pagination.offset}: the "
                "server does not page as asked; stopping",
                pages=self.pages,
            )
        if rows > limit:
            raise PaginationError(f"{where} asked for {limit} rows and got {rows}; stopping", pages=self.pages)
        if pagination.total < 0:
            raise PaginationError(
                f"{where} says its total is {pagination.total} rows, which is no count; stopping", pages=self.pages
            )
        if pagination.total < total_before:
            # Deleted rows moved the rest back, so the offset asked may now lie beyond the total: the
            # page is what a server that pages right gives, and the walk reads the window again or stops.
            return
        if offset + rows > pagination.total or (pagination.has_more and offset + rows >= pagination.total):
            raise PaginationError(
                f"{where} has rows {offset} to {offset + rows} of a total of {pagination.total}, and says "
                f"has_more {str(pagination.has_more).lower()}: the pagination does not add up; stopping",
                pages=self.pages,
            )

    def fresh(self, rows: list[LogEntry]) -> list[LogEntry]:
        """The rows not seen before in this window. A row seen again (its page moved under a row that
        arrived meanwhile) is skipped; one seen again with other content is an error: the server
        changed a request's record while it was read, and which version is true cannot be known.

        A row is known by its ``inference_id`` when it has one (not empty, not blank). Rows without
        one (failed requests may have ``""``) are no repeats of each other for their id:
        such a row is known by its whole content, so only an identical row counts as seen again."""
        new = []
        for row in rows:
            content = _digest(json.dumps(row.to_dict(), sort_keys=True, default=_same_number))
            identity = row.inference_id
            has_id = isinstance(identity, str) and bool(identity.strip())
            # "id:"/"row:" keep an inference_id from ever meeting a row's content digest.
            key = _digest("id:" + identity) if has_id else _digest(f"row:{content}")
            before = self.seen.get(key)
            if before is None:
                self.seen[key] = content
                new.append(row)
            elif before != content:
                raise ResponseValidationError(
                    f"{self.where()} shows request {printable(row.inference_id[:80])} again with other content "
                    "(cost, status or tokens): the window changed while it was read; stopping"
                )
        return new

    def rows_deleted(self, query: dict[str, Any], before: int, after: int, given: int, passes: int) -> None:
        """The window's ``total`` fell from ``before`` to ``after`` between two pages: rows were
        deleted, so some of the ``given`` rows may be gone, and rows not read yet may have moved to
        offsets already passed (none of which the counts can show: they still add up). Take the given
        rows back for the window to be read again from the start, or raise when they cannot be taken
        back or this was the last pass."""
        window = f"the window {query.get('start')} to {query.get('end')}"
        if "key_prefix" in query:
            window += f" of key {query['key_prefix']}"
        problem = f"{self.where()}: {window} went from {before} to {after} rows while it was read: rows were deleted"
        if given and self.take_back is None:
            raise PaginationError(
                f"{problem}, so some of the {given} rows given may be gone and rows not read yet may have moved to "
                "offsets already passed: they are not the window's rows; stopping (read it again)",
                pages=self.pages,
            )
        if passes == MAX_PASSES:
            raise PaginationError(f"{problem}, in the last of its {MAX_PASSES} readings; stopping", pages=self.pages)
        self.seen.clear()
        if self.take_back is not None:
            self.take_back()


def _same_number(amount: Decimal) -> str:
    """A row's money for its digest: one text per amount, so ``0.1`` sent again as ``0.10`` is no
    other content."""
    return f"{amount.normalize():f}"


def _digest(text: str) -> int:
    # 60 bits: a small int (32 B); a collision among a million rows has odds of ~1e-6 and is loud.
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()) >> 4


def _rows(queries: list[dict[str, Any]], page_size: int, pager: OffsetPages) -> RowSteps[LogEntry]:
    for query in queries:
        yield from window_rows(query, page_size, pager)


def window_rows(query: dict[str, Any], page_size: int, pager: OffsetPages) -> RowSteps[LogEntry]:
    """One window's rows, each once. Rows that arrive while the window is read shift the offsets: a
    row that moves onto the next page comes again (skipped), and one that arrives before the
    current offset is not seen in this pass. So when the rows counted fall short of the last
    ``total``, the window is read again from the start for the rows it lacks, up to
    :data:`MAX_PASSES` passes; a window that never adds up is a :class:`PaginationError`. A total
    lower than the page before's (rows deleted) is :meth:`OffsetPages.rows_deleted`."""
    pager.seen.clear()  # the pieces and keys do not overlap: memory is one window's
    counted, total = 0, 0
    for passes in range(1, MAX_PASSES + 1):
        offset: int | None = 0
        deleted = False
        while offset is not None:
            offset_asked = offset
            page: LogsResponse = yield Call(LIST_LOGS, {**query, "limit": page_size, "offset": offset})
            pager.check(offset, page_size, page, total)
            # Against the page before, not the first or the last: 200, 150, 200 (rows deleted, then as
            # many arriving) ends with rows that add up although 50 were skipped.
            if page.pagination.total < total:
                pager.rows_deleted(query, total, page.pagination.total, counted, passes)
                counted, total, deleted = 0, page.pagination.total, True
                break
            new = pager.fresh(page.data)
            if page.data and not new and passes == 1:
                raise PaginationError(
                    f"{pager.where()} holds only rows of earlier pages: the server does not page as asked; stopping",
                    pages=pager.pages,
                )
            counted, total = counted + len(new), page.pagination.total
            yield from new
            if passes > 1 and counted == total:
                return
            offset = None
            if page.pagination.has_more:
                # After its rows: the page is good, only the walk may not go on.
                pager.check_more(pager.where(), len(page.data))
                offset = offset_asked + len(page.data)
        if deleted:
            continue
        if counted == total:
            return
        if counted > total:
            raise PaginationError(
                f"{pager.where()}: the window gave {counted} different rows and says its total is {total}: rows "
                "vanished while it was read, or the total is wrong; stopping",
                pages=pager.pages,
            )
    raise PaginationError(
        f"{pager.where()}: the window's rows kept changing while it was read: {counted} rows of a total of "
        f"{total} after {MAX_PASSES} passes; stopping",
        pages=pager.pages,
    )


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
    ) -> IterationPlan[LogEntry]:
        """Every row of the window, fetching pages of 100 as you iterate (``for``, or ``async for`` on
        :class:`AsyncBilling`). Arguments are checked now; each page is a call of its own (retries,
        ``deadline``, a rate-limit slot)."""
        pages = OffsetPages(positive_whole("max_pages", max_pages))
        filters = _filters(key_prefix, model, status)
        queries = [{**window, **filters} for window in fixed_windows(period, start, end)]
        return IterationPlan(_rows(queries, PAGE_SIZE, pages), timeout, deadline)

    @operation
    def all_keys(
        self,
        *,
        period: str | None = None,
        start: Moment | None = None,
        end: Moment | None = None,
        tz: str | None = None,
        model: str | Sequence[str] | None = None,
        status: LogStatus | str | Sequence[LogStatus | str] | None = None,
        max_pages: int = DEFAULT_MAX_PAGES,
        timeout: TimeoutTypes = NOT_GIVEN,
        deadline: DeadlineTypes = NOT_GIVEN,
    ) -> Plan[AllKeysLogs]:
        """Every key's rows over one window (a management key), keys in prefix order, each key's rows
        as the API pages them: ``GET /v1/keys``, then each key's walk side by side within the
        client's ``concurrency``, its logs rate limit and one ``deadline``; ``max_pages`` per key.
        ``tz`` places a calendar ``period``'s days (refused with any other window). The rows are
        held in memory until every key is read. A key not read is in ``missing``."""
        pages = positive_whole("max_pages", max_pages)
        filters = _filters(None, model, status)
        pieces = [{**window, **filters} for window in zoned_windows(period, start, end, tz)]
        return self._client._all_keys_logs_plan(pieces, pages, timeout, deadline)

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
        limit = whole_in_range("limit", limit, 1, 100, InvalidParameterError)
        params = {**pieces[0], **_filters(key_prefix, model, status), "limit": limit, "offset": offset}
        return Plan(Call(LIST_LOGS, params), timeout, deadline)
