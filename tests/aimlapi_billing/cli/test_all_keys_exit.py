"""The exit code of a partial all-keys view (``_all_keys.exit_code``): the deadline's (4) whenever a
key timed out, else the code most missing keys share, not merely the first key's in prefix order."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fake_api_server import FakeAIMLAPI, Reply, Stall

from aimlapi_billing import MissingKey
from aimlapi_billing._cli._all_keys import exit_code
from tests.helpers.cli import run

pytestmark = pytest.mark.usefixtures("fast_backoff")


@pytest.fixture
def account() -> Iterator[FakeAIMLAPI]:
    with FakeAIMLAPI() as server:
        yield server


def test_a_key_cut_by_the_deadline_makes_it_exit_4_whatever_key_comes_first(account: FakeAIMLAPI) -> None:
    """Before: exit 5, from b747e891's 500, the first missing key alphabetically, though the deadline
    (a longer --deadline is the fix) also left c0ffee42 unmeasured."""
    account.key_faults["b747e891"] = Reply(500, {"message": "boom", "statusCode": 500})
    account.key_faults["c0ffee42"] = Stall(30)
    argv = ("usage", "--all-keys", "--max-retries", "0", "--deadline", "2", "--base-url", account.url)
    code, out, err = run(*argv)
    assert "2 of 4 keys not measured: b747e891 (InternalServerError" in out
    assert "c0ffee42 (APITimeoutError" in out
    assert code == 4
    assert err.startswith("aimlapi-billing: error: 2 of 4 keys not measured")


def missing(prefix: str, error: str) -> MissingKey:
    return MissingKey(prefix, None, error, "why")


@pytest.mark.parametrize(
    ("errors", "code"),
    [
        ([], 0),
        (["InternalServerError"], 5),
        (["InternalServerError", "APITimeoutError"], 4),
        (["ResponseValidationError", "InternalServerError", "NotFoundError"], 5),  # most keys: an error status
        (["ResponseValidationError", "InternalServerError"], 6),  # a tie: the first key's
        (["NoSuchErrorInThisVersion"], 1),
    ],
)
def test_the_exit_code_of_the_missing_keys(errors: list[str], code: int) -> None:
    keys = [missing(f"k{index:07d}", error) for index, error in enumerate(errors)]
    assert exit_code(keys) == code
