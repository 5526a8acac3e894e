"""Reading ahead: an iterable consumed by a thread of its own, up to ``depth`` items ahead of its
reader, so that ``sync`` keeps the logs' rate limit busy while it writes, reads the ledger and the
daily usage. The reader sees the items in order, then the producer's exception (if any) where the
next item would have been; closing stops the producer at its next item. Nothing is written by the
producer: an item read ahead and never written (a crash) is read again by the next run."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")
_ITEM, _END, _ERROR = range(3)
#: How often a producer held up by a full queue looks whether it was closed.
_POLL_SECONDS = 0.1


class ReadAhead(Generic[T]):
    def __init__(self, source: Iterable[T], depth: int) -> None:
        self._queue: queue.Queue[tuple[int, object]] = queue.Queue(maxsize=depth)
        self._closed = threading.Event()
        self._thread = threading.Thread(
            target=self._produce, args=(source,), name="aimlapi-billing-read-ahead", daemon=True
        )
        self._thread.start()

    def _produce(self, source: Iterable[T]) -> None:
        try:
            for item in source:
                if not self._put(_ITEM, item):
                    return
        except BaseException as exc:  # handed to the reader, raised there
            self._put(_ERROR, exc)
            return
        self._put(_END, None)

    def _put(self, kind: int, value: object) -> bool:
        while not self._closed.is_set():
            try:
                self._queue.put((kind, value), timeout=_POLL_SECONDS)
            except queue.Full:
                continue
            return True
        return False

    def __iter__(self) -> Iterator[T]:
        while True:
            kind, value = self._queue.get()
            if kind == _END:
                return
            if kind == _ERROR:
                assert isinstance(value, BaseException)
                raise value
            yield value  # type: ignore[misc]

    def close(self) -> None:
        """Stop the producer (a daemon thread: one in a request or a rate-limit wait ends with it)."""
        self._closed.set()
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                return
