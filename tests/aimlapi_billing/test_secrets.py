"""The API key never shows up in a repr, an exception's str or repr, a log line or CLI output,
even when the server echoes it back."""

from __future__ import annotations

import io
import json
import logging
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fake_api_server import FakeAIMLAPI, Reply, Reset
from hypothesis import given
from hypothesis import strategies as st
from pytest_httpx import HTTPXMock

from aimlapi_billing import AIMLAPIError, AsyncBilling, Billing, ConfigurationError
from aimlapi_billing._cli import main
from aimlapi_billing._config import resolve_api_key
from aimlapi_billing._redaction import Redactor
from tests.helpers.secret_canary import pieces

from .conftest import API_KEY, BASE_URL

pytestmark = pytest.mark.usefixtures("fast_backoff")

ECHOING_ERRORS = [
    Reply(401, {"message": f"Invalid key {API_KEY}", "requestId": API_KEY}),
    Reply(429, {"title": f"slow down {API_KEY}"}, {"retry-after": "0"}),
    Reply(502, f"<html>proxy saw Authorization: Bearer {API_KEY}</html>".encode(), content_type="text/html"),
]


def _texts_of(error: BaseException) -> list[str]:
    texts = [str(error), repr(error), getattr(error, "message", "")]
    if error.__cause__ is not None:
        texts += [str(error.__cause__), repr(error.__cause__)]
    return texts


def test_client_reprs_hide_the_key() -> None:
    for client in (Billing(), AsyncBilling(), Billing(api_key=API_KEY)):
        assert API_KEY not in repr(client)
        assert API_KEY not in str(client)


@pytest.mark.parametrize("reply", ECHOING_ERRORS, ids=["401", "429", "502"])
def test_errors_redact_a_key_the_server_echoes(fake_api: FakeAIMLAPI, reply: Reply) -> None:
    fake_api.script("/v2/billing", *[reply] * 3)
    with Billing(base_url=fake_api.url) as billing, pytest.raises(AIMLAPIError) as raised:
        billing.summary()
    for text in _texts_of(raised.value):
        assert API_KEY not in text
    assert "<redacted>" in raised.value.message or reply.status == 502


def test_validation_errors_redact_the_key(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=BASE_URL + "/v2/billing", json={"current_balance": API_KEY, "currency": "USD"})
    with Billing() as billing, pytest.raises(AIMLAPIError) as raised:
        billing.summary()
    for text in _texts_of(raised.value):
        assert API_KEY not in text


async def test_no_log_line_at_any_level_carries_the_key(
    fake_api: FakeAIMLAPI, caplog: pytest.LogCaptureFixture
) -> None:
    fake_api.script("/v2/billing/detail", Reset(), Reply(503, {"message": f"echo {API_KEY}"}))
    with caplog.at_level(logging.DEBUG):
        with Billing(base_url=fake_api.url) as billing:
            billing.detail()
        async with AsyncBilling(base_url=fake_api.url) as billing:
            await billing.detail()
    assert len(caplog.records) > 5  # httpx, httpcore and our retries all logged something
    assert any(record.name == "aimlapi_billing" for record in caplog.records)
    for record in caplog.records:
        assert API_KEY not in record.getMessage()
        assert API_KEY not in str(record.args)


def test_request_headers_hide_the_key_in_their_repr(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=BASE_URL + "/v2/billing", status_code=400, json={"message": "bad"})
    with Billing() as billing, pytest.raises(AIMLAPIError) as raised:
        billing.summary()
    response: Any = getattr(raised.value, "response", None)
    assert isinstance(response, httpx.Response)
    assert API_KEY not in repr(response.request.headers)


@pytest.mark.parametrize(
    "argv",
    [
        ("balance",),
        ("summary", "--json"),
        ("detail",),
        ("check", "--warning-usd", "10", "--critical-usd", "5"),
        ("transactions", "--json"),
    ],
)
@pytest.mark.parametrize("failing", [False, True])
def test_cli_output_never_carries_the_key(fake_api: FakeAIMLAPI, argv: tuple[str, ...], failing: bool) -> None:
    if failing:
        for path in ("/v1/billing/balance", "/v2/billing", "/v2/billing/detail", "/v2/billing/transactions"):
            fake_api.script(path, *ECHOING_ERRORS)
    out, err = io.StringIO(), io.StringIO()
    code = main([*argv, "--base-url", fake_api.url], out=out, err=err)
    assert (code != 0) == failing
    assert API_KEY not in out.getvalue() + err.getvalue()


# -- key hygiene: whitespace, control and non-ASCII characters, every source ---------------------------------------


@pytest.mark.parametrize("padded", [f"{API_KEY}\n", f"  {API_KEY}\r\n", f"\t{API_KEY} "])
@pytest.mark.parametrize("source", ["argument", "AIML_API_KEY", "AIMLAPI_API_KEY"])
def test_surrounding_whitespace_is_stripped_from_the_key(
    fake_api: FakeAIMLAPI, monkeypatch: pytest.MonkeyPatch, padded: str, source: str
) -> None:
    """``Billing(api_key=open(keyfile).read())``: a key ending in a newline works."""
    monkeypatch.delenv("AIML_API_KEY")
    if source != "argument":
        monkeypatch.setenv(source, padded)
    with Billing(padded if source == "argument" else None, base_url=fake_api.url) as billing:
        billing.summary()
    assert fake_api.requests_to("/v2/billing")[-1].headers["authorization"] == f"Bearer {API_KEY}"


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        (f"{API_KEY[:10]}\n{API_KEY[10:]}", "a control character"),
        (f"{API_KEY[:10]}\x00{API_KEY[10:]}", "a control character"),
        (f"{API_KEY[:10]}\x7f{API_KEY[10:]}", "a control character"),
        (f"{API_KEY[:10]}é{API_KEY[10:]}", "a non-ASCII character"),
        (f"{API_KEY}\u200b", "a non-ASCII character"),  # a zero-width space, pasted from a web page
    ],
)
@pytest.mark.parametrize("source", ["argument", "AIML_API_KEY", "AIMLAPI_API_KEY"])
def test_a_key_no_header_can_carry_is_a_configuration_error_that_does_not_show_it(
    monkeypatch: pytest.MonkeyPatch, key: str, problem: str, source: str
) -> None:
    if "\x00" in key and source != "argument":
        pytest.skip("the environment cannot hold a NUL")
    monkeypatch.delenv("AIML_API_KEY")
    if source != "argument":
        monkeypatch.setenv(source, key)
    for client_class in (Billing, AsyncBilling):
        with pytest.raises(ConfigurationError) as raised:
            client_class(key if source == "argument" else None)
        message = str(raised.value)
        assert problem in message
        assert ("the api_key argument" if source == "argument" else f"${source}") in message
        assert not any(piece in message for piece in pieces(API_KEY))


def test_the_cli_reports_a_bad_key_in_one_line_with_exit_3(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIML_API_KEY", f"{API_KEY}\x1b[2J")
    out, err = io.StringIO(), io.StringIO()
    assert main(["summary"], out=out, err=err) == 3
    assert err.getvalue().count("\n") == 1
    assert "$AIML_API_KEY contains a control character" in err.getvalue()
    assert API_KEY[:12] not in err.getvalue()


@pytest.mark.parametrize(
    "echo",
    [
        API_KEY,
        urllib.parse.quote(API_KEY, safe=""),
        urllib.parse.quote_plus(API_KEY),
        json.dumps(API_KEY)[1:-1],
        repr(API_KEY.encode()),
        API_KEY[:12],
        API_KEY[-12:],
        API_KEY[5:-5],
    ],
    ids=["whole", "quote", "quote_plus", "json", "bytes", "head", "tail", "middle"],
)
def test_every_form_of_an_echo_is_redacted(echo: str) -> None:
    redacted = Redactor(API_KEY).text(f"server said <{echo}> twice: {echo}.")
    assert not any(piece in redacted for piece in pieces(API_KEY)), redacted
    assert redacted.startswith("server said <")
    assert redacted.endswith(".")


@given(
    key=st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=8, max_size=80),
    before=st.text(max_size=30),
    after=st.text(max_size=30),
    start=st.integers(min_value=0, max_value=80),
    length=st.integers(min_value=8, max_value=80),
)
def test_no_piece_of_eight_or_more_characters_of_any_key_survives(
    key: str, before: str, after: str, start: int, length: int
) -> None:
    echo = key[start : start + length] if len(key[start : start + length]) >= 8 else key
    redacted = Redactor(key).text(before + echo + after)
    assert echo not in redacted


@given(key=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=60))
def test_any_key_string_is_accepted_stripped_or_refused_without_being_shown(key: str) -> None:
    stripped = key.strip()
    try:
        resolved = resolve_api_key(key, environ={})
    except ConfigurationError as exc:
        message = str(exc)
    else:
        message = None
    if message is not None:
        assert not stripped or not all(c.isascii() and c.isprintable() for c in stripped)
        if len(stripped) >= 8:
            assert not any(piece in message for piece in pieces(stripped))
    else:
        assert resolved == key.strip()
        assert resolved
        assert all(c.isascii() and c.isprintable() for c in resolved)


def test_the_cli_reads_the_key_from_a_file_stripped(
    fake_api: FakeAIMLAPI, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("AIML_API_KEY")
    keyfile = tmp_path / "key"
    keyfile.write_text(f"{API_KEY}\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert main(["summary", "--api-key-file", str(keyfile), "--base-url", fake_api.url], out=out, err=err) == 0
    assert fake_api.requests_to("/v2/billing")[-1].headers["authorization"] == f"Bearer {API_KEY}"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (f"{API_KEY}\x00".encode(), "contains a control character"),
        (f"{API_KEY[:9]}ключ".encode(), "contains a non-ASCII character"),
        (b"\xff\xfe" + API_KEY.encode(), "is not UTF-8 text"),
        (b"  \n", "holds no API key"),
        (API_KEY.encode() * 200, "is larger than 4096 bytes"),
        (None, "Cannot read the API key from the file"),
    ],
    ids=["control", "non-ascii", "not-utf8", "blank", "huge", "missing"],
)
def test_a_bad_key_file_is_exit_3_naming_the_file_never_the_key(
    tmp_path: Path, content: bytes | None, problem: str
) -> None:
    keyfile = tmp_path / "key"
    if content is not None:
        keyfile.write_bytes(content)
    out, err = io.StringIO(), io.StringIO()
    assert main(["summary", "--api-key-file", str(keyfile), "--base-url", "http://127.0.0.1:9"], out=out, err=err) == 3
    assert problem in err.getvalue()
    assert str(keyfile) in err.getvalue()
    assert err.getvalue().count("\n") == 1
    assert not any(piece in err.getvalue() for piece in pieces(API_KEY))


@pytest.mark.parametrize(
    "echo",
    [
        urllib.parse.quote("Ab3+Xy9/Zq1=Wv7+Lm2/Pk8=", safe="").lower(),  # hex digits in lower case (RFC 3986)
        urllib.parse.quote("Ab3+Xy9/Zq1=Wv7+Lm2/Pk8="),  # "/" kept, as in a URL path
        "Ab3+Xy9/Zq1=Wv7+Lm2/Pk8=".upper(),  # the server changed the key's case
    ],
)
def test_echoes_in_any_letter_case_or_percent_encoding_are_redacted(echo: str) -> None:
    key = "Ab3+Xy9/Zq1=Wv7+Lm2/Pk8="
    redacted = Redactor(key).text(f"İ bad key {echo} tail")
    assert redacted == "İ bad key <redacted> tail"


@pytest.mark.parametrize("case", [str.upper, str.lower])
def test_an_echo_with_every_byte_percent_encoded_is_redacted(case: Callable[[str], str]) -> None:
    echo = case("".join(f"%{byte:02X}" for byte in API_KEY.encode()))
    redacted = Redactor(API_KEY).text(f"model {echo} tail; piece {echo[6:40]}.")
    assert redacted == "model <redacted> tail; piece <redacted>."


@pytest.mark.parametrize(
    "read",
    [
        lambda billing: billing.keys.list(),
        lambda billing: billing.api.keys.list_keys(),
        lambda billing: billing.api.keys.create_key(body={"name": f"leak {urllib.parse.quote(API_KEY)}"}),
        lambda billing: billing.api.with_raw_response.keys.list_keys().parse(),
    ],
    ids=["keys.list", "api.list_keys", "api.create_key", "raw.parse"],
)
def test_a_key_echoed_in_a_2xx_body_is_in_no_repr_of_the_parsed_answer(read: Callable[[Billing], Any]) -> None:
    with FakeAIMLAPI() as server, Billing(API_KEY, base_url=server.url) as billing:
        server.keys[0]["name"] = f"leak {API_KEY.upper()}"  # any case: the server may change it
        shown = repr(read(billing))
    assert "leak" in shown
    assert API_KEY.lower() not in shown.lower()
    assert urllib.parse.quote(API_KEY) not in shown
    assert "<redacted>" in shown


@pytest.mark.parametrize(
    ("body", "echoed"),
    [
        (b'{"name": "plain text, 100% of it"}', False),
        (b'{"name": "no percent sign at all"}', False),
        ('{{"name": "{}"}}'.format("".join(f"%{byte:02X}" for byte in API_KEY.encode())).encode(), True),
        ('{{"name": "{}"}}'.format("".join(f"%{byte:02x}" for byte in API_KEY.encode())).encode(), True),
        (f'{{"name": "{API_KEY.upper()}"}}'.encode(), True),
    ],
    ids=["percent-no-key", "no-percent", "every-byte-encoded", "lower-hex", "upper-case"],
)
def test_the_2xx_echo_check_finds_every_whole_form_and_nothing_else(body: bytes, echoed: bool) -> None:
    """The check before a 2xx body is rewritten: the percent-encoded forms are looked for only in a
    body holding a "%", and found there in either hex case."""
    from aimlapi_billing._redaction import Redactor

    assert Redactor(API_KEY).echoed_in(body) is echoed
