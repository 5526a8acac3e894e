"""billing.keys: the retry policy of each mutation (a creation never sent twice once it may have been
sent; PATCH, PUT and DELETE retried), sync and async."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fake_api_server import FakeAIMLAPI
from pytest_httpx import HTTPXMock

from aimlapi_billing import (
    APIConnectionError,
    InternalServerError,
    NotFoundError,
    OutcomeUnknownError,
    ResponseValidationError,
)
from tests.aimlapi_billing.conftest import CREATED_KEY
from tests.helpers.mocked_keys import CREATED, KEY, KEYS_URL, PREFIX_URL, everything_shown
from tests.helpers.resources import MODES, call

pytestmark = pytest.mark.usefixtures("fast_backoff")


SENT_FAILURES = [
    httpx.ReadError("connection reset by peer"),
    httpx.RemoteProtocolError("Server disconnected without sending a response."),
    httpx.ReadTimeout("timed out"),
    httpx.WriteError("broken pipe"),
]


@pytest.mark.parametrize("failure", SENT_FAILURES, ids=lambda failure: type(failure).__name__)
@pytest.mark.parametrize("mode", MODES)
async def test_create_is_not_retried_once_the_request_may_have_been_sent(
    httpx_mock: HTTPXMock, mode: str, failure: Exception
) -> None:
    httpx_mock.add_exception(failure, url=KEYS_URL, method="POST")
    with pytest.raises(OutcomeUnknownError) as raised:
        await call(mode, lambda billing: billing.keys.create(name="ci"))
    assert len(httpx_mock.get_requests()) == 1
    assert "whether it took effect is unknown" in str(raised.value)
    assert "billing.keys.list()" in str(raised.value)
    assert isinstance(raised.value, APIConnectionError)
    assert "authorization" not in {
        name.lower() for name in raised.value.request.headers if raised.value.request.headers[name] != "<redacted>"
    }


@pytest.mark.parametrize(
    "failure",
    [httpx.ConnectError("refused"), httpx.ConnectTimeout("timed out"), httpx.PoolTimeout("pool")],
    ids=lambda f: type(f).__name__,
)
@pytest.mark.parametrize("mode", MODES)
async def test_create_is_retried_when_the_request_certainly_was_not_sent(
    httpx_mock: HTTPXMock, mode: str, failure: Exception
) -> None:
    httpx_mock.add_exception(failure, url=KEYS_URL, method="POST")
    httpx_mock.add_response(url=KEYS_URL, method="POST", status_code=429, headers={"retry-after": "0"})
    httpx_mock.add_response(url=KEYS_URL, method="POST", json=CREATED)
    created = await call(mode, lambda billing: billing.keys.create(name="ci"))
    assert created.key.get_secret_value() == CREATED_KEY
    assert len(httpx_mock.get_requests()) == 3


@pytest.mark.parametrize("mode", MODES)
async def test_create_answered_5xx_is_not_retried_and_says_the_outcome_is_unknown(
    httpx_mock: HTTPXMock, mode: str
) -> None:
    httpx_mock.add_response(url=KEYS_URL, method="POST", status_code=502)
    with pytest.raises(InternalServerError, match="whether it took effect is unknown"):
        await call(mode, lambda billing: billing.keys.create(name="ci"))
    assert len(httpx_mock.get_requests()) == 1


@pytest.mark.parametrize("mode", MODES)
async def test_create_with_an_unreadable_2xx_says_the_key_exists_and_carries_no_body(
    httpx_mock: HTTPXMock, mode: str
) -> None:
    broken = {"data": {**CREATED["data"], "created_at": "not a date"}}
    httpx_mock.add_response(url=KEYS_URL, method="POST", json=broken)
    with pytest.raises(ResponseValidationError, match="took effect") as raised:
        await call(mode, lambda billing: billing.keys.create(name="ci"))
    assert raised.value.response is not None
    assert raised.value.response.content == b""
    assert CREATED_KEY[8:16] not in everything_shown(raised.value)


@pytest.mark.parametrize("method", ["update", "replace", "delete"])
@pytest.mark.parametrize("mode", MODES)
async def test_patch_put_delete_are_retried_after_a_lost_response(
    httpx_mock: HTTPXMock, mode: str, method: str
) -> None:
    verb = {"update": "PATCH", "replace": "PUT", "delete": "DELETE"}[method]
    body = {"data": {"prefix": "abcd1234", "deleted": True}} if method == "delete" else {"data": KEY}
    httpx_mock.add_exception(httpx.ReadError("reset"), url=PREFIX_URL, method=verb)
    httpx_mock.add_response(url=PREFIX_URL, method=verb, json=body)
    arguments: dict[str, Any] = {} if method == "delete" else {"name": "ci"}
    result = await call(mode, lambda billing: getattr(billing.keys, method)("abcd1234", **arguments))
    assert result.prefix == "abcd1234"
    assert len(httpx_mock.get_requests()) == 2


@pytest.mark.parametrize("mode", MODES)
async def test_a_delete_retried_after_a_lost_answer_that_gets_404_is_not_found(
    httpx_mock: HTTPXMock, mode: str
) -> None:
    # The documented policy: a 404 on the retry cannot tell "deleted by the lost attempt" from "no such
    # key" (a wrong prefix), so it is the NotFoundError it is, never a success.
    httpx_mock.add_exception(httpx.ReadTimeout("lost"), url=PREFIX_URL, method="DELETE")
    httpx_mock.add_response(url=PREFIX_URL, method="DELETE", status_code=404, json={"message": "No key abcd1234"})
    with pytest.raises(NotFoundError, match="No key abcd1234"):
        await call(mode, lambda billing: billing.keys.delete("abcd1234"))
    assert len(httpx_mock.get_requests()) == 2


def _drop_after_reading(connection: Any, request: Any) -> None:
    """Read the request (the server did), then close without a word: the answer is lost."""


@pytest.mark.parametrize("mode", MODES)
async def test_a_connection_dropped_after_the_request_creates_one_key_at_most(mode: str) -> None:
    with FakeAIMLAPI() as server:
        server.route("/v1/keys", _drop_after_reading)
        with pytest.raises(OutcomeUnknownError):
            await call(mode, lambda billing: billing.keys.create(name="ci"), base_url=server.url, max_retries=5)
        assert server.count("/v1/keys") == 1
        server.route("/v1/keys/abcd1234", _drop_after_reading)
        with pytest.raises(APIConnectionError) as raised:
            await call(mode, lambda billing: billing.keys.delete("abcd1234"), base_url=server.url, max_retries=2)
        assert not isinstance(raised.value, OutcomeUnknownError)
        assert server.count("/v1/keys/abcd1234") == 3


@pytest.mark.parametrize("mode", MODES)
async def test_a_connection_refused_before_the_request_is_retried(mode: str) -> None:
    from tests.conftest import free_port

    url = f"http://127.0.0.1:{free_port()}"  # nothing listens: no request can reach anything
    with pytest.raises(APIConnectionError) as raised:
        await call(mode, lambda billing: billing.keys.create(name="ci"), base_url=url, max_retries=2)
    assert not isinstance(raised.value, OutcomeUnknownError)
    assert "whether it took effect" not in str(raised.value)
