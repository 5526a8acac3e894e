"""Reading a response body with bounds: decoded size, wall time, JSON nesting, finite numbers.

httpx decodes ``gzip`` a whole network chunk at a time, so a 64 KiB chunk of a compression bomb
becomes ~64 MiB before any caller sees it. Here the raw bytes are decompressed with ``max_length``,
so the decoded bytes held never exceed the cap by more than one small step, whatever the ratio.
"""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from typing import Any

import httpx
from aimlapi_billing_client.types import SMALL_INT, fits_number, number_problem

#: What the SDK asks for: encodings it decodes itself, with bounds (no brotli, no zstd).
ACCEPT_ENCODING = "gzip, deflate"
_STEP = 64 * 1024


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


def content_headers(response: httpx.Response) -> tuple[str, str]:
    """The ``Content-Encoding`` (several joined by ``", "``) and the ``Content-Type``'s media type, lower
    case (``"application/json"``; ``""`` when absent): one pass over the headers, where each
    ``headers.get`` would decode all of them again (it runs for every answer)."""
    encodings: list[bytes] = []
    content_type = b""
    # httpx keeps each header as (name, lower-case name, value): read them so, when it still does.
    headers = getattr(response.headers, "_list", None)
    if headers is None:
        headers = [(name, name.lower(), value) for name, value in response.headers.raw]
    for _, lowered, value in headers:
        if lowered == b"content-encoding":
            encodings.append(value)
        elif lowered == b"content-type":
            content_type = value
    media_type = content_type.split(b";", 1)[0].strip().lower()
    return b", ".join(encodings).decode("latin-1"), media_type.decode("latin-1")


class _Decoder:
    def __init__(self, response: httpx.Response, encoding: str) -> None:
        self._coding: str | None = None
        self._zlib: Any = None
        self._first = False
        #: No coding: the raw bytes are the body (the common case, so checked first).
        self.identity = True
        if not encoding:
            return
        codings = [part.strip().lower() for part in encoding.split(",") if part.strip()]
        codings = [coding for coding in codings if coding != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise UnsupportedEncoding(response, encoding[:100])
        self._coding = codings[0] if codings else None
        if self._coding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif self._coding == "deflate":
            self._zlib = zlib.decompressobj()
        self._first = True
        self.identity = self._zlib is None

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

    def __init__(
        self, response: httpx.Response, cap: int, ends_at: float | None, truncate: bool, encoding: str
    ) -> None:
        self.response = response
        try:
            self.decoder: _Decoder | None = _Decoder(response, encoding)
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
        if self.decoder.identity:
            return self._keep(raw)
        return all(self._keep(chunk) for chunk in self.decoder.feed(raw))

    def finish(self) -> bytes:
        if self.decoder is not None and not self.decoder.identity:
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


def read_body(
    response: httpx.Response, cap: int, ends_at: float | None, *, truncate: bool = False, encoding: str | None = None
) -> bytes:
    """The decoded body of a streamed ``response``, at most ``cap`` bytes, read before ``ends_at``
    (``time.monotonic()``). Closes the response. ``encoding``: its ``Content-Encoding``, when the
    caller has read it already (:func:`content_headers`)."""
    if response.is_stream_consumed:
        return _in_memory(response, cap, truncate)
    try:
        if encoding is None:
            encoding = content_headers(response)[0]
        collector = _Collector(response, cap, ends_at, truncate, encoding)
        for raw in response.iter_raw():
            if not collector.add(raw):
                return bytes(collector.body)
        return collector.finish()
    finally:
        response.close()


async def aread_body(
    response: httpx.Response, cap: int, ends_at: float | None, *, truncate: bool = False, encoding: str | None = None
) -> bytes:
    """:func:`read_body` for an async response."""
    if response.is_stream_consumed:
        return _in_memory(response, cap, truncate)
    try:
        if encoding is None:
            encoding = content_headers(response)[0]
        collector = _Collector(response, cap, ends_at, truncate, encoding)
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


_DECODER = json.JSONDecoder(parse_float=Decimal, parse_constant=_reject_constant)


def _shape_table() -> bytes:
    """A ``bytes.translate`` table that keeps only what the scan of :func:`parse_json` reads: each
    ASCII digit becomes ``0``, ``e``/``E`` an ``e``, a sign an ``s``, a bracket that opens a
    container a ``b``, every other byte an ``x``."""
    table = bytearray(b"x" * 256)
    for digit in b"0123456789":
        table[digit] = ord("0")
    for char, shape in ((b"e", b"e"), (b"E", b"e"), (b"+", b"s"), (b"-", b"s"), (b"{", b"b"), (b"[", b"b")):
        table[char[0]] = shape[0]
    return bytes(table)


_SHAPE = _shape_table()
_LONG_DIGITS = b"0" * 50


def parse_json(body: bytes, max_depth: int) -> Any:
    """Decode ``body``: standard JSON only (no ``NaN``/``Infinity``), nested at most ``max_depth``
    deep, every number within what a double holds in either direction and of at most 100 digits
    (``1e999``, ``1e-99999999`` are refused: the models' rule, ``fits_number``). A number with a fraction or an
    exponent is the exact :class:`~decimal.Decimal` it wrote (``0.1`` is ``Decimal('0.1')``); a
    whole number is an int."""
    data, encoding = _decode(body, max_depth)
    if encoding != "utf-8" or not _plainly_within_bounds(body.translate(_SHAPE), max_depth):
        _check_tree(data, max_depth)
    return data


def _decode(body: bytes, max_depth: int) -> tuple[Any, str]:
    """The JSON value of ``body`` and the encoding it was read in (numbers not checked yet)."""
    try:
        encoding = json.detect_encoding(body)
        # json.loads with options would build a decoder for every answer: one, made once, serves.
        return _DECODER.decode(body.decode(encoding, "surrogatepass")), encoding
    except RecursionError:
        raise UnreadableJSON(f"it is nested deeper than {max_depth} levels") from None
    except ValueError as exc:
        raise UnreadableJSON(f"the body is not valid JSON ({exc})") from None
    except ArithmeticError:  # decimal.InvalidOperation: an exponent past what a Decimal holds (1e1000000000000000000)
        raise UnreadableJSON(
            "it has a number out of the range of a double (a finite number, its exponent from 1e-324 to 1e308)"
        ) from None


def _plainly_within_bounds(shape: bytes, max_depth: int) -> bool:
    """Whether a UTF-8 body, as its ``_SHAPE`` translation, is clearly within the bounds that
    :func:`_check_tree` checks: no more containers than ``max_depth`` (so none nested deeper), no run
    of 50 digits and no exponent of 3 digits (so every number has at most 49 + 49 significant digits
    and an exponent within +-(99 + 49)). A few scans in C instead of the walk, on the answers of a
    single call; what they cannot clear (a letter e before digits in a string, a log page) is walked."""
    return (
        shape.count(b"b") <= max_depth and _LONG_DIGITS not in shape and b"e000" not in shape and b"es000" not in shape
    )


def _check_tree(data: Any, max_depth: int) -> None:
    """Walk ``data`` without recursion: containers no deeper than ``max_depth``, numbers within the
    models' bounds (every number of every answer passes here, so none reaches a sum or an output that
    a double could not hold: ``1e-99999999`` would be written out as 100 MB of digits).
    It builds no paths (it runs on every large answer); :func:`_locate` names the field of a failure."""
    stack: list[tuple[Any, int]] = [([data], 0)]
    while stack:
        container, depth = stack.pop()
        if depth > max_depth:
            raise UnreadableJSON(f"it is nested deeper than {max_depth} levels")
        for item in container.values() if type(container) is dict else container:
            kind = type(item)
            if kind is str:  # the most common leaf first
                continue
            if kind is dict or kind is list:
                stack.append((item, depth + 1))
            elif (
                kind is Decimal
                # inline, the common case (fits_number decides the rest exactly): finite, well within
                # a double's exponents, its text too short for over 100 digits
                and not (item.is_finite() and -325 < item.adjusted() < 308 and len(str(item)) <= 100)
                and not fits_number(item)
            ) or (kind is int and not -SMALL_INT < item < SMALL_INT):
                problem = number_problem(item)
                if problem is not None:
                    raise UnreadableJSON(f"field {_locate(data, item) or '(the body)'!r} {problem}")


def _locate(data: Any, number: Any) -> str:
    """The path of ``number`` (the very object) in ``data``: ``data[3].amount.usd``."""
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        value, path = stack.pop()
        if value is number:
            return path
        if type(value) is dict:
            prefix = f"{path}." if path else ""
            stack.extend((item, f"{prefix}{key}") for key, item in value.items())
        elif type(value) is list:
            stack.extend((item, f"{path}[{index}]") for index, item in enumerate(value))
    return ""
