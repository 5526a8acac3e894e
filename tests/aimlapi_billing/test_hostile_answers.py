"""The SDK and the CLI against the stand-in's hostile answers on 127.0.0.1 (scripts/fake_api/hostile.py):
pagination that never ends, values the spec does not list, keys echoed back, and the CLI's outputs written
only once there is something to write. Every case runs against the sync client, the async client and the
command line, with a wall-time *bound* (never a timing)."""

from __future__ import annotations

import datetime
import json
import logging
import socket
import time
import uuid
from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest
from fake_api.hostile import (
    alternating_cursors,
    echo_key,
    empty_pages,
    endless_chunks,
    endless_pages,
    entry,
    json_body,
    nested,
    page,
)
from fake_api_server import DETAIL, FakeAIMLAPI

from aimlapi_billing import (
    AIMLAPIError,
    AsyncBilling,
    AuthenticationError,
    Billing,
    InternalServerError,
    PaginationError,
    ResponseValidationError,
    TransactionDirection,
)
from tests.helpers.hostile_clients import (
    HUNG,
    LEDGER,
    MODES,
    SUMMARY,
    cli,
    hostile_server,
    ledger,
    one_line_error,
    outcome,
    sdk,
)
from tests.helpers.resources import timed
from tests.helpers.secret_canary import pieces

from .conftest import API_KEY


@pytest.fixture
def server() -> Iterator[FakeAIMLAPI]:
    with hostile_server() as hostile:
        yield hostile


# -- 4. pagination that never ends --------------------------------------------------------------------------------


PAGINATIONS = {
    "endless": (endless_pages, "max_pages is 20", 20),
    "empty": (empty_pages, "makes 3 empty pages in a row", 3),
    "alternating": (alternating_cursors, "a next_cursor an earlier page gave", 3),
}


@pytest.mark.parametrize("kind", list(PAGINATIONS))
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_ledger_walk_that_does_not_end_is_a_pagination_error(server: FakeAIMLAPI, mode: str, kind: str) -> None:
    behaviour, message, pages = PAGINATIONS[kind]
    server.route(LEDGER, behaviour())
    seconds, result = timed(lambda: ledger(mode, server.url, max_pages=20))
    assert isinstance(result, PaginationError), result
    assert message in str(result)
    assert result.pages == server.count(LEDGER) == pages
    assert seconds < HUNG


@pytest.mark.parametrize("kind", list(PAGINATIONS))
def test_forecast_and_check_end_on_a_ledger_that_does_not_end(server: FakeAIMLAPI, kind: str) -> None:
    behaviour, _message, _ = PAGINATIONS[kind]
    server.route(LEDGER, behaviour())
    code, out, err = cli("forecast", "--base-url", server.url, "--window", "3650d", "--max-pages", "20")
    assert (code, out) == (6, "")
    assert "PaginationError" not in err
    one_line_error(err)
    thresholds = ("--warning-usd", "1", "--critical-usd", "0", "--warning-days", "30", "--critical-days", "7")
    code, out, _ = cli("check", *thresholds, "--base-url", server.url, "--window", "3650d", "--max-pages", "20")
    assert code == 3
    assert out.startswith("BILLING UNKNOWN - ")
    forecast = sdk(
        "sync", server.url, lambda client: client.forecast(window=datetime.timedelta(days=3650), max_pages=50)
    )
    assert isinstance(forecast, PaginationError)


def test_a_forecast_needs_the_ledger_to_go_back_in_time(server: FakeAIMLAPI) -> None:
    """Fresh cursors and full pages for ever, but no entry older than the first ones: the forecast
    ends long before max_pages (10,000) on what it needs, a walk towards the window's start."""
    server.route(LEDGER, endless_pages(size=100))
    seconds, result = timed(lambda: cli("forecast", "--base-url", server.url, "--window", "3650d"))
    code, out, err = result
    assert (code, out) == (6, "")
    assert "the ledger stopped going back in time: 5,000 entries in a row" in err
    assert server.count(LEDGER) == 51  # 5,000 entries after the first one
    assert seconds < HUNG


def test_transactions_cli_stops_at_max_pages(server: FakeAIMLAPI) -> None:
    server.route(LEDGER, endless_pages())
    code, out, err = cli("transactions", "--json", "--max-pages", "5", "--base-url", server.url)
    assert code == 6
    assert "max_pages is 5" in err
    assert len(out.splitlines()) == 5


# -- 2. values the spec does not list -----------------------------------------------------------------------------


def test_unknown_enum_values_are_kept_logged_once_and_never_fail_a_read(
    server: FakeAIMLAPI, caplog: pytest.LogCaptureFixture
) -> None:
    new_type, new_direction = f"REFUND_REVERSAL_{uuid.uuid4().hex[:6].upper()}", f"HOLD_{uuid.uuid4().hex[:6].upper()}"
    entries = [
        entry(1, entry_type=new_type),
        entry(2, direction=new_direction, entry_type="ADJUSTMENT", usd=7.0),
        {**entry(3), "brand_new_field": {"x": 1}},
    ]
    server.route(LEDGER, json_body(page(entries, None)))
    caplog.set_level(logging.WARNING, logger="aimlapi_billing_client")
    for mode in ("sync", "async", "sync"):
        read = ledger(mode, server.url)
        assert [item.type_.value for item in read] == [new_type, "ADJUSTMENT", "MODEL_USAGE"]
        assert read[1].direction.value == new_direction
        assert not read[1].direction.is_known
        assert read[2].additional_properties == {"brand_new_field": {"x": 1}}
    warnings = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert sum(new_type in message for message in warnings) == 1
    assert sum(new_direction in message for message in warnings) == 1

    code, out, _ = cli("transactions", "--base-url", server.url)
    assert code == 0
    assert new_type in out
    assert new_direction in out
    with Billing(base_url=server.url) as billing:
        forecast = billing.forecast(window=datetime.timedelta(days=3650))
    assert forecast.unclassified_entries == 1
    assert forecast.unclassified_usd == Decimal("7.0")
    assert forecast.unknown_directions == (new_direction,)
    assert forecast.spend_usd == Decimal("1.0")  # the two CHARGEs, whatever their type
    code, out, _ = cli("forecast", "--json", "--base-url", server.url, "--window", "3650d")
    assert code == 0
    assert json.loads(out)["unknown_directions"] == [new_direction]
    thresholds = ("--warning-usd", "1", "--critical-usd", "0", "--warning-days", "1", "--critical-days", "0")
    code, out, _ = cli("check", *thresholds, "--base-url", server.url, "--window", "3650d")
    assert code == 0
    assert f"1 ledger entries of unknown direction {new_direction} not counted" in out


def test_an_unknown_value_is_no_filter(server: FakeAIMLAPI) -> None:
    with Billing(base_url=server.url) as billing, pytest.raises(ValueError, match="direction must be one of"):
        billing.transactions(direction=TransactionDirection("SIDEWAYS"))


# -- 5. echoed keys -----------------------------------------------------------------------------------------------


def _texts(error: BaseException) -> list[str]:
    """Every text an exception offers: str, repr, args, every attribute, and the request/response copies."""
    texts = [str(error), repr(error), *map(str, error.args)]
    for name, value in vars(error).items():
        texts.append(f"{name}={value!r}")
        if isinstance(value, httpx.Response):
            texts += [value.text, repr(value.content), str(value.headers.multi_items()), value.reason_phrase]
            value = value.request
        if isinstance(value, httpx.Request):
            texts += [str(value.url), str(value.headers.multi_items()), repr(value.content)]
    texts.append(json.dumps(getattr(error, "body", None)))
    return texts


def assert_no_key(texts: list[str]) -> None:
    leaks = [text for text in texts for piece in pieces(API_KEY) if piece in text]
    assert not leaks, leaks[:3]


@pytest.mark.parametrize("mode", MODES)
def test_a_key_echoed_back_is_redacted_everywhere(
    server: FakeAIMLAPI, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    server.route(SUMMARY, echo_key(401))
    server.route("/v2/billing/detail", echo_key(503))
    seconds, result = outcome(mode, server.url, "summary", "summary")
    if mode == "cli":
        code, out, err = result
        assert code == 5
        assert_no_key([out, err])
    else:
        assert isinstance(result, AuthenticationError)
        assert result.message.startswith("Invalid key <redacted>")
        assert result.body["requestId"] == "<redacted>"
        assert_no_key(_texts(result))
        retried = sdk(mode, server.url, lambda client: client.detail(), max_retries=1)
        assert isinstance(retried, InternalServerError)
        assert_no_key(_texts(retried))
    assert_no_key([caplog.text])
    assert seconds < HUNG


# -- 6. the CLI: every output written only once there is something to write ---------------------------------------


def test_transactions_csv_writes_no_header_when_the_first_page_fails(server: FakeAIMLAPI) -> None:
    server.route(LEDGER, json_body({"message": "down"}, 500))
    code, out, err = cli("transactions", "--csv", "--base-url", server.url, "--max-retries", "0")
    assert (code, out) == (5, "")
    one_line_error(err)
    server.route(LEDGER, json_body(page([], None)))
    assert cli("transactions", "--csv", "--base-url", server.url)[:2] == (
        0,
        "created_at,direction,type,amount_usd,amount_credits,model,reference_id\n",
    )


def test_an_unreadable_created_at_is_exit_6(server: FakeAIMLAPI) -> None:
    server.route(LEDGER, json_body(page([{**entry(1), "created_at": "yesterday"}], None)))
    code, out, err = cli("forecast", "--base-url", server.url)
    assert (code, out) == (6, "")
    one_line_error(err)


def test_an_address_that_cannot_be_bound_is_exit_2() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        started = time.monotonic()
        code, _, err = cli("exporter", "--listen", f"127.0.0.1:{port}", "--base-url", "http://127.0.0.1:9")
    assert code == 2
    one_line_error(err)
    assert f"cannot listen on 127.0.0.1:{port}" in err
    assert time.monotonic() - started < HUNG


def test_nothing_here_raises_anything_but_the_sdks_errors(server: FakeAIMLAPI) -> None:
    """One sweep of every hostile behaviour through the sync client: only AIMLAPIError comes out."""
    for behaviour in (nested(5000), endless_chunks(), echo_key(), json_body(b"[1, 2]"), json_body(b"\xff\xfe")):
        server.route(SUMMARY, behaviour)
        assert isinstance(sdk("sync", server.url, Billing.summary), AIMLAPIError)


def test_a_corrupt_or_unasked_encoding_is_a_validation_error_but_not_on_an_error_status(server: FakeAIMLAPI) -> None:
    corrupt = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    server.route(SUMMARY, json_body(b"\x1f\x8b\x08\x00garbage", headers=corrupt))
    result = sdk("sync", server.url, Billing.summary)
    assert isinstance(result, ResponseValidationError)
    assert "is not valid gzip" in str(result)
    server.route(SUMMARY, json_body(b"...", headers={"Content-Type": "application/json", "Content-Encoding": "br"}))
    assert "which the SDK did not ask for" in str(sdk("async", server.url, AsyncBilling.summary))
    server.route(SUMMARY, json_body(b"...", 503, {"Content-Type": "application/json", "Content-Encoding": "br"}))
    assert isinstance(sdk("sync", server.url, Billing.summary), InternalServerError)


@pytest.mark.parametrize("number", ["NaN", "Infinity"])
def test_metrics_never_export_a_failed_read_as_a_success(server: FakeAIMLAPI, number: str) -> None:
    pytest.importorskip("prometheus_client")
    server.route("/v2/billing/detail", json_body(json.dumps(DETAIL).replace("275.78", number).encode()))
    code, out, err = cli("metrics", "--base-url", server.url, "--max-retries", "0")
    assert code == 6
    one_line_error(err)
    assert "aimlapi_scrape_success 0.0" in out
    assert "aimlapi_balance_usd" not in out


def test_control_characters_from_the_server_never_reach_the_terminal(server: FakeAIMLAPI) -> None:
    """An error message, or a ledger field, with newlines and terminal escapes: one line, escaped."""
    server.route(SUMMARY, json_body({"message": "line one\nline two \x1b[2J\x1b]0;pwned\x07"}, 400))
    code, out, err = cli("summary", "--base-url", server.url)
    assert code == 5
    one_line_error(err)
    assert "\x1b" not in err
    assert "line one\\nline two \\x1b[2J" in err
    server.route("/v2/billing/detail", json_body({"message": "line one\nline two \x1b[2J\x1b]0;pwned\x07"}, 400))
    code, out, _ = cli("check", "--warning-usd", "1", "--critical-usd", "0", "--base-url", server.url)
    assert code == 3
    assert out.count("\n") == 1
    assert "\x1b" not in out
    server.route(LEDGER, json_body(page([{**entry(1), "model": "evil\x1b[31m\nmodel"}], None)))
    code, out, _ = cli("transactions", "--base-url", server.url)
    assert code == 0
    assert "\x1b" not in out
    assert len(out.splitlines()) == 2
