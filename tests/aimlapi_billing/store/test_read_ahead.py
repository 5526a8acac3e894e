"""Reading ahead in a thread of its own: the items in order, the producer's error where its next
item would have been, and a closed reader stops the producer."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from aimlapi_billing.store._read_ahead import ReadAhead


def test_the_items_come_in_order_then_the_end() -> None:
    ahead = ReadAhead(iter(range(1000)), depth=3)
    assert list(ahead) == list(range(1000))


def test_the_producers_error_comes_after_the_items_before_it() -> None:
    def source() -> Iterator[int]:
        yield 1
        yield 2
        raise ConnectionError("the third page failed")

    items = iter(ReadAhead(source(), depth=10))
    assert (next(items), next(items)) == (1, 2)
    with pytest.raises(ConnectionError, match="the third page failed"):
        next(items)


def test_the_producer_runs_ahead_of_the_reader_by_depth_and_no_more() -> None:
    produced: list[int] = []
    blocked = threading.Event()

    def source() -> Iterator[int]:
        for number in range(100):
            produced.append(number)
            if number == 5:
                blocked.set()
            yield number

    ahead = ReadAhead(source(), depth=4)
    items = iter(ahead)
    assert next(items) == 0
    assert blocked.wait(10)  # items 1-4 queued, 5 produced and waiting for room: never further
    ahead.close()
    assert produced == list(range(6))


def test_closing_stops_a_producer_held_up_by_a_full_queue() -> None:
    finished = threading.Event()

    def source() -> Iterator[int]:
        try:
            yield from range(10**9)
        finally:
            finished.set()

    ahead = ReadAhead(source(), depth=2)
    ahead.close()
    ahead._thread.join(10)
    assert not ahead._thread.is_alive()
