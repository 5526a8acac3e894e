"""Answers no well-behaved server gives, for the stand-in server (``fake_api.server``) to route.

A :data:`Behaviour` is a function handed the socket of one request, which writes whatever it
likes to it: a body with ``NaN``, JSON nested ten thousand deep, a body that never ends, a gzip
bomb, bytes that trickle in one at a time, ledgers whose pages never end, values the spec does not
list, an error that echoes the caller's API key back in every form. ``server.route(path,
behaviour)`` hands it every request to ``path``, then closes the connection; the server's
:meth:`~fake_api.server.FakeAIMLAPI.stop` ends endless and trickling answers (each
:class:`Connection` gives up once the server stops) and joins them.
"""

from __future__ import annotations

import gzip
import itertools
import json
import socket
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any


@dataclass
class Request:
    """One request as a behaviour sees it: ``path`` without the query, ``query`` parsed, headers lower-case."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""


class Connection:
    """One accepted socket, with helpers that give up quietly once the client or the server is gone."""

    def __init__(self, sock: socket.socket, stopping: threading.Event) -> None:
        self.sock = sock
        self.stopping = stopping

    def send(self, data: bytes) -> bool:
        if self.stopping.is_set():
            return False
        try:
            self.sock.sendall(data)
        except OSError:
            return False
        return True

    def pause(self, seconds: float) -> bool:
        return not self.stopping.wait(seconds)

    def head(self, status: int = 200, headers: dict[str, str] | None = None, *, length: int | None = None) -> bool:
        lines = [f"HTTP/1.1 {status} {'OK' if status < 400 else 'Error'}", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in (headers or {"Content-Type": "application/json"}).items()]
        lines.append(f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked")
        return self.send(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))

    def whole(self, body: bytes, status: int = 200, headers: dict[str, str] | None = None) -> None:
        if self.head(status, headers, length=len(body)):
            self.send(body)

    def chunk(self, data: bytes) -> bool:
        return self.send(f"{len(data):x}\r\n".encode() + data + b"\r\n")


Behaviour = Callable[[Connection, Request], None]


def json_body(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Behaviour:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    head = {"Content-Type": "application/json", **(headers or {})}
    return lambda connection, request: connection.whole(data, status, head)


def nested(depth: int) -> Behaviour:
    """``{"current_balance": 1, "x": [[[…]]]}``, ``depth`` levels deep."""
    return json_body(b'{"current_balance": 1, "currency": "USD", "x": ' + b"[" * depth + b"]" * depth + b"}")


def endless_chunks(chunk: bytes = b" " * 65536) -> Behaviour:
    """A 200 whose chunked body starts as JSON and never ends."""

    def behave(connection: Connection, request: Request) -> None:
        if connection.head() and connection.chunk(b'{"current_balance": 1, "pad": "'):
            while connection.chunk(chunk):
                pass

    return behave


def oversized(size: int) -> Behaviour:
    """A 200 announcing and sending ``size`` bytes of valid JSON (a long string)."""
    filler = size - 40

    def behave(connection: Connection, request: Request) -> None:
        if connection.head(length=len(b'{"current_balance": 1, "pad": "') + filler + 2):
            connection.send(b'{"current_balance": 1, "pad": "')
            block = b"x" * 65536
            sent = 0
            while sent < filler and connection.send(block[: min(len(block), filler - sent)]):
                sent += len(block)
            connection.send(b'"}')

    return behave


@cache
def _bomb(decoded: int) -> bytes:
    return gzip.compress(b'{"current_balance": 1, "pad": "' + b"0" * decoded + b'"}', compresslevel=9)


def gzip_bomb(decoded: int = 200 * 1024 * 1024) -> Behaviour:
    """A small gzip body (~200 KiB) that decodes to ``decoded`` bytes."""

    def behave(connection: Connection, request: Request) -> None:
        body = _bomb(decoded)
        connection.whole(body, headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})

    return behave


def trickle(body: bytes, every: float, *, headers_too: bool = False) -> Behaviour:
    """Sends the response one byte every ``every`` seconds (the body only, or the headers too);
    after ``body``, spaces, for ever: JSON allows trailing whitespace, and the length says more."""

    def behave(connection: Connection, request: Request) -> None:
        head = (
            f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body) + 10**9}\r\n\r\n"
        ).encode()
        if not headers_too and not connection.send(head):
            return
        for byte in itertools.chain(head if headers_too else b"", body, itertools.repeat(32)):
            if not connection.pause(every) or not connection.send(bytes([byte])):
                return

    return behave


def page(entries: list[dict[str, Any]], cursor: str | None) -> dict[str, Any]:
    return {"data": entries, "pagination": {"next_cursor": cursor, "has_more": cursor is not None}}


def entry(
    n: int, *, direction: str = "CHARGE", entry_type: str = "MODEL_USAGE", usd: float = 0.5, day: int = 20
) -> dict[str, Any]:
    return {
        "created_at": f"2026-08-{day:02d}T{n % 24:02d}:00:00.000Z",
        "direction": direction,
        "type": entry_type,
        "amount": {"usd": usd, "credits": int(usd * 2_000_000)},
        "model": "openai/gpt-5" if entry_type == "MODEL_USAGE" else None,
        "reference_id": f"r{n}",
    }


def endless_pages(size: int = 1) -> Behaviour:
    """Pages of ``size`` entries (all on one day) with cursors never seen before, for ever."""
    counter = itertools.count(1)

    def behave(connection: Connection, request: Request) -> None:
        n = next(counter)
        connection.whole(json.dumps(page([entry(n * size + i) for i in range(size)], f"fresh-{n}")).encode())

    return behave


def empty_pages() -> Behaviour:
    """Empty pages that always say ``has_more``, each with a new cursor."""
    counter = itertools.count(1)
    return lambda connection, request: connection.whole(json.dumps(page([], f"empty-{next(counter)}")).encode())


def alternating_cursors() -> Behaviour:
    """Cursors A, B, A, B, …: each page differs from the last, the walk is a loop."""

    def behave(connection: Connection, request: Request) -> None:
        given = request.query.get("cursor", [""])[0]
        following = "B" if given == "A" else "A"
        connection.whole(json.dumps(page([entry(1 if given == "A" else 2)], following)).encode())

    return behave


def echo_key(status: int = 401) -> Behaviour:
    """An error that quotes the ``Authorization`` header back: whole, URL-encoded, JSON-escaped, in
    part, in a header and as the request id."""

    def behave(connection: Connection, request: Request) -> None:
        key = request.headers.get("authorization", "").removeprefix("Bearer ")
        body = {
            "message": f"Invalid key {key}",
            "error": {"message": f"not {urllib.parse.quote(key, safe='')}"},
            "hint": f"starts {key[:12]}… ends …{key[-12:]}",
            key: [key, {"nested": key[3:-3]}],
            "requestId": key,
        }
        headers = {"Content-Type": "application/json", "X-Echo": key, "WWW-Authenticate": f'Bearer realm="{key}"'}
        connection.whole(json.dumps(body).encode(), status, headers)

    return behave
