"""A hostile AIML API on 127.0.0.1: real sockets, and answers no well-behaved server gives.

Each path is given a :class:`Behaviour`, a function that writes whatever it likes to the socket of
one request: a body with ``NaN``, JSON nested ten thousand deep, a body that never ends, a gzip
bomb, bytes that trickle in one at a time, ledgers whose pages never end, values the spec does not
list, an error that echoes the caller's API key back in every form. The server counts requests per
path; :meth:`HostileServer.close` stops every connection, including endless ones, and joins them.
"""

from __future__ import annotations

import contextlib
import gzip
import itertools
import json
import socket
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, Self

LOOPBACK = "127.0.0.1"


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


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


class HostileServer:
    """``with HostileServer() as server: server.route("/v2/billing", nested(10_000))``."""

    def __init__(self) -> None:
        self._listener = socket.create_server((LOOPBACK, 0))
        self._listener.settimeout(0.05)
        self.url = f"http://{LOOPBACK}:{self._listener.getsockname()[1]}"
        self.routes: dict[str, Behaviour] = {}
        self.requests: Counter[str] = Counter()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._acceptor = threading.Thread(target=self._accept, name="hostile-accept", daemon=True)

    def route(self, path: str, behaviour: Behaviour) -> Self:
        self.routes[path] = behaviour
        return self

    def __enter__(self) -> Self:
        self._acceptor.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._stopping.set()
        self._acceptor.join(5)
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(5)
        self._listener.close()

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
            with self._lock:
                self._sockets.append(sock)
                self._threads.append(thread)
            thread.start()

    def _serve(self, sock: socket.socket) -> None:
        with sock:
            request = _read_request(sock)
            if request is None:
                return
            self.requests[request.path] += 1
            behaviour = self.routes.get(request.path, json_body({"message": "no route"}, 404))
            behaviour(Connection(sock, self._stopping), request)
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_WR)


def _read_request(sock: socket.socket) -> Request | None:
    sock.settimeout(10)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            received = sock.recv(65536)
            if not received:
                return None
            data += received
    except OSError:
        return None
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    method, target, _ = head[0].split(" ", 2)
    parts = urllib.parse.urlsplit(target)
    headers = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Request(method, parts.path, urllib.parse.parse_qs(parts.query), headers)


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    """(seconds it took, what it returned or raised)."""
    started = time.monotonic()
    try:
        result: Any = call()
    except Exception as exc:
        result = exc
    return time.monotonic() - started, result


def pieces(secret: str, size: int = 8) -> Iterator[str]:
    """Every run of ``size`` characters of ``secret``: what a partial echo would show."""
    return (secret[i : i + size] for i in range(len(secret) - size + 1))
