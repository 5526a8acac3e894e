"""The exporters: ``/metrics`` of one registry, ``/probe?account=NAME`` of many collectors, HEAD as GET."""

from __future__ import annotations

import logging
import threading
import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

from prometheus_client import make_wsgi_app

from .._exporter.config import ACCOUNT_NAME
from .._exporter.server import MAX_CONNECTIONS, MAX_THREADS, REQUEST_TIMEOUT, ExporterServer, make_exporter_server
from .output import build_registry

if TYPE_CHECKING:
    from wsgiref.simple_server import WSGIServer
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

    from prometheus_client.registry import Collector

__all__ = ["METRICS_PATH", "PROBE_PATH", "make_exporter", "make_probe_exporter", "server_url"]

logger = logging.getLogger("aimlapi_billing.metrics")

#: Where :func:`make_exporter` serves the metrics.
METRICS_PATH = "/metrics"
#: Where :func:`make_probe_exporter` serves one account's metrics (``?account=NAME``).
PROBE_PATH = "/probe"


def _route(metrics_app: WSGIApplication) -> WSGIApplication:
    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") in (METRICS_PATH, METRICS_PATH + "/"):
            return metrics_app(environ, start_response)
        return _text(start_response, "404 Not Found", f"Not found: the metrics are at {METRICS_PATH}")

    return app


def _text(start_response: StartResponse, status: str, message: str) -> list[bytes]:
    start_response(status, [("Content-Type", "text/plain; charset=utf-8")])
    return [message.encode() + b"\n"]


#: How many distinct unknown account names the probe exporter logs; a scanner cannot flood the log.
_UNKNOWN_ACCOUNTS_LOGGED = 20


def _probe_route(apps: Mapping[str, WSGIApplication]) -> WSGIApplication:
    # The answers never list the configured accounts: an agency's account names are its client list,
    # and anyone who can reach the port may ask. The operator finds unknown names on stderr instead.
    logged: set[str] = set()
    lock = threading.Lock()

    def log_unknown(shown: str, environ: WSGIEnvironment) -> None:
        with lock:
            if shown in logged or len(logged) >= _UNKNOWN_ACCOUNTS_LOGGED:
                return
            logged.add(shown)
            last = len(logged) == _UNKNOWN_ACCOUNTS_LOGGED
        client = ascii(str(environ.get("REMOTE_ADDR", "?")))[1:-1]
        logger.warning(
            "%s?account=%s from %s: no such account in the exporter's config (each unknown name is logged once)%s",
            PROBE_PATH,
            shown,
            client,
            f"; that makes {_UNKNOWN_ACCOUNTS_LOGGED}: further ones are not logged" if last else "",
        )

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") not in (PROBE_PATH, PROBE_PATH + "/"):
            return _text(
                start_response, "404 Not Found", f"Not found: each account's metrics are at {PROBE_PATH}?account=NAME"
            )
        names = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True).get("account", [])
        if len(names) != 1:
            return _text(
                start_response,
                "400 Bad Request",
                f"Give one account: {PROBE_PATH}?account=NAME, a name from the exporter's config file",
            )
        target = apps.get(names[0])
        if target is None:
            # Sanitized: a name that is not an account name may hold anything, newlines and escapes too.
            shown = names[0] if ACCOUNT_NAME.fullmatch(names[0]) else "(not an account name)"
            log_unknown(shown if shown == names[0] else ascii(names[0][:64]), environ)
            return _text(
                start_response, "404 Not Found", f"Unknown account {shown}: see the exporter's config for the names"
            )
        # prometheus_client's app would read ?name[]= filters; the account is ours, so drop the query.
        return target({**environ, "QUERY_STRING": ""}, start_response)

    return app


def _head_as_get(app: WSGIApplication) -> WSGIApplication:
    """HEAD answered as GET, headers and status alike, without the body (health checks use HEAD).

    prometheus_client's app allows only GET and OPTIONS; wsgiref would send a body even to HEAD.
    """

    def head_app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "HEAD":
            return app(environ, start_response)
        answer: list[tuple[str, list[tuple[str, str]]]] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> Callable[[bytes], object]:
            answer.append((status, headers))
            return len

        result = app({**environ, "REQUEST_METHOD": "GET"}, capture)
        try:
            length = sum(len(chunk) for chunk in result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status, headers = answer[-1]
        kept = [(name, value) for name, value in headers if name.lower() != "content-length"]
        start_response(status, [*kept, ("Content-Length", str(length))])  # what GET would send
        return []

    return head_app


def make_probe_exporter(
    collectors: Mapping[str, Collector],
    host: str = "127.0.0.1",
    port: int = 9464,
    *,
    request_timeout: float = REQUEST_TIMEOUT,
    max_connections: int = MAX_CONNECTIONS,
    max_threads: int = MAX_THREADS,
) -> ExporterServer:
    """The multi-target exporter: ``GET /probe?account=NAME`` serves that account's collector alone.

    The pattern of Prometheus's blackbox and SNMP exporters: one exporter, one scrape job whose
    targets are account names (see the README's ``relabel_configs``). Give each account its own
    :class:`BillingCollector` with ``labels={"account": NAME}``: its own cache and at most one read
    in flight, so a hanging account never holds up another. A request without exactly one
    ``account`` answers 400, an unknown one 404; neither reads anything, nor lists the configured
    accounts (an agency's client list): each unknown name is logged once, up to 20, as a warning.
    Otherwise as :func:`make_exporter`.
    """
    app = _probe_route({name: make_wsgi_app(build_registry(c)) for name, c in collectors.items()})
    return _serve(app, host, port, request_timeout, max_connections, max_threads)


def make_exporter(
    registry: Collector,
    host: str = "127.0.0.1",
    port: int = 9464,
    *,
    request_timeout: float = REQUEST_TIMEOUT,
    max_connections: int = MAX_CONNECTIONS,
    max_threads: int = MAX_THREADS,
) -> ExporterServer:
    """An HTTP server (not yet serving) with the registry's metrics at ``/metrics``.

    Content negotiation is prometheus_client's: OpenMetrics when the ``Accept`` header asks for
    ``application/openmetrics-text``, the classic text format otherwise. HEAD is answered as GET without
    the body. Complete requests are answered by up to ``max_threads`` threads at once, so a scrape
    waiting for the API does not hold up another (the collector's lock makes them share one read);
    requests still arriving cost no thread. A client has ``request_timeout`` seconds to send its request
    line and headers (at most 32 KiB), and as long to take the answer; at most ``max_connections``
    are open at once (see :mod:`aimlapi_billing._exporter.server`). Other paths answer 404 without
    reading the API. It binds now (``port=0`` picks a free port: see ``server.server_address``); call
    ``serve_forever()`` to serve, ``shutdown()`` and ``server_close()`` to stop. Loopback by
    default: exposing it further is the caller's decision.
    """
    return _serve(_route(make_wsgi_app(registry)), host, port, request_timeout, max_connections, max_threads)


def _serve(
    app: WSGIApplication, host: str, port: int, request_timeout: float, max_connections: int, max_threads: int
) -> ExporterServer:
    return make_exporter_server(
        _head_as_get(app),
        host,
        port,
        request_timeout=request_timeout,
        max_connections=max_connections,
        max_threads=max_threads,
    )


def server_url(server: WSGIServer) -> str:
    """``http://HOST:PORT`` of a server from :func:`make_exporter` or :func:`make_probe_exporter` (IPv6 in brackets)."""
    host, port = server.server_address[:2]
    host = host.decode() if isinstance(host, bytes) else host
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
