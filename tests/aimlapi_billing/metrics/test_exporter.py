"""The HTTP exporter (`/metrics`) and the multi-account one (`/probe`), on 127.0.0.1."""

from __future__ import annotations

import logging
import socket
import threading

import httpx
import pytest
from fake_api_server import DETAIL, FakeAIMLAPI, Stall
from prometheus_client.core import Metric

from aimlapi_billing import (
    Billing,
)
from aimlapi_billing.metrics import (
    BillingCollector,
    build_registry,
    make_exporter,
    server_url,
)
from tests.helpers.metrics import (
    DETAIL_PATH,
    FAULTS,
    OPENMETRICS_ACCEPT,
    STATUS_FAMILIES,
    FakeClock,
    check_canned,
    check_metadata,
    parse,
    read_threads,
    requests_to,
    serving,
    serving_accounts,
    value,
)

# --- HTTP exporter ------------------------------------------------------------------------------


def test_exporter_serves_both_formats_from_one_read(
    fake_api: FakeAIMLAPI, billing: Billing, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    registry = build_registry(BillingCollector(billing, clock=clock))
    with serving(registry) as get:
        response = get(accept=OPENMETRICS_ACCEPT)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/openmetrics-text")
        families = parse(response.content)
        check_metadata(families, "openmetrics")
        check_canned(families)

        response = get()
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain")
        families = parse(response.content, "prometheus")
        check_canned(families)

        missing = get("/")
        assert missing.status_code == 404
        assert "/metrics" in missing.text
    assert requests_to(fake_api) == (1, 1)  # the second scrape and the 404 did not read upstream
    out, err = capsys.readouterr()
    assert (out, err) == ("", "")  # the quiet handler logs nothing per request


@pytest.mark.usefixtures("fast_backoff")
def test_exporter_answers_200_while_upstream_fails(fake_api: FakeAIMLAPI, billing: Billing, clock: FakeClock) -> None:
    registry = build_registry(BillingCollector(billing, clock=clock))
    fake_api.script(DETAIL_PATH, *FAULTS["500x3"])
    with serving(registry) as get:
        response = get(accept=OPENMETRICS_ACCEPT)
        assert response.status_code == 200
        families = parse(response.content)
        assert set(families) == STATUS_FAMILIES
        assert value(families, "aimlapi_scrape_success") == 0.0

        clock.advance(60)
        check_canned(parse(get(accept=OPENMETRICS_ACCEPT).content))

        fake_api.script(DETAIL_PATH, *FAULTS["500x3"])
        clock.advance(60)
        response = get()
        assert response.status_code == 200
        check_canned(parse(response.content, "prometheus"), success=0.0, stale=1.0)
    assert requests_to(fake_api) == (7, 1)


def raw_head(url: str, target: str) -> tuple[str, dict[str, str], bytes]:
    """A HEAD over a bare socket, read to the end: the status line, headers and whatever body was sent."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(f"HEAD {target} HTTP/1.0\r\nHost: {host}\r\n\r\n".encode())
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    return status, {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}, body


def test_exporter_answers_head_like_get_without_a_body(
    fake_api: FakeAIMLAPI, billing: Billing, clock: FakeClock
) -> None:
    """Monitoring health checks use HEAD; prometheus_client's app alone answers it 405."""
    registry = build_registry(BillingCollector(billing, clock=clock))
    server = make_exporter(registry, port=0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, name="exporter")
    thread.start()
    try:
        url = server_url(server)
        status, headers, body = raw_head(url, "/metrics")
        assert (status.split(" ", 1)[1], body) == ("200 OK", b"")
        got = httpx.get(f"{url}/metrics", trust_env=False, timeout=10)
        assert headers["content-type"] == got.headers["content-type"]
        assert int(headers["content-length"]) == len(got.content) > 0  # what GET sends
        status, headers, body = raw_head(url, "/elsewhere")
        assert (status.split(" ", 1)[1], body) == ("404 Not Found", b"")
        assert int(headers["content-length"]) > 0
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    assert requests_to(fake_api) == (1, 1)  # HEAD read the API like a GET; the GET came from the cache


# --- many accounts, one exporter ---------------------------------------------------------------


def account_value(families: dict[str, Metric], name: str, account: str) -> float:
    (sample,) = families[name].samples
    assert sample.labels == {"account": account}
    return float(sample.value)


def test_probe_serves_each_account_from_its_own_cache_and_read() -> None:
    with (
        FakeAIMLAPI() as fake_a,
        FakeAIMLAPI() as fake_b,
        FakeAIMLAPI() as fake_c,
        Billing(base_url=fake_a.url) as a,
        Billing(base_url=fake_b.url, timeout=30.0, max_retries=0) as b,
        Billing(base_url=fake_c.url) as c,
    ):
        fake_c.canned[DETAIL_PATH] = {**DETAIL, "current_balance": 12.5}
        collectors = {
            name: BillingCollector(billing, min_interval=60, max_wait=0.3, labels={"account": name})
            for name, billing in (("a", a), ("b", b), ("c", c))
        }
        fake_b.script(DETAIL_PATH, Stall(60))  # account b hangs; a and c must not notice
        with serving_accounts(collectors) as get:
            for _ in range(3):
                for name, balance in (("a", 275.78), ("c", 12.5)):
                    response = get(f"/probe?account={name}")
                    assert response.status_code == 200
                    families = parse(response.content, "prometheus")
                    assert account_value(families, "aimlapi_balance_usd", name) == balance
                    assert account_value(families, "aimlapi_scrape_success", name) == 1.0
                hanging = parse(get("/probe?account=b").content, "prometheus")
                assert set(hanging) == STATUS_FAMILIES
                assert account_value(hanging, "aimlapi_scrape_success", "b") == 0.0
            assert [len(fake.requests_to(DETAIL_PATH)) for fake in (fake_a, fake_b, fake_c)] == [1, 1, 1]
    for thread in read_threads():  # b's read ends with its server's stop
        thread.join(timeout=10)
    assert read_threads() == []


CLIENTS = ("acme-corp", "globex")  # an agency's account names: its client list


@pytest.mark.parametrize(
    ("target", "status", "message"),
    [
        ("/probe?account=nobody", 404, "Unknown account nobody: see the exporter's config for the names"),
        ("/probe?account=%3Cscript%3E", 404, "Unknown account (not an account name): see the exporter's config"),
        ("/probe", 400, "Give one account: /probe?account=NAME, a name from the exporter's config file"),
        ("/probe?account=acme-corp&account=globex", 400, "Give one account"),
        ("/metrics", 404, "each account's metrics are at /probe?account=NAME"),
        ("/", 404, "/probe?account=NAME"),
    ],
)
def test_probe_refuses_unknown_or_missing_accounts_without_reading_or_listing_them(
    fake_api: FakeAIMLAPI, billing: Billing, target: str, status: int, message: str
) -> None:
    collectors = {name: BillingCollector(billing, labels={"account": name}) for name in CLIENTS}
    with serving_accounts(collectors) as get:
        response = get(target)
        head = get(target, method="HEAD")
    assert response.status_code == head.status_code == status
    assert message in response.text
    assert response.text.count("\n") == 1  # one line
    assert "<script>" not in response.text
    for name in CLIENTS:  # anyone who can reach the port may ask; the names are not theirs to see
        assert name not in response.text.replace("acme-corp&account=globex", "")
    assert head.content == b""
    assert requests_to(fake_api) == (0, 0)


def test_probe_logs_each_unknown_account_once_sanitized_and_bounded(
    fake_api: FakeAIMLAPI, billing: Billing, caplog: pytest.LogCaptureFixture
) -> None:
    collectors = {name: BillingCollector(billing, labels={"account": name}) for name in CLIENTS}
    with caplog.at_level(logging.WARNING, logger="aimlapi_billing.metrics"), serving_accounts(collectors) as get:
        for _ in range(3):
            assert get("/probe?account=initech").status_code == 404
        assert get("/probe?account=evil%0AFAKE%20LOG%20LINE%1B%5B31m").status_code == 404
        for n in range(40):  # a scanner
            assert get(f"/probe?account=guess-{n}").status_code == 404
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 20  # bounded
    assert sum("?account=initech from 127.0.0.1: no such account" in message for message in messages) == 1
    (evil,) = [message for message in messages if "evil" in message]
    assert "\n" not in evil
    assert "\x1b" not in evil
    assert "'evil\\nFAKE LOG LINE\\x1b[31m'" in evil  # escaped, so the operator still sees what was asked
    assert "further ones are not logged" in messages[-1]
    assert requests_to(fake_api) == (0, 0)


def test_probe_answers_head_like_get(fake_api: FakeAIMLAPI, billing: Billing) -> None:
    collectors = {name: BillingCollector(billing, labels={"account": name}) for name in CLIENTS}
    with serving_accounts(collectors) as get:
        head = get("/probe?account=globex", method="HEAD")
        response = get("/probe?account=globex")
    assert head.status_code == response.status_code == 200
    assert head.content == b""
    for header in ("content-type", "content-encoding", "content-length"):  # gzip, as httpx asks for it
        assert head.headers[header] == response.headers[header]
    assert account_value(parse(response.content, "prometheus"), "aimlapi_balance_usd", "globex") == 275.78
