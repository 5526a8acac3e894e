"""The exporter's HTTP server: wsgiref's ``WSGIServer``, safe to expose (``--listen 0.0.0.0``).

A thread per connection (socketserver's ``ThreadingMixIn``, as prometheus_client's own
``ThreadingWSGIServer``) lets anyone who can reach the port hold any number of threads by opening
connections and sending nothing, or a byte at a time (each ``recv`` had its own timeout). Here:

* **Reading a request costs no thread.** One loop (``serve_forever``'s own thread) accepts
  connections and reads each one's request line and headers with a selector. Only a complete
  request goes to a handler thread, so idle or trickling connections never hold up a scrape.
* **A deadline for the whole request.** A connection that has not sent its request line and headers
  within ``request_timeout`` seconds of being accepted (or sent more than
  :data:`MAX_REQUEST_HEAD_BYTES` of them) is closed unanswered; the answer must be taken within
  ``request_timeout`` seconds too, so a client that stops reading frees its thread.
* **Bounded threads and connections.** At most ``max_threads`` handler threads (started as needed)
  and ``max_connections`` open connections (never more than half the open-file limit). When a new
  connection would pass the maximum, the oldest one still sending its request is closed to make
  room (a client sends its request with the handshake's last packet: only an idle or slow one is
  still sending when hundreds have come after it); when every one holds a complete request, new
  connections wait in the listen backlog.
"""

from __future__ import annotations

import contextlib
import errno
import io
import logging
import queue
import selectors
import socket
import sys
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from .._exceptions import InvalidParameterError
from .._interrupts import check as check_interrupt

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

    from _typeshed import ReadableBuffer

logger = logging.getLogger("aimlapi_billing.metrics")

#: Seconds a client has to send its request line and headers, and then to take the answer.
REQUEST_TIMEOUT = 10.0
#: The shortest and the longest ``request_timeout`` may be: below a tenth of a second even a scrape
#: on loopback is cut before its answer is taken, so every scrape would get an empty reply.
MIN_REQUEST_TIMEOUT = 0.1
MAX_REQUEST_TIMEOUT = 3600.0
#: Connections held open at once: sending a request, waiting for a thread, or being answered.
MAX_CONNECTIONS = 512
#: Threads answering complete requests at once (started as needed).
MAX_THREADS = 64
#: The largest either maximum may be set to.
MAX_CONNECTIONS_LIMIT = 65536
MAX_THREADS_LIMIT = 1024
#: A request line and headers larger than this are closed unanswered (a scrape sends a few hundred bytes).
MAX_REQUEST_HEAD_BYTES = 32 * 1024

_LISTENER = object()
_WAKER = object()


@dataclass(frozen=True)
class _Received:
    """A connection whose request line and headers have arrived, handed to a handler thread."""

    connection: socket.socket
    head: bytes


@dataclass
class _Pending:
    """A connection still sending its request line and headers."""

    address: Any
    ends_at: float  # then it is closed: the request timeout
    head: bytearray


class _AnswerWriter(io.BufferedIOBase):
    """The handler's ``wfile``: every byte of the answer sent within ``seconds`` of the first write.

    Running out of time is a ``ConnectionAbortedError``, which wsgiref takes for a client that went
    away: no traceback on stderr for a client that stopped reading.
    """

    def __init__(self, connection: socket.socket, seconds: float) -> None:
        self._connection = connection
        self._seconds = seconds
        self._ends_at: float | None = None

    def writable(self) -> bool:
        return True

    def write(self, data: ReadableBuffer) -> int:
        if self._ends_at is None:
            self._ends_at = time.monotonic() + self._seconds
        remaining = self._ends_at - time.monotonic()
        with memoryview(data) as view:
            try:
                if remaining <= 0:
                    raise TimeoutError
                self._connection.settimeout(remaining)
                self._connection.sendall(view)  # the timeout bounds the whole sendall
            except TimeoutError:
                raise ConnectionAbortedError("the client did not take the answer within the request timeout") from None
            return view.nbytes


class QuietHandler(WSGIRequestHandler):
    """wsgiref's handler, reading the request head the server received, and writing the answer
    under the request timeout. No line on stderr per request (or per client error): a scrape every
    few seconds is not news."""

    server: ExporterServer

    def setup(self) -> None:
        received: _Received = self.request
        self.request = self.connection = received.connection
        self.rfile = io.BytesIO(received.head)
        self.wfile = _AnswerWriter(received.connection, self.server.request_timeout)

    def log_message(self, format: str, *args: object) -> None:
        return


class ExporterServer(WSGIServer):
    """wsgiref's ``WSGIServer`` whose ``serve_forever`` reads requests itself and hands complete ones to
    a bounded pool of handler threads (see the module's docstring). ``request_timeout``,
    ``max_connections`` and ``max_threads`` are set on a subclass by :func:`make_exporter_server`."""

    # socketserver's default listen backlog is 5: with 20 scrapers connecting at once the kernel
    # drops the extra SYNs and those scrapes wait for the 1 s retransmit (measured: p99 1.1 s).
    request_queue_size = 128
    request_timeout = REQUEST_TIMEOUT
    max_connections = MAX_CONNECTIONS
    max_threads = MAX_THREADS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Before the socket is bound: a failed bind calls server_close().
        self._lock = threading.Lock()
        self._open = 0  # accepted and not yet closed
        self._threads = 0
        # Threads waiting for a request, less the requests queued for them: below 0, a backlog.
        self._spare_threads = 0
        self._ready: queue.SimpleQueue[tuple[_Received, Any] | None] = queue.SimpleQueue()
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._wake_reader.setblocking(False)
        self._wake_writer.setblocking(False)
        self._stop_requested = False
        self._stopped = threading.Event()
        self._stopped.set()
        super().__init__(*args, **kwargs)

    @property
    def open_connections(self) -> int:
        """Connections accepted and not yet closed."""
        return self._open

    @property
    def handler_threads(self) -> int:
        """Handler threads started (each stays, idle, until ``server_close``)."""
        return self._threads

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        """Accept, read and dispatch requests until :meth:`shutdown` (or an exception, such as a
        ``KeyboardInterrupt``); connections still sending their request are closed on the way out."""
        self._stopped.clear()
        pending: dict[socket.socket, _Pending] = {}  # in the order accepted: the oldest first
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(self._wake_reader, selectors.EVENT_READ, _WAKER)
                listening = False
                main = threading.current_thread() is threading.main_thread()
                while not self._stop_requested:
                    if main:  # a Ctrl-C whose KeyboardInterrupt a callback dropped still stops the server
                        check_interrupt()
                    if self._has_room(pending) != listening:  # no room: new connections wait in the backlog
                        if listening:
                            selector.unregister(self.socket)
                        else:
                            selector.register(self.socket, selectors.EVENT_READ, _LISTENER)
                        listening = not listening
                    wait = poll_interval
                    if pending:
                        wait = min(wait, max(0.0, next(iter(pending.values())).ends_at - time.monotonic()))
                    for key, _ in selector.select(wait):
                        if key.data is _WAKER:
                            with contextlib.suppress(OSError):
                                self._wake_reader.recv(4096)
                        elif key.data is _LISTENER:
                            if self._has_room(pending):  # the batch's reads may have dispatched the last pending
                                self._accept(selector, pending)
                        else:
                            self._read(selector, pending, key.fileobj)  # type: ignore[arg-type]
                    now = time.monotonic()
                    while pending and next(iter(pending.values())).ends_at <= now:
                        self._drop(selector, pending, next(iter(pending)))
        finally:
            for connection in list(pending):
                self._drop(None, pending, connection)
            self._stop_requested = False
            self._stopped.set()

    def shutdown(self) -> None:
        """Stop :meth:`serve_forever` and wait until it has; at once if it is not running."""
        self._stop_requested = True
        self._wake()
        self._stopped.wait()

    def server_close(self) -> None:
        super().server_close()
        with self._lock:
            threads = self._threads
        for _ in range(threads):  # each idle thread ends; a busy one after its answer
            self._ready.put(None)
        self._wake_reader.close()
        self._wake_writer.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that went away, reset the connection or was too slow is no news; a bug is.
        error = sys.exc_info()[1]
        if isinstance(error, OSError):
            logger.debug("exporter: connection from %s ended: %s", client_address, error)
            return
        super().handle_error(request, client_address)

    def _wake(self) -> None:
        with contextlib.suppress(OSError):  # full: the loop is woken already; closed: it has ended
            self._wake_writer.send(b"\0")

    def _has_room(self, pending: dict[socket.socket, _Pending]) -> bool:
        """Whether a connection may be accepted: below the maximum, or with a connection still sending
        its request, which can make room."""
        return self._open < self.max_connections or bool(pending)

    def _accept(self, selector: selectors.BaseSelector, pending: dict[socket.socket, _Pending]) -> None:
        try:
            connection, address = self.get_request()
        except OSError as exc:  # the client gave up already, or no descriptor is left
            if exc.errno in (errno.EMFILE, errno.ENFILE):
                time.sleep(0.05)  # a pause, not a busy loop on a listening socket that stays readable
            return
        with self._lock:
            self._open += 1
            over = self._open > self.max_connections
        if over:  # the oldest connection still sending its request makes room (_has_room: there is one)
            self._drop(selector, pending, next(iter(pending)))
        connection.setblocking(False)
        pending[connection] = _Pending(address, time.monotonic() + self.request_timeout, bytearray())
        selector.register(connection, selectors.EVENT_READ, None)
        # A client sends its request with the handshake's last packet: it is usually here already.
        self._read(selector, pending, connection)

    def _read(
        self, selector: selectors.BaseSelector, pending: dict[socket.socket, _Pending], connection: socket.socket
    ) -> None:
        state = pending[connection]
        try:
            chunk = connection.recv(MAX_REQUEST_HEAD_BYTES + 1 - len(state.head))
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self._drop(selector, pending, connection)
            return
        searched_from = max(0, len(state.head) - 2)
        state.head += chunk
        # The head ends at its first empty line; a client that stops sending (EOF) has said all it will.
        ended = (
            not chunk or state.head.find(b"\n\r\n", searched_from) >= 0 or state.head.find(b"\n\n", searched_from) >= 0
        )
        if not state.head or len(state.head) > MAX_REQUEST_HEAD_BYTES:
            self._drop(selector, pending, connection)
        elif ended:
            selector.unregister(connection)
            del pending[connection]
            connection.setblocking(True)
            self._dispatch(_Received(connection, bytes(state.head)), state.address)

    def _drop(
        self, selector: selectors.BaseSelector | None, pending: dict[socket.socket, _Pending], connection: socket.socket
    ) -> None:
        """Close a connection that has not sent a whole request, unanswered."""
        del pending[connection]
        if selector is not None:
            selector.unregister(connection)
        self.close_request(connection)
        self._closed_one()

    def _dispatch(self, received: _Received, address: Any) -> None:
        with self._lock:
            start = self._spare_threads <= 0 and self._threads < self.max_threads
            if start:
                self._threads += 1
            else:
                self._spare_threads -= 1
        self._ready.put((received, address))
        if start:
            try:
                threading.Thread(target=self._handle_requests, name="exporter-handler", daemon=True).start()
            except RuntimeError as exc:  # the system has no thread to give: the running ones serve it
                with self._lock:
                    self._threads -= 1
                    self._spare_threads -= 1
                logger.warning(
                    "exporter: cannot start a handler thread (%s); %d serve the requests", exc, self._threads
                )

    def _handle_requests(self) -> None:
        """A handler thread: answer complete requests, one after another, until ``server_close``.

        Daemon threads: a request stuck on a slow upstream never blocks the interpreter's exit."""
        while True:
            item = self._ready.get()
            if item is None:
                return
            received, address = item
            try:
                self.finish_request(received, address)  # type: ignore[arg-type]
            except Exception:
                self.handle_error(received.connection, address)
            finally:
                self.shutdown_request(received.connection)
                self._closed_one()
            with self._lock:
                self._spare_threads += 1

    def _closed_one(self) -> None:
        with self._lock:
            self._open -= 1
            was_full = self._open == self.max_connections - 1
        if was_full:  # the loop may have stopped listening: a slot is free again
            self._wake()


def make_exporter_server(
    app: WSGIApplication,
    host: str,
    port: int,
    *,
    request_timeout: float = REQUEST_TIMEOUT,
    max_connections: int = MAX_CONNECTIONS,
    max_threads: int = MAX_THREADS,
) -> ExporterServer:
    """An :class:`ExporterServer` serving ``app``, bound to ``host``:``port`` (IPv6 hosts too), with
    its limits checked; ``max_connections`` is lowered to half the open-file limit if it is above."""
    if isinstance(request_timeout, bool) or not isinstance(request_timeout, int | float):
        raise InvalidParameterError(f"request_timeout must be a number of seconds, not {request_timeout!r}")
    if not MIN_REQUEST_TIMEOUT <= request_timeout <= MAX_REQUEST_TIMEOUT:
        raise InvalidParameterError(
            f"request_timeout must be from {MIN_REQUEST_TIMEOUT:g} to {MAX_REQUEST_TIMEOUT:g} seconds, "
            f"not {request_timeout!r}"
        )
    _check_count("max_connections", max_connections, MAX_CONNECTIONS_LIMIT)
    _check_count("max_threads", max_threads, MAX_THREADS_LIMIT)
    room = _descriptor_room()
    if max_connections > room:
        logger.warning(
            "exporter: at most %d connections (half the open-file limit, ulimit -n), not %d", room, max_connections
        )
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0][0]
    limits = {
        "address_family": family,
        "request_timeout": float(request_timeout),
        "max_connections": min(max_connections, room),
        "max_threads": max_threads,
    }
    server_class = type("Server", (ExporterServer,), limits)
    server: ExporterServer = make_server(host, port, app, server_class, QuietHandler)
    return server


def _check_count(name: str, value: object, most: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
        raise InvalidParameterError(f"{name} must be a whole number from 1 to {most}, not {value!r}")


def _descriptor_room() -> int:
    """Half the open-file limit: the rest is for the API connections, the log, the listening socket."""
    try:
        import resource
    except ImportError:  # not a Unix
        return MAX_CONNECTIONS_LIMIT
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return MAX_CONNECTIONS_LIMIT if soft == resource.RLIM_INFINITY else max(1, soft // 2)
