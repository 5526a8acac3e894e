"""The all-keys views: every key's usage, or request rows, over one window (``billing.usage.all_keys()``,
``billing.logs.all_keys()``).

``GET /v1/keys`` once (a prefix listed twice is measured once, and said), then one part per key side
by side through the client's fan-out (``_fanout.py``: its concurrency, the back-off on 429, the logs
rate limit shared by every part, the call's one deadline). The window is fixed to absolute UTC
moments before the first request, so every key is measured over the same window however long the
fan-out takes. The fan-out is partial: a key whose part fails (the deadline, a key deleted after
the list, a server that keeps failing) is a :class:`MissingKey`, the others are kept, and the result
says which keys are missing: a partial view is never passed off as a whole (the CLI exits non-zero).
The results are in a deterministic order whatever the order the parts end in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._exceptions import AIMLAPIError
from .._pages import listed_once, whole_key_list
from .._plan import Call, FanOut, Plan, RowSteps, Steps
from .._redaction import printable
from .._windows import zoned_windows
from ..resources.keys import LIST_KEYS
from ..resources.logs import PAGE_SIZE, OffsetPages, window_rows
from ..resources.usage import USAGE, USAGE_DETAIL, combined_report
from ..types.all_keys import AllKeysLogs, AllKeysUsage, KeyLogs, KeyUsage, MissingKey

if TYPE_CHECKING:
    from aimlapi_billing_client.models import ApiKey, LogEntry

    from .._plan import DeadlineTypes, TimeoutTypes
    from .._windows import Moment
    from ..types.usage import UsageReport

__all__ = ["all_keys_logs_plan", "all_keys_usage_plan", "fixed_pieces"]


def fixed_pieces(period: str | None, start: Moment | None, end: Moment | None, tz: str | None) -> list[dict[str, str]]:
    """The window as absolute pieces of at most 92 days: ``tz`` places a calendar period's days
    (and is refused with any other window)."""
    return zoned_windows(period, start, end, tz)


def _listed(keys: list[ApiKey]) -> tuple[list[ApiKey], tuple[str, ...]]:
    """Each prefix once (:func:`listed_once`), in prefix order: deterministic whatever the list's order."""
    once, twice = listed_once(keys)
    return sorted(once, key=lambda key: key.prefix), twice


def key_name(key: ApiKey) -> str | None:
    """The key's name as listed, made printable and bounded; None for a key with no name (null), never
    the text "None"."""
    return printable(key.name)[:80] if isinstance(key.name, str) else None


def missing(key: ApiKey, error: AIMLAPIError) -> MissingKey:
    reason = printable(str(error).splitlines()[0] if str(error) else type(error).__name__)[:300]
    return MissingKey(key.prefix, key_name(key), type(error).__name__, reason)


def _key_usage(endpoint: Any, pieces: list[dict[str, str]], prefix: str) -> Steps[UsageReport]:
    return (yield from combined_report(endpoint, [{**piece, "key_prefix": prefix} for piece in pieces]))


def _usage_steps(pieces: list[dict[str, str]], models: bool) -> Steps[AllKeysUsage]:
    keys, twice = _listed((yield Call(LIST_KEYS, {}, whole_key_list)))
    endpoint = USAGE_DETAIL if models else USAGE
    results = yield FanOut([_key_usage(endpoint, pieces, key.prefix) for key in keys], "keys", partial=True)
    rows, gone = [], []
    for key, result in zip(keys, results, strict=True):
        if isinstance(result, AIMLAPIError):
            gone.append(missing(key, result))
        else:
            rows.append(KeyUsage(key.prefix, key_name(key), result))
    rows.sort(key=lambda row: (-row.spend, row.prefix))
    return AllKeysUsage(
        start=pieces[0]["start"],
        end=pieces[-1]["end"],
        currency="USD",  # every answer is in USD: the client refuses any other currency
        rows=tuple(rows),
        missing=tuple(gone),
        listed=len(keys),
        listed_twice=twice,
    )


def all_keys_usage_plan(
    period: str | None,
    start: Moment | None,
    end: Moment | None,
    tz: str | None,
    models: bool,
    timeout: TimeoutTypes,
    deadline: DeadlineTypes,
) -> Plan[AllKeysUsage]:
    """The plan of ``billing.usage.all_keys()``: the window checked and fixed now, before any request."""
    return Plan(_usage_steps(fixed_pieces(period, start, end, tz), models), timeout, deadline)


def _drain(rows: RowSteps[LogEntry], into: list[LogEntry]) -> Steps[None]:
    """Drive a walk of rows as steps: each :class:`Call` passed up, each row kept."""
    received: Any = None
    failure: BaseException | None = None
    while True:
        try:
            step = rows.send(received) if failure is None else rows.throw(failure)
        except StopIteration:
            return
        if isinstance(step, Call):
            try:
                received, failure = (yield step), None
            except AIMLAPIError as exc:
                failure = exc
        else:
            into.append(step)
            received, failure = None, None


def _key_rows(pieces: list[dict[str, Any]], prefix: str, max_pages: int) -> Steps[tuple[LogEntry, ...]]:
    kept: list[LogEntry] = []
    piece_start = 0

    def take_back() -> None:  # rows deleted mid-read: the piece is read again, its rows forgotten
        del kept[piece_start:]

    pager = OffsetPages(max_pages, take_back=take_back)
    for piece in pieces:
        piece_start = len(kept)
        yield from _drain(window_rows({**piece, "key_prefix": prefix}, PAGE_SIZE, pager), kept)
    return tuple(kept)


def _logs_steps(pieces: list[dict[str, Any]], max_pages: int) -> Steps[AllKeysLogs]:
    keys, twice = _listed((yield Call(LIST_KEYS, {}, whole_key_list)))
    parts = [_key_rows(pieces, key.prefix, max_pages) for key in keys]
    results = yield FanOut(parts, "keys", partial=True)
    walked, gone = [], []
    for key, result in zip(keys, results, strict=True):
        if isinstance(result, AIMLAPIError):
            gone.append(missing(key, result))
        else:
            walked.append(KeyLogs(key.prefix, key_name(key), result))
    return AllKeysLogs(
        start=pieces[0]["start"],
        end=pieces[-1]["end"],
        keys=tuple(walked),
        missing=tuple(gone),
        listed=len(keys),
        listed_twice=twice,
    )


def all_keys_logs_plan(
    pieces: list[dict[str, Any]], max_pages: int, timeout: TimeoutTypes, deadline: DeadlineTypes
) -> Plan[AllKeysLogs]:
    """The plan of ``billing.logs.all_keys()``: ``pieces`` fixed and filtered by the resource."""
    return Plan(_logs_steps(pieces, max_pages), timeout, deadline)
