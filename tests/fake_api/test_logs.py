"""GET /v2/logs of the stand-in server: offset pages, repeated filters, windows, keys and the rate limit."""

from __future__ import annotations

import time

import httpx
import pytest
from fake_api.data import CHATBOT_KEY, LOGS
from fake_api_server import LEDGER_AS_OF, FakeAIMLAPI

from tests.fake_api.conftest import Api

PATH = "/v2/logs"


def test_rows_are_newest_first_with_failed_ones_at_zero_cost(api: Api) -> None:
    body = api.ok(PATH, period="7d", key_prefix="b747e891")
    assert [row["inference_id"] for row in body["data"]] == ["inf-3", "inf-f2"]
    assert [(row["status"], row["cost"]["usd"]) for row in body["data"]] == [("succeeded", 1.56), ("failed", 0.0)]
    assert body["pagination"] == {"limit": 50, "offset": 0, "total": 2, "has_more": False}
    # One row per request, failed ones too: more rows than the usage's charged requests.
    assert api.ok("/v2/usage", period="7d", key_prefix="b747e891")["requests"] == 1


def test_offset_pages_walk_every_row_once(api: Api) -> None:
    seen, offset = [], 0
    while True:
        page = api.ok(PATH, period="7d", key_prefix="a1b2c3d4", limit=1, offset=offset)
        assert page["pagination"]["total"] == 2
        seen += [row["inference_id"] for row in page["data"]]
        if not page["pagination"]["has_more"]:
            break
        offset += 1
    assert seen == ["inf-f1", "inf-1"]
    past_the_end = api.ok(PATH, period="7d", limit=5, offset=7)
    assert past_the_end == {"data": [], "pagination": {"limit": 5, "offset": 7, "total": 2, "has_more": False}}


@pytest.mark.parametrize(
    "params",
    [{"limit": "0"}, {"limit": "101"}, {"limit": "ten"}, {"limit": "-1"}, {"limit": ""}, {"offset": "-1"},
     {"offset": "1.5"}, {"offset": "9" * 40}],
)  # fmt: skip
def test_limit_and_offset_out_of_range_are_refused(api: Api, params: dict[str, str]) -> None:
    assert "must be" in api.refused(400, PATH, period="7d", **params)


def test_limit_bounds_are_accepted(api: Api) -> None:
    assert api.ok(PATH, period="7d", limit="1")["pagination"]["limit"] == 1
    assert api.ok(PATH, period="7d", limit="100")["pagination"]["limit"] == 100


def listed(api: Api, field: str, key_prefix: str, **filters: list[str]) -> list[str]:
    """``field`` of each row of a week of ``key_prefix``'s requests, with repeated ``filters``."""
    return [row[field] for row in api.ok(PATH, period="7d", key_prefix=key_prefix, **filters)["data"]]


def test_status_is_repeated_never_comma_separated(api: Api) -> None:
    assert listed(api, "status", "b747e891", status=["failed"]) == ["failed"]
    assert listed(api, "status", "b747e891", status=["succeeded"]) == ["succeeded"]
    assert listed(api, "status", "b747e891", status=["succeeded", "failed"]) == ["succeeded", "failed"]
    assert "repeat the parameter" in api.refused(400, PATH, period="7d", status="succeeded,failed")
    api.refused(400, PATH, period="7d", status="Failed")


def test_model_is_repeated_and_matches_a_full_name_or_a_bare_alias(api: Api) -> None:
    def models(*values: str) -> list[str]:
        return listed(api, "model", "a1b2c3d4", model=list(values))

    assert models("openai/gpt-5") == ["openai/gpt-5"]
    assert models("gpt-5") == ["openai/gpt-5"]
    assert models("gpt-5", "anthropic/claude-sonnet") == ["anthropic/claude-sonnet", "openai/gpt-5"]
    assert models("openai/gpt-5,anthropic/claude-sonnet") == []  # one long name: an empty page, no error
    assert models("GPT-5") == []
    assert "50" in api.refused(400, PATH, period="7d", model=[f"m{n}" for n in range(51)])
    assert api.ok(PATH, period="7d", model=[f"m{n}" for n in range(50)])["data"] == []


def test_the_window_and_key_rules_are_the_usage_endpoints(api: Api) -> None:
    assert "92 days" in api.refused(400, PATH, period="93d")
    assert "period" in api.refused(400, PATH, period="7d", start="2025-11-01T00:00:00Z", end="2025-11-02T00:00:00Z")
    assert "period" in api.refused(400, PATH)
    assert "management key" in api.refused(403, PATH, CHATBOT_KEY, period="7d", key_prefix="a1b2c3d4")
    api.refused(404, PATH, period="7d", key_prefix="ffffffff")
    window = api.ok(PATH, start="2025-11-09T00:00:00Z", end="2025-11-10T09:30:00Z", key_prefix="b747e891")
    assert [row["inference_id"] for row in window["data"]] == ["inf-f2"]  # the end is exclusive


def test_rows_carry_the_ids_of_the_records_they_tie_to(api: Api) -> None:
    row = api.ok(PATH, period="7d", key_prefix="b747e891")["data"][0]
    assert row == {
        "created": "2025-11-10T09:30:00.000Z",
        "status": "succeeded",
        "origin": "api",
        "model": "openai/gpt-5",
        "cost": {"usd": 1.56, "credits": 3120000},
        "tokens": {"input": 41000, "output": 12000, "total": 53000},
        "request_id": "req-3",
        "inference_id": "inf-3",
        "client_request_id": "customer-42",
    }


def test_the_documented_rate_limit_is_the_default() -> None:
    with FakeAIMLAPI(now=LEDGER_AS_OF) as server:
        assert (server.account.logs_rate.limit, server.account.logs_rate.window) == (200, 60.0)
        with Api(server) as api:
            for _ in range(200):
                api.ok(PATH, period="7d")
            api.refused(429, PATH, period="7d")


def test_past_the_limit_logs_answer_429_with_retry_after_until_the_window_slides() -> None:
    with FakeAIMLAPI(now=LEDGER_AS_OF, logs_rate_limit=3, logs_rate_window=1.0) as server, Api(server) as api:
        for _ in range(3):
            api.ok(PATH, period="7d")
        started = time.monotonic()
        response = api.get(PATH, period="7d")
        assert response.status_code == 429
        assert response.json()["statusCode"] == 429
        assert response.headers["retry-after"] == "1"
        # Another key has its own budget; the usage endpoints have none; a 401 is not counted.
        api.ok(PATH, CHATBOT_KEY, period="7d")
        for _ in range(5):
            api.ok("/v2/usage", period="7d")
        time.sleep(max(0.0, 1.05 - (time.monotonic() - started)))
        api.ok(PATH, period="7d")


def test_refused_requests_do_not_count_against_the_limit() -> None:
    with FakeAIMLAPI(now=LEDGER_AS_OF, logs_rate_limit=1, default_caller=None) as server, Api(server) as api:
        for _ in range(3):
            api.refused(401, PATH, key="not-a-key", period="7d")
        api.ok(PATH, period="7d")
        assert httpx.get(f"{server.url}{PATH}?period=7d").status_code == 401  # and without a key at all
        assert api.get(PATH, period="7d").status_code == 429


def test_a_server_with_its_own_rows() -> None:
    rows = [{**row, "created": "2025-11-10T11:00:00.000Z"} for row in LOGS for _ in range(30)]
    with FakeAIMLAPI(now=LEDGER_AS_OF, logs=rows) as server, Api(server) as api:
        page = api.ok(PATH, period="1h", key_prefix="b747e891", limit=100)
        assert page["pagination"]["total"] == 60
        assert len(page["data"]) == 60
