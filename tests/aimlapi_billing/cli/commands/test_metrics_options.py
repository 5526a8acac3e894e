"""``metrics`` and ``exporter``: the per-key options (--keys, --model-window, --top-models)."""

from __future__ import annotations

import datetime
import io

import pytest
from fake_api_server import FakeAIMLAPI, Reply
from prometheus_client.openmetrics.parser import text_string_to_metric_families

from aimlapi_billing._cli import UsageError, build_parser, main
from tests.helpers.budget_data import budget_account

pytestmark = pytest.mark.usefixtures("fast_backoff")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def samples(text: str, name: str, label: str) -> dict[str, float]:
    families = {family.name: family for family in text_string_to_metric_families(text)}
    return {sample.labels[label]: float(sample.value) for sample in families[name].samples}


def test_metrics_with_keys_and_models() -> None:
    with FakeAIMLAPI(**budget_account(datetime.datetime.now(datetime.UTC))) as fake:
        code, out, err = run("metrics", "--keys", "--model-window", "30d", "--top-models", "1", "--base-url", fake.url)
    assert (code, err) == (0, "")
    assert samples(out, "aimlapi_key_limit_utilisation_ratio", "key_prefix") == {
        "b747e891": 0.9,
        "c0ffee42": float("inf"),
        "d15ab1ed": 0.0,
    }
    assert samples(out, "aimlapi_model_spend_usd", "model") == {"openai/gpt-5": 6.8, "(other)": 0.5}


def test_a_failed_usage_read_writes_the_exposition_and_exits_with_its_code() -> None:
    with FakeAIMLAPI(**budget_account(datetime.datetime.now(datetime.UTC))) as fake:
        fake.script("/v1/keys", Reply(500, {"message": "keys down"}))
        code, out, err = run("metrics", "--keys", "--base-url", fake.url, "--max-retries", "0")
    assert code == 5
    assert err == "aimlapi-billing: error: Error code: 500 - keys down\n"
    assert "aimlapi_usage_scrape_success 0.0" in out
    assert "aimlapi_balance_usd 275.78" in out  # the balance was read and is exported


@pytest.mark.parametrize(
    ("argv", "problem"),
    [
        (["--top-models", "0"], "must be a whole number from 1 to 100"),
        (["--top-models", "101"], "must be a whole number from 1 to 100"),
        (["--top-models", "2.5"], "not a whole number"),
        (["--model-window", "0d"], "not a span"),
        (["--model-window", "3661d"], "must be from 1h to 3660d"),
        (["--model-window", "nan"], "not a span"),
        (["--keys", "yes"], "unrecognized arguments: yes"),
    ],
)
@pytest.mark.parametrize("command", ["metrics", "exporter"])
def test_bad_usage_options_are_usage_errors(command: str, argv: list[str], problem: str) -> None:
    with pytest.raises(UsageError, match=problem):
        build_parser([command]).parse_args([command, *argv])


def test_the_longest_window_of_the_command_line_is_the_collectors_and_the_config_files() -> None:
    from aimlapi_billing._cli._options import MAX_DAYS
    from aimlapi_billing._exporter.config import MAX_WINDOW
    from aimlapi_billing._windows import span

    assert MAX_WINDOW.days == MAX_DAYS
    assert span("3660d") == MAX_WINDOW
    code, out, err = run("metrics", "--model-window", "3660d", "--base-url", "http://127.0.0.1:9", "--max-retries", "0")
    assert code == 4  # taken, then the connection refused: not a usage error
    assert "aimlapi_scrape_success 0" in out
    assert "Connection" in err
