"""The guards that make a paged read end, for every endpoint that pages (the ledger by cursor, the
request logs by offset: ``resources/logs.py`` adds its own checks of a page to these)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ._config import MAX_EMPTY_PAGES
from ._exceptions import PaginationError, ResponseValidationError

if TYPE_CHECKING:
    from aimlapi_billing_client.models import ApiKey, KeysResponse


class PageGuards:
    """The guards every paged read shares: too many empty pages in a row that say ``has_more``, more
    pages than ``max_pages``. ``pages`` counts the pages read."""

    def __init__(self, max_pages: int) -> None:
        self.max_pages = max_pages
        self.pages = 0
        self.empty_in_a_row = 0

    def check_more(self, where: str, rows: int) -> None:
        """Raise if the read must stop although its page of ``rows`` rows says there is more."""
        self.empty_in_a_row = 0 if rows else self.empty_in_a_row + 1
        if self.empty_in_a_row >= MAX_EMPTY_PAGES:
            raise PaginationError(
                f"{where} makes {self.empty_in_a_row} empty pages in a row that say has_more: stopping",
                pages=self.pages,
            )
        if self.pages >= self.max_pages:
            raise PaginationError(
                f"{where} still says has_more, and max_pages is {self.max_pages}: stopping (pass a larger "
                "max_pages, or narrower filters)",
                pages=self.pages,
            )


class CursorPages(PageGuards):
    """Where a read through an endpoint's cursor pages is, and the guards that make it end: the
    shared ones, and a cursor that an earlier page gave (the pages loop)."""

    def __init__(self, endpoint_name: str, max_pages: int) -> None:
        super().__init__(max_pages)
        self.endpoint_name = endpoint_name
        # Digests, not cursors: memory stays small however long the cursors a server sends.
        self.seen: set[bytes] = set()

    def next_cursor(self, has_more: bool, cursor: str | None, rows: int) -> str | None:
        """The cursor of the page after the one just read (of ``rows`` rows), exactly as the API gave
        it; None after the last."""
        self.pages += 1
        if not has_more or not cursor:
            return None
        where = f"{self.endpoint_name}: page {self.pages}"
        digest = hashlib.blake2b(cursor.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        if digest in self.seen:
            raise PaginationError(
                f"{where} gave a next_cursor an earlier page gave: the pages loop; stopping", pages=self.pages
            )
        self.seen.add(digest)
        self.check_more(where, rows)
        return cursor


def whole_key_list(client: Any, response: KeysResponse) -> list[ApiKey]:
    """The keys of ``GET /v1/keys``, refusing a list that says it is not whole or that is empty."""
    more = response.additional_properties.get("has_more")
    if more is not None and more is not False:  # the endpoint has no pages: a part would pass for the whole
        raise ResponseValidationError(f"GET /v1/keys answered has_more={str(more)[:20]!r}: the list is not whole")
    if not response.data:  # the key that listed them is a key of the account
        raise ResponseValidationError("GET /v1/keys listed no key, not even the caller's own")
    return response.data


def listed_once(keys: Sequence[ApiKey]) -> tuple[list[ApiKey], tuple[str, ...]]:
    """Each prefix of a key list once, in the list's order (its first listing), and the prefixes
    listed more than once. Every fan-out over the listed keys takes its keys from here
    (``usage.per_key`` refuses a prefix given twice): a key listed twice is measured once, never
    counted twice into a sum of money."""
    once: dict[str, ApiKey] = {}
    twice: list[str] = []
    for key in keys:
        if key.prefix in once:
            twice.append(key.prefix)
        else:
            once[key.prefix] = key
    return list(once.values()), tuple(dict.fromkeys(twice))
