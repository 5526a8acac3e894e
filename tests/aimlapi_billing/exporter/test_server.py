"""The exporter's HTTP server under hostile clients, on 127.0.0.1: a request trickled a byte at a
time is cut at the request timeout, idle connections hold no thread and never starve a scrape,
threads and connections stay within their maximums, a client that stops reading the answer frees
its thread. Every connection, thread and process started here ends by the test's end."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import select
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fake_api_server import FakeAIMLAPI
from prometheus_client import CollectorRegistry, Gauge
from prometheus_client.core import GaugeMetricFamily, Metric

from aimlapi_billing import InvalidParameterError
from aimlapi_billing.metrics import make_exporter, make_probe_exporter, server_url
from tests.helpers.cli import run
from tests.helpers.processes import CLI, exporter_port, process

REQUEST = b"GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"


def small_registry() -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    Gauge("aimlapi_test_value", "A value.", registry=registry).set(1)
    return registry


class BlockingCollector:
    """Each scrape waits until ``release`` is set (at most 10 s), counting the scrapes in progress."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.running = 0
        self.most_at_once = 0

    def collect(self) -> Iterator[Metric]:
        with self.lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        self.release.wait(10)
        with self.lock:
            self.running -= 1
        yield GaugeMetricFamily("aimlapi_test_value", "A value.", value=1)


class HugeOnceCollector:
    """The first scrape is ``size`` bytes of exposition (long label values), the later ones tiny."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.calls = 0

    def collect(self) -> Iterator[Metric]:
        self.calls += 1
        family = GaugeMetricFamily("aimlapi_test_value", "A value.", labels=["padding"])
        for index in range(self.size // 4096 if self.calls == 1 else 1):
            family.add_metric([f"{index:08d}" + "x" * 4080], index)
        yield family


@contextlib.contextmanager
def serving(registry: Any, **limits: Any) -> Iterator[Any]:
    """The exporter on a free loopback port, served in a thread until the block ends."""
    registry = registry if isinstance(registry, CollectorRegistry) else _registry_of(registry)
    server = make_exporter(registry, port=0, **limits)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="exporter")
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    assert not thread.is_alive()


def _registry_of(collector: Any) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(collector)
    return registry


def address(server: Any) -> tuple[str, int]:
    host, port = server.server_address[:2]
    return host, port


def closed_by_peer(connection: socket.socket, wait: float) -> bytes | None:
    """What the peer sent before closing, if it closed within ``wait`` seconds; None if it did not."""
    received = b""
    ends_at = time.monotonic() + wait
    while (left := ends_at - time.monotonic()) > 0:
        if not select.select([connection], [], [], left)[0]:
            return None
        try:
            chunk = connection.recv(65536)
        except ConnectionResetError:
            return received
        if not chunk:
            return received
        received += chunk
    return None


def wait_until(condition: Any, seconds: float = 10.0) -> None:
    ends_at = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < ends_at, "condition not met in time"
        time.sleep(0.02)


def test_a_request_trickled_a_byte_at_a_time_is_cut_at_the_request_timeout(capfd: pytest.CaptureFixture[str]) -> None:
    """Each byte comes well within any per-recv timeout; the whole request does not come in time."""
    with serving(small_registry(), request_timeout=1.0) as server:
        with socket.create_connection(address(server), timeout=10) as client:
            request = b"GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 600
            answer: bytes | None = None
            sent = 0
            for byte in request:  # a byte every 0.1 s or slower: the whole takes a minute or more
                answer = closed_by_peer(client, 0.1)
                if answer is not None:
                    break
                with contextlib.suppress(OSError):  # the server may have closed already
                    client.sendall(bytes([byte]))
                    sent += 1
        assert answer == b""  # closed unanswered, before the request was whole
        assert 1 <= sent < len(request)
        wait_until(lambda: server.open_connections == 0)
    assert capfd.readouterr() == ("", "")  # no traceback for a slow client


def test_a_request_head_over_32_kib_is_closed_unanswered() -> None:
    with serving(small_registry()) as server, socket.create_connection(address(server), timeout=10) as client:
        with contextlib.suppress(OSError):
            client.sendall(b"GET /metrics HTTP/1.0\r\nX-Big: " + b"a" * 40_000)
        assert closed_by_peer(client, 5) == b""


def test_idle_connections_hold_no_thread_and_never_starve_a_scrape() -> None:
    with serving(small_registry(), max_connections=20, max_threads=2) as server:
        threads_before = threading.active_count()
        idle = []
        for index in range(60):
            connection = socket.create_connection(address(server), timeout=10)
            if index % 2:
                connection.sendall(b"GET /metrics HTTP/1.0\r\nHost: ")  # a partial request
            idle.append(connection)
        try:
            wait_until(lambda: server.open_connections == 20)
            assert threading.active_count() == threads_before  # not one thread for 60 connections
            # Answered at all: with a thread per connection (or a queue behind the idle ones) it would not be.
            response = httpx.get(f"{server_url(server)}/metrics", timeout=60, trust_env=False)
            assert response.status_code == 200
            assert "aimlapi_test_value 1.0" in response.text
            assert server.handler_threads == 1
            assert threading.active_count() <= threads_before + 2
            # Past the maximum the oldest connections still sending their request were closed.
            assert all(closed_by_peer(connection, 1) == b"" for connection in idle[:40])
            assert server.open_connections <= 20
        finally:
            for connection in idle:
                connection.close()


def test_complete_requests_share_at_most_max_threads_and_the_rest_wait_their_turn() -> None:
    collector = BlockingCollector()
    answers: list[int] = []

    def scrape(url: str) -> None:
        answers.append(httpx.get(f"{url}/metrics", timeout=20, trust_env=False).status_code)

    with serving(collector, max_threads=3) as server:
        scrapers = [threading.Thread(target=scrape, args=(server_url(server),)) for _ in range(10)]
        for scraper in scrapers:
            scraper.start()
        try:
            wait_until(lambda: collector.running == 3 and server.open_connections == 10)
            time.sleep(0.3)
            assert (collector.running, server.handler_threads) == (3, 3)  # 7 requests wait for a thread
        finally:
            collector.release.set()
            for scraper in scrapers:
                scraper.join(timeout=30)
    assert answers == [200] * 10
    assert collector.most_at_once == 3


def test_when_every_connection_holds_a_complete_request_new_ones_wait_in_the_backlog() -> None:
    collector = BlockingCollector()
    answers: list[int] = []

    def scrape(url: str) -> None:
        answers.append(httpx.get(f"{url}/metrics", timeout=20, trust_env=False).status_code)

    with serving(collector, max_threads=1, max_connections=2) as server:
        scrapers = [threading.Thread(target=scrape, args=(server_url(server),)) for _ in range(3)]
        try:
            scrapers[0].start()
            wait_until(lambda: collector.running == 1)
            scrapers[1].start()
            wait_until(lambda: server.open_connections == 2)
            time.sleep(0.2)  # its request is read and waits for the one thread
            scrapers[2].start()
            time.sleep(0.5)
            assert (server.open_connections, answers) == (2, [])  # the third is not accepted, nor closed
        finally:
            collector.release.set()
            for scraper in scrapers:
                if scraper.ident is not None:
                    scraper.join(timeout=30)
    assert answers == [200] * 3


def test_a_client_that_stops_reading_the_answer_is_cut_at_the_request_timeout() -> None:
    collector = HugeOnceCollector(size=16 * 1024 * 1024)  # more than both sockets' buffers hold
    with serving(collector, request_timeout=1.0, max_threads=1) as server:
        reader = socket.socket()
        reader.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        with reader:
            reader.connect(address(server))
            reader.sendall(REQUEST)
            wait_until(lambda: collector.calls == 1)
            time.sleep(3)  # the answer is written, and the writing cut, meanwhile
            received = closed_by_peer(reader, 10)
        assert received is not None
        assert received.startswith(b"HTTP/1.0 200 OK")
        assert len(received) < collector.size  # cut short: the client did not take it in time
        # The one thread is free again: the next scrape is answered at once.
        response = httpx.get(f"{server_url(server)}/metrics", timeout=5, trust_env=False)
        assert response.status_code == 200
        # The scrape's own connection is counted until its handler has closed it, just after the answer.
        wait_until(lambda: server.open_connections == 0)


def test_no_file_descriptor_left_pauses_the_loop_rather_than_spinning(monkeypatch: pytest.MonkeyPatch) -> None:
    """accept() failing with EMFILE leaves the listening socket readable: without a pause the loop
    would spin at full CPU until a descriptor frees."""
    with serving(small_registry()) as server:
        events: list[str] = []  # in the server's thread, in order: each failed accept, each pause
        real_sleep = time.sleep

        def no_descriptor_left() -> Any:
            events.append("accept")
            raise OSError(errno.EMFILE, "Too many open files")

        def sleep(seconds: float) -> None:
            if threading.current_thread() is not threading.main_thread():
                events.append("pause")
            real_sleep(seconds)

        monkeypatch.setattr(server, "get_request", no_descriptor_left)
        monkeypatch.setattr(time, "sleep", sleep)
        with socket.create_connection(address(server), timeout=10):
            wait_until(lambda: events.count("accept") >= 3, seconds=60)
        monkeypatch.undo()
    assert events[:5] == ["accept", "pause", "accept", "pause", "accept"]  # a pause after each failed accept


def test_at_the_shortest_request_timeout_a_scrape_is_still_answered() -> None:
    from aimlapi_billing._exporter.server import MIN_REQUEST_TIMEOUT

    with serving(small_registry(), request_timeout=MIN_REQUEST_TIMEOUT) as server:
        answer = httpx.get(f"{server_url(server)}/metrics", timeout=10)
    assert answer.status_code == 200
    assert "aimlapi_test_value 1.0" in answer.text


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        ({"request_timeout": 0}, "request_timeout must be from 0.1 to 3600 seconds"),
        ({"request_timeout": float("nan")}, "request_timeout must be from 0.1 to 3600 seconds"),
        # Accepted once, and then every scrape got an empty reply: cut before its answer was taken.
        ({"request_timeout": 1e-300}, "request_timeout must be from 0.1 to 3600 seconds"),
        ({"request_timeout": 0.099}, "request_timeout must be from 0.1 to 3600 seconds"),
        ({"request_timeout": True}, "request_timeout must be a number"),
        ({"max_connections": 0}, "max_connections must be a whole number from 1 to 65536"),
        ({"max_threads": 2.5}, "max_threads must be a whole number from 1 to 1024"),
        ({"max_threads": 1025}, "max_threads must be a whole number from 1 to 1024"),
    ],
)
def test_limits_are_checked(limits: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidParameterError, match=message):
        make_exporter(small_registry(), port=0, **limits)
    with pytest.raises(InvalidParameterError, match=message):
        make_probe_exporter({}, port=0, **limits)


def test_max_connections_stays_within_half_the_open_file_limit(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    resource = pytest.importorskip("resource")
    monkeypatch.setattr(resource, "getrlimit", lambda _: (100, 100))
    with caplog.at_level(logging.WARNING, "aimlapi_billing"):
        server = make_exporter(small_registry(), port=0, max_connections=512)
    server.server_close()
    assert server.max_connections == 50
    assert "at most 50 connections (half the open-file limit, ulimit -n), not 512" in caplog.text


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--request-timeout", "0", "must be a number of seconds from 0.1 to 3600"),
        ("--max-connections", "0", "must be a whole number from 1 to 65536"),
        ("--max-threads", "many", "not a whole number"),
    ],
)
def test_the_exporter_refuses_bad_limits_in_one_line(option: str, value: str, message: str) -> None:
    code, out, err = run("exporter", option, value)
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1
    assert message in err


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the thread count from /proc")
def test_the_exporter_process_holds_its_limits_under_hundreds_of_idle_connections(tmp_path: Path) -> None:
    """The real command: 300 idle connections cost no thread, a scrape is answered at once, and the
    request timeout closes the idle connections still open."""

    def threads(pid: int) -> int:
        status = Path(f"/proc/{pid}/status").read_text()
        return int(next(line.split()[1] for line in status.splitlines() if line.startswith("Threads:")))

    log = tmp_path / "exporter.log"
    options = ["--request-timeout", "2", "--max-connections", "100", "--max-threads", "4", "--listen", "127.0.0.1:0"]
    with FakeAIMLAPI() as fake:
        env = {**os.environ, "AIML_API_KEY": "sk-exporter-server-test-0123456789"}
        with process([CLI, "exporter", "--base-url", fake.url, *options], log, env) as child:
            url = f"http://127.0.0.1:{exporter_port(log)}"
            assert httpx.get(f"{url}/metrics", timeout=10, trust_env=False).status_code == 200
            idle = [socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1])), timeout=10) for _ in range(300)]
            try:
                time.sleep(0.5)
                # the main thread and one handler thread; no thread per connection
                assert threads(child.pid) <= 1 + 4
                response = httpx.get(f"{url}/metrics", timeout=60, trust_env=False)  # answered at all
                assert response.status_code == 200
                assert "aimlapi_balance_usd" in response.text
                # The last 100 connections were still open; the request timeout closes them too.
                assert all(closed_by_peer(connection, 4) == b"" for connection in idle[-99:])
            finally:
                for connection in idle:
                    connection.close()
            assert threads(child.pid) <= 1 + 4
    assert "Traceback" not in log.read_text()


def test_a_ctrl_c_whose_interrupt_was_dropped_still_stops_the_server() -> None:
    """A SIGINT recorded by the CLI's handler whose KeyboardInterrupt a callback swallowed: the serving
    loop raises it again within a poll, instead of serving on for ever."""
    from aimlapi_billing import _interrupts

    server = make_exporter(CollectorRegistry(), "127.0.0.1", 0)
    try:
        _interrupts._recorded.set()  # as the handler does before its exception is dropped
        with pytest.raises(KeyboardInterrupt):
            server.serve_forever(poll_interval=0.05)
    finally:
        _interrupts._recorded.clear()
        server.server_close()
