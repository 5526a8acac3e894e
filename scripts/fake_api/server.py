"""The stand-in for the AIML API on a loopback address: canned answers, scripted faults, hostile routes.

The one stand-in for the AIML API of the behaviour tests (a unit test may mock HTTP instead:
docs/contributing/layout.md, "Which HTTP test double"; ``scripts/fake_api_server.py`` runs it by
hand and re-exports its names). It answers every endpoint with the canned account (``fake_api.ledger``,
``fake_api.data``), keeping connections alive as real servers do. A test changes that in two ways:

- ``server.script(path, *faults)`` queues answers for the next requests to ``path``: a
  :class:`~fake_api.replies.Reply` (any status, headers, body) or a fault of ``fake_api.faults``
  (a reset, a stall, a truncated body); then the canned answer resumes.
- ``server.route(path, behaviour)`` hands every request to ``path`` a behaviour of
  ``fake_api.hostile`` (a NaN body, an endless one, a gzip bomb, a trickle, pages that never end):
  it writes what it likes to the socket, then the connection closes. A path not routed answers as
  the canned account does (a test that wants a 404 routes ``hostile.json_body(..., 404)``).

:meth:`FakeAIMLAPI.count` counts the requests to a path; :meth:`FakeAIMLAPI.stop` shuts every
connection's socket (kept-alive ones, half-sent requests, stalls, endless and trickling answers),
answers nothing read after it, and joins their threads.
"""

from __future__ import annotations

import collections
import contextlib
import datetime
import json
import socket
import socketserver
import struct
import threading
from collections.abc import Collection
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from fake_api import from_spec, hostile, models, routes
from fake_api.data import MANAGEMENT_KEY, Account, large_account
from fake_api.faults import Action, AfterApplying, Outcome, Passthrough, Reset, Stall, Truncate
from fake_api.ledger import TRANSACTIONS_PATH, LedgerPages, dated, dated_account
from fake_api.replies import Reply, error

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class Seen:
    """A request as the server read it: ``path`` with its query, headers lower-case."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class FakeAIMLAPI:
    """The fake server; a context manager that binds a free loopback port and stops on exit.

    Without ``canned``, ``ledger``, ``keys`` or ``logs``, the canned account is dated as seen from
    ``now`` (default: the moment the server is made). ``keys`` and ``logs`` are records in the
    shapes of ``fake_api.data.key_record`` and ``log_row``. ``management_keys`` are the full key
    values allowed to read and manage other keys (default: ``MANAGEMENT_KEY``); a bearer key not in
    the key table acts as ``default_caller`` (default: ``MANAGEMENT_KEY``, so any key manages the
    account, as any key could read the billing endpoints before; None makes such keys 401 there).
    ``discrepancies`` names entries of ``fake_api.data.DISCREPANCIES`` applied to the ledger and the
    requests of the default account (not to a ``ledger`` or ``logs`` given here). ``/v2/logs`` answers
    429 past ``logs_rate_limit`` requests per ``logs_rate_window`` seconds for one bearer key.

    For the fan-out benchmarks and tests: every request waits ``delay`` seconds before its answer
    (a slow link), and with ``max_in_flight`` a request arriving while that many are being answered
    gets 429 with ``Retry-After: busy_retry_after`` (a concurrency limit). ``peak_in_flight`` is the
    most requests it answered at once. :attr:`key_faults` maps a key prefix to the action every usage
    and logs request for that key gets (a :class:`Stall`: a key whose usage hangs; a 500 ``Reply``:
    one that fails forever), and :meth:`delete_after_listing` deletes a key right after the next
    ``GET /v1/keys`` has listed it.

    A test scripts faults with :meth:`script` and routes hostile behaviours with :meth:`route`
    (the module's docstring says how); :meth:`count` and :attr:`requests` show what arrived.
    """

    def __init__(
        self,
        host: str = LOOPBACK,
        port: int = 0,
        canned: dict[str, Any] | None = None,
        ledger: list[dict[str, Any]] | None = None,
        now: datetime.datetime | None = None,
        *,
        keys: list[dict[str, Any]] | None = None,
        logs: list[dict[str, Any]] | None = None,
        management_keys: Collection[str] = (MANAGEMENT_KEY,),
        default_caller: str | None = MANAGEMENT_KEY,
        discrepancies: Collection[str] = (),
        logs_rate_limit: int = 200,
        logs_rate_window: float = 60.0,
        delay: float = 0.0,
        max_in_flight: int | None = None,
        busy_retry_after: float = 1.0,
    ) -> None:
        self.now = now or datetime.datetime.now(datetime.UTC)
        default_canned, _ = dated(self.now)
        default_keys, default_logs, default_ledger = dated_account(self.now, discrepancies)
        self.canned = dict(default_canned if canned is None else canned)
        self.ledger = list(default_ledger if ledger is None else ledger)
        self.account = Account(
            now=self.now,
            keys=[dict(key) for key in (default_keys if keys is None else keys)],
            logs=list(default_logs if logs is None else logs),
            management_keys=management_keys,
            default_caller=default_caller,
            logs_rate_limit=logs_rate_limit,
            logs_rate_window=logs_rate_window,
        )
        self.delay, self.max_in_flight, self.busy_retry_after = delay, max_in_flight, busy_retry_after
        self.in_flight = self.peak_in_flight = self.refused_busy = 0
        self._ledger_pages = LedgerPages()
        self._routes: dict[str, hostile.Behaviour] = {}
        self._connections: dict[socket.socket, threading.Thread] = {}  # every open handler's, for stop()
        self._behaving: dict[threading.Thread, str] = {}  # a routed behaviour's thread: what it runs, on what
        #: How long stop() waits for each connection's handler (a routed behaviour included) to return.
        self.join_seconds = 5.0
        self._scripts: dict[str, collections.deque[Action]] = collections.defaultdict(collections.deque)
        self.key_faults: dict[str, Outcome] = {}
        self._delete_after_listing: list[str] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.requests: list[Seen] = []
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = _Server((host, port), handler)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host.decode() if isinstance(host, bytes) else host}:{port}"

    @property
    def keys(self) -> list[dict[str, Any]]:
        """The key table (with full values), changed by the key endpoints."""
        return self.account.keys

    @property
    def logs(self) -> list[dict[str, Any]]:
        """The requests behind ``/v2/logs`` and ``/v2/usage``, newest first, each with its ``key_prefix``."""
        return self.account.logs

    def script(self, path: str, *actions: Action) -> None:
        """Queue ``actions`` for the next requests to ``path`` (or to ``"POST /v1/keys"``: that method
        only); the canned answer follows them."""
        with self._lock:
            self._scripts[path].extend(actions)

    def route(self, path: str, behaviour: hostile.Behaviour) -> Self:
        """Hand every later request to ``path`` (any method and query) to ``behaviour``, which answers
        it on the socket as it likes; then the connection closes. Replaces an earlier route of ``path``."""
        with self._lock:
            self._routes[path] = behaviour
        return self

    def count(self, path: str) -> int:
        """How many requests to ``path`` (any method and query, routed or not) the server has read."""
        return len(self.requests_to(path))

    def delete_after_listing(self, *prefixes: str) -> None:
        """Delete the keys ``prefixes`` just after the next ``GET /v1/keys`` answer is made (it lists them)."""
        with self._lock:
            self._delete_after_listing.extend(prefixes)

    def _key_fault(self, seen: Seen) -> Outcome | None:
        target = urlsplit(seen.path)
        if not self.key_faults or target.path not in ("/v2/usage", "/v2/usage/detail", "/v2/logs"):
            return None
        prefix = parse_qs(target.query).get("key_prefix", [None])[-1]
        return self.key_faults.get(prefix) if prefix is not None else None

    def requests_to(self, path: str) -> list[Seen]:
        with self._lock:
            return [seen for seen in self.requests if seen.path.split("?")[0] == path]

    def routed(self, seen: Seen) -> hostile.Behaviour | None:
        """The behaviour routed to ``seen``'s path, the request counted; None if the path has none."""
        with self._lock:
            behaviour = self._routes.get(seen.path.split("?")[0])
            if behaviour is not None:
                self.requests.append(seen)
            return behaviour

    def next_action(self, seen: Seen) -> Outcome:
        with self._lock:
            self.requests.append(seen)
            path = seen.path.split("?")[0]
            queue = self._scripts.get(f"{seen.method} {path}") or self._scripts.get(path)
            action = queue.popleft() if queue else Passthrough()
        fault = self._key_fault(seen)
        if fault is not None:
            return fault
        if seen.method == "GET" and seen.path.split("?")[0] == "/v1/keys" and self._delete_after_listing:
            answer = self.default_reply(seen)
            with self._lock:
                gone, self._delete_after_listing = set(self._delete_after_listing), []
                self.account.keys[:] = [key for key in self.account.keys if key["prefix"] not in gone]
            return answer
        if isinstance(action, AfterApplying):
            self.default_reply(seen)
            return action.fault
        return self.default_reply(seen) if isinstance(action, Passthrough) else action

    def default_reply(self, seen: Seen) -> Reply:
        if models.serves(urlsplit(seen.path).path):  # the model catalogue and metrics need no key
            return models.answer(seen.method, seen.path, seen.headers)
        if not seen.headers.get("authorization", "").startswith("Bearer "):
            problem = {"title": "Unauthorized", "status": 401, "message": "Missing API key", "instance": seen.path}
            return Reply(401, problem, content_type="application/problem+json")
        if seen.path.split("?")[0] == TRANSACTIONS_PATH:
            return self._ledger_pages.page(self.ledger, seen.path)
        if routes.serves(urlsplit(seen.path).path):
            token = seen.headers["authorization"].removeprefix("Bearer ").strip()
            return routes.answer(self.account, seen.method, seen.path, token, seen.body)
        body = self.canned.get(seen.path.split("?")[0])
        if body is not None:
            return Reply(200, body)
        # An operation of the spec with no handler yet (a fragment just added): answered from the spec.
        from_the_spec = from_spec.answer(seen.method, urlsplit(seen.path).path)
        return from_the_spec or Reply(404, {"message": "Not Found", "path": seen.path, "statusCode": 404})

    def start(self) -> FakeAIMLAPI:
        # A short poll interval: shutdown() waits up to one interval, and tests start many servers.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-aimlapi", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; close every connection (a kept-alive one, a half-sent request), end stalls
        and the answers of routed behaviours (an endless body, a trickle) at once, and wait up to
        ``join_seconds`` for each handler to return: nothing of this server writes after it. A
        behaviour must return once ``Connection.send`` or ``pause`` returns False: one still running
        then is named in the RuntimeError raised (once the port is closed)."""
        self._stop.set()
        self._server.shutdown()
        with self._lock:
            connections = list(self._connections.items())
        for sock, _ in connections:
            # A handler blocked reading a kept-alive connection, or a behaviour blocked in sendall to
            # a client that stopped reading, wakes only so.
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for _, thread in connections:
            thread.join(timeout=self.join_seconds)
        registering = self._server.handler_threads() - {thread for _, thread in connections}
        for thread in registering:  # shut down as they register (see _Handler.setup)
            thread.join(timeout=self.join_seconds)
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        with self._lock:
            running = sorted(self._behaving[thread] for _, thread in connections if thread in self._behaving)
        if running:
            raise RuntimeError(
                f"the stand-in stopped with a routed behaviour still running: {'; '.join(running)}"
                " (a behaviour must return once Connection.send or Connection.pause returns False)"
            )

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted (as ``fake_api_server.py`` does), then close the port."""
        try:
            self._server.serve_forever()
        finally:
            self._server.server_close()

    def __enter__(self) -> FakeAIMLAPI:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024  # the async benchmarks open hundreds of connections at once

    def __init__(self, address: tuple[str, int], handler: type[socketserver.BaseRequestHandler]) -> None:
        super().__init__(address, handler)
        self._handler_threads: set[threading.Thread] = set()
        self._threads_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        # Every handler's thread, for stop() to wait on: socketserver keeps no daemon thread, and one
        # accepted just before stop() may not have registered its connection yet when stop() looks.
        thread = threading.Thread(target=self.process_request_thread, args=(request, client_address), daemon=True)
        with self._threads_lock:
            self._handler_threads = {known for known in self._handler_threads if known.is_alive()}
            self._handler_threads.add(thread)
        thread.start()

    def handler_threads(self) -> set[threading.Thread]:
        """The threads of the connections accepted so far that may still run."""
        with self._threads_lock:
            return set(self._handler_threads)


class _Handler(socketserver.StreamRequestHandler):
    fake: FakeAIMLAPI

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        fake = self.fake
        with fake._lock:
            fake._connections[self.connection] = threading.current_thread()
            if fake._stop.is_set():  # accepted as stop() began, after it listed the connections
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)

    def finish(self) -> None:
        with self.fake._lock:
            self.fake._connections.pop(self.connection, None)
        super().finish()

    def handle(self) -> None:
        # HTTP/1.1 keep-alive: serve requests on this connection until the client closes it.
        while not self.fake._stop.is_set():
            seen = self._read_request()
            if seen is None or self.fake._stop.is_set():  # read while stopping: answered by nothing
                return
            behaviour = self.fake.routed(seen)
            if behaviour is not None:
                self._hand_over(behaviour, seen)
                return
            if not self._perform(self._answer(seen)):
                return

    def _hand_over(self, behaviour: hostile.Behaviour, seen: Seen) -> None:
        """Let ``behaviour`` answer on the socket (registered in ``setup``, so ``stop()`` ends it)."""
        fake, sock, thread = self.fake, self.connection, threading.current_thread()
        target = urlsplit(seen.path)
        request = hostile.Request(seen.method, target.path, parse_qs(target.query), seen.headers, seen.body)
        with fake._lock:
            fake._behaving[thread] = f"{getattr(behaviour, '__qualname__', repr(behaviour))} on {target.path}"
        try:
            behaviour(hostile.Connection(sock, fake._stop), request)
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_WR)
        finally:
            with fake._lock:
                del fake._behaving[thread]

    def _answer(self, seen: Seen) -> Outcome:
        """The answer to ``seen``, after the server's ``delay``; 429 past its ``max_in_flight``."""
        fake = self.fake
        with fake._lock:
            fake.in_flight += 1
            fake.peak_in_flight = max(fake.peak_in_flight, fake.in_flight)
            busy = fake.max_in_flight is not None and fake.in_flight > fake.max_in_flight
            fake.refused_busy += busy
        try:
            if busy:
                wait = {"retry-after": f"{fake.busy_retry_after:g}"}
                return error(429, "Too many concurrent requests", seen.path.split("?")[0], wait)
            if fake.delay:
                fake._stop.wait(fake.delay)
            return fake.next_action(seen)
        finally:
            with fake._lock:
                fake.in_flight -= 1

    def _read_request(self) -> Seen | None:
        try:
            request_line = self.rfile.readline(65537).decode("latin-1").strip()
            if not request_line:
                return None
            method, target, _ = request_line.split(" ", 2)
            headers: dict[str, str] = {}
            while (line := self.rfile.readline(65537).decode("latin-1").strip()) != "":
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            body = self.rfile.read(int(headers.get("content-length", "0") or 0))
        except (OSError, ValueError):
            return None
        return Seen(method=method, path=target, headers=headers, body=body)

    def _perform(self, action: Outcome) -> bool:
        """Carry out ``action``; return whether the connection stays open."""
        try:
            if isinstance(action, Reset):
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
                return False
            if isinstance(action, Stall):
                self.fake._stop.wait(action.seconds)
                return False
            if isinstance(action, Truncate):
                head = _head(200, "application/json", len(action.body), {"connection": "close"})
                self.connection.sendall(head + action.body[: action.keep])
                return False
            body = action.body if isinstance(action.body, bytes) else b"" if action.body is None else _json(action.body)
            self.connection.sendall(_head(action.status, action.content_type, len(body), action.headers) + body)
            return True
        except OSError:
            return False


def large_server(count: int, port: int = 0, now: datetime.datetime | None = None) -> FakeAIMLAPI:
    """A server of ``large_account(count)`` ending at ``now`` (default: this moment), its logs
    endpoint without a rate limit (the store's tests read 1,000 pages)."""
    end = now or datetime.datetime.now(datetime.UTC)
    keys, logs, ledger = large_account(count, end)
    return FakeAIMLAPI(port=port, now=end, keys=keys, logs=logs, ledger=ledger, logs_rate_limit=10**9)


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()


def _head(status: int, content_type: str | None, length: int, headers: dict[str, str]) -> bytes:
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Unknown"
    lines = [f"HTTP/1.1 {status} {reason}", f"content-length: {length}"]
    if content_type:
        lines.append(f"content-type: {content_type}")
    lines.extend(f"{name}: {value}" for name, value in headers.items())
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
