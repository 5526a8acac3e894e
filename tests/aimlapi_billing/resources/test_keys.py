"""billing.keys: every method, sync and async; the retry policy of each mutation; the created key's secret."""

from __future__ import annotations

import json
import logging
import pickle
from decimal import Decimal
from typing import Any

import pytest
from pytest_httpx import HTTPXMock

from aimlapi_billing import (
    AuthenticationError,
    Billing,
    InvalidParameterError,
    PermissionDeniedError,
    ResponseValidationError,
    SecretKey,
)
from aimlapi_billing.resources.keys import UnusableCreatedKeyError
from aimlapi_billing.types.keys import CreatedKey
from tests.aimlapi_billing.conftest import API_KEY, BASE_URL, CREATED_KEY
from tests.helpers.mocked_keys import CREATED, KEY, KEYS_URL, PREFIX_URL, everything_shown
from tests.helpers.resources import MODES, call

pytestmark = pytest.mark.usefixtures("fast_backoff")


# -- each method ----------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
async def test_list_and_current(httpx_mock: HTTPXMock, mode: str) -> None:
    httpx_mock.add_response(url=KEYS_URL, method="GET", json={"data": [KEY, {**KEY, "prefix": "efgh5678"}]})
    httpx_mock.add_response(url=BASE_URL + "/v1/key", method="GET", json={"data": KEY})
    keys = await call(mode, lambda billing: billing.keys.list())
    assert [key.prefix for key in keys] == ["abcd1234", "efgh5678"]
    assert keys[0].limit.threshold == 50
    current = await call(mode, lambda billing: billing.keys.current())
    assert current.prefix == "abcd1234"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("threshold", "sent"),
    [
        (0.1, b'"threshold":0.1'),
        (Decimal("1234567.123456789012345"), b'"threshold":1234567.123456789012345'),
        (7, b'"threshold":7'),
    ],
)
async def test_a_limit_is_sent_with_its_exact_digits_and_confirmed_exactly(
    httpx_mock: HTTPXMock, mode: str, threshold: Any, sent: bytes
) -> None:
    # The answer echoes the digits sent; a float round trip would have sent (and compared) others.
    echoed = sent.split(b":")[1].decode()
    answer = json.dumps({"data": {**KEY, "limit": {"retention": "day", "threshold": "@"}}}).replace('"@"', echoed)
    httpx_mock.add_response(url=PREFIX_URL, method="PATCH", content=answer.encode())
    updated = await call(mode, lambda billing: billing.keys.update("abcd1234", threshold=threshold, retention="day"))
    request = httpx_mock.get_request()
    assert request is not None
    assert request.headers["Content-Type"] == "application/json"
    assert sent in request.content
    assert updated.limit.threshold == Decimal(echoed)


@pytest.mark.parametrize("threshold", [True, float("nan"), Decimal("-0.01"), "5", Decimal("Infinity")])
def test_a_limit_that_is_no_amount_is_refused_before_any_request(httpx_mock: HTTPXMock, threshold: Any) -> None:
    from aimlapi_billing import Billing

    with Billing() as billing, pytest.raises(InvalidParameterError, match="threshold"):
        billing.keys.update("abcd1234", threshold=threshold, retention="day")
    assert httpx_mock.get_requests() == []


@pytest.mark.parametrize("mode", MODES)
async def test_create_sends_the_settings_and_wraps_the_secret(httpx_mock: HTTPXMock, mode: str) -> None:
    httpx_mock.add_response(url=KEYS_URL, method="POST", json=CREATED)
    created = await call(
        mode,
        lambda billing: billing.keys.create(name="ci", scopes=["model:chat"], threshold=50, retention="month"),
    )
    request = httpx_mock.get_request()
    assert request is not None
    assert json.loads(request.read()) == {
        "name": "ci",
        "limit": {"retention": "month", "threshold": 50.0},
        "scopes": ["model:chat"],
    }
    assert isinstance(created, CreatedKey)
    assert isinstance(created.key, SecretKey)
    assert created.key.get_secret_value() == CREATED_KEY
    assert created.prefix == CREATED_KEY[:8]
    assert created.limit is not None
    assert created.limit.threshold == 50
    for shown in (
        repr(created),
        str(created),
        repr(created.key),
        str(created.key),
        f"{created.key}",
        f"{created.key:>40}",
    ):
        assert CREATED_KEY[8:16] not in shown
        assert "**********" in shown or "CreatedKey" in shown
    with pytest.raises(TypeError, match="not pickled"):
        pickle.dumps(created.key)


@pytest.mark.parametrize("mode", MODES)
async def test_update_replace_delete(httpx_mock: HTTPXMock, mode: str) -> None:
    httpx_mock.add_response(url=PREFIX_URL, method="PATCH", json={"data": {**KEY, "disabled": True}})
    httpx_mock.add_response(url=PREFIX_URL, method="PUT", json={"data": {**KEY, "name": "new"}})
    httpx_mock.add_response(url=PREFIX_URL, method="DELETE", json={"data": {"prefix": "abcd1234", "deleted": True}})
    updated = await call(mode, lambda billing: billing.keys.update(" abcd1234 ", disabled=True))
    replaced = await call(mode, lambda billing: billing.keys.replace("abcd1234", name="new", disabled=False))
    deleted = await call(mode, lambda billing: billing.keys.delete("abcd1234"))
    sent = [request.read() for request in httpx_mock.get_requests()]
    assert [json.loads(body) for body in sent[:2]] == [{"disabled": True}, {"name": "new", "disabled": False}]
    assert sent[2] == b""
    assert updated.disabled is True
    assert replaced.name == "new"
    assert deleted.deleted is True


@pytest.mark.parametrize(
    ("answer", "wrong"),
    [
        ({"prefix": "otherkey", "deleted": True}, "prefix 'otherkey'"),
        ({"prefix": "abcd1234", "deleted": False}, "deleted False"),
        ({"prefix": "otherkey", "deleted": False}, "prefix 'otherkey', deleted False"),
    ],
)
@pytest.mark.parametrize("mode", MODES)
async def test_a_delete_answer_that_does_not_confirm_the_deletion_is_an_error(
    httpx_mock: HTTPXMock, mode: str, answer: dict[str, Any], wrong: str
) -> None:
    httpx_mock.add_response(url=PREFIX_URL, method="DELETE", json={"data": answer})
    with pytest.raises(ResponseValidationError, match="does not confirm the deletion") as caught:
        await call(mode, lambda billing: billing.keys.delete("abcd1234"))
    assert wrong in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("method", "change", "answer", "wrong"),
    [
        ("update", {"disabled": True}, {"prefix": "otherkey", "disabled": True}, "it names key 'otherkey'"),
        ("update", {"disabled": True}, {}, "disabled is False"),
        ("update", {"disabled": False}, {"disabled": True}, "disabled is True"),
        ("update", {"name": "new"}, {"name": "unchanged"}, "name is 'unchanged'"),
        ("update", {"name": "new"}, {"name": None}, "name is None"),
        ("update", {"threshold": 5, "retention": "day"}, {}, "limit.threshold is 50; limit.retention is 'month'"),
        ("update", {"threshold": 5, "retention": "day"}, {"limit": None}, "limit.threshold is None"),
        ("update", {"scopes": ["model:chat", "model:responses"]}, {}, "scopes is ['model:chat']"),
        ("replace", {"name": "new"}, {"prefix": "otherkey", "name": "new"}, "it names key 'otherkey'"),
    ],
)
@pytest.mark.parametrize("mode", MODES)
async def test_an_update_answer_that_does_not_show_the_change_is_an_error(
    httpx_mock: HTTPXMock, mode: str, method: str, change: dict[str, Any], answer: dict[str, Any], wrong: str
) -> None:
    httpx_mock.add_response(
        url=PREFIX_URL, method="PATCH" if method == "update" else "PUT", json={"data": {**KEY, **answer}}
    )
    with pytest.raises(ResponseValidationError, match="does not confirm the change") as caught:
        await call(mode, lambda billing: getattr(billing.keys, method)("abcd1234", **change))
    assert wrong in str(caught.value)


@pytest.mark.parametrize("mode", MODES)
async def test_an_update_answer_showing_the_change_in_other_words_is_accepted(httpx_mock: HTTPXMock, mode: str) -> None:
    """A threshold of 5 answered as 5.0, scopes in another order: the same change."""
    answer = {**KEY, "limit": {"threshold": 5.0, "retention": "day"}, "scopes": ["model:responses", "model:chat"]}
    httpx_mock.add_response(url=PREFIX_URL, method="PATCH", json={"data": answer})
    key = await call(
        mode,
        lambda billing: billing.keys.update(
            "abcd1234", threshold=5, retention="day", scopes=["model:chat", "model:responses"]
        ),
    )
    assert key.limit.threshold == 5


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("newkey01abc\ndef", "not printable ASCII"),
        ("newkey01abc def", "not printable ASCII"),
        ("newkey01\x1b]0;pwned\x07", "not printable ASCII"),
        ("newkey01\u00e9t\u00e9", "not printable ASCII"),
        ("newkey01" + "x" * 2000, "2008 characters long"),
        ("newkey01abc", "11 characters long, too short for a key"),
    ],
)
@pytest.mark.parametrize("mode", MODES)
async def test_a_created_key_that_cannot_be_a_key_is_an_error_that_says_it_was_created(
    httpx_mock: HTTPXMock, mode: str, value: str, problem: str
) -> None:
    httpx_mock.add_response(url=KEYS_URL, method="POST", json={"data": {**KEY, "key": value, "prefix": "newkey01"}})
    with pytest.raises(UnusableCreatedKeyError) as caught:
        await call(mode, lambda billing: billing.keys.create(name="ci"))
    error = caught.value
    assert isinstance(error, ResponseValidationError)
    assert (error.prefix, error.name) == ("newkey01", "ci")
    message = str(error)
    assert "the API created key newkey01 (ci)" in message
    assert problem in message
    assert "billing.keys.delete('newkey01')" in message
    assert value not in everything_shown(error)
    assert value[8:] not in message


@pytest.mark.parametrize(
    ("value", "prefix", "problem"),
    [
        ("", "newkey01", "empty"),
        (" ", "newkey01", "not printable ASCII"),
        # The prefix the server names is not the start of the key: it may be another existing key.
        ("otherkey0123456789abcdef", "newkey01", "not a key that starts with the prefix answered"),
        # A prefix that is shell text is never put in a command.
        ("$(rm -rf ~)0123456789abcdef", "$(rm -rf ~)", "not printable ASCII"),
        ("$(rm${IFS}-rf${IFS}~)0123456789", "$(rm${IFS}-rf${IFS}~)", "not a key that starts with the prefix"),
        # The caller's own key, answered as the new one: deleting by its prefix would delete it.
        (API_KEY, API_KEY[:8], "the caller's own key"),
        # Another key of the caller's own prefix: the prefix names the caller's key.
        (API_KEY[:8] + "0123456789abcdef", API_KEY[:8], "a key under the caller's own key's prefix"),
    ],
)
@pytest.mark.parametrize("mode", MODES)
async def test_a_created_key_whose_prefix_cannot_be_trusted_names_no_key_to_delete(
    httpx_mock: HTTPXMock, mode: str, value: str, prefix: str, problem: str
) -> None:
    httpx_mock.add_response(url=KEYS_URL, method="POST", json={"data": {**KEY, "key": value, "prefix": prefix}})
    with pytest.raises(UnusableCreatedKeyError) as caught:
        await call(mode, lambda billing: billing.keys.create(name="ci"))
    error = caught.value
    assert (error.prefix, error.name) == (None, "ci")
    message = str(error)
    assert problem in message
    assert "the API created a key (ci)" in message
    assert "list the keys (billing.keys.list()) and look for ci to delete it" in message
    assert "delete(" not in message
    assert "$(rm" not in message
    if value.strip():
        assert value not in everything_shown(error)


@pytest.mark.parametrize(
    ("answer", "wrong"),
    [
        ({"name": "other"}, "name is 'other'"),
        ({"limit": None}, "limit.threshold is None; limit.retention is None"),
        ({"limit": {"threshold": 500, "retention": "day"}}, "limit.threshold is 500"),
        ({"limit": {"threshold": 5, "retention": "month"}}, "limit.retention is 'month'"),
        ({"scopes": None}, "scopes is None"),
        ({"scopes": ["model:chat", "model:image"]}, "scopes is ['model:chat', 'model:image']"),
    ],
)
@pytest.mark.parametrize("mode", MODES)
async def test_a_created_key_that_differs_from_the_request_says_it_was_created(
    httpx_mock: HTTPXMock, mode: str, answer: dict[str, Any], wrong: str
) -> None:
    data = {**CREATED["data"], "limit": {"threshold": 5, "retention": "day"}, **answer}
    if data["limit"] is None:
        del data["limit"]  # the creation schema's limit is never null: absent
    httpx_mock.add_response(url=KEYS_URL, method="POST", json={"data": data})
    with pytest.raises(UnusableCreatedKeyError) as caught:
        await call(
            mode,
            lambda billing: billing.keys.create(name="ci", threshold=5, retention="day", scopes=["model:chat"]),
        )
    error = caught.value
    assert error.prefix == CREATED_KEY[:8]
    message = str(error)
    assert f"the API created key {CREATED_KEY[:8]}" in message
    assert f"it differs from the request ({wrong})" in message
    assert f"billing.keys.delete({CREATED_KEY[:8]!r})" in message
    assert CREATED_KEY[8:] not in everything_shown(error)


@pytest.mark.parametrize(
    "prefix", [".", "..", " .. ", "...", "a/b", "a?b", "a#b", "a%2e", "a b", "", "k\u00e9y", "x" * 65, 7]
)
@pytest.mark.parametrize("method", ["update", "replace", "delete"])
def test_a_prefix_that_is_not_one_path_segment_is_refused_before_any_request(
    httpx_mock: HTTPXMock, method: str, prefix: object
) -> None:
    """`.`/`..` would be removed by httpx (`DELETE /v1/keys/..` is `DELETE /v1`), `/`, `?`, `#`, `%`
    would change the path: only a URL path segment's unreserved characters are a prefix."""
    with Billing() as billing, pytest.raises(InvalidParameterError, match="prefix must be a key's prefix"):
        getattr(billing.keys, method)(prefix, **({} if method == "delete" else {"name": "x"}))
    assert httpx_mock.get_requests() == []


def test_a_prefix_with_every_unreserved_character_is_sent_as_it_is(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(
        url=BASE_URL + "/v1/keys/aZ09-._~", method="DELETE", json={"data": {"prefix": "aZ09-._~", "deleted": True}}
    )
    with Billing() as billing:
        assert billing.keys.delete(" aZ09-._~ ").deleted is True


@pytest.mark.parametrize(
    ("method", "arguments", "message"),
    [
        ("create", {"scopes": ["model:everything"]}, "a scope must be one of"),
        ("create", {"scopes": "model:chat"}, "a list of scopes"),
        ("create", {"retention": "year"}, "retention must be one of"),
        ("create", {"threshold": float("nan")}, "threshold"),
        ("create", {"threshold": -1}, "threshold"),
        ("create", {"threshold": True}, "threshold"),
        ("create", {"name": "a\nb"}, "name"),
        ("update", {"prefix": "abcd1234"}, "at least one"),
        ("update", {"prefix": "", "name": "x"}, "prefix"),
        ("update", {"prefix": "abcd1234", "disabled": "yes"}, "disabled"),
        ("delete", {"prefix": None}, "prefix"),
        ("replace", {"prefix": "\x1b[2J", "name": "x"}, "prefix"),
    ],
)
@pytest.mark.parametrize("mode", MODES)
async def test_bad_arguments_fail_before_any_request(
    httpx_mock: HTTPXMock, mode: str, method: str, arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidParameterError, match=message):
        await call(mode, lambda billing: getattr(billing.keys, method)(**arguments))
    assert httpx_mock.get_requests() == []


@pytest.mark.parametrize("mode", MODES)
async def test_errors_are_typed(httpx_mock: HTTPXMock, mode: str) -> None:
    httpx_mock.add_response(url=KEYS_URL, status_code=403, json={"error": {"message": "a management key is needed"}})
    httpx_mock.add_response(url=BASE_URL + "/v1/key", status_code=401, json={"message": "bad key"})
    httpx_mock.add_response(url=PREFIX_URL, method="DELETE", json={"data": {"prefix": 7}})
    with pytest.raises(PermissionDeniedError, match="management key"):
        await call(mode, lambda billing: billing.keys.list())
    with pytest.raises(AuthenticationError):
        await call(mode, lambda billing: billing.keys.current())
    with pytest.raises(ResponseValidationError, match=r"'data\.prefix' should be a string, got an integer 7"):
        await call(mode, lambda billing: billing.keys.delete("abcd1234"))


# -- the created key stays secret -----------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
async def test_a_created_key_echoed_later_is_redacted_everywhere(
    httpx_mock: HTTPXMock, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    httpx_mock.add_response(url=KEYS_URL, method="POST", json=CREATED, headers={"x-request-id": "req-1"})
    echo = f"the key {CREATED_KEY} may not do this"
    httpx_mock.add_response(
        url=KEYS_URL,
        method="GET",
        status_code=403,
        json={"message": echo, "requestId": CREATED_KEY},
        headers={"x-echo": CREATED_KEY},
    )
    caplog.set_level(logging.DEBUG)

    async def scenario(billing: Any) -> tuple[Any, Any]:
        raw = billing.keys.with_raw_response.create(name="ci")
        raw = await raw if mode == "async" else raw
        try:
            listed = billing.keys.list()
            await listed if mode == "async" else None
        except PermissionDeniedError as error:
            return raw, error
        raise AssertionError("the 403 was not raised")

    if mode == "sync":
        with Billing() as billing:
            raw, error = await scenario(billing)
    else:
        from aimlapi_billing import AsyncBilling

        async with AsyncBilling() as billing:
            raw, error = await scenario(billing)
    assert raw.status_code == 200
    assert raw.request_id == "req-1"
    assert raw.parse().key.get_secret_value() == CREATED_KEY
    shown = [
        raw.http_response.text,
        str(raw.headers),
        repr(raw),
        str(error),
        repr(error),
        str(error.body),
        str(error.request_id),
        error.response.text,
        str(error.response.headers),
        caplog.text,
    ]
    for text in shown:
        assert CREATED_KEY[8:16] not in text
        assert API_KEY[8:16] not in text
    assert "<redacted>" in raw.http_response.text
    assert "<redacted>" in str(error)


def test_a_one_character_key_is_one_character_long() -> None:
    from aimlapi_billing.resources.keys import _key_problem

    assert _key_problem("n") == "1 character long, too short for a key"  # before: "1 characters long"
