"""The key endpoints of the stand-in server: who may manage keys, creation's one-time secret, changes, deletion."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from fake_api.data import BATCH_KEY, CHATBOT_KEY, DISABLED_KEY, KEYS, MANAGEMENT_KEY
from fake_api_server import LEDGER_AS_OF, AfterApplying, FakeAIMLAPI, Reset

from tests.fake_api.conftest import Api

FULL_VALUES = (MANAGEMENT_KEY, CHATBOT_KEY, BATCH_KEY, DISABLED_KEY)


def test_a_management_key_lists_every_key_oldest_first_without_their_values(api: Api) -> None:
    response = api.get("/v1/keys")
    keys = response.json()["data"]
    assert [key["prefix"] for key in keys] == ["a1b2c3d4", "d15ab1ed", "b747e891", "c0ffee42"]
    assert [key["created_at"] for key in keys] == sorted(key["created_at"] for key in keys)
    assert [key["monthly_usage"] for key in keys] == [2.5, 0, 1.56, 0.42]
    assert [key["limit"] for key in keys] == [
        None,
        {"retention": "no_reset", "threshold": 10},
        {"retention": "month", "threshold": 25},
        {"retention": "day", "threshold": 5},
    ]
    assert [key["disabled"] for key in keys] == [False, True, False, False]
    assert not any(value[8:] in response.text for value in FULL_VALUES)


def test_a_regular_key_may_not_list_keys_but_reads_itself(api: Api) -> None:
    assert "management key" in api.refused(403, "/v1/keys", CHATBOT_KEY)
    own = api.ok("/v1/key", CHATBOT_KEY)["data"]
    assert (own["prefix"], own["name"], own["scopes"]) == (
        "b747e891",
        "chatbot-prod",
        ["model:chat", "model:responses"],
    )
    assert api.ok("/v1/key")["data"]["prefix"] == "a1b2c3d4"


def test_an_unknown_key_acts_as_the_default_caller_or_is_refused() -> None:
    with FakeAIMLAPI(now=LEDGER_AS_OF) as server, Api(server, key="any-key") as api:
        assert api.ok("/v1/key")["data"]["prefix"] == "a1b2c3d4"
        assert len(api.ok("/v1/keys")["data"]) == 4
    with FakeAIMLAPI(now=LEDGER_AS_OF, default_caller=None) as server, Api(server, key="any-key") as api:
        api.refused(401, "/v1/key")
        api.refused(401, "/v2/usage", period="7d")
        assert api.ok("/v1/key", MANAGEMENT_KEY)["data"]["name"] == "main"
        assert api.ok("/v2/billing")["currency"] == "USD"  # the billing endpoints still take any key


def test_which_keys_are_management_keys_is_configurable() -> None:
    with FakeAIMLAPI(now=LEDGER_AS_OF, management_keys=()) as server, Api(server, key="tests-key") as api:
        assert "management key" in api.refused(403, "/v1/keys")
        api.refused(403, "/v2/usage", period="7d", key_prefix="b747e891")
        assert api.ok("/v2/billing/detail")["email"] == "user@example.com"
    with FakeAIMLAPI(now=LEDGER_AS_OF, management_keys={BATCH_KEY}) as server, Api(server, key=BATCH_KEY) as api:
        assert len(api.ok("/v1/keys")["data"]) == 4
        api.refused(403, "/v1/keys", MANAGEMENT_KEY)


def test_a_disabled_key_is_refused(api: Api) -> None:
    assert "disabled" in api.refused(401, "/v1/key", DISABLED_KEY)
    api.refused(401, "/v2/logs", DISABLED_KEY, period="7d")


def test_creation_returns_the_full_key_once(api: Api, server: FakeAIMLAPI) -> None:
    request = {"name": "ci", "limit": {"retention": "week", "threshold": 2.5}, "scopes": ["model:chat"]}
    created = api.request("POST", "/v1/keys", json=request).json()["data"]
    value = created["key"]
    assert len(value) == 32
    assert created["prefix"] == value[:8]
    assert created | {"key": None} == {
        "name": "ci",
        "prefix": value[:8],
        "disabled": False,
        "scopes": ["model:chat"],
        "limit": {"retention": "week", "threshold": 2.5},
        "created_at": "2025-11-10T12:00:00.000Z",
        "updated_at": "2025-11-10T12:00:00.000Z",
        "monthly_usage": 0,
        "key": None,
    }
    listing = api.get("/v1/keys")
    assert listing.json()["data"][-1]["prefix"] == value[:8]
    assert value[8:] not in listing.text
    # The new key works, as itself and as a regular key.
    assert api.ok("/v1/key", value)["data"] == {name: created[name] for name in listing.json()["data"][-1]}
    api.refused(403, "/v1/keys", value)
    assert server.keys[-1]["key"] == value


def test_creation_without_a_body_makes_a_key_with_no_limit(api: Api) -> None:
    created = api.request("POST", "/v1/keys").json()["data"]
    assert "limit" not in created  # CreatedApiKey.limit is never null: an absent limit is left out
    assert (created["name"], created["scopes"]) == (None, None)
    assert api.ok("/v1/key", created["key"])["data"]["limit"] is None


@pytest.mark.parametrize(
    "raw",
    [
        b"{",
        b"[]",
        b'"name"',
        b'{"name": 5}',
        b'{"prefix": "b747e891"}',
        b'{"key": "mine"}',
        b'{"disabled": true}',
        b'{"limit": null}',
        b'{"limit": {"retention": "year", "threshold": 5}}',
        b'{"limit": {"retention": "day"}}',
        b'{"limit": {"retention": "day", "threshold": -1}}',
        b'{"limit": {"retention": "day", "threshold": NaN}}',
        b'{"limit": {"retention": "day", "threshold": Infinity}}',
        b'{"limit": {"retention": "day", "threshold": 1e999}}',
        b'{"limit": {"retention": "day", "threshold": true}}',
        b'{"limit": {"retention": "day", "threshold": "5"}}',
        b'{"limit": {"retention": "day", "threshold": 5, "currency": "EUR"}}',
        b'{"scopes": ["model:chat", "model:chat"]}',
        b'{"scopes": ["model:everything"]}',
        b'{"scopes": "model:chat"}',
        b"\xff\xfe",
    ],
)
def test_a_malformed_creation_is_refused_and_creates_nothing(api: Api, server: FakeAIMLAPI, raw: bytes) -> None:
    response = api.request("POST", "/v1/keys", content=raw)
    assert response.status_code == 400, response.text
    assert len(server.keys) == len(KEYS)


def test_only_a_management_key_creates_changes_or_deletes(api: Api, server: FakeAIMLAPI) -> None:
    for method, path in (("POST", "/v1/keys"), ("PATCH", "/v1/keys/c0ffee42"), ("PUT", "/v1/keys/c0ffee42"),
                         ("DELETE", "/v1/keys/c0ffee42")):  # fmt: skip
        response = api.request(method, path, CHATBOT_KEY, json={"name": "mine"} if method != "DELETE" else None)
        assert response.status_code == 403, (method, response.text)
    assert [key["name"] for key in server.keys] == [key["name"] for key in KEYS]


def test_patch_changes_only_the_fields_given(api: Api) -> None:
    before = api.ok("/v1/key", BATCH_KEY)["data"]
    changed = api.request("PATCH", "/v1/keys/c0ffee42", json={"limit": {"retention": "month", "threshold": 40}})
    stamped = before | {"updated_at": "2025-11-10T12:00:00.000Z"}  # the server's clock stands at its now
    assert changed.json()["data"] == stamped | {"limit": {"retention": "month", "threshold": 40}}
    renamed = api.request("PATCH", "/v1/keys/c0ffee42", json={"name": "nightly", "disabled": True, "scopes": None})
    assert renamed.json()["data"] == stamped | {
        "name": "nightly",
        "disabled": True,
        "limit": {"retention": "month", "threshold": 40},
    }
    assert api.ok("/v1/keys")["data"][3]["name"] == "nightly"
    api.refused(401, "/v1/key", BATCH_KEY)  # disabled now


@pytest.mark.parametrize("body", [{}, {"limit": None}, {"name": None}, {"disabled": "yes"}, {"monthly_usage": 0}])
def test_patch_refuses_what_its_schema_does_not_allow(api: Api, body: dict[str, Any]) -> None:
    before = api.ok("/v1/keys")
    response = api.request("PATCH", "/v1/keys/c0ffee42", json=body if body else None)
    assert response.status_code == 400, response.text
    assert api.ok("/v1/keys") == before


def test_put_sets_every_field_and_resets_those_left_out(api: Api) -> None:
    replaced = api.request("PUT", "/v1/keys/b747e891", json={"name": "chatbot", "limit": None}).json()["data"]
    assert (replaced["name"], replaced["disabled"], replaced["scopes"], replaced["limit"]) == (
        "chatbot",
        False,
        None,
        None,
    )
    assert replaced["monthly_usage"] == 1.56
    again = api.request("PUT", "/v1/keys/b747e891", json={"name": "chatbot", "limit": None}).json()["data"]
    assert again == replaced  # idempotent


def test_delete_removes_the_key_and_its_access(api: Api, server: FakeAIMLAPI) -> None:
    response = api.request("DELETE", "/v1/keys/c0ffee42")
    assert response.json() == {"data": {"prefix": "c0ffee42", "deleted": True}}
    assert "c0ffee42" not in [key["prefix"] for key in api.ok("/v1/keys")["data"]]
    api.refused(401, "/v1/key", BATCH_KEY)  # calls made with a deleted key fail, never fall back to another key
    assert api.request("DELETE", "/v1/keys/c0ffee42").status_code == 404
    assert len(server.keys) == len(KEYS) - 1


@pytest.mark.parametrize("method", ["PATCH", "PUT", "DELETE"])
@pytest.mark.parametrize("prefix", ["ffffffff", "b747e89", "b747e8911", "B747E891", "%2e%2e", "b747e891%00"])
def test_an_unknown_prefix_is_404(api: Api, method: str, prefix: str) -> None:
    response = api.request(method, f"/v1/keys/{prefix}", json={"name": "x"} if method != "DELETE" else None)
    assert response.status_code == 404, response.text


def test_a_post_applied_before_the_connection_dropped_created_its_key(api: Api, server: FakeAIMLAPI) -> None:
    server.script("POST /v1/keys", AfterApplying(Reset()))
    with pytest.raises(httpx.TransportError):
        api.client.post("/v1/keys", headers={"Authorization": f"Bearer {MANAGEMENT_KEY}"}, json={"name": "once"})
    assert [key["name"] for key in server.keys].count("once") == 1
    assert len(api.ok("/v1/keys")["data"]) == 5  # the script was for POST only: this GET is answered
    assert [seen.method for seen in server.requests_to("/v1/keys")] == ["POST", "GET"]
    assert json.loads(server.requests_to("/v1/keys")[0].body) == {"name": "once"}


def test_a_wrong_method_is_405(server: FakeAIMLAPI) -> None:
    headers = {"Authorization": "Bearer k"}
    for method, path in (("DELETE", "/v1/keys"), ("POST", "/v1/key"), ("GET", "/v1/keys/b747e891"),
                         ("POST", "/v2/usage"), ("PUT", "/v2/logs")):  # fmt: skip
        assert httpx.request(method, server.url + path, headers=headers).status_code == 405


def test_monthly_usage_counts_charged_spend_since_the_month_began() -> None:
    now = LEDGER_AS_OF.replace(day=8)  # 2025-11-08 12:00: inf-1 of the 7th counts, later ones are after now
    with FakeAIMLAPI(now=LEDGER_AS_OF) as server:
        rows = server.logs
    with FakeAIMLAPI(now=now, logs=rows, keys=[dict(key) for key in KEYS]) as server, Api(server) as api:
        assert [key["monthly_usage"] for key in api.ok("/v1/keys")["data"]] == [2.5, 0, 0, 0]
    december = LEDGER_AS_OF.replace(month=12, day=1)
    with FakeAIMLAPI(now=december, logs=rows, keys=[dict(key) for key in KEYS]) as server, Api(server) as api:
        assert [key["monthly_usage"] for key in api.ok("/v1/keys")["data"]] == [0, 0, 0, 0]
