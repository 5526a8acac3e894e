#!/usr/bin/env python3
"""A stand-in for the AIML API billing endpoints on a loopback address, with scriptable faults.

Used by the fault-matrix tests, the README's quickstart and the benchmarks; run it by hand with
``python scripts/fake_api_server.py --port 8765``. It answers every endpoint with canned JSON; a
test can queue faults for a path (a status with headers and body, a connection reset, a stall,
a truncated body), which are served in order before the canned answer resumes. Each response is
written with one ``sendall`` and TCP_NODELAY, so no delayed-ACK stall distorts timings.

The canned account is dated relative to the moment the server starts (``now``): its ledger ends
two and a half hours before, so ``forecast`` and ``metrics`` show the README's figures on any date.
Tests that compare dates pass ``now=LEDGER_AS_OF``, the moment the canned data was written for.

The model catalogue and metrics are the docs pages' examples (``scripts/fake_api/models.py``).
The usage, logs and key endpoints are served from one account (``scripts/fake_api/``): keys, and
requests whose charges are the ledger's ``MODEL_USAGE`` entries, dated the same way; see
``fake_api.data`` for its figures, its management key and the discrepancies a test can switch on.
"""

from __future__ import annotations

import argparse
import base64
import collections
import datetime
import hashlib
import json
import socket
import socketserver
import struct
import threading
from collections.abc import Collection
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fake_api import from_spec, models, routes
from fake_api.data import (
    CHATBOT_KEY,
    DISCREPANCIES,
    KEYS,
    LOGS,
    MANAGEMENT_KEY,
    Account,
    large_account,
    many_keys,
    shifted,
    with_discrepancies,
)
from fake_api.data import ledger_entry as ledger_entry  # re-exported: tests and benchmarks build ledgers with it
from fake_api.replies import Reply as Reply  # re-exported: tests script replies with it
from fake_api.replies import error

BALANCE = {
    "balance": 551564495,
    "lowBalance": False,
    "lowBalanceThreshold": 10000,
    "lastUpdated": "2025-11-10T10:01:56.824Z",  # LEDGER_AS_OF's calendar; shifted to the server's start
    "autoDebitStatus": "disabled",
    "status": "current",
    "statusExplanation": "Balance is current and up to date",
}
BILLING = {"current_balance": 275.78, "currency": "USD"}
DETAIL = {
    "user_id": 111,
    "email": "user@example.com",
    "current_balance": 275.78,
    "currency": "USD",
    "autotopup_settings": {"is_enabled": True, "threshold": 50, "amount": 100, "currency": "USD"},
}
CANNED: dict[str, Any] = {"/v1/billing/balance": BALANCE, "/v2/billing": BILLING, "/v2/billing/detail": DETAIL}
TRANSACTIONS_PATH = "/v2/billing/transactions"
LOOPBACK = "127.0.0.1"
Records = list[dict[str, Any]]
DIRECTIONS = ("TOPUP", "CHARGE")
ENTRY_TYPES = ("PAYMENT", "BONUS", "REFUND", "ADJUSTMENT", "MODEL_USAGE", "CREDITS_EXPIRED", "INIT")


#: The moment the canned data describes: BALANCE and LEDGER are dated as seen from here.
LEDGER_AS_OF = datetime.datetime(2025, 11, 10, 12, 0, tzinfo=datetime.UTC)
#: A small ledger, newest first, as of LEDGER_AS_OF: what the endpoint answers unless a test gives its own.
LEDGER = [
    ledger_entry("2025-11-10T09:30:00.000Z", "CHARGE", "MODEL_USAGE", 1.56, "openai/gpt-5", "inf-3"),
    ledger_entry("2025-11-09T18:00:00.000Z", "CHARGE", "MODEL_USAGE", 0.42, "anthropic/claude-sonnet", "inf-2"),
    ledger_entry("2025-11-08T12:00:00.000Z", "TOPUP", "PAYMENT", 100.0, None, "pay-1"),
    ledger_entry("2025-11-07T08:15:00.000Z", "CHARGE", "MODEL_USAGE", 2.5, "openai/gpt-5", "inf-1"),
    ledger_entry("2025-11-01T00:00:00.000Z", "CHARGE", "CREDITS_EXPIRED", 5.0),
    ledger_entry("2025-10-30T10:00:00.000Z", "TOPUP", "BONUS", 10.0),
    ledger_entry("2025-10-29T10:00:00.000Z", "TOPUP", "INIT", 0.0),
]


def dated(now: datetime.datetime) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The canned answers and ledger moved in time so that ``LEDGER_AS_OF`` becomes ``now``."""
    delta = now - LEDGER_AS_OF
    canned = {**CANNED, "/v1/billing/balance": {**BALANCE, "lastUpdated": shifted(str(BALANCE["lastUpdated"]), delta)}}
    return canned, _moved(LEDGER, ("created_at",), delta)


def dated_account(now: datetime.datetime, discrepancies: Collection[str] = ()) -> tuple[Records, Records, Records]:
    """The default account's keys, requests and ledger, with ``discrepancies``, moved like :func:`dated`."""
    delta = now - LEDGER_AS_OF
    ledger, logs = with_discrepancies(LEDGER, LOGS, discrepancies)
    keys = _moved(KEYS, ("created_at", "updated_at"), delta)
    return keys, _moved(logs, ("created",), delta), _moved(ledger, ("created_at",), delta)


def _moved(records: Records, fields: tuple[str, ...], delta: datetime.timedelta) -> Records:
    return [{**record, **{name: shifted(record[name], delta) for name in fields}} for record in records]


@dataclass(frozen=True)
class Passthrough:
    """Give the normal answer to this request (to script a fault for a later one)."""


@dataclass(frozen=True)
class Reset:
    """Abort the connection with a TCP RST, before any response byte."""


@dataclass(frozen=True)
class Stall:
    """Send nothing for ``seconds`` (longer than the client's read timeout), then close."""

    seconds: float


@dataclass(frozen=True)
class Truncate:
    """Promise ``body`` in Content-Length but send only its first ``keep`` bytes, then close."""

    body: bytes
    keep: int


@dataclass(frozen=True)
class AfterApplying:
    """Carry the request out (a POST creates its key), then fail with ``fault`` instead of answering."""

    fault: Reset | Stall | Truncate


Outcome = Reply | Reset | Stall | Truncate
Action = Outcome | Passthrough | AfterApplying


@dataclass(frozen=True)
class Seen:
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
        self._cursors: dict[str, tuple[int, str]] = {}
        self._matches: dict[str, tuple[tuple[int, int], list[dict[str, Any]]]] = {}
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
            return self.ledger_page(seen.path)
        if routes.serves(urlsplit(seen.path).path):
            token = seen.headers["authorization"].removeprefix("Bearer ").strip()
            return routes.answer(self.account, seen.method, seen.path, token, seen.body)
        body = self.canned.get(seen.path.split("?")[0])
        if body is not None:
            return Reply(200, body)
        # An operation of the spec with no handler yet (a fragment just added): answered from the spec.
        from_the_spec = from_spec.answer(seen.method, urlsplit(seen.path).path)
        return from_the_spec or Reply(404, {"message": "Not Found", "path": seen.path, "statusCode": 404})

    def ledger_page(self, target: str) -> Reply:
        """One page of :attr:`ledger`, filtered as the API filters, with opaque one-use-form cursors."""
        query = {name: values[-1] for name, values in parse_qs(urlsplit(target).query).items()}
        try:
            limit = int(query.get("limit", "50"))
            since = _moment(query.get("from"))
            until = _moment(query.get("to"))
        except ValueError as exc:
            return _bad_request(str(exc))
        if not 1 <= limit <= 100:
            return _bad_request("limit must be between 1 and 100")
        if since is not None and until is not None and until <= since:
            return _bad_request("`to` must be later than `from`")
        direction, entry_type = query.get("direction"), query.get("type")
        if direction is not None and direction not in DIRECTIONS:
            return _bad_request(f"invalid direction {direction}")
        if entry_type is not None and entry_type not in ENTRY_TYPES:
            return _bad_request(f"invalid type {entry_type}")
        filters = hashlib.sha256(json.dumps(sorted((k, v) for k, v in query.items() if k != "cursor")).encode())
        signature = filters.hexdigest()[:12]
        # A walk filters the ledger once, not once a page: a 100,000-entry ledger (the benchmarks')
        # would otherwise cost a full scan per page. Replacing or resizing the ledger drops the cache.
        version = (id(self.ledger), len(self.ledger))
        cached = self._matches.get(signature)
        if cached is not None and cached[0] == version:
            matching = cached[1]
        else:
            matching = [
                entry
                for entry in self.ledger
                if (since is None or _moment(entry["created_at"]) >= since)  # type: ignore[operator]
                and (until is None or _moment(entry["created_at"]) < until)  # type: ignore[operator]
                and direction in (None, entry["direction"])
                and entry_type in (None, entry["type"])
            ]
            with self._lock:
                self._matches[signature] = (version, matching)
        offset = 0
        cursor = query.get("cursor")
        if cursor is not None:
            with self._lock:
                state = self._cursors.get(cursor)
            if state is None:
                return _bad_request("invalid cursor")
            if state[1] != signature:
                return _bad_request("the cursor belongs to other filters")
            offset = state[0]
        page = matching[offset : offset + limit]
        more = offset + limit < len(matching)
        next_cursor = None
        if more:
            # Opaque, with characters that URL encoding must carry through untouched; accepted only
            # byte for byte as issued.
            next_cursor = f"v1+{base64.b64encode(f'{offset + limit}:{signature}'.encode()).decode()}/&x=%?"
            with self._lock:
                self._cursors[next_cursor] = (offset + limit, signature)
        return Reply(200, {"data": page, "pagination": {"next_cursor": next_cursor, "has_more": more}})

    def start(self) -> FakeAIMLAPI:
        # A short poll interval: shutdown() waits up to one interval, and tests start many servers.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-aimlapi", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeAIMLAPI:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024  # the async benchmarks open hundreds of connections at once


class _Handler(socketserver.StreamRequestHandler):
    fake: FakeAIMLAPI

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle(self) -> None:
        # HTTP/1.1 keep-alive: serve requests on this connection until the client closes it.
        while not self.fake._stop.is_set():
            seen = self._read_request()
            if seen is None:
                return
            if not self._perform(self._answer(seen)):
                return

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


def _moment(text: str | None) -> datetime.datetime | None:
    if text is None:
        return None
    moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset")
    return moment


def _bad_request(message: str) -> Reply:
    return error(400, message, TRANSACTIONS_PATH)


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


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve canned AIML API billing answers on a loopback address.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--discrepancy", action="append", default=[], choices=sorted(DISCREPANCIES), help="disagree on purpose"
    )
    parser.add_argument("--regular-key", action="store_true", help="any other key acts as chatbot-prod, not main")
    parser.add_argument(
        "--large-account",
        type=int,
        metavar="N",
        help="serve fake_api.data.large_account: N requests over 100 days and their ledger (no rate limit on logs)",
    )
    parser.add_argument("--delay", type=float, default=0.0, help="seconds every answer waits (a slow link)")
    parser.add_argument("--max-in-flight", type=int, help="answer 429 to a request past this many in flight")
    parser.add_argument("--keys", type=int, help="an account of this many keys, each with a monthly limit")
    args = parser.parse_args()
    caller = CHATBOT_KEY if args.regular_key else MANAGEMENT_KEY
    if args.large_account is not None:
        server = large_server(args.large_account, port=args.port)
    else:
        server = FakeAIMLAPI(
            port=args.port,
            discrepancies=args.discrepancy,
            default_caller=caller,
            keys=None if args.keys is None else many_keys(args.keys),
            delay=args.delay,
            max_in_flight=args.max_in_flight,
        )
    print(f"fake AIML API listening on {server.url} (Ctrl-C to stop)", flush=True)
    try:
        server._server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server._server.server_close()
        # For the fan-out benchmark (benchmarks/fanout.py): what the server saw.
        print(f"peak_in_flight={server.peak_in_flight} refused_busy={server.refused_busy}", flush=True)


if __name__ == "__main__":
    main()
