"""The stand-in's hostile routes: a behaviour per path, the requests it counts, and a stop that ends
endless and trickling answers (``scripts/fake_api/server.py``)."""

from __future__ import annotations

import fcntl
import functools
import http.client
import socket
import struct
import termios
import threading

import httpx
import pytest
from fake_api.hostile import Behaviour, Connection, Request, endless_chunks, json_body, trickle
from fake_api_server import BILLING, FakeAIMLAPI

FLOOD = 64 * 1024 * 1024
HEAD_AT_MOST = 200


def _recording(behaviour: Behaviour, threads: list[threading.Thread], started: threading.Event) -> Behaviour:
    """``behaviour``, noting the thread that runs it (to see it end) and setting ``started``."""

    @functools.wraps(behaviour)  # named as the behaviour, as stop() names one still running
    def behave(connection: Connection, request: Request) -> None:
        threads.append(threading.current_thread())
        started.set()
        behaviour(connection, request)

    return behave


def test_a_routed_path_is_handed_every_request_and_the_connection_closes_after_each() -> None:
    seen: list[Request] = []

    def answer(connection: Connection, request: Request) -> None:
        seen.append(request)
        json_body({"n": len(seen)}, 418)(connection, request)

    with FakeAIMLAPI() as server, httpx.Client(base_url=server.url) as client:
        server.route("/v2/billing", answer)
        first = client.get("/v2/billing", params={"a": "1"}, headers={"Authorization": "Bearer k"})
        second = client.post("/v2/billing", content=b"{}", headers={"Content-Type": "application/json"})
        canned = client.get("/v2/billing/detail", headers={"Authorization": "Bearer k"})
    assert [(response.status_code, response.json()) for response in (first, second)] == [
        (418, {"n": 1}),
        (418, {"n": 2}),
    ]
    assert [response.headers["connection"] for response in (first, second)] == ["close", "close"]
    assert [(request.method, request.path, request.query, request.body) for request in seen] == [
        ("GET", "/v2/billing", {"a": ["1"]}, b""),
        ("POST", "/v2/billing", {}, b"{}"),
    ]
    assert seen[0].headers["authorization"] == "Bearer k"
    assert canned.status_code == 200  # a path not routed answers as the canned account does
    assert (server.count("/v2/billing"), server.count("/v2/billing/detail"), server.count("/v1/keys")) == (2, 1, 0)


def test_a_route_replaces_the_canned_answer_and_a_later_route_the_earlier() -> None:
    with FakeAIMLAPI() as server, httpx.Client(base_url=server.url, headers={"Authorization": "Bearer k"}) as client:
        assert client.get("/v2/billing").json() == BILLING
        server.route("/v2/billing", json_body({"message": "no route"}, 404))
        assert client.get("/v2/billing").status_code == 404
        server.route("/v2/billing", json_body(b'{"current_balance": NaN}'))
        assert client.get("/v2/billing").text == '{"current_balance": NaN}'


def _request_without_reading(url: str, path: str) -> socket.socket:
    """A client that sends one request and never reads the answer: the server's sendall fills the
    socket's buffers and blocks."""
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    return sock


@pytest.mark.parametrize(
    "behaviour",
    [endless_chunks(), trickle(b'{"current_balance": 1}', every=0.05), trickle(b"{}", every=0.05, headers_too=True)],
    ids=["endless-body", "trickle", "trickle-headers-too"],
)
def test_stop_ends_an_endless_or_trickling_answer_and_joins_it(behaviour: Behaviour) -> None:
    threads: list[threading.Thread] = []
    started = threading.Event()
    server = FakeAIMLAPI().start()
    server.route("/v2/billing", _recording(behaviour, threads, started))
    client = _request_without_reading(server.url, "/v2/billing")
    try:
        assert started.wait(30)
        server.stop()
        (thread,) = threads
        assert not thread.is_alive()  # joined: nothing of the server writes after stop()
        assert server.count("/v2/billing") == 1
    finally:
        client.close()


def test_stop_ends_an_answer_blocked_on_a_client_that_stopped_reading() -> None:
    """One write far larger than the sockets' buffers, to a client that reads none of it: the
    behaviour is stuck in sendall, which only shutting the socket down wakes."""
    threads: list[threading.Thread] = []
    started = threading.Event()

    def flood(connection: Connection, request: Request) -> None:
        if connection.head(length=FLOOD):
            connection.send(b"x" * FLOOD)

    server = FakeAIMLAPI().start()
    server.route("/v2/billing", _recording(flood, threads, started))
    client = _request_without_reading(server.url, "/v2/billing")
    try:
        assert started.wait(30)
        # Bytes of the flood waiting to be read: the one sendall has begun, and cannot finish.
        while _unread(client) <= HEAD_AT_MOST:
            started.wait(0.01)
        server.stop()
        (thread,) = threads
        assert not thread.is_alive()
    finally:
        client.close()


def _unread(sock: socket.socket) -> int:
    return struct.unpack("i", fcntl.ioctl(sock.fileno(), termios.FIONREAD, b"\0\0\0\0"))[0]


def test_stop_ends_answers_that_write_to_a_client_reading_them() -> None:
    """An endless body read as it comes: stop() ends it; the client sees the connection end."""
    threads: list[threading.Thread] = []
    server = FakeAIMLAPI().start()
    server.route("/v2/billing/transactions", _recording(endless_chunks(b"x" * 1024), threads, threading.Event()))
    received = threading.Event()
    outcome: list[BaseException | int] = []

    def read() -> None:
        total = 0
        try:
            with httpx.stream("GET", f"{server.url}/v2/billing/transactions", timeout=30) as response:
                for chunk in response.iter_raw():
                    total += len(chunk)
                    received.set()
        except httpx.HTTPError as exc:  # the chunked body ends without its last chunk
            outcome.append(exc)
            return
        outcome.append(total)

    reader = threading.Thread(target=read)
    reader.start()
    assert received.wait(30)
    server.stop()
    reader.join(30)
    assert not reader.is_alive()
    assert [thread.is_alive() for thread in threads] == [False]
    (ended,) = outcome
    assert isinstance(ended, httpx.TransportError)  # the body cut short, never whole


def test_a_kept_alive_connection_gets_no_answer_after_stop() -> None:
    with FakeAIMLAPI() as server:
        host, port = server.url.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        for _ in range(2):
            connection.request("GET", "/v2/billing", headers={"Authorization": "Bearer k"})
            response = connection.getresponse()
            assert (response.status, response.getheader("connection")) == (200, None)  # kept alive
            response.read()

    def third() -> http.client.HTTPResponse:
        connection.request("GET", "/v2/billing", headers={"Authorization": "Bearer k"})
        return connection.getresponse()

    try:
        with pytest.raises((OSError, http.client.HTTPException)):  # closed or reset, never an answer
            third()
    finally:
        connection.close()
    assert server.count("/v2/billing") == 2


def _handler_threads() -> set[threading.Thread]:
    return {thread for thread in threading.enumerate() if "process_request" in thread.name}


def test_stop_ends_the_thread_reading_a_half_sent_request() -> None:
    before = _handler_threads()
    server = FakeAIMLAPI().start()
    host, port = server.url.removeprefix("http://").split(":")
    client = socket.create_connection((host, int(port)))
    try:
        client.sendall(b"GET /v2/billing HTTP/1.1\r\nHost: x\r\n")  # the headers never end
        waited = threading.Event()
        while not (handlers := _handler_threads() - before):
            waited.wait(0.01)
        server.stop()
        assert [thread.is_alive() for thread in handlers] == [False]
        assert client.recv(1024) == b""  # nothing answered, the connection closed
        assert server.count("/v2/billing") == 0
    finally:
        client.close()


def test_stop_names_a_routed_behaviour_that_ignores_it() -> None:
    started, release = threading.Event(), threading.Event()
    threads: list[threading.Thread] = []

    def stubborn(connection: Connection, request: Request) -> None:
        release.wait(60)  # ignores the stop: never asks connection.send or pause

    server = FakeAIMLAPI().start()
    server.join_seconds = 0.01
    server.route("/v2/billing", _recording(stubborn, threads, started))
    client = _request_without_reading(server.url, "/v2/billing")
    try:
        assert started.wait(30)
        with pytest.raises(RuntimeError, match=r"still running: .*stubborn on /v2/billing \(a behaviour must return"):
            server.stop()
    finally:
        release.set()
        client.close()
    (thread,) = threads
    thread.join(30)
    assert not thread.is_alive()
