"""Reading a response body with bounds: decoded size, wall time, JSON nesting, finite numbers.

httpx decodes ``gzip`` a whole network chunk at a time, so a 64 KiB chunk of a compression bomb
becomes ~64 MiB before any caller sees it. Here the raw bytes are decompressed with ``max_length``,
so the decoded bytes held never exceed the cap by more than one small step, whatever the ratio.
"""

from __future__ import annotations

import json
import math
import sys
import time
import zlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx

#: What the SDK asks for: encodings it decodes itself, with bounds (no brotli, no zstd).
ACCEPT_ENCODING = "gzip, deflate"
_STEP = 64 * 1024
_LARGEST_FINITE_INT = int(sys.float_info.max)


class BodyTooLarge(Exception):
    """The decoded body passed the cap (internal; the client raises ``ResponseTooLargeError``)."""

    def __init__(self, response: httpx.Response, cap: int, body: bytes) -> None:
        super().__init__(cap)
        self.response = response
        self.cap = cap
        self.body = body


class BodyTooSlow(Exception):
    """The attempt's wall time ran out while the body trickled in (internal)."""


class UnsupportedEncoding(Exception):
    """A ``Content-Encoding`` the SDK did not ask for (internal)."""

    def __init__(self, response: httpx.Response, encoding: str) -> None:
        super().__init__(encoding)
        self.response = response
        self.encoding = encoding


class _Decoder:
    def __init__(self, response: httpx.Response) -> None:
        encoding = response.headers.get("content-encoding", "")
        codings = [part.strip().lower() for part in encoding.split(",") if part.strip()]
        codings = [coding for coding in codings if coding != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise UnsupportedEncoding(response, encoding[:100])
        self._coding = codings[0] if codings else None
        self._zlib: Any = None
        if self._coding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif self._coding == "deflate":
            self._zlib = zlib.decompressobj()
        self._first = True

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Decoded bytes of ``data``, in steps of at most 64 KiB."""
        if self._zlib is None:
            yield data
            return
        if self._first and self._coding == "deflate" and data:
            self._first = False
            # Servers send "deflate" with or without the zlib header (RFC 9110 says with).
            if (data[0] & 0x0F) != 8 or (data[0] << 8 | (data[1] if len(data) > 1 else 0)) % 31:
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
        pending = data
        while pending:
            try:
                chunk = self._zlib.decompress(pending, _STEP)
            except zlib.error as exc:
                raise httpx.DecodingError(f"is not valid {self._coding} ({exc})") from None
            pending = self._zlib.unconsumed_tail
            if not chunk:  # less than a full step means all input was consumed
                break
            yield chunk

    def flush(self) -> bytes:
        if self._zlib is None:
            return b""
        rest = bytes(self._zlib.flush())
        if not self._zlib.eof:
            raise httpx.DecodingError(f"is not valid {self._coding} (it ends before its end)")
        return rest


class _Collector:
    """Gathers decoded bytes up to ``cap``; past it, :class:`BodyTooLarge` (or, with ``truncate``,
    the bytes up to the cap, quietly)."""

    def __init__(self, response: httpx.Response, cap: int, ends_at: float | None, truncate: bool) -> None:
        self.response = response
        try:
            self.decoder: _Decoder | None = _Decoder(response)
        except UnsupportedEncoding:
            if not truncate:
                raise
            self.decoder = None  # an error body in an encoding we did not ask for: its status is what counts
        self.cap = cap
        self.ends_at = ends_at
        self.truncate = truncate
        self.body = bytearray()

    def add(self, raw: bytes) -> bool:
        """Take one raw chunk; ``False`` once enough is read (truncating)."""
        if self.ends_at is not None and time.monotonic() > self.ends_at:
            raise BodyTooSlow
        if self.decoder is None:
            return False
        return all(self._keep(chunk) for chunk in self.decoder.feed(raw))

    def finish(self) -> bytes:
        if self.decoder is not None:
            self._keep(self.decoder.flush())
        return bytes(self.body)

    def _keep(self, chunk: bytes) -> bool:
        room = self.cap - len(self.body)
        if len(chunk) > room:
            if not self.truncate:
                raise BodyTooLarge(self.response, self.cap, bytes(self.body[:4096]))
            self.body += chunk[:room]
            return False
        self.body += chunk
        return True


def read_body(response: httpx.Response, cap: int, ends_at: float | None, *, truncate: bool = False) -> bytes:
    """The decoded body of a streamed ``response``, at most ``cap`` bytes, read before ``ends_at``
    (``time.monotonic()``). Closes the response."""
    if response.is_stream_consumed:
        return _in_memory(response, cap, truncate)
    try:
        collector = _Collector(response, cap, ends_at, truncate)
        for raw in response.iter_raw():
            if not collector.add(raw):
                return bytes(collector.body)
        return collector.finish()
    finally:
        response.close()


async def aread_body(response: httpx.Response, cap: int, ends_at: float | None, *, truncate: bool = False) -> bytes:
    """:func:`read_body` for an async response."""
    if response.is_stream_consumed:
        return _in_memory(response, cap, truncate)
    try:
        collector = _Collector(response, cap, ends_at, truncate)
        chunks: AsyncIterator[bytes] = response.aiter_raw()
        async for raw in chunks:
            if not collector.add(raw):
                return bytes(collector.body)
        return collector.finish()
    finally:
        await response.aclose()


def _in_memory(response: httpx.Response, cap: int, truncate: bool) -> bytes:
    """A response an in-process transport built with its content (decoded already): the cap only."""
    content = response.content
    if len(content) > cap and not truncate:
        raise BodyTooLarge(response, cap, content[:4096])
    return content[:cap]


class UnreadableJSON(Exception):
    """A body that is not JSON the SDK accepts (internal; the message says why)."""


def _reject_constant(name: str) -> Any:
    raise UnreadableJSON(f"it has the non-finite number {name}, which is not JSON")


def parse_json(body: bytes, max_depth: int) -> Any:
    """Decode ``body``: standard JSON only (no ``NaN``/``Infinity``), every number finite as a float
    (``1e999`` overflows to infinity, so it is refused too), nested at most ``max_depth`` deep."""
    try:
        data = json.loads(body, parse_constant=_reject_constant)
    except RecursionError:
        raise UnreadableJSON(f"it is nested deeper than {max_depth} levels") from None
    except ValueError as exc:
        raise UnreadableJSON(f"the body is not valid JSON ({exc})") from None
    _check_tree(data, max_depth)
    return data


def _check_tree(data: Any, max_depth: int) -> None:
    """Walk ``data`` without recursion: containers no deeper than ``max_depth``, numbers finite."""
    stack: list[tuple[Any, int, str]] = [(data, 1, "")]
    while stack:
        value, depth, path = stack.pop()
        kind = type(value)
        if kind is float or kind is int:
            if not math.isfinite(value) if kind is float else abs(value) > _LARGEST_FINITE_INT:
                raise UnreadableJSON(f"field {path or '(the body)'!r} is not a finite number")
            continue
        if kind is not dict and kind is not list:
            continue
        if depth > max_depth:
            raise UnreadableJSON(f"it is nested deeper than {max_depth} levels")
        if kind is dict:
            prefix = f"{path}." if path else ""
            stack.extend((item, depth + 1, f"{prefix}{key}") for key, item in value.items() if type(item) in _WALKED)
        else:
            stack.extend(
                (item, depth + 1, f"{path}[{index}]") for index, item in enumerate(value) if type(item) in _WALKED
            )


_WALKED = (dict, list, float, int)
